//! Element writers over `&mut dyn ByteSink`.
//!
//! Each function writes one complete element (or header) and composes small headers on the
//! stack so that a typical element costs one or two sink calls. Nothing is buffered across
//! calls: known-size masters are written with [`write_master`], which runs the body twice —
//! once into a [`CountingSink`] to learn its size, then for real.

use mediarec_core::{ByteSink, CountingSink, SinkError};

use crate::vint::{IdBytes, UNKNOWN_SIZE, Vint};

/// Why an element could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteError {
    /// The sink refused the bytes.
    Sink(SinkError),
    /// The ID is not a valid 1–4 byte EBML ID.
    InvalidId,
    /// The size does not fit the VINT width (or any width).
    SizeTooLarge,
    /// A VINT width outside 1–8.
    InvalidWidth,
    /// A `Void` cannot be that short (it needs at least 2 bytes).
    VoidTooShort,
    /// A master body wrote a different number of bytes when measured and when written.
    SizeMismatch,
}

impl From<SinkError> for WriteError {
    fn from(e: SinkError) -> Self {
        WriteError::Sink(e)
    }
}

impl mediarec_core::Error for WriteError {
    fn kind(&self) -> mediarec_core::ErrorKind {
        match self {
            WriteError::Sink(e) => mediarec_core::Error::kind(e),
            _ => mediarec_core::ErrorKind::InvalidInput,
        }
    }
}

impl core::fmt::Display for WriteError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            WriteError::Sink(SinkError::Full) => f.write_str("sink is full"),
            WriteError::Sink(SinkError::NotSeekable) => f.write_str("sink cannot patch"),
            WriteError::Sink(SinkError::Io) => f.write_str("sink I/O failure"),
            WriteError::InvalidId => f.write_str("invalid EBML element ID"),
            WriteError::SizeTooLarge => f.write_str("size does not fit the VINT"),
            WriteError::InvalidWidth => f.write_str("VINT width must be 1 to 8"),
            WriteError::VoidTooShort => f.write_str("a Void element needs at least 2 bytes"),
            WriteError::SizeMismatch => f.write_str("master body size changed between passes"),
        }
    }
}

/// An element header (ID and size) encoded on the stack, at most 12 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedHeader {
    bytes: [u8; 12],
    len: u8,
}

impl EncodedHeader {
    /// The header of element `id` with `size` bytes of data, size in the narrowest width.
    pub fn new(id: u32, size: u64) -> Result<Self, WriteError> {
        Self::from_parts(id, Vint::size(size)?.as_bytes())
    }

    /// The header of element `id` whose size is unknown (8-byte marker).
    pub fn unknown_size(id: u32) -> Result<Self, WriteError> {
        Self::from_parts(id, &UNKNOWN_SIZE)
    }

    /// The header of element `id` with `size` in exactly `width` bytes.
    pub fn with_width(id: u32, size: u64, width: usize) -> Result<Self, WriteError> {
        Self::from_parts(id, Vint::size_with_width(size, width)?.as_bytes())
    }

    fn from_parts(id: u32, size: &[u8]) -> Result<Self, WriteError> {
        let id = IdBytes::new(id)?;
        let mut bytes = [0u8; 12];
        let id = id.as_bytes();
        let total = id.len() + size.len();
        // Both parts are bounded (4 + 8), so these ranges always exist.
        if let Some(a) = bytes.get_mut(..id.len()) {
            a.copy_from_slice(id);
        }
        if let Some(b) = bytes.get_mut(id.len()..total) {
            b.copy_from_slice(size);
        }
        Ok(EncodedHeader { bytes, len: total as u8 })
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&self.bytes)
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a header has an ID and a size.
    pub const fn is_empty(&self) -> bool {
        false
    }
}

/// Bytes a big-endian unsigned integer payload takes in minimal form (at least 1).
pub const fn uint_len(value: u64) -> usize {
    let bits = 64 - value.leading_zeros() as usize;
    if bits == 0 { 1 } else { bits.div_ceil(8) }
}

/// Bytes a two's-complement integer payload takes in minimal form (at least 1).
pub const fn int_len(value: i64) -> usize {
    // Bits needed including the sign bit.
    let bits = if value < 0 {
        65 - (!value).leading_zeros() as usize
    } else {
        65 - value.leading_zeros() as usize
    };
    bits.div_ceil(8)
}

/// Total bytes of an element with ID `id` and `data_len` bytes of data (minimal size VINT),
/// or `None` when the ID is invalid or the size does not fit.
pub const fn element_len(id: u32, data_len: u64) -> Option<u64> {
    match (crate::vint::id_len(id), crate::vint::size_len(data_len)) {
        (Some(i), Some(s)) => (i as u64 + s as u64).checked_add(data_len),
        _ => None,
    }
}

/// Writes the raw bytes of element ID `id`.
pub fn write_id(sink: &mut dyn ByteSink, id: u32) -> Result<(), WriteError> {
    Ok(sink.write(IdBytes::new(id)?.as_bytes())?)
}

/// Writes `size` as a VINT of minimal width.
pub fn write_size(sink: &mut dyn ByteSink, size: u64) -> Result<(), WriteError> {
    Ok(sink.write(Vint::size(size)?.as_bytes())?)
}

/// Writes `size` as a VINT of exactly `width` bytes (1–8).
pub fn write_size_with_width(
    sink: &mut dyn ByteSink,
    size: u64,
    width: usize,
) -> Result<(), WriteError> {
    Ok(sink.write(Vint::size_with_width(size, width)?.as_bytes())?)
}

/// Writes the 8-byte unknown-size marker.
pub fn write_unknown_size(sink: &mut dyn ByteSink) -> Result<(), WriteError> {
    Ok(sink.write(&UNKNOWN_SIZE)?)
}

/// Writes a master element header with a known `size` of data.
pub fn write_master_header(sink: &mut dyn ByteSink, id: u32, size: u64) -> Result<(), WriteError> {
    Ok(sink.write(EncodedHeader::new(id, size)?.as_bytes())?)
}

/// Writes a master element header whose size is unknown (8-byte marker), as live
/// `Segment` and `Cluster` elements use.
pub fn write_unknown_size_header(sink: &mut dyn ByteSink, id: u32) -> Result<(), WriteError> {
    Ok(sink.write(EncodedHeader::unknown_size(id)?.as_bytes())?)
}

fn write_small(sink: &mut dyn ByteSink, id: u32, payload: &[u8]) -> Result<(), WriteError> {
    // ID (4) + size (1) + payload (<= 8) fits one stack buffer: one sink call.
    let header = EncodedHeader::new(id, payload.len() as u64)?;
    let mut buf = [0u8; 20];
    let h = header.as_bytes();
    let total = h.len() + payload.len();
    let head = buf.get_mut(..h.len()).ok_or(WriteError::SizeTooLarge)?;
    head.copy_from_slice(h);
    let dst = buf.get_mut(h.len()..total).ok_or(WriteError::SizeTooLarge)?;
    dst.copy_from_slice(payload);
    Ok(sink.write(buf.get(..total).unwrap_or(&[]))?)
}

/// Writes an unsigned integer element in minimal form.
///
/// ```
/// use mediarec_core::{ByteSink, SliceSink};
/// use mediarec_ebml::{ids, write_uint};
/// let mut buf = [0u8; 16];
/// let mut sink = SliceSink::new(&mut buf);
/// write_uint(&mut sink, ids::TIMESTAMP_SCALE, 1_000_000).unwrap();
/// assert_eq!(sink.written(), &[0x2A, 0xD7, 0xB1, 0x83, 0x0F, 0x42, 0x40]);
/// ```
pub fn write_uint(sink: &mut dyn ByteSink, id: u32, value: u64) -> Result<(), WriteError> {
    let n = uint_len(value);
    let be = value.to_be_bytes();
    write_small(sink, id, be.get(8 - n..).unwrap_or(&be))
}

/// Writes a signed integer element in minimal two's-complement form.
pub fn write_int(sink: &mut dyn ByteSink, id: u32, value: i64) -> Result<(), WriteError> {
    let n = int_len(value);
    let be = value.to_be_bytes();
    write_small(sink, id, be.get(8 - n..).unwrap_or(&be))
}

/// Writes an 8-byte float element.
pub fn write_float(sink: &mut dyn ByteSink, id: u32, value: f64) -> Result<(), WriteError> {
    write_small(sink, id, &value.to_be_bytes())
}

/// Writes a string element (no terminating NUL).
pub fn write_string(sink: &mut dyn ByteSink, id: u32, value: &str) -> Result<(), WriteError> {
    write_binary(sink, id, value.as_bytes())
}

/// Writes a binary element.
pub fn write_binary(sink: &mut dyn ByteSink, id: u32, value: &[u8]) -> Result<(), WriteError> {
    if value.len() <= 8 {
        return write_small(sink, id, value);
    }
    write_master_header(sink, id, value.len() as u64)?;
    Ok(sink.write(value)?)
}

/// Writes a known-size master element whose body `body` writes, without buffering it:
/// the body runs once into a [`CountingSink`] to measure it, then again into `sink`.
/// The body must write the same bytes both times. Returns the element's total length.
///
/// ```
/// use mediarec_core::SliceSink;
/// use mediarec_ebml::{ids, write_master, write_uint};
/// let mut buf = [0u8; 32];
/// let mut sink = SliceSink::new(&mut buf);
/// let len = write_master(&mut sink, ids::CUE_TRACK_POSITIONS, |s| {
///     write_uint(s, ids::CUE_TRACK, 1)?;
///     write_uint(s, ids::CUE_CLUSTER_POSITION, 300)
/// })
/// .unwrap();
/// assert_eq!(len, 9);
/// assert_eq!(sink.written(), &[0xB7, 0x87, 0xF7, 0x81, 0x01, 0xF1, 0x82, 0x01, 0x2C]);
/// ```
pub fn write_master<F>(sink: &mut dyn ByteSink, id: u32, mut body: F) -> Result<u64, WriteError>
where
    F: FnMut(&mut dyn ByteSink) -> Result<(), WriteError>,
{
    let mut counter = CountingSink::default();
    body(&mut counter)?;
    let size = counter.position();
    let header = EncodedHeader::new(id, size)?;
    sink.write(header.as_bytes())?;
    let start = sink.position();
    body(sink)?;
    if sink.position().wrapping_sub(start) != size {
        return Err(WriteError::SizeMismatch);
    }
    Ok(header.len() as u64 + size)
}

static ZEROS: [u8; 64] = [0; 64];

/// Writes zero bytes, `len` of them, in chunks.
pub fn write_zeros(sink: &mut dyn ByteSink, mut len: u64) -> Result<(), WriteError> {
    while len > 0 {
        let n = len.min(ZEROS.len() as u64) as usize;
        sink.write(ZEROS.get(..n).unwrap_or(&ZEROS))?;
        len -= n as u64;
    }
    Ok(())
}

/// The header of a `Void` element that occupies exactly `total_len` bytes (header included),
/// choosing the narrowest size width that makes the arithmetic work. Any `total_len >= 2`
/// is possible (and ≤ 2^56 + 7).
pub fn void_header(total_len: u64) -> Result<EncodedHeader, WriteError> {
    if total_len < 2 {
        return Err(WriteError::VoidTooShort);
    }
    // 1 byte of ID, `w` bytes of size, the rest is data.
    let after_id = total_len - 1;
    for width in 1..=8usize {
        let Some(data) = after_id.checked_sub(width as u64) else {
            break;
        };
        if let Ok(h) = EncodedHeader::with_width(crate::ids::VOID, data, width) {
            return Ok(h);
        }
    }
    Err(WriteError::SizeTooLarge)
}

/// Writes a `Void` element of exactly `total_len` bytes (at least 2), data zeroed. Used to
/// reserve room that a seekable finish later overwrites (SeekHead, Duration).
///
/// ```
/// use mediarec_core::SliceSink;
/// use mediarec_ebml::write_void;
/// let mut buf = [0xAAu8; 4];
/// let mut sink = SliceSink::new(&mut buf);
/// write_void(&mut sink, 4).unwrap();
/// assert_eq!(sink.written(), &[0xEC, 0x82, 0, 0]);
/// ```
pub fn write_void(sink: &mut dyn ByteSink, total_len: u64) -> Result<(), WriteError> {
    let h = void_header(total_len)?;
    sink.write(h.as_bytes())?;
    write_zeros(sink, total_len - h.len() as u64)
}

/// A [`ByteSink`] that turns writes into [`ByteSink::patch`] calls on another sink, starting
/// at a given offset. With it, every element writer can produce patch-only data (the Cues
/// of a seekable finish) or overwrite a reserved region. Writes are gathered in a small
/// internal buffer; call [`PatchSink::flush`] at the end.
///
/// ```
/// use mediarec_core::{ByteSink, SliceSink};
/// use mediarec_ebml::{ids, write_uint, PatchSink};
/// let mut buf = [0u8; 16];
/// let mut file = SliceSink::new(&mut buf);
/// file.write(&[1, 2, 3]).unwrap();
/// let mut p = PatchSink::new(&mut file, 3);
/// write_uint(&mut p, ids::CUE_TIME, 7).unwrap();
/// p.flush().unwrap();
/// assert_eq!(file.written(), &[1, 2, 3, 0xB3, 0x81, 0x07]);
/// ```
pub struct PatchSink<'a> {
    inner: &'a mut dyn ByteSink,
    offset: u64,
    buf: [u8; 256],
    len: usize,
}

impl<'a> PatchSink<'a> {
    /// Patches `inner` starting at absolute `offset`.
    pub fn new(inner: &'a mut dyn ByteSink, offset: u64) -> Self {
        PatchSink { inner, offset, buf: [0; 256], len: 0 }
    }

    /// Sends buffered bytes to the inner sink.
    pub fn flush(&mut self) -> Result<(), SinkError> {
        if self.len > 0 {
            self.inner.patch(self.offset, self.buf.get(..self.len).unwrap_or(&[]))?;
            self.offset += self.len as u64;
            self.len = 0;
        }
        Ok(())
    }
}

impl ByteSink for PatchSink<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len += bytes.len();
            return Ok(());
        }
        self.flush()?;
        if bytes.len() >= self.buf.len() {
            self.inner.patch(self.offset, bytes)?;
            self.offset += bytes.len() as u64;
        } else if let Some(dst) = self.buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len = bytes.len();
        }
        Ok(())
    }

    fn position(&self) -> u64 {
        self.offset + self.len as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids;
    use mediarec_core::SliceSink;

    fn written<F: FnOnce(&mut dyn ByteSink)>(f: F) -> ([u8; 64], usize) {
        let mut buf = [0u8; 64];
        let len;
        {
            let mut s = SliceSink::new(&mut buf);
            f(&mut s);
            len = s.written().len();
        }
        (buf, len)
    }

    #[test]
    fn integer_lengths_are_minimal() {
        assert_eq!(uint_len(0), 1);
        assert_eq!(uint_len(255), 1);
        assert_eq!(uint_len(256), 2);
        assert_eq!(uint_len(u64::MAX), 8);
        assert_eq!(int_len(0), 1);
        assert_eq!(int_len(127), 1);
        assert_eq!(int_len(128), 2);
        assert_eq!(int_len(-128), 1);
        assert_eq!(int_len(-129), 2);
        assert_eq!(int_len(i64::MIN), 8);
        assert_eq!(int_len(i64::MAX), 8);
    }

    #[test]
    fn scalar_elements_encode_big_endian() {
        let (b, n) = written(|s| write_uint(s, ids::TRACK_NUMBER, 0).unwrap());
        assert_eq!(&b[..n], &[0xD7, 0x81, 0x00]);
        let (b, n) = written(|s| write_int(s, ids::DISCARD_PADDING, -2).unwrap());
        assert_eq!(&b[..n], &[0x75, 0xA2, 0x81, 0xFE]);
        let (b, n) = written(|s| write_int(s, ids::DISCARD_PADDING, 13_500_000).unwrap());
        assert_eq!(&b[..n], &[0x75, 0xA2, 0x84, 0x00, 0xCD, 0xFE, 0x60]);
        let (b, n) = written(|s| write_float(s, ids::DURATION, 5000.0).unwrap());
        assert_eq!(&b[..n], &[0x44, 0x89, 0x88, 0x40, 0xB3, 0x88, 0, 0, 0, 0, 0]);
        let (b, n) = written(|s| write_string(s, ids::DOC_TYPE, "webm").unwrap());
        assert_eq!(&b[..n], &[0x42, 0x82, 0x84, b'w', b'e', b'b', b'm']);
        let (b, n) = written(|s| write_binary(s, ids::CODEC_PRIVATE, &[7; 10]).unwrap());
        assert_eq!(&b[..5], &[0x63, 0xA2, 0x8A, 7, 7]);
        assert_eq!(n, 13);
        let (b, n) = written(|s| write_unknown_size_header(s, ids::CLUSTER).unwrap());
        assert_eq!(&b[..n], &[0x1F, 0x43, 0xB6, 0x75, 1, 255, 255, 255, 255, 255, 255, 255]);
    }

    #[test]
    fn invalid_ids_are_refused_before_writing() {
        let (_, n) = written(|s| assert_eq!(write_uint(s, 0x42, 1), Err(WriteError::InvalidId)));
        assert_eq!(n, 0);
    }

    #[test]
    fn void_of_every_small_length_is_exact_and_parses() {
        for total in 2..=600u64 {
            let mut buf = [0xAAu8; 600];
            let mut s = SliceSink::new(&mut buf);
            write_void(&mut s, total).unwrap();
            assert_eq!(s.position(), total);
            let h = crate::Header::parse(s.written(), 0).unwrap();
            assert_eq!(h.id, ids::VOID);
            assert_eq!(h.end(), Some(total), "total {total}");
        }
        assert_eq!(void_header(1), Err(WriteError::VoidTooShort));
        assert_eq!(void_header(0), Err(WriteError::VoidTooShort));
        // Boundary where width 1 stops working (127 would read as "unknown").
        assert_eq!(void_header(128).unwrap().len(), 2);
        assert_eq!(void_header(129).unwrap().len(), 3);
    }

    #[test]
    fn measure_then_write_catches_inconsistent_bodies() {
        let mut buf = [0u8; 64];
        let mut s = SliceSink::new(&mut buf);
        let mut calls = 0;
        let r = write_master(&mut s, ids::INFO, |s| {
            calls += 1;
            write_uint(s, ids::TIMESTAMP_SCALE, if calls == 1 { 1 } else { 1 << 40 })
        });
        assert_eq!(r, Err(WriteError::SizeMismatch));
    }

    #[test]
    fn patch_sink_handles_large_and_split_writes() {
        let mut buf = [0u8; 1024];
        let mut s = SliceSink::new(&mut buf);
        s.write(&[9; 10]).unwrap();
        let mut p = PatchSink::new(&mut s, 10);
        p.write(&[1; 200]).unwrap();
        p.write(&[2; 100]).unwrap(); // does not fit the rest of the buffer: flushes
        p.write(&[3; 300]).unwrap(); // larger than the buffer: passes through
        assert_eq!(p.position(), 610);
        p.flush().unwrap();
        assert_eq!(s.position(), 610);
        let w = s.written();
        assert_eq!(w[9], 9);
        assert!(w[10..210].iter().all(|&b| b == 1));
        assert!(w[210..310].iter().all(|&b| b == 2));
        assert!(w[310..610].iter().all(|&b| b == 3));
    }
}
