//! SplitMix64 with keyed streams: every (architecture, run) draws from its own stream derived
//! from the seed, so a small file's archs carry the same values as in the full file. Small
//! enough to mirror exactly in Python (tools/fixtures/make_nb201_fixtures.py does).

/// SplitMix64 (Steele, Lea and Flood, 2014).
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// `sqrt(3)`, correctly rounded (what both `f64::sqrt` and Python's `math.sqrt` give).
const SQRT3: f64 = 1.7320508075688772;

/// SplitMix64's output function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream for `(seed, a, b)`.
    pub(crate) fn for_key(seed: u64, a: u64, b: u64) -> Rng {
        Rng(mix(mix(seed ^ GOLDEN).wrapping_add(a).wrapping_mul(GOLDEN) ^ mix(b.wrapping_add(1))))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in [0, 1), 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Roughly standard normal (sum of four 16-bit uniforms from one draw, centred, scaled).
    pub(crate) fn normal(&mut self) -> f64 {
        let r = self.next_u64();
        let sum: u64 = (0..4).map(|i| (r >> (16 * i)) & 0xffff).sum();
        (sum as f64 / 65536.0 - 2.0) * SQRT3
    }

    /// `next_u64() % n` (bias irrelevant here; mirrored exactly in Python).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
