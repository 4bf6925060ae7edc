//! # mediarec-codec-vpx
//!
//! VP8 and VP9 encoding for mediarec through the system's libvpx (Debian: `libvpx-dev`,
//! found with pkg-config as `vpx`; the bindings are pre-generated per libvpx release, so no
//! libclang is needed). [`VpxEncoder`] implements [`mediarec_core::VideoEncoder`]: push one
//! picture, pull its packet.
//!
//! It is set up the way a browser records a canvas or a camera: real time, no look-ahead
//! (one packet out per picture in), constant bitrate at `videoBitsPerSecond`, no dropped
//! frames, and key frames **only** when the caller forces them with
//! `push(frame, true)` — the recorder owns the key-frame policy
//! (`videoKeyFrameIntervalDuration`/`Count`, a key frame at every chunk start).
//! I420 pictures are encoded in place; RGBA and BGRA are converted with the `yuv` crate.
//!
//! ```
//! use mediarec_codec_vpx::{VpxEncoder, VpxOptions};
//! use mediarec_core::{
//!     BitrateMode, CodecId, Duration, EncoderSettings, PixelFormat, VideoEncoder, VideoFrame,
//!     VideoParams,
//! };
//!
//! let input = VideoParams { width: 64, height: 48, frame_rate: 30 };
//! let settings =
//!     EncoderSettings { bits_per_second: 300_000, bitrate_mode: BitrateMode::Variable };
//! let mut enc = VpxEncoder::new(CodecId::Vp9, input, settings, VpxOptions::default())?;
//!
//! let mut rgba = vec![0u8; 64 * 48 * 4];
//! let mut packet = vec![0u8; enc.max_packet_len()];
//! let mut keyframes = Vec::new();
//! for i in 0..6u64 {
//!     rgba.iter_mut().enumerate().for_each(|(k, b)| *b = (k as u64 + 9 * i) as u8);
//!     let frame = VideoFrame {
//!         format: PixelFormat::Rgba,
//!         width: 64,
//!         height: 48,
//!         data: &rgba,
//!         timestamp: Duration::from_micros(i * 33_333),
//!     };
//!     enc.push(&frame, i % 3 == 0)?; // force a key frame every third picture
//!     while let Some(info) = enc.pull(&mut packet)? {
//!         keyframes.push(info.keyframe); // a muxer would write &packet[..info.len]
//!     }
//! }
//! enc.finish()?;
//! while enc.pull(&mut packet)?.is_some() {}
//! assert_eq!(keyframes, [true, false, false, true, false, false]);
//! # Ok::<(), mediarec_codec_vpx::VpxError>(())
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod encoder;
mod error;
mod ffi;

pub use encoder::{
    DEFAULT_VP8_SPEED, DEFAULT_VP9_SPEED, MAX_VP8_DIMENSION, MAX_VP9_DIMENSION, VpxEncoder,
    VpxOptions, libvpx_version,
};
pub use error::VpxError;
