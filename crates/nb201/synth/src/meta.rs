//! The 15625 architecture strings in benchmark order, and the order of `arch2infos`.
//!
//! Benchmark order (nb201-layout.md §6): the product enumeration of the 5 ops over the 6 edges
//! (edge F fastest) shuffled by Python's `random.shuffle` after `random.seed(88)`, i.e. MT19937
//! seeded with `init_by_array([88])`, then for `i = n-1 .. 1`: `j = below(i + 1)`, swap.

/// Number of architectures in NAS-Bench-201.
pub const TOTAL: usize = 15625;

/// The candidate operations, in op-index order (`api201.str2matrix`).
pub const OPS: [&str; 5] = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

/// Architectures per writer process: `arch2infos` was merged from chunks of this many archs
/// (`main.py`, divide=40: 15625 / 40 rounded down), 41 chunks in all.
pub const CHUNK: usize = 390;

/// MT19937, as CPython's `random` module uses it.
struct Mt {
    state: [u32; 624],
    index: usize,
}

impl Mt {
    /// `init_by_array(key)`, which `random.seed(int)` uses with the int's 32-bit words.
    fn by_array(key: &[u32]) -> Mt {
        let mut s = [0u32; 624];
        s[0] = 19_650_218;
        for i in 1..624 {
            s[i] =
                1_812_433_253u32.wrapping_mul(s[i - 1] ^ (s[i - 1] >> 30)).wrapping_add(i as u32);
        }
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..624.max(key.len()) {
            s[i] = (s[i] ^ (s[i - 1] ^ (s[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= 624 {
                s[0] = s[623];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..623 {
            s[i] = (s[i] ^ (s[i - 1] ^ (s[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= 624 {
                s[0] = s[623];
                i = 1;
            }
        }
        s[0] = 0x8000_0000;
        Mt { state: s, index: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for k in 0..624 {
                let y = (self.state[k] & 0x8000_0000) | (self.state[(k + 1) % 624] & 0x7fff_ffff);
                let mut v = self.state[(k + 397) % 624] ^ (y >> 1);
                if y & 1 != 0 {
                    v ^= 0x9908_b0df;
                }
                self.state[k] = v;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random._randbelow(n)` for `0 < n < 2^32`: rejection sampling on `bit_length(n)` bits.
    fn below(&mut self, n: u32) -> u32 {
        let k = 32 - n.leading_zeros();
        loop {
            let r = self.next_u32() >> (32 - k);
            if r < n {
                return r;
            }
        }
    }
}

/// Product positions (`sum op(e) * 5^(5-e)`) of the 15625 archs in benchmark order.
pub fn benchmark_order() -> Vec<u16> {
    let mut v: Vec<u16> = (0..TOTAL as u16).collect();
    let mut mt = Mt::by_array(&[88]);
    for i in (1..v.len()).rev() {
        let j = mt.below(i as u32 + 1) as usize;
        v.swap(i, j);
    }
    v
}

/// The op index of each edge A..F (0->1, 0->2, 1->2, 0->3, 1->3, 2->3) of a product position.
pub fn edges(position: u16) -> [u8; 6] {
    let mut e = [0u8; 6];
    let mut p = position;
    for k in (0..6).rev() {
        e[k] = (p % 5) as u8;
        p /= 5;
    }
    e
}

/// The architecture string, e.g. `|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...~0|...~1|...~2|`.
pub fn arch_str(e: &[u8; 6]) -> String {
    let op = |k: usize| OPS[usize::from(e[k])];
    format!("|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|", op(0), op(1), op(2), op(3), op(4), op(5))
}

/// Size of a CPython set's hash table after `n` int insertions into an empty set (as
/// `set(list)` builds it when the chunk's pickled set is loaded). Starts at 8 slots; grows to
/// the smallest power of two above `4 * used` when `fill * 3 >= mask * 2` (CPython 3.6-3.10;
/// 3.11's `fill * 5 >= mask * 3` gives the same sizes for every count here: 25 ints -> 128
/// slots, 390 -> 2048). Note: nb201-layout.md §3 gives 1024 slots for a 390-int chunk (1024..1169
/// before 780..1023); both rules give 2048 (8, 32, 128, 512, 2048), which CPython 3.11 confirms,
/// so a chunk wraps only where it crosses a multiple of 2048 (1950..2339 iterates 2048..2339
/// first) and the last chunk (128 slots) iterates 15616..15624 before 15600..15615.
pub fn set_table_size(n: usize) -> usize {
    let mut size = 8usize;
    for used in 1..=n {
        if used * 3 >= (size - 1) * 2 {
            let mut s = 8;
            while s <= used * 4 {
                s <<= 1;
            }
            size = s;
        }
    }
    size
}

/// `arch2infos` insertion order for a file holding every index of `0..meta_len` that `keep`
/// accepts: chunk by chunk (chunks of [`CHUNK`] over the whole benchmark), inside a chunk the
/// iteration order of the chunk's set of ints, i.e. by `index mod table size` (a chunk spans
/// fewer ints than its table has slots, so no two collide).
pub fn arch2infos_order(meta_len: usize, keep: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < meta_len {
        let end = (start + CHUNK).min(TOTAL).min(meta_len.max(start + 1));
        let full_end = (start + CHUNK).min(TOTAL);
        let mask = set_table_size(full_end - start) - 1;
        let mut chunk: Vec<usize> = (start..end.min(meta_len)).filter(|&i| keep(i)).collect();
        chunk.sort_by_key(|&i| i & mask);
        out.extend(chunk);
        start = full_end;
    }
    out
}
