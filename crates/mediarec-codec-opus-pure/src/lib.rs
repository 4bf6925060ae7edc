//! # mediarec-codec-opus-pure
//!
//! Opus encoding for mediarec in pure Rust, for firmware: no `std`, no allocator, no C
//! compiler. [`PureOpusEncoder`] wraps the `opus-rs` port of libopus (pinned, built without
//! its `std` and `heap` features) and implements [`mediarec_core::AudioEncoder`] with the
//! same contract as the libopus backend in `mediarec-codec-opus`: push raw audio in whatever
//! block sizes the source delivers, pull one packet per frame duration.
//!
//! - **Configuration**: [`AudioEncoder::config`] describes the track as containers declare
//!   Opus (48 kHz whatever the input rate), with an `OpusHead` as codec private data, the
//!   pre-skip as `codec_delay` and 80 ms of seek pre-roll.
//! - **Exact trimming**: the pre-skip removes the encoder's look-ahead at the start and the
//!   last packet's [`PacketInfo::discard_samples`](mediarec_core::PacketInfo) removes the
//!   padding at the end, so a decoder returns exactly the samples that were pushed.
//! - **Gapless timing**: packet times come from sample counts, not from clocks.
//! - **Checked against libopus**: the tests decode these packets with libopus and ffmpeg,
//!   and decode libopus's packets with opus-rs's decoder.
//!
//! What it does not do, compared with the libopus backend: input rates other than 8, 12,
//! 16, 24 and 48 kHz (no resampler without an allocator) and more than two input channels.
//!
//! ```
//! use mediarec_codec_opus_pure::{PureOpusEncoder, PureOpusOptions};
//! use mediarec_core::{
//!     AudioEncoder, AudioFrame, AudioParams, BitrateMode, Duration, EncoderSettings, Samples,
//! };
//!
//! let input = AudioParams { sample_rate: 16_000, channels: 1 };
//! let settings = EncoderSettings { bits_per_second: 24_000, bitrate_mode: BitrateMode::Variable };
//! let mut enc = PureOpusEncoder::new(input, settings, PureOpusOptions::default())?;
//! assert_eq!(enc.config().sample_rate, 48_000);
//! assert_eq!(&enc.config().private.as_bytes()[..8], b"OpusHead");
//!
//! // Half a second of a 440 Hz tone, pushed in 10 ms blocks as a sound card would deliver it.
//! let mut block = [0i16; 160];
//! let mut packet = [0u8; 1276];
//! let mut packets = 0;
//! let mut last = None;
//! for b in 0..50 {
//!     for (i, s) in block.iter_mut().enumerate() {
//!         let t = (b * 160 + i) as f32 / 16_000.0;
//!         *s = (8_000.0 * (t * 440.0 * core::f32::consts::TAU).sin()) as i16;
//!     }
//!     let frame = AudioFrame {
//!         samples: Samples::I16(&block),
//!         channels: 1,
//!         sample_rate: 16_000,
//!         timestamp: Duration::from_millis(10 * b as u64),
//!     };
//!     let mut taken = 0;
//!     while taken < frame.frames() {
//!         let rest = AudioFrame { samples: Samples::I16(&block[taken..]), ..frame };
//!         taken += enc.push(&rest)?;
//!         while let Some(info) = enc.pull(&mut packet)? {
//!             packets += 1; // a muxer would write &packet[..info.len] here
//!             last = Some(info);
//!         }
//!     }
//! }
//! enc.finish()?;
//! while let Some(info) = enc.pull(&mut packet)? {
//!     packets += 1;
//!     last = Some(info);
//! }
//!
//! // 8 000 samples + 104 of look-ahead fill 26 packets of 320; the rest of the last is
//! // padding, counted at 48 kHz.
//! let last = last.expect("packets were made");
//! assert_eq!(packets, 26);
//! assert_eq!(last.pts, Duration::from_millis(500));
//! assert_eq!(last.discard_samples, 3 * (26 * 320 - 8_000 - 104));
//! assert_eq!(enc.config().codec_delay, Duration::from_micros(6_500));
//! # Ok::<(), mediarec_codec_opus_pure::PureOpusError>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(test)]
extern crate std;

mod encoder;
mod error;
mod head;

pub use encoder::{
    FrameDuration, NATIVE_RATES, OPUS_OUTPUT_RATE, PureOpusApplication, PureOpusEncoder,
    PureOpusOptions, SEEK_PREROLL,
};
pub use error::PureOpusError;

#[cfg(doc)]
use mediarec_core::AudioEncoder;
