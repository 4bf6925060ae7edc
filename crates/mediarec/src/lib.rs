//! # mediarec
//!
//! `MediaRecorder` for native Rust, with the web's semantics: record a stream into WebM,
//! Matroska or Ogg (Opus or PCM), get `dataavailable` chunks, pause, resume, stop — and
//! end up with a file every player can seek.
//!
//! This crate is the std layer. It runs the sans-IO [`mediarec_recorder::Recorder`] on a
//! worker thread with a real clock, reads the stream's inputs (devices, synthetic sources,
//! files), writes the output (patching a file so it is seekable) and hands events to the
//! application in the spec's order.
//!
//! ```no_run
//! use mediarec::{Destination, Event, MediaRecorder, MediaRecorderOptions, MediaStream, SynthInput};
//! use mediarec_source_synth::Tone;
//!
//! let stream = MediaStream::with_audio(SynthInput::new(Tone::new(440.0, 48_000, 2), "tone"));
//! let options = MediaRecorderOptions {
//!     mime_type: "audio/webm;codecs=opus".into(),
//!     max_duration: Some(mediarec_core::Duration::from_secs(2)),
//!     ..Default::default()
//! };
//! let recorder = MediaRecorder::new(stream, options, Destination::file("tone.webm")?)?;
//! recorder.start(None)?;
//! for event in recorder.events() {
//!     if let Event::Stop = event { break }
//! }
//! let summary = recorder.close()?;
//! println!("{} bytes", summary.bytes);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(feature = "cpal")]
mod capture;
mod devices;
mod events;
mod file;
mod fix;
mod formats;
mod input;
mod recorder;
mod sink;
mod stream;
mod threaded;
mod video;

#[cfg(feature = "cpal")]
pub use capture::{
    Capabilities, CaptureStats, Constraints, CpalInput, DeviceInfo, MicrophoneError, OpenOptions,
    Settings, audio_modes, constraints_for, default_microphone, microphone_info, microphones,
    open_microphone,
};
pub use devices::{Device, MediaDevices, SYNTHETIC_GROUP, SourceKind};
#[cfg(feature = "async")]
pub use events::EventStream;
pub use events::Handler;
pub use file::WavInput;
pub use fix::{
    Block, DocInfo, FixError, FixOptions, FixReport, LaceError, LacedFrames, MatroskaEvent,
    MatroskaReader, MatroskaSummary, OggPageReader, OggStreamSummary, OggSummary, PatchWriter,
    Problem, SegmentInfo, TrackEntry, TrackSummary, fix, fix_file, fix_with, inspect_matroska,
    inspect_ogg,
};
pub use formats::{AnyAudioEncoder, AnyError, AnyMuxer, SUPPORTED, StdFormats};
pub use input::{AudioInput, Chunk, InputFailure, SynthInput};
pub use mediarec_recorder::{RecorderError, RecordingState};
pub use recorder::{Event, FacadeError, MediaRecorder, MediaRecorderOptions, Snapshot, Summary};
pub use sink::{Destination, FileSink};
pub use stream::MediaStream;
pub use threaded::{ThreadedAudioEncoder, ThreadedError};
pub use video::{PatternInput, VideoInput, VideoRead};
