//! The content of `.data/serialization_id`, computed as torch 2.x on Linux computes it, so that a
//! file written here can be byte-identical to `torch.save`'s.
//!
//! torch writes 40 decimal digits: a 20-digit, zero-padded hash of the record names, then a
//! 20-digit hash of their CRC-32s. Both fold values with `c10::hash_combine`
//! (`seed ^ (v + 0x9e3779b9 + (seed << 6) + (seed >> 2))`, 64-bit wrapping). The CRCs of the
//! non-empty records are folded in writing order (torch skips empty records there). The names (without the folder) are folded in the iteration order of the
//! `std::unordered_set` torch keeps them in, each hashed with libstdc++'s `std::hash<string>`;
//! that order is reproduced by [`set_order`]. Checked against the files torch 2.15 wrote for
//! this repository's fixtures (`data/transnas_small.pth`, `data/tensors.pth` with 46 records).
//! On other C++ standard libraries torch's id differs; any reader treats it as opaque.

/// libstdc++'s `std::hash<std::string>` on 64-bit targets (`_Hash_bytes` with seed
/// `0xc70f6907`, a MurmurHash2 variant).
pub(crate) fn libstdcxx_hash(bytes: &[u8]) -> u64 {
    const MUL: u64 = (0xc6a4_a793 << 32) + 0x5bd1_e995;
    fn shift_mix(v: u64) -> u64 {
        v ^ (v >> 47)
    }
    let len = bytes.len() as u64;
    let mut hash = 0xc70f_6907 ^ len.wrapping_mul(MUL);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let data = shift_mix(u64::from_le_bytes(word).wrapping_mul(MUL)).wrapping_mul(MUL);
        hash ^= data;
        hash = hash.wrapping_mul(MUL);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut word = [0u8; 8];
        word[..tail.len()].copy_from_slice(tail);
        hash ^= u64::from_le_bytes(word);
        hash = hash.wrapping_mul(MUL);
    }
    shift_mix(shift_mix(hash).wrapping_mul(MUL))
}

/// `c10::hash_combine`.
pub(crate) fn hash_combine(seed: u64, value: u64) -> u64 {
    seed ^ value.wrapping_add(0x9e37_79b9).wrapping_add(seed << 6).wrapping_add(seed >> 2)
}

/// Bucket counts a libstdc++ `unordered_set` (max load factor 1) moves through as it grows from
/// empty: it rehashes before inserting element `n + 1` when `n` equals the current count.
/// Measured with libstdc++ 12; past the last entry the set stops rehashing in this model.
const BUCKET_COUNTS: [u64; 18] = [
    13, 29, 59, 127, 257, 541, 1109, 2357, 5087, 10273, 20753, 42043, 85229, 172933, 351061,
    712697, 1447153, 2938679,
];

const NIL: usize = usize::MAX;
/// Marks a bucket whose "node before" is the list head itself.
const HEAD: usize = usize::MAX - 1;

/// Iteration order of a libstdc++ `unordered_set` after inserting distinct elements with these
/// hashes in this order: indices into `hashes`.
///
/// libstdc++ keeps one singly linked list of all nodes; each bucket points at the node *before*
/// its first node. A node whose bucket is empty goes to the front of the list; otherwise it
/// goes to the front of its bucket's run. A rehash re-inserts the old list's nodes, in list
/// order, by the same rule.
pub(crate) fn set_order(hashes: &[u64]) -> Vec<usize> {
    struct Table<'a> {
        hashes: &'a [u64],
        next: Vec<usize>,
        head: usize,
        buckets: Vec<usize>,
    }
    impl Table<'_> {
        fn bucket(&self, node: usize) -> usize {
            (self.hashes[node] % self.buckets.len() as u64) as usize
        }
        fn next_of(&self, before: usize) -> usize {
            if before == HEAD { self.head } else { self.next[before] }
        }
        fn link_after(&mut self, before: usize, node: usize) {
            if before == HEAD {
                self.head = node;
            } else {
                self.next[before] = node;
            }
        }
        fn insert(&mut self, node: usize) {
            let b = self.bucket(node);
            let before = self.buckets[b];
            if before != NIL {
                self.next[node] = self.next_of(before);
                self.link_after(before, node);
            } else {
                self.next[node] = self.head;
                self.head = node;
                if self.next[node] != NIL {
                    let old_first = self.next[node];
                    let ob = self.bucket(old_first);
                    self.buckets[ob] = node;
                }
                self.buckets[b] = HEAD;
            }
        }
        fn rehash(&mut self, count: u64) {
            let mut p = self.head;
            self.head = NIL;
            self.buckets = vec![NIL; count as usize];
            while p != NIL {
                let after = self.next[p];
                self.insert(p);
                p = after;
            }
        }
    }

    let mut t = Table { hashes, next: vec![NIL; hashes.len()], head: NIL, buckets: vec![NIL; 1] };
    let mut step = 0;
    let mut capacity = 0u64;
    for node in 0..hashes.len() {
        if node as u64 == capacity {
            if let Some(&count) = BUCKET_COUNTS.get(step) {
                t.rehash(count);
                capacity = count;
                step += 1;
            }
        }
        t.insert(node);
    }
    let mut order = Vec::with_capacity(hashes.len());
    let mut p = t.head;
    while p != NIL {
        order.push(p);
        p = t.next[p];
    }
    order
}

/// One record as the serialization id sees it.
#[derive(Debug, Clone)]
pub(crate) struct Written {
    /// Name without the folder.
    pub(crate) name: String,
    pub(crate) crc: u32,
    pub(crate) empty: bool,
}

/// The serialization id of a torch zip whose records were written in this order.
pub(crate) fn serialization_id(records: &[Written]) -> String {
    let hashes: Vec<u64> = records.iter().map(|r| libstdcxx_hash(r.name.as_bytes())).collect();
    let names = set_order(&hashes).into_iter().fold(0, |acc, i| hash_combine(acc, hashes[i]));
    let crcs =
        records.iter().filter(|r| !r.empty).fold(0, |acc, r| hash_combine(acc, u64::from(r.crc)));
    format!("{names:020}{crcs:020}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_libstdcxx() {
        // Printed by `std::hash<std::string>{}("data.pkl")` (g++ 12, x86-64).
        assert_eq!(libstdcxx_hash(b"data.pkl"), 4941642132189851806);
    }

    #[test]
    fn order_of_torch_records_in_13_buckets_is_reverse_insertion() {
        let names = ["data.pkl", ".format_version", ".storage_alignment", "byteorder", "version"];
        let hashes: Vec<u64> = names.iter().map(|n| libstdcxx_hash(n.as_bytes())).collect();
        assert_eq!(set_order(&hashes), vec![4, 3, 2, 1, 0]);
    }

    fn written(name: &str, crc: u32) -> Written {
        Written { name: name.to_owned(), crc, empty: false }
    }

    #[test]
    fn name_order_matches_libstdcxx_through_five_rehashes() {
        // 3005 records as torch names them; the fold of their hashes in the iteration order of
        // a real std::unordered_set (g++ 12) was 7460312898770484889.
        let mut names: Vec<String> =
            ["data.pkl", ".format_version", ".storage_alignment", "byteorder"]
                .map(String::from)
                .into();
        names.extend((0..3000).map(|i| format!("data/{i}")));
        names.push("version".to_owned());
        let records: Vec<Written> = names.iter().map(|n| written(n, 1)).collect();
        assert_eq!(&serialization_id(&records)[..20], "07460312898770484889");
    }

    #[test]
    fn id_matches_the_fixture_torch_wrote() {
        // data/transnas_small.pth: data.pkl's CRC-32 is 0x6d0c02f0.
        let records: Vec<Written> = [
            ("data.pkl", 0x6d0c_02f0),
            (".format_version", crc32fast::hash(b"1")),
            (".storage_alignment", crc32fast::hash(b"64")),
            ("byteorder", crc32fast::hash(b"little")),
            ("version", crc32fast::hash(b"3\n")),
        ]
        .into_iter()
        .map(|(n, c)| written(n, c))
        .collect();
        assert_eq!(serialization_id(&records), "0290846867776292310400080142997179987298");
    }
}
