//! The Ogg Opus muxer.

use core::fmt;

use mediarec_core::{
    ByteSink, CodecConfig, CodecId, Duration, ErrorKind, MuxTrack, Muxer, Packet, SinkError,
};

use crate::opus::{GRANULE_RATE, OpusHead, OpusHeadError, opus_packet_samples, opus_tags};
use crate::page::{
    FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, HEADER_LEN, MAX_BODY, MAX_SEGMENTS, write_header,
};

/// Room reserved in front of the page body for the header and the largest segment table,
/// so that a finished page goes to the sink in one all-or-nothing write.
const HEAD_ROOM: usize = HEADER_LEN + MAX_SEGMENTS;

/// Default page buffer: 8 KiB holds a second of Opus up to ~60 kbit/s and any packet libopus
/// makes (at most 1275 bytes per 20 ms frame, 7650 bytes for 120 ms).
pub const DEFAULT_PAGE_BUFFER: usize = 8192;

/// The serial number of our single logical stream: the ASCII bytes `mrec`.
///
/// RFC 3533 asks for serials that are unique among the streams of one physical stream; we
/// write exactly one stream per file and never chain, so a fixed value is enough and keeps
/// the output byte-for-byte reproducible. Use [`OggOpusMuxer::with_serial`] to choose
/// another (e.g. when files will be chained).
pub const DEFAULT_SERIAL: u32 = u32::from_le_bytes(*b"mrec");

/// A page holding this much audio is closed before the next packet is added.
const PAGE_SAMPLES: u64 = GRANULE_RATE as u64;

/// Why the muxer refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OggError {
    /// Only Opus is carried.
    UnsupportedCodec(CodecId),
    /// Ogg Opus carries one track; a second was added.
    TooManyTracks,
    /// A packet names a track this muxer did not hand out.
    UnknownTrack(MuxTrack),
    /// The track's `CodecPrivate` is not a usable `OpusHead`.
    BadOpusHead(OpusHeadError),
    /// No `CodecPrivate` and a channel count that needs a mapping table (not 1 or 2).
    UnsupportedChannels(u16),
    /// A call out of order: header before a track, packets before the header or after
    /// `finish`.
    Order,
    /// An empty or undecodable Opus packet with no duration to fall back on.
    InvalidPacket,
    /// A packet after one that carried end trimming (`discard_samples`): trimming is only
    /// allowed at the very end (RFC 7845 §4.4).
    PacketAfterEnd,
    /// The sink refused the bytes.
    Sink(SinkError),
}

impl fmt::Display for OggError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OggError::UnsupportedCodec(c) => write!(f, "codec {c:?} cannot be muxed into Ogg"),
            OggError::TooManyTracks => f.write_str("Ogg Opus carries a single track"),
            OggError::UnknownTrack(t) => write!(f, "unknown track {}", t.0),
            OggError::BadOpusHead(e) => write!(f, "{e}"),
            OggError::UnsupportedChannels(n) => write!(f, "{n} channels need an OpusHead"),
            OggError::Order => f.write_str("call out of order"),
            OggError::InvalidPacket => f.write_str("invalid Opus packet"),
            OggError::PacketAfterEnd => f.write_str("packet after the end-trimmed final packet"),
            OggError::Sink(e) => write!(f, "sink: {e:?}"),
        }
    }
}

impl mediarec_core::Error for OggError {
    fn kind(&self) -> ErrorKind {
        match self {
            OggError::UnsupportedCodec(_)
            | OggError::TooManyTracks
            | OggError::UnsupportedChannels(_) => ErrorKind::Unsupported,
            OggError::Sink(e) => mediarec_core::Error::kind(e),
            _ => ErrorKind::InvalidInput,
        }
    }
}

impl From<SinkError> for OggError {
    fn from(e: SinkError) -> Self {
        OggError::Sink(e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// No track yet.
    NoTrack,
    /// Track added; `pages` header pages written so far (0 or 1).
    Header { pages: u8 },
    /// Audio pages.
    Audio,
    /// The EOS page is out.
    Finished,
}

/// A streaming Ogg Opus writer (RFC 7845) with a fixed page buffer of `N` bytes.
///
/// - Page 0 holds the `OpusHead` alone (BOS), page 1 the `OpusTags` alone (vendor
///   `mediarec`, no comments), both with granule position 0.
/// - Audio pages end at every [`Muxer::cut`], when a page holds a second of audio, when the
///   next packet would not fit in the buffer or the 255 lacing values, and at
///   [`Muxer::finish`].
/// - Granule positions count 48 kHz samples of the completed packets from the start,
///   pre-skip included; durations come from each packet's TOC byte (the packet's
///   `duration` only when the TOC is unreadable). Ogg Opus time is this running count, so
///   gaps between packet timestamps cannot be represented and are closed up.
/// - A packet with [`discard_samples`](mediarec_core::PacketInfo::discard_samples) is the
///   last one: its page's granule position is reduced by that many samples (end trimming)
///   and carries EOS.
///
/// Everything is written once, in order: Ogg needs no patching, so every output is a
/// complete, playable stream and a blob boundary is a page boundary.
///
/// All-or-nothing: a page goes to the sink in one write, flushed *before* the packet that
/// does not fit is taken, so a `write_packet` that fails with [`SinkError::Full`] changed
/// nothing and can be retried. The exception is a packet larger than the page body
/// (`N - 282` bytes), which spans several pages written in turn.
///
/// ```
/// use mediarec_core::{CodecConfig, CodecId, Duration, Muxer, Packet, PacketInfo, SliceSink};
/// use mediarec_ogg::{OggOpusMuxer, Pages};
///
/// let mut config = CodecConfig::audio(CodecId::Opus, 48_000, 2);
/// config.codec_delay = Duration::from_samples(312, 48_000);
/// let mut mux = OggOpusMuxer::new();
/// let track = mux.add_track(&config).unwrap();
/// let mut out = vec![0u8; 4096];
/// let mut sink = SliceSink::new(&mut out);
/// mux.write_header(&mut sink).unwrap();
/// let info = PacketInfo { len: 3, pts: Duration::ZERO, duration: Duration::from_millis(20),
///                         keyframe: true, discard_samples: 0 };
/// mux.write_packet(track, &Packet { data: &[0xFC, 0xFF, 0xFE], info }, &mut sink).unwrap();
/// mux.finish(&mut sink).unwrap();
/// let granules: Vec<i64> = Pages::new(sink.written()).map(|p| p.unwrap().granule).collect();
/// assert_eq!(granules, [0, 0, 960]);
/// ```
#[derive(Clone)]
pub struct OggOpusMuxer<const N: usize = DEFAULT_PAGE_BUFFER> {
    serial: u32,
    stage: Stage,
    head: [u8; mediarec_core::CodecPrivate::CAPACITY],
    head_len: usize,
    pre_skip: u16,
    /// The page being built: header room, then the body.
    buf: [u8; N],
    segments: [u8; MAX_SEGMENTS],
    nseg: usize,
    body_len: usize,
    /// The first piece on the page continues a packet.
    continued: bool,
    /// Granule after the last packet completed on this page, if any.
    page_granule: Option<u64>,
    /// Granule when the page began (for the one-second rule).
    page_start: u64,
    /// The page holds the end-trimmed final packet.
    page_is_last: bool,
    /// Samples of all completed packets (untrimmed).
    granule: u64,
    sequence: u32,
    ended: bool,
    end: Duration,
}

impl OggOpusMuxer<DEFAULT_PAGE_BUFFER> {
    /// A muxer with the default page buffer.
    pub fn new() -> Self {
        Self::with_buffer()
    }
}

impl Default for OggOpusMuxer<DEFAULT_PAGE_BUFFER> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for OggOpusMuxer<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OggOpusMuxer")
            .field("serial", &self.serial)
            .field("stage", &self.stage)
            .field("sequence", &self.sequence)
            .field("granule", &self.granule)
            .field("buffered", &self.body_len)
            .finish_non_exhaustive()
    }
}

impl<const N: usize> OggOpusMuxer<N> {
    /// Body bytes one page can buffer.
    pub const BODY_CAPACITY: usize = {
        assert!(N >= HEAD_ROOM + 255, "page buffer must hold the header room and one segment");
        let body = N - HEAD_ROOM;
        if body > MAX_BODY { MAX_BODY } else { body }
    };

    /// A muxer whose page buffer is `N` bytes (at least 537: header, segment table and one
    /// full segment; pages never exceed 65 307 bytes, so larger buffers gain nothing).
    pub fn with_buffer() -> Self {
        let _ = Self::BODY_CAPACITY;
        OggOpusMuxer {
            serial: DEFAULT_SERIAL,
            stage: Stage::NoTrack,
            head: [0; mediarec_core::CodecPrivate::CAPACITY],
            head_len: 0,
            pre_skip: 0,
            buf: [0; N],
            segments: [0; MAX_SEGMENTS],
            nseg: 0,
            body_len: 0,
            continued: false,
            page_granule: None,
            page_start: 0,
            page_is_last: false,
            granule: 0,
            sequence: 0,
            ended: false,
            end: Duration::ZERO,
        }
    }

    /// Uses `serial` as the stream's serial number instead of [`DEFAULT_SERIAL`].
    pub fn with_serial(mut self, serial: u32) -> Self {
        self.serial = serial;
        self
    }

    /// The stream's serial number.
    pub const fn serial(&self) -> u32 {
        self.serial
    }

    /// The pre-skip of the `OpusHead` (48 kHz samples), once a track is added.
    pub const fn pre_skip(&self) -> u16 {
        self.pre_skip
    }

    /// 48 kHz samples of all packets written so far, pre-skip included, before end
    /// trimming: the granule position of the latest packet.
    pub const fn granule_position(&self) -> u64 {
        self.granule
    }

    /// Bytes waiting in the current page.
    pub const fn buffered(&self) -> usize {
        self.body_len
    }

    fn fits(&self, len: usize) -> bool {
        self.body_len + len <= Self::BODY_CAPACITY && self.nseg + len / 255 < MAX_SEGMENTS
    }

    /// Appends a packet piece; `complete` adds the terminating lacing value. The caller
    /// has checked that it fits.
    fn append(&mut self, data: &[u8], complete: bool) {
        let start = HEAD_ROOM + self.body_len;
        if let Some(dst) = self.buf.get_mut(start..start + data.len()) {
            dst.copy_from_slice(data);
            self.body_len += data.len();
        }
        let full = data.len() / 255;
        for _ in 0..full {
            if let Some(s) = self.segments.get_mut(self.nseg) {
                *s = 255;
                self.nseg += 1;
            }
        }
        if complete && let Some(s) = self.segments.get_mut(self.nseg) {
            *s = (data.len() % 255) as u8;
            self.nseg += 1;
        }
    }

    fn discard_page(&mut self) {
        self.nseg = 0;
        self.body_len = 0;
        self.continued = false;
        self.page_granule = None;
        self.page_is_last = false;
    }

    /// Writes the current page in one sink write; on failure nothing changes.
    fn flush(&mut self, sink: &mut dyn ByteSink, extra_flags: u8) -> Result<(), OggError> {
        let mut flags = extra_flags;
        if self.continued {
            flags |= FLAG_CONTINUED;
        }
        if self.page_is_last {
            flags |= FLAG_EOS;
        }
        let granule = self.page_granule.map_or(-1, |g| i64::try_from(g).unwrap_or(i64::MAX));
        let segments = self.segments.get(..self.nseg).unwrap_or(&[]);
        let start = HEAD_ROOM - HEADER_LEN - segments.len();
        let (head, body) = self.buf.split_at_mut(HEAD_ROOM);
        let body = body.get(..self.body_len).unwrap_or(&[]);
        let head = head.get_mut(start..).unwrap_or(&mut []);
        write_header(head, flags, granule, self.serial, self.sequence, segments, body);
        let page = self.buf.get(start..HEAD_ROOM + self.body_len).unwrap_or(&[]);
        sink.write(page)?;
        self.sequence = self.sequence.wrapping_add(1);
        if flags & FLAG_EOS != 0 {
            self.stage = Stage::Finished;
        }
        self.discard_page();
        self.page_start = self.granule;
        Ok(())
    }

    /// Writes one header packet alone on its own page.
    fn header_page(
        &mut self,
        sink: &mut dyn ByteSink,
        packet: &[u8],
        flags: u8,
    ) -> Result<(), OggError> {
        self.discard_page();
        self.append(packet, true);
        self.page_granule = Some(0);
        let r = self.flush(sink, flags);
        if r.is_err() {
            self.discard_page();
        }
        r
    }
}

impl<const N: usize> Muxer for OggOpusMuxer<N> {
    type Error = OggError;

    fn add_track(&mut self, config: &CodecConfig) -> Result<MuxTrack, OggError> {
        if self.stage != Stage::NoTrack {
            return Err(OggError::TooManyTracks);
        }
        if config.codec != CodecId::Opus {
            return Err(OggError::UnsupportedCodec(config.codec));
        }
        let private = config.private.as_bytes();
        let head = if private.is_empty() {
            // No CodecPrivate: describe a family-0 stream from the configuration.
            let channels = u8::try_from(config.channels)
                .ok()
                .filter(|c| (1..=2).contains(c))
                .ok_or(OggError::UnsupportedChannels(config.channels))?;
            let pre_skip = config.codec_delay.as_samples(GRANULE_RATE);
            let h = OpusHead {
                version: 1,
                channels,
                pre_skip: u16::try_from(pre_skip).unwrap_or(u16::MAX),
                input_sample_rate: config.sample_rate,
                output_gain: 0,
                mapping_family: 0,
            };
            let bytes = h.to_bytes();
            self.head[..bytes.len()].copy_from_slice(&bytes);
            self.head_len = bytes.len();
            h
        } else {
            let (h, len) = OpusHead::parse(private).map_err(OggError::BadOpusHead)?;
            let used = private.get(..len).unwrap_or(private);
            self.head
                .get_mut(..used.len())
                .ok_or(OggError::BadOpusHead(OpusHeadError::TooShort))?
                .copy_from_slice(used);
            self.head_len = used.len();
            h
        };
        self.pre_skip = head.pre_skip;
        self.stage = Stage::Header { pages: 0 };
        Ok(MuxTrack(0))
    }

    fn write_header(&mut self, sink: &mut dyn ByteSink) -> Result<(), OggError> {
        if let Stage::Header { pages: 0 } = self.stage {
            let head = self.head;
            let len = self.head_len;
            self.header_page(sink, head.get(..len).unwrap_or(&[]), FLAG_BOS)?;
            self.stage = Stage::Header { pages: 1 };
        }
        if let Stage::Header { pages: 1 } = self.stage {
            self.header_page(sink, &opus_tags(), 0)?;
            self.stage = Stage::Audio;
            self.page_start = 0;
            return Ok(());
        }
        Err(OggError::Order)
    }

    fn write_packet(
        &mut self,
        track: MuxTrack,
        packet: &Packet<'_>,
        sink: &mut dyn ByteSink,
    ) -> Result<(), OggError> {
        if self.stage != Stage::Audio {
            return Err(OggError::Order);
        }
        if track != MuxTrack(0) {
            return Err(OggError::UnknownTrack(track));
        }
        if self.ended {
            return Err(OggError::PacketAfterEnd);
        }
        let data = packet.data;
        if data.is_empty() {
            return Err(OggError::InvalidPacket);
        }
        let samples = match opus_packet_samples(data) {
            Some(s) => u64::from(s),
            None => match packet.info.duration.as_samples(GRANULE_RATE) {
                0 => return Err(OggError::InvalidPacket),
                s => s,
            },
        };
        // Close the page first when it is long enough or the packet does not fit, so that
        // a failing sink leaves this call without effect.
        let page_full =
            self.page_granule.is_some_and(|g| g.saturating_sub(self.page_start) >= PAGE_SAMPLES);
        if self.nseg > 0 && (page_full || !self.fits(data.len())) {
            self.flush(sink, 0)?;
        }
        let mut rest = data;
        while !self.fits(rest.len()) {
            // Larger than a whole page: fill pages with 255-byte segments.
            let room = (Self::BODY_CAPACITY - self.body_len).min((MAX_SEGMENTS - self.nseg) * 255);
            let take = room - room % 255;
            let (now, later) = rest.split_at(take.min(rest.len()));
            self.append(now, false);
            rest = later;
            self.flush(sink, 0)?;
            self.continued = true;
        }
        self.append(rest, true);
        self.granule = self.granule.saturating_add(samples);
        let trim = u64::from(packet.info.discard_samples).min(samples);
        self.page_granule = Some(self.granule - trim);
        if packet.info.discard_samples > 0 {
            self.ended = true;
            self.page_is_last = true;
        }
        self.end = self.end.max(packet.info.pts.saturating_add(packet.info.duration));
        Ok(())
    }

    fn cut(&mut self, sink: &mut dyn ByteSink) -> Result<(), OggError> {
        match self.stage {
            Stage::Audio if self.nseg > 0 => self.flush(sink, 0),
            Stage::Audio | Stage::Finished => Ok(()),
            _ => Err(OggError::Order),
        }
    }

    fn finish(&mut self, sink: &mut dyn ByteSink) -> Result<(), OggError> {
        match self.stage {
            Stage::Finished => Ok(()),
            Stage::Audio => {
                // Normally the last packet is still buffered and its page gets EOS. After a
                // `cut` that emptied the buffer an empty EOS page ends the stream; no packet
                // completes on it, so its granule position is -1 (RFC 3533; `opusinfo`
                // warns about anything else).
                self.page_is_last = true;
                let r = self.flush(sink, FLAG_EOS);
                if r.is_err() && !self.ended {
                    self.page_is_last = false;
                }
                r
            }
            _ => Err(OggError::Order),
        }
    }

    fn max_packet_overhead(&self) -> usize {
        // At most one buffered page (header, segment table and earlier packets' bytes) goes
        // out before the packet is buffered. Packets over BODY_CAPACITY add a page each.
        N.min(HEAD_ROOM + Self::BODY_CAPACITY)
    }

    fn max_finish_len(&self) -> usize {
        N.min(HEAD_ROOM + Self::BODY_CAPACITY)
    }

    fn duration(&self) -> Duration {
        self.end
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec;
    use std::vec::Vec;

    use mediarec_core::{CodecPrivate, PacketInfo};

    use super::*;
    use crate::page::{Page, Pages};

    /// A growable sink that can be told to refuse writes.
    #[derive(Default)]
    struct VecSink {
        bytes: Vec<u8>,
        refuse: bool,
    }

    impl ByteSink for VecSink {
        fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
            if self.refuse {
                return Err(SinkError::Full);
            }
            self.bytes.extend_from_slice(bytes);
            Ok(())
        }
        fn position(&self) -> u64 {
            self.bytes.len() as u64
        }
    }

    fn head(pre_skip: u16, channels: u8) -> OpusHead {
        OpusHead {
            version: 1,
            channels,
            pre_skip,
            input_sample_rate: 48_000,
            output_gain: 0,
            mapping_family: 0,
        }
    }

    fn config() -> CodecConfig {
        let mut c = CodecConfig::audio(CodecId::Opus, 48_000, 2);
        c.private = CodecPrivate::new(&head(312, 2).to_bytes()).unwrap();
        c
    }

    /// A CELT packet of `len` bytes lasting `ms` (2.5 → 2, 5, 10, 20).
    fn packet(len: usize, ms: u8) -> Vec<u8> {
        let config = match ms {
            2 => 28u8,
            5 => 29,
            10 => 30,
            _ => 31,
        };
        let mut p = vec![0x5Au8; len];
        p[0] = config << 3;
        p
    }

    fn info(i: u64, discard: u32) -> PacketInfo {
        PacketInfo {
            len: 0,
            pts: Duration::from_millis(20 * i),
            duration: Duration::from_millis(20),
            keyframe: true,
            discard_samples: discard,
        }
    }

    fn started<const N: usize>(sink: &mut VecSink) -> OggOpusMuxer<N> {
        let mut m = OggOpusMuxer::<N>::with_buffer();
        assert_eq!(m.add_track(&config()).unwrap(), MuxTrack(0));
        m.write_header(sink).unwrap();
        m
    }

    fn pages(bytes: &[u8]) -> Vec<Page<'_>> {
        Pages::new(bytes).collect::<Result<_, _>>().unwrap()
    }

    /// Packets reassembled from the audio pages, with the granule of the page each ends on.
    fn packets(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut partial: Vec<u8> = Vec::new();
        for p in pages(bytes).iter().skip(2) {
            assert_eq!(p.is_continued(), !partial.is_empty());
            for piece in p.packets() {
                partial.extend_from_slice(piece.data);
                if piece.complete {
                    out.push(core::mem::take(&mut partial));
                }
            }
        }
        assert!(partial.is_empty());
        out
    }

    #[test]
    fn header_pages_hold_opus_head_and_opus_tags_alone() {
        let mut sink = VecSink::default();
        let m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        assert_eq!(m.pre_skip(), 312);
        let p = pages(&sink.bytes);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].flags, p[0].granule, p[0].sequence, p[0].serial),
            (FLAG_BOS, 0, 0, DEFAULT_SERIAL)
        );
        assert_eq!(p[0].body, &head(312, 2).to_bytes());
        assert_eq!(p[0].segments, &[19]);
        assert_eq!((p[1].flags, p[1].granule, p[1].sequence), (0, 0, 1));
        assert_eq!(p[1].body, &opus_tags());
    }

    #[test]
    fn opus_head_is_made_from_the_config_when_private_is_empty() {
        let mut c = CodecConfig::audio(CodecId::Opus, 44_100, 1);
        c.codec_delay = Duration::from_micros(6_500);
        let mut m = OggOpusMuxer::new().with_serial(42);
        m.add_track(&c).unwrap();
        let mut sink = VecSink::default();
        m.write_header(&mut sink).unwrap();
        let p = pages(&sink.bytes);
        let (h, _) = OpusHead::parse(p[0].body).unwrap();
        assert_eq!(h, OpusHead { input_sample_rate: 44_100, ..head(312, 1) });
        assert_eq!(p[0].serial, 42);
        c.channels = 6;
        assert_eq!(OggOpusMuxer::new().add_track(&c), Err(OggError::UnsupportedChannels(6)));
    }

    #[test]
    fn granule_positions_count_completed_samples_and_pages_close_after_a_second() {
        let mut sink = VecSink::default();
        let mut m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        for i in 0..120 {
            m.write_packet(
                MuxTrack(0),
                &Packet { data: &packet(40, 20), info: info(i, 0) },
                &mut sink,
            )
            .unwrap();
        }
        m.finish(&mut sink).unwrap();
        let p = pages(&sink.bytes);
        let audio: Vec<(i64, usize, u8)> =
            p[2..].iter().map(|p| (p.granule, p.completed_packets(), p.flags)).collect();
        assert_eq!(audio, [(48_000, 50, 0), (96_000, 50, 0), (115_200, 20, FLAG_EOS)]);
        let seq: Vec<u32> = p.iter().map(|p| p.sequence).collect();
        assert_eq!(seq, [0, 1, 2, 3, 4]);
        assert_eq!(m.granule_position(), 115_200);
        assert_eq!(m.duration(), Duration::from_millis(2_400));
        assert_eq!(packets(&sink.bytes).len(), 120);
    }

    #[test]
    fn packet_durations_come_from_the_toc_not_the_timestamps() {
        let mut sink = VecSink::default();
        let mut m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        for (i, ms) in [(0, 2u8), (1, 5), (2, 10), (3, 20)] {
            m.write_packet(
                MuxTrack(0),
                &Packet { data: &packet(10, ms), info: info(i, 0) },
                &mut sink,
            )
            .unwrap();
            m.cut(&mut sink).unwrap();
        }
        let g: Vec<i64> = pages(&sink.bytes)[2..].iter().map(|p| p.granule).collect();
        assert_eq!(g, [120, 360, 840, 1800]);
        // An undecodable TOC falls back to the packet's duration.
        let bad = [0xFBu8]; // code 3 without a count byte
        m.write_packet(MuxTrack(0), &Packet { data: &bad, info: info(4, 0) }, &mut sink).unwrap();
        assert_eq!(m.granule_position(), 1800 + 960);
        let no_duration = PacketInfo { duration: Duration::ZERO, ..info(5, 0) };
        assert_eq!(
            m.write_packet(MuxTrack(0), &Packet { data: &bad, info: no_duration }, &mut sink),
            Err(OggError::InvalidPacket)
        );
        assert_eq!(
            m.write_packet(MuxTrack(0), &Packet { data: &[], info: info(5, 0) }, &mut sink),
            Err(OggError::InvalidPacket)
        );
    }

    #[test]
    fn cut_makes_a_page_boundary_and_is_idle_when_nothing_is_buffered() {
        let mut sink = VecSink::default();
        let mut m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        m.write_packet(
            MuxTrack(0),
            &Packet { data: &packet(100, 20), info: info(0, 0) },
            &mut sink,
        )
        .unwrap();
        let before = sink.bytes.len();
        assert_eq!(m.buffered(), 100);
        m.cut(&mut sink).unwrap();
        assert_eq!(m.buffered(), 0);
        let after = sink.bytes.len();
        assert!(after > before);
        m.cut(&mut sink).unwrap();
        assert_eq!(sink.bytes.len(), after);
        // Every prefix ending at a cut is a sequence of whole pages.
        assert_eq!(pages(&sink.bytes).len(), 3);
    }

    #[test]
    fn end_trimming_reduces_the_final_granule_and_sets_eos() {
        let mut sink = VecSink::default();
        let mut m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        for i in 0..3 {
            let discard = if i == 2 { 700 } else { 0 };
            m.write_packet(
                MuxTrack(0),
                &Packet { data: &packet(30, 20), info: info(i, discard) },
                &mut sink,
            )
            .unwrap();
        }
        assert_eq!(
            m.write_packet(
                MuxTrack(0),
                &Packet { data: &packet(30, 20), info: info(3, 0) },
                &mut sink
            ),
            Err(OggError::PacketAfterEnd)
        );
        // A cut after the trimmed packet already ends the stream; finish adds nothing.
        m.cut(&mut sink).unwrap();
        let len = sink.bytes.len();
        m.finish(&mut sink).unwrap();
        assert_eq!(sink.bytes.len(), len);
        let p = pages(&sink.bytes);
        assert_eq!(p.len(), 3);
        assert_eq!((p[2].granule, p[2].flags), (3 * 960 - 700, FLAG_EOS));
        assert_eq!(
            m.write_packet(
                MuxTrack(0),
                &Packet { data: &packet(30, 20), info: info(3, 0) },
                &mut sink
            ),
            Err(OggError::Order)
        );
    }

    #[test]
    fn trimming_never_exceeds_the_last_packet() {
        let mut sink = VecSink::default();
        let mut m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        m.write_packet(MuxTrack(0), &Packet { data: &packet(30, 20), info: info(0, 0) }, &mut sink)
            .unwrap();
        m.write_packet(
            MuxTrack(0),
            &Packet { data: &packet(30, 10), info: info(1, 5000) },
            &mut sink,
        )
        .unwrap();
        m.finish(&mut sink).unwrap();
        assert_eq!(pages(&sink.bytes)[2].granule, 960);
    }

    #[test]
    fn finish_after_a_cut_writes_an_empty_eos_page() {
        let mut sink = VecSink::default();
        let mut m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        m.write_packet(MuxTrack(0), &Packet { data: &packet(30, 20), info: info(0, 0) }, &mut sink)
            .unwrap();
        m.cut(&mut sink).unwrap();
        m.finish(&mut sink).unwrap();
        m.finish(&mut sink).unwrap();
        let p = pages(&sink.bytes);
        assert_eq!(p.len(), 4);
        assert_eq!((p[3].flags, p[3].granule, p[3].segments.len()), (FLAG_EOS, -1, 0));
    }

    #[test]
    fn pages_hold_at_most_255_lacing_values() {
        let mut sink = VecSink::default();
        let mut m = started::<DEFAULT_PAGE_BUFFER>(&mut sink);
        for i in 0..300 {
            m.write_packet(
                MuxTrack(0),
                &Packet { data: &packet(3, 2), info: info(i, 0) },
                &mut sink,
            )
            .unwrap();
        }
        m.finish(&mut sink).unwrap();
        let p = pages(&sink.bytes);
        let segs: Vec<usize> = p[2..].iter().map(|p| p.segments.len()).collect();
        assert_eq!(segs, [255, 45]);
        assert_eq!(p[2].granule, 255 * 120);
    }

    #[test]
    fn packets_larger_than_a_page_span_pages() {
        let mut sink = VecSink::default();
        let mut m = started::<600>(&mut sink);
        assert_eq!(OggOpusMuxer::<600>::BODY_CAPACITY, 318);
        let big = packet(1000, 20);
        let exact = packet(255, 20);
        m.write_packet(MuxTrack(0), &Packet { data: &packet(50, 20), info: info(0, 0) }, &mut sink)
            .unwrap();
        m.write_packet(MuxTrack(0), &Packet { data: &big, info: info(1, 0) }, &mut sink).unwrap();
        m.write_packet(MuxTrack(0), &Packet { data: &exact, info: info(2, 0) }, &mut sink).unwrap();
        m.finish(&mut sink).unwrap();
        let p = pages(&sink.bytes);
        let audio: Vec<(usize, bool, i64)> =
            p[2..].iter().map(|p| (p.body.len(), p.is_continued(), p.granule)).collect();
        // 50 | 255 255 255 (no packet ends: -1) | 235 | 255+0 lacing ends the third packet.
        assert_eq!(
            audio,
            [
                (50, false, 960),
                (255, false, -1),
                (255, true, -1),
                (255, true, -1),
                (235, true, 1920),
                (255, false, 2880)
            ]
        );
        assert_eq!(packets(&sink.bytes), [packet(50, 20), big, exact]);
        assert!(p.iter().all(|p| p.len() <= 600));
    }

    #[test]
    fn a_refused_page_leaves_the_muxer_unchanged_for_a_retry() {
        let mut reference = VecSink::default();
        let mut sink = VecSink::default();
        let mut a = started::<600>(&mut reference);
        let mut b = started::<600>(&mut sink);
        for i in 0..20u64 {
            let p = packet(40 + (i as usize * 37) % 200, 20);
            let pk = Packet { data: &p, info: info(i, 0) };
            a.write_packet(MuxTrack(0), &pk, &mut reference).unwrap();
            sink.refuse = true;
            let before = sink.bytes.len();
            match b.write_packet(MuxTrack(0), &pk, &mut sink) {
                Ok(()) => {}
                Err(e) => {
                    assert_eq!(e, OggError::Sink(SinkError::Full));
                    assert_eq!(mediarec_core::Error::kind(&e), ErrorKind::Full);
                    sink.refuse = false;
                    b.write_packet(MuxTrack(0), &pk, &mut sink).unwrap();
                }
            }
            sink.refuse = false;
            assert!(sink.bytes.len() - before <= b.max_packet_overhead());
        }
        sink.refuse = true;
        assert!(b.finish(&mut sink).is_err());
        sink.refuse = false;
        b.finish(&mut sink).unwrap();
        a.finish(&mut reference).unwrap();
        assert_eq!(sink.bytes, reference.bytes);
    }

    #[test]
    fn a_refused_header_can_be_retried() {
        let mut sink = VecSink { refuse: true, ..VecSink::default() };
        let mut m = OggOpusMuxer::new();
        m.add_track(&config()).unwrap();
        assert!(m.write_header(&mut sink).is_err());
        sink.refuse = false;
        m.write_header(&mut sink).unwrap();
        let mut reference = VecSink::default();
        started::<DEFAULT_PAGE_BUFFER>(&mut reference);
        assert_eq!(sink.bytes, reference.bytes);
    }

    #[test]
    fn errors_for_wrong_use() {
        let mut sink = VecSink::default();
        let mut m = OggOpusMuxer::new();
        assert_eq!(m.write_header(&mut sink), Err(OggError::Order));
        assert_eq!(m.cut(&mut sink), Err(OggError::Order));
        assert_eq!(m.finish(&mut sink), Err(OggError::Order));
        let vp8 = CodecConfig::video(CodecId::Vp8, 640, 480);
        let e = m.add_track(&vp8).unwrap_err();
        assert_eq!(
            (e, mediarec_core::Error::kind(&e)),
            (OggError::UnsupportedCodec(CodecId::Vp8), ErrorKind::Unsupported)
        );
        assert_eq!(
            m.add_track(&CodecConfig::audio(CodecId::PcmF32, 48_000, 2)),
            Err(OggError::UnsupportedCodec(CodecId::PcmF32))
        );
        let mut bad = config();
        bad.private = CodecPrivate::new(b"OpusHeaX\x01\x02\x38\x01\x80\xbb\0\0\0\0\0").unwrap();
        assert_eq!(m.add_track(&bad), Err(OggError::BadOpusHead(OpusHeadError::BadMagic)));
        let track = m.add_track(&config()).unwrap();
        assert_eq!(m.add_track(&config()), Err(OggError::TooManyTracks));
        let p = packet(10, 20);
        assert_eq!(
            m.write_packet(track, &Packet { data: &p, info: info(0, 0) }, &mut sink),
            Err(OggError::Order)
        );
        m.write_header(&mut sink).unwrap();
        assert_eq!(m.write_header(&mut sink), Err(OggError::Order));
        assert_eq!(
            m.write_packet(MuxTrack(1), &Packet { data: &p, info: info(0, 0) }, &mut sink),
            Err(OggError::UnknownTrack(MuxTrack(1)))
        );
        assert_eq!(m.max_finish_len(), DEFAULT_PAGE_BUFFER);
    }
}
