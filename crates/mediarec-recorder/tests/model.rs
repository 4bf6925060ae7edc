//! Model-based property test: the recorder and a reference model of the spec's state table
//! (spec digest A.5–A.10, A.14, A.15) run side by side over arbitrary interleavings of
//! commands, frames, track changes, failures and time. Output goes through the real WebM
//! muxer, so blob boundaries and the concatenated file are checked on real bytes.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{StampEncoder, leak};
use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
use mediarec_core::*;
use mediarec_ebml::{BlockHeader, Reader, ids, read_uint};
use mediarec_recorder::*;
use mediarec_webm::WebmMuxer;
use proptest::prelude::*;

const MIC: TrackId = TrackId(1);
const CAM: TrackId = TrackId(2);

/// Real WebM, PCM audio, stamp "video".
struct WebmFormats;

impl Formats for WebmFormats {
    type Audio = PcmEncoder;
    type Video = StampEncoder;
    type Muxer = WebmMuxer;
    fn supports(&self, c: ContainerId, k: CodecId) -> bool {
        c == ContainerId::WebM && matches!(k, CodecId::PcmF32 | CodecId::Vp8)
    }
    fn supports_container(&self, c: ContainerId) -> bool {
        c == ContainerId::WebM
    }
    fn default_codec(&self, _: ContainerId, k: MediaKind) -> Option<CodecId> {
        Some(if k == MediaKind::Audio { CodecId::PcmF32 } else { CodecId::Vp8 })
    }
    fn audio_encoder(
        &mut self,
        _: CodecId,
        p: AudioParams,
        _: EncoderSettings,
    ) -> Result<PcmEncoder, ErrorKind> {
        PcmEncoder::try_new(p, PcmFormat::S16)
    }
    fn video_encoder(
        &mut self,
        c: CodecId,
        p: VideoParams,
        s: EncoderSettings,
    ) -> Result<StampEncoder, ErrorKind> {
        common::TestFormats::default().video_encoder(c, p, s)
    }
    fn muxer(&mut self, c: ContainerId) -> Result<WebmMuxer, ErrorKind> {
        WebmMuxer::for_container(c).map_err(|_| ErrorKind::Unsupported)
    }
}

#[derive(Debug, Clone)]
enum Op {
    Start(Option<u32>),
    Stop,
    Pause,
    Resume,
    RequestData,
    /// Milliseconds of audio and video (30 fps) captured now.
    Media(u16),
    /// Time passes with nothing captured.
    Wait(u16),
    AddTrack,
    RemoveCam,
    EndMic,
    EndCam,
    Failure,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop_oneof![Just(None), (0u32..400).prop_map(Some)].prop_map(Op::Start),
        2 => Just(Op::Stop),
        2 => Just(Op::Pause),
        2 => Just(Op::Resume),
        2 => Just(Op::RequestData),
        8 => (1u16..400).prop_map(Op::Media),
        2 => (1u16..600).prop_map(Op::Wait),
        1 => Just(Op::AddTrack),
        1 => Just(Op::RemoveCam),
        1 => Just(Op::EndMic),
        1 => Just(Op::EndCam),
        1 => Just(Op::Failure),
    ]
}

/// The spec's state table, and the events each step must queue (timeslice blobs aside).
#[derive(Debug)]
struct Model {
    state: RecordingState,
    /// (id, live) of the stream's track set.
    tracks: Vec<(TrackId, bool)>,
    /// Tracks recorded by the current recording.
    recorded: Vec<TrackId>,
    events: Vec<&'static str>,
    next_id: u32,
}

impl Model {
    fn inactivate(&mut self, events: &[&'static str]) {
        self.state = RecordingState::Inactive;
        self.events.extend_from_slice(events);
    }
    fn apply(&mut self, op: &Op) -> Option<DomErrorName> {
        use RecordingState::*;
        match op {
            Op::Start(_) => {
                if self.state != Inactive {
                    return Some(DomErrorName::InvalidState);
                }
                let live: Vec<TrackId> = self.tracks.iter().filter(|t| t.1).map(|t| t.0).collect();
                // Step 7 (inactive stream), and step 14 with this UA's limit on how many
                // tracks one recording takes.
                if live.is_empty() || live.len() > MAX_RECORDED {
                    return Some(DomErrorName::NotSupported);
                }
                self.recorded = live;
                self.state = Recording;
                self.events.push("start");
            }
            Op::Stop if self.state != Inactive => self.inactivate(&["dataavailable", "stop"]),
            Op::Pause | Op::Resume | Op::RequestData if self.state == Inactive => {
                return Some(DomErrorName::InvalidState);
            }
            Op::Pause if self.state == Recording => {
                self.state = Paused;
                self.events.push("pause");
            }
            Op::Resume if self.state == Paused => {
                self.state = Recording;
                self.events.push("resume");
            }
            Op::RequestData => self.events.push("dataavailable"),
            Op::AddTrack => {
                self.tracks.push((TrackId(self.next_id), true));
                self.next_id += 1;
                if self.state != Inactive {
                    self.inactivate(&["error", "dataavailable", "stop"]);
                }
            }
            Op::RemoveCam => {
                if let Some(i) = self.tracks.iter().position(|t| t.0 == CAM) {
                    self.tracks.remove(i);
                    if self.state != Inactive {
                        self.inactivate(&["error", "dataavailable", "stop"]);
                    }
                }
            }
            Op::EndMic | Op::EndCam => {
                let id = if matches!(op, Op::EndMic) { MIC } else { CAM };
                let t = self.tracks.iter_mut().find(|t| t.0 == id)?;
                t.1 = false;
                let all_ended = self
                    .recorded
                    .iter()
                    .all(|r| self.tracks.iter().find(|t| t.0 == *r).is_none_or(|t| !t.1));
                if self.state != Inactive && self.recorded.contains(&id) && all_ended {
                    self.inactivate(&["dataavailable", "stop"]);
                }
            }
            Op::Failure if self.state != Inactive => {
                self.inactivate(&["error", "dataavailable", "stop"])
            }
            _ => {}
        }
        None
    }
}

struct Run {
    rec: Recorder<'static, WebmFormats>,
    now: Instant,
    audio_ts: Duration,
    video_frames: u64,
    events: Vec<RecorderEvent>,
    blobs: Vec<Vec<u8>>,
    current: Vec<u8>,
    /// Blob count at each `stop`: the recordings' boundaries.
    stops: Vec<usize>,
}

impl Run {
    fn drain(&mut self) {
        let mut buf = [0u8; 333];
        for _ in 0..1_000_000 {
            match self.rec.poll_output(&mut buf) {
                Output::Bytes(n) | Output::BlobOnly(n) => self.current.extend_from_slice(&buf[..n]),
                Output::FileOnly(_) => {}
                Output::Patch { .. } => {}
                Output::Event(e) => {
                    if matches!(e, RecorderEvent::DataAvailable { .. }) {
                        self.blobs.push(std::mem::take(&mut self.current));
                    }
                    if e == RecorderEvent::Stop {
                        self.stops.push(self.blobs.len());
                    }
                    self.events.push(e);
                }
                Output::Wait(_) => return,
            }
        }
        panic!("livelock: poll_output never returned Wait");
    }

    fn media(&mut self, ms: u16) {
        for _ in 0..(ms / 10).max(1) {
            self.now = self.now + Duration::from_millis(10);
            let pcm = [0.1f32; 480];
            let frame = AudioFrame {
                samples: Samples::F32(&pcm),
                channels: 1,
                sample_rate: 48_000,
                timestamp: self.audio_ts,
            };
            self.audio_ts += Duration::from_millis(10);
            let mut taken = 0;
            while taken < 480 {
                let rest = AudioFrame {
                    samples: Samples::F32(&pcm[taken..]),
                    timestamp: frame.timestamp + Duration::from_samples(taken as u64, 48_000),
                    ..frame
                };
                match self.rec.handle_audio(self.now, MIC, &rest) {
                    Ok(n) => taken += n,
                    Err(InputError::Full) => {}
                    Err(InputError::UnknownTrack) => break,
                    Err(e) => panic!("{e}"),
                }
                self.drain();
            }
            let video_due = self.audio_ts.as_micros() * 30 / 1_000_000;
            while self.video_frames < video_due {
                let f = VideoFrame {
                    format: PixelFormat::I420,
                    width: 64,
                    height: 48,
                    data: &[],
                    timestamp: Duration::from_micros(self.video_frames * 1_000_000 / 30),
                };
                self.video_frames += 1;
                loop {
                    match self.rec.handle_video(self.now, CAM, &f) {
                        Err(InputError::Full) => self.drain(),
                        Ok(()) | Err(InputError::UnknownTrack) => break,
                        Err(e) => panic!("{e}"),
                    }
                }
                self.drain();
            }
            self.rec.handle_timeout(self.now);
            self.drain();
        }
    }
}

/// Walks one recording's concatenated blobs with our reader: every element complete, block
/// times non-decreasing per track. Returns the number of blocks.
fn check_file(bytes: &[u8]) -> usize {
    let mut top = Reader::new(bytes, 0);
    let mut blocks = 0;
    let mut last = [i64::MIN; 8];
    while let Some(h) = top.next_header().unwrap() {
        let mut seg = top.enter(&h);
        if h.id == ids::SEGMENT {
            while let Some(c) = seg.next_header().unwrap() {
                if c.id != ids::CLUSTER {
                    seg.skip_data(&c).unwrap();
                    continue;
                }
                let mut inner = seg.enter(&c);
                {
                    let mut t0 = 0i64;
                    while let Some(e) = inner.next_header().unwrap() {
                        if e.id == ids::BLOCK_GROUP {
                            let mut g = inner.enter(&e);
                            while let Some(b) = g.next_header().unwrap() {
                                let d = g.read_data(&b).unwrap();
                                if b.id == ids::BLOCK {
                                    let bh = BlockHeader::parse(d).unwrap();
                                    let t = t0 + i64::from(bh.timestamp);
                                    let slot = &mut last[bh.track as usize % 8];
                                    assert!(
                                        t >= *slot,
                                        "track {} goes back: {t} < {slot}",
                                        bh.track
                                    );
                                    *slot = t;
                                    blocks += 1;
                                }
                            }
                            inner.leave(&g).unwrap();
                            continue;
                        }
                        let d = inner.read_data(&e).unwrap();
                        if e.id == ids::CLUSTER_TIMESTAMP {
                            t0 = read_uint(d).unwrap() as i64;
                        } else if e.id == ids::SIMPLE_BLOCK {
                            let bh = BlockHeader::parse(d).unwrap();
                            let t = t0 + i64::from(bh.timestamp);
                            let slot = &mut last[bh.track as usize % 8];
                            assert!(t >= *slot, "track {} goes back: {t} < {slot}", bh.track);
                            *slot = t;
                            blocks += 1;
                        }
                    }
                }
                seg.leave(&inner).unwrap();
            }
        } else {
            while let Some(e) = seg.next_header().unwrap() {
                seg.skip_data(&e).unwrap();
            }
        }
        top.leave(&seg).unwrap();
    }
    blocks
}

fn run(ops: &[Op], with_cam: bool) {
    let mut tracks = vec![TrackDesc {
        id: MIC,
        format: TrackFormat::Audio(AudioParams { sample_rate: 48_000, channels: 1 }),
        live: true,
    }];
    if with_cam {
        tracks.push(TrackDesc {
            id: CAM,
            format: TrackFormat::Video(VideoParams { width: 64, height: 48, frame_rate: 30 }),
            live: true,
        });
    }
    let opts = RecorderOptions { mime_type: "", seekable: true, ..Default::default() };
    let rec = Recorder::new(WebmFormats, &tracks, &opts, leak(128 * 1024), leak(8 * 1024)).unwrap();
    let mut model = Model {
        state: RecordingState::Inactive,
        tracks: tracks.iter().map(|t| (t.id, true)).collect(),
        recorded: vec![],
        events: vec![],
        next_id: 10,
    };
    let mut r = Run {
        rec,
        now: Instant::from_micros(5_000_000),
        audio_ts: Duration::ZERO,
        video_frames: 0,
        events: vec![],
        blobs: vec![],
        current: vec![],
        stops: vec![],
    };
    for op in ops {
        let now = r.now;
        let got = match op {
            Op::Start(t) => r.rec.start(now, *t).err().map(|e| e.dom_name()),
            Op::Stop => {
                r.rec.stop(now);
                None
            }
            Op::Pause => r.rec.pause(now).err().map(|e| e.dom_name()),
            Op::Resume => r.rec.resume(now).err().map(|e| e.dom_name()),
            Op::RequestData => r.rec.request_data(now).err().map(|e| e.dom_name()),
            Op::Media(ms) => {
                r.media(*ms);
                None
            }
            Op::Wait(ms) => {
                r.now = r.now + Duration::from_millis(u64::from(*ms));
                r.rec.handle_timeout(r.now);
                None
            }
            Op::AddTrack => {
                let id = TrackId(model.next_id);
                r.rec.handle_track(
                    now,
                    TrackChange::Added(TrackDesc {
                        id,
                        format: TrackFormat::Audio(AudioParams {
                            sample_rate: 48_000,
                            channels: 1,
                        }),
                        live: true,
                    }),
                );
                None
            }
            Op::RemoveCam => {
                r.rec.handle_track(now, TrackChange::Removed(CAM));
                None
            }
            Op::EndMic => {
                r.rec.handle_track(now, TrackChange::Ended(MIC));
                None
            }
            Op::EndCam => {
                r.rec.handle_track(now, TrackChange::Ended(CAM));
                None
            }
            Op::Failure => {
                r.rec.handle_failure(now, ErrorKind::Io);
                None
            }
        };
        let want = model.apply(op);
        assert_eq!(got, want, "{op:?} threw differently");
        assert_eq!(r.rec.state(), model.state, "state after {op:?}");
        r.drain();
    }
    r.rec.stop(r.now);
    model.apply(&Op::Stop);
    r.drain();
    assert!(r.rec.is_idle());

    // Event order: equal to the model's once timeslice blobs (extra dataavailables) are
    // set aside, and every dataavailable lies between a start and a stop.
    let names: Vec<&str> = r.events.iter().map(|e| e.name()).collect();
    fn strip<'a>(v: &[&'a str]) -> Vec<&'a str> {
        v.iter().copied().filter(|n| *n != "dataavailable").collect()
    }
    assert_eq!(strip(&names), strip(&model.events), "events {names:?}");
    assert!(
        names.iter().filter(|n| **n == "dataavailable").count()
            >= model.events.iter().filter(|n| **n == "dataavailable").count()
    );
    let mut open = false;
    for n in &names {
        match *n {
            "start" => open = true,
            "stop" => open = false,
            "dataavailable" | "pause" | "resume" | "error" => {
                assert!(open, "{n} outside a recording: {names:?}")
            }
            _ => {}
        }
    }
    // Timecodes start at 0 and never decrease.
    let tc: Vec<Duration> = r
        .events
        .iter()
        .filter_map(|e| match e {
            RecorderEvent::DataAvailable { timecode } => Some(*timecode),
            _ => None,
        })
        .collect();
    if let Some(first) = tc.first() {
        assert_eq!(*first, Duration::ZERO);
    }
    assert!(tc.windows(2).all(|w| w[0] <= w[1]), "{tc:?}");
    // Each recording's blobs: element boundaries, and together one valid file.
    let mut from = 0;
    for &to in &r.stops {
        let blobs = &r.blobs[from..to];
        from = to;
        for (i, b) in blobs.iter().enumerate().filter(|(_, b)| !b.is_empty()) {
            let first_data = blobs[..i].iter().all(|p| p.is_empty());
            let want: &[u8] =
                if first_data { &[0x1A, 0x45, 0xDF, 0xA3] } else { &[0x1F, 0x43, 0xB6, 0x75] };
            assert_eq!(&b[..4], want, "blob {i} does not start on an element boundary");
        }
        check_file(&blobs.concat());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn recorder_follows_the_spec_state_table(ops in proptest::collection::vec(op(), 1..40), with_cam in any::<bool>()) {
        run(&ops, with_cam);
    }
}

#[test]
fn a_long_recording_with_timeslices_parses_whole() {
    let ops: Vec<Op> =
        [Op::Start(Some(100))].into_iter().chain((0..30).map(|_| Op::Media(200))).collect();
    run(&ops, true);
}

/// Regression: a recording with many clusters has a long index, written in pieces past
/// the stream's end; the patched file must carry Cues, Duration and a known Segment size.
#[test]
fn a_long_seekable_recording_keeps_its_index() {
    let tracks = [TrackDesc {
        id: MIC,
        format: TrackFormat::Audio(AudioParams { sample_rate: 48_000, channels: 1 }),
        live: true,
    }];
    let opts = RecorderOptions { mime_type: "", seekable: true, ..Default::default() };
    let rec = Recorder::new(WebmFormats, &tracks, &opts, leak(128 * 1024), leak(8 * 1024)).unwrap();
    let mut r = Run {
        rec,
        now: Instant::from_micros(5_000_000),
        audio_ts: Duration::ZERO,
        video_frames: 0,
        events: vec![],
        blobs: vec![],
        current: vec![],
        stops: vec![],
    };
    let mut file: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    r.rec.start(r.now, Some(500)).unwrap();
    let pcm = [0.1f32; 480];
    for i in 0..12_000u64 {
        r.now = r.now + Duration::from_millis(10);
        let frame = AudioFrame {
            samples: Samples::F32(&pcm),
            channels: 1,
            sample_rate: 48_000,
            timestamp: Duration::from_millis(i * 10),
        };
        let mut taken = 0;
        while taken < 480 {
            if let Ok(n) = r.rec.handle_audio(
                r.now,
                MIC,
                &AudioFrame { samples: Samples::F32(&pcm[taken..]), ..frame },
            ) {
                taken += n;
            }
            r.rec.handle_timeout(r.now);
            loop {
                match r.rec.poll_output(&mut buf) {
                    Output::Bytes(n) | Output::FileOnly(n) => file.extend_from_slice(&buf[..n]),
                    Output::Patch { offset, n } => {
                        let at = offset as usize;
                        assert!(at <= file.len(), "a patch left a gap");
                        if file.len() < at + n {
                            file.resize(at + n, 0);
                        }
                        file[at..at + n].copy_from_slice(&buf[..n]);
                    }
                    Output::BlobOnly(_) | Output::Event(_) => {}
                    Output::Wait(_) => break,
                }
            }
        }
    }
    r.rec.stop(r.now);
    loop {
        match r.rec.poll_output(&mut buf) {
            Output::Bytes(n) | Output::FileOnly(n) => file.extend_from_slice(&buf[..n]),
            Output::Patch { offset, n } => {
                let at = offset as usize;
                if file.len() < at + n {
                    file.resize(at + n, 0);
                }
                file[at..at + n].copy_from_slice(&buf[..n]);
            }
            Output::BlobOnly(_) | Output::Event(_) => {}
            Output::Wait(_) => break,
        }
    }
    // 120 s cut every 500 ms: 240 clusters, each indexed.
    let mut top = Reader::new(&file, 0);
    let header = top.next_header().unwrap().unwrap();
    top.skip_data(&header).unwrap();
    let segment = top.next_header().unwrap().unwrap();
    assert_eq!(segment.end(), Some(file.len() as u64), "the Segment size covers the file");
    let mut seg = top.enter(&segment);
    let (mut cues, mut duration) = (0, None);
    while let Some(h) = seg.next_header().unwrap() {
        if h.id == ids::CUES {
            let mut c = seg.enter(&h);
            while let Some(p) = c.next_header().unwrap() {
                cues += usize::from(p.id == ids::CUE_POINT);
                c.skip_data(&p).unwrap();
            }
            seg.leave(&c).unwrap();
        } else if h.id == ids::INFO {
            let mut info = seg.enter(&h);
            while let Some(e) = info.next_header().unwrap() {
                let d = info.read_data(&e).unwrap();
                if e.id == ids::DURATION {
                    duration = Some(mediarec_ebml::read_float(d).unwrap());
                }
            }
            seg.leave(&info).unwrap();
        } else if h.size.is_some() {
            seg.skip_data(&h).unwrap();
        } else {
            let mut inner = seg.enter(&h);
            while let Some(e) = inner.next_header().unwrap() {
                inner.skip_data(&e).unwrap();
            }
            seg.leave(&inner).unwrap();
        }
    }
    assert!(cues >= 200, "{cues} cue points");
    assert_eq!(duration, Some(120_000.0));
}
