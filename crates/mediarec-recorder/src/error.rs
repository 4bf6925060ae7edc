//! Errors: synchronous spec exceptions, and refusals of input.

use mediarec_core::DomErrorName;

/// A synchronous exception of the MediaRecorder API: the spec's DOMException name plus a
/// human reason.
///
/// ```
/// use mediarec_core::DomErrorName;
/// use mediarec_recorder::RecorderError;
/// let e = RecorderError::new(DomErrorName::InvalidState, "pause() while inactive");
/// assert_eq!(e.to_string(), "InvalidStateError: pause() while inactive");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecorderError {
    name: DomErrorName,
    reason: &'static str,
}

impl RecorderError {
    /// An exception named `name`.
    pub const fn new(name: DomErrorName, reason: &'static str) -> Self {
        RecorderError { name, reason }
    }
    pub(crate) const fn invalid_state(reason: &'static str) -> Self {
        Self::new(DomErrorName::InvalidState, reason)
    }
    pub(crate) const fn not_supported(reason: &'static str) -> Self {
        Self::new(DomErrorName::NotSupported, reason)
    }
    /// The DOMException name the spec throws.
    pub const fn dom_name(&self) -> DomErrorName {
        self.name
    }
    /// Why, in words.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

impl core::fmt::Display for RecorderError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.name, self.reason)
    }
}

impl core::error::Error for RecorderError {}

/// Why a frame was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    /// The output queue has no room: drain [`poll_output`](crate::Recorder::poll_output)
    /// and offer the frame again. Nothing of it was consumed.
    Full,
    /// The track is not part of the current recording.
    UnknownTrack,
    /// The frame does not match the track (kind, rate or channels).
    Mismatch,
}

impl core::fmt::Display for InputError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            InputError::Full => "output queue full: drain poll_output and retry",
            InputError::UnknownTrack => "the track is not being recorded",
            InputError::Mismatch => "the frame does not match its track",
        })
    }
}

impl core::error::Error for InputError {}
