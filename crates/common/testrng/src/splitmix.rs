//! SplitMix64 with keyed streams: the generator of the look-alike benchmark files (both
//! families' synth crates). Not cryptographic; chosen for speed and for a state that is one
//! `u64`, so every (architecture, run) pair can have its own stream derived from the seed in
//! O(1), and a small file's architectures carry the same values as in the full file.
//!
//! Why not [`crate::TestRng`] (xorshift64*): the look-alikes' bytes are a promise (same seed,
//! same file; benchmarks and tests compare them, and tools/fixtures/make_nb201_fixtures.py
//! mirrors this sequence in Python), and they follow from *this* sequence, which differs from
//! xorshift64*'s in every number. SplitMix64 also suits keyed streams better: any `u64` (zero
//! included) is a good state, which xorshift's state is not.

/// SplitMix64 (Steele, Lea and Flood, 2014).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// `sqrt(3)`, correctly rounded (what both `f64::sqrt` and Python's `math.sqrt` give).
const SQRT3: f64 = 1.7320508075688772;

/// SplitMix64's output function: a bijective scrambler of 64-bit words.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl SplitMix64 {
    /// The stream for one purpose: `seed` and two labels, mixed so that nearby labels give
    /// unrelated streams.
    pub fn for_key(seed: u64, a: u64, b: u64) -> SplitMix64 {
        SplitMix64(mix(
            mix(seed ^ GOLDEN).wrapping_add(a).wrapping_mul(GOLDEN) ^ mix(b.wrapping_add(1))
        ))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in [0, 1), 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Approximately standard normal: the sum of four 16-bit uniforms (from one draw), centred
    /// and scaled to unit variance. Bounded to ±3.46, which suits noise on training curves.
    pub fn normal(&mut self) -> f64 {
        let r = self.next_u64();
        let sum: u64 = (0..4).map(|i| (r >> (16 * i)) & 0xffff).sum();
        (sum as f64 / 65536.0 - 2.0) * SQRT3
    }

    /// `next_u64() % n` (the bias does not matter to look-alikes; mirrored exactly in Python).
    /// Panics if `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| SplitMix64::for_key(1, 2, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let x = SplitMix64::for_key(1, 2, 3).next_u64();
        assert_ne!(x, SplitMix64::for_key(1, 2, 4).next_u64());
        assert_ne!(x, SplitMix64::for_key(1, 3, 3).next_u64());
        assert_ne!(x, SplitMix64::for_key(2, 2, 3).next_u64());
    }

    #[test]
    fn sqrt3_is_the_correctly_rounded_root() {
        assert_eq!(SQRT3, 3f64.sqrt());
    }

    #[test]
    fn distributions_have_the_right_moments() {
        let mut r = SplitMix64::for_key(7, 0, 0);
        let n = 100_000;
        let (mut s, mut s2, mut lo, mut hi) = (0.0, 0.0, f64::MAX, f64::MIN);
        for _ in 0..n {
            let x = r.normal();
            s += x;
            s2 += x * x;
            lo = lo.min(x);
            hi = hi.max(x);
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((var - 1.0).abs() < 0.03, "{var}");
        assert!(lo > -3.5 && hi < 3.5);
        let u: f64 = (0..n).map(|_| r.unit()).sum::<f64>() / n as f64;
        assert!((u - 0.5).abs() < 0.01);
        let b = (0..n).map(|_| r.below(6)).max();
        assert_eq!(b, Some(5));
    }
}
