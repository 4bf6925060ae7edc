//! Frames in file order → our WebM muxer, with every packet's length known.
//!
//! A frame whose length only the next frame of its track can tell (video) waits in a
//! small queue, and so does everything read after it, so the output keeps the input's
//! interleaving. The queue is bounded: past [`QUEUE_LIMIT`] bytes the oldest waiting frame
//! (or one waiting for more than [`MAX_WAIT`] of media) gets a length estimated from what
//! has been read since.

use std::collections::VecDeque;
use std::io::{Seek, Write};

use mediarec_core::{CodecConfig, Duration, MediaKind, MuxTrack, Muxer, Packet, PacketInfo};
use mediarec_webm::{DocType, WebmError, WebmMuxer, WebmOptions};

use super::problem::{FixError, us_to_duration};
use super::scan::Frame;
use super::sink::PatchWriter;
use super::track::TrackEntry;

/// Bytes of frames that may wait for a length before the oldest one is estimated.
pub(crate) const QUEUE_LIMIT: usize = 8 << 20;

/// How long (media time) a frame may wait for its length before it is estimated.
const MAX_WAIT: Duration = Duration::from_secs(10);

/// How far a frame may lag the latest one before its time is raised: a block's
/// 16-bit relative time reaches about 32.7 s.
const MAX_LAG: Duration = Duration::from_secs(30);

struct OutTrack {
    mux: MuxTrack,
    config: CodecConfig,
    last_pts: Option<Duration>,
    last_interval: Duration,
    default_duration: Option<Duration>,
    /// Sequence number of this track's frame waiting for its length.
    pending: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Queued {
    track: usize,
    info: PacketInfo,
    start: usize,
    known: bool,
}

/// What the remux produced.
pub(crate) struct Written {
    pub(crate) bytes: u64,
    pub(crate) clusters: u64,
    pub(crate) cue_points: usize,
    pub(crate) duration: Duration,
    pub(crate) packets: u64,
}

pub(crate) struct Remuxer<W: Write + Seek> {
    muxer: WebmMuxer,
    sink: PatchWriter<W>,
    tracks: Vec<OutTrack>,
    queue: VecDeque<Queued>,
    /// Sequence number of the queue's front.
    front_seq: u64,
    arena: Vec<u8>,
    arena_start: usize,
    /// Added to every time so that the first frame is not negative.
    shift_us: Option<i64>,
    latest: Duration,
    presentation_end: Duration,
    packets: u64,
}

impl<W: Write + Seek> Remuxer<W> {
    /// Declares `tracks` (in file order) and writes the header.
    pub(crate) fn new(
        doc_type: DocType,
        tracks: &[TrackEntry],
        output: W,
    ) -> Result<Self, FixError> {
        if tracks.len() > mediarec_webm::MAX_TRACKS {
            return Err(FixError::TooManyTracks(tracks.len()));
        }
        let mut muxer = WebmMuxer::new(WebmOptions::new(doc_type));
        let mut out = Vec::with_capacity(tracks.len());
        for t in tracks {
            let config = t.codec_config()?;
            let mux = muxer.add_track(&config).map_err(FixError::Mux)?;
            out.push(OutTrack {
                mux,
                config,
                last_pts: None,
                last_interval: Duration::ZERO,
                default_duration: t.default_duration_ns.map(|ns| Duration::from_micros(ns / 1000)),
                pending: None,
            });
        }
        let mut this = Remuxer {
            muxer,
            sink: PatchWriter::new(output),
            tracks: out,
            queue: VecDeque::new(),
            front_seq: 0,
            arena: Vec::new(),
            arena_start: 0,
            shift_us: None,
            latest: Duration::ZERO,
            presentation_end: Duration::ZERO,
            packets: 0,
        };
        let r = this.muxer.write_header(&mut this.sink);
        this.check(r)?;
        Ok(this)
    }

    /// Maps a muxer error, recovering the I/O error the sink kept.
    fn check<T>(&mut self, r: Result<T, WebmError>) -> Result<T, FixError> {
        r.map_err(|e| match self.sink.take_error() {
            Some(io) => FixError::Write(io),
            None => FixError::Mux(e),
        })
    }

    pub(crate) fn push(&mut self, f: Frame<'_>) -> Result<(), FixError> {
        let shift = *self.shift_us.get_or_insert(if f.pts_us < 0 { -f.pts_us } else { 0 });
        let mut pts = us_to_duration(f.pts_us.saturating_add(shift));
        let floor = self.latest.saturating_sub(MAX_LAG);
        let Some(t) = self.tracks.get_mut(f.track) else { return Ok(()) };
        // The muxer needs per-track order and a bounded lag across tracks; the reader has
        // reported any disorder already.
        pts = pts.max(t.last_pts.unwrap_or(Duration::ZERO)).max(floor);
        if let Some(seq) = t.pending.take()
            && let Some(q) = self.queue.get_mut((seq - self.front_seq) as usize)
        {
            q.info.duration = pts.saturating_sub(q.info.pts);
            q.known = true;
            t.last_interval = q.info.duration;
        }
        t.last_pts = Some(pts);
        self.latest = self.latest.max(pts);
        let is_audio = t.config.kind() == MediaKind::Audio;
        let discard_samples = if is_audio && f.discard_ns > 0 {
            let n = (i128::from(f.discard_ns) * i128::from(t.config.sample_rate) + 500_000_000)
                / 1_000_000_000;
            u32::try_from(n).unwrap_or(u32::MAX)
        } else {
            0
        };
        let info = PacketInfo {
            len: f.data.len(),
            pts,
            duration: f.duration_us.map_or(Duration::ZERO, us_to_duration),
            keyframe: f.keyframe || is_audio,
            discard_samples,
        };
        if f.duration_us.is_some() && self.queue.is_empty() {
            return self.write(f.track, &Packet { data: f.data, info });
        }
        let seq = self.front_seq + self.queue.len() as u64;
        if f.duration_us.is_none() {
            t.pending = Some(seq);
        }
        if self.arena_start > 0 && self.arena_start >= self.arena.len() / 2 {
            self.arena.drain(..self.arena_start);
            for q in self.queue.iter_mut() {
                q.start -= self.arena_start;
            }
            self.arena_start = 0;
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(f.data);
        self.queue.push_back(Queued {
            track: f.track,
            info,
            start,
            known: f.duration_us.is_some(),
        });
        self.drain()?;
        while self.arena.len() - self.arena_start > QUEUE_LIMIT
            || self.queue.front().is_some_and(|q| self.latest.saturating_sub(q.info.pts) > MAX_WAIT)
        {
            self.estimate_front();
            self.drain()?;
        }
        Ok(())
    }

    /// Gives the oldest waiting frame the time read since as its length.
    fn estimate_front(&mut self) {
        let latest = self.latest;
        if let Some(q) = self.queue.front_mut()
            && !q.known
        {
            q.info.duration = latest.saturating_sub(q.info.pts);
            q.known = true;
            if let Some(t) = self.tracks.get_mut(q.track) {
                t.pending = None;
            }
        }
    }

    /// Writes the queue's front while its length is known.
    fn drain(&mut self) -> Result<(), FixError> {
        while let Some(q) = self.queue.front().copied() {
            if !q.known {
                break;
            }
            self.queue.pop_front();
            self.front_seq += 1;
            let end = q.start + q.info.len;
            let data = std::mem::take(&mut self.arena);
            let r = self.write(
                q.track,
                &Packet { data: data.get(q.start..end).unwrap_or(&[]), info: q.info },
            );
            self.arena = data;
            self.arena_start = end;
            r?;
        }
        if self.queue.is_empty() {
            self.arena.clear();
            self.arena_start = 0;
        }
        Ok(())
    }

    fn write(&mut self, track: usize, packet: &Packet<'_>) -> Result<(), FixError> {
        let Some(t) = self.tracks.get(track) else { return Ok(()) };
        let info = packet.info;
        let trimmed = Duration::from_samples(u64::from(info.discard_samples), t.config.sample_rate);
        let played = (info.pts + info.duration).saturating_sub(t.config.codec_delay + trimmed);
        let mux = t.mux;
        let r = self.muxer.write_packet(mux, packet, &mut self.sink);
        self.check(r)?;
        self.presentation_end = self.presentation_end.max(played);
        self.packets += 1;
        Ok(())
    }

    /// Writes what waits (last frames get `DefaultDuration` or their track's last
    /// interval), finalises the file and flushes it.
    pub(crate) fn finish(mut self) -> Result<(Written, W), FixError> {
        for q in self.queue.iter_mut() {
            if !q.known {
                if let Some(t) = self.tracks.get_mut(q.track) {
                    q.info.duration = t.default_duration.unwrap_or(t.last_interval);
                    t.pending = None;
                }
                q.known = true;
            }
        }
        self.drain()?;
        let r = self.muxer.finish(&mut self.sink);
        self.check(r)?;
        let written = Written {
            bytes: self.sink.len(),
            clusters: self.muxer.cluster_count(),
            cue_points: self.muxer.cue_count(),
            duration: self.presentation_end,
            packets: self.packets,
        };
        let out = self.sink.finish().map_err(FixError::Write)?;
        Ok((written, out))
    }
}
