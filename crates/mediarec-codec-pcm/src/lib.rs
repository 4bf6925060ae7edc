//! # mediarec-codec-pcm
//!
//! Linear PCM as an [`AudioEncoder`]: samples are cut into packets of at most 10 ms (fewer
//! when a packet would not fit the encoder's `BYTES` buffer, 8 KiB by default) and written
//! little endian as 32-bit float (as browsers record `codecs=pcm`) or 16-bit signed. No allocation, no delay, no padding: the last packet
//! is simply shorter, so the decoded sample count always equals the captured one.
//!
//! ```
//! use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
//! use mediarec_core::{AudioEncoder, AudioFrame, AudioParams, Duration, Samples};
//!
//! let mut enc: PcmEncoder = PcmEncoder::new(AudioParams { sample_rate: 48_000, channels: 1 }, PcmFormat::S16);
//! let tone = [0.5f32; 480];
//! let frame = AudioFrame { samples: Samples::F32(&tone), channels: 1, sample_rate: 48_000,
//!                          timestamp: Duration::ZERO };
//! assert_eq!(enc.push(&frame).unwrap(), 480);
//! let mut out = [0u8; 4096];
//! let p = enc.pull(&mut out).unwrap().unwrap();
//! assert_eq!(p.len, 960); // 480 samples × 2 bytes
//! assert_eq!(p.duration, Duration::from_millis(10));
//! assert_eq!(&out[..2], &16384i16.to_le_bytes());
//! ```
#![no_std]
#![forbid(unsafe_code)]

use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, CodecConfig, CodecId, Duration, ErrorKind, PacketInfo,
};

/// The sample format written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcmFormat {
    /// 32-bit IEEE float, little endian (Matroska `A_PCM/FLOAT/IEEE`).
    F32,
    /// 16-bit signed integer, little endian (Matroska `A_PCM/INT/LIT`).
    S16,
}

impl PcmFormat {
    const fn bytes(self) -> usize {
        match self {
            PcmFormat::F32 => 4,
            PcmFormat::S16 => 2,
        }
    }
}

/// Most channels supported.
pub const MAX_CHANNELS: u16 = 8;
/// The longest packet, in milliseconds.
pub const PACKET_MS: u32 = 10;
/// The largest sample rate accepted.
pub const MAX_RATE: u32 = 192_000;
/// The default packet buffer: 10 ms of 48 kHz stereo float fits twice over.
pub const DEFAULT_PACKET_BYTES: usize = 8192;

/// Why PCM encoding failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcmError {
    /// The frame's rate or channel count differs from the encoder's.
    Mismatch,
}

impl mediarec_core::Error for PcmError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }
}

/// Cuts interleaved samples into PCM packets of at most `BYTES` bytes.
pub struct PcmEncoder<const BYTES: usize = DEFAULT_PACKET_BYTES> {
    config: CodecConfig,
    format: PcmFormat,
    channels: usize,
    packet_frames: usize,
    buf: [u8; BYTES],
    filled_frames: usize,
    /// A full packet is waiting to be pulled.
    ready: bool,
    anchor: Option<Duration>,
    frames_out: u64,
}

impl<const BYTES: usize> PcmEncoder<BYTES> {
    /// An encoder for `input`. Rates above [`MAX_RATE`] and channel counts above
    /// [`MAX_CHANNELS`] are clamped into the configuration; [`PcmEncoder::try_new`] refuses
    /// them instead.
    pub fn new(input: AudioParams, format: PcmFormat) -> Self {
        let input = AudioParams {
            sample_rate: input.sample_rate.clamp(1, MAX_RATE),
            channels: input.channels.clamp(1, MAX_CHANNELS),
        };
        let codec = match format {
            PcmFormat::F32 => CodecId::PcmF32,
            PcmFormat::S16 => CodecId::PcmS16,
        };
        let mut config = CodecConfig::audio(codec, input.sample_rate, input.channels);
        config.bit_depth = (format.bytes() * 8) as u16;
        let frame_bytes = usize::from(input.channels) * format.bytes();
        let packet_frames = (input.sample_rate as usize * PACKET_MS as usize / 1000)
            .min(BYTES / frame_bytes)
            .max(1);
        PcmEncoder {
            config,
            format,
            channels: input.channels as usize,
            packet_frames,
            buf: [0; BYTES],
            filled_frames: 0,
            ready: false,
            anchor: None,
            frames_out: 0,
        }
    }

    /// Like [`PcmEncoder::new`], but refuses what it cannot encode exactly (including a
    /// sample frame larger than `BYTES`).
    pub fn try_new(input: AudioParams, format: PcmFormat) -> Result<Self, ErrorKind> {
        if usize::from(input.channels) * format.bytes() > BYTES
            || input.sample_rate == 0
            || input.sample_rate > MAX_RATE
            || input.channels == 0
            || input.channels > MAX_CHANNELS
        {
            return Err(ErrorKind::Unsupported);
        }
        Ok(Self::new(input, format))
    }

    fn frame_bytes(&self) -> usize {
        self.channels * self.format.bytes()
    }
}

impl<const BYTES: usize> AudioEncoder for PcmEncoder<BYTES> {
    type Error = PcmError;

    fn config(&self) -> &CodecConfig {
        &self.config
    }

    fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, PcmError> {
        if frame.channels as usize != self.channels || frame.sample_rate != self.config.sample_rate
        {
            return Err(PcmError::Mismatch);
        }
        if self.ready {
            return Ok(0);
        }
        self.anchor.get_or_insert(frame.timestamp);
        let take = (self.packet_frames - self.filled_frames).min(frame.frames());
        let width = self.format.bytes();
        let mut at = self.filled_frames * self.frame_bytes();
        for i in 0..take * self.channels {
            let v = frame.samples.get_f32(i);
            match self.format {
                PcmFormat::F32 => self.buf[at..at + 4].copy_from_slice(&v.to_le_bytes()),
                PcmFormat::S16 => {
                    self.buf[at..at + 2].copy_from_slice(&to_s16(v).to_le_bytes());
                }
            }
            at += width;
        }
        self.filled_frames += take;
        self.ready = self.filled_frames == self.packet_frames;
        Ok(take)
    }

    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, PcmError> {
        if !self.ready || self.filled_frames == 0 {
            return Ok(None);
        }
        let len = self.filled_frames * self.frame_bytes();
        let Some(dst) = out.get_mut(..len) else { return Ok(None) };
        dst.copy_from_slice(&self.buf[..len]);
        let rate = self.config.sample_rate;
        let pts = self.anchor.unwrap_or_default() + Duration::from_samples(self.frames_out, rate);
        let end = Duration::from_samples(self.frames_out + self.filled_frames as u64, rate);
        let info = PacketInfo {
            len,
            pts,
            duration: end - Duration::from_samples(self.frames_out, rate),
            keyframe: true,
            discard_samples: 0,
        };
        self.frames_out += self.filled_frames as u64;
        self.filled_frames = 0;
        self.ready = false;
        Ok(Some(info))
    }

    fn finish(&mut self) -> Result<(), PcmError> {
        self.ready = self.filled_frames > 0;
        Ok(())
    }

    fn max_packet_len(&self) -> usize {
        self.packet_frames * self.frame_bytes()
    }
}

/// Full scale is 32768, rounding half away from zero, clipping at the ends.
fn to_s16(v: f32) -> i16 {
    let x = v.clamp(-1.0, 1.0) * 32768.0;
    let r = if x >= 0.0 { x + 0.5 } else { x - 0.5 } as i32;
    r.clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use mediarec_core::Samples;
    use proptest::prelude::*;

    fn frame(s: &[f32], ch: u16) -> AudioFrame<'_> {
        AudioFrame {
            samples: Samples::F32(s),
            channels: ch,
            sample_rate: 48_000,
            timestamp: Duration::ZERO,
        }
    }

    fn encode_all(enc: &mut PcmEncoder, blocks: &[&[f32]]) -> (usize, u64) {
        let mut out = [0u8; DEFAULT_PACKET_BYTES];
        let (mut bytes, mut frames) = (0, 0u64);
        let mut drain = |enc: &mut PcmEncoder| {
            while let Some(p) = enc.pull(&mut out).unwrap() {
                bytes += p.len;
                frames += (p.len / enc.frame_bytes()) as u64;
            }
        };
        for b in blocks {
            let f = frame(b, 2);
            let mut taken = 0;
            while taken < f.frames() {
                let rest = &b[taken * 2..];
                taken += enc.push(&frame(rest, 2)).unwrap();
                drain(enc);
            }
        }
        enc.finish().unwrap();
        drain(enc);
        (bytes, frames)
    }

    #[test]
    fn last_packet_is_short_and_nothing_is_lost() {
        let mut enc: PcmEncoder =
            PcmEncoder::new(AudioParams { sample_rate: 48_000, channels: 2 }, PcmFormat::F32);
        let samples = [0.25f32; 2 * 1000];
        let (bytes, frames) = encode_all(&mut enc, &[&samples]);
        assert_eq!(bytes, 1000 * 2 * 4);
        assert_eq!(frames, 1000);
    }

    #[test]
    fn s16_conversion_rounds_and_clips() {
        assert_eq!(to_s16(0.5), 16384);
        assert_eq!(to_s16(1.0), 32767);
        assert_eq!(to_s16(-1.0), -32768);
        assert_eq!(to_s16(-2.0), -32768);
        assert_eq!(to_s16(1.0 / 65536.0), 1);
    }

    #[test]
    fn wrong_layout_is_refused() {
        let mut enc: PcmEncoder =
            PcmEncoder::new(AudioParams { sample_rate: 48_000, channels: 1 }, PcmFormat::S16);
        assert_eq!(enc.push(&frame(&[0.0; 4], 2)), Err(PcmError::Mismatch));
        assert!(
            PcmEncoder::<64>::try_new(AudioParams { sample_rate: 0, channels: 1 }, PcmFormat::S16)
                .is_err()
        );
        assert!(
            PcmEncoder::<4>::try_new(
                AudioParams { sample_rate: 48_000, channels: 2 },
                PcmFormat::F32
            )
            .is_err()
        );
        let tiny =
            PcmEncoder::<64>::new(AudioParams { sample_rate: 48_000, channels: 2 }, PcmFormat::F32);
        assert_eq!(tiny.max_packet_len(), 64);
    }

    proptest! {
        #[test]
        fn any_block_sizes_give_the_same_bytes(sizes in proptest::collection::vec(1usize..700, 1..12)) {
            let total: usize = sizes.iter().sum();
            let data: [f32; 2 * 8400] = core::array::from_fn(|i| (i as f32 * 0.001).sin());
            let data = &data[..2 * total.min(8400)];
            let mut one: PcmEncoder = PcmEncoder::new(AudioParams { sample_rate: 48_000, channels: 2 }, PcmFormat::S16);
            let a = encode_all(&mut one, &[data]);
            let mut blocks = [&data[..0]; 12];
            let mut at = 0;
            for (i, s) in sizes.iter().enumerate() {
                let end = (at + s * 2).min(data.len());
                blocks[i] = &data[at..end];
                at = end;
            }
            let mut many: PcmEncoder = PcmEncoder::new(AudioParams { sample_rate: 48_000, channels: 2 }, PcmFormat::S16);
            let b = encode_all(&mut many, &blocks[..sizes.len()]);
            prop_assert_eq!(a, b);
        }
    }
}
