//! A bounded read buffer: the only place input bytes live while they are parsed.

use std::io::{self, Read};

/// Reads an input through one buffer that grows only to hold a single element (up to a
/// cap), so memory stays bounded whatever the input's length.
pub(crate) struct Input<R> {
    reader: R,
    buf: Vec<u8>,
    /// Valid bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    /// Absolute offset of `buf[start]`.
    base: u64,
    eof: bool,
    max: usize,
}

impl<R: Read> Input<R> {
    /// A buffer of `capacity` bytes that may grow to `max` for one large element.
    pub(crate) fn new(reader: R, capacity: usize, max: usize) -> Self {
        let capacity = capacity.clamp(64, max.max(64));
        Input {
            reader,
            buf: vec![0; capacity],
            start: 0,
            end: 0,
            base: 0,
            eof: false,
            max: max.max(capacity),
        }
    }

    /// Absolute offset of the next unread byte.
    pub(crate) fn position(&self) -> u64 {
        self.base
    }

    /// The bytes read but not consumed yet.
    pub(crate) fn available(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    /// The largest element [`Input::fill`] can hold.
    pub(crate) fn max(&self) -> usize {
        self.max
    }

    /// Bytes of `len` starting `from` bytes after the next unread byte (within what
    /// [`Input::fill`] made available).
    pub(crate) fn slice(&self, from: usize, len: usize) -> &[u8] {
        let s = self.start.saturating_add(from);
        self.buf.get(s..s.saturating_add(len).min(self.end)).unwrap_or(&[])
    }

    /// Makes at least `n` bytes available; returns false when the input ends first (what
    /// there is stays available). `n` above [`Input::max`] is treated as `max`.
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<bool> {
        let n = n.min(self.max);
        if self.end - self.start >= n {
            return Ok(true);
        }
        if n > self.buf.len() {
            let new_len = n.max(self.buf.len().saturating_mul(2)).min(self.max);
            let mut grown = vec![0; new_len];
            let have = self.end - self.start;
            grown[..have].copy_from_slice(&self.buf[self.start..self.end]);
            self.buf = grown;
            self.start = 0;
            self.end = have;
        } else if self.start + n > self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end - self.start < n && !self.eof {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start >= n)
    }

    /// Reads whatever more the buffer can take; false at the end of the input.
    pub(crate) fn fill_more(&mut self) -> io::Result<bool> {
        let want = (self.end - self.start).saturating_add(1);
        let before = self.end - self.start;
        if want > self.buf.len() {
            // The buffer is full of unconsumed bytes: the caller must consume first.
            return Ok(false);
        }
        // Read at least one more byte, as much as fits.
        self.fill(want)?;
        Ok(self.end - self.start > before)
    }

    /// Consumes the next `n` available bytes and returns them; they stay valid until the
    /// next call that reads.
    pub(crate) fn take(&mut self, n: usize) -> &[u8] {
        let s = self.start;
        let e = s.saturating_add(n).min(self.end);
        self.consume(e - s);
        self.buf.get(s..e).unwrap_or(&[])
    }

    /// Forgets the next `n` available bytes.
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.base = self.base.saturating_add(n as u64);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Moves `n` bytes forward, reading and discarding what is not buffered; returns how
    /// many bytes were skipped (fewer at the end of the input).
    pub(crate) fn skip(&mut self, n: u64) -> io::Result<u64> {
        let mut left = n;
        loop {
            let have = (self.end - self.start) as u64;
            let take = have.min(left);
            self.consume(take as usize);
            left -= take;
            if left == 0 || !self.fill_more()? {
                return Ok(n - left);
            }
        }
    }

    /// True when every byte of the input has been consumed.
    #[cfg(test)]
    pub(crate) fn at_end(&mut self) -> io::Result<bool> {
        Ok(self.end == self.start && !self.fill(1)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most `step` bytes per call, to exercise refills.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn fills_across_short_reads_and_grows_to_the_cap_only() {
        let data: Vec<u8> = (0..=255).collect();
        let mut input = Input::new(Trickle { data: &data, step: 7 }, 64, 128);
        assert!(input.fill(100).unwrap());
        assert_eq!(&input.available()[..100], &data[..100]);
        input.consume(90);
        assert_eq!(input.position(), 90);
        assert!(input.fill(128).unwrap());
        assert_eq!(input.available()[0], 90);
        // Asking beyond the cap gives the cap.
        assert!(input.fill(1000).unwrap());
        assert_eq!(input.available().len(), 128);
        assert_eq!(input.skip(1000).unwrap(), 166);
        assert!(input.at_end().unwrap());
        assert!(!input.fill(1).unwrap());
    }

    #[test]
    fn skip_past_the_buffer_reads_and_discards() {
        let data = vec![7u8; 10_000];
        let mut input = Input::new(&data[..], 64, 64);
        assert_eq!(input.skip(9_990).unwrap(), 9_990);
        assert_eq!(input.position(), 9_990);
        assert!(input.fill(10).unwrap());
        assert!(!input.fill(11).unwrap());
        assert_eq!(input.slice(8, 5), &[7, 7]);
    }
}
