//! # mediarec-source-synth
//!
//! Synthetic sources for tests, demos and firmware bring-up: a sine [`Tone`], white
//! [`Noise`], a logarithmic [`Sweep`], a once-per-second [`Beep`], and a moving video
//! [`Pattern`] whose white flash coincides with the beep (an A/V sync test). They need no
//! `std` and no allocator: every source writes into the caller's buffer.
//!
//! Every audio source counts the sample frames it has generated, so timestamps are exact: the
//! timestamp of a block is `frames generated before it / sample rate`, whatever block sizes
//! the caller asks for (and the pattern's frame *k* is at *k / fps*). Generation is also independent of block sizes: filling 1 + 441 + 1000
//! frames gives bit-for-bit the same samples as filling 1442 at once, which makes encoder and
//! muxer tests reproducible.
//!
//! ```
//! use mediarec_source_synth::{AudioSource, Tone};
//! use mediarec_core::Duration;
//!
//! // 440 Hz, 48 kHz, stereo, amplitude 0.5.
//! let mut tone = Tone::new(440.0, 48_000, 2);
//! let mut block = [0.0f32; 480 * 2]; // 10 ms, interleaved
//!
//! assert_eq!(tone.fill(&mut block), Duration::ZERO);
//! assert_eq!(block[0], block[1]); // same value in every channel
//!
//! // The helper hands out a borrowed `AudioFrame` for an encoder.
//! let frame = tone.fill_frame(&mut block);
//! assert_eq!(frame.timestamp, Duration::from_millis(10));
//! assert_eq!(frame.frames(), 480);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(test)]
extern crate std;

mod beep;
mod noise;
mod pattern;
mod sweep;
mod tone;

pub use beep::{Beep, DEFAULT_BURST};
pub use noise::Noise;
pub use pattern::{COUNTER_BITS, Pattern, PatternError, PatternFrame};
pub use sweep::Sweep;
pub use tone::Tone;

use mediarec_core::{AudioFrame, Duration, Samples};

/// The amplitude sources use unless told otherwise (−6 dBFS: loud, with headroom).
pub const DEFAULT_AMPLITUDE: f32 = 0.5;

/// A generator of interleaved `f32` audio, so drivers and tests can treat every synthetic
/// source alike (also through `&mut dyn AudioSource`).
pub trait AudioSource {
    /// Sample frames per second.
    fn sample_rate(&self) -> u32;

    /// Channels per sample frame.
    fn channels(&self) -> u16;

    /// Writes the next `out.len() / channels` sample frames into `out`, interleaved, and
    /// returns the timestamp of the first one (frames generated before it / sample rate).
    ///
    /// A trailing partial sample frame (when `out.len()` is not a multiple of the channel
    /// count) is set to zero and not counted, so the timeline stays exact.
    fn fill(&mut self, out: &mut [f32]) -> Duration;

    /// Like [`AudioSource::fill`], but returns the filled samples as an [`AudioFrame`] ready
    /// to hand to an encoder (without any trailing partial sample frame).
    fn fill_frame<'a>(&mut self, out: &'a mut [f32]) -> AudioFrame<'a> {
        let timestamp = self.fill(out);
        let channels = self.channels();
        let whole = whole_samples(out.len(), channels);
        let out: &'a [f32] = out;
        AudioFrame {
            samples: Samples::F32(out.get(..whole).unwrap_or(&[])),
            channels,
            sample_rate: self.sample_rate(),
            timestamp,
        }
    }
}

/// Samples in the whole sample frames that fit in `len` samples.
fn whole_samples(len: usize, channels: u16) -> usize {
    match channels {
        0 => 0,
        c => len - len % usize::from(c),
    }
}

/// Counts generated sample frames and turns the count into timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Timeline {
    rate: u32,
    generated: u64,
}

impl Timeline {
    const fn new(rate: u32) -> Self {
        Timeline { rate, generated: 0 }
    }

    /// The timestamp of the next frame, then moves past `frames` frames.
    fn advance(&mut self, frames: usize) -> Duration {
        let ts = Duration::from_samples(self.generated, self.rate);
        self.generated = self.generated.saturating_add(frames as u64);
        ts
    }
}

/// Fills `out` one sample frame at a time with `next(frame)`, zeroes a trailing partial
/// frame, and returns the number of whole frames written.
fn fill_frames(out: &mut [f32], channels: u16, mut next: impl FnMut(&mut [f32])) -> usize {
    if channels == 0 {
        out.fill(0.0);
        return 0;
    }
    let mut chunks = out.chunks_exact_mut(usize::from(channels));
    let mut frames = 0;
    for frame in &mut chunks {
        next(frame);
        frames += 1;
    }
    chunks.into_remainder().fill(0.0);
    frames
}

/// A finite, non-negative frequency, or 0 Hz for anything else (NaN, infinities, negatives).
fn sanitize_hz(hz: f64) -> f64 {
    if hz.is_finite() && hz > 0.0 { hz } else { 0.0 }
}

/// An amplitude in `[0, 1]` (NaN becomes 0), so samples stay in the `f32` PCM range.
fn sanitize_amplitude(amplitude: f32) -> f32 {
    if amplitude.is_nan() { 0.0 } else { amplitude.clamp(0.0, 1.0) }
}

/// The phase step per sample, in cycles, or 0 at a zero sample rate.
fn phase_step(hz: f64, rate: u32) -> f64 {
    if rate == 0 { 0.0 } else { hz / f64::from(rate) }
}

/// Adds `step` cycles to `phase` and keeps it in `[0, 1)`, so precision does not degrade
/// over long recordings.
fn advance_phase(phase: f64, step: f64) -> f64 {
    let p = phase + step;
    if p < 1.0 { p } else { p - libm::floor(p) }
}

/// `amplitude · sin(2π · phase)`.
fn sine(phase: f64, amplitude: f32) -> f32 {
    (libm::sin(core::f64::consts::TAU * phase) as f32) * amplitude
}

#[cfg(test)]
mod test_util {
    /// Upward zero crossings of channel 0, with linearly interpolated positions (in
    /// samples) of the first and the last one.
    pub fn upward_crossings(samples: &[f32], channels: usize) -> (usize, f64, f64) {
        let mut count = 0;
        let (mut first, mut last) = (0.0, 0.0);
        let mut prev = samples[0];
        for (i, frame) in samples.chunks_exact(channels).enumerate().skip(1) {
            let cur = frame[0];
            if prev < 0.0 && cur >= 0.0 {
                let t = (i - 1) as f64 + f64::from(-prev) / f64::from(cur - prev);
                if count == 0 {
                    first = t;
                }
                last = t;
                count += 1;
            }
            prev = cur;
        }
        (count, first, last)
    }

    /// Frequency from zero crossings: (crossings − 1) periods between the first and last.
    pub fn frequency(samples: &[f32], channels: usize, rate: u32) -> f64 {
        let (count, first, last) = upward_crossings(samples, channels);
        (count - 1) as f64 * f64::from(rate) / (last - first)
    }

    pub fn rms(samples: &[f32]) -> f64 {
        let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        libm::sqrt(sum / samples.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_trailing_frames_are_zeroed_and_not_counted() {
        let mut tone = Tone::new(1000.0, 8_000, 2);
        let mut out = [1.0f32; 5];
        assert_eq!(tone.fill(&mut out), Duration::ZERO);
        assert_eq!(out[4], 0.0);
        // Two whole frames were generated: the next block starts at 2 / 8000 s.
        assert_eq!(tone.fill(&mut out), Duration::from_micros(250));
        let frame = tone.fill_frame(&mut out);
        assert_eq!(frame.frames(), 2);
        assert_eq!(frame.samples.len(), 4);
        assert_eq!(frame.timestamp, Duration::from_micros(500));
    }

    #[test]
    fn zero_channels_and_zero_rate_do_not_panic() {
        let mut tone = Tone::new(440.0, 0, 0);
        let mut out = [1.0f32; 8];
        assert_eq!(tone.fill(&mut out), Duration::ZERO);
        assert!(out.iter().all(|&s| s == 0.0));
        let frame = tone.fill_frame(&mut out);
        assert_eq!(frame.frames(), 0);
        let mut sweep = Sweep::new(100.0, 1000.0, Duration::ZERO, 0, 1);
        assert_eq!(sweep.fill(&mut out), Duration::ZERO);
        assert!(out.iter().all(|s| s.is_finite()));
    }

    #[test]
    fn sources_work_through_dyn() {
        let mut sources: [&mut dyn AudioSource; 3] = [
            &mut Tone::new(440.0, 48_000, 1),
            &mut Noise::new(1, 48_000, 1),
            &mut Sweep::new(20.0, 20_000.0, Duration::from_secs(1), 48_000, 1),
        ];
        let mut out = [0.0f32; 480];
        for s in sources.iter_mut() {
            assert_eq!(s.fill(&mut out), Duration::ZERO);
            assert_eq!(s.fill_frame(&mut out).timestamp, Duration::from_millis(10));
            assert!(out.iter().any(|&x| x != 0.0));
        }
    }

    #[test]
    fn flash_and_beep_coincide_for_ten_minutes() {
        // Every flash is at a whole second; every beep starts on that same sample instant.
        let (fps, rate) = (25u32, 8_000u32);
        let mut pattern = Pattern::new(2, 2, fps);
        let mut beep = Beep::new(1_000.0, rate, 1);
        let mut picture = [0u8; 6];
        let mut second = std::vec![0.0f32; rate as usize];
        for s in 0..600u64 {
            for k in 0..u64::from(fps) {
                let f = pattern.fill_i420(&mut picture).unwrap();
                assert_eq!(f.flash, k == 0);
                if f.flash {
                    assert_eq!(f.timestamp, Duration::from_secs(s));
                }
            }
            assert_eq!(beep.fill(&mut second), Duration::from_secs(s));
            // Phase 0 at the instant itself, then tone for 50 ms, then silence.
            assert!(
                second[0] == 0.0 && second[1] != 0.0 && second[400..].iter().all(|&x| x == 0.0)
            );
        }
    }

    #[test]
    fn sanitizers() {
        assert_eq!(sanitize_hz(f64::NAN), 0.0);
        assert_eq!(sanitize_hz(-1.0), 0.0);
        assert_eq!(sanitize_hz(f64::INFINITY), 0.0);
        assert_eq!(sanitize_amplitude(f32::NAN), 0.0);
        assert_eq!(sanitize_amplitude(2.0), 1.0);
        assert_eq!(sanitize_amplitude(-2.0), 0.0);
        assert_eq!(advance_phase(0.75, 0.5), 0.25);
        assert_eq!(advance_phase(0.5, 3.25), 0.75);
    }
}
