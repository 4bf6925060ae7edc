//! What can be wrong with a recording, and why a repair can fail.

use std::fmt;
use std::io;

use mediarec_core::{Duration, ErrorKind};
use mediarec_webm::WebmError;

/// Something wrong found in a file. Readers report and go on; `fix` repairs what it can.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Problem {
    /// The file ends inside the element starting at `offset`; `dropped` bytes of it were
    /// there and are ignored. `dropped == 0`: the file ends between elements but a
    /// declared size says more should follow.
    Truncated {
        /// Absolute offset of the incomplete element (or of the end of the file).
        offset: u64,
        /// Bytes of the incomplete element that were present.
        dropped: u64,
    },
    /// Bytes that are not a valid element, skipped up to the next Cluster.
    Garbage {
        /// Where they start.
        offset: u64,
        /// How many bytes were skipped.
        len: u64,
    },
    /// Bytes after the end of the Segment.
    TrailingData {
        /// Where they start.
        offset: u64,
        /// How many.
        len: u64,
    },
    /// A second EBML document (another file appended); it was not read.
    SecondDocument {
        /// Where it starts.
        offset: u64,
    },
    /// An element larger than the reader's limit; skipped.
    ElementTooLarge {
        /// Where it starts.
        offset: u64,
        /// Its declared size.
        size: u64,
    },
    /// A track's timestamps go backwards.
    TimestampBack {
        /// Track number in the file.
        track: u64,
        /// Offset of the block.
        offset: u64,
        /// Previous timestamp, µs.
        from_us: i64,
        /// This block's timestamp, µs.
        to_us: i64,
    },
    /// A track's timestamps jump forward: more than a second of nothing.
    TimestampGap {
        /// Track number in the file.
        track: u64,
        /// Offset of the block after the gap.
        offset: u64,
        /// End of the previous block, µs.
        from_us: i64,
        /// This block's timestamp, µs.
        to_us: i64,
    },
    /// Blocks of a track that `Tracks` does not declare (reported once per track).
    UnknownTrack {
        /// The track number the blocks name.
        track: u64,
        /// Offset of the first such block.
        offset: u64,
    },
    /// A block whose header or lacing does not decode; skipped.
    BadBlock {
        /// Offset of the block.
        offset: u64,
        /// Bytes of the block element.
        len: u64,
    },
    /// A cluster without a `Timestamp` before its first block (0 assumed).
    MissingClusterTimestamp {
        /// Offset of the cluster.
        offset: u64,
    },
    /// Blocks carry `BlockAdditions` (Chromium's alpha channel); `fix` does not copy them.
    /// Reported once per track.
    BlockAdditions {
        /// Track number in the file.
        track: u64,
    },
    /// An Ogg page whose checksum does not match; skipped.
    BadCrc {
        /// Offset of the page.
        offset: u64,
        /// Bytes skipped.
        len: u64,
    },
    /// Ogg pages of a stream are missing (a gap in page sequence numbers).
    PagesMissing {
        /// Stream serial number.
        serial: u32,
        /// Offset of the page after the gap.
        offset: u64,
        /// Pages missing.
        count: u64,
    },
    /// An Ogg stream's granule position goes backwards.
    GranuleBack {
        /// Stream serial number.
        serial: u32,
        /// Offset of the page.
        offset: u64,
    },
    /// An Ogg stream has no end-of-stream page (the recording did not finish).
    MissingEos {
        /// Stream serial number.
        serial: u32,
    },
    /// The `Duration` written in the file differs from the media's length.
    WrongDuration {
        /// What the file says, in seconds.
        declared: f64,
        /// What the blocks say, in seconds.
        actual: f64,
    },
}

impl Problem {
    /// The byte offset the problem is about, when there is one (for sorting).
    pub fn offset(&self) -> Option<u64> {
        match *self {
            Problem::Truncated { offset, .. }
            | Problem::Garbage { offset, .. }
            | Problem::TrailingData { offset, .. }
            | Problem::SecondDocument { offset }
            | Problem::ElementTooLarge { offset, .. }
            | Problem::TimestampBack { offset, .. }
            | Problem::TimestampGap { offset, .. }
            | Problem::UnknownTrack { offset, .. }
            | Problem::BadBlock { offset, .. }
            | Problem::MissingClusterTimestamp { offset }
            | Problem::BadCrc { offset, .. }
            | Problem::PagesMissing { offset, .. }
            | Problem::GranuleBack { offset, .. } => Some(offset),
            Problem::BlockAdditions { .. }
            | Problem::WrongDuration { .. }
            | Problem::MissingEos { .. } => None,
        }
    }

    /// True when the problem means part of the file was unreadable and is lost.
    pub fn loses_data(&self) -> bool {
        matches!(
            self,
            Problem::Truncated { .. }
                | Problem::Garbage { .. }
                | Problem::BadBlock { .. }
                | Problem::ElementTooLarge { .. }
                | Problem::BadCrc { .. }
                | Problem::PagesMissing { .. }
        )
    }
}

fn secs(us: i64) -> f64 {
    us as f64 / 1e6
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Problem::Truncated { offset, dropped: 0 } => {
                write!(f, "truncated: the file ends at byte {offset}, before its declared end")
            }
            Problem::Truncated { offset, dropped } => write!(
                f,
                "truncated: the element at byte {offset} is cut short ({dropped} bytes dropped)"
            ),
            Problem::Garbage { offset, len } => {
                write!(f, "{len} bytes of unreadable data at byte {offset} skipped")
            }
            Problem::TrailingData { offset, len } => {
                write!(f, "{len} bytes after the end of the Segment at byte {offset} ignored")
            }
            Problem::SecondDocument { offset } => {
                write!(f, "another EBML document starts at byte {offset}; ignored")
            }
            Problem::ElementTooLarge { offset, size } => {
                write!(f, "element at byte {offset} is too large ({size} bytes); skipped")
            }
            Problem::TimestampBack { track, offset, from_us, to_us } => write!(
                f,
                "track {track}: timestamp goes back from {:.3} s to {:.3} s at byte {offset}",
                secs(from_us),
                secs(to_us)
            ),
            Problem::TimestampGap { track, offset, from_us, to_us } => write!(
                f,
                "track {track}: timestamp jumps from {:.3} s to {:.3} s at byte {offset}",
                secs(from_us),
                secs(to_us)
            ),
            Problem::UnknownTrack { track, offset } => {
                write!(f, "blocks of undeclared track {track} (first at byte {offset}) ignored")
            }
            Problem::BadBlock { offset, len } => {
                write!(f, "malformed block at byte {offset} ({len} bytes) skipped")
            }
            Problem::MissingClusterTimestamp { offset } => {
                write!(f, "cluster at byte {offset} has no Timestamp; 0 assumed")
            }
            Problem::BlockAdditions { track } => {
                write!(f, "track {track}: blocks carry BlockAdditions (alpha), not copied by fix")
            }
            Problem::BadCrc { offset, len } => {
                write!(f, "Ogg page at byte {offset} fails its CRC ({len} bytes skipped)")
            }
            Problem::PagesMissing { serial, offset, count } => {
                write!(f, "stream {serial:#x}: {count} pages missing before byte {offset}")
            }
            Problem::GranuleBack { serial, offset } => {
                write!(f, "stream {serial:#x}: granule position goes back at byte {offset}")
            }
            Problem::MissingEos { serial } => {
                write!(f, "stream {serial:#x}: no end-of-stream page (recording not finished)")
            }
            Problem::WrongDuration { declared, actual } => {
                write!(f, "Duration says {declared:.3} s but the media lasts {actual:.3} s")
            }
        }
    }
}

/// A bounded list of problems: a damaged file must not fill memory with reports.
#[derive(Debug, Clone, Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<Problem>,
    pub(crate) omitted: u64,
}

impl Problems {
    /// Problems kept; further ones are only counted.
    pub(crate) const LIMIT: usize = 100;

    pub(crate) fn push(&mut self, p: Problem) {
        if self.list.len() < Self::LIMIT {
            self.list.push(p);
        } else {
            self.omitted = self.omitted.saturating_add(1);
        }
    }

    pub(crate) fn append(&mut self, other: Problems) {
        for p in other.list {
            self.push(p);
        }
        self.omitted = self.omitted.saturating_add(other.omitted);
    }
}

/// Why a file could not be read or repaired.
#[derive(Debug)]
#[non_exhaustive]
pub enum FixError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
    /// The input does not start with an EBML header.
    NotMatroska,
    /// An EBML document that is neither WebM nor Matroska.
    UnsupportedDocType(String),
    /// No Segment follows the EBML header.
    NoSegment,
    /// No usable `Tracks` before the first Cluster.
    NoTracks,
    /// A track's codec (its Matroska `CodecID`) cannot be written by mediarec.
    UnsupportedCodec(String),
    /// A track is declared without what a player needs (a rate, channels, a size).
    InvalidTrack {
        /// Track number in the file.
        track: u64,
        /// What is missing or wrong.
        reason: &'static str,
    },
    /// More tracks than the muxer carries.
    TooManyTracks(usize),
    /// The muxer refused the stream.
    Mux(WebmError),
}

impl FixError {
    /// The broad class of the failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            FixError::Read(_) | FixError::Write(_) => ErrorKind::Io,
            FixError::UnsupportedDocType(_)
            | FixError::UnsupportedCodec(_)
            | FixError::TooManyTracks(_) => ErrorKind::Unsupported,
            FixError::NotMatroska
            | FixError::NoSegment
            | FixError::NoTracks
            | FixError::InvalidTrack { .. } => ErrorKind::InvalidInput,
            FixError::Mux(e) => mediarec_core::Error::kind(e),
        }
    }
}

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixError::Read(e) => write!(f, "reading the input failed: {e}"),
            FixError::Write(e) => write!(f, "writing the output failed: {e}"),
            FixError::NotMatroska => f.write_str("not a WebM/Matroska file (no EBML header)"),
            FixError::UnsupportedDocType(d) => {
                write!(f, "EBML document of type {d:?} is not WebM or Matroska")
            }
            FixError::NoSegment => f.write_str("no Segment after the EBML header"),
            FixError::NoTracks => f.write_str("no Tracks before the first Cluster"),
            FixError::UnsupportedCodec(c) => write!(f, "codec {c} is not supported"),
            FixError::InvalidTrack { track, reason } => write!(f, "track {track}: {reason}"),
            FixError::TooManyTracks(n) => write!(f, "{n} tracks; at most 8 are supported"),
            FixError::Mux(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FixError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FixError::Read(e) | FixError::Write(e) => Some(e),
            _ => None,
        }
    }
}

impl mediarec_core::Error for FixError {
    fn kind(&self) -> ErrorKind {
        FixError::kind(self)
    }
}

/// `ticks` of `scale` nanoseconds as signed microseconds, saturating.
pub(crate) fn ticks_to_us(ticks: i64, scale: u64) -> i64 {
    let us = i128::from(ticks) * i128::from(scale) / 1000;
    i64::try_from(us).unwrap_or(if us < 0 { i64::MIN } else { i64::MAX })
}

/// A non-negative microsecond count as a [`Duration`].
pub(crate) fn us_to_duration(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}
