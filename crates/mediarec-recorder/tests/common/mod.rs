//! A virtual-clock harness: test formats, a transcript of outputs, and helpers that drive
//! the recorder by its run-loop contract.
#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
use mediarec_core::*;
use mediarec_recorder::*;

/// A muxer that writes a readable transcript: `H` for the header, then for each packet
/// `P<track><len:u16 le><pts µs:u64 le><key>` + payload; `C` for each cut, `F` at finish.
/// Its byte boundaries are exactly its "elements".
#[derive(Default)]
pub struct LogMuxer {
    tracks: u8,
    end: Duration,
}

impl Muxer for LogMuxer {
    type Error = SinkError;
    fn add_track(&mut self, _: &CodecConfig) -> Result<MuxTrack, SinkError> {
        self.tracks += 1;
        Ok(MuxTrack(self.tracks))
    }
    fn write_header(&mut self, sink: &mut dyn ByteSink) -> Result<(), SinkError> {
        sink.write(b"H")
    }
    fn write_packet(
        &mut self,
        t: MuxTrack,
        p: &Packet<'_>,
        sink: &mut dyn ByteSink,
    ) -> Result<(), SinkError> {
        let mut head = [0u8; 13];
        head[0] = b'P';
        head[1] = t.0;
        head[2..4].copy_from_slice(&(p.data.len() as u16).to_le_bytes());
        head[4..12].copy_from_slice(&p.info.pts.as_micros().to_le_bytes());
        head[12] = p.info.keyframe as u8;
        sink.write(&head)?;
        sink.write(p.data)?;
        self.end = self.end.max(p.info.pts + p.info.duration);
        Ok(())
    }
    fn cut(&mut self, sink: &mut dyn ByteSink) -> Result<(), SinkError> {
        sink.write(b"C")
    }
    fn finish(&mut self, sink: &mut dyn ByteSink) -> Result<(), SinkError> {
        sink.write(b"F")?;
        if sink.can_patch() {
            sink.patch(0, b"h")?;
        }
        Ok(())
    }
    fn max_packet_overhead(&self) -> usize {
        13
    }
    fn max_finish_len(&self) -> usize {
        16
    }
    fn duration(&self) -> Duration {
        self.end
    }
}

/// A video "encoder": one 8-byte packet per frame holding the frame's timestamp.
pub struct StampEncoder {
    config: CodecConfig,
    pending: Option<PacketInfo>,
    fail_after: Option<u32>,
    frames: u32,
}

impl VideoEncoder for StampEncoder {
    type Error = ErrorKind;
    fn config(&self) -> &CodecConfig {
        &self.config
    }
    fn push(&mut self, f: &VideoFrame<'_>, key: bool) -> Result<(), ErrorKind> {
        self.frames += 1;
        if self.fail_after.is_some_and(|n| self.frames > n) {
            return Err(ErrorKind::Codec);
        }
        self.pending = Some(PacketInfo {
            len: 8,
            pts: f.timestamp,
            duration: Duration::from_millis(33),
            keyframe: key,
            discard_samples: 0,
        });
        Ok(())
    }
    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, ErrorKind> {
        Ok(self
            .pending
            .take()
            .inspect(|p| out[..8].copy_from_slice(&p.pts.as_micros().to_le_bytes())))
    }
    fn finish(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn max_packet_len(&self) -> usize {
        8
    }
}

/// What the tests' build "supports": WebM/Matroska/Ogg with opus, pcm and vp8. Opus is
/// stood in for by the PCM encoder: these tests are about the algorithm, not the codec.
#[derive(Default)]
pub struct TestFormats {
    pub video_fails_after: Option<u32>,
}

impl Formats for TestFormats {
    type Audio = PcmEncoder;
    type Video = StampEncoder;
    type Muxer = LogMuxer;
    fn supports(&self, c: ContainerId, k: CodecId) -> bool {
        match c {
            ContainerId::Ogg => k == CodecId::Opus,
            _ => matches!(k, CodecId::Opus | CodecId::PcmF32 | CodecId::Vp8),
        }
    }
    fn supports_container(&self, _: ContainerId) -> bool {
        true
    }
    fn default_codec(&self, c: ContainerId, k: MediaKind) -> Option<CodecId> {
        match (c, k) {
            (_, MediaKind::Audio) => Some(CodecId::Opus),
            (ContainerId::Ogg, MediaKind::Video) => None,
            (_, MediaKind::Video) => Some(CodecId::Vp8),
        }
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
        _: EncoderSettings,
    ) -> Result<StampEncoder, ErrorKind> {
        Ok(StampEncoder {
            config: CodecConfig::video(c, p.width, p.height),
            pending: None,
            fail_after: self.video_fails_after,
            frames: 0,
        })
    }
    fn muxer(&mut self, _: ContainerId) -> Result<LogMuxer, ErrorKind> {
        Ok(LogMuxer::default())
    }
}

pub const MIC: TrackId = TrackId(1);
pub const CAM: TrackId = TrackId(2);

pub fn mic() -> TrackDesc {
    TrackDesc {
        id: MIC,
        format: TrackFormat::Audio(AudioParams { sample_rate: 48_000, channels: 1 }),
        live: true,
    }
}

pub fn cam() -> TrackDesc {
    TrackDesc {
        id: CAM,
        format: TrackFormat::Video(VideoParams { width: 64, height: 48, frame_rate: 30 }),
        live: true,
    }
}

/// Something the driver saw, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Event(RecorderEvent),
    /// A finished blob's bytes.
    Blob(Vec<u8>),
}

/// The recorder plus a virtual clock and everything it has output.
pub struct Harness {
    pub rec: Recorder<'static, TestFormats>,
    pub now: Instant,
    pub events: Vec<RecorderEvent>,
    pub blobs: Vec<Vec<u8>>,
    pub current: Vec<u8>,
    /// The output file: all bytes with patches applied.
    pub file: Vec<u8>,
    /// `mimeType` observed when each event was taken.
    pub mime_at: Vec<String>,
    /// `state` observed when each event was taken.
    pub state_at: Vec<RecordingState>,
    /// Media time of audio sent so far, per track.
    pub audio_ts: Duration,
}

pub fn leak(n: usize) -> &'static mut [u8] {
    Box::leak(vec![0u8; n].into_boxed_slice())
}

impl Harness {
    pub fn new(tracks: &[TrackDesc], options: RecorderOptions<'_>) -> Result<Self, RecorderError> {
        Self::with(TestFormats::default(), tracks, options)
    }

    pub fn with(
        f: TestFormats,
        tracks: &[TrackDesc],
        options: RecorderOptions<'_>,
    ) -> Result<Self, RecorderError> {
        let rec = Recorder::new(f, tracks, &options, leak(64 * 1024), leak(8 * 1024))?;
        Ok(Harness {
            rec,
            now: Instant::from_micros(1_000_000),
            events: vec![],
            blobs: vec![],
            current: vec![],
            file: vec![],
            mime_at: vec![],
            state_at: vec![],
            audio_ts: Duration::ZERO,
        })
    }

    pub fn audio_only() -> Self {
        Self::new(&[mic()], RecorderOptions { mime_type: "audio/webm", ..Default::default() })
            .unwrap()
    }

    /// Drains the output queue, as the run-loop contract requires.
    pub fn drain(&mut self) -> Option<Instant> {
        let mut buf = [0u8; 700];
        for _ in 0..100_000 {
            match self.rec.poll_output(&mut buf) {
                Output::Bytes(n) => {
                    self.current.extend_from_slice(&buf[..n]);
                    self.file.extend_from_slice(&buf[..n]);
                }
                Output::BlobOnly(n) => self.current.extend_from_slice(&buf[..n]),
                Output::FileOnly(n) => self.file.extend_from_slice(&buf[..n]),
                Output::Patch { offset, n } => {
                    let at = offset as usize;
                    assert!(at <= self.file.len(), "patch past the end");
                    let end = at + n;
                    if end > self.file.len() {
                        self.file.resize(end, 0);
                    }
                    self.file[at..end].copy_from_slice(&buf[..n]);
                }
                Output::Event(e) => {
                    if matches!(e, RecorderEvent::DataAvailable { .. }) {
                        self.blobs.push(std::mem::take(&mut self.current));
                    }
                    self.events.push(e);
                    self.mime_at.push(self.rec.mime_type().to_string());
                    self.state_at.push(self.rec.state());
                }
                Output::Wait(deadline) => return deadline,
            }
        }
        panic!("poll_output never returned Wait");
    }

    pub fn advance(&mut self, ms: u64) {
        self.now = self.now + Duration::from_millis(ms);
    }

    /// Sends `ms` of audio (48 kHz mono) captured now, advancing the clock, firing timers
    /// on the way.
    pub fn audio(&mut self, ms: u64) {
        let samples = vec![0.25f32; (ms * 48) as usize];
        for chunk in samples.chunks(480) {
            self.advance(10);
            let frame = AudioFrame {
                samples: Samples::F32(chunk),
                channels: 1,
                sample_rate: 48_000,
                timestamp: self.audio_ts,
            };
            self.audio_ts += Duration::from_samples(chunk.len() as u64, 48_000);
            let mut taken = 0;
            while taken < frame.frames() {
                let rest = AudioFrame {
                    samples: Samples::F32(&chunk[taken..]),
                    timestamp: frame.timestamp + Duration::from_samples(taken as u64, 48_000),
                    ..frame
                };
                match self.rec.handle_audio(self.now, MIC, &rest) {
                    Ok(n) => taken += n,
                    Err(InputError::Full) => {}
                    Err(e) => panic!("{e}"),
                }
                self.drain();
            }
            self.rec.handle_timeout(self.now);
            self.drain();
        }
    }

    /// Lets time pass without media (e.g. while paused the device still delivers, but the
    /// recorder drops it): the audio clock advances too.
    pub fn idle(&mut self, ms: u64) {
        self.audio(ms);
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.events.iter().map(|e| e.name()).collect()
    }

    pub fn timecodes(&self) -> Vec<u64> {
        self.events
            .iter()
            .filter_map(|e| match e {
                RecorderEvent::DataAvailable { timecode } => Some(timecode.as_millis()),
                _ => None,
            })
            .collect()
    }

    /// Packets (track, pts µs, key) found in the concatenated blobs.
    pub fn packets(&self) -> Vec<(u8, u64, bool)> {
        parse_log(&self.blobs.concat())
    }
}

/// Parses the LogMuxer transcript; panics on anything malformed.
pub fn parse_log(bytes: &[u8]) -> Vec<(u8, u64, bool)> {
    let mut out = vec![];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'H' | b'h' | b'C' | b'F' => i += 1,
            b'P' => {
                let len = u16::from_le_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
                let pts = u64::from_le_bytes(bytes[i + 4..i + 12].try_into().unwrap());
                out.push((bytes[i + 1], pts, bytes[i + 12] == 1));
                i += 13 + len;
                assert!(i <= bytes.len(), "packet cut");
            }
            b => panic!("not an element boundary: byte {b:#x} at {i}"),
        }
    }
    out
}

/// True when `blob` starts at an element boundary of the transcript.
pub fn starts_on_element(blob: &[u8]) -> bool {
    blob.first().is_none_or(|b| b"HhCFP".contains(b))
}
