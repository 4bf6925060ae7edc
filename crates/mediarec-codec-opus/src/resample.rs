//! Fixed-ratio resampling to 48 kHz with rubato, in fixed chunks, with its delay removed.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler as _};

use crate::error::OpusError;

/// Converts one input rate to [`OPUS_OUTPUT_RATE`](crate::OPUS_OUTPUT_RATE) a chunk at a
/// time. Input is collected into `input`; a full chunk becomes `output`, which the encoder
/// drains. The first [`Resample::delay`] output frames are the resampler's start-up delay
/// and are dropped, so the output timeline starts where the input does.
pub(crate) struct Resample {
    fft: Fft<f32>,
    channels: usize,
    chunk_in: usize,
    input: Box<[f32]>,
    in_fill: usize,
    output: Box<[f32]>,
    out_pos: usize,
    out_len: usize,
    /// Delay frames still to drop.
    skip: usize,
}

impl Resample {
    /// A resampler from `rate` to `output_rate` for `channels` interleaved channels; chunks
    /// of about 20 ms of input. All buffers are allocated here.
    ///
    /// A chunk is an even number of the smallest whole-sample blocks the ratio allows (147
    /// in → 160 out for 44.1 → 48 kHz): with an odd FFT length the output comes out shifted
    /// by half an input sample, which the delay compensation would not remove.
    pub(crate) fn new(rate: u32, output_rate: u32, channels: usize) -> Result<Self, OpusError> {
        if rate == 0 || output_rate == 0 || channels == 0 {
            return Err(OpusError::Resampler);
        }
        let (rate, output_rate) = (rate as usize, output_rate as usize);
        let block = rate / gcd(rate, output_rate);
        let blocks = (rate / 50).div_ceil(block).max(1);
        let chunk = (blocks + blocks % 2) * block;
        let fft = Fft::<f32>::new(rate, output_rate, chunk, channels, FixedSync::Both)
            .map_err(|_| OpusError::Resampler)?;
        let (chunk_in, chunk_out) = (fft.input_frames_next(), fft.output_frames_max());
        let delay = fft.output_delay();
        Ok(Resample {
            fft,
            channels,
            chunk_in,
            input: vec![0.0; chunk_in * channels].into_boxed_slice(),
            in_fill: 0,
            output: vec![0.0; chunk_out * channels].into_boxed_slice(),
            out_pos: 0,
            out_len: 0,
            skip: delay,
        })
    }

    /// Output frames the resampler delays its output by (dropped automatically).
    #[cfg(test)]
    pub(crate) fn delay(&self) -> usize {
        self.fft.output_delay()
    }

    /// Input frames still wanted before the chunk is full.
    pub(crate) fn room(&self) -> usize {
        self.chunk_in - self.in_fill
    }

    /// The free part of the input chunk, `room() × channels` samples.
    pub(crate) fn input_space(&mut self) -> &mut [f32] {
        let start = self.in_fill * self.channels;
        self.input.get_mut(start..).unwrap_or(&mut [])
    }

    /// Marks `frames` more input frames as written into [`Resample::input_space`].
    pub(crate) fn commit(&mut self, frames: usize) {
        self.in_fill = (self.in_fill + frames).min(self.chunk_in);
    }

    /// True when the input chunk is full and the output drained: time to resample.
    pub(crate) fn ready(&self) -> bool {
        self.in_fill == self.chunk_in && self.out_pos == self.out_len
    }

    /// Pads a partial input chunk with silence (to flush the tail at the end of input).
    pub(crate) fn pad(&mut self) {
        let start = self.in_fill * self.channels;
        self.input.iter_mut().skip(start).for_each(|s| *s = 0.0);
        self.in_fill = self.chunk_in;
    }

    /// Resamples the full input chunk into the output buffer.
    pub(crate) fn process(&mut self) -> Result<(), OpusError> {
        let input = InterleavedSlice::new(&self.input[..], self.channels, self.chunk_in)
            .map_err(|_| OpusError::Resampler)?;
        let frames_out = self.output.len() / self.channels.max(1);
        let mut output = InterleavedSlice::new_mut(&mut self.output[..], self.channels, frames_out)
            .map_err(|_| OpusError::Resampler)?;
        let (_, produced) = self
            .fft
            .process_into_buffer(&input, &mut output, None)
            .map_err(|_| OpusError::Resampler)?;
        self.in_fill = 0;
        self.out_pos = 0;
        self.out_len = produced.min(frames_out);
        let skip = self.skip.min(self.out_len);
        self.skip -= skip;
        self.out_pos = skip;
        Ok(())
    }

    /// The resampled frames not yet taken (delay already removed), interleaved.
    pub(crate) fn available(&self) -> &[f32] {
        let (a, b) = (self.out_pos * self.channels, self.out_len * self.channels);
        self.output.get(a..b).unwrap_or(&[])
    }

    /// Marks `frames` of [`Resample::available`] as taken.
    pub(crate) fn consume(&mut self, frames: usize) {
        self.out_pos = (self.out_pos + frames).min(self.out_len);
    }

    /// Drops whatever output is left (the tail beyond the end of input).
    pub(crate) fn discard_output(&mut self) {
        self.out_pos = self.out_len;
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_and_delay() {
        let r = Resample::new(44_100, 48_000, 2).unwrap();
        assert_eq!((r.chunk_in, r.output.len() / 2), (882, 960));
        assert_eq!(r.delay(), 480);
        let r = Resample::new(96_000, 48_000, 1).unwrap();
        assert_eq!((r.chunk_in, r.output.len()), (1_920, 960));
        let r = Resample::new(22_050, 48_000, 1).unwrap();
        assert_eq!((r.room(), r.delay()), (588, 640));
        assert!(Resample::new(0, 48_000, 1).is_err());
        assert!(Resample::new(44_100, 48_000, 0).is_err());
    }

    /// Resamples `input` (mono) whole, dropping the delay.
    fn run(rate: u32, input: &[f32]) -> Vec<f32> {
        let mut r = Resample::new(rate, 48_000, 1).unwrap();
        let mut out = Vec::new();
        for chunk in input.chunks(r.room()) {
            r.input_space()[..chunk.len()].copy_from_slice(chunk);
            r.commit(chunk.len());
            r.pad();
            r.process().unwrap();
            out.extend_from_slice(r.available());
            let n = r.available().len();
            r.consume(n);
        }
        out
    }

    #[test]
    fn output_is_the_ideal_48k_signal_with_no_time_shift() {
        let sine = |rate: u32, n: usize| -> Vec<f32> {
            let step = 440.0 * core::f64::consts::TAU / f64::from(rate);
            (0..n).map(|i| (0.5 * (i as f64 * step).sin()) as f32).collect()
        };
        for rate in [44_100u32, 22_050, 96_000, 11_025, 32_000, 88_200, 8_000, 12_345] {
            let out = run(rate, &sine(rate, rate as usize * 2));
            let ideal = sine(48_000, 96_000);
            let snr = |lag: usize| {
                let (mut err, mut sig) = (0.0, 0.0);
                for m in 8_000..40_000 {
                    err += (f64::from(out[m + lag]) - f64::from(ideal[m])).powi(2);
                    sig += f64::from(ideal[m]).powi(2);
                }
                10.0 * (sig / err).log10()
            };
            assert!(snr(0) > 100.0, "{rate} Hz: {:.1} dB", snr(0));
            assert!(snr(1) < 30.0, "{rate} Hz: one sample late also fits");
        }
    }

    #[test]
    fn delay_is_dropped_and_length_follows_the_ratio() {
        let mut r = Resample::new(44_100, 48_000, 1).unwrap();
        let mut out = Vec::new();
        for _ in 0..10 {
            let room = r.room();
            r.input_space().iter_mut().for_each(|s| *s = 0.25);
            r.commit(room);
            assert!(r.ready());
            r.process().unwrap();
            out.extend_from_slice(r.available());
            let n = r.available().len();
            r.consume(n);
        }
        // 10 chunks of 960 minus the 480 delay frames.
        assert_eq!(out.len(), 10 * 960 - 480);
        // A constant stays constant (after the filter settles).
        assert!(out[500..].iter().all(|&s| (s - 0.25).abs() < 1e-3), "{:?}", &out[500..510]);
        r.commit(5);
        r.pad();
        assert!(r.ready());
        r.process().unwrap();
        r.discard_output();
        assert!(r.available().is_empty());
    }
}
