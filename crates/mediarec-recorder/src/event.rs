//! Recorder events, as the spec names them.

use mediarec_core::{DomErrorName, Duration};

/// An event the spec fires on a `MediaRecorder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecorderEvent {
    /// `start`: recording really began; [`Recorder::mime_type`](crate::Recorder::mime_type)
    /// now returns the full type with codecs.
    Start,
    /// `dataavailable`: the blob made of every [`Output::Bytes`](crate::Output::Bytes) since
    /// the previous `DataAvailable` is complete.
    DataAvailable {
        /// `BlobEvent.timecode`: media time of the blob's start relative to the first blob
        /// of this recorder (0 for the first).
        timecode: Duration,
    },
    /// `pause`.
    Pause,
    /// `resume`.
    Resume,
    /// `stop`: the recording is over; no more bytes follow.
    Stop,
    /// `error`: an `ErrorEvent` whose `error.name` is this. A final `DataAvailable` and a
    /// `Stop` always follow (except for a deferred `NotSupportedError`, which is followed by
    /// `Stop` alone, as the spec says).
    Error(DomErrorName),
}

impl RecorderEvent {
    /// The DOM event type: `"start"`, `"dataavailable"`, …
    pub const fn name(&self) -> &'static str {
        match self {
            RecorderEvent::Start => "start",
            RecorderEvent::DataAvailable { .. } => "dataavailable",
            RecorderEvent::Pause => "pause",
            RecorderEvent::Resume => "resume",
            RecorderEvent::Stop => "stop",
            RecorderEvent::Error(_) => "error",
        }
    }
}
