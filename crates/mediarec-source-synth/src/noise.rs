//! Deterministic white noise.

use mediarec_core::Duration;

use crate::{AudioSource, DEFAULT_AMPLITUDE, Timeline, fill_frames, sanitize_amplitude};

/// White noise, uniform in `[-amplitude, amplitude)`, from a xorshift64* generator.
///
/// The same seed always gives the same samples, so tests that encode noise are
/// reproducible. Every channel gets its own samples (decorrelated stereo, the hard case for
/// an encoder).
///
/// ```
/// use mediarec_source_synth::{AudioSource, Noise};
/// let mut a = [0.0f32; 64];
/// let mut b = [0.0f32; 64];
/// Noise::new(7, 48_000, 2).fill(&mut a);
/// Noise::new(7, 48_000, 2).fill(&mut b);
/// assert_eq!(a, b);
/// ```
#[derive(Debug, Clone)]
pub struct Noise {
    state: u64,
    amplitude: f32,
    channels: u16,
    timeline: Timeline,
}

impl Noise {
    /// Replaces the one seed xorshift cannot use (0: it would stay 0 forever).
    const ZERO_SEED_REPLACEMENT: u64 = 0x9E37_79B9_7F4A_7C15;

    /// Noise from `seed` at amplitude [`DEFAULT_AMPLITUDE`].
    pub fn new(seed: u64, sample_rate: u32, channels: u16) -> Self {
        Noise {
            state: if seed == 0 { Self::ZERO_SEED_REPLACEMENT } else { seed },
            amplitude: DEFAULT_AMPLITUDE,
            channels,
            timeline: Timeline::new(sample_rate),
        }
    }

    /// Sets the peak amplitude, clamped to `[0, 1]`.
    #[must_use]
    pub fn with_amplitude(mut self, amplitude: f32) -> Self {
        self.amplitude = sanitize_amplitude(amplitude);
        self
    }

    /// The peak amplitude.
    pub fn amplitude(&self) -> f32 {
        self.amplitude
    }

    fn next_u64(state: &mut u64) -> u64 {
        let mut x = *state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniform value in `[-1, 1)` from the top 24 bits (exact in `f32`).
    fn next_unit(state: &mut u64) -> f32 {
        const SCALE: f32 = 1.0 / (1u32 << 23) as f32;
        (Self::next_u64(state) >> 40) as f32 * SCALE - 1.0
    }
}

impl AudioSource for Noise {
    fn sample_rate(&self) -> u32 {
        self.timeline.rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn fill(&mut self, out: &mut [f32]) -> Duration {
        let amplitude = self.amplitude;
        let state = &mut self.state;
        let frames = fill_frames(out, self.channels, |frame| {
            for s in frame {
                *s = Noise::next_unit(state) * amplitude;
            }
        });
        self.timeline.advance(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::rms;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn mean_is_zero_and_rms_matches_uniform() {
        let mut out = vec![0.0f32; 96_000];
        let mut noise = Noise::new(42, 48_000, 2);
        assert_eq!(noise.fill(&mut out), Duration::ZERO);
        assert_eq!(noise.fill(&mut out), Duration::from_secs(1));
        let mean: f64 = out.iter().map(|&s| f64::from(s)).sum::<f64>() / out.len() as f64;
        assert!(mean.abs() < 0.005, "mean {mean}");
        // Uniform in [-a, a): RMS a/√3.
        let expected = 0.5 / libm::sqrt(3.0);
        assert!((rms(&out) - expected).abs() < 0.005, "rms {}", rms(&out));
        assert!(out.iter().all(|&s| (-0.5..0.5).contains(&s)));
    }

    #[test]
    fn seeds_differ_channels_differ_zero_seed_works() {
        let mut a = [0.0f32; 32];
        let mut b = [0.0f32; 32];
        Noise::new(1, 48_000, 2).fill(&mut a);
        Noise::new(2, 48_000, 2).fill(&mut b);
        assert_ne!(a, b);
        assert!(a.chunks_exact(2).any(|f| f[0] != f[1]));
        Noise::new(0, 48_000, 1).fill(&mut a);
        assert!(a.iter().any(|&s| s != 0.0));
    }

    #[test]
    fn amplitude_scales() {
        let mut out = vec![0.0f32; 48_000];
        let mut noise = Noise::new(5, 48_000, 1).with_amplitude(0.1);
        assert_eq!(noise.amplitude(), 0.1);
        noise.fill(&mut out);
        assert!(out.iter().all(|&s| s.abs() <= 0.1));
        assert!((rms(&out) - 0.1 / libm::sqrt(3.0)).abs() < 0.002);
    }

    proptest! {
        #[test]
        fn block_sizes_do_not_change_samples(
            sizes in proptest::collection::vec(0usize..700, 1..20),
            seed in any::<u64>(),
            channels in 1u16..4,
        ) {
            let ch = usize::from(channels);
            let total: usize = sizes.iter().sum();
            let mut whole = vec![0.0f32; total * ch];
            Noise::new(seed, 44_100, channels).fill(&mut whole);

            let mut noise = Noise::new(seed, 44_100, channels);
            let mut pieces = Vec::new();
            let mut done = 0u64;
            for &n in &sizes {
                let mut block = vec![0.0f32; n * ch];
                prop_assert_eq!(noise.fill(&mut block), Duration::from_samples(done, 44_100));
                done += n as u64;
                pieces.extend_from_slice(&block);
            }
            prop_assert_eq!(pieces, whole);
        }
    }
}
