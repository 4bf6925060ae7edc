//! # mediarec-ebml
//!
//! The EBML layer under mediarec's WebM/Matroska muxer and its `inspect`/`fix` tools,
//! with no `std` and no allocator.
//!
//! - **Writing** goes straight into a [`ByteSink`](mediarec_core::ByteSink): element IDs
//!   as their raw 1–4 bytes, sizes as VINTs of minimal or forced width, the 8-byte
//!   unknown-size marker for live `Segment`/`Cluster`, scalar elements, and
//!   [`write_master`] for small known-size masters, which measures its body with a
//!   [`CountingSink`](mediarec_core::CountingSink) before writing it, so nothing is
//!   buffered. [`PatchSink`] turns the same writers into patches (for a seekable finish).
//! - **Reading** ([`Header`], [`Reader`]) parses one element header at a time from a
//!   slice, tells "need more bytes" ([`ReadError::Truncated`]) apart from bad data, walks
//!   unknown-size masters, and never panics on garbage.
//! - [`ids`] holds the element IDs and the small bit of schema a reader needs.
//!
//! ```
//! use mediarec_core::SliceSink;
//! use mediarec_ebml::{ids, read_str, write_master, write_string, write_uint, Reader};
//!
//! let mut buf = [0u8; 64];
//! let mut sink = SliceSink::new(&mut buf);
//! write_master(&mut sink, ids::EBML, |s| {
//!     write_uint(s, ids::EBML_VERSION, 1)?;
//!     write_string(s, ids::DOC_TYPE, "webm")
//! })
//! .unwrap();
//!
//! let mut top = Reader::new(sink.written(), 0);
//! let header = top.next_header().unwrap().unwrap();
//! assert_eq!(header.id, ids::EBML);
//! let mut walk = top.enter(&header);
//! let mut doc_type = None;
//! while let Some(h) = walk.next_header().unwrap() {
//!     let data = walk.read_data(&h).unwrap();
//!     if h.id == ids::DOC_TYPE {
//!         doc_type = Some(read_str(data).unwrap());
//!     }
//! }
//! assert_eq!(doc_type, Some("webm"));
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod ids;
mod reader;
mod vint;
mod writer;

pub use reader::{
    BlockHeader, Header, ReadError, Reader, read_float, read_id, read_int, read_size, read_str,
    read_uint,
};
pub use vint::{MAX_SIZE, UNKNOWN_SIZE, Vint, id_len, max_size_for_width, size_len};
pub use writer::{
    EncodedHeader, PatchSink, WriteError, element_len, int_len, uint_len, void_header,
    write_binary, write_float, write_id, write_int, write_master, write_master_header, write_size,
    write_size_with_width, write_string, write_uint, write_unknown_size, write_unknown_size_header,
    write_void, write_zeros,
};
