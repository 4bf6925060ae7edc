//! Where muxed bytes go.

/// Why a sink refused bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkError {
    /// No room left; nothing of this write was taken.
    Full,
    /// `patch` on a sink that cannot go back.
    NotSeekable,
    /// The underlying storage failed.
    Io,
}

impl crate::Error for SinkError {
    fn kind(&self) -> crate::ErrorKind {
        match self {
            SinkError::Full => crate::ErrorKind::Full,
            SinkError::NotSeekable => crate::ErrorKind::Unsupported,
            SinkError::Io => crate::ErrorKind::Io,
        }
    }
}

/// An append-only byte destination that may also be able to patch earlier bytes.
///
/// Muxers write through `&mut dyn ByteSink`; when [`ByteSink::can_patch`] is true they may
/// go back with [`ByteSink::patch`] to fill in sizes, `Duration` and `SeekHead`, or append
/// data that only the seekable file gets (`Cues`) by patching at [`ByteSink::position`].
/// A write either takes all its bytes or none.
///
/// ```
/// use mediarec_core::{ByteSink, SliceSink};
/// let mut buf = [0u8; 8];
/// let mut sink = SliceSink::new(&mut buf);
/// sink.write(b"abc").unwrap();
/// assert_eq!(sink.position(), 3);
/// assert!(sink.write(b"too long!").is_err());
/// assert_eq!(sink.written(), b"abc");
/// ```
pub trait ByteSink {
    /// Appends all of `bytes`, or nothing.
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError>;
    /// Bytes written so far: the offset the next byte will have in the output.
    fn position(&self) -> u64;
    /// True when [`ByteSink::patch`] works.
    fn can_patch(&self) -> bool {
        false
    }
    /// Writes bytes that belong to the current blob but not to the output file: the
    /// repeated header that lets a self-contained blob play on its own. They do not move
    /// `position()`; a sink with no notion of blobs (a file) drops them.
    fn write_blob_only(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        let _ = bytes;
        Ok(())
    }
    /// Writes bytes that belong to the output file but not to the current blob: what a
    /// self-contained blob replaces with its own version (a cluster header on the file's
    /// timeline). They move `position()` like [`ByteSink::write`], which a sink with no
    /// notion of blobs uses for them.
    fn write_file_only(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.write(bytes)
    }
    /// Overwrites bytes at `offset` (which may equal `position()` to append patch-only data).
    /// Patches do not move `position()`.
    fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), SinkError> {
        let _ = (offset, bytes);
        Err(SinkError::NotSeekable)
    }
}

/// A sink over a caller's slice: firmware buffers, tests, scratch space. It can patch
/// anything already written.
pub struct SliceSink<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> SliceSink<'a> {
    /// An empty sink writing into `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        SliceSink { buf, len: 0 }
    }
    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    /// Forgets what was written.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl ByteSink for SliceSink<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        let end = self.len.checked_add(bytes.len()).ok_or(SinkError::Full)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(SinkError::Full)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
    fn position(&self) -> u64 {
        self.len as u64
    }
    fn can_patch(&self) -> bool {
        true
    }
    fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), SinkError> {
        let start = usize::try_from(offset).map_err(|_| SinkError::Full)?;
        let end = start.checked_add(bytes.len()).ok_or(SinkError::Full)?;
        if start > self.len {
            return Err(SinkError::Io);
        }
        let dst = self.buf.get_mut(start..end).ok_or(SinkError::Full)?;
        dst.copy_from_slice(bytes);
        self.len = self.len.max(end);
        Ok(())
    }
}

/// Counts bytes without storing them: measure-then-write for known-size elements.
///
/// ```
/// use mediarec_core::{ByteSink, CountingSink};
/// let mut c = CountingSink::default();
/// c.write(&[1, 2, 3]).unwrap();
/// assert_eq!(c.position(), 3);
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingSink {
    count: u64,
}

impl ByteSink for CountingSink {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.count += bytes.len() as u64;
        Ok(())
    }
    fn position(&self) -> u64 {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_sink_is_all_or_nothing_and_patches_in_place() {
        let mut buf = [0u8; 4];
        let mut s = SliceSink::new(&mut buf);
        s.write(&[1, 2]).unwrap();
        assert_eq!(s.write(&[3, 4, 5]), Err(SinkError::Full));
        assert_eq!(s.written(), &[1, 2]);
        s.patch(0, &[9]).unwrap();
        s.patch(2, &[7]).unwrap();
        assert_eq!(s.written(), &[9, 2, 7]);
        assert_eq!(s.patch(5, &[1]), Err(SinkError::Io));
    }
}
