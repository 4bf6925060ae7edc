//! Ogg pages (RFC 3533): the CRC, the header layout and a zero-copy page reader.

use core::fmt;

/// The capture pattern every page starts with.
pub const CAPTURE: [u8; 4] = *b"OggS";
/// Bytes of the fixed page header (before the segment table).
pub const HEADER_LEN: usize = 27;
/// The most lacing values (segments) a page holds.
pub const MAX_SEGMENTS: usize = 255;
/// The most body bytes a page holds (255 segments of 255 bytes).
pub const MAX_BODY: usize = MAX_SEGMENTS * 255;
/// The largest possible page.
pub const MAX_PAGE: usize = HEADER_LEN + MAX_SEGMENTS + MAX_BODY;

/// Header flag: the page starts with the rest of a packet from the previous page.
pub const FLAG_CONTINUED: u8 = 0x01;
/// Header flag: first page of a logical stream.
pub const FLAG_BOS: u8 = 0x02;
/// Header flag: last page of a logical stream.
pub const FLAG_EOS: u8 = 0x04;

/// The Ogg CRC-32: polynomial 0x04C11DB7, initial value 0, no reflection, no final XOR.
///
/// This is *not* CRC-32/MPEG-2 (initial value 0xFFFFFFFF) nor CRC-32/CKSUM (final XOR
/// 0xFFFFFFFF); the catalogue of the `crc` crate has no entry for it, so it is spelled out
/// here. `check` is the CRC of `b"123456789"`.
pub const CRC_32_OGG: crc::Algorithm<u32> = crc::Algorithm {
    width: 32,
    poly: 0x04c1_1db7,
    init: 0,
    refin: false,
    refout: false,
    xorout: 0,
    check: 0x89a1_897f,
    residue: 0,
};

static CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&CRC_32_OGG);

/// A running Ogg CRC over the pieces of one page.
pub(crate) fn crc_digest() -> crc::Digest<'static, u32> {
    CRC.digest()
}

/// The CRC of a whole page whose checksum field (bytes 22..26) holds zeros, or of any
/// byte string.
///
/// ```
/// assert_eq!(mediarec_ogg::crc32(b"123456789"), 0x89a1_897f);
/// ```
pub fn crc32(bytes: &[u8]) -> u32 {
    CRC.checksum(bytes)
}

/// Why bytes are not a valid page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageError {
    /// The slice ends before the page does; `needed` bytes would be enough to go on.
    Truncated {
        /// Total bytes the page needs (as far as known).
        needed: usize,
    },
    /// No `OggS` capture pattern at the start.
    BadCapture,
    /// A stream structure version other than 0.
    BadVersion(u8),
    /// Header flag bits other than the three defined ones.
    BadFlags(u8),
    /// The checksum does not match the page.
    BadCrc {
        /// The CRC stored in the page.
        stored: u32,
        /// The CRC of the bytes.
        computed: u32,
    },
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Truncated { needed } => write!(f, "page truncated ({needed} bytes needed)"),
            PageError::BadCapture => f.write_str("no OggS capture pattern"),
            PageError::BadVersion(v) => write!(f, "unknown stream structure version {v}"),
            PageError::BadFlags(b) => write!(f, "undefined header flags {b:#04x}"),
            PageError::BadCrc { stored, computed } => {
                write!(f, "CRC mismatch: stored {stored:#010x}, computed {computed:#010x}")
            }
        }
    }
}

impl mediarec_core::Error for PageError {
    fn kind(&self) -> mediarec_core::ErrorKind {
        mediarec_core::ErrorKind::InvalidInput
    }
}

/// One parsed page, borrowing the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page<'a> {
    /// Header flags ([`FLAG_CONTINUED`], [`FLAG_BOS`], [`FLAG_EOS`]).
    pub flags: u8,
    /// The raw granule position; `-1` means no packet completes on this page.
    pub granule: i64,
    /// Bitstream serial number.
    pub serial: u32,
    /// Page sequence number.
    pub sequence: u32,
    /// The stored (and verified) CRC.
    pub crc: u32,
    /// The lacing values.
    pub segments: &'a [u8],
    /// The packet data.
    pub body: &'a [u8],
}

impl<'a> Page<'a> {
    /// Parses and verifies the page at the start of `bytes`; returns it with its length.
    ///
    /// ```
    /// use mediarec_ogg::{Page, PageError};
    /// assert_eq!(Page::parse(b"OggS"), Err(PageError::Truncated { needed: 27 }));
    /// assert_eq!(Page::parse(&[0u8; 27]), Err(PageError::BadCapture));
    /// ```
    pub fn parse(bytes: &'a [u8]) -> Result<(Page<'a>, usize), PageError> {
        let header: &[u8; HEADER_LEN] = bytes
            .get(..HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or(PageError::Truncated { needed: HEADER_LEN })?;
        let [
            c0,
            c1,
            c2,
            c3,
            version,
            flags,
            g0,
            g1,
            g2,
            g3,
            g4,
            g5,
            g6,
            g7,
            s0,
            s1,
            s2,
            s3,
            q0,
            q1,
            q2,
            q3,
            k0,
            k1,
            k2,
            k3,
            nseg,
        ] = *header;
        if [c0, c1, c2, c3] != CAPTURE {
            return Err(PageError::BadCapture);
        }
        if version != 0 {
            return Err(PageError::BadVersion(version));
        }
        if flags & !(FLAG_CONTINUED | FLAG_BOS | FLAG_EOS) != 0 {
            return Err(PageError::BadFlags(flags));
        }
        let body_start = HEADER_LEN + nseg as usize;
        let segments =
            bytes.get(HEADER_LEN..body_start).ok_or(PageError::Truncated { needed: body_start })?;
        let body_len: usize = segments.iter().map(|&s| s as usize).sum();
        let end = body_start + body_len;
        let body = bytes.get(body_start..end).ok_or(PageError::Truncated { needed: end })?;
        let stored = u32::from_le_bytes([k0, k1, k2, k3]);
        let mut digest = crc_digest();
        digest.update(header.get(..22).unwrap_or(&[]));
        digest.update(&[0; 4]);
        digest.update(&[nseg]);
        digest.update(segments);
        digest.update(body);
        let computed = digest.finalize();
        if computed != stored {
            return Err(PageError::BadCrc { stored, computed });
        }
        let page = Page {
            flags,
            granule: i64::from_le_bytes([g0, g1, g2, g3, g4, g5, g6, g7]),
            serial: u32::from_le_bytes([s0, s1, s2, s3]),
            sequence: u32::from_le_bytes([q0, q1, q2, q3]),
            crc: stored,
            segments,
            body,
        };
        Ok((page, end))
    }

    /// True when the first packet piece continues a packet from the previous page.
    pub const fn is_continued(&self) -> bool {
        self.flags & FLAG_CONTINUED != 0
    }

    /// True on the first page of a logical stream.
    pub const fn is_bos(&self) -> bool {
        self.flags & FLAG_BOS != 0
    }

    /// True on the last page of a logical stream.
    pub const fn is_eos(&self) -> bool {
        self.flags & FLAG_EOS != 0
    }

    /// The granule position, or `None` for `-1` (no packet completes here).
    pub const fn granule_position(&self) -> Option<i64> {
        if self.granule == -1 { None } else { Some(self.granule) }
    }

    /// Total bytes of the page.
    pub const fn len(&self) -> usize {
        HEADER_LEN + self.segments.len() + self.body.len()
    }

    /// Always false: a page has at least its header.
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The packet pieces on this page, in order.
    pub fn packets(&self) -> PagePackets<'a> {
        PagePackets { segments: self.segments, body: self.body }
    }

    /// Number of packets that complete on this page.
    pub fn completed_packets(&self) -> usize {
        self.segments.iter().filter(|&&s| s < 255).count()
    }
}

/// A piece of a packet on one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketPiece<'a> {
    /// The bytes on this page.
    pub data: &'a [u8],
    /// True when the packet ends on this page (its last lacing value is below 255).
    pub complete: bool,
}

/// Iterator over the [`PacketPiece`]s of a page.
#[derive(Debug, Clone)]
pub struct PagePackets<'a> {
    segments: &'a [u8],
    body: &'a [u8],
}

impl<'a> Iterator for PagePackets<'a> {
    type Item = PacketPiece<'a>;
    fn next(&mut self) -> Option<PacketPiece<'a>> {
        if self.segments.is_empty() {
            return None;
        }
        let mut len = 0usize;
        let mut complete = false;
        let mut used = 0usize;
        for &s in self.segments {
            used += 1;
            len += s as usize;
            if s < 255 {
                complete = true;
                break;
            }
        }
        self.segments = self.segments.get(used..).unwrap_or(&[]);
        let (data, rest) = self.body.split_at(len.min(self.body.len()));
        self.body = rest;
        Some(PacketPiece { data, complete })
    }
}

/// Iterator over consecutive pages of a byte slice; stops at the first error, which it
/// yields.
///
/// ```
/// let pages = mediarec_ogg::Pages::new(&[]);
/// assert_eq!(pages.count(), 0);
/// ```
#[derive(Debug, Clone)]
pub struct Pages<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Pages<'a> {
    /// Pages of `bytes`, from its start.
    pub const fn new(bytes: &'a [u8]) -> Self {
        Pages { rest: bytes, failed: false }
    }

    /// The bytes not read yet.
    pub const fn remaining(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for Pages<'a> {
    type Item = Result<Page<'a>, PageError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match Page::parse(self.rest) {
            Ok((page, len)) => {
                self.rest = self.rest.get(len..).unwrap_or(&[]);
                Some(Ok(page))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Writes a page header and segment table into `out[..HEADER_LEN + segments.len()]` with
/// the CRC computed over them and `body`. Returns the header length.
pub(crate) fn write_header(
    out: &mut [u8],
    flags: u8,
    granule: i64,
    serial: u32,
    sequence: u32,
    segments: &[u8],
    body: &[u8],
) -> usize {
    let mut h = [0u8; HEADER_LEN];
    h[..4].copy_from_slice(&CAPTURE);
    h[5] = flags;
    h[6..14].copy_from_slice(&granule.to_le_bytes());
    h[14..18].copy_from_slice(&serial.to_le_bytes());
    h[18..22].copy_from_slice(&sequence.to_le_bytes());
    h[26] = segments.len().min(MAX_SEGMENTS) as u8;
    let mut digest = crc_digest();
    digest.update(&h);
    digest.update(segments);
    digest.update(body);
    h[22..26].copy_from_slice(&digest.finalize().to_le_bytes());
    let len = HEADER_LEN + segments.len();
    if let Some(dst) = out.get_mut(..HEADER_LEN) {
        dst.copy_from_slice(&h);
    }
    if let Some(dst) = out.get_mut(HEADER_LEN..len) {
        dst.copy_from_slice(segments);
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_catalogue_check_value_and_differs_from_mpeg2() {
        assert_eq!(crc32(b"123456789"), CRC_32_OGG.check);
        let mpeg2 = crc::Crc::<u32>::new(&crc::CRC_32_MPEG_2);
        assert_ne!(mpeg2.checksum(b"123456789"), CRC_32_OGG.check);
        assert_eq!(crc32(b""), 0);
    }

    fn page(flags: u8, granule: i64, segments: &[u8], body: &[u8]) -> std::vec::Vec<u8> {
        let mut out = std::vec![0u8; HEADER_LEN + segments.len()];
        write_header(&mut out, flags, granule, 7, 3, segments, body);
        out.extend_from_slice(body);
        out
    }
    extern crate std;

    #[test]
    fn written_headers_parse_back() {
        let body = [1u8; 300];
        let bytes = page(FLAG_BOS, 960, &[255, 45], &body);
        let (p, len) = Page::parse(&bytes).unwrap();
        assert_eq!(len, bytes.len());
        assert_eq!((p.flags, p.granule, p.serial, p.sequence), (FLAG_BOS, 960, 7, 3));
        assert!(p.is_bos() && !p.is_eos() && !p.is_continued());
        assert_eq!(p.len(), bytes.len());
        let pieces: std::vec::Vec<_> = p.packets().collect();
        assert_eq!(pieces, [PacketPiece { data: &body, complete: true }]);
        // The whole page with its CRC field zeroed has the stored CRC.
        let mut zeroed = bytes.clone();
        zeroed[22..26].fill(0);
        assert_eq!(crc32(&zeroed), p.crc);
    }

    #[test]
    fn lacing_splits_packets_and_marks_unfinished_ones() {
        let body: std::vec::Vec<u8> = (0..=255u8).cycle().take(255 + 10 + 255).collect();
        let bytes = page(FLAG_CONTINUED, -1, &[255, 10, 0, 255], &body);
        let (p, _) = Page::parse(&bytes).unwrap();
        let pieces: std::vec::Vec<_> = p.packets().map(|x| (x.data.len(), x.complete)).collect();
        assert_eq!(pieces, [(265, true), (0, true), (255, false)]);
        assert_eq!(p.completed_packets(), 2);
        assert_eq!(p.granule_position(), None);
        assert!(p.is_continued());
    }

    #[test]
    fn reader_errors() {
        let good = page(0, 0, &[3], b"abc");
        assert_eq!(Page::parse(&good[..10]), Err(PageError::Truncated { needed: 27 }));
        assert_eq!(Page::parse(&good[..27]), Err(PageError::Truncated { needed: 28 }));
        assert_eq!(Page::parse(&good[..29]), Err(PageError::Truncated { needed: 31 }));
        let mut bad = good.clone();
        bad[0] = b'X';
        assert_eq!(Page::parse(&bad), Err(PageError::BadCapture));
        let mut bad = good.clone();
        bad[4] = 1;
        assert_eq!(Page::parse(&bad), Err(PageError::BadVersion(1)));
        let mut bad = good.clone();
        bad[5] = 0x08;
        assert_eq!(Page::parse(&bad), Err(PageError::BadFlags(0x08)));
        let mut bad = good.clone();
        bad[29] ^= 1;
        assert!(matches!(Page::parse(&bad), Err(PageError::BadCrc { .. })));
    }

    #[test]
    fn pages_iterator_walks_and_stops_at_errors() {
        let mut bytes = page(FLAG_BOS, 0, &[1], b"a");
        bytes.extend(page(FLAG_EOS, 5, &[2], b"bc"));
        let pages: std::vec::Vec<_> = Pages::new(&bytes).collect::<Result<_, _>>().unwrap();
        assert_eq!(pages.len(), 2);
        assert!(pages[1].is_eos());
        bytes.push(b'O');
        let mut it = Pages::new(&bytes);
        assert!(it.next().unwrap().is_ok());
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.remaining(), b"O");
        assert_eq!(it.next(), Some(Err(PageError::Truncated { needed: 27 })));
        assert_eq!(it.next(), None);
    }
}
