//! # mediarec-ogg
//!
//! Ogg pages (RFC 3533) and the Opus mapping (RFC 7845), without `std` and without an
//! allocator:
//!
//! - [`OggOpusMuxer`] implements [`mediarec_core::Muxer`] for one Opus track: header pages,
//!   lacing, granule positions with pre-skip and end trimming, a page boundary at every
//!   `cut()`. It only ever appends, so it works on pipes and sockets.
//! - [`Page::parse`] / [`Pages`] read pages back from a slice with CRC verification and
//!   packet boundaries, for tests, `inspect` and fuzzing.
//! - [`crc32`] is the Ogg CRC; [`OpusHead`] and [`opus_packet_samples`] cover the Opus side.
//!
//! ```
//! use mediarec_core::{CodecConfig, CodecId, CodecPrivate, Duration, Muxer, Packet, PacketInfo, SliceSink};
//! use mediarec_ogg::{OggOpusMuxer, OpusHead, Pages};
//!
//! // The encoder's OpusHead travels in CodecPrivate.
//! let head = OpusHead { version: 1, channels: 1, pre_skip: 312, input_sample_rate: 48_000,
//!                       output_gain: 0, mapping_family: 0 };
//! let mut config = CodecConfig::audio(CodecId::Opus, 48_000, 1);
//! config.private = CodecPrivate::new(&head.to_bytes()).unwrap();
//!
//! let mut mux = OggOpusMuxer::new();
//! let track = mux.add_track(&config).unwrap();
//! let mut storage = [0u8; 2048];
//! let mut sink = SliceSink::new(&mut storage);
//! mux.write_header(&mut sink).unwrap();
//! for i in 0..3u64 {
//!     let info = PacketInfo { len: 1, pts: Duration::from_millis(20 * i),
//!                             duration: Duration::from_millis(20), keyframe: true,
//!                             discard_samples: if i == 2 { 100 } else { 0 } };
//!     // 0xF8: CELT full band, 20 ms, one frame.
//!     mux.write_packet(track, &Packet { data: &[0xF8], info }, &mut sink).unwrap();
//! }
//! mux.finish(&mut sink).unwrap();
//!
//! let pages: Vec<_> = Pages::new(sink.written()).collect::<Result<_, _>>().unwrap();
//! assert_eq!(pages.len(), 3);
//! assert!(pages[0].is_bos() && pages[2].is_eos());
//! assert_eq!(pages[2].granule, 3 * 960 - 100); // end trimming
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod mux;
mod opus;
mod page;

pub use mux::{DEFAULT_PAGE_BUFFER, DEFAULT_SERIAL, OggError, OggOpusMuxer};
pub use opus::{
    GRANULE_RATE, OPUS_HEAD_MAGIC, OPUS_TAGS_LEN, OPUS_TAGS_MAGIC, OpusHead, OpusHeadError, VENDOR,
    opus_packet_samples, opus_tags,
};
pub use page::{
    CAPTURE, CRC_32_OGG, FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, HEADER_LEN, MAX_BODY, MAX_PAGE,
    MAX_SEGMENTS, PacketPiece, Page, PageError, PagePackets, Pages, crc32,
};
