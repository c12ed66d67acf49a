//! A small deterministic random source (SplitMix64). Every generated thing takes its
//! own stream, keyed by the seed, what it is and its index, so any batch can be made
//! alone, in any order, and come out the same. Only integer and plain floating-point
//! arithmetic is used (no `exp`/`ln`), so streams do not depend on the platform's maths
//! library.

/// One stream of pseudo-random numbers.
#[derive(Debug, Clone)]
pub struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream for `what` number `index` under `seed`.
    pub fn stream(seed: u64, what: &str, index: u64) -> Rng {
        // FNV-1a of the name, then mixed with the seed and the index.
        let mut name = 0xCBF2_9CE4_8422_2325u64;
        for b in what.bytes() {
            name = (name ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        Rng(mix(mix(seed ^ name).wrapping_add(index)))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly standard normal (Irwin–Hall: twelve uniforms less six), within ±6.
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index into `weights`, each chosen in proportion to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut at = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if at < u64::from(*w) {
                return i;
            }
            at -= u64::from(*w);
        }
        weights.len() - 1
    }
}

/// A bijection of `0..modulus` (modulus a power of ten): spreads sequence numbers so
/// account numbers do not look consecutive.
pub fn spread(index: u64, modulus: u64) -> u64 {
    // 7919 is prime and shares no factor with a power of ten.
    (index % modulus * 7919 + 1_234_567) % modulus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_repeat_and_differ() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::stream(7, "x", 1))
            .map(|mut r| r.next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut b = Rng::stream(7, "x", 2);
        let mut c = Rng::stream(8, "x", 1);
        let mut d = Rng::stream(7, "y", 1);
        let first = Rng::stream(7, "x", 1).next_u64();
        assert_ne!(b.next_u64(), first);
        assert_ne!(c.next_u64(), first);
        assert_ne!(d.next_u64(), first);
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut r = Rng::stream(1, "bounds", 0);
        let mut seen = [false; 5];
        for _ in 0..10_000 {
            let v = r.range(3, 7);
            assert!((3..=7).contains(&v));
            seen[(v - 3) as usize] = true;
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(r.normal().abs() <= 6.0);
        }
        assert_eq!(seen, [true; 5]);
        assert_eq!(r.weighted(&[0, 0, 5]), 2);
    }

    #[test]
    fn spread_is_a_bijection() {
        let mut seen = vec![false; 1000];
        for i in 0..1000 {
            let s = spread(i, 1000) as usize;
            assert!(!seen[s], "{i} -> {s} twice");
            seen[s] = true;
        }
    }
}
