//! From reader events to frames with times, and the facts `inspect` shows.

use std::io::Read;

use mediarec_ogg::opus_packet_samples;

use super::demux::{Block, MatroskaEvent, MatroskaReader};
use super::problem::{FixError, Problem, Problems, ticks_to_us};
use super::track::TrackEntry;

/// A forward jump of more than this (µs) in a track with known packet lengths is reported.
const GAP_US: i64 = 1_000_000;

/// One track of a Matroska file with what its blocks showed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrackSummary {
    /// The `TrackEntry`.
    pub entry: TrackEntry,
    /// Blocks read.
    pub blocks: u64,
    /// Frames read (more than blocks when laced).
    pub frames: u64,
    /// Frame bytes.
    pub bytes: u64,
    /// First frame time, µs.
    pub first_us: Option<i64>,
    /// End of the last frame (time plus length), µs.
    pub end_us: i64,
}

/// What a Matroska/WebM file holds and what is wrong with it, read in one pass.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatroskaSummary {
    /// `DocType`.
    pub doc_type: String,
    /// `DocTypeVersion`.
    pub doc_type_version: u64,
    /// True when a Segment was found.
    pub has_segment: bool,
    /// True when the Segment's size is written (not a live file).
    pub segment_size_known: bool,
    /// Nanoseconds per tick.
    pub timestamp_scale: u64,
    /// `Duration` in seconds, when written.
    pub declared_duration: Option<f64>,
    /// `MuxingApp`.
    pub muxing_app: String,
    /// `WritingApp`.
    pub writing_app: String,
    /// True when a `SeekHead` was found.
    pub seek_head: bool,
    /// `CuePoint`s found.
    pub cue_points: u64,
    /// Clusters.
    pub clusters: u64,
    /// Clusters with an unknown size.
    pub clusters_unknown_size: u64,
    /// Blocks.
    pub blocks: u64,
    /// Tracks with their block statistics.
    pub tracks: Vec<TrackSummary>,
    /// Time of the latest block start, µs.
    pub last_block_us: i64,
    /// End of the latest frame, µs.
    pub media_end_us: i64,
    /// What a `Duration` should say: frame ends less codec delay and end trimming, µs.
    pub presentation_end_us: i64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes that could not be used (torn tail, garbage, trailing data).
    pub bytes_dropped: u64,
    /// Problems, ordered by offset.
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub problems_omitted: u64,
}

impl MatroskaSummary {
    /// True when players can seek: `Duration` and `Cues` are both there.
    pub fn is_seekable(&self) -> bool {
        self.declared_duration.is_some() && self.cue_points > 0
    }

    /// The playing length the blocks give, in seconds.
    pub fn media_seconds(&self) -> f64 {
        self.presentation_end_us as f64 / 1e6
    }
}

/// One frame, with its time on the file's timeline.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame<'a> {
    /// Index into the tracks of `Tracks`.
    pub(crate) track: usize,
    pub(crate) pts_us: i64,
    /// Known length (codec, `BlockDuration`), else `None`: the next frame tells.
    pub(crate) duration_us: Option<i64>,
    pub(crate) keyframe: bool,
    pub(crate) discard_ns: i64,
    pub(crate) data: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// From the Opus TOC.
    Opus,
    /// From the byte count.
    Pcm { frame_bytes: u64, rate: u32 },
    /// From `BlockDuration`, `DefaultDuration` (laced) or the next frame.
    Next,
}

#[derive(Debug, Clone, Copy, Default)]
struct TrackTiming {
    last_pts: Option<i64>,
    /// End of the last frame when its length was known.
    last_end: Option<i64>,
    /// A frame whose length waits for the next one.
    pending: Option<i64>,
    last_interval: i64,
    additions_reported: bool,
}

/// Turns reader events into frames and statistics.
pub(crate) struct Scanner {
    pub(crate) summary: MatroskaSummary,
    rules: Vec<Rule>,
    timing: Vec<TrackTiming>,
    problems: Problems,
    unknown_tracks: Vec<u64>,
    tracks_seen: bool,
}

impl Scanner {
    pub(crate) fn new() -> Self {
        Scanner {
            summary: MatroskaSummary { timestamp_scale: 1_000_000, ..MatroskaSummary::default() },
            rules: Vec::new(),
            timing: Vec::new(),
            problems: Problems::default(),
            unknown_tracks: Vec::new(),
            tracks_seen: false,
        }
    }

    /// Notes a non-block event. Returns the tracks when this event declared them for the
    /// first time.
    pub(crate) fn on_event(&mut self, event: &MatroskaEvent<'_>) -> bool {
        let s = &mut self.summary;
        match event {
            MatroskaEvent::Header(doc) => {
                s.doc_type.clone_from(&doc.doc_type);
                s.doc_type_version = doc.doc_type_version;
            }
            MatroskaEvent::Segment { size, .. } => {
                s.has_segment = true;
                s.segment_size_known = size.is_some();
            }
            MatroskaEvent::Info(info) => {
                s.timestamp_scale = info.timestamp_scale;
                s.declared_duration = info.duration_seconds();
                s.muxing_app.clone_from(&info.muxing_app);
                s.writing_app.clone_from(&info.writing_app);
            }
            MatroskaEvent::Tracks(tracks) => {
                if self.tracks_seen {
                    return false;
                }
                self.tracks_seen = true;
                s.tracks = tracks
                    .iter()
                    .map(|t| TrackSummary { entry: t.clone(), ..TrackSummary::default() })
                    .collect();
                self.rules = tracks.iter().map(rule).collect();
                self.timing = vec![TrackTiming::default(); tracks.len()];
                return true;
            }
            MatroskaEvent::SeekHead { .. } => s.seek_head = true,
            MatroskaEvent::Cues { points, .. } => s.cue_points += points,
            MatroskaEvent::Cluster { size, .. } => {
                s.clusters += 1;
                s.clusters_unknown_size += u64::from(size.is_none());
            }
            MatroskaEvent::Block(_) | MatroskaEvent::Other { .. } => {}
        }
        false
    }

    /// Splits a block into frames with times, updates the statistics and hands each frame
    /// to `out`.
    pub(crate) fn on_block<F>(&mut self, b: &Block<'_>, mut out: F) -> Result<(), FixError>
    where
        F: FnMut(Frame<'_>) -> Result<(), FixError>,
    {
        let Some(index) = self.summary.tracks.iter().position(|t| t.entry.number == b.track) else {
            if !self.unknown_tracks.contains(&b.track) && self.unknown_tracks.len() < 64 {
                self.unknown_tracks.push(b.track);
                self.problems.push(Problem::UnknownTrack { track: b.track, offset: b.offset });
            }
            return Ok(());
        };
        let Ok(frames) = b.frames() else {
            self.problems.push(Problem::BadBlock { offset: b.offset, len: b.len });
            self.summary.bytes_dropped = self.summary.bytes_dropped.saturating_add(b.len);
            return Ok(());
        };
        let scale = self.summary.timestamp_scale;
        let rule = self.rules.get(index).copied().unwrap_or(Rule::Next);
        let entry = &self.summary.tracks[index].entry;
        let count = frames.frame_count() as i64;
        let block_us = b.duration.map(|d| ticks_to_us(i64::try_from(d).unwrap_or(i64::MAX), scale));
        let default_us = entry.default_duration_ns.map(|ns| (ns / 1000) as i64);
        let codec_delay_us = (entry.codec_delay_ns / 1000) as i64;
        let mut pts = ticks_to_us(b.timestamp, scale);
        let mut produced = 0i64;
        for (i, data) in frames.enumerate() {
            let codec_len = match rule {
                Rule::Opus => opus_packet_samples(data).map(|n| i64::from(n) * 1_000_000 / 48_000),
                Rule::Pcm { frame_bytes, rate } if frame_bytes > 0 && rate > 0 => {
                    Some((data.len() as u64 / frame_bytes) as i64 * 1_000_000 / i64::from(rate))
                }
                _ => None,
            };
            let duration = match (codec_len, count) {
                (Some(d), _) => Some(d),
                (None, 1) => block_us,
                (None, _) => default_us.or(block_us.map(|d| d / count)),
            };
            if duration.is_none() && count > 1 {
                // Laced frames whose lengths nothing tells cannot be placed in time.
                self.problems.push(Problem::BadBlock { offset: b.offset, len: b.len });
                self.summary.bytes_dropped = self.summary.bytes_dropped.saturating_add(b.len);
                return Ok(());
            }
            let last = i as i64 == count - 1;
            let discard_ns = if last { b.discard_padding_ns.max(0) } else { 0 };
            let frame = Frame {
                track: index,
                pts_us: pts,
                duration_us: duration,
                keyframe: b.keyframe,
                discard_ns,
                data,
            };
            let trimmed_us = discard_ns / 1000;
            self.account(index, b.offset, &frame, codec_delay_us, trimmed_us);
            out(frame)?;
            produced += 1;
            pts = pts.saturating_add(duration.unwrap_or(0));
        }
        let s = &mut self.summary;
        s.blocks += 1;
        if let Some(t) = s.tracks.get_mut(index) {
            t.blocks += 1;
            t.frames += produced as u64;
        }
        if b.has_additions
            && let Some(t) = self.timing.get_mut(index)
            && !t.additions_reported
        {
            t.additions_reported = true;
            self.problems.push(Problem::BlockAdditions { track: b.track });
        }
        Ok(())
    }

    fn account(&mut self, index: usize, offset: u64, f: &Frame<'_>, delay_us: i64, trim_us: i64) {
        let MatroskaSummary { tracks, presentation_end_us, last_block_us, media_end_us, .. } =
            &mut self.summary;
        let (Some(t), Some(ts)) = (self.timing.get_mut(index), tracks.get_mut(index)) else {
            return;
        };
        let number = ts.entry.number;
        if let Some(last) = t.last_pts {
            if f.pts_us < last {
                self.problems.push(Problem::TimestampBack {
                    track: number,
                    offset,
                    from_us: last,
                    to_us: f.pts_us,
                });
            } else if let Some(end) = t.last_end
                && f.pts_us > end.saturating_add(GAP_US)
            {
                self.problems.push(Problem::TimestampGap {
                    track: number,
                    offset,
                    from_us: end,
                    to_us: f.pts_us,
                });
            }
        }
        if let Some(p) = t.pending.take() {
            let end = f.pts_us.max(p);
            t.last_interval = end - p;
            ts.end_us = ts.end_us.max(end);
            *presentation_end_us = (*presentation_end_us).max(end - delay_us);
        }
        ts.first_us.get_or_insert(f.pts_us);
        ts.bytes += f.data.len() as u64;
        *last_block_us = (*last_block_us).max(f.pts_us);
        match f.duration_us {
            Some(d) => {
                let end = f.pts_us.saturating_add(d);
                t.last_end = Some(end);
                ts.end_us = ts.end_us.max(end);
                let played = end.saturating_sub(delay_us).saturating_sub(trim_us);
                *presentation_end_us = (*presentation_end_us).max(played);
            }
            None => {
                t.last_end = None;
                t.pending = Some(f.pts_us);
            }
        }
        t.last_pts = Some(f.pts_us);
        *media_end_us = (*media_end_us).max(ts.end_us);
    }

    /// Ends the scan: frames still waiting for a length get the track's `DefaultDuration`
    /// or its last frame interval.
    pub(crate) fn finish(&mut self, reader_problems: Problems, position: u64, dropped: u64) {
        let MatroskaSummary { tracks, presentation_end_us, media_end_us, .. } = &mut self.summary;
        for (t, ts) in self.timing.iter_mut().zip(tracks.iter_mut()) {
            if let Some(p) = t.pending.take() {
                let fallback =
                    ts.entry.default_duration_ns.map_or(t.last_interval, |ns| (ns / 1000) as i64);
                let end = p.saturating_add(fallback);
                ts.end_us = ts.end_us.max(end);
                let delay = (ts.entry.codec_delay_ns / 1000) as i64;
                *presentation_end_us = (*presentation_end_us).max(end - delay);
            }
            *media_end_us = (*media_end_us).max(ts.end_us);
        }
        let s = &mut self.summary;
        s.bytes_read = position;
        s.bytes_dropped = s.bytes_dropped.saturating_add(dropped);
        let mut problems = reader_problems;
        problems.append(std::mem::take(&mut self.problems));
        if let Some(declared) = s.declared_duration {
            let actual = s.presentation_end_us as f64 / 1e6;
            if s.blocks > 0 && (declared - actual).abs() > 0.1 {
                problems.push(Problem::WrongDuration { declared, actual });
            }
        }
        problems.list.sort_by_key(|p| p.offset().unwrap_or(u64::MAX));
        s.problems = problems.list;
        s.problems_omitted = problems.omitted;
    }
}

fn rule(t: &TrackEntry) -> Rule {
    match t.codec_id.as_str() {
        "A_OPUS" => Rule::Opus,
        _ if t.pcm_frame_bytes() > 0 => {
            Rule::Pcm { frame_bytes: t.pcm_frame_bytes(), rate: t.sample_rate() }
        }
        _ => Rule::Next,
    }
}

/// Reads a whole Matroska/WebM file in bounded memory and describes it.
///
/// Fails only when the input cannot be read or does not start with an EBML header;
/// damage is listed in [`MatroskaSummary::problems`].
///
/// ```
/// let header_and_garbage = [0x1A, 0x45, 0xDF, 0xA3, 0x80, 0xFF, 0xFF];
/// let summary = mediarec::inspect_matroska(&header_and_garbage[..]).unwrap();
/// assert!(!summary.has_segment);
/// assert!(!summary.problems.is_empty());
/// assert!(mediarec::inspect_matroska(&b"RIFF"[..]).is_err());
/// ```
pub fn inspect_matroska<R: Read>(input: R) -> Result<MatroskaSummary, FixError> {
    let mut reader = MatroskaReader::new(input);
    let mut scanner = Scanner::new();
    while let Some(event) = reader.next_event()? {
        match &event {
            MatroskaEvent::Block(b) => scanner.on_block(b, |_| Ok(()))?,
            other => {
                scanner.on_event(other);
            }
        }
    }
    let problems = reader.take_problems();
    scanner.finish(problems, reader.position(), reader.bytes_dropped());
    Ok(scanner.summary)
}
