//! The muxer's error type.

use mediarec_core::{CodecId, ErrorKind, MuxTrack, SinkError};
use mediarec_ebml::WriteError;

/// Why the WebM muxer refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebmError {
    /// Writing or patching failed (usually the sink is full).
    Write(WriteError),
    /// The container is not WebM or Matroska.
    UnsupportedContainer,
    /// The codec has no Matroska mapping here.
    UnsupportedCodec(CodecId),
    /// More tracks than [`MAX_TRACKS`](crate::MAX_TRACKS).
    TooManyTracks,
    /// An audio track without rate or channels, or a video track without a size.
    InvalidTrackConfig,
    /// `write_header` was called with no tracks.
    NoTracks,
    /// `add_track` or `write_header` after the header was written.
    HeaderAlreadyWritten,
    /// A packet, cut or finish before `write_header`.
    HeaderNotWritten,
    /// A call after `finish`.
    Finished,
    /// The track was not returned by this muxer's `add_track`.
    UnknownTrack(MuxTrack),
    /// The packet's time is earlier than the previous packet of the same track.
    NonMonotonic(MuxTrack),
    /// The packet is more than 32.768 s earlier than the open cluster (cross-track
    /// disorder a block's 16-bit relative time cannot express).
    OutOfOrder(MuxTrack),
}

impl From<WriteError> for WebmError {
    fn from(e: WriteError) -> Self {
        WebmError::Write(e)
    }
}

impl From<SinkError> for WebmError {
    fn from(e: SinkError) -> Self {
        WebmError::Write(WriteError::Sink(e))
    }
}

impl mediarec_core::Error for WebmError {
    fn kind(&self) -> ErrorKind {
        match self {
            WebmError::Write(e) => mediarec_core::Error::kind(e),
            WebmError::UnsupportedContainer
            | WebmError::UnsupportedCodec(_)
            | WebmError::TooManyTracks => ErrorKind::Unsupported,
            WebmError::InvalidTrackConfig
            | WebmError::NoTracks
            | WebmError::UnknownTrack(_)
            | WebmError::NonMonotonic(_)
            | WebmError::OutOfOrder(_) => ErrorKind::InvalidInput,
            WebmError::HeaderAlreadyWritten | WebmError::HeaderNotWritten | WebmError::Finished => {
                ErrorKind::Other
            }
        }
    }
}

impl core::fmt::Display for WebmError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            WebmError::Write(e) => write!(f, "WebM write failed: {e}"),
            WebmError::UnsupportedContainer => f.write_str("container is not WebM or Matroska"),
            WebmError::UnsupportedCodec(c) => write!(f, "codec {c:?} cannot be muxed into WebM"),
            WebmError::TooManyTracks => f.write_str("too many tracks"),
            WebmError::InvalidTrackConfig => f.write_str("track configuration is incomplete"),
            WebmError::NoTracks => f.write_str("no tracks were added"),
            WebmError::HeaderAlreadyWritten => f.write_str("header already written"),
            WebmError::HeaderNotWritten => f.write_str("header not written yet"),
            WebmError::Finished => f.write_str("muxer already finished"),
            WebmError::UnknownTrack(t) => write!(f, "unknown track {}", t.0),
            WebmError::NonMonotonic(t) => write!(f, "track {} went back in time", t.0),
            WebmError::OutOfOrder(t) => {
                write!(f, "track {} is too far behind the open cluster", t.0)
            }
        }
    }
}
