//! A streaming Matroska/WebM reader: one element at a time through a bounded buffer.
//!
//! It hands out the elements a remuxer or an inspector needs as [`MatroskaEvent`]s and
//! copes with what real recordings look like: unknown-size Segments and Clusters (they end
//! where the next level-1 element starts), files cut in the middle of an element (the torn
//! element is dropped and reported), unreadable bytes (skipped up to the next Cluster ID)
//! and data after the Segment.

use std::io::Read;

use mediarec_ebml::{
    BlockHeader, Header, ReadError, Reader, ids, read_float, read_int, read_str, read_uint,
};

use super::buffer::Input;
use super::lace::{LaceError, LacedFrames};
use super::problem::{FixError, Problem, Problems};
use super::track::{TrackEntry, parse_tracks};

/// Largest ID (4) plus largest size (8).
const MAX_HEADER: usize = 12;
/// An EBML header larger than this is not a real one.
const MAX_EBML_HEADER: u64 = 4096;
/// `SilentTracks` (a Cluster child).
const SILENT_TRACKS: u32 = 0x5854;
/// `EncryptedBlock` (a Cluster child; skipped).
const ENCRYPTED_BLOCK: u32 = 0xAF;
/// `BlockAdditions` (a BlockGroup child).
const BLOCK_ADDITIONS: u32 = 0x75A1;

/// The EBML header's facts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocInfo {
    /// `DocType`: `webm`, `matroska`, ….
    pub doc_type: String,
    /// `DocTypeVersion`.
    pub doc_type_version: u64,
}

/// The `Info` element's facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentInfo {
    /// Nanoseconds per timestamp tick.
    pub timestamp_scale: u64,
    /// `Duration` in ticks, when written.
    pub duration: Option<f64>,
    /// `MuxingApp`.
    pub muxing_app: String,
    /// `WritingApp`.
    pub writing_app: String,
}

impl SegmentInfo {
    /// `Duration` in seconds, when written.
    pub fn duration_seconds(&self) -> Option<f64> {
        self.duration.map(|d| d * self.timestamp_scale as f64 / 1e9)
    }
}

/// One `SimpleBlock`, or the `Block` of a `BlockGroup` with its group's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<'a> {
    /// Offset of the `SimpleBlock` or `BlockGroup` element.
    pub offset: u64,
    /// Bytes of that element, header included.
    pub len: u64,
    /// Track number.
    pub track: u64,
    /// Absolute timestamp in ticks (cluster timestamp plus the block's relative time).
    pub timestamp: i64,
    /// `SimpleBlock` keyframe flag; for a `BlockGroup`, no `ReferenceBlock`.
    pub keyframe: bool,
    /// Lacing mode: 0 none, 1 Xiph, 2 fixed-size, 3 EBML.
    pub lacing: u8,
    /// `BlockDuration` in ticks, when present.
    pub duration: Option<u64>,
    /// `DiscardPadding` in nanoseconds (0 when absent).
    pub discard_padding_ns: i64,
    /// True when the group carries `BlockAdditions`.
    pub has_additions: bool,
    /// The frame data after the block header (laced frames together).
    pub data: &'a [u8],
}

impl<'a> Block<'a> {
    /// The frames of the block (one unless laced).
    pub fn frames(&self) -> Result<LacedFrames<'a>, LaceError> {
        LacedFrames::new(self.lacing, self.data)
    }
}

/// What [`MatroskaReader::next_event`] found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MatroskaEvent<'a> {
    /// The EBML header (always first).
    Header(DocInfo),
    /// The Segment starts.
    Segment {
        /// Offset of the Segment element.
        offset: u64,
        /// Its declared data size (`None`: unknown, a live file).
        size: Option<u64>,
    },
    /// The `Info` element.
    Info(SegmentInfo),
    /// The `Tracks` element.
    Tracks(Vec<TrackEntry>),
    /// A `SeekHead` (skipped).
    SeekHead {
        /// Its offset.
        offset: u64,
    },
    /// The `Cues` element.
    Cues {
        /// Its offset.
        offset: u64,
        /// `CuePoint`s in it.
        points: u64,
    },
    /// A Cluster starts.
    Cluster {
        /// Its offset.
        offset: u64,
        /// Its declared data size (`None`: unknown).
        size: Option<u64>,
    },
    /// A block of the current cluster.
    Block(Block<'a>),
    /// Another level-1 element (`Tags`, `Chapters`, …), skipped.
    Other {
        /// Its ID.
        id: u32,
        /// Its offset.
        offset: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Top,
    Segment,
    Done,
}

#[derive(Debug, Clone, Copy)]
struct OpenCluster {
    offset: u64,
    end: Option<u64>,
    timestamp: Option<u64>,
    warned: bool,
}

enum HeaderRead {
    Header(Header),
    /// Clean end of the input.
    End,
    /// The input ends inside a header.
    Cut,
    /// Not a valid header.
    Invalid,
}

/// What a block element turned out to be, worked out before it is consumed.
struct BlockMeta {
    track: u64,
    relative: i16,
    keyframe: bool,
    lacing: u8,
    duration: Option<u64>,
    discard_padding_ns: i64,
    has_additions: bool,
    /// Range of the frame data within the element's bytes.
    data: (usize, usize),
}

/// Reads a Matroska/WebM document from any [`Read`] in bounded memory.
///
/// ```
/// use mediarec::{MatroskaEvent, MatroskaReader};
/// // An EBML header only: the reader reports it, then the end.
/// let bytes = [0x1A, 0x45, 0xDF, 0xA3, 0x84, 0x42, 0x82, 0x81, b'w'];
/// let mut reader = MatroskaReader::new(&bytes[..]);
/// assert!(matches!(reader.next_event().unwrap(), Some(MatroskaEvent::Header(_))));
/// assert_eq!(reader.next_event().unwrap(), None);
/// ```
pub struct MatroskaReader<R> {
    input: Input<R>,
    state: State,
    segment_end: Option<u64>,
    cluster: Option<OpenCluster>,
    last_cluster_timestamp: u64,
    problems: Problems,
    dropped: u64,
}

impl<R: Read> MatroskaReader<R> {
    /// Default buffer: 1 MiB.
    pub const DEFAULT_BUFFER: usize = 1 << 20;
    /// Default largest element read whole (a block or `Tracks`): 64 MiB.
    pub const DEFAULT_MAX_ELEMENT: usize = 64 << 20;

    /// A reader with the default buffer sizes.
    pub fn new(reader: R) -> Self {
        Self::with_buffer(reader, Self::DEFAULT_BUFFER, Self::DEFAULT_MAX_ELEMENT)
    }

    /// A reader with a `buffer`-byte buffer that may grow to `max_element` bytes to hold
    /// one large block; larger elements are skipped and reported.
    pub fn with_buffer(reader: R, buffer: usize, max_element: usize) -> Self {
        MatroskaReader {
            input: Input::new(reader, buffer, max_element.max(MAX_EBML_HEADER as usize)),
            state: State::Start,
            segment_end: None,
            cluster: None,
            last_cluster_timestamp: 0,
            problems: Problems::default(),
            dropped: 0,
        }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.input.position()
    }

    /// Problems found so far (bounded; see [`MatroskaReader::problems_omitted`]).
    pub fn problems(&self) -> &[Problem] {
        &self.problems.list
    }

    /// Problems found beyond the kept ones.
    pub fn problems_omitted(&self) -> u64 {
        self.problems.omitted
    }

    /// Bytes that could not be used: torn tail, garbage, trailing data, bad blocks.
    pub fn bytes_dropped(&self) -> u64 {
        self.dropped
    }

    pub(crate) fn take_problems(&mut self) -> Problems {
        std::mem::take(&mut self.problems)
    }

    fn problem(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// The next event, or `None` at the end of the document. Fails only when reading
    /// fails or the input is not EBML at all; damage is reported through
    /// [`MatroskaReader::problems`].
    pub fn next_event(&mut self) -> Result<Option<MatroskaEvent<'_>>, FixError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => {
                    let doc = self.read_ebml_header()?;
                    self.state = State::Top;
                    return Ok(Some(MatroskaEvent::Header(doc)));
                }
                State::Top => {
                    let pos = self.input.position();
                    match self.read_header()? {
                        HeaderRead::End => self.state = State::Done,
                        HeaderRead::Cut => self.cut(pos),
                        HeaderRead::Invalid => self.resync(pos, ids::SEGMENT)?,
                        HeaderRead::Header(h) if h.id == ids::SEGMENT => {
                            self.input.consume(usize::from(h.header_len));
                            self.segment_end = h.end();
                            self.state = State::Segment;
                            return Ok(Some(MatroskaEvent::Segment { offset: pos, size: h.size }));
                        }
                        HeaderRead::Header(h) if h.id == ids::EBML => {
                            self.problem(Problem::SecondDocument { offset: pos });
                            self.drop_rest(pos)?;
                        }
                        HeaderRead::Header(h) if h.size.is_some() => self.skip_element(&h)?,
                        HeaderRead::Header(_) => self.resync(pos, ids::SEGMENT)?,
                    }
                }
                State::Segment => {
                    if let Some(kind) = self.segment_step()? {
                        return Ok(Some(self.finish_event(kind)));
                    }
                }
            }
        }
    }

    fn read_ebml_header(&mut self) -> Result<DocInfo, FixError> {
        self.input.fill(MAX_HEADER).map_err(FixError::Read)?;
        let h = Header::parse(self.input.available(), 0).map_err(|_| FixError::NotMatroska)?;
        let size = match h.size {
            Some(s) if h.id == ids::EBML && s <= MAX_EBML_HEADER => s,
            _ => return Err(FixError::NotMatroska),
        };
        let total = usize::from(h.header_len) + size as usize;
        if !self.input.fill(total).map_err(FixError::Read)? {
            return Err(FixError::NotMatroska);
        }
        let bytes = self.input.available().get(usize::from(h.header_len)..total).unwrap_or(&[]);
        let mut doc = DocInfo { doc_type: "matroska".into(), doc_type_version: 1 };
        let mut r = Reader::new(bytes, h.data_offset());
        while let Ok(Some(c)) = r.next_header() {
            let Ok(d) = r.read_data(&c) else { break };
            match c.id {
                ids::DOC_TYPE => doc.doc_type = read_str(d).unwrap_or("").to_string(),
                ids::DOC_TYPE_VERSION => doc.doc_type_version = read_uint(d).unwrap_or(0),
                _ => {}
            }
        }
        self.input.consume(total);
        Ok(doc)
    }

    fn read_header(&mut self) -> Result<HeaderRead, FixError> {
        self.input.fill(MAX_HEADER).map_err(FixError::Read)?;
        let avail = self.input.available();
        if avail.is_empty() {
            return Ok(HeaderRead::End);
        }
        Ok(match Header::parse(avail, self.input.position()) {
            Ok(h) => HeaderRead::Header(h),
            Err(ReadError::Truncated { .. }) => HeaderRead::Cut,
            Err(_) => HeaderRead::Invalid,
        })
    }

    /// The input ends inside the element at `at`: drop what is there.
    fn cut(&mut self, at: u64) {
        let have = self.input.available().len() as u64;
        let dropped = self.input.position().saturating_add(have).saturating_sub(at);
        self.input.consume(have as usize);
        self.dropped = self.dropped.saturating_add(dropped);
        self.problem(Problem::Truncated { offset: at, dropped });
        self.state = State::Done;
    }

    /// Clean end of input: a declared end further on means the file was cut.
    fn end_of_input(&mut self, at: u64) {
        let cluster_end = self.cluster.and_then(|c| c.end);
        if cluster_end.is_some_and(|e| e > at) || self.segment_end.is_some_and(|e| e > at) {
            self.problem(Problem::Truncated { offset: at, dropped: 0 });
        }
        self.state = State::Done;
    }

    /// Everything from `at` on is ignored (trailing data or a second document).
    fn drop_rest(&mut self, at: u64) -> Result<(), FixError> {
        let start = self.input.position();
        let len = self.input.skip(u64::MAX).map_err(FixError::Read)?;
        let total = start.saturating_add(len).saturating_sub(at);
        self.dropped = self.dropped.saturating_add(total);
        self.state = State::Done;
        Ok(())
    }

    /// Skips bad bytes from `at` up to the next occurrence of element `target`'s ID.
    fn resync(&mut self, at: u64, target: u32) -> Result<(), FixError> {
        self.cluster = None;
        let pattern = target.to_be_bytes();
        self.input.consume(1);
        loop {
            let avail = self.input.available();
            if let Some(i) = avail.windows(4).position(|w| w == pattern) {
                self.input.consume(i);
                break;
            }
            let keep = avail.len().min(3);
            self.input.consume(avail.len() - keep);
            if !self.input.fill_more().map_err(FixError::Read)? {
                let rest = self.input.available().len();
                self.input.consume(rest);
                self.state = State::Done;
                break;
            }
        }
        let len = self.input.position().saturating_sub(at);
        self.dropped = self.dropped.saturating_add(len);
        self.problem(Problem::Garbage { offset: at, len });
        Ok(())
    }

    /// Skips a known-size element; a cut inside it ends the reading.
    fn skip_element(&mut self, h: &Header) -> Result<(), FixError> {
        let total = u64::from(h.header_len).saturating_add(h.size.unwrap_or(0));
        let skipped = self.input.skip(total).map_err(FixError::Read)?;
        if skipped < total {
            self.dropped = self.dropped.saturating_add(skipped);
            self.problem(Problem::Truncated { offset: h.offset, dropped: skipped });
            self.state = State::Done;
        }
        Ok(())
    }

    /// Makes a whole known-size element available; `Ok(None)` after handling a cut or an
    /// oversized element (already reported).
    fn load(&mut self, h: &Header) -> Result<Option<usize>, FixError> {
        let size = h.size.unwrap_or(0);
        let total = u64::from(h.header_len).saturating_add(size);
        if total > self.input.max() as u64 {
            self.problem(Problem::ElementTooLarge { offset: h.offset, size });
            let before = self.dropped;
            self.skip_element(h)?;
            if self.dropped == before {
                self.dropped = self.dropped.saturating_add(total);
            }
            return Ok(None);
        }
        let total = total as usize;
        if !self.input.fill(total).map_err(FixError::Read)? {
            self.cut(h.offset);
            return Ok(None);
        }
        Ok(Some(total))
    }

    fn segment_step(&mut self) -> Result<Option<Step>, FixError> {
        let pos = self.input.position();
        if self.cluster.and_then(|c| c.end).is_some_and(|e| pos >= e) {
            self.cluster = None;
        }
        if self.segment_end.is_some_and(|e| pos >= e) {
            let before = self.dropped;
            self.drop_rest(pos)?;
            let len = self.dropped - before;
            if len > 0 {
                self.problem(Problem::TrailingData { offset: pos, len });
            }
            return Ok(None);
        }
        let h = match self.read_header()? {
            HeaderRead::Header(h) => h,
            HeaderRead::End => {
                self.end_of_input(pos);
                return Ok(None);
            }
            HeaderRead::Cut => {
                self.cut(pos);
                return Ok(None);
            }
            HeaderRead::Invalid => {
                self.resync(pos, ids::CLUSTER)?;
                return Ok(None);
            }
        };
        if let Some(cluster) = self.cluster {
            if is_cluster_child(h.id) {
                let bad = h.size.is_none()
                    || matches!((cluster.end, h.end()), (Some(ce), Some(he)) if he > ce);
                if bad {
                    self.resync(pos, ids::CLUSTER)?;
                    return Ok(None);
                }
                return self.cluster_child(&h);
            }
            if ids::level(h.id).is_some_and(|l| l <= 1) {
                self.cluster = None;
            } else {
                self.resync(pos, ids::CLUSTER)?;
                return Ok(None);
            }
        }
        self.level1(&h)
    }

    fn level1(&mut self, h: &Header) -> Result<Option<Step>, FixError> {
        let pos = h.offset;
        match h.id {
            ids::CLUSTER => {
                self.input.consume(usize::from(h.header_len));
                self.cluster =
                    Some(OpenCluster { offset: pos, end: h.end(), timestamp: None, warned: false });
                Ok(Some(Step::Cluster { offset: pos, size: h.size }))
            }
            ids::EBML | ids::SEGMENT => {
                self.problem(Problem::SecondDocument { offset: pos });
                self.drop_rest(pos)?;
                Ok(None)
            }
            _ if h.size.is_none() || !is_level1(h.id) => {
                self.resync(pos, ids::CLUSTER)?;
                Ok(None)
            }
            ids::INFO => {
                let Some(total) = self.load(h)? else { return Ok(None) };
                let info = parse_info(self.element_reader(h, total));
                self.input.consume(total);
                Ok(Some(Step::Info(info)))
            }
            ids::TRACKS => {
                let Some(total) = self.load(h)? else { return Ok(None) };
                let tracks = parse_tracks(self.element_reader(h, total));
                self.input.consume(total);
                Ok(Some(Step::Tracks(tracks)))
            }
            ids::CUES => {
                let Some(total) = self.load(h)? else { return Ok(None) };
                let mut r = self.element_reader(h, total);
                let mut points = 0;
                while let Ok(Some(c)) = r.next_header() {
                    points += u64::from(c.id == ids::CUE_POINT);
                    if r.skip_data(&c).is_err() {
                        break;
                    }
                }
                self.input.consume(total);
                Ok(Some(Step::Cues { offset: pos, points }))
            }
            ids::SEEK_HEAD => {
                self.skip_element(h)?;
                Ok(Some(Step::SeekHead { offset: pos }))
            }
            ids::VOID | ids::CRC32 => {
                self.skip_element(h)?;
                Ok(None)
            }
            id => {
                self.skip_element(h)?;
                Ok(Some(Step::Other { id, offset: pos }))
            }
        }
    }

    /// A reader over the data of the loaded element `h` (`total` bytes available).
    fn element_reader(&self, h: &Header, total: usize) -> Reader<'_> {
        let data = self.input.slice(usize::from(h.header_len), total - usize::from(h.header_len));
        Reader::new(data, h.data_offset())
    }

    fn cluster_child(&mut self, h: &Header) -> Result<Option<Step>, FixError> {
        match h.id {
            ids::CLUSTER_TIMESTAMP => {
                let Some(total) = self.load(h)? else { return Ok(None) };
                let hl = usize::from(h.header_len);
                let data = self.input.slice(hl, total.saturating_sub(hl));
                let value = read_uint(data).ok();
                self.input.consume(total);
                if let (Some(c), Some(v)) = (self.cluster.as_mut(), value) {
                    c.timestamp = Some(v);
                    self.last_cluster_timestamp = v;
                }
                Ok(None)
            }
            ids::SIMPLE_BLOCK | ids::BLOCK_GROUP => {
                let Some(total) = self.load(h)? else { return Ok(None) };
                let bytes = self.input.slice(0, total);
                let meta = if h.id == ids::SIMPLE_BLOCK {
                    simple_block_meta(bytes, usize::from(h.header_len))
                } else {
                    block_group_meta(bytes, h)
                };
                let Some(meta) = meta else {
                    self.input.consume(total);
                    self.dropped = self.dropped.saturating_add(total as u64);
                    self.problem(Problem::BadBlock { offset: h.offset, len: total as u64 });
                    return Ok(None);
                };
                let mut warn = None;
                let base = match self.cluster.as_mut() {
                    Some(OpenCluster { timestamp: Some(t), .. }) => *t,
                    Some(c) => {
                        if !c.warned {
                            c.warned = true;
                            warn = Some(c.offset);
                        }
                        self.last_cluster_timestamp
                    }
                    None => self.last_cluster_timestamp,
                };
                if let Some(offset) = warn {
                    self.problem(Problem::MissingClusterTimestamp { offset });
                }
                let timestamp = i64::try_from(base)
                    .unwrap_or(i64::MAX)
                    .saturating_add(i64::from(meta.relative));
                Ok(Some(Step::Block { offset: h.offset, total, timestamp, meta }))
            }
            _ => {
                self.skip_element(h)?;
                Ok(None)
            }
        }
    }

    /// Turns a step into the event, borrowing block data from the buffer.
    fn finish_event(&mut self, step: Step) -> MatroskaEvent<'_> {
        match step {
            Step::Cluster { offset, size } => MatroskaEvent::Cluster { offset, size },
            Step::Info(i) => MatroskaEvent::Info(i),
            Step::Tracks(t) => MatroskaEvent::Tracks(t),
            Step::Cues { offset, points } => MatroskaEvent::Cues { offset, points },
            Step::SeekHead { offset } => MatroskaEvent::SeekHead { offset },
            Step::Other { id, offset } => MatroskaEvent::Other { id, offset },
            Step::Block { offset, total, timestamp, meta } => {
                let bytes = self.input.take(total);
                let data = bytes.get(meta.data.0..meta.data.1).unwrap_or(&[]);
                MatroskaEvent::Block(Block {
                    offset,
                    len: total as u64,
                    track: meta.track,
                    timestamp,
                    keyframe: meta.keyframe,
                    lacing: meta.lacing,
                    duration: meta.duration,
                    discard_padding_ns: meta.discard_padding_ns,
                    has_additions: meta.has_additions,
                    data,
                })
            }
        }
    }
}

/// An event without borrowed data, so the step logic can consume and report freely.
enum Step {
    Cluster { offset: u64, size: Option<u64> },
    Info(SegmentInfo),
    Tracks(Vec<TrackEntry>),
    Cues { offset: u64, points: u64 },
    SeekHead { offset: u64 },
    Other { id: u32, offset: u64 },
    Block { offset: u64, total: usize, timestamp: i64, meta: BlockMeta },
}

fn is_cluster_child(id: u32) -> bool {
    matches!(
        id,
        ids::CLUSTER_TIMESTAMP
            | ids::SIMPLE_BLOCK
            | ids::BLOCK_GROUP
            | ids::POSITION
            | ids::PREV_SIZE
            | ids::VOID
            | ids::CRC32
            | SILENT_TRACKS
            | ENCRYPTED_BLOCK
    )
}

fn is_level1(id: u32) -> bool {
    matches!(
        id,
        ids::SEEK_HEAD
            | ids::INFO
            | ids::TRACKS
            | ids::CLUSTER
            | ids::CUES
            | ids::CHAPTERS
            | ids::TAGS
            | ids::ATTACHMENTS
            | ids::VOID
            | ids::CRC32
    )
}

fn parse_info(mut r: Reader<'_>) -> SegmentInfo {
    let mut info = SegmentInfo { timestamp_scale: 1_000_000, ..SegmentInfo::default() };
    while let Ok(Some(h)) = r.next_header() {
        let Ok(d) = r.read_data(&h) else { break };
        match h.id {
            ids::TIMESTAMP_SCALE => {
                info.timestamp_scale = read_uint(d).ok().filter(|&s| s > 0).unwrap_or(1_000_000);
            }
            ids::DURATION => info.duration = read_float(d).ok().filter(|d| d.is_finite()),
            ids::MUXING_APP => info.muxing_app = read_str(d).unwrap_or("").to_string(),
            ids::WRITING_APP => info.writing_app = read_str(d).unwrap_or("").to_string(),
            _ => {}
        }
    }
    info
}

/// The block header of a `SimpleBlock` whose payload starts at `start`.
fn simple_block_meta(bytes: &[u8], start: usize) -> Option<BlockMeta> {
    let payload = bytes.get(start..)?;
    let b = BlockHeader::parse(payload).ok()?;
    if b.track == 0 {
        return None;
    }
    Some(BlockMeta {
        track: b.track,
        relative: b.timestamp,
        keyframe: b.is_keyframe(),
        lacing: b.lacing(),
        duration: None,
        discard_padding_ns: 0,
        has_additions: false,
        data: (start + b.len, bytes.len()),
    })
}

/// The `Block` of a `BlockGroup` (element bytes `bytes`) with the group's facts.
fn block_group_meta(bytes: &[u8], h: &Header) -> Option<BlockMeta> {
    let start = usize::from(h.header_len);
    let mut r = Reader::new(bytes.get(start..)?, h.data_offset());
    let mut block: Option<(usize, usize)> = None;
    let mut duration = None;
    let mut reference = false;
    let mut discard = 0;
    let mut additions = false;
    while let Ok(Some(c)) = r.next_header() {
        let data_at = usize::try_from(c.data_offset().saturating_sub(h.offset)).ok()?;
        let d = r.read_data(&c).ok()?;
        match c.id {
            ids::BLOCK => block = Some((data_at, data_at + d.len())),
            ids::BLOCK_DURATION => duration = read_uint(d).ok(),
            ids::REFERENCE_BLOCK => reference = true,
            ids::DISCARD_PADDING => discard = read_int(d).unwrap_or(0),
            BLOCK_ADDITIONS => additions = true,
            _ => {}
        }
    }
    let (from, to) = block?;
    let b = BlockHeader::parse(bytes.get(from..to)?).ok()?;
    if b.track == 0 {
        return None;
    }
    Some(BlockMeta {
        track: b.track,
        relative: b.timestamp,
        keyframe: !reference,
        lacing: b.lacing(),
        duration,
        discard_padding_ns: discard,
        has_additions: additions,
        data: (from + b.len, to),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediarec_core::{ByteSink, SinkError};
    use mediarec_ebml::{write_binary, write_int, write_master, write_string, write_uint};
    use proptest::prelude::*;

    #[derive(Default)]
    struct Vec8(Vec<u8>);
    impl ByteSink for Vec8 {
        fn write(&mut self, b: &[u8]) -> Result<(), SinkError> {
            self.0.extend_from_slice(b);
            Ok(())
        }
        fn position(&self) -> u64 {
            self.0.len() as u64
        }
    }

    /// EBML header, unknown-size Segment, Info, two Tracks, then two unknown-size
    /// clusters: SimpleBlocks and a BlockGroup with every child the reader looks at.
    fn sample() -> Vec<u8> {
        let mut s = Vec8::default();
        write_master(&mut s, ids::EBML, |s| write_string(s, ids::DOC_TYPE, "webm")).unwrap();
        s.0.extend([0x18, 0x53, 0x80, 0x67, 0xFF]);
        write_master(&mut s, ids::INFO, |s| {
            write_uint(s, ids::TIMESTAMP_SCALE, 1_000_000)?;
            write_string(s, ids::WRITING_APP, "test")
        })
        .unwrap();
        write_master(&mut s, ids::TRACKS, |s| {
            for n in 1..=2u64 {
                write_master(s, ids::TRACK_ENTRY, |s| {
                    write_uint(s, ids::TRACK_NUMBER, n)?;
                    write_uint(s, ids::TRACK_TYPE, 2)?;
                    write_string(s, ids::CODEC_ID, "A_OPUS")
                })?;
            }
            Ok(())
        })
        .unwrap();
        for (c, base) in [(0u8, 0u64), (1, 1000)] {
            s.0.extend([0x1F, 0x43, 0xB6, 0x75, 0xFF]);
            write_uint(&mut s, ids::CLUSTER_TIMESTAMP, base).unwrap();
            write_binary(&mut s, ids::SIMPLE_BLOCK, &[0x81, 0, 10, 0x80, 0xFC, c]).unwrap();
            write_binary(&mut s, ids::VOID, &[0; 3]).unwrap();
            write_master(&mut s, ids::BLOCK_GROUP, |s| {
                write_binary(s, ids::BLOCK, &[0x82, 0xFF, 0xF6, 0x00, 0xFC, 7, 7])?;
                write_uint(s, ids::BLOCK_DURATION, 20)?;
                write_int(s, ids::REFERENCE_BLOCK, -20)?;
                write_int(s, ids::DISCARD_PADDING, 5_000_000)?;
                write_master(s, BLOCK_ADDITIONS, |s| write_binary(s, 0xA6, &[1, 2]))?;
                Ok(())
            })
            .unwrap();
        }
        s.0
    }

    /// Every event as a comparable string.
    fn events(bytes: &[u8], buffer: usize) -> (Vec<String>, Vec<Problem>) {
        let mut r = MatroskaReader::with_buffer(bytes, buffer, 1 << 20);
        let mut out = Vec::new();
        while let Some(e) = r.next_event().unwrap() {
            out.push(format!("{e:?}"));
        }
        (out, r.problems().to_vec())
    }

    #[test]
    fn walks_unknown_size_clusters_and_block_groups() {
        let bytes = sample();
        let mut r = MatroskaReader::new(&bytes[..]);
        let mut blocks = Vec::new();
        let mut clusters = 0;
        while let Some(e) = r.next_event().unwrap() {
            match e {
                MatroskaEvent::Cluster { size: None, .. } => clusters += 1,
                MatroskaEvent::Block(b) => blocks.push((
                    b.track,
                    b.timestamp,
                    b.keyframe,
                    b.duration,
                    b.discard_padding_ns,
                    b.has_additions,
                    b.data.to_vec(),
                )),
                MatroskaEvent::Tracks(t) => assert_eq!(t.len(), 2),
                MatroskaEvent::Info(i) => assert_eq!(i.writing_app, "test"),
                _ => {}
            }
        }
        assert_eq!(clusters, 2);
        assert_eq!(blocks.len(), 4);
        assert_eq!(blocks[0], (1, 10, true, None, 0, false, vec![0xFC, 0]));
        assert_eq!(blocks[1], (2, -10, false, Some(20), 5_000_000, true, vec![0xFC, 7, 7]));
        assert_eq!(blocks[3].1, 990);
        assert!(r.problems().is_empty());
        assert_eq!(r.position(), bytes.len() as u64);
    }

    #[test]
    fn missing_cluster_timestamp_second_document_and_garbage_are_reported() {
        let mut bytes = sample();
        // A cluster without Timestamp: its block uses the previous cluster's time.
        bytes.extend([0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xA3, 0x86, 0x81, 0, 5, 0x80, 0xFC, 9]);
        // Garbage, then another cluster, then a second document.
        bytes.extend([0x00, 0x01, 0x02]);
        bytes.extend([0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x81, 0x07]);
        bytes.extend([0x1A, 0x45, 0xDF, 0xA3, 0x80, 0xEE]);
        let mut r = MatroskaReader::new(&bytes[..]);
        let mut last = None;
        while let Some(e) = r.next_event().unwrap() {
            if let MatroskaEvent::Block(b) = e {
                last = Some(b.timestamp);
            }
        }
        assert_eq!(last, Some(1005));
        let p = r.problems();
        assert!(matches!(p[0], Problem::MissingClusterTimestamp { .. }), "{p:?}");
        assert!(matches!(p[1], Problem::Garbage { len: 3, .. }), "{p:?}");
        assert!(matches!(p[2], Problem::SecondDocument { .. }), "{p:?}");
        assert_eq!(r.bytes_dropped(), 3 + 6);
    }

    #[test]
    fn not_ebml_is_an_error_and_a_bare_header_ends_cleanly() {
        assert!(matches!(
            MatroskaReader::new(&b"RIFF1234WAVE"[..]).next_event(),
            Err(FixError::NotMatroska)
        ));
        assert!(matches!(
            MatroskaReader::new(&[0x1A, 0x45][..]).next_event(),
            Err(FixError::NotMatroska)
        ));
        // A header claiming more than the file has.
        let cut = [0x1A, 0x45, 0xDF, 0xA3, 0x88, 0x42, 0x82];
        assert!(matches!(MatroskaReader::new(&cut[..]).next_event(), Err(FixError::NotMatroska)));
    }

    proptest! {
        #[test]
        fn any_buffer_size_reads_the_same_events(buffer in 64usize..512) {
            let bytes = sample();
            prop_assert_eq!(events(&bytes, buffer), events(&bytes, 1 << 20));
        }

        #[test]
        fn any_cut_reads_a_prefix_of_the_events(cut in 0usize..400) {
            let bytes = sample();
            let cut = cut.min(bytes.len());
            let mut r = MatroskaReader::with_buffer(&bytes[..cut], 64, 1 << 20);
            let (all, _) = events(&bytes, 4096);
            let mut seen = Vec::new();
            while let Ok(Some(e)) = r.next_event() {
                seen.push(format!("{e:?}"));
            }
            // Events before the cut are identical; the element cut is dropped.
            prop_assert!(seen.len() <= all.len());
            prop_assert_eq!(&all[..seen.len()], &seen[..]);
            prop_assert!(r.position() <= cut as u64);
        }

        #[test]
        fn corrupted_bytes_never_panic_and_always_end(
            flips in prop::collection::vec((0usize..400, any::<u8>()), 0..12),
            buffer in 64usize..300,
        ) {
            let mut bytes = sample();
            for (at, v) in flips {
                if let Some(b) = bytes.get_mut(at) {
                    *b = v;
                }
            }
            let mut r = MatroskaReader::with_buffer(&bytes[..], buffer, 4096);
            let mut n = 0;
            while let Ok(Some(_)) = r.next_event() {
                n += 1;
                prop_assert!(n < 10_000);
            }
            prop_assert!(r.position() <= bytes.len() as u64);
        }
    }
}
