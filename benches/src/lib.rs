//! # mediarec-benches
//!
//! Criterion benchmarks for mediarec, kept in their own crate so that criterion never
//! becomes a dev-dependency of a library crate (it would slow every `cargo test`).
//! Run them with `cargo bench -p mediarec-benches`.
//!
//! This library holds the fixtures the benches share: codec configurations and packet
//! descriptions shaped like real encoder output, a test signal, and a PCM-in-WebM
//! [`Formats`](mediarec_core::Formats) for driving the recorder without codec cost. The crate's `opus-limit`
//! binary encodes a WAV file with libopus alone, the floor `cargo xtask compare` measures
//! the recorder against.
//!
//! ```
//! use mediarec_benches::{opus_config, packet_info};
//! let config = opus_config();
//! let info = packet_info(3, 160, 20_000, true);
//! assert_eq!((config.sample_rate, info.pts.as_micros()), (48_000, 60_000));
//! ```
#![forbid(unsafe_code)]

use mediarec_core::{
    ByteSink, CodecConfig, CodecId, CodecPrivate, Duration, PacketInfo, SinkError,
};

/// A 48 kHz stereo Opus track as libopus describes it (pre-skip 312, 80 ms pre-roll).
pub fn opus_config() -> CodecConfig {
    let mut c = CodecConfig::audio(CodecId::Opus, 48_000, 2);
    let head = *b"OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00";
    c.private = CodecPrivate::new(&head).unwrap_or(CodecPrivate::EMPTY);
    c.codec_delay = Duration::from_micros(6_500);
    c.seek_preroll = Duration::from_millis(80);
    c
}

/// A 1280×720 VP8 track.
pub fn vp8_config() -> CodecConfig {
    CodecConfig::video(CodecId::Vp8, 1280, 720)
}

/// The `index`-th packet of a stream with `step_us` between packets.
pub fn packet_info(index: u64, len: usize, step_us: u64, keyframe: bool) -> PacketInfo {
    PacketInfo {
        len,
        pts: Duration::from_micros(index * step_us),
        duration: Duration::from_micros(step_us),
        keyframe,
        discard_samples: 0,
    }
}

/// `frames` sample frames of `channels`-channel audio that libopus cannot encode trivially:
/// a 440 Hz tone, a slow sweep and noise (deterministic: the same samples every run).
pub fn test_signal(frames: usize, channels: usize, rate: u32) -> Vec<f32> {
    let mut x = 0x9E37_79B9u32;
    let mut phase = 0f64;
    (0..frames)
        .flat_map(|i| {
            let t = i as f64 / f64::from(rate);
            phase += std::f64::consts::TAU * (50.0 + 2_000.0 * (t * 0.1).fract()) / f64::from(rate);
            let tone = 0.2 * (std::f64::consts::TAU * 440.0 * t).sin() + 0.2 * phase.sin();
            (0..channels).map(move |c| (tone * (1.0 - 0.1 * c as f64)) as f32)
        })
        .map(|s| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            s + (x as f32 / u32::MAX as f32 - 0.5) * 0.1
        })
        .collect()
}

/// PCM in WebM, the recorder's formats in these benches: no codec cost, so what is
/// measured is the recorder and the muxer.
pub use mediarec_pcm_webm::PcmWebm;

/// A live [`ByteSink`] over a fixed buffer that wraps around: every byte is copied (as into
/// a real output buffer), none is kept for long, so a bench can run for any number of
/// iterations without allocating or filling up.
///
/// ```
/// use mediarec_benches::WrapSink;
/// use mediarec_core::ByteSink;
/// let mut sink = WrapSink::new(4);
/// sink.write(b"abcdef").unwrap();
/// assert_eq!(sink.position(), 6);
/// ```
#[derive(Debug)]
pub struct WrapSink {
    buf: Vec<u8>,
    at: usize,
    position: u64,
}

impl WrapSink {
    /// A sink copying into `capacity` bytes (at least 1).
    pub fn new(capacity: usize) -> Self {
        WrapSink { buf: vec![0; capacity.max(1)], at: 0, position: 0 }
    }
}

impl ByteSink for WrapSink {
    fn write(&mut self, mut bytes: &[u8]) -> Result<(), SinkError> {
        self.position += bytes.len() as u64;
        while !bytes.is_empty() {
            if self.at == self.buf.len() {
                self.at = 0;
            }
            let n = bytes.len().min(self.buf.len() - self.at);
            let (head, tail) = bytes.split_at(n);
            if let Some(dst) = self.buf.get_mut(self.at..self.at + n) {
                dst.copy_from_slice(head);
            }
            self.at += n;
            bytes = tail;
        }
        Ok(())
    }
    fn position(&self) -> u64 {
        self.position
    }
}
