//! # mediarec-core
//!
//! The vocabulary every mediarec crate shares, with no `std` and no allocator:
//!
//! - **time** ([`Instant`], [`Duration`]): plain microsecond numbers. Drivers read clocks;
//!   the core only receives time as an argument.
//! - **media** ([`AudioFrame`], [`VideoFrame`], [`Packet`], [`CodecConfig`]): borrowed views
//!   of raw frames going into encoders and packets coming out.
//! - **traits** ([`AudioEncoder`], [`VideoEncoder`], [`Muxer`], [`ByteSink`], [`Formats`]):
//!   the cuts where data crosses from one crate to the next. Each failure type implements
//!   [`Error`], so generic code maps any implementation's failure to a spec error through
//!   [`ErrorKind`] without knowing its type.
//!
//! Data flows one way:
//!
//! ```text
//! source ─frames─▶ recorder ─▶ AudioEncoder/VideoEncoder ─packets─▶ Muxer ─bytes─▶ ByteSink
//! ```
//!
//! ```
//! use mediarec_core::{ByteSink, Duration, SliceSink};
//! // A muxer writes into any ByteSink; a slice works without an allocator.
//! let mut storage = [0u8; 16];
//! let mut sink = SliceSink::new(&mut storage);
//! sink.write(&[0x1A, 0x45, 0xDF, 0xA3]).unwrap();
//! assert_eq!(sink.position(), 4);
//! assert_eq!(Duration::from_millis(20).as_micros(), 20_000);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod codec;
mod error;
mod media;
mod sink;
mod time;

pub use codec::{
    AudioEncoder, AudioParams, BitrateMode, EncoderSettings, Formats, MuxTrack, Muxer, NoEncoder,
    VideoEncoder, VideoParams,
};
pub use error::{DomErrorName, Error, ErrorKind};
pub use media::{
    AudioFrame, CodecConfig, CodecId, CodecPrivate, ContainerId, MediaKind, Packet, PacketInfo,
    PixelFormat, Samples, TrackId, VideoFrame,
};
pub use sink::{ByteSink, CountingSink, SinkError, SliceSink};
pub use time::{Clock, Duration, Instant};
