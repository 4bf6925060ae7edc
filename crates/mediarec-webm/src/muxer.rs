//! The streaming WebM/Matroska muxer.

use mediarec_core::{
    ByteSink, CodecConfig, CodecId, ContainerId, Duration, MediaKind, MuxTrack, Muxer, Packet,
    SliceSink,
};
use mediarec_ebml::{
    EncodedHeader, PatchSink, Vint, element_len, ids, int_len, write_binary, write_float,
    write_int, write_master, write_string, write_uint, write_unknown_size_header, write_void,
};

use crate::WebmError;

/// Cue points a muxer keeps by default: with 5 s clusters, about 2.8 hours before the index
/// starts to thin out.
pub const DEFAULT_CUE_CAPACITY: usize = 2048;

/// Tracks one muxer can carry. Track numbers stay below 127, so a block's track field is a
/// single byte.
pub const MAX_TRACKS: usize = 8;

/// The `MuxingApp` and `WritingApp` strings.
pub const APP_NAME: &str = "mediarec";

/// Nanoseconds per timestamp tick: block and cluster times are in milliseconds.
pub const TIMESTAMP_SCALE_NS: u64 = 1_000_000;

const fn must(v: Option<u64>) -> u64 {
    match v {
        Some(v) => v,
        None => panic!("element size constant overflow"),
    }
}

/// Largest `Seek` entry: 4-byte SeekID and 8-byte SeekPosition.
const SEEK_ENTRY_MAX: u64 = must(element_len(
    ids::SEEK,
    must(element_len(ids::SEEK_ID, 4)) + must(element_len(ids::SEEK_POSITION, 8)),
));

/// Largest `SeekHead` the finish writes (entries for Info, Tracks and Cues).
pub(crate) const SEEK_HEAD_MAX: u64 = must(element_len(ids::SEEK_HEAD, 3 * SEEK_ENTRY_MAX));

/// Bytes reserved at the start of the segment for the `SeekHead`. Two more than the largest
/// `SeekHead`, so the rest can always be filled with a valid `Void` (which needs at least
/// 2 bytes) whatever the positions turn out to be.
pub const SEEK_HEAD_RESERVE: u64 = SEEK_HEAD_MAX + 2;

/// Bytes reserved in `Info` for `Duration`: 2-byte ID, 1-byte size, 8-byte float.
const DURATION_RESERVE: u64 = must(element_len(ids::DURATION, 8));

/// Cluster ID, 8-byte unknown size, and the cluster `Timestamp` at its widest.
const CLUSTER_HEADER_MAX: u64 = 4 + 8 + must(element_len(ids::CLUSTER_TIMESTAMP, 8));

/// Track number (1 byte), relative time (2), flags (1).
const BLOCK_HEADER_LEN: u64 = 4;

/// `BlockGroup` + `Block` headers with sizes at their widest, the block header, and a
/// `DiscardPadding` at its widest (a `SimpleBlock` needs less).
const BLOCK_GROUP_FRAMING_MAX: u64 =
    (1 + 8) + (1 + 8) + BLOCK_HEADER_LEN + must(element_len(ids::DISCARD_PADDING, 8));

/// Largest `CuePoint`.
const CUE_POINT_MAX: u64 = must(element_len(
    ids::CUE_POINT,
    must(element_len(ids::CUE_TIME, 8))
        + must(element_len(
            ids::CUE_TRACK_POSITIONS,
            must(element_len(ids::CUE_TRACK, 1)) + must(element_len(ids::CUE_CLUSTER_POSITION, 8)),
        )),
));

/// A Cluster ID followed by the 8-byte unknown size.
const CLUSTER_HEADER: [u8; 12] =
    [0x1F, 0x43, 0xB6, 0x75, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
/// One-byte IDs written on the hot path.
const TIMESTAMP_ID: u8 = ids::CLUSTER_TIMESTAMP as u8;
const SIMPLE_BLOCK_ID: u8 = ids::SIMPLE_BLOCK as u8;

/// Room for a cluster header and a block group header (at most 48 bytes, plus slack for
/// [`Scratch::push_word`]).
struct Scratch {
    buf: [u8; 64],
    len: usize,
}

impl Scratch {
    const fn new() -> Self {
        Scratch { buf: [0; 64], len: 0 }
    }

    #[inline]
    fn push(&mut self, bytes: &[u8]) -> Result<(), WebmError> {
        let end = self.len + bytes.len();
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or(WebmError::Write(mediarec_ebml::WriteError::SizeTooLarge))?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Appends the first `len` bytes of a left-aligned big-endian word with one 8-byte
    /// store (the buffer keeps 8 bytes of slack for it).
    #[inline]
    fn push_word(&mut self, word: u64, len: usize) -> Result<(), WebmError> {
        let dst = self
            .buf
            .get_mut(self.len..self.len + 8)
            .ok_or(WebmError::Write(mediarec_ebml::WriteError::SizeTooLarge))?;
        dst.copy_from_slice(&word.to_be_bytes());
        self.len += len.min(8);
        Ok(())
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// The document type written in the EBML header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocType {
    /// `webm`.
    WebM,
    /// `matroska`.
    Matroska,
}

impl DocType {
    /// The DocType string.
    pub const fn as_str(self) -> &'static str {
        match self {
            DocType::WebM => "webm",
            DocType::Matroska => "matroska",
        }
    }

    /// The document type for a container, or `None` when it is not EBML-based.
    pub const fn from_container(container: ContainerId) -> Option<DocType> {
        match container {
            ContainerId::WebM => Some(DocType::WebM),
            ContainerId::Matroska => Some(DocType::Matroska),
            _ => None,
        }
    }
}

/// How the muxer lays out its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebmOptions {
    /// `webm` or `matroska` in the EBML header.
    pub doc_type: DocType,
    /// A packet this long or longer after the cluster's start opens a new cluster, so that
    /// audio-only recordings are seekable and repairable in small steps.
    pub max_cluster_duration: Duration,
}

impl WebmOptions {
    /// The default cluster length limit.
    pub const DEFAULT_MAX_CLUSTER_DURATION: Duration = Duration::from_secs(5);

    /// Options for `doc_type` with the default cluster length.
    pub const fn new(doc_type: DocType) -> Self {
        WebmOptions { doc_type, max_cluster_duration: Self::DEFAULT_MAX_CLUSTER_DURATION }
    }
}

impl Default for WebmOptions {
    fn default() -> Self {
        Self::new(DocType::WebM)
    }
}

#[derive(Debug, Clone, Copy)]
struct Track {
    config: CodecConfig,
    last_pts: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Writing,
    Finished,
}

/// Absolute sink offsets remembered from the header for the seekable finish.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Layout {
    pub(crate) segment_size: u64,
    pub(crate) segment_data: u64,
    pub(crate) seek_void: u64,
    pub(crate) info: u64,
    pub(crate) tracks: u64,
    pub(crate) duration_void: u64,
}

#[derive(Debug, Clone, Copy)]
struct OpenCluster {
    /// Absolute offset of the Cluster ID.
    pos: u64,
    /// Cluster timestamp in milliseconds.
    timecode: u64,
    /// True until the cue track's first packet in this cluster has been seen.
    cue_pending: bool,
}

impl OpenCluster {
    /// The cluster's size field follows its 4-byte ID.
    const fn size_field(&self) -> u64 {
        self.pos.saturating_add(4)
    }
    const fn data_start(&self) -> u64 {
        self.pos.saturating_add(12)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CueEntry {
    time_ms: u64,
    /// Track number (1-based) the cue points at.
    track: u8,
    /// Cluster offset from the start of the segment's data.
    cluster: u64,
}

/// A streaming WebM/Matroska muxer that writes into any [`ByteSink`].
///
/// The bytes it `write`s never depend on the sink, so blobs cut from a live stream
/// concatenate to the same file a seekable sink receives. When the sink
/// [can patch](ByteSink::can_patch), it additionally patches cluster sizes as clusters
/// close and, at [`Muxer::finish`], appends `Cues` and fills in the `SeekHead`, `Duration`
/// and Segment size in room reserved by the header.
///
/// `CUES` bounds the seek index; when it fills up, every other entry is dropped and later
/// clusters are indexed at half the rate, so long recordings keep an evenly spread index in
/// fixed memory.
#[derive(Debug)]
pub struct WebmMuxer<const CUES: usize = DEFAULT_CUE_CAPACITY> {
    options: WebmOptions,
    tracks: heapless::Vec<Track, MAX_TRACKS>,
    state: State,
    pub(crate) layout: Layout,
    cluster: Option<OpenCluster>,
    force_cluster: bool,
    clusters: u64,
    cues: heapless::Vec<CueEntry, CUES>,
    cue_stride: u64,
    cue_candidates: u64,
    end: Duration,
    /// Where playback ends: packet ends less the codec delay and end trimming.
    presentation_end: Duration,
    /// Every blob after a cut is a file of its own (see [`Muxer::self_contained_blobs`]).
    self_contained: bool,
    /// The next cluster starts a self-contained blob.
    blob_starts: bool,
    /// Timestamp (ms) at which the current self-contained blob's timeline starts.
    blob_origin: u64,
    /// Fixed at `write_header`: the index of the track the seek index follows.
    cue_track: Option<u8>,
}

impl<const CUES: usize> Default for WebmMuxer<CUES> {
    fn default() -> Self {
        Self::new(WebmOptions::default())
    }
}

impl<const CUES: usize> WebmMuxer<CUES> {
    /// A muxer with `options` and no tracks yet.
    pub const fn new(options: WebmOptions) -> Self {
        WebmMuxer {
            options,
            tracks: heapless::Vec::new(),
            state: State::New,
            layout: Layout {
                segment_size: 0,
                segment_data: 0,
                seek_void: 0,
                info: 0,
                tracks: 0,
                duration_void: 0,
            },
            cluster: None,
            force_cluster: false,
            clusters: 0,
            cues: heapless::Vec::new(),
            cue_stride: 1,
            cue_candidates: 0,
            end: Duration::ZERO,
            presentation_end: Duration::ZERO,
            self_contained: false,
            blob_starts: false,
            blob_origin: 0,
            cue_track: None,
        }
    }

    /// A muxer for `container` (WebM or Matroska) with default options.
    pub const fn for_container(container: ContainerId) -> Result<Self, WebmError> {
        match DocType::from_container(container) {
            Some(doc_type) => Ok(Self::new(WebmOptions::new(doc_type))),
            None => Err(WebmError::UnsupportedContainer),
        }
    }

    /// The options in force.
    pub const fn options(&self) -> &WebmOptions {
        &self.options
    }

    /// Clusters opened so far.
    pub const fn cluster_count(&self) -> u64 {
        self.clusters
    }

    /// Cue points currently held for the seek index.
    pub fn cue_count(&self) -> usize {
        self.cues.len()
    }

    /// Absolute offset of the Segment's data (what `SeekPosition` and
    /// `CueClusterPosition` count from), once the header is written.
    pub fn segment_data_offset(&self) -> Option<u64> {
        (self.state != State::New).then_some(self.layout.segment_data)
    }

    /// The track whose keyframes the seek index points at: the first video track, else the
    /// first audio track.
    fn find_cue_track(&self) -> Option<usize> {
        let video = self.tracks.iter().position(|t| t.config.kind() == MediaKind::Video);
        video.or_else(|| (!self.tracks.is_empty()).then_some(0))
    }

    fn add_cue(&mut self, cue: CueEntry) {
        if CUES == 0 {
            return;
        }
        let candidate = self.cue_candidates;
        self.cue_candidates = self.cue_candidates.saturating_add(1);
        if !candidate.is_multiple_of(self.cue_stride) {
            return;
        }
        if self.cues.is_full() {
            // Entries sit at candidates 0, s, 2s, …; keeping the even ones leaves 0, 2s, …
            let mut i = 0usize;
            self.cues.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.cue_stride = self.cue_stride.saturating_mul(2);
            if !candidate.is_multiple_of(self.cue_stride) {
                return;
            }
        }
        // Still full only with a capacity of 1: then the first entry is the one kept.
        let _ = self.cues.push(cue);
    }

    fn write_ebml_header(&self, sink: &mut dyn ByteSink) -> Result<(), WebmError> {
        let doc_type = self.options.doc_type.as_str();
        write_master(sink, ids::EBML, |s| {
            write_uint(s, ids::EBML_VERSION, 1)?;
            write_uint(s, ids::EBML_READ_VERSION, 1)?;
            write_uint(s, ids::EBML_MAX_ID_LENGTH, 4)?;
            write_uint(s, ids::EBML_MAX_SIZE_LENGTH, 8)?;
            write_string(s, ids::DOC_TYPE, doc_type)?;
            // Version 4 brings CodecDelay, SeekPreRoll and DiscardPadding.
            write_uint(s, ids::DOC_TYPE_VERSION, 4)?;
            write_uint(s, ids::DOC_TYPE_READ_VERSION, 2)
        })?;
        Ok(())
    }

    fn write_tracks(&self, sink: &mut dyn ByteSink) -> Result<(), WebmError> {
        write_master(sink, ids::TRACKS, |s| {
            for (i, track) in self.tracks.iter().enumerate() {
                write_master(s, ids::TRACK_ENTRY, |s| {
                    write_track_entry(s, i as u64 + 1, &track.config)
                })?;
            }
            Ok(())
        })?;
        Ok(())
    }

    fn patch_cluster_size(
        cluster: &OpenCluster,
        end: u64,
        sink: &mut dyn ByteSink,
    ) -> Result<(), WebmError> {
        let size = Vint::size_with_width(end.saturating_sub(cluster.data_start()), 8)?;
        sink.patch(cluster.size_field(), size.as_bytes())?;
        Ok(())
    }

    fn check_writing(&self) -> Result<(), WebmError> {
        match self.state {
            State::New => Err(WebmError::HeaderNotWritten),
            State::Writing => Ok(()),
            State::Finished => Err(WebmError::Finished),
        }
    }

    /// Appends `Cues` as patch-only data at `at`; returns their length.
    fn patch_cues(&self, at: u64, sink: &mut dyn ByteSink) -> Result<u64, WebmError> {
        let mut p = PatchSink::new(sink, at);
        let len = write_master(&mut p, ids::CUES, |s| {
            for cue in self.cues.iter() {
                write_master(s, ids::CUE_POINT, |s| {
                    write_uint(s, ids::CUE_TIME, cue.time_ms)?;
                    write_master(s, ids::CUE_TRACK_POSITIONS, |s| {
                        write_uint(s, ids::CUE_TRACK, u64::from(cue.track))?;
                        write_uint(s, ids::CUE_CLUSTER_POSITION, cue.cluster)
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
        p.flush()?;
        Ok(len)
    }

    /// The `SeekHead` plus the `Void` that fills the rest of the reserved room.
    pub(crate) fn seek_head(
        &self,
        cues: Option<u64>,
        out: &mut [u8; SEEK_HEAD_RESERVE as usize],
    ) -> Result<(), WebmError> {
        let data = self.layout.segment_data;
        let mut entries =
            [(ids::INFO, self.layout.info), (ids::TRACKS, self.layout.tracks), (0, 0)];
        let mut count = 2;
        if let Some(c) = cues {
            entries[2] = (ids::CUES, c);
            count = 3;
        }
        let mut s = SliceSink::new(out);
        write_master(&mut s, ids::SEEK_HEAD, |s| {
            for &(id, pos) in entries.iter().take(count) {
                write_master(s, ids::SEEK, |s| {
                    write_binary(s, ids::SEEK_ID, &id.to_be_bytes())?;
                    write_uint(s, ids::SEEK_POSITION, pos.saturating_sub(data))
                })?;
            }
            Ok(())
        })?;
        let used = s.position();
        write_void(&mut s, SEEK_HEAD_RESERVE.saturating_sub(used))?;
        Ok(())
    }
}

/// The Matroska `CodecID` of a codec, or `None` when it has no mapping here.
pub const fn codec_id(codec: CodecId) -> Option<&'static str> {
    match codec {
        CodecId::Opus => Some("A_OPUS"),
        CodecId::PcmF32 => Some("A_PCM/FLOAT/IEEE"),
        CodecId::PcmS16 => Some("A_PCM/INT/LIT"),
        CodecId::Vp8 => Some("V_VP8"),
        CodecId::Vp9 => Some("V_VP9"),
        _ => None,
    }
}

fn write_track_entry(
    s: &mut dyn ByteSink,
    number: u64,
    c: &CodecConfig,
) -> Result<(), mediarec_ebml::WriteError> {
    write_uint(s, ids::TRACK_NUMBER, number)?;
    write_uint(s, ids::TRACK_UID, number)?;
    let video = c.kind() == MediaKind::Video;
    write_uint(s, ids::TRACK_TYPE, if video { 1 } else { 2 })?;
    write_uint(s, ids::FLAG_LACING, 0)?;
    // Checked in add_track; an empty string cannot occur.
    write_string(s, ids::CODEC_ID, codec_id(c.codec).unwrap_or(""))?;
    if !c.private.as_bytes().is_empty() {
        write_binary(s, ids::CODEC_PRIVATE, c.private.as_bytes())?;
    }
    if c.codec_delay > Duration::ZERO {
        write_uint(s, ids::CODEC_DELAY, c.codec_delay.as_nanos())?;
    }
    if c.seek_preroll > Duration::ZERO {
        write_uint(s, ids::SEEK_PRE_ROLL, c.seek_preroll.as_nanos())?;
    }
    if video {
        write_master(s, ids::VIDEO, |s| {
            write_uint(s, ids::PIXEL_WIDTH, u64::from(c.width))?;
            write_uint(s, ids::PIXEL_HEIGHT, u64::from(c.height))
        })?;
    } else {
        write_master(s, ids::AUDIO, |s| {
            write_float(s, ids::SAMPLING_FREQUENCY, f64::from(c.sample_rate))?;
            write_uint(s, ids::CHANNELS, u64::from(c.channels))?;
            if c.bit_depth > 0 {
                write_uint(s, ids::BIT_DEPTH, u64::from(c.bit_depth))?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// `samples` at `rate` Hz in nanoseconds, rounded to nearest.
fn samples_to_ns(samples: u32, rate: u32) -> i64 {
    if rate == 0 {
        return 0;
    }
    let ns = (u128::from(samples) * 1_000_000_000 + u128::from(rate / 2)) / u128::from(rate);
    i64::try_from(ns).unwrap_or(i64::MAX)
}

impl<const CUES: usize> Muxer for WebmMuxer<CUES> {
    type Error = WebmError;

    fn add_track(&mut self, config: &CodecConfig) -> Result<MuxTrack, WebmError> {
        if self.state != State::New {
            return Err(WebmError::HeaderAlreadyWritten);
        }
        if codec_id(config.codec).is_none() {
            return Err(WebmError::UnsupportedCodec(config.codec));
        }
        let mut config = *config;
        match config.kind() {
            MediaKind::Audio => {
                if config.sample_rate == 0 || config.channels == 0 {
                    return Err(WebmError::InvalidTrackConfig);
                }
                // PCM cannot be decoded without its sample width.
                if config.bit_depth == 0 {
                    config.bit_depth = match config.codec {
                        CodecId::PcmS16 => 16,
                        CodecId::PcmF32 => 32,
                        _ => 0,
                    };
                }
            }
            MediaKind::Video => {
                if config.width == 0 || config.height == 0 {
                    return Err(WebmError::InvalidTrackConfig);
                }
            }
        }
        self.tracks.push(Track { config, last_pts: None }).map_err(|_| WebmError::TooManyTracks)?;
        Ok(MuxTrack(self.tracks.len() as u8))
    }

    fn write_header(&mut self, sink: &mut dyn ByteSink) -> Result<(), WebmError> {
        if self.state != State::New {
            return Err(WebmError::HeaderAlreadyWritten);
        }
        if self.tracks.is_empty() {
            return Err(WebmError::NoTracks);
        }
        self.layout = self.write_head(sink)?;
        self.cue_track = self.find_cue_track().map(|i| i as u8);
        self.state = State::Writing;
        Ok(())
    }

    fn self_contained_blobs(&mut self) -> bool {
        self.self_contained = self.state == State::New;
        self.self_contained
    }

    fn write_packet(
        &mut self,
        track: MuxTrack,
        packet: &Packet<'_>,
        sink: &mut dyn ByteSink,
    ) -> Result<(), WebmError> {
        self.check_writing()?;
        if self.force_cluster && self.self_contained {
            // A blob starts here: it gets the whole header so that it plays alone.
            self.write_head(&mut BlobOnly { sink, written: 0 })?;
            self.blob_starts = true;
        }
        self.write_block(track, packet, sink)
    }

    fn cut(&mut self, _sink: &mut dyn ByteSink) -> Result<(), WebmError> {
        self.check_writing()?;
        self.force_cluster = true;
        Ok(())
    }

    fn finish(&mut self, sink: &mut dyn ByteSink) -> Result<(), WebmError> {
        self.finish_segment(sink)
    }

    fn max_packet_overhead(&self) -> usize {
        (CLUSTER_HEADER_MAX + BLOCK_GROUP_FRAMING_MAX) as usize
    }

    fn max_finish_len(&self) -> usize {
        let cues = 4 + 8 + CUE_POINT_MAX.saturating_mul(CUES as u64);
        // Cues, SeekHead room, Duration, last cluster size, Segment size.
        cues.saturating_add(SEEK_HEAD_RESERVE + DURATION_RESERVE + 8 + 8) as usize
    }

    fn duration(&self) -> Duration {
        self.end
    }
}

/// Routes writes to [`ByteSink::write_blob_only`]: the header copies of self-contained
/// blobs, which are not part of the output file. Its position counts what it wrote, as the
/// element writers expect.
struct BlobOnly<'a> {
    sink: &'a mut dyn ByteSink,
    written: u64,
}

impl ByteSink for BlobOnly<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), mediarec_core::SinkError> {
        self.sink.write_blob_only(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }
    fn position(&self) -> u64 {
        self.written
    }
}

impl<const CUES: usize> WebmMuxer<CUES> {
    /// EBML header, Segment of unknown size, the room reserved for the SeekHead, Info with
    /// the room reserved for Duration, and Tracks. Returns where each went.
    fn write_head(&self, sink: &mut dyn ByteSink) -> Result<Layout, WebmError> {
        let mut layout = Layout::default();
        self.write_ebml_header(sink)?;
        layout.segment_size = sink.position().saturating_add(4);
        write_unknown_size_header(sink, ids::SEGMENT)?;
        layout.segment_data = sink.position();
        layout.seek_void = sink.position();
        write_void(sink, SEEK_HEAD_RESERVE)?;
        layout.info = sink.position();
        let mut duration_void = 0;
        write_master(sink, ids::INFO, |s| {
            write_uint(s, ids::TIMESTAMP_SCALE, TIMESTAMP_SCALE_NS)?;
            write_string(s, ids::MUXING_APP, APP_NAME)?;
            write_string(s, ids::WRITING_APP, APP_NAME)?;
            // The last pass is the real one, so this ends up as the sink offset.
            duration_void = s.position();
            write_void(s, DURATION_RESERVE)
        })?;
        layout.duration_void = duration_void;
        layout.tracks = sink.position();
        self.write_tracks(sink)?;
        Ok(layout)
    }

    fn write_block(
        &mut self,
        track: MuxTrack,
        packet: &Packet<'_>,
        sink: &mut dyn ByteSink,
    ) -> Result<(), WebmError> {
        let index = usize::from(track.0).checked_sub(1).ok_or(WebmError::UnknownTrack(track))?;
        let cue_track = self.cue_track;
        let t = self.tracks.get(index).ok_or(WebmError::UnknownTrack(track))?;
        let info = packet.info;
        if t.last_pts.is_some_and(|last| info.pts < last) {
            return Err(WebmError::NonMonotonic(track));
        }
        let is_video = t.config.kind() == MediaKind::Video;
        let trimmed = Duration::from_samples(u64::from(info.discard_samples), t.config.sample_rate);
        let played = (info.pts + info.duration).saturating_sub(t.config.codec_delay + trimmed);
        let keyframe = info.keyframe || !is_video;
        let time = info.pts.as_millis();
        let max_ms = self.options.max_cluster_duration.as_millis();

        let open_new = match &self.cluster {
            None => true,
            Some(c) => {
                self.force_cluster
                    || (is_video && info.keyframe)
                    || time
                        .checked_sub(c.timecode)
                        .is_some_and(|d| d >= max_ms || d > i16::MAX as u64)
            }
        };
        let previous = self.cluster;
        // A new cluster never starts before the previous one; a slightly late packet of
        // another track then gets a small negative block time.
        let timecode = match (&previous, open_new) {
            (Some(c), false) => c.timecode,
            (Some(c), true) => time.max(c.timecode),
            (None, _) => time,
        };
        let relative = i16::try_from(i128::from(time) - i128::from(timecode))
            .map_err(|_| WebmError::OutOfOrder(track))?;

        // Cluster header (if any) and block header go out in one write, assembled here
        // without going through the generic element writers (this is the hot path).
        let mut head = Scratch::new();
        // A self-contained blob that does not start at 0 gets its own cluster headers, on a
        // timeline starting at its first cluster; the file keeps the real ones.
        let mut split: Option<(Scratch, Scratch)> = None;
        if open_new {
            if self.blob_starts {
                self.blob_origin = timecode;
            }
            if self.self_contained && self.blob_origin > 0 {
                let (mut file_head, mut blob_head) = (Scratch::new(), Scratch::new());
                push_cluster_header(&mut file_head, timecode)?;
                push_cluster_header(&mut blob_head, timecode - self.blob_origin)?;
                split = Some((file_head, blob_head));
            } else {
                push_cluster_header(&mut head, timecode)?;
            }
        }
        let track_byte = 0x80 | track.0;
        let [rel_hi, rel_lo] = relative.to_be_bytes();
        let block_len = BLOCK_HEADER_LEN + packet.data.len() as u64;
        let discard_ns = match (is_video, info.discard_samples) {
            (false, n) if n > 0 => Some(samples_to_ns(n, t.config.sample_rate)),
            _ => None,
        };
        match discard_ns {
            None => {
                let size = Vint::size(block_len)?;
                head.push(&[SIMPLE_BLOCK_ID])?;
                head.push_word(size.to_be_word(), size.len())?;
                let flags = if keyframe { 0x80 } else { 0x00 };
                head.push(&[track_byte, rel_hi, rel_lo, flags])?;
            }
            Some(ns) => {
                let block = element_len(ids::BLOCK, block_len)
                    .ok_or(mediarec_ebml::WriteError::SizeTooLarge)?;
                let padding = element_len(ids::DISCARD_PADDING, int_len(ns) as u64)
                    .ok_or(mediarec_ebml::WriteError::SizeTooLarge)?;
                head.push(
                    EncodedHeader::new(ids::BLOCK_GROUP, block.saturating_add(padding))?.as_bytes(),
                )?;
                head.push(EncodedHeader::new(ids::BLOCK, block_len)?.as_bytes())?;
                // A Block without ReferenceBlock is a keyframe; its flag bits stay clear.
                head.push(&[track_byte, rel_hi, rel_lo, 0x00])?;
            }
        }

        let cluster_pos = sink.position();
        if let (true, Some(c)) = (open_new && sink.can_patch(), &previous) {
            Self::patch_cluster_size(c, cluster_pos, sink)?;
        }
        if let Some((file_head, blob_head)) = &split {
            sink.write_blob_only(blob_head.as_bytes())?;
            sink.write_file_only(file_head.as_bytes())?;
        }
        sink.write(head.as_bytes())?;
        sink.write(packet.data)?;
        if let Some(ns) = discard_ns {
            write_int(sink, ids::DISCARD_PADDING, ns)?;
        }

        // Everything is out: commit the state.
        if open_new {
            self.blob_starts = false;
            self.cluster = Some(OpenCluster { pos: cluster_pos, timecode, cue_pending: true });
            self.force_cluster = false;
            self.clusters = self.clusters.saturating_add(1);
        }
        let segment_data = self.layout.segment_data;
        // The cue track indexes clusters; until it has delivered anything (a video track
        // that has not started, or never will), any track's key frame does, so that a
        // file with only audio blocks is still indexed.
        let cue_track_silent = cue_track
            .and_then(|i| self.tracks.get(usize::from(i)))
            .is_some_and(|t| t.last_pts.is_none());
        if let Some(c) = self.cluster.as_mut()
            && (cue_track == Some(index as u8) || cue_track_silent)
            && c.cue_pending
        {
            c.cue_pending = false;
            if keyframe {
                let cue = CueEntry {
                    time_ms: time,
                    track: index as u8 + 1,
                    cluster: c.pos.saturating_sub(segment_data),
                };
                self.add_cue(cue);
            }
        }
        if let Some(t) = self.tracks.get_mut(index) {
            t.last_pts = Some(info.pts);
        }
        self.end = self.end.max(info.pts + info.duration);
        self.presentation_end = self.presentation_end.max(played);
        Ok(())
    }

    fn finish_segment(&mut self, sink: &mut dyn ByteSink) -> Result<(), WebmError> {
        self.check_writing()?;
        if !sink.can_patch() {
            self.state = State::Finished;
            return Ok(());
        }
        let end = sink.position();
        if let Some(c) = &self.cluster {
            Self::patch_cluster_size(c, end, sink)?;
        }
        let mut segment_end = end;
        let mut cues_at = None;
        if !self.cues.is_empty() {
            let len = self.patch_cues(end, sink)?;
            segment_end = segment_end.saturating_add(len);
            cues_at = Some(end);
        }
        let mut seek_head = [0u8; SEEK_HEAD_RESERVE as usize];
        self.seek_head(cues_at, &mut seek_head)?;
        sink.patch(self.layout.seek_void, &seek_head)?;

        let mut duration = [0u8; DURATION_RESERVE as usize];
        let mut ds = SliceSink::new(&mut duration);
        // Duration is what plays: packet time less the decoder delay and end padding, so
        // players show exactly the captured length.
        write_float(&mut ds, ids::DURATION, self.presentation_end.as_micros() as f64 / 1000.0)?;
        sink.patch(self.layout.duration_void, ds.written())?;

        let size = Vint::size_with_width(segment_end.saturating_sub(self.layout.segment_data), 8)?;
        sink.patch(self.layout.segment_size, size.as_bytes())?;
        self.state = State::Finished;
        Ok(())
    }
}

/// Cluster ID, an unknown 8-byte size and the Timestamp element.
fn push_cluster_header(head: &mut Scratch, timecode: u64) -> Result<(), WebmError> {
    head.push(&CLUSTER_HEADER)?;
    let n = mediarec_ebml::uint_len(timecode);
    let be = timecode.to_be_bytes();
    head.push(&[TIMESTAMP_ID, 0x80 | n as u8])?;
    head.push(be.get(8 - n..).unwrap_or(&be))?;
    Ok(())
}
