//! Where the recording goes: a file (made seekable at the end) or any writer (live).

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

/// The output of a recording.
pub enum Destination {
    /// A file: bytes are appended, and patches (sizes, duration, index) are applied, so the
    /// result is seekable.
    File(FileSink),
    /// A stream (stdout, a socket): live output, patches are ignored.
    Writer(Box<dyn Write + Send>),
    /// Nothing: blobs reach the application only through `dataavailable` events.
    None,
}

impl Destination {
    /// Creates (truncates) the file at `path`.
    pub fn file(path: impl AsRef<Path>) -> io::Result<Self> {
        Ok(Destination::File(FileSink::create(path)?))
    }

    /// True when patches reach the output.
    pub fn is_seekable(&self) -> bool {
        matches!(self, Destination::File(_))
    }

    pub(crate) fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Destination::File(f) => f.append(bytes),
            Destination::Writer(w) => w.write_all(bytes),
            Destination::None => Ok(()),
        }
    }

    pub(crate) fn patch(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        match self {
            Destination::File(f) => f.patch(offset, bytes),
            _ => Ok(()),
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::File(f) => f.flush(),
            Destination::Writer(w) => w.flush(),
            Destination::None => Ok(()),
        }
    }

    /// Hands buffered bytes to the operating system (no fsync), so that a killed process
    /// loses at most what came since.
    pub(crate) fn flush_buffer(&mut self) -> io::Result<()> {
        match self {
            Destination::File(f) => f.file.flush(),
            Destination::Writer(w) => w.flush(),
            Destination::None => Ok(()),
        }
    }
}

/// A buffered file that can also overwrite earlier bytes.
pub struct FileSink {
    file: BufWriter<File>,
    end: u64,
}

impl FileSink {
    /// Creates (truncates) `path`.
    pub fn create(path: impl AsRef<Path>) -> io::Result<Self> {
        Ok(FileSink { file: BufWriter::with_capacity(256 * 1024, File::create(path)?), end: 0 })
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.end += bytes.len() as u64;
        Ok(())
    }

    fn patch(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        self.file.seek(SeekFrom::Start(offset))?;
        self.file.write_all(bytes)?;
        self.end = self.end.max(offset + bytes.len() as u64);
        self.file.seek(SeekFrom::Start(self.end))?;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_data()
    }
}
