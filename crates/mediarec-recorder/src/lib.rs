//! # mediarec-recorder
//!
//! The W3C `MediaRecorder` as a pure state machine: no threads, no clock, no files, no
//! allocator. Commands mirror the web methods and take the current time; media frames and
//! stream changes come in through `handle_*`; muxed bytes, patches and the spec's events
//! come out of **one ordered queue**, so the order the spec fixes (bytes, then
//! `dataavailable`, then `stop`) cannot be broken by a driver.
//!
//! ## The run-loop contract
//!
//! After every command ([`Recorder::start`], [`Recorder::stop`], [`Recorder::pause`],
//! [`Recorder::resume`], [`Recorder::request_data`]) and every input
//! ([`Recorder::handle_audio`], [`Recorder::handle_video`], [`Recorder::handle_track`],
//! [`Recorder::handle_failure`], [`Recorder::handle_timeout`]), call
//! [`Recorder::poll_output`] until it returns [`Output::Wait`]. Then sleep until that
//! instant (call `handle_timeout`), a frame, or a user command.
//!
//! - [`Output::Bytes`] go to the output in order; together they form the current blob.
//! - [`Output::Event`] with [`RecorderEvent::DataAvailable`] closes that blob.
//! - [`Output::Patch`] (only with [`RecorderOptions::seekable`]) overwrites or appends bytes
//!   at an absolute offset of the output *file*: sizes, `Duration`, `SeekHead`, `Cues`.
//!   Blobs never contain patches, so the concatenated blobs are the live stream and the
//!   patched file is its seekable form.
//!
//! Frames are refused with [`InputError::Full`] (and not consumed) only when the queue has
//! no room; nothing recorded is lost.
//!
//! ## Spec map
//!
//! | web | here |
//! |---|---|
//! | `new MediaRecorder(stream, options)` | [`Recorder::new`] with [`TrackDesc`]s and [`RecorderOptions`] |
//! | `state`, `mimeType`, `audioBitsPerSecond`, … | [`Recorder::state`], [`Recorder::mime_type`], … |
//! | thrown `DOMException` | [`RecorderError::dom_name`] |
//! | `start`, `dataavailable`, `pause`, `resume`, `stop`, `error` | [`RecorderEvent`] |
//! | `BlobEvent.timecode` | media time of the blob's start, 0 for the first blob |
//! | `isTypeSupported(type)` | [`is_type_supported`] |
//!
//! ## Example
//!
//! Record 100 ms of silence as PCM in WebM into fixed buffers:
//!
//! ```
//! use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
//! use mediarec_core::*;
//! use mediarec_recorder::*;
//! use mediarec_webm::WebmMuxer;
//!
//! /// What this build records: PCM in WebM.
//! struct PcmWebm;
//! impl Formats for PcmWebm {
//!     type Audio = PcmEncoder;
//!     type Video = NoEncoder;
//!     type Muxer = WebmMuxer;
//!     fn supports(&self, c: ContainerId, k: CodecId) -> bool {
//!         c == ContainerId::WebM && k == CodecId::PcmF32
//!     }
//!     fn supports_container(&self, c: ContainerId) -> bool { c == ContainerId::WebM }
//!     fn default_codec(&self, _: ContainerId, k: MediaKind) -> Option<CodecId> {
//!         (k == MediaKind::Audio).then_some(CodecId::PcmF32)
//!     }
//!     fn audio_encoder(&mut self, _: CodecId, p: AudioParams, _: EncoderSettings)
//!         -> Result<PcmEncoder, ErrorKind> { PcmEncoder::try_new(p, PcmFormat::F32) }
//!     fn video_encoder(&mut self, _: CodecId, _: VideoParams, _: EncoderSettings)
//!         -> Result<NoEncoder, ErrorKind> { Err(ErrorKind::Unsupported) }
//!     fn muxer(&mut self, c: ContainerId) -> Result<WebmMuxer, ErrorKind> {
//!         WebmMuxer::for_container(c).map_err(|_| ErrorKind::Unsupported)
//!     }
//! }
//!
//! let mic = TrackDesc {
//!     id: TrackId(1),
//!     format: TrackFormat::Audio(AudioParams { sample_rate: 48_000, channels: 1 }),
//!     live: true,
//! };
//! let (mut ring, mut packet) = ([0u8; 64 * 1024], [0u8; 4096]);
//! let options = RecorderOptions { mime_type: "audio/webm;codecs=pcm", ..Default::default() };
//! let mut rec = Recorder::new(PcmWebm, &[mic], &options, &mut ring, &mut packet).unwrap();
//!
//! let t0 = Instant::from_micros(0);
//! rec.start(t0, None).unwrap();
//! let silence = [0.0f32; 4800];
//! let frame = AudioFrame { samples: Samples::F32(&silence), channels: 1,
//!                          sample_rate: 48_000, timestamp: Duration::ZERO };
//! rec.handle_audio(t0, TrackId(1), &frame).unwrap();
//! rec.stop(t0 + Duration::from_millis(100));
//!
//! let (mut file, mut events) = ([0u8; 32 * 1024], 0);
//! let mut file_len = 0;
//! let mut buf = [0u8; 1024];
//! loop {
//!     match rec.poll_output(&mut buf) {
//!         Output::Bytes(n) => { file[file_len..file_len + n].copy_from_slice(&buf[..n]); file_len += n; }
//!         Output::Patch { .. } => {} // only when the output is seekable
//!         Output::BlobOnly(_) | Output::FileOnly(_) => {} // only with self-contained blobs
//!         Output::Event(e) => { events += 1; if e == RecorderEvent::Stop { break } }
//!         Output::Wait(_) => break,
//!     }
//! }
//! assert_eq!(events, 3); // start, dataavailable, stop
//! assert_eq!(&file[..4], &[0x1A, 0x45, 0xDF, 0xA3]); // an EBML header
//! assert!(file_len > 4800 * 4);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod error;
mod event;
mod keyframe;
mod mime;
mod options;
mod output;
mod recorder;

pub use error::{InputError, RecorderError};
pub use event::RecorderEvent;
pub use keyframe::DEFAULT_KEYFRAME_INTERVAL_FRAMES;
pub use mime::is_type_supported;
pub use options::{DEFAULT_AUDIO_BPS, DEFAULT_VIDEO_BPS, RecorderOptions};
pub use output::Output;
pub use recorder::{
    MAX_MIME_LEN, MAX_RECORDED, MAX_TRACKS, Recorder, RecordingState, TrackChange, TrackDesc,
    TrackFormat,
};
