//! A minimal streaming element reader over byte slices.
//!
//! It never allocates and never panics. [`Header::parse`] decodes one element header from
//! the start of a slice; when the slice ends too early it says how many more bytes are
//! needed ([`ReadError::Truncated`]) instead of failing, so a caller reading a file in
//! pieces can refill its buffer and retry. [`Reader`] walks one level of a document and
//! hands out child readers for masters, including unknown-size `Segment`/`Cluster`
//! elements, which end where an element of their own or a higher level begins.

use crate::ids;

/// Why bytes could not be read as EBML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The bytes end inside the element or header starting at `offset`; at least `needed`
    /// more bytes are required. With a complete file this means it was cut.
    Truncated {
        /// Absolute offset of the incomplete element.
        offset: u64,
        /// Bytes missing after the end of the data that was given.
        needed: u64,
    },
    /// The bytes at `offset` are not a valid element ID (longer than 4 bytes, or a
    /// reserved value).
    InvalidId {
        /// Absolute offset of the ID.
        offset: u64,
    },
    /// The size VINT at `offset` is invalid (longer than 8 bytes).
    InvalidSize {
        /// Absolute offset of the size.
        offset: u64,
    },
    /// The element at `offset` claims to extend past the end of its parent.
    ExceedsParent {
        /// Absolute offset of the element.
        offset: u64,
    },
    /// The element at `offset` has an unknown size where a size is required (a leaf).
    UnknownSize {
        /// Absolute offset of the element.
        offset: u64,
    },
    /// A payload does not decode as the requested type (an integer longer than 8 bytes, a
    /// float that is not 0, 4 or 8 bytes, a string that is not UTF-8, a malformed block).
    InvalidPayload,
}

impl ReadError {
    /// True for the "need more bytes" outcome, as opposed to data that is wrong.
    pub const fn is_truncated(&self) -> bool {
        matches!(self, ReadError::Truncated { .. })
    }
}

impl mediarec_core::Error for ReadError {
    fn kind(&self) -> mediarec_core::ErrorKind {
        mediarec_core::ErrorKind::InvalidInput
    }
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            ReadError::Truncated { offset, needed } => {
                write!(f, "element at {offset} is cut short ({needed} more bytes needed)")
            }
            ReadError::InvalidId { offset } => write!(f, "invalid element ID at {offset}"),
            ReadError::InvalidSize { offset } => write!(f, "invalid element size at {offset}"),
            ReadError::ExceedsParent { offset } => {
                write!(f, "element at {offset} extends past its parent")
            }
            ReadError::UnknownSize { offset } => {
                write!(f, "element at {offset} has an unknown size")
            }
            ReadError::InvalidPayload => f.write_str("element payload does not decode"),
        }
    }
}

/// Decodes a VINT at the start of `bytes`: `(value, width, all value bits set)`.
/// `offset` only labels errors.
fn vint(bytes: &[u8], offset: u64) -> Result<(u64, usize, bool), ReadError> {
    let first = *bytes.first().ok_or(ReadError::Truncated { offset, needed: 1 })?;
    if first == 0 {
        return Err(ReadError::InvalidSize { offset });
    }
    let width = first.leading_zeros() as usize + 1;
    let raw = bytes.get(..width).ok_or_else(|| ReadError::Truncated {
        offset,
        needed: width.saturating_sub(bytes.len()) as u64,
    })?;
    let mut value = u64::from(first) & (0xFF >> width);
    for &b in raw.iter().skip(1) {
        value = (value << 8) | u64::from(b);
    }
    let all_ones = value == (1u64 << (7 * width)) - 1;
    Ok((value, width, all_ones))
}

/// Decodes an element size VINT at the start of `bytes`: `(size, width)`, where the size
/// is `None` for the reserved "unknown" value.
///
/// ```
/// use mediarec_ebml::read_size;
/// assert_eq!(read_size(&[0x82]), Ok((Some(2), 1)));
/// assert_eq!(read_size(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), Ok((None, 8)));
/// assert!(read_size(&[0x40]).unwrap_err().is_truncated());
/// ```
pub fn read_size(bytes: &[u8]) -> Result<(Option<u64>, usize), ReadError> {
    let (value, width, unknown) = vint(bytes, 0)?;
    Ok((if unknown { None } else { Some(value) }, width))
}

/// Decodes an element ID at the start of `bytes`: `(id, width)`.
pub fn read_id(bytes: &[u8]) -> Result<(u32, usize), ReadError> {
    read_id_at(bytes, 0)
}

fn read_id_at(bytes: &[u8], offset: u64) -> Result<(u32, usize), ReadError> {
    let first = *bytes.first().ok_or(ReadError::Truncated { offset, needed: 1 })?;
    let width = first.leading_zeros() as usize + 1;
    if width > 4 {
        return Err(ReadError::InvalidId { offset });
    }
    let raw = bytes.get(..width).ok_or_else(|| ReadError::Truncated {
        offset,
        needed: width.saturating_sub(bytes.len()) as u64,
    })?;
    let id = raw.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    match crate::vint::id_len(id) {
        Some(n) if n == width => Ok((id, width)),
        _ => Err(ReadError::InvalidId { offset }),
    }
}

/// One element header: what it is, where it is and how long its data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The element ID, marker bits included (compare with [`ids`](crate::ids)).
    pub id: u32,
    /// Absolute offset of the element's first byte.
    pub offset: u64,
    /// Bytes of ID and size (2–12).
    pub header_len: u8,
    /// Data size, or `None` for an unknown size (live `Segment`/`Cluster`).
    pub size: Option<u64>,
}

impl Header {
    /// Parses the header at the start of `bytes`, which begin at absolute `offset`.
    ///
    /// ```
    /// use mediarec_ebml::{ids, Header};
    /// let h = Header::parse(&[0x1F, 0x43, 0xB6, 0x75, 0xFF], 100).unwrap();
    /// assert_eq!((h.id, h.size, h.data_offset()), (ids::CLUSTER, None, 105));
    /// // Cut inside the ID: 2 more bytes are needed.
    /// assert!(Header::parse(&[0x1F, 0x43], 0).unwrap_err().is_truncated());
    /// ```
    pub fn parse(bytes: &[u8], offset: u64) -> Result<Header, ReadError> {
        let (id, id_len) = read_id_at(bytes, offset)?;
        let rest = bytes.get(id_len..).unwrap_or(&[]);
        let size_offset = offset.saturating_add(id_len as u64);
        let (value, size_len, unknown) = vint(rest, size_offset).map_err(|e| match e {
            // Report truncation against the element, not its size field.
            ReadError::Truncated { needed, .. } => ReadError::Truncated { offset, needed },
            other => other,
        })?;
        let header = Header {
            id,
            offset,
            header_len: (id_len + size_len) as u8,
            size: if unknown { None } else { Some(value) },
        };
        if header.size.is_some() && header.end().is_none() {
            return Err(ReadError::InvalidSize { offset: size_offset });
        }
        Ok(header)
    }

    /// Absolute offset of the first data byte.
    pub const fn data_offset(&self) -> u64 {
        self.offset.saturating_add(self.header_len as u64)
    }

    /// Absolute offset just past the element, or `None` for an unknown size.
    pub const fn end(&self) -> Option<u64> {
        match self.size {
            Some(s) => self.data_offset().checked_add(s),
            None => None,
        }
    }

    /// True when the size is the reserved "unknown" value.
    pub const fn is_unknown_size(&self) -> bool {
        self.size.is_none()
    }
}

/// A cursor over the elements of one level of an EBML document held in a slice.
///
/// ```
/// use mediarec_ebml::{ids, read_uint, Reader};
/// // A Cluster of unknown size holding a Timestamp, followed by a second Cluster.
/// let bytes = [
///     0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x81, 0x05,
///     0x1F, 0x43, 0xB6, 0x75, 0xFF,
/// ];
/// let mut top = Reader::new(&bytes, 0);
/// let cluster = top.next_header().unwrap().unwrap();
/// let mut inside = top.enter(&cluster);
/// let ts = inside.next_header().unwrap().unwrap();
/// assert_eq!(read_uint(inside.read_data(&ts).unwrap()), Ok(5));
/// assert_eq!(inside.next_header(), Ok(None)); // the next Cluster ends this one
/// top.leave(&inside).unwrap();
/// assert_eq!(top.next_header().unwrap().unwrap().offset, 8);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    buf: &'a [u8],
    base: u64,
    pos: usize,
    /// End of this level within `buf`.
    limit: usize,
    /// Absolute end this level declares (`None`: open-ended).
    end: Option<u64>,
    /// The unknown-size master this level walks, whose end is found by content.
    open_parent: Option<u32>,
    /// True when this level is a known-size master's data.
    sized: bool,
}

impl<'a> Reader<'a> {
    /// A top-level reader over `buf`, whose first byte has absolute offset `base`.
    pub fn new(buf: &'a [u8], base: u64) -> Self {
        Reader { buf, base, pos: 0, limit: buf.len(), end: None, open_parent: None, sized: false }
    }

    /// Absolute offset of the next unread byte.
    pub fn position(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    /// The unread bytes of this level.
    pub fn remaining(&self) -> &'a [u8] {
        self.buf.get(self.pos..self.limit).unwrap_or(&[])
    }

    fn available_end(&self) -> u64 {
        self.base.saturating_add(self.limit as u64)
    }

    /// True when the data of this level is all there (its declared end lies in the slice).
    fn level_complete(&self) -> bool {
        self.end.is_some_and(|e| e <= self.available_end())
    }

    /// Reads the next element header of this level and moves past it (not past its data).
    ///
    /// Returns `Ok(None)` at the end of the level: the end of a known-size parent, the end
    /// of the slice at the top level or in an unknown-size master, or an element that ends
    /// an unknown-size parent (which is left unread). On error nothing is consumed.
    pub fn next_header(&mut self) -> Result<Option<Header>, ReadError> {
        if self.pos >= self.limit {
            return match self.end {
                Some(end) if end > self.available_end() => Err(ReadError::Truncated {
                    offset: self.available_end(),
                    needed: end - self.available_end(),
                }),
                _ => Ok(None),
            };
        }
        let at = self.position();
        let header = Header::parse(self.remaining(), at).map_err(|e| match e {
            ReadError::Truncated { .. } if self.level_complete() => {
                ReadError::ExceedsParent { offset: at }
            }
            other => other,
        })?;
        if let Some(parent) = self.open_parent
            && ids::ends_unknown_size(parent, header.id)
        {
            return Ok(None);
        }
        if let (Some(child_end), Some(end)) = (header.end(), self.end)
            && child_end > end
        {
            return Err(ReadError::ExceedsParent { offset: at });
        }
        self.pos += header.header_len as usize;
        Ok(Some(header))
    }

    /// Takes the data of the leaf element whose header [`Reader::next_header`] just
    /// returned, and moves past it.
    pub fn read_data(&mut self, header: &Header) -> Result<&'a [u8], ReadError> {
        let size = header.size.ok_or(ReadError::UnknownSize { offset: header.offset })?;
        let available = (self.limit - self.pos.min(self.limit)) as u64;
        if size > available {
            return Err(if self.level_complete() {
                ReadError::ExceedsParent { offset: header.offset }
            } else {
                ReadError::Truncated { offset: header.offset, needed: size - available }
            });
        }
        let start = self.pos;
        let end = start + size as usize;
        let data = self
            .buf
            .get(start..end)
            .ok_or(ReadError::Truncated { offset: header.offset, needed: size })?;
        self.pos = end;
        Ok(data)
    }

    /// Moves past the data of the element whose header was just read. For an unknown-size
    /// element this is impossible without walking it ([`Reader::enter`]).
    pub fn skip_data(&mut self, header: &Header) -> Result<(), ReadError> {
        self.read_data(header).map(|_| ())
    }

    /// A reader over the children of the master whose header was just read. Walk it, then
    /// call [`Reader::leave`] to continue after the master.
    pub fn enter(&self, header: &Header) -> Reader<'a> {
        match header.end() {
            Some(end) => {
                let limit = usize::try_from(end.saturating_sub(self.base))
                    .unwrap_or(usize::MAX)
                    .min(self.limit);
                Reader {
                    buf: self.buf,
                    base: self.base,
                    pos: self.pos,
                    limit,
                    end: Some(end),
                    open_parent: None,
                    sized: true,
                }
            }
            None => Reader {
                buf: self.buf,
                base: self.base,
                pos: self.pos,
                limit: self.limit,
                end: self.end,
                open_parent: Some(header.id),
                sized: false,
            },
        }
    }

    /// Continues after a master entered with [`Reader::enter`]: past its declared end for a
    /// known size (even if `child` stopped early), or where `child` stopped for an unknown
    /// size. Fails with [`ReadError::Truncated`] when a known-size master is cut short.
    pub fn leave(&mut self, child: &Reader<'a>) -> Result<(), ReadError> {
        if child.sized {
            self.pos = child.limit.clamp(self.pos, self.limit);
            if let Some(end) = child.end {
                let have = self.position();
                if end > have {
                    return Err(ReadError::Truncated { offset: have, needed: end - have });
                }
            }
        } else {
            self.pos = child.pos.clamp(self.pos, self.limit);
        }
        Ok(())
    }
}

/// Decodes an unsigned integer payload (0–8 bytes; empty means 0).
///
/// ```
/// assert_eq!(mediarec_ebml::read_uint(&[0x01, 0x00]), Ok(256));
/// ```
pub fn read_uint(data: &[u8]) -> Result<u64, ReadError> {
    if data.len() > 8 {
        return Err(ReadError::InvalidPayload);
    }
    Ok(data.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Decodes a signed integer payload (0–8 bytes, two's complement).
///
/// ```
/// assert_eq!(mediarec_ebml::read_int(&[0xFE]), Ok(-2));
/// ```
pub fn read_int(data: &[u8]) -> Result<i64, ReadError> {
    let raw = read_uint(data)?;
    if data.is_empty() || data.len() == 8 {
        return Ok(raw as i64);
    }
    let shift = 64 - 8 * data.len() as u32;
    Ok(((raw << shift) as i64) >> shift)
}

/// Decodes a float payload (0, 4 or 8 bytes; empty means 0.0).
pub fn read_float(data: &[u8]) -> Result<f64, ReadError> {
    match data.len() {
        0 => Ok(0.0),
        4 => Ok(f64::from(f32::from_bits(read_uint(data)? as u32))),
        8 => Ok(f64::from_bits(read_uint(data)?)),
        _ => Err(ReadError::InvalidPayload),
    }
}

/// Decodes a string payload: UTF-8 with any trailing NUL padding removed.
///
/// ```
/// assert_eq!(mediarec_ebml::read_str(b"webm\0\0"), Ok("webm"));
/// ```
pub fn read_str(data: &[u8]) -> Result<&str, ReadError> {
    let end = data.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    core::str::from_utf8(data.get(..end).unwrap_or(&[])).map_err(|_| ReadError::InvalidPayload)
}

/// The 4+ byte header at the start of a `SimpleBlock` or `Block` payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockHeader {
    /// Track number.
    pub track: u64,
    /// Time relative to the cluster's timestamp, in timestamp ticks.
    pub timestamp: i16,
    /// Flags byte (`SimpleBlock`: 0x80 keyframe, 0x08 invisible, 0x06 lacing, 0x01
    /// discardable).
    pub flags: u8,
    /// Bytes before the frame data.
    pub len: usize,
}

impl BlockHeader {
    /// Parses the header of a block payload.
    ///
    /// ```
    /// use mediarec_ebml::BlockHeader;
    /// let h = BlockHeader::parse(&[0x81, 0xFF, 0xFE, 0x80, 0xAA]).unwrap();
    /// assert_eq!((h.track, h.timestamp, h.is_keyframe(), h.len), (1, -2, true, 4));
    /// ```
    pub fn parse(data: &[u8]) -> Result<BlockHeader, ReadError> {
        let (track, width, _) = vint(data, 0).map_err(|_| ReadError::InvalidPayload)?;
        let rest = data.get(width..width + 3).ok_or(ReadError::InvalidPayload)?;
        let (t0, t1, flags) = match rest {
            [a, b, c] => (*a, *b, *c),
            _ => return Err(ReadError::InvalidPayload),
        };
        Ok(BlockHeader { track, timestamp: i16::from_be_bytes([t0, t1]), flags, len: width + 3 })
    }

    /// The `SimpleBlock` keyframe flag.
    pub const fn is_keyframe(&self) -> bool {
        self.flags & 0x80 != 0
    }

    /// Lacing mode: 0 none, 1 Xiph, 2 fixed-size, 3 EBML.
    pub const fn lacing(&self) -> u8 {
        (self.flags >> 1) & 0x03
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_truncation_reports_missing_bytes_at_every_cut() {
        let full = [0x1A, 0x45, 0xDF, 0xA3, 0x40, 0x10];
        for cut in 0..full.len() {
            match Header::parse(&full[..cut], 7) {
                Err(ReadError::Truncated { offset: 7, needed }) => assert!(needed >= 1),
                other => panic!("cut {cut}: {other:?}"),
            }
        }
        let h = Header::parse(&full, 7).unwrap();
        assert_eq!((h.id, h.header_len, h.size, h.end()), (ids::EBML, 6, Some(16), Some(29)));
    }

    #[test]
    fn invalid_ids_and_sizes_are_distinct_errors() {
        assert_eq!(Header::parse(&[0x08, 0, 0, 0, 0], 0), Err(ReadError::InvalidId { offset: 0 }));
        assert_eq!(Header::parse(&[0x00], 3), Err(ReadError::InvalidId { offset: 3 }));
        assert_eq!(Header::parse(&[0xFF, 0x81], 0), Err(ReadError::InvalidId { offset: 0 }));
        assert_eq!(Header::parse(&[0x80, 0x81], 0), Err(ReadError::InvalidId { offset: 0 }));
        assert_eq!(Header::parse(&[0xA3, 0x00], 0), Err(ReadError::InvalidSize { offset: 1 }));
        // Any width with all value bits set is "unknown".
        assert_eq!(Header::parse(&[0xA3, 0x7F, 0xFF], 0).unwrap().size, None);
        assert_eq!(Header::parse(&[0xA3, 0xFF], 0).unwrap().size, None);
    }

    #[test]
    fn huge_sizes_near_the_offset_limit_are_invalid_not_overflowing() {
        let bytes = [0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE];
        assert_eq!(
            Header::parse(&bytes, u64::MAX - 4),
            Err(ReadError::InvalidSize { offset: u64::MAX - 3 })
        );
    }

    #[test]
    fn leaf_cut_short_is_truncated_at_top_level_but_exceeds_a_complete_parent() {
        // A SimpleBlock claiming 4 bytes with only 2 present.
        let cut = [0xA3, 0x84, 1, 2];
        let mut r = Reader::new(&cut, 0);
        let h = r.next_header().unwrap().unwrap();
        assert_eq!(r.read_data(&h), Err(ReadError::Truncated { offset: 0, needed: 2 }));

        // Same child inside a complete BlockGroup of 4 bytes.
        let bad = [0xA0, 0x84, 0xA3, 0x84, 1, 2, 0xEC, 0x80];
        let mut r = Reader::new(&bad, 0);
        let g = r.next_header().unwrap().unwrap();
        let mut inner = r.enter(&g);
        assert_eq!(inner.next_header(), Err(ReadError::ExceedsParent { offset: 2 }));
        r.leave(&inner).unwrap();
        assert_eq!(r.next_header().unwrap().unwrap().id, ids::VOID);
    }

    #[test]
    fn known_size_master_cut_short_reports_truncation_on_leave() {
        let bytes = [0xA0, 0x88, 0xEC, 0x80];
        let mut r = Reader::new(&bytes, 0);
        let g = r.next_header().unwrap().unwrap();
        let mut inner = r.enter(&g);
        assert_eq!(inner.next_header().unwrap().unwrap().id, ids::VOID);
        assert_eq!(inner.next_header(), Err(ReadError::Truncated { offset: 4, needed: 6 }));
        assert_eq!(r.leave(&inner), Err(ReadError::Truncated { offset: 4, needed: 6 }));
    }

    #[test]
    fn unknown_size_segment_with_clusters_ends_by_content() {
        let bytes = [
            0x18, 0x53, 0x80, 0x67, 0xFF, // Segment, unknown
            0x1F, 0x43, 0xB6, 0x75, 0xFF, // Cluster, unknown
            0xE7, 0x81, 0x00, // Timestamp 0
            0xA3, 0x85, 0x81, 0x00, 0x00, 0x80, 0xAA, // SimpleBlock
            0x1F, 0x43, 0xB6, 0x75, 0xFF, // Cluster, unknown
            0xE7, 0x81, 0x05, //
            0x1A, 0x45, 0xDF, 0xA3, 0x80, // next EBML document
        ];
        let mut top = Reader::new(&bytes, 0);
        let seg = top.next_header().unwrap().unwrap();
        let mut s = top.enter(&seg);
        let mut clusters = 0;
        let mut leaves = 0;
        while let Some(c) = s.next_header().unwrap() {
            assert_eq!(c.id, ids::CLUSTER);
            clusters += 1;
            let mut cl = s.enter(&c);
            while let Some(h) = cl.next_header().unwrap() {
                cl.skip_data(&h).unwrap();
                leaves += 1;
            }
            s.leave(&cl).unwrap();
        }
        top.leave(&s).unwrap();
        assert_eq!((clusters, leaves), (2, 3));
        assert_eq!(top.next_header().unwrap().unwrap().id, ids::EBML);
        assert_eq!(top.next_header().unwrap(), None);
    }

    #[test]
    fn unknown_size_leaf_cannot_be_read() {
        let bytes = [0xA3, 0xFF, 1, 2];
        let mut r = Reader::new(&bytes, 0);
        let h = r.next_header().unwrap().unwrap();
        assert_eq!(r.read_data(&h), Err(ReadError::UnknownSize { offset: 0 }));
    }

    #[test]
    fn payload_helpers_decode_and_reject() {
        assert_eq!(read_uint(&[]), Ok(0));
        assert_eq!(read_uint(&[0xFF; 8]), Ok(u64::MAX));
        assert_eq!(read_uint(&[0; 9]), Err(ReadError::InvalidPayload));
        assert_eq!(read_int(&[0x80]), Ok(-128));
        assert_eq!(read_int(&[0x7F]), Ok(127));
        assert_eq!(read_int(&[0xFF; 8]), Ok(-1));
        assert_eq!(read_int(&[0x00, 0xCD, 0xFE, 0x60]), Ok(13_500_000));
        assert_eq!(read_int(&[0xCD, 0xFE, 0x60]), Ok(-3_277_216));
        assert_eq!(read_float(&1.5f32.to_be_bytes()), Ok(1.5));
        assert_eq!(read_float(&2.25f64.to_be_bytes()), Ok(2.25));
        assert_eq!(read_float(&[0; 3]), Err(ReadError::InvalidPayload));
        assert_eq!(read_str(b"A_OPUS"), Ok("A_OPUS"));
        assert_eq!(read_str(&[0xFF]), Err(ReadError::InvalidPayload));
        assert_eq!(BlockHeader::parse(&[0x81, 0]), Err(ReadError::InvalidPayload));
        assert_eq!(BlockHeader::parse(&[0x00, 0, 0, 0]), Err(ReadError::InvalidPayload));
        let h = BlockHeader::parse(&[0x40, 0x85, 0x7F, 0xFF, 0x06]).unwrap();
        assert_eq!((h.track, h.timestamp, h.lacing(), h.len), (133, i16::MAX, 3, 5));
    }
}
