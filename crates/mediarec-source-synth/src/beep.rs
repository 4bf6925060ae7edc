//! A tone burst once per second, the audio half of an A/V sync test.

use mediarec_core::Duration;

use crate::{
    AudioSource, DEFAULT_AMPLITUDE, Timeline, fill_frames, phase_step, sanitize_amplitude,
    sanitize_hz, sine,
};

/// How long each beep lasts unless told otherwise.
pub const DEFAULT_BURST: Duration = Duration::from_millis(50);

/// A sine burst at the start of every second, silence in between.
///
/// Beep *n* starts exactly at sample *n × rate* (time *n* s), the instant a
/// [`Pattern`](crate::Pattern) shows its white flash, so a recording of both measures A/V
/// sync: the offset between a flash and the onset of its beep. Every burst starts at phase 0
/// and is computed from the sample's position inside the second, so beep 600 is
/// bit-for-bit beep 0, on time, and the onset is sharp (no fade), which makes it easy to
/// find.
///
/// ```
/// use mediarec_core::Duration;
/// use mediarec_source_synth::{AudioSource, Beep};
/// let mut beep = Beep::new(1_000.0, 8_000, 1);
/// let mut second = [0.0f32; 8_000];
/// assert_eq!(beep.fill(&mut second), Duration::ZERO);
/// assert!((second[2] - 0.5).abs() < 1e-6); // 1 kHz peak, a quarter period in
/// assert!(second[400..].iter().all(|&s| s == 0.0)); // 50 ms = 400 samples of tone
/// let first = second;
/// assert_eq!(beep.fill(&mut second), Duration::from_secs(1));
/// assert_eq!(second, first); // every second is the same
/// ```
#[derive(Debug, Clone)]
pub struct Beep {
    frequency: f64,
    amplitude: f32,
    step: f64,
    burst: u64,
    channels: u16,
    timeline: Timeline,
}

impl Beep {
    /// Beeps of `frequency` Hz, [`DEFAULT_BURST`] long, at amplitude [`DEFAULT_AMPLITUDE`].
    pub fn new(frequency: f64, sample_rate: u32, channels: u16) -> Self {
        let frequency = sanitize_hz(frequency);
        Beep {
            frequency,
            amplitude: DEFAULT_AMPLITUDE,
            step: phase_step(frequency, sample_rate),
            burst: DEFAULT_BURST.as_samples(sample_rate),
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

    /// Sets how long each beep lasts (rounded down to whole samples, at most one second).
    #[must_use]
    pub fn with_burst(mut self, burst: Duration) -> Self {
        let rate = self.timeline.rate;
        self.burst = burst.as_samples(rate).min(u64::from(rate));
        self
    }

    /// The tone frequency in Hz.
    pub fn frequency(&self) -> f64 {
        self.frequency
    }

    /// The peak amplitude.
    pub fn amplitude(&self) -> f32 {
        self.amplitude
    }

    /// How long each beep lasts.
    pub fn burst(&self) -> Duration {
        Duration::from_samples(self.burst, self.timeline.rate)
    }
}

impl AudioSource for Beep {
    fn sample_rate(&self) -> u32 {
        self.timeline.rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn fill(&mut self, out: &mut [f32]) -> Duration {
        let (amplitude, step, burst) = (self.amplitude, self.step, self.burst);
        let period = u64::from(self.timeline.rate.max(1));
        let mut n = self.timeline.generated;
        let frames = fill_frames(out, self.channels, |frame| {
            let pos = n % period;
            let value = if pos < burst {
                let cycles = pos as f64 * step;
                sine(cycles - libm::floor(cycles), amplitude)
            } else {
                0.0
            };
            frame.fill(value);
            n = n.wrapping_add(1);
        });
        self.timeline.advance(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::frequency;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    /// Indices of the first non-zero sample after at least `gap` zeros (burst onsets).
    fn onsets(pcm: &[f32], channels: usize, gap: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut zeros = gap;
        for (i, f) in pcm.chunks_exact(channels).enumerate() {
            if f[0] == 0.0 {
                zeros += 1;
            } else {
                if zeros >= gap {
                    out.push(i);
                }
                zeros = 0;
            }
        }
        out
    }

    #[test]
    fn one_burst_per_second_on_the_second() {
        for rate in [48_000u32, 44_100, 16_000] {
            let mut beep = Beep::new(440.0, rate, 2);
            let mut pcm = vec![0.0f32; rate as usize * 2 * 5];
            beep.fill(&mut pcm);
            // The tone starts at phase 0 (sample 0 is 0), so onsets are at sample 1.
            let expected: Vec<usize> = (0..5).map(|s| s * rate as usize + 1).collect();
            assert_eq!(onsets(&pcm, 2, 100), expected, "{rate} Hz");
            let burst = (rate / 20) as usize;
            let one = &pcm[..burst * 2];
            assert!((frequency(one, 2, rate) - 440.0).abs() < 1.0);
            assert!(pcm[burst * 2..rate as usize * 2].iter().all(|&s| s == 0.0));
            // Every second repeats the first exactly.
            assert_eq!(pcm[..rate as usize * 2], pcm[rate as usize * 8..]);
        }
    }

    #[test]
    fn beep_ten_minutes_in_is_on_time_and_identical() {
        let mut beep = Beep::new(1_000.0, 48_000, 1);
        let mut first = vec![0.0f32; 48_000];
        let mut block = vec![0.0f32; 48_000];
        beep.fill(&mut first);
        for _ in 1..600 {
            beep.fill(&mut block);
        }
        assert_eq!(beep.fill(&mut block), Duration::from_secs(600));
        assert_eq!(block, first);
    }

    #[test]
    fn burst_length_and_amplitude() {
        let mut beep = Beep::new(1_000.0, 48_000, 1)
            .with_burst(Duration::from_millis(10))
            .with_amplitude(0.25);
        assert_eq!(beep.burst(), Duration::from_millis(10));
        assert_eq!((beep.frequency(), beep.amplitude()), (1_000.0, 0.25));
        let mut pcm = vec![0.0f32; 48_000];
        beep.fill(&mut pcm);
        let peak = pcm.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak <= 0.25 && peak > 0.249);
        assert!(pcm[480..].iter().all(|&s| s == 0.0));
        assert!(pcm[470..480].iter().any(|&s| s != 0.0));
        let long = Beep::new(1.0, 100, 1).with_burst(Duration::from_secs(5));
        assert_eq!(long.burst(), Duration::from_secs(1));
        // Degenerate inputs do not panic.
        let mut z = Beep::new(f64::NAN, 0, 0);
        assert_eq!(z.fill(&mut pcm[..8]), Duration::ZERO);
    }

    proptest! {
        #[test]
        fn block_sizes_do_not_change_samples(
            sizes in proptest::collection::vec(0usize..5_000, 1..12),
        ) {
            let total: usize = sizes.iter().sum();
            let mut whole = vec![0.0f32; total];
            Beep::new(440.0, 8_000, 1).fill(&mut whole);
            let mut beep = Beep::new(440.0, 8_000, 1);
            let mut pieces = Vec::new();
            for &n in &sizes {
                let mut block = vec![0.0f32; n];
                beep.fill(&mut block);
                pieces.extend_from_slice(&block);
            }
            prop_assert_eq!(pieces, whole);
        }
    }
}
