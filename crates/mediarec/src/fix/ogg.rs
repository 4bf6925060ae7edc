//! Ogg read page by page through a bounded buffer, for `inspect`.

use std::io::Read;

use mediarec_ogg::{MAX_PAGE, OpusHead, Page, PageError};

use super::buffer::Input;
use super::problem::{FixError, Problem, Problems};

/// Streams tracked at most; pages of further streams are only counted.
const MAX_STREAMS: usize = 64;

/// Reads Ogg pages from any [`Read`], verifying each CRC, in bounded memory.
///
/// Damaged pages and bytes that are not pages are skipped up to the next `OggS` and
/// reported; a page cut by the end of the input is reported as truncation.
///
/// ```
/// let mut reader = mediarec::OggPageReader::new(&b"OggS but not a page"[..]);
/// assert!(reader.next_page().unwrap().is_none());
/// assert_eq!(reader.problems().len(), 1); // truncated
/// ```
pub struct OggPageReader<R> {
    input: Input<R>,
    problems: Problems,
    dropped: u64,
}

impl<R: Read> OggPageReader<R> {
    /// A reader over `reader`.
    pub fn new(reader: R) -> Self {
        OggPageReader {
            input: Input::new(reader, 256 * 1024, 256 * 1024),
            problems: Problems::default(),
            dropped: 0,
        }
    }

    /// Problems found so far (bounded).
    pub fn problems(&self) -> &[Problem] {
        &self.problems.list
    }

    /// Bytes skipped or cut so far.
    pub fn bytes_dropped(&self) -> u64 {
        self.dropped
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.input.position()
    }

    /// The next valid page with its offset, or `None` at the end of the input.
    pub fn next_page(&mut self) -> Result<Option<(u64, Page<'_>)>, FixError> {
        loop {
            let pos = self.input.position();
            self.input.fill(MAX_PAGE).map_err(FixError::Read)?;
            let avail = self.input.available();
            let have = avail.len();
            if have == 0 {
                return Ok(None);
            }
            let outcome = Page::parse(avail).map(|(_, len)| len);
            match outcome {
                Ok(len) => {
                    let bytes = self.input.take(len);
                    return Ok(Page::parse(bytes).ok().map(|(page, _)| (pos, page)));
                }
                Err(PageError::Truncated { .. }) => {
                    let len = have as u64;
                    self.input.consume(have);
                    self.dropped = self.dropped.saturating_add(len);
                    self.problems.push(Problem::Truncated { offset: pos, dropped: len });
                    return Ok(None);
                }
                Err(PageError::BadCrc { .. }) => {
                    let len = self.resync()?;
                    self.problems.push(Problem::BadCrc { offset: pos, len });
                }
                Err(_) => {
                    let len = self.resync()?;
                    self.problems.push(Problem::Garbage { offset: pos, len });
                }
            }
        }
    }

    /// Skips to the next `OggS` after the current position; returns the bytes skipped.
    fn resync(&mut self) -> Result<u64, FixError> {
        let from = self.input.position();
        self.input.consume(1);
        loop {
            let avail = self.input.available();
            if let Some(i) = avail.windows(4).position(|w| w == b"OggS") {
                self.input.consume(i);
                break;
            }
            let keep = avail.len().min(3);
            self.input.consume(avail.len() - keep);
            if !self.input.fill_more().map_err(FixError::Read)? {
                let rest = self.input.available().len();
                self.input.consume(rest);
                break;
            }
        }
        let len = self.input.position() - from;
        self.dropped = self.dropped.saturating_add(len);
        Ok(len)
    }
}

/// One logical stream of an Ogg file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OggStreamSummary {
    /// Bitstream serial number.
    pub serial: u32,
    /// `opus`, `vorbis`, `flac`, `theora`, or `unknown`.
    pub codec: String,
    /// Rate of the granule positions (48000 for Opus).
    pub sample_rate: u32,
    /// The rate of the original input (OpusHead), when known.
    pub input_sample_rate: u32,
    /// Channels.
    pub channels: u8,
    /// OpusHead pre-skip in 48 kHz samples.
    pub pre_skip: u16,
    /// OpusHead output gain (Q7.8 dB).
    pub output_gain: i16,
    /// OpusHead channel mapping family.
    pub mapping_family: u8,
    /// Pages.
    pub pages: u64,
    /// Packets completed on those pages (headers included).
    pub packets: u64,
    /// Body bytes.
    pub bytes: u64,
    /// The last granule position.
    pub last_granule: Option<i64>,
    /// True when the first page had the beginning-of-stream flag.
    pub bos: bool,
    /// True when an end-of-stream page was seen.
    pub eos: bool,
    /// Playing length in µs: the last granule less pre-skip, at `sample_rate`.
    pub duration_us: i64,
}

/// What an Ogg file holds and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OggSummary {
    /// Valid pages.
    pub pages: u64,
    /// Logical streams.
    pub streams: Vec<OggStreamSummary>,
    /// Longest stream, µs.
    pub duration_us: i64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes skipped or cut.
    pub bytes_dropped: u64,
    /// Problems, ordered by offset.
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub problems_omitted: u64,
}

#[derive(Default)]
struct StreamState {
    summary: OggStreamSummary,
    next_sequence: Option<u32>,
}

/// Reads a whole Ogg file in bounded memory and describes its streams: codec, OpusHead
/// fields, granule-based duration, end-of-stream, CRC errors and lost pages.
///
/// ```
/// let s = mediarec::inspect_ogg(&b""[..]).unwrap();
/// assert_eq!(s.pages, 0);
/// ```
pub fn inspect_ogg<R: Read>(input: R) -> Result<OggSummary, FixError> {
    let mut reader = OggPageReader::new(input);
    let mut streams: Vec<StreamState> = Vec::new();
    let mut pages = 0u64;
    let mut problems = Problems::default();
    while let Some((offset, page)) = reader.next_page()? {
        pages += 1;
        let index = match streams.iter().position(|s| s.summary.serial == page.serial) {
            Some(i) => i,
            None if streams.len() < MAX_STREAMS => {
                let mut s = StreamState::default();
                s.summary.serial = page.serial;
                s.summary.bos = page.is_bos();
                describe_codec(&mut s.summary, page.packets().next().map_or(&[][..], |p| p.data));
                streams.push(s);
                streams.len() - 1
            }
            None => continue,
        };
        let Some(st) = streams.get_mut(index) else { continue };
        let s = &mut st.summary;
        s.pages += 1;
        s.packets += page.completed_packets() as u64;
        s.bytes += page.body.len() as u64;
        s.eos |= page.is_eos();
        if let Some(expected) = st.next_sequence
            && page.sequence != expected
        {
            problems.push(Problem::PagesMissing {
                serial: page.serial,
                offset,
                count: u64::from(page.sequence.wrapping_sub(expected)),
            });
        }
        st.next_sequence = Some(page.sequence.wrapping_add(1));
        if let Some(g) = page.granule_position() {
            if s.last_granule.is_some_and(|last| g < last) {
                problems.push(Problem::GranuleBack { serial: page.serial, offset });
            }
            s.last_granule = Some(g);
        }
    }
    let mut summary = OggSummary { pages, ..OggSummary::default() };
    for st in streams {
        let mut s = st.summary;
        if !s.eos {
            problems.push(Problem::MissingEos { serial: s.serial });
        }
        if let (Some(g), true) = (s.last_granule, s.sample_rate > 0) {
            let samples = g.saturating_sub(i64::from(s.pre_skip)).max(0);
            s.duration_us =
                i64::try_from(i128::from(samples) * 1_000_000 / i128::from(s.sample_rate))
                    .unwrap_or(i64::MAX);
        }
        summary.duration_us = summary.duration_us.max(s.duration_us);
        summary.streams.push(s);
    }
    summary.bytes_read = reader.position();
    summary.bytes_dropped = reader.bytes_dropped();
    let mut all = reader.problems;
    all.append(problems);
    all.list.sort_by_key(|p| p.offset().unwrap_or(u64::MAX));
    summary.problems = all.list;
    summary.problems_omitted = all.omitted;
    Ok(summary)
}

/// Fills in the codec fields from a stream's first packet.
fn describe_codec(s: &mut OggStreamSummary, first: &[u8]) {
    if let Ok((head, _)) = OpusHead::parse(first) {
        s.codec = "opus".into();
        s.sample_rate = 48_000;
        s.input_sample_rate = head.input_sample_rate;
        s.channels = head.channels;
        s.pre_skip = head.pre_skip;
        s.output_gain = head.output_gain;
        s.mapping_family = head.mapping_family;
    } else if first.get(..7) == Some(b"\x01vorbis") {
        s.codec = "vorbis".into();
        s.channels = first.get(11).copied().unwrap_or(0);
        s.sample_rate =
            first.get(12..16).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    } else if first.get(..5) == Some(b"\x7fFLAC") {
        s.codec = "flac".into();
        // STREAMINFO follows a 9-byte mapping header and the 4-byte "fLaC" + block header:
        // 20 bits of sample rate at byte 27, then 3 bits of channels − 1.
        if let Some(b) = first.get(27..30) {
            s.sample_rate =
                (u32::from(b[0]) << 12) | (u32::from(b[1]) << 4) | (u32::from(b[2]) >> 4);
            s.channels = ((b[2] >> 1) & 0x07) + 1;
        }
    } else if first.get(..7) == Some(b"\x80theora") {
        s.codec = "theora".into();
    } else {
        s.codec = "unknown".into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediarec_core::{
        CodecConfig, CodecId, CodecPrivate, Duration, Muxer, Packet, PacketInfo, SliceSink,
    };
    use mediarec_ogg::OggOpusMuxer;

    fn ogg_file(packets: u64, finish: bool) -> Vec<u8> {
        let head = OpusHead {
            version: 1,
            channels: 2,
            pre_skip: 312,
            input_sample_rate: 44_100,
            output_gain: 0,
            mapping_family: 0,
        };
        let mut config = CodecConfig::audio(CodecId::Opus, 48_000, 2);
        config.private = CodecPrivate::new(&head.to_bytes()).unwrap();
        let mut mux = OggOpusMuxer::new();
        let track = mux.add_track(&config).unwrap();
        let mut storage = vec![0u8; 1 << 20];
        let mut sink = SliceSink::new(&mut storage);
        mux.write_header(&mut sink).unwrap();
        for i in 0..packets {
            let info = PacketInfo {
                len: 3,
                pts: Duration::from_millis(20 * i),
                duration: Duration::from_millis(20),
                keyframe: true,
                discard_samples: 0,
            };
            mux.write_packet(track, &Packet { data: &[0xFC, 1, 2], info }, &mut sink).unwrap();
            if i % 50 == 49 {
                mux.cut(&mut sink).unwrap();
            }
        }
        if finish {
            mux.finish(&mut sink).unwrap();
        }
        sink.written().to_vec()
    }

    #[test]
    fn a_finished_opus_file_has_its_head_fields_and_granule_duration() {
        let bytes = ogg_file(250, true);
        let s = inspect_ogg(&bytes[..]).unwrap();
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let st = &s.streams[0];
        assert_eq!((st.codec.as_str(), st.channels, st.pre_skip), ("opus", 2, 312));
        assert_eq!(st.input_sample_rate, 44_100);
        assert!(st.bos && st.eos);
        assert_eq!(st.packets, 252);
        assert_eq!(s.duration_us, 4_993_500);
    }

    #[test]
    fn damage_is_reported_not_fatal() {
        let mut bytes = ogg_file(250, true);
        // Flip a byte in the middle of the body of some page: its CRC fails.
        let n = bytes.len();
        bytes[n / 2] ^= 0xFF;
        let cut = &bytes[..n - 10];
        let s = inspect_ogg(cut).unwrap();
        let kinds: Vec<String> = s.problems.iter().map(ToString::to_string).collect();
        assert!(s.problems.iter().any(|p| matches!(p, Problem::BadCrc { .. })), "{kinds:?}");
        assert!(s.problems.iter().any(|p| matches!(p, Problem::PagesMissing { .. })), "{kinds:?}");
        assert!(s.problems.iter().any(|p| matches!(p, Problem::Truncated { .. })), "{kinds:?}");
        assert!(s.problems.iter().any(|p| matches!(p, Problem::MissingEos { .. })), "{kinds:?}");
        assert!(s.bytes_dropped > 0);
    }

    #[test]
    fn garbage_between_pages_is_skipped() {
        let good = ogg_file(100, true);
        let mut bytes = b"junk".to_vec();
        bytes.extend_from_slice(&good);
        bytes.extend_from_slice(b"tail");
        let s = inspect_ogg(&bytes[..]).unwrap();
        assert_eq!(s.streams.len(), 1);
        assert_eq!(s.bytes_dropped, 8);
        assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
    }
}
