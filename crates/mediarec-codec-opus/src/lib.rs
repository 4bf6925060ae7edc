//! # mediarec-codec-opus
//!
//! Opus encoding for mediarec through libopus (the `opus` crate, which builds libopus from
//! source with cmake). [`OpusEncoder`] implements [`mediarec_core::AudioEncoder`]: push raw
//! audio in whatever block sizes the source delivers, pull one packet per frame duration.
//!
//! What the encoder takes care of, so muxers and players get it right:
//!
//! - **Configuration**: [`AudioEncoder::config`] describes the track as containers declare
//!   Opus (48 kHz whatever the input rate), with an `OpusHead` as codec private data, the
//!   pre-skip as `codec_delay` and 80 ms of seek pre-roll.
//! - **Exact trimming**: the pre-skip removes the encoder's look-ahead at the start and the
//!   last packet's [`PacketInfo::discard_samples`](mediarec_core::PacketInfo) removes the
//!   padding at the end, so a decoder returns exactly the samples that were pushed.
//! - **Gapless timing**: packet times come from sample counts, not from clocks.
//! - **Any capture format**: rates libopus cannot take (44.1, 22.05, 96 kHz, …) are
//!   resampled to 48 kHz with rubato, its delay removed so the timeline and the trimming
//!   stay exact; channels are up- or down-mixed to mono or stereo
//!   ([`OpusOptions::channels`]).
//!
//! ```
//! use mediarec_codec_opus::{OpusEncoder, OpusOptions};
//! use mediarec_core::{
//!     AudioEncoder, AudioFrame, AudioParams, BitrateMode, Duration, EncoderSettings, Samples,
//! };
//!
//! let input = AudioParams { sample_rate: 48_000, channels: 2 };
//! let settings =
//!     EncoderSettings { bits_per_second: 96_000, bitrate_mode: BitrateMode::Variable };
//! let mut enc = OpusEncoder::new(input, settings, OpusOptions::default())?;
//! assert_eq!(enc.config().sample_rate, 48_000);
//! assert_eq!(&enc.config().private.as_bytes()[..8], b"OpusHead");
//!
//! // One second of a 440 Hz tone, pushed in 10 ms blocks as a sound card would deliver it.
//! let pcm: Vec<f32> = (0..48_000)
//!     .map(|i| 0.5 * (i as f32 * 440.0 * std::f32::consts::TAU / 48_000.0).sin())
//!     .flat_map(|s| [s, s])
//!     .collect();
//! let mut packet = vec![0u8; enc.max_packet_len()];
//! let mut infos = Vec::new();
//! for (i, block) in pcm.chunks(480 * 2).enumerate() {
//!     let frame = AudioFrame {
//!         samples: Samples::F32(block),
//!         channels: 2,
//!         sample_rate: 48_000,
//!         timestamp: Duration::from_millis(10 * i as u64),
//!     };
//!     let mut taken = 0;
//!     while taken < frame.frames() {
//!         let rest = AudioFrame { samples: Samples::F32(&block[taken * 2..]), ..frame };
//!         taken += enc.push(&rest)?;
//!         while let Some(info) = enc.pull(&mut packet)? {
//!             infos.push(info); // a muxer would write &packet[..info.len] here
//!         }
//!     }
//! }
//! enc.finish()?;
//! while let Some(info) = enc.pull(&mut packet)? {
//!     infos.push(info);
//! }
//!
//! // 48 000 samples + 312 of pre-skip fill 51 packets of 960; 648 samples are padding.
//! assert_eq!(infos.len(), 51);
//! assert_eq!(infos[50].pts, Duration::from_millis(1_000));
//! assert_eq!(infos[50].discard_samples, 648);
//! assert_eq!(enc.config().codec_delay, Duration::from_micros(6_500));
//! # Ok::<(), mediarec_codec_opus::OpusError>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod encoder;
mod error;
mod head;
mod mix;
mod resample;

pub use encoder::{
    FrameDuration, INPUT_RATES, OPUS_OUTPUT_RATE, OpusApplication, OpusEncoder, OpusOptions,
    SEEK_PREROLL,
};
pub use error::OpusError;

#[cfg(doc)]
use mediarec_core::AudioEncoder;
