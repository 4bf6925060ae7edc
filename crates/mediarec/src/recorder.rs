//! `MediaRecorder` for std: the sans-IO recorder driven by a worker thread, a clock, the
//! stream's inputs and a destination.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use bytes::Bytes;
use mediarec_core::{
    AudioFrame, DomErrorName, Duration, ErrorKind, Instant, MediaKind, Samples, TrackId,
    VideoFrame, VideoParams,
};
use mediarec_recorder::{
    InputError, Output, Recorder, RecorderError, RecorderEvent, RecorderOptions, RecordingState,
    TrackChange, TrackDesc, TrackFormat,
};
use mediarec_stream::fill_black;

use crate::events::{Dispatcher, Handlers};
use crate::formats::StdFormats;
use crate::input::AudioInput;
use crate::sink::Destination;
use crate::stream::MediaStream;
use crate::video::{VideoInput, VideoRead};

/// Bytes of muxed output the worker holds before writing them out (at least).
const RING_BYTES: usize = 1 << 20;
/// The largest encoded audio packet this build makes (PCM: 8 KiB; Opus: 4 KiB).
const AUDIO_PACKET_BYTES: usize = 64 * 1024;

/// The largest encoded video packet: libvpx's own bound, three bytes a pixel.
fn video_packet_bytes(p: &VideoParams) -> usize {
    (p.width as usize).saturating_mul(p.height as usize).saturating_mul(3).max(32 * 1024)
}
/// How often live inputs are read.
const TICK: StdDuration = StdDuration::from_millis(10);
/// How often buffered output is handed to the operating system: what a crash can lose.
const FLUSH_EVERY: StdDuration = StdDuration::from_millis(500);
/// The worker holds the recorder, its encoders and muxer state by value.
const WORKER_STACK: usize = 8 << 20;
/// Sample frames read from an input at once.
const READ_FRAMES: usize = 4800;

/// `MediaRecorderOptions` plus what a native recorder needs to know.
///
/// ```
/// use mediarec::MediaRecorderOptions;
/// let o = MediaRecorderOptions { mime_type: "audio/webm;codecs=opus".into(), ..Default::default() };
/// assert!(o.max_duration.is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MediaRecorderOptions {
    /// `mimeType`.
    pub mime_type: String,
    /// `audioBitsPerSecond`.
    pub audio_bits_per_second: Option<u32>,
    /// `videoBitsPerSecond`.
    pub video_bits_per_second: Option<u32>,
    /// `bitsPerSecond`.
    pub bits_per_second: Option<u32>,
    /// `audioBitrateMode`.
    pub audio_bitrate_mode: mediarec_core::BitrateMode,
    /// `videoKeyFrameIntervalDuration` (ms).
    pub video_key_frame_interval_duration: Option<f64>,
    /// `videoKeyFrameIntervalCount`.
    pub video_key_frame_interval_count: Option<u32>,
    /// Stop by itself after this much media (paused time does not count).
    pub max_duration: Option<Duration>,
    /// Deliver each blob's bytes in [`Event::DataAvailable`] (browsers always do; a
    /// recorder writing a long file usually does not need them).
    pub keep_blobs: bool,
    /// Write live output even to a file (no patches: unknown sizes, no index).
    pub live: bool,
    /// Make every blob a complete file that plays on its own.
    pub self_contained_blobs: bool,
}

/// An event, as the web fires it on a `MediaRecorder`.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `start`; carries the full `mimeType`.
    Start {
        /// `mimeType` in the start handler.
        mime_type: String,
    },
    /// `dataavailable`.
    DataAvailable {
        /// The blob's bytes when [`MediaRecorderOptions::keep_blobs`] is set, else empty.
        data: Bytes,
        /// The blob's size in bytes.
        size: u64,
        /// `BlobEvent.timecode` in milliseconds.
        timecode: f64,
    },
    /// `pause`.
    Pause,
    /// `resume`.
    Resume,
    /// `stop`.
    Stop,
    /// `error` with the DOMException name and a message.
    Error {
        /// `error.name`.
        name: DomErrorName,
        /// `error.message`.
        message: String,
    },
}

impl Event {
    /// The DOM event type.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Start { .. } => "start",
            Event::DataAvailable { .. } => "dataavailable",
            Event::Pause => "pause",
            Event::Resume => "resume",
            Event::Stop => "stop",
            Event::Error { .. } => "error",
        }
    }
}

/// The recorder's attributes, readable at any time.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// `state`.
    pub state: RecordingState,
    /// `mimeType`.
    pub mime_type: String,
    /// `audioBitsPerSecond`.
    pub audio_bits_per_second: u32,
    /// `videoBitsPerSecond`.
    pub video_bits_per_second: u32,
    /// Bytes written to the destination.
    pub bytes: u64,
    /// Media recorded so far (paused time excluded).
    pub media_time: Duration,
    /// Peak level of the latest audio per channel, in dBFS (−inf for silence).
    pub peak_dbfs: Vec<f32>,
}

/// What a finished recording amounts to.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Bytes written to the destination (patches included once).
    pub bytes: u64,
    /// Media recorded.
    pub media_time: Duration,
    /// The error event's name, if the recording ended with one.
    pub error: Option<DomErrorName>,
}

/// Why the facade failed (beyond the spec's exceptions).
#[derive(Debug)]
pub enum FacadeError {
    /// A spec exception.
    Recorder(RecorderError),
    /// The worker thread is gone.
    Disconnected,
    /// Writing the output failed.
    Io(std::io::Error),
}

impl std::fmt::Display for FacadeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FacadeError::Recorder(e) => e.fmt(f),
            FacadeError::Disconnected => f.write_str("the recorder thread has stopped"),
            FacadeError::Io(e) => write!(f, "writing the output failed: {e}"),
        }
    }
}

impl std::error::Error for FacadeError {}

impl From<RecorderError> for FacadeError {
    fn from(e: RecorderError) -> Self {
        FacadeError::Recorder(e)
    }
}

enum Command {
    Start(Option<u32>),
    RequestFrame,
    SetEnabled(MediaKind, usize, bool),
    Stop,
    Pause,
    Resume,
    RequestData,
    Close,
}

type Reply = Result<(), RecorderError>;

/// A `MediaRecorder` recording a [`MediaStream`] into a [`Destination`] on its own thread.
///
/// Methods behave as the web's: they change `state` before returning and throw the spec's
/// exceptions; events arrive in order on [`MediaRecorder::events`].
///
/// ```no_run
/// use mediarec::{Destination, MediaRecorder, MediaRecorderOptions, MediaStream, SynthInput};
/// use mediarec_source_synth::Tone;
///
/// let stream = MediaStream::with_audio(SynthInput::new(Tone::new(440.0, 48_000, 2), "tone"));
/// let rec = MediaRecorder::new(stream, MediaRecorderOptions::default(), Destination::file("a.webm")?)?;
/// rec.start(Some(1000))?;
/// std::thread::sleep(std::time::Duration::from_secs(3));
/// rec.stop();
/// for event in rec.events() {
///     println!("{}", event.name());
///     if event.name() == "stop" { break }
/// }
/// rec.close()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MediaRecorder {
    commands: Sender<(Command, Sender<Reply>)>,
    events: Receiver<Event>,
    dispatcher: Dispatcher,
    snapshot: Arc<Mutex<Snapshot>>,
    worker: Option<JoinHandle<Result<Summary, FacadeError>>>,
}

impl MediaRecorder {
    /// The constructor: throws `NotSupportedError` for a type this build cannot record.
    pub fn new(
        stream: MediaStream,
        options: MediaRecorderOptions,
        destination: Destination,
    ) -> Result<Self, FacadeError> {
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (ev_tx, ev_rx) = mpsc::channel();
        let dispatcher = Dispatcher {
            handlers: Arc::new(Mutex::new(Handlers::default())),
            queue: ev_tx,
            waker: Arc::new(Mutex::new(None)),
        };
        let worker_dispatcher = dispatcher.clone();
        let (ready_tx, ready_rx) = mpsc::channel();
        let snapshot = Arc::new(Mutex::new(Snapshot {
            state: RecordingState::Inactive,
            mime_type: options.mime_type.clone(),
            audio_bits_per_second: 0,
            video_bits_per_second: 0,
            bytes: 0,
            media_time: Duration::ZERO,
            peak_dbfs: Vec::new(),
        }));
        let shared = Arc::clone(&snapshot);
        let worker = std::thread::Builder::new()
            .name("mediarec".into())
            .stack_size(WORKER_STACK)
            .spawn(move || {
                Worker::run(
                    stream,
                    options,
                    destination,
                    cmd_rx,
                    worker_dispatcher,
                    shared,
                    ready_tx,
                )
            })
            .map_err(FacadeError::Io)?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = worker.join();
                return Err(FacadeError::Recorder(e));
            }
            Err(_) => return Err(FacadeError::Disconnected),
        }
        Ok(MediaRecorder {
            commands: cmd_tx,
            events: ev_rx,
            dispatcher,
            snapshot,
            worker: Some(worker),
        })
    }

    fn call(&self, c: Command) -> Result<(), FacadeError> {
        let (tx, rx) = mpsc::channel();
        self.commands.send((c, tx)).map_err(|_| FacadeError::Disconnected)?;
        rx.recv().map_err(|_| FacadeError::Disconnected)?.map_err(FacadeError::Recorder)
    }

    /// `start(timeslice)`.
    pub fn start(&self, timeslice: Option<u32>) -> Result<(), FacadeError> {
        self.call(Command::Start(timeslice))
    }
    /// `stop()`.
    pub fn stop(&self) {
        let _ = self.call(Command::Stop);
    }
    /// `pause()`.
    pub fn pause(&self) -> Result<(), FacadeError> {
        self.call(Command::Pause)
    }
    /// `resume()`.
    pub fn resume(&self) -> Result<(), FacadeError> {
        self.call(Command::Resume)
    }
    /// `requestData()`.
    pub fn request_data(&self) -> Result<(), FacadeError> {
        self.call(Command::RequestData)
    }
    /// `MediaStreamTrack.enabled` for the `index`th track of `kind` in the stream: a
    /// disabled audio track records silence, a disabled video track black pictures, and
    /// the recording goes on (the spec's rule). `NotFoundError` for no such track.
    pub fn set_track_enabled(
        &self,
        kind: MediaKind,
        index: usize,
        enabled: bool,
    ) -> Result<(), FacadeError> {
        self.call(Command::SetEnabled(kind, index, enabled))
    }
    /// `requestFrame()` on every video track whose source delivers on request (a pattern
    /// at 0 fps, like `canvas.captureStream(0)`).
    pub fn request_frame(&self) -> Result<(), FacadeError> {
        self.call(Command::RequestFrame)
    }
    /// The attributes now.
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
    /// `state`.
    pub fn state(&self) -> RecordingState {
        self.snapshot().state
    }
    /// `mimeType`.
    pub fn mime_type(&self) -> String {
        self.snapshot().mime_type
    }
    /// The events no handler took, in the spec's order. Iterating blocks until the next
    /// event; it ends when the recorder is closed.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// The same events as an async `Stream`.
    #[cfg(feature = "async")]
    pub fn event_stream(&self) -> crate::EventStream<'_> {
        crate::EventStream { receiver: &self.events, waker: Arc::clone(&self.dispatcher.waker) }
    }

    /// `ondataavailable`: called (on the worker thread) with each blob; set
    /// [`MediaRecorderOptions::keep_blobs`] to get its bytes. Events a handler takes are
    /// not also queued for [`MediaRecorder::events`].
    pub fn on_dataavailable(&self, f: impl FnMut(&Event) + Send + 'static) {
        self.dispatcher.set("dataavailable", Some(Box::new(f)));
    }
    /// `onstart`.
    pub fn on_start(&self, f: impl FnMut(&Event) + Send + 'static) {
        self.dispatcher.set("start", Some(Box::new(f)));
    }
    /// `onpause`.
    pub fn on_pause(&self, f: impl FnMut(&Event) + Send + 'static) {
        self.dispatcher.set("pause", Some(Box::new(f)));
    }
    /// `onresume`.
    pub fn on_resume(&self, f: impl FnMut(&Event) + Send + 'static) {
        self.dispatcher.set("resume", Some(Box::new(f)));
    }
    /// `onstop`.
    pub fn on_stop(&self, f: impl FnMut(&Event) + Send + 'static) {
        self.dispatcher.set("stop", Some(Box::new(f)));
    }
    /// `onerror`.
    pub fn on_error(&self, f: impl FnMut(&Event) + Send + 'static) {
        self.dispatcher.set("error", Some(Box::new(f)));
    }
    /// Removes the handler for events named `name` (`"dataavailable"`, …): they are queued
    /// for [`MediaRecorder::events`] again.
    pub fn clear_handler(&self, name: &str) {
        self.dispatcher.set(name, None);
    }
    /// Stops (if recording), finishes the output and ends the worker.
    pub fn close(mut self) -> Result<Summary, FacadeError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<Summary, FacadeError> {
        let _ = self.call(Command::Close);
        match self.worker.take() {
            Some(w) => w.join().map_err(|_| FacadeError::Disconnected)?,
            None => Err(FacadeError::Disconnected),
        }
    }
}

impl Drop for MediaRecorder {
    fn drop(&mut self) {
        if self.worker.is_some() {
            let _ = self.shutdown();
        }
    }
}

struct Track {
    id: TrackId,
    input: Box<dyn AudioInput>,
    ended: bool,
    /// `MediaStreamTrack.enabled`: a disabled track records silence.
    enabled: bool,
    channels: usize,
    rate: u32,
}

struct VideoTrack {
    id: TrackId,
    input: Box<dyn VideoInput>,
    ended: bool,
    /// `MediaStreamTrack.enabled`: a disabled track records black pictures.
    enabled: bool,
}

struct Worker {
    tracks: Vec<Track>,
    video: Vec<VideoTrack>,
    /// One picture of the largest video track.
    picture: Vec<u8>,
    destination: Destination,
    events: Dispatcher,
    snapshot: Arc<Mutex<Snapshot>>,
    epoch: StdInstant,
    capture_start: Option<StdInstant>,
    blob: Vec<u8>,
    blob_size: u64,
    keep_blobs: bool,
    max_duration: Option<Duration>,
    fed: Duration,
    /// Sample frames of the first audio track recorded so far: the exact measure of `fed`.
    fed_frames: u64,
    bytes: u64,
    error: Option<DomErrorName>,
    io_failed: bool,
    peaks: Vec<f32>,
    /// Words for the next error event, when the driver knows more than the recorder.
    error_detail: Option<String>,
}

impl Worker {
    fn run(
        stream: MediaStream,
        options: MediaRecorderOptions,
        destination: Destination,
        commands: Receiver<(Command, Sender<Reply>)>,
        events: Dispatcher,
        snapshot: Arc<Mutex<Snapshot>>,
        ready: Sender<Result<(), RecorderError>>,
    ) -> Result<Summary, FacadeError> {
        let (audio_inputs, video_inputs) = stream.into_parts();
        let tracks: Vec<Track> = audio_inputs
            .into_iter()
            .enumerate()
            .map(|(i, input)| {
                let p = input.params();
                Track {
                    id: TrackId(i as u32 + 1),
                    input,
                    ended: false,
                    enabled: true,
                    channels: usize::from(p.channels.max(1)),
                    rate: p.sample_rate,
                }
            })
            .collect();
        let first_video = tracks.len() as u32 + 1;
        let video: Vec<VideoTrack> = video_inputs
            .into_iter()
            .enumerate()
            .map(|(i, input)| VideoTrack {
                id: TrackId(first_video + i as u32),
                input,
                ended: false,
                enabled: true,
            })
            .collect();
        let descs: Vec<TrackDesc> = tracks
            .iter()
            .map(|t| TrackDesc {
                id: t.id,
                format: TrackFormat::Audio(t.input.params()),
                live: true,
            })
            .chain(video.iter().map(|v| TrackDesc {
                id: v.id,
                format: TrackFormat::Video(v.input.params()),
                live: true,
            }))
            .collect();
        let packet_bytes = video
            .iter()
            .map(|v| video_packet_bytes(&v.input.params()))
            .fold(AUDIO_PACKET_BYTES, usize::max);
        let picture_bytes = video.iter().map(|v| v.input.frame_len()).max().unwrap_or(0);
        let spec_options = RecorderOptions {
            mime_type: &options.mime_type,
            audio_bits_per_second: options.audio_bits_per_second,
            video_bits_per_second: options.video_bits_per_second,
            bits_per_second: options.bits_per_second,
            audio_bitrate_mode: options.audio_bitrate_mode,
            video_key_frame_interval_duration: options.video_key_frame_interval_duration,
            video_key_frame_interval_count: options.video_key_frame_interval_count,
            seekable: destination.is_seekable() && !options.live,
            self_contained_blobs: options.self_contained_blobs,
        };
        let mut ring = vec![0u8; RING_BYTES.max(2 * packet_bytes + (256 << 10))];
        let mut packet = vec![0u8; packet_bytes];
        let mut rec = match Recorder::new(
            StdFormats::default(),
            &descs,
            &spec_options,
            &mut ring,
            &mut packet,
        ) {
            Ok(r) => {
                let _ = ready.send(Ok(()));
                r
            }
            Err(e) => {
                let _ = ready.send(Err(e));
                return Err(FacadeError::Recorder(e));
            }
        };
        let mut w = Worker {
            peaks: vec![f32::NEG_INFINITY; tracks.first().map_or(0, |t| t.channels)],
            tracks,
            video,
            picture: vec![0u8; picture_bytes],
            destination,
            events,
            snapshot,
            epoch: StdInstant::now(),
            capture_start: None,
            blob: Vec::new(),
            blob_size: 0,
            keep_blobs: options.keep_blobs,
            max_duration: options.max_duration,
            fed: Duration::ZERO,
            fed_frames: 0,
            bytes: 0,
            error: None,
            io_failed: false,
            error_detail: None,
        };
        w.publish(&rec);
        let mut out = vec![0u8; 64 * 1024];
        let mut samples = vec![0f32; READ_FRAMES * 8];
        let mut closing = false;
        let mut last_flush = StdInstant::now();
        loop {
            let now = w.now();
            let wake = match rec.deadline() {
                Some(d) => w.to_std(d).min(StdInstant::now() + TICK),
                None => StdInstant::now() + TICK,
            };
            let timeout = wake.saturating_duration_since(StdInstant::now());
            match commands.recv_timeout(timeout) {
                Ok((cmd, reply)) => {
                    let now = w.now();
                    let r = match cmd {
                        Command::Start(t) => {
                            let r = rec.start(now, t);
                            if r.is_ok() && w.capture_start.is_none() {
                                w.capture_start = Some(StdInstant::now());
                            }
                            r
                        }
                        Command::Stop => {
                            rec.stop(now);
                            Ok(())
                        }
                        Command::Pause => rec.pause(now),
                        Command::Resume => rec.resume(now),
                        Command::RequestData => rec.request_data(now),
                        Command::SetEnabled(kind, index, enabled) => {
                            let slot = match kind {
                                MediaKind::Audio => w.tracks.get_mut(index).map(|t| &mut t.enabled),
                                MediaKind::Video => w.video.get_mut(index).map(|v| &mut v.enabled),
                            };
                            match slot {
                                Some(e) => {
                                    *e = enabled;
                                    Ok(())
                                }
                                None => Err(RecorderError::new(
                                    DomErrorName::NotFound,
                                    "no track of that kind at that index",
                                )),
                            }
                        }
                        Command::RequestFrame => {
                            let at = w.elapsed();
                            for v in w.video.iter_mut() {
                                v.input.request_frame(at);
                            }
                            Ok(())
                        }
                        Command::Close => {
                            rec.stop(now);
                            closing = true;
                            Ok(())
                        }
                    };
                    w.drain(&mut rec, &mut out);
                    let _ = reply.send(r);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    rec.stop(now);
                    closing = true;
                }
            }
            if rec.state() != RecordingState::Inactive {
                w.feed(&mut rec, &mut samples, &mut out);
            }
            rec.handle_timeout(w.now());
            w.drain(&mut rec, &mut out);
            if last_flush.elapsed() >= FLUSH_EVERY {
                last_flush = StdInstant::now();
                if !w.io_failed
                    && let Err(e) = w.destination.flush_buffer()
                {
                    w.io_failure(&mut rec, e);
                    w.drain(&mut rec, &mut out);
                }
            }
            if closing && rec.is_idle() {
                break;
            }
        }
        w.destination.flush().map_err(FacadeError::Io)?;
        Ok(Summary { bytes: w.bytes, media_time: w.fed, error: w.error })
    }

    fn now(&self) -> Instant {
        Instant::from_micros(self.epoch.elapsed().as_micros() as u64)
    }

    fn to_std(&self, t: Instant) -> StdInstant {
        self.epoch + StdDuration::from_micros(t.as_micros())
    }

    /// Capture time: since the first `start()`.
    fn elapsed(&self) -> Duration {
        self.capture_start
            .map_or(Duration::ZERO, |s| Duration::from_micros(s.elapsed().as_micros() as u64))
    }

    /// Draws every picture that is due and hands it to the recorder.
    fn feed_video(&mut self, rec: &mut Recorder<'_, StdFormats>, out: &mut [u8]) {
        let elapsed = self.elapsed();
        // The picture is borrowed while the recorder's output is drained.
        let mut picture = std::mem::take(&mut self.picture);
        for i in 0..self.video.len() {
            loop {
                let v = &mut self.video[i];
                if v.ended || rec.state() == RecordingState::Inactive {
                    break;
                }
                let id = v.id;
                let enabled = v.enabled;
                let frame = match v.input.read(elapsed, &mut picture) {
                    Ok(VideoRead::Frame(f)) => {
                        (f.format, f.width, f.height, f.data.len(), f.timestamp)
                    }
                    Ok(VideoRead::NotYet) => break,
                    Ok(VideoRead::Ended) => {
                        v.ended = true;
                        rec.handle_track(self.now(), TrackChange::Ended(id));
                        break;
                    }
                    Err(e) => {
                        v.ended = true;
                        self.error_detail.get_or_insert(format!("video input failed: {e}"));
                        rec.handle_failure(self.now(), ErrorKind::Device);
                        break;
                    }
                };
                let (format, width, height, len, timestamp) = frame;
                let data = picture.get_mut(..len).unwrap_or_default();
                if !enabled {
                    fill_black(format, width, height, data);
                }
                let frame = VideoFrame { format, width, height, data, timestamp };
                // Pictures at or past the duration limit are not recorded; on a video-only
                // stream the first of them ends the recording.
                if let Some(max) = self.max_duration
                    && frame.timestamp >= max
                {
                    v.ended = true;
                    if self.tracks.is_empty() {
                        rec.stop(self.now());
                    }
                    break;
                }
                if self.tracks.is_empty() {
                    self.fed = self.fed.max(frame.timestamp);
                }
                while let Err(InputError::Full) = rec.handle_video(self.now(), id, &frame) {
                    self.drain(rec, out);
                }
                self.drain(rec, out);
            }
        }
        self.picture = picture;
    }

    /// Reads every input up to now and hands the samples to the recorder.
    fn feed(&mut self, rec: &mut Recorder<'_, StdFormats>, samples: &mut [f32], out: &mut [u8]) {
        if self.capture_start.is_none() {
            return;
        }
        self.feed_video(rec, out);
        let elapsed = self.elapsed();
        for i in 0..self.tracks.len() {
            loop {
                let t = &mut self.tracks[i];
                if t.ended {
                    break;
                }
                let buf = &mut samples[..READ_FRAMES * t.channels.min(8)];
                let chunk = match t.input.read(elapsed, buf) {
                    Ok(Some(c)) if c.frames > 0 => c,
                    Ok(Some(_)) => break,
                    Ok(None) => {
                        t.ended = true;
                        let id = t.id;
                        rec.handle_track(self.now(), TrackChange::Ended(id));
                        self.drain(rec, out);
                        break;
                    }
                    Err(e) => {
                        t.ended = true;
                        let message = format!("input {} failed: {e}", t.input.label());
                        self.error_message(message);
                        rec.handle_failure(self.now(), ErrorKind::Device);
                        self.drain(rec, out);
                        break;
                    }
                };
                let (channels, rate, id) = (t.channels, t.rate, t.id);
                let mut frames = chunk.frames;
                // The duration limit counts media of the first track, cut sample-exactly.
                let mut limit_reached = false;
                if let Some(max) = self.max_duration
                    && i == 0
                    && rec.state() == RecordingState::Recording
                {
                    let left = max.as_samples(rate).saturating_sub(self.fed_frames);
                    if frames as u64 >= left {
                        frames = left as usize;
                        limit_reached = true;
                    }
                }
                if !t.enabled {
                    samples[..frames * channels].fill(0.0);
                }
                let data = &samples[..frames * channels];
                if i == 0 {
                    self.meter(data, channels);
                }
                let frame = AudioFrame {
                    samples: Samples::F32(data),
                    channels: channels as u16,
                    sample_rate: rate,
                    timestamp: chunk.timestamp,
                };
                let recording = rec.state() == RecordingState::Recording;
                self.push_audio(rec, id, &frame, out);
                if i == 0 && recording {
                    self.fed_frames += frames as u64;
                    self.fed = Duration::from_samples(self.fed_frames, rate);
                }
                if limit_reached {
                    rec.stop(self.now());
                    self.drain(rec, out);
                    return;
                }
                if chunk.frames < READ_FRAMES {
                    break;
                }
            }
        }
    }

    fn push_audio(
        &mut self,
        rec: &mut Recorder<'_, StdFormats>,
        id: TrackId,
        frame: &AudioFrame<'_>,
        out: &mut [u8],
    ) {
        let total = frame.frames();
        let channels = usize::from(frame.channels);
        let mut taken = 0;
        let Samples::F32(all) = frame.samples else { return };
        while taken < total {
            let rest = AudioFrame {
                samples: Samples::F32(&all[taken * channels..]),
                timestamp: frame.timestamp
                    + Duration::from_samples(taken as u64, frame.sample_rate),
                ..*frame
            };
            match rec.handle_audio(self.now(), id, &rest) {
                Ok(n) => taken += n,
                Err(InputError::Full) => {}
                Err(_) => return,
            }
            self.drain(rec, out);
        }
    }

    fn meter(&mut self, data: &[f32], channels: usize) {
        if data.is_empty() || channels == 0 {
            return;
        }
        self.peaks.resize(channels, f32::NEG_INFINITY);
        peak_dbfs(data, channels, &mut self.peaks);
    }

    fn error_message(&mut self, message: String) {
        self.error_detail.get_or_insert(message);
    }

    /// Takes every output of the recorder: bytes to the destination, events to the
    /// application.
    fn drain(&mut self, rec: &mut Recorder<'_, StdFormats>, out: &mut [u8]) {
        loop {
            match rec.poll_output(out) {
                Output::Bytes(n) => {
                    let bytes = &out[..n];
                    if !self.io_failed
                        && let Err(e) = self.destination.append(bytes)
                    {
                        self.io_failure(rec, e);
                    }
                    self.bytes += n as u64;
                    self.blob_size += n as u64;
                    if self.keep_blobs {
                        self.blob.extend_from_slice(bytes);
                    }
                }
                Output::FileOnly(n) => {
                    if !self.io_failed
                        && let Err(e) = self.destination.append(&out[..n])
                    {
                        self.io_failure(rec, e);
                    }
                    self.bytes += n as u64;
                }
                Output::BlobOnly(n) => {
                    self.blob_size += n as u64;
                    if self.keep_blobs {
                        self.blob.extend_from_slice(&out[..n]);
                    }
                }
                Output::Patch { offset, n } => {
                    if !self.io_failed
                        && let Err(e) = self.destination.patch(offset, &out[..n])
                    {
                        self.io_failure(rec, e);
                    }
                }
                Output::Event(e) => {
                    let event = match e {
                        RecorderEvent::Start => Event::Start { mime_type: rec.mime_type().into() },
                        RecorderEvent::DataAvailable { timecode } => {
                            if !self.io_failed
                                && let Err(e) = self.destination.flush()
                            {
                                self.io_failure(rec, e);
                            }
                            Event::DataAvailable {
                                data: Bytes::from(std::mem::take(&mut self.blob)),
                                size: std::mem::take(&mut self.blob_size),
                                timecode: timecode.as_millis_f64(),
                            }
                        }
                        RecorderEvent::Pause => Event::Pause,
                        RecorderEvent::Resume => Event::Resume,
                        RecorderEvent::Stop => Event::Stop,
                        RecorderEvent::Error(name) => {
                            self.error = Some(name);
                            let message = self.error_detail.take();
                            Event::Error {
                                name,
                                message: message.unwrap_or_else(|| error_text(name).into()),
                            }
                        }
                    };
                    self.publish(rec);
                    self.events.dispatch(event);
                }
                Output::Wait(_) => break,
            }
        }
        self.publish(rec);
    }

    fn io_failure(&mut self, rec: &mut Recorder<'_, StdFormats>, e: std::io::Error) {
        self.io_failed = true;
        self.error_message(format!("writing the output failed: {e}"));
        rec.handle_failure(self.now(), ErrorKind::Io);
    }

    fn publish(&self, rec: &Recorder<'_, StdFormats>) {
        let mut s = self.snapshot.lock().unwrap_or_else(PoisonError::into_inner);
        s.state = rec.state();
        s.mime_type.clear();
        s.mime_type.push_str(rec.mime_type());
        s.audio_bits_per_second = rec.audio_bits_per_second();
        s.video_bits_per_second = rec.video_bits_per_second();
        s.bytes = self.bytes;
        s.media_time = self.fed;
        s.peak_dbfs.clone_from(&self.peaks);
    }
}

fn error_text(name: DomErrorName) -> &'static str {
    match name {
        DomErrorName::InvalidModification => "the stream's track set changed while recording",
        DomErrorName::NotSupported => "the requested type cannot be recorded",
        DomErrorName::Security => "access to the stream was lost",
        _ => "recording could not continue",
    }
}

/// The peak of each of `channels` interleaved channels of `data`, in dBFS, into `peaks`.
/// Magnitudes are compared as bit patterns (sign cleared), which orders finite samples as
/// their values do and lets the loop vectorise (it runs over every sample read); NaN counts
/// as silence.
fn peak_dbfs(data: &[f32], channels: usize, peaks: &mut [f32]) {
    let magnitude = |s: &f32| match s.to_bits() & 0x7FFF_FFFF {
        b if b > 0x7F80_0000 => 0,
        b => b,
    };
    // Lane i holds channel i % channels.
    let mut lanes = [0u32; 16];
    if channels == 0 {
        return;
    } else if 16 % channels == 0 {
        let mut chunks = data.chunks_exact(16);
        for chunk in &mut chunks {
            lanes.iter_mut().zip(chunk).for_each(|(l, s)| *l = (*l).max(magnitude(s)));
        }
        let rest = chunks.remainder();
        lanes.iter_mut().zip(rest).for_each(|(l, s)| *l = (*l).max(magnitude(s)));
    } else {
        for frame in data.chunks_exact(channels) {
            lanes.iter_mut().zip(frame).for_each(|(l, s)| *l = (*l).max(magnitude(s)));
        }
    }
    for (c, peak) in peaks.iter_mut().enumerate().take(channels) {
        let bits = if c < 16 {
            lanes.iter().skip(c).step_by(channels).copied().max().unwrap_or(0)
        } else {
            data.iter().skip(c).step_by(channels).map(magnitude).max().unwrap_or(0)
        };
        *peak = 20.0 * f32::from_bits(bits).log10();
    }
}

#[cfg(test)]
mod tests {
    use super::peak_dbfs;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn peaks_are_the_largest_magnitudes(
            channels in 1usize..20,
            samples in proptest::collection::vec(-2.0f32..2.0, 0..400),
        ) {
            let data = &samples[..samples.len() / channels * channels];
            let mut peaks = vec![0.0; channels];
            peak_dbfs(data, channels, &mut peaks);
            for (c, &peak) in peaks.iter().enumerate() {
                let want = data.iter().skip(c).step_by(channels).fold(0f32, |m, s| m.max(s.abs()));
                prop_assert_eq!(peak, 20.0 * want.log10());
            }
        }
    }

    #[test]
    fn nan_is_silence_and_infinity_is_loud() {
        let mut peaks = [0.0; 2];
        peak_dbfs(&[f32::NAN, f32::NEG_INFINITY, 0.5, 0.0], 2, &mut peaks);
        assert_eq!(peaks, [20.0 * 0.5f32.log10(), f32::INFINITY]);
        peak_dbfs(&[f32::NAN, 0.0], 2, &mut peaks);
        assert_eq!(peaks, [f32::NEG_INFINITY, f32::NEG_INFINITY]);
    }
}
