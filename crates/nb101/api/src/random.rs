//! [`PyRandom`]: CPython's `random` module generator, exactly: MT19937 seeded by
//! `random.seed(int)` (`init_by_array` over the 32-bit words of `abs(n)`), `getrandbits(k)` and
//! `randint(a, b)` by rejection (`_randbelow_with_getrandbits`), so that `NASBench(f, seed=S)`
//! followed by queries draws here the repeats Python draws there.

use sha2::{Digest, Sha256};

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The state of Python's `random.Random` (its Mersenne Twister; `gauss`'s cached value is not
/// kept: the NASBench API never calls it).
#[derive(Clone)]
pub struct PyRandom {
    mt: [u32; N],
    index: usize,
}

impl std::fmt::Debug for PyRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PyRandom {{ state: {} }}", self.state_digest())
    }
}

impl PyRandom {
    /// `random.seed(n)` for an int `n` (a bool is its int): the generator Python has after it.
    ///
    /// ```
    /// // python3 -c "import random; random.seed(0); print([random.randint(0, 2) for _ in range(8)])"
    /// let mut r = tnb_nb101_api::PyRandom::seed_int(0);
    /// let v: Vec<i64> = (0..8).map(|_| r.randint(0, 2)).collect();
    /// assert_eq!(v, [1, 1, 0, 1, 2, 1, 1, 1]);
    /// ```
    pub fn seed_int(n: i128) -> PyRandom {
        let a = n.unsigned_abs();
        // The 32-bit words of abs(n), least significant first; zero is the one word 0.
        let mut key = Vec::with_capacity(4);
        let mut rest = a;
        while rest != 0 {
            key.push(rest as u32);
            rest >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        Self::from_key(&key)
    }

    /// `init_by_array(key)`, as CPython's `random_seed` calls it.
    pub fn from_key(key: &[u32]) -> PyRandom {
        let mut r = PyRandom { mt: [0; N], index: N };
        r.init_genrand(19_650_218);
        let mt = &mut r.mt;
        let (mut i, mut j) = (1usize, 0usize);
        let mut k = N.max(key.len());
        while k > 0 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
            k -= 1;
        }
        k = N - 1;
        while k > 0 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            k -= 1;
        }
        mt[0] = 0x8000_0000;
        r
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..N {
            let prev = self.mt[i - 1];
            self.mt[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        self.index = N;
    }

    /// The next 32 random bits (`genrand_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn twist(&mut self) {
        let mag = |y: u32| if y & 1 == 1 { MATRIX_A } else { 0 };
        for kk in 0..N {
            let y = (self.mt[kk] & UPPER_MASK) | (self.mt[(kk + 1) % N] & LOWER_MASK);
            self.mt[kk] = self.mt[(kk + M) % N] ^ (y >> 1) ^ mag(y);
        }
        self.index = 0;
    }

    /// `getrandbits(k)` for `1 <= k <= 64` (CPython takes whole 32-bit words, least
    /// significant first, and drops the top bits of the last one).
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        debug_assert!((1..=64).contains(&k));
        if k <= 32 {
            return u64::from(self.next_u32() >> (32 - k));
        }
        let lo = u64::from(self.next_u32());
        let hi = u64::from(self.next_u32() >> (64 - k));
        lo | (hi << 32)
    }

    /// `_randbelow(n)` for `n >= 1`: `getrandbits(n.bit_length())` until below `n`.
    pub fn randbelow(&mut self, n: u64) -> u64 {
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k.max(1));
            if r < n {
                return r;
            }
        }
    }

    /// `randint(a, b)` for `a <= b` (the API's `randint(0, num_repeats - 1)`); `a` when the
    /// range is empty or wider than 64 bits (Python raises there; the API never asks).
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        match b.checked_sub(a).and_then(|w| u64::try_from(w).ok()).and_then(|w| w.checked_add(1)) {
            Some(width) => a.wrapping_add(self.randbelow(width) as i64),
            None => a,
        }
    }

    /// `repr(random.getstate())`: `(3, (w0, ..., w623, pos), None)`.
    pub fn state_repr(&self) -> String {
        let mut s = String::with_capacity(7 * N + 32);
        s.push_str("(3, (");
        for w in &self.mt {
            s.push_str(&w.to_string());
            s.push_str(", ");
        }
        s.push_str(&self.index.to_string());
        s.push_str("), None)");
        s
    }

    /// The first 16 hex digits of the SHA-256 of [`PyRandom::state_repr`] (what the recorded
    /// official answers keep of the module generator's state after each call).
    pub fn state_digest(&self) -> String {
        let d = Sha256::digest(self.state_repr().as_bytes());
        d.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn python(script: &str) -> String {
        let out = Command::new("python3").args(["-c", script]).output().expect("python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn randint_and_state_match_python3_for_many_seeds() {
        let seeds: [i128; 10] =
            [0, 1, -1, 2, 42, 12345, -98765, 1 << 32, (1 << 64) + 7, -(1i128 << 100) - 3];
        let list: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
        let script = format!(
            "import random, hashlib\n\
             for s in [{}]:\n\
             \x20   random.seed(s)\n\
             \x20   v = [random.randint(0, 2) for _ in range(700)] + [random.getrandbits(k) for k in (1, 31, 32, 33, 64)] + [random.randint(-5, 1000) for _ in range(20)]\n\
             \x20   print(' '.join(map(str, v)), hashlib.sha256(repr(random.getstate()).encode()).hexdigest()[:16])\n",
            list.join(", ")
        );
        let want = python(&script);
        for (seed, line) in seeds.iter().zip(want.lines()) {
            let mut r = PyRandom::seed_int(*seed);
            let mut v: Vec<String> = (0..700).map(|_| r.randint(0, 2).to_string()).collect();
            v.extend([1, 31, 32, 33, 64].iter().map(|&k| r.getrandbits(k).to_string()));
            v.extend((0..20).map(|_| r.randint(-5, 1000).to_string()));
            v.push(r.state_digest());
            assert_eq!(v.join(" "), line, "seed {seed}");
        }
    }

    #[test]
    fn ranges_python_would_refuse_give_their_start_without_a_draw() {
        let mut r = PyRandom::seed_int(5);
        let fresh = r.state_repr();
        assert_eq!(r.randint(3, 2), 3);
        assert_eq!(r.randint(i64::MIN, i64::MAX), i64::MIN);
        assert_eq!(r.randint(-1, i64::MAX), -1);
        assert_eq!(r.state_repr(), fresh);
        // One value: randbelow(1) still draws (getrandbits(1), as Python's _randbelow does).
        assert_eq!(r.randint(7, 7), 7);
        assert_ne!(r.state_repr(), fresh);
        // The widest range drawn from: b - a = i64::MAX, 2^63 values.
        let mut a = PyRandom::seed_int(5);
        let mut b = PyRandom::seed_int(5);
        let x = a.randint(-1, i64::MAX - 1);
        assert_eq!(x, -1 + b.randbelow(1 << 63) as i64);
        assert_eq!(a.state_repr(), b.state_repr());
    }

    #[test]
    fn fresh_state_digest_matches_python3() {
        let want = python(
            "import random, hashlib\nrandom.seed(7)\nprint(hashlib.sha256(repr(random.getstate()).encode()).hexdigest()[:16])",
        );
        assert_eq!(PyRandom::seed_int(7).state_digest(), want.trim());
    }
}
