//! # mediarec-benches
//!
//! Criterion benchmarks for mediarec, kept in their own crate so that criterion never
//! becomes a dev-dependency of a library crate (it would slow every `cargo test`).
//! Run them with `cargo bench -p mediarec-benches`.
//!
//! This library holds the fixtures the benches share: codec configurations and packet
//! descriptions shaped like real encoder output.
//!
//! ```
//! use mediarec_benches::{opus_config, packet_info};
//! let config = opus_config();
//! let info = packet_info(3, 160, 20_000, true);
//! assert_eq!((config.sample_rate, info.pts.as_micros()), (48_000, 60_000));
//! ```
#![forbid(unsafe_code)]

use mediarec_core::{CodecConfig, CodecId, CodecPrivate, Duration, PacketInfo};

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
