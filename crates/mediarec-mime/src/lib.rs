//! # mediarec-mime
//!
//! MIME types as the MediaRecorder constructor and `isTypeSupported` take them, without
//! `std` and without an allocator:
//!
//! - [`MimeType::parse`] validates a string (type/subtype/parameter names
//!   case-insensitive, whitespace around `;` and `=`, quoted strings with `\` escapes) and
//!   borrows from it; [`MimeType::codecs`] splits the `codecs` parameter on `,`.
//! - [`check`] / [`is_type_supported`] run the spec's **is type supported** algorithm
//!   against a [`Support`] (every [`mediarec_core::Formats`] is one), including the 2026
//!   rule that codecs outside [`SYNCHRONOUSLY_EXPOSED`] are deferred to `start()`.
//! - [`resolve`] is the strict start-time reading: container plus at most one audio and one
//!   video [`CodecId`](mediarec_core::CodecId).
//! - [`write_full_mime_type`] builds the `mimeType` reported after `start()`.
//!
//! ```
//! use mediarec_core::{CodecId, ContainerId};
//! use mediarec_mime::{full_mime_type, is_type_supported, resolve, RecordingType, SupportTable};
//!
//! let build = SupportTable(&[(ContainerId::WebM, CodecId::Opus), (ContainerId::WebM, CodecId::Vp8)]);
//! assert!(is_type_supported(r#"video/webm; codecs="vp8, opus""#, false, &build));
//! assert!(!is_type_supported("video/mp4", false, &build));
//!
//! let t = resolve("Audio/WebM", &build).unwrap();
//! assert_eq!(t.container, ContainerId::WebM);
//! // The recorder picks the codec for an audio track the type did not name, then reports:
//! let actual = RecordingType { audio: Some(CodecId::Opus), ..t };
//! assert_eq!(full_mime_type::<32>("Audio/WebM", &actual).unwrap(), "Audio/WebM;codecs=opus");
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod support;
pub mod syntax;
mod table;

pub use support::{
    MimeError, RecordingType, Support, SupportTable, Verdict, check, full_mime_type,
    is_type_supported, resolve, write_full_mime_type,
};
pub use syntax::{Codecs, MimeType, Param, Params, SyntaxError, SyntaxErrorKind, Value};
pub use table::{
    CONTAINER_TYPES, KNOWN_CODECS, KnownCodec, SYNCHRONOUSLY_EXPOSED, TopLevel, container_for,
    is_synchronously_exposed, lookup_codec, subtype_for,
};
