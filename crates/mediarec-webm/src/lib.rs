//! # mediarec-webm
//!
//! A streaming WebM/Matroska muxer for mediarec, with no `std` and no allocator. It
//! implements [`mediarec_core::Muxer`] over [`mediarec_ebml`].
//!
//! Output layout:
//!
//! ```text
//! EBML header
//! Segment (unknown size)
//!   Void        room for a SeekHead (Info, Tracks, Cues)
//!   Info        TimestampScale 1 ms, MuxingApp, WritingApp, Void room for Duration
//!   Tracks
//!   Cluster (unknown size) { Timestamp, SimpleBlock | BlockGroup{Block, DiscardPadding} … }
//!   Cluster …
//!   [Cues]      only when the sink can patch
//! ```
//!
//! The bytes written are the same whatever the sink, so live blobs concatenate to a valid
//! file. A sink that [can patch](mediarec_core::ByteSink::can_patch) also gets the cluster
//! and segment sizes, `Duration`, `SeekHead` and `Cues` filled in, which makes the file
//! seekable without rewriting it.
//!
//! A new cluster starts at the first packet, at every video keyframe, when a packet is
//! [`max_cluster_duration`](WebmOptions::max_cluster_duration) (default 5 s) or more after
//! the cluster start, when a block's 16-bit millisecond offset would overflow, and after
//! [`Muxer::cut`](mediarec_core::Muxer::cut).
//!
//! ```
//! use mediarec_core::{CodecConfig, CodecId, Duration, Muxer, Packet, PacketInfo, SliceSink};
//! use mediarec_webm::WebmMuxer;
//!
//! let mut muxer: WebmMuxer = WebmMuxer::default();
//! let track = muxer.add_track(&CodecConfig::audio(CodecId::Opus, 48_000, 2)).unwrap();
//! let mut storage = [0u8; 4096];
//! let mut sink = SliceSink::new(&mut storage); // can patch: the file will be seekable
//! muxer.write_header(&mut sink).unwrap();
//! for i in 0..10u64 {
//!     let info = PacketInfo {
//!         len: 3,
//!         pts: Duration::from_millis(20 * i),
//!         duration: Duration::from_millis(20),
//!         keyframe: true,
//!         discard_samples: 0,
//!     };
//!     muxer.write_packet(track, &Packet { data: &[0xFC, 0xFF, 0xFE], info }, &mut sink).unwrap();
//! }
//! muxer.finish(&mut sink).unwrap();
//! assert_eq!(muxer.duration(), Duration::from_millis(200));
//! assert_eq!(&sink.written()[..4], &[0x1A, 0x45, 0xDF, 0xA3]);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(test)]
extern crate std;

mod error;
mod muxer;
#[cfg(test)]
mod tests;

pub use error::WebmError;
pub use muxer::{
    APP_NAME, DEFAULT_CUE_CAPACITY, DocType, MAX_TRACKS, SEEK_HEAD_RESERVE, TIMESTAMP_SCALE_NS,
    WebmMuxer, WebmOptions, codec_id,
};
