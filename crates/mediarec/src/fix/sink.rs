//! A patching [`ByteSink`] over any `Write + Seek`: a file, or a `Cursor<Vec<u8>>`.

use std::io::{self, Seek, SeekFrom, Write};

use mediarec_core::{ByteSink, SinkError};

/// A buffered [`ByteSink`] that can patch earlier bytes, over any `Write + Seek`.
///
/// Appends collect in a buffer; a patch that lands in the buffer costs a copy, one that
/// lands before it a seek. The muxer's patches (a cluster's size when the next one
/// starts, `Duration`, `SeekHead`, `Cues` at the end) are few, so a file is written
/// almost sequentially.
///
/// ```
/// use std::io::Cursor;
/// use mediarec::PatchWriter;
/// use mediarec_core::ByteSink;
/// let mut w = PatchWriter::new(Cursor::new(Vec::new()));
/// w.write(b"hello world").unwrap();
/// w.patch(0, b"J").unwrap();
/// assert_eq!(w.finish().unwrap().into_inner(), b"Jello world");
/// ```
pub struct PatchWriter<W: Write + Seek> {
    inner: W,
    buf: Vec<u8>,
    capacity: usize,
    /// Offset of `buf[0]` in the output.
    buf_at: u64,
    /// Where `inner`'s cursor is.
    cursor: u64,
    /// Output length, patches past the appended bytes included.
    len: u64,
    error: Option<io::Error>,
}

impl<W: Write + Seek> PatchWriter<W> {
    /// Default buffer: 256 KiB.
    pub const DEFAULT_BUFFER: usize = 256 * 1024;

    /// A writer starting at offset 0 of `inner` (which should be empty).
    pub fn new(inner: W) -> Self {
        Self::with_capacity(inner, Self::DEFAULT_BUFFER)
    }

    /// A writer with a `capacity`-byte buffer.
    pub fn with_capacity(inner: W, capacity: usize) -> Self {
        PatchWriter {
            inner,
            buf: Vec::with_capacity(capacity),
            capacity,
            buf_at: 0,
            cursor: 0,
            len: 0,
            error: None,
        }
    }

    /// Bytes in the output so far (appended and patched-on).
    pub fn len(&self) -> u64 {
        self.len.max(self.position())
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The I/O error behind the last [`SinkError::Io`], if any.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Writes out the buffer and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_buf()?;
        self.inner.flush()?;
        Ok(self.inner)
    }

    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        if self.cursor != offset {
            self.inner.seek(SeekFrom::Start(offset))?;
        }
        self.inner.write_all(bytes)?;
        self.cursor = offset + bytes.len() as u64;
        self.len = self.len.max(self.cursor);
        Ok(())
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let buf = std::mem::take(&mut self.buf);
            let result = self.write_at(self.buf_at, &buf);
            self.buf_at += buf.len() as u64;
            self.buf = buf;
            self.buf.clear();
            result?;
        }
        Ok(())
    }

    fn io(&mut self, e: io::Error) -> SinkError {
        self.error = Some(e);
        SinkError::Io
    }
}

impl<W: Write + Seek> ByteSink for PatchWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        if self.buf.len() + bytes.len() > self.capacity {
            self.flush_buf().map_err(|e| self.io(e))?;
        }
        if bytes.len() >= self.capacity {
            let at = self.buf_at;
            self.write_at(at, bytes).map_err(|e| self.io(e))?;
            self.buf_at += bytes.len() as u64;
        } else {
            self.buf.extend_from_slice(bytes);
        }
        Ok(())
    }

    fn position(&self) -> u64 {
        self.buf_at + self.buf.len() as u64
    }

    fn can_patch(&self) -> bool {
        true
    }

    fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), SinkError> {
        let end = offset.checked_add(bytes.len() as u64).ok_or(SinkError::Io)?;
        if offset > self.len() {
            return Err(SinkError::Io);
        }
        if offset >= self.buf_at && end <= self.position() {
            let from = (offset - self.buf_at) as usize;
            if let Some(dst) = self.buf.get_mut(from..from + bytes.len()) {
                dst.copy_from_slice(bytes);
                return Ok(());
            }
        }
        self.flush_buf().map_err(|e| self.io(e))?;
        self.write_at(offset, bytes).map_err(|e| self.io(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn patches_in_the_buffer_before_it_and_past_the_end() {
        let mut w = PatchWriter::with_capacity(Cursor::new(Vec::new()), 8);
        w.write(b"abcdef").unwrap();
        w.write(b"ghijkl").unwrap(); // flushes "abcdef"
        w.patch(1, b"B").unwrap(); // before the buffer: a seek
        w.patch(7, b"H").unwrap(); // in the buffer... after the flush above it is on disk
        w.write(b"0123456789").unwrap(); // larger than the buffer: written through
        assert_eq!(w.position(), 22);
        w.patch(22, b"xyz").unwrap(); // patch-only data past the end
        assert_eq!(w.len(), 25);
        assert_eq!(w.patch(30, b"!"), Err(SinkError::Io));
        let out = w.finish().unwrap().into_inner();
        assert_eq!(out, b"aBcdefgHijkl0123456789xyz");
    }

    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("disk full"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Seek for Broken {
        fn seek(&mut self, _: SeekFrom) -> io::Result<u64> {
            Ok(0)
        }
    }

    #[test]
    fn io_errors_are_kept_for_the_caller() {
        let mut w = PatchWriter::with_capacity(Broken, 4);
        assert_eq!(w.write(b"12345"), Err(SinkError::Io));
        assert_eq!(w.take_error().unwrap().to_string(), "disk full");
    }
}
