//! The MediaRecorder state machine.

use heapless::{Deque, String, Vec};
use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, CodecId, ContainerId, DomErrorName, Duration,
    EncoderSettings, Error as _, ErrorKind, Formats, Instant, MediaKind, MuxTrack, Muxer, Packet,
    PacketInfo, TrackId, VideoEncoder, VideoFrame, VideoParams,
};

use crate::error::{InputError, RecorderError};
use crate::event::RecorderEvent;
use crate::keyframe::KeyframePolicy;
use crate::mime::{self, Plan};
use crate::options::{Bitrates, RecorderOptions, initial_bitrates, start_bitrates};
use crate::output::{BlobClock, Output, OutputQueue};

/// Tracks the recorder can know of in its stream.
pub const MAX_TRACKS: usize = 8;
/// Tracks recorded at once.
pub const MAX_RECORDED: usize = 4;
/// Longest `mimeType` kept verbatim.
pub const MAX_MIME_LEN: usize = 256;

type MimeBuf = String<MAX_MIME_LEN>;

/// `RecordingState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingState {
    /// `"inactive"`.
    Inactive,
    /// `"recording"`.
    Recording,
    /// `"paused"`.
    Paused,
}

impl RecordingState {
    /// The web name.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordingState::Inactive => "inactive",
            RecordingState::Recording => "recording",
            RecordingState::Paused => "paused",
        }
    }
}

/// The raw format a track delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackFormat {
    /// Audio samples.
    Audio(AudioParams),
    /// Pictures.
    Video(VideoParams),
}

/// A track of the recorded stream, as the recorder sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackDesc {
    /// Identity within the stream.
    pub id: TrackId,
    /// What it delivers.
    pub format: TrackFormat,
    /// `readyState == "live"`.
    pub live: bool,
}

impl TrackDesc {
    /// The track's kind.
    pub const fn kind(&self) -> MediaKind {
        match self.format {
            TrackFormat::Audio(_) => MediaKind::Audio,
            TrackFormat::Video(_) => MediaKind::Video,
        }
    }
}

/// A change of the stream the driver reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackChange {
    /// A track joined the stream's track set.
    Added(TrackDesc),
    /// A track left the stream's track set.
    Removed(TrackId),
    /// A track ended (`readyState` became `"ended"`).
    Ended(TrackId),
}

enum Encoder<F: Formats> {
    Audio(F::Audio),
    Video(F::Video, KeyframePolicy),
}

struct Recorded<F: Formats> {
    id: TrackId,
    mux: MuxTrack,
    enc: Encoder<F>,
    ended: bool,
    /// Subtracted from raw frame timestamps: the session origin plus removed pauses.
    offset: Duration,
    /// Raw timestamp of the latest frame, and how long after it the next is expected:
    /// the frame's length for audio, the latest frame interval for video.
    last_raw: Option<(Duration, Duration)>,
    /// The next frame is the first after a resume.
    resumed: bool,
    /// `finish()` was called on the encoder.
    flushed: bool,
    /// No packets remain in the encoder.
    drained: bool,
}

struct Session<F: Formats> {
    muxer: F::Muxer,
    tracks: Vec<Recorded<F>, MAX_RECORDED>,
    plan: Plan,
    origin: Option<Duration>,
    timeslice: Option<Duration>,
    slice_elapsed: Duration,
    slice_since: Option<Instant>,
    /// The container header goes out with the first packet, so that a blob taken before
    /// any media is empty (as browsers do).
    header_written: bool,
}

/// Deferred effects of commands, run in order as output room allows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Work {
    /// Queue an event.
    Event(RecorderEvent),
    /// End the current blob (`requestData`, timeslice).
    Cut,
    /// Flush encoders, finish the muxer, fire the last `dataavailable` and `stop`.
    Finish,
}

const WORK: usize = 32;

/// The W3C MediaRecorder as a pure state machine. See the [crate docs](crate) for the
/// run-loop contract.
pub struct Recorder<'s, F: Formats> {
    formats: F,
    options: RecorderOptions<'static>,
    constrained: MimeBuf,
    mime: MimeBuf,
    session_mime: MimeBuf,
    state: RecordingState,
    bitrates: Bitrates,
    tracks: Vec<TrackDesc, MAX_TRACKS>,
    session: Option<Session<F>>,
    work: Deque<Work, WORK>,
    out: OutputQueue<'s>,
    packet: &'s mut [u8],
    blobs: BlobClock,
    failed: bool,
}

impl<'s, F: Formats> Recorder<'s, F> {
    /// The constructor (spec A.3).
    ///
    /// `tracks` is the stream's track set, `ring` holds muxed output until the driver
    /// drains it, and `packet` holds one encoded packet at a time (at least the largest
    /// packet an encoder may produce). Throws `NotSupportedError` for a type this build
    /// cannot record and when both key-frame options are given (as browsers and WPT do).
    pub fn new(
        formats: F,
        tracks: &[TrackDesc],
        options: &RecorderOptions<'_>,
        ring: &'s mut [u8],
        packet: &'s mut [u8],
    ) -> Result<Self, RecorderError> {
        if !mime::constructor_accepts(&formats, options.mime_type) {
            return Err(RecorderError::not_supported("the MIME type cannot be recorded"));
        }
        if options.video_key_frame_interval_duration.is_some()
            && options.video_key_frame_interval_count.is_some()
        {
            return Err(RecorderError::not_supported(
                "videoKeyFrameIntervalDuration and videoKeyFrameIntervalCount are exclusive",
            ));
        }
        let constrained = MimeBuf::try_from(options.mime_type)
            .map_err(|_| RecorderError::not_supported("the MIME type is too long"))?;
        let mut set = Vec::new();
        for t in tracks {
            set.push(*t).map_err(|_| RecorderError::not_supported("too many tracks"))?;
        }
        let stored = RecorderOptions { mime_type: "", ..*options };
        Ok(Recorder {
            formats,
            bitrates: initial_bitrates(options),
            options: stored,
            mime: constrained.clone(),
            constrained,
            session_mime: MimeBuf::new(),
            state: RecordingState::Inactive,
            tracks: set,
            session: None,
            work: Deque::new(),
            out: OutputQueue::new(ring, options.seekable),
            packet,
            blobs: BlobClock::default(),
            failed: false,
        })
    }

    /// `state`.
    pub fn state(&self) -> RecordingState {
        self.state
    }

    /// `mimeType`: the constrained type until the `start` event has been taken from
    /// [`Recorder::poll_output`], the full type with codecs while recording, and the
    /// constrained type again once inactive.
    pub fn mime_type(&self) -> &str {
        &self.mime
    }

    /// `audioBitsPerSecond`.
    pub fn audio_bits_per_second(&self) -> u32 {
        self.bitrates.audio
    }

    /// `videoBitsPerSecond`.
    pub fn video_bits_per_second(&self) -> u32 {
        self.bitrates.video
    }

    /// `audioBitrateMode`.
    pub fn audio_bitrate_mode(&self) -> mediarec_core::BitrateMode {
        self.options.audio_bitrate_mode
    }

    /// The stream's track set as the recorder knows it (`stream.getTracks()`).
    pub fn tracks(&self) -> &[TrackDesc] {
        &self.tracks
    }

    /// True when the recording is over and every output has been taken.
    pub fn is_idle(&self) -> bool {
        self.session.is_none() && self.work.is_empty() && self.out.is_empty()
    }

    /// `start(timeslice)` (spec A.5). `timeslice` is in milliseconds; `None` means one blob
    /// for the whole recording unless [`Recorder::request_data`] is called.
    pub fn start(&mut self, now: Instant, timeslice: Option<u32>) -> Result<(), RecorderError> {
        if self.state != RecordingState::Inactive {
            return Err(RecorderError::invalid_state("start() while not inactive"));
        }
        self.run_work();
        if self.session.is_some() {
            return Err(RecorderError::invalid_state(
                "the previous recording is still being written: drain poll_output first",
            ));
        }
        let live = || self.tracks.iter().filter(|t| t.live);
        if live().next().is_none() {
            return Err(RecorderError::not_supported("the stream is inactive"));
        }
        let has_audio = live().any(|t| t.kind() == MediaKind::Audio);
        let has_video = live().any(|t| t.kind() == MediaKind::Video);
        let plan = match mime::resolve(&self.formats, &self.constrained, has_audio, has_video) {
            Ok(plan) => plan,
            Err(mime::Unresolved::Unsupported(reason)) => {
                return Err(RecorderError::not_supported(reason));
            }
            Err(mime::Unresolved::Deferred) => {
                // Start step 15.2: the codec could not be checked synchronously and turns
                // out unsupported. No `start`, no data: an error, then `stop`.
                self.state = RecordingState::Recording;
                self.inactivate();
                self.queue(Work::Event(RecorderEvent::Error(DomErrorName::NotSupported)));
                self.queue(Work::Event(RecorderEvent::Stop));
                self.run_work();
                return Ok(());
            }
        };
        let bitrates = start_bitrates(&self.options, self.bitrates, has_audio, has_video);
        let session = self.open_session(&plan, bitrates, timeslice, now)?;
        self.bitrates = bitrates;
        self.session_mime.clear();
        mime::full_type(&mut self.session_mime, &self.constrained, &plan);
        self.session = Some(session);
        self.state = RecordingState::Recording;
        self.failed = false;
        self.out.reset_position();
        self.blobs.blob_start = Duration::ZERO;
        self.queue(Work::Event(RecorderEvent::Start));
        self.run_work();
        Ok(())
    }

    fn open_session(
        &mut self,
        plan: &Plan,
        bitrates: Bitrates,
        timeslice: Option<u32>,
        now: Instant,
    ) -> Result<Session<F>, RecorderError> {
        let unsupported = |k: ErrorKind| match k {
            ErrorKind::Unsupported => RecorderError::not_supported("a track cannot be recorded"),
            _ => RecorderError::not_supported("an encoder could not be created"),
        };
        let mut muxer = self.formats.muxer(plan.container).map_err(unsupported)?;
        if self.options.self_contained_blobs && !muxer.self_contained_blobs() {
            return Err(RecorderError::not_supported(
                "this container cannot make self-contained blobs",
            ));
        }
        let n_audio = self.tracks.iter().filter(|t| t.live && t.kind() == MediaKind::Audio).count();
        let n_video = self.tracks.iter().filter(|t| t.live && t.kind() == MediaKind::Video).count();
        let mut tracks: Vec<Recorded<F>, MAX_RECORDED> = Vec::new();
        let mut max_packet = 0usize;
        for t in self.tracks.iter().filter(|t| t.live) {
            let enc = match t.format {
                TrackFormat::Audio(params) => {
                    let codec = plan.audio.ok_or(RecorderError::not_supported(
                        "the MIME type has no audio codec for an audio track",
                    ))?;
                    let settings = EncoderSettings {
                        bits_per_second: share(bitrates.audio, n_audio),
                        bitrate_mode: self.options.audio_bitrate_mode,
                    };
                    let e =
                        self.formats.audio_encoder(codec, params, settings).map_err(unsupported)?;
                    max_packet = max_packet.max(e.max_packet_len());
                    Encoder::Audio(e)
                }
                TrackFormat::Video(params) => {
                    let codec = plan.video.ok_or(RecorderError::not_supported(
                        "a video track cannot be recorded with an audio-only type",
                    ))?;
                    let settings = EncoderSettings {
                        bits_per_second: share(bitrates.video, n_video),
                        bitrate_mode: mediarec_core::BitrateMode::Variable,
                    };
                    let e =
                        self.formats.video_encoder(codec, params, settings).map_err(unsupported)?;
                    max_packet = max_packet.max(e.max_packet_len());
                    let policy = KeyframePolicy::new(
                        self.options.video_key_frame_interval_duration,
                        self.options.video_key_frame_interval_count,
                    );
                    Encoder::Video(e, policy)
                }
            };
            let config = match &enc {
                Encoder::Audio(e) => *AudioEncoder::config(e),
                Encoder::Video(e, _) => *VideoEncoder::config(e),
            };
            let mux = muxer.add_track(&config).map_err(|e| unsupported(e.kind()))?;
            let rec = Recorded {
                id: t.id,
                mux,
                enc,
                ended: false,
                offset: Duration::ZERO,
                last_raw: None,
                resumed: false,
                flushed: false,
                drained: false,
            };
            tracks
                .push(rec)
                .map_err(|_| RecorderError::not_supported("too many tracks to record at once"))?;
        }
        if self.packet.len() < max_packet {
            return Err(RecorderError::not_supported("the packet buffer is smaller than a packet"));
        }
        let needed = max_packet + muxer.max_packet_overhead() + muxer.max_finish_len();
        if self.out.capacity() < needed {
            return Err(RecorderError::not_supported("the output ring is too small"));
        }
        let timeslice = timeslice.map(|ms| Duration::from_millis(ms as u64));
        Ok(Session {
            muxer,
            tracks,
            plan: *plan,
            origin: None,
            timeslice,
            slice_elapsed: Duration::ZERO,
            slice_since: Some(now),
            header_written: false,
        })
    }

    /// `stop()` (spec A.7): never throws; does nothing when inactive.
    pub fn stop(&mut self, now: Instant) {
        if self.state == RecordingState::Inactive {
            return;
        }
        let _ = now;
        self.inactivate();
        self.queue(Work::Finish);
        self.run_work();
    }

    /// `pause()` (spec A.8).
    pub fn pause(&mut self, now: Instant) -> Result<(), RecorderError> {
        match self.state {
            RecordingState::Inactive => Err(RecorderError::invalid_state("pause() while inactive")),
            RecordingState::Paused => Ok(()),
            RecordingState::Recording => {
                self.state = RecordingState::Paused;
                if let Some(s) = self.session.as_mut()
                    && let Some(since) = s.slice_since.take()
                {
                    s.slice_elapsed += now - since;
                }
                self.queue(Work::Event(RecorderEvent::Pause));
                self.run_work();
                Ok(())
            }
        }
    }

    /// `resume()` (spec A.9). The paused span is removed from the media timeline.
    pub fn resume(&mut self, now: Instant) -> Result<(), RecorderError> {
        match self.state {
            RecordingState::Inactive => {
                Err(RecorderError::invalid_state("resume() while inactive"))
            }
            RecordingState::Recording => Ok(()),
            RecordingState::Paused => {
                self.state = RecordingState::Recording;
                if let Some(s) = self.session.as_mut() {
                    s.slice_since = Some(now);
                    for t in s.tracks.iter_mut() {
                        t.resumed = true;
                    }
                }
                self.queue(Work::Event(RecorderEvent::Resume));
                self.run_work();
                Ok(())
            }
        }
    }

    /// `requestData()` (spec A.10): ends the current blob now, even an empty one.
    pub fn request_data(&mut self, now: Instant) -> Result<(), RecorderError> {
        if self.state == RecordingState::Inactive {
            return Err(RecorderError::invalid_state("requestData() while inactive"));
        }
        self.restart_slice(now);
        self.queue(Work::Cut);
        self.run_work();
        Ok(())
    }

    /// Time passed: fires timeslice blobs that are due.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.state == RecordingState::Recording
            && self.slice_deadline().is_some_and(|d| d <= now)
        {
            self.restart_slice(now);
            self.queue(Work::Cut);
        }
        self.run_work();
    }

    /// The stream changed. Adding or removing a track while recording is fatal
    /// (`InvalidModificationError`); the end of every recorded track stops the recording
    /// normally.
    pub fn handle_track(&mut self, now: Instant, change: TrackChange) {
        let _ = now;
        match change {
            TrackChange::Added(desc) => {
                if self.tracks.iter().any(|t| t.id == desc.id) {
                    return;
                }
                // A full set cannot grow; the change still counts as a modification.
                let _ = self.tracks.push(desc);
                self.fail(DomErrorName::InvalidModification);
            }
            TrackChange::Removed(id) => {
                let Some(i) = self.tracks.iter().position(|t| t.id == id) else { return };
                self.tracks.remove(i);
                self.fail(DomErrorName::InvalidModification);
            }
            TrackChange::Ended(id) => {
                if let Some(t) = self.tracks.iter_mut().find(|t| t.id == id) {
                    t.live = false;
                }
                let all_ended = match self.session.as_mut() {
                    Some(s) if self.state != RecordingState::Inactive => {
                        if let Some(t) = s.tracks.iter_mut().find(|t| t.id == id) {
                            t.ended = true;
                        }
                        s.tracks.iter().all(|t| t.ended)
                    }
                    _ => false,
                };
                if all_ended {
                    self.inactivate();
                    self.queue(Work::Finish);
                    self.run_work();
                }
            }
        }
    }

    /// Gathering cannot continue (a sink or device failed): `UnknownError`, then the data so
    /// far and `stop`.
    pub fn handle_failure(&mut self, now: Instant, kind: ErrorKind) {
        let _ = (now, kind);
        self.fail(DomErrorName::Unknown);
    }

    /// Offers audio for `track`; returns how many sample frames were taken. Frames that
    /// arrive while paused or inactive are taken and dropped. When the output queue is
    /// full, returns what was taken so far, or [`InputError::Full`] when nothing was.
    pub fn handle_audio(
        &mut self,
        now: Instant,
        track: TrackId,
        frame: &AudioFrame<'_>,
    ) -> Result<usize, InputError> {
        let _ = now;
        let total = frame.frames();
        if self.state != RecordingState::Recording || !self.work.is_empty() {
            return self.not_gathering(total);
        }
        let Some(idx) = self.track_index(track, MediaKind::Audio)? else { return Ok(total) };
        if !self.drain_encoder(idx) {
            return Err(InputError::Full);
        }
        let mut taken = 0usize;
        let channels = frame.channels.max(1) as usize;
        while taken < total {
            let rest = sub_frame(frame, taken, channels);
            let ts = self.timeline_ts(idx, rest.timestamp, rest.duration());
            let rest = AudioFrame { timestamp: ts, ..rest };
            let Some(s) = self.session.as_mut() else { break };
            let Encoder::Audio(enc) = &mut s.tracks[idx].enc else {
                return Err(InputError::Mismatch);
            };
            match enc.push(&rest) {
                Ok(n) => taken += n,
                Err(e) => {
                    if e.kind() == ErrorKind::InvalidInput && taken == 0 {
                        return Err(InputError::Mismatch);
                    }
                    self.fail(DomErrorName::Unknown);
                    return Ok(total);
                }
            }
            if !self.drain_encoder(idx) {
                break;
            }
        }
        if taken == 0 && total > 0 { Err(InputError::Full) } else { Ok(taken) }
    }

    /// Offers one picture for `track`. Dropped while paused or inactive.
    pub fn handle_video(
        &mut self,
        now: Instant,
        track: TrackId,
        frame: &VideoFrame<'_>,
    ) -> Result<(), InputError> {
        let _ = now;
        if self.state != RecordingState::Recording || !self.work.is_empty() {
            return self.not_gathering(1).map(|_| ());
        }
        let Some(idx) = self.track_index(track, MediaKind::Video)? else { return Ok(()) };
        if !self.drain_encoder(idx) {
            return Err(InputError::Full);
        }
        let ts = self.timeline_ts(idx, frame.timestamp, Duration::ZERO);
        let Some(s) = self.session.as_mut() else { return Ok(()) };
        let Encoder::Video(enc, policy) = &mut s.tracks[idx].enc else {
            return Err(InputError::Mismatch);
        };
        let key = policy.on_frame(ts);
        if let Err(e) = enc.push(&VideoFrame { timestamp: ts, ..*frame }, key) {
            if e.kind() == ErrorKind::InvalidInput {
                return Err(InputError::Mismatch);
            }
            self.fail(DomErrorName::Unknown);
            return Ok(());
        }
        self.drain_encoder(idx);
        Ok(())
    }

    /// The next output. Call after every command and input until it returns
    /// [`Output::Wait`]; then wait for that instant, a frame or a command.
    pub fn poll_output(&mut self, buf: &mut [u8]) -> Output {
        loop {
            if let Some(o) = self.out.pop(buf) {
                if o == Output::Event(RecorderEvent::Start)
                    && self.state != RecordingState::Inactive
                {
                    self.mime.clone_from(&self.session_mime);
                }
                return o;
            }
            if self.work.is_empty() || !self.run_work() {
                return Output::Wait(self.deadline());
            }
        }
    }

    /// When [`Recorder::handle_timeout`] must be called next, if at all.
    pub fn deadline(&self) -> Option<Instant> {
        if self.state == RecordingState::Recording { self.slice_deadline() } else { None }
    }

    fn slice_deadline(&self) -> Option<Instant> {
        let s = self.session.as_ref()?;
        let slice = s.timeslice?;
        let since = s.slice_since?;
        Some(since + slice.saturating_sub(s.slice_elapsed))
    }

    fn restart_slice(&mut self, now: Instant) {
        if let Some(s) = self.session.as_mut() {
            s.slice_elapsed = Duration::ZERO;
            s.slice_since = (self.state == RecordingState::Recording).then_some(now);
        }
    }

    fn not_gathering(&self, total: usize) -> Result<usize, InputError> {
        if self.state == RecordingState::Recording && !self.work.is_empty() {
            Err(InputError::Full)
        } else {
            Ok(total)
        }
    }

    /// Index of a recorded track, `None` for a track that is known but not recorded (or has
    /// ended), an error for a track of the wrong kind.
    fn track_index(&self, id: TrackId, kind: MediaKind) -> Result<Option<usize>, InputError> {
        let Some(s) = self.session.as_ref() else { return Ok(None) };
        match s.tracks.iter().position(|t| t.id == id) {
            Some(i) => {
                let t = &s.tracks[i];
                let ok = matches!(
                    (&t.enc, kind),
                    (Encoder::Audio(_), MediaKind::Audio) | (Encoder::Video(..), MediaKind::Video)
                );
                if !ok {
                    Err(InputError::Mismatch)
                } else if t.ended {
                    Ok(None)
                } else {
                    Ok(Some(i))
                }
            }
            None if self.tracks.iter().any(|t| t.id == id) => Ok(None),
            None => Err(InputError::UnknownTrack),
        }
    }

    /// Maps a raw capture timestamp onto the recording's timeline: time 0 is the first
    /// frame of any track, and the gap of every pause is removed.
    fn timeline_ts(&mut self, idx: usize, raw: Duration, len: Duration) -> Duration {
        let Some(s) = self.session.as_mut() else { return Duration::ZERO };
        let origin = *s.origin.get_or_insert(raw);
        let t = &mut s.tracks[idx];
        let step = match t.last_raw {
            None => {
                t.offset = origin;
                len
            }
            Some((last, expected_step)) if t.resumed => {
                // The gap beyond one frame interval is the paused span: remove it.
                t.offset += raw.saturating_sub(last + expected_step);
                if len == Duration::ZERO { expected_step } else { len }
            }
            Some((last, _)) if len == Duration::ZERO => raw.saturating_sub(last),
            Some(_) => len,
        };
        t.resumed = false;
        t.last_raw = Some((raw, step));
        raw.saturating_sub(t.offset)
    }

    /// Muxes every packet the encoder has ready while there is room. Returns true when the
    /// encoder is empty.
    fn drain_encoder(&mut self, idx: usize) -> bool {
        loop {
            let Some(s) = self.session.as_mut() else { return true };
            let Some(t) = s.tracks.get_mut(idx) else { return true };
            let max = match &t.enc {
                Encoder::Audio(e) => e.max_packet_len(),
                Encoder::Video(e, _) => e.max_packet_len(),
            };
            let header = if s.header_written { 0 } else { s.muxer.max_finish_len() };
            if !self.out.has_room(max + s.muxer.max_packet_overhead() + header) {
                return false;
            }
            let pulled = match &mut t.enc {
                Encoder::Audio(e) => e.pull(self.packet).map_err(|e| e.kind()),
                Encoder::Video(e, _) => e.pull(self.packet).map_err(|e| e.kind()),
            };
            let info = match pulled {
                Ok(Some(info)) => info,
                Ok(None) => return true,
                Err(_) => {
                    self.fail(DomErrorName::Unknown);
                    return true;
                }
            };
            if let Encoder::Video(_, policy) = &mut t.enc {
                policy.on_packet(info.keyframe, info.pts);
            }
            if !self.write_packet(idx, info) {
                return true;
            }
        }
    }

    fn write_packet(&mut self, idx: usize, info: PacketInfo) -> bool {
        let Some(s) = self.session.as_mut() else { return false };
        let len = info.len.min(self.packet.len());
        let packet = Packet { data: &self.packet[..len], info };
        if info.len == 0 {
            return true; // zero-length frames are dropped, as browsers do
        }
        let mux = s.tracks[idx].mux;
        if !s.header_written {
            s.header_written = true;
            if s.muxer.write_header(&mut self.out).is_err() {
                self.fail(DomErrorName::Unknown);
                return false;
            }
        }
        if s.muxer.write_packet(mux, &packet, &mut self.out).is_err() {
            self.fail(DomErrorName::Unknown);
            return false;
        }
        true
    }

    /// Spec "inactivate the recorder" (A.6).
    fn inactivate(&mut self) {
        self.mime.clone_from(&self.constrained);
        self.state = RecordingState::Inactive;
        if self.options.bits_per_second.is_some() {
            self.bitrates = initial_bitrates(&self.options);
        }
    }

    /// A fatal failure while recording: error event, the data so far, stop.
    fn fail(&mut self, name: DomErrorName) {
        if self.state == RecordingState::Inactive || self.failed {
            return;
        }
        self.failed = true;
        self.inactivate();
        self.queue(Work::Event(RecorderEvent::Error(name)));
        self.queue(Work::Finish);
        self.run_work();
    }

    fn queue(&mut self, w: Work) {
        if self.work.push_back(w).is_err() {
            // Only a driver that never drains can fill the work queue; make room by running
            // what can run, then keep the newest work.
            self.run_work();
            let _ = self.work.push_back(w);
        }
    }

    /// Runs deferred work in order while output room allows. Returns true when something
    /// ran.
    fn run_work(&mut self) -> bool {
        let mut progressed = false;
        while let Some(&w) = self.work.front() {
            let done = match w {
                Work::Event(e) => self.out.push_event(e),
                Work::Cut => self.cut(),
                Work::Finish => self.finish_step(),
            };
            if !done {
                break;
            }
            self.work.pop_front();
            progressed = true;
        }
        progressed
    }

    fn cut(&mut self) -> bool {
        let timecode = self.blobs.base + self.blobs.blob_start;
        let mut cut_failed = false;
        if let Some(s) = self.session.as_mut() {
            if !self.out.has_room(s.muxer.max_finish_len()) {
                return false;
            }
            cut_failed = s.header_written && s.muxer.cut(&mut self.out).is_err();
            self.blobs.blob_start = s.muxer.duration();
            if self.options.self_contained_blobs {
                for t in s.tracks.iter_mut() {
                    if let Encoder::Video(_, policy) = &mut t.enc {
                        policy.force_next();
                    }
                }
            }
        }
        if cut_failed {
            self.failed_later();
        }
        self.out.push_event(RecorderEvent::DataAvailable { timecode })
    }

    fn failed_later(&mut self) {
        if !self.failed {
            self.failed = true;
            self.inactivate();
            let _ = self.work.push_back(Work::Event(RecorderEvent::Error(DomErrorName::Unknown)));
            let _ = self.work.push_back(Work::Finish);
        }
    }

    /// One step of finishing: flush each encoder, finish the muxer, then the last
    /// `dataavailable` and `stop`. Returns true when done.
    fn finish_step(&mut self) -> bool {
        let Some(count) = self.session.as_ref().map(|s| s.tracks.len()) else {
            // Nothing was recording (a failure before the header): still end properly.
            let timecode = self.blobs.base + self.blobs.blob_start;
            let _ = self.out.push_event(RecorderEvent::DataAvailable { timecode });
            return self.out.push_event(RecorderEvent::Stop);
        };
        for idx in 0..count {
            let Some(s) = self.session.as_mut() else { return true };
            let t = &mut s.tracks[idx];
            if t.drained {
                continue;
            }
            if !t.flushed {
                t.flushed = true;
                let r = match &mut t.enc {
                    Encoder::Audio(e) => e.finish().map_err(|e| e.kind()),
                    Encoder::Video(e, _) => e.finish().map_err(|e| e.kind()),
                };
                if r.is_err() {
                    t.drained = true;
                    continue;
                }
            }
            if !self.drain_encoder(idx) {
                return false;
            }
            if let Some(s) = self.session.as_mut() {
                s.tracks[idx].drained = true;
            }
        }
        let Some(s) = self.session.as_mut() else { return true };
        if !self.out.has_room(s.muxer.max_finish_len()) {
            return false;
        }
        if s.header_written {
            let _ = s.muxer.finish(&mut self.out);
        }
        let timecode = self.blobs.base + self.blobs.blob_start;
        self.blobs.base += s.muxer.duration();
        self.blobs.blob_start = Duration::ZERO;
        self.session = None;
        let _ = self.out.push_event(RecorderEvent::DataAvailable { timecode });
        self.out.push_event(RecorderEvent::Stop)
    }

    /// The container and codecs the current (or last) recording uses.
    pub fn recording_plan(&self) -> Option<(ContainerId, Option<CodecId>, Option<CodecId>)> {
        self.session.as_ref().map(|s| (s.plan.container, s.plan.audio, s.plan.video))
    }
}

fn share(total: u32, n: usize) -> u32 {
    if n == 0 { total } else { total / n as u32 }
}

fn sub_frame<'a>(f: &AudioFrame<'a>, from_frames: usize, channels: usize) -> AudioFrame<'a> {
    let from = (from_frames * channels).min(f.samples.len());
    let samples = match f.samples {
        mediarec_core::Samples::F32(s) => mediarec_core::Samples::F32(s.get(from..).unwrap_or(&[])),
        mediarec_core::Samples::I16(s) => mediarec_core::Samples::I16(s.get(from..).unwrap_or(&[])),
    };
    AudioFrame {
        samples,
        timestamp: f.timestamp + Duration::from_samples(from_frames as u64, f.sample_rate),
        ..*f
    }
}
