//! The single ordered output queue: muxed bytes (in a caller-provided ring), patches for
//! seekable outputs, and events, in exactly the order they were produced.

use heapless::Deque;
use mediarec_core::{ByteSink, Duration, Instant, SinkError};

use crate::event::RecorderEvent;

/// One thing the driver must do next, as returned by
/// [`Recorder::poll_output`](crate::Recorder::poll_output).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Output {
    /// `n` bytes were copied into the caller's buffer. They are appended to the output and
    /// belong to the current blob.
    Bytes(usize),
    /// `n` bytes were copied into the caller's buffer. They go at absolute byte `offset` of
    /// the output file (which may be the current end), and only there: they are not part of
    /// any blob. Only produced when the recorder was told its output is seekable.
    Patch {
        /// Absolute offset in the output.
        offset: u64,
        /// Bytes copied.
        n: usize,
    },
    /// `n` bytes were copied into the caller's buffer. They belong to the current blob but
    /// not to the output file: the header and rebased cluster headers of a self-contained
    /// blob ([`RecorderOptions::self_contained_blobs`](crate::RecorderOptions)).
    BlobOnly(usize),
    /// `n` bytes were copied into the caller's buffer. They are appended to the output file
    /// but are not part of the current blob (the file's own cluster headers where a
    /// self-contained blob has rebased ones).
    FileOnly(usize),
    /// A spec event. [`RecorderEvent::DataAvailable`] closes the blob made of all
    /// [`Output::Bytes`] since the previous one.
    Event(RecorderEvent),
    /// Nothing more until an input arrives or the instant passes (`None`: no timer armed).
    Wait(Option<Instant>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Append(usize),
    BlobOnly(usize),
    FileOnly(usize),
    Patch { offset: u64, len: usize },
    Event(RecorderEvent),
}

/// Capacity of the op queue; appends coalesce, so this bounds patches and events between
/// two drains, not packets.
const OPS: usize = 64;
/// Ops a single input step may add at the most (an append, a cluster patch, an event).
pub(crate) const OPS_PER_STEP: usize = 4;

/// A byte ring over the caller's storage plus the op queue.
pub(crate) struct OutputQueue<'s> {
    ring: &'s mut [u8],
    head: usize,
    len: usize,
    ops: Deque<Op, OPS>,
    /// Bytes appended to the output stream since the recording started (absolute offset).
    position: u64,
    /// End of the furthest patch (patch-only data may lie past `position`).
    patch_end: u64,
    patchable: bool,
}

impl<'s> OutputQueue<'s> {
    pub(crate) fn new(ring: &'s mut [u8], patchable: bool) -> Self {
        OutputQueue {
            ring,
            head: 0,
            len: 0,
            ops: Deque::new(),
            position: 0,
            patch_end: 0,
            patchable,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.ring.len()
    }

    /// Starts a new output stream (a new recording) at offset 0.
    pub(crate) fn reset_position(&mut self) {
        self.position = 0;
        self.patch_end = 0;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// True when `bytes` more bytes and a step's worth of ops fit.
    pub(crate) fn has_room(&self, bytes: usize) -> bool {
        self.ring.len() - self.len >= bytes && OPS - self.ops.len() >= OPS_PER_STEP
    }

    pub(crate) fn push_event(&mut self, e: RecorderEvent) -> bool {
        self.ops.push_back(Op::Event(e)).is_ok()
    }

    fn copy_in(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        if self.ring.len() - self.len < bytes.len() {
            return Err(SinkError::Full);
        }
        let cap = self.ring.len();
        let tail = (self.head + self.len) % cap.max(1);
        let first = bytes.len().min(cap - tail);
        self.ring[tail..tail + first].copy_from_slice(&bytes[..first]);
        self.ring[..bytes.len() - first].copy_from_slice(&bytes[first..]);
        self.len += bytes.len();
        Ok(())
    }

    fn copy_out(&mut self, out: &mut [u8]) {
        let cap = self.ring.len();
        let n = out.len();
        let first = n.min(cap - self.head);
        out[..first].copy_from_slice(&self.ring[self.head..self.head + first]);
        out[first..].copy_from_slice(&self.ring[..n - first]);
        self.head = (self.head + n) % cap.max(1);
        self.len -= n;
    }

    /// Takes the next output, copying at most `out.len()` bytes.
    pub(crate) fn pop(&mut self, out: &mut [u8]) -> Option<Output> {
        let op = self.ops.front_mut()?;
        match op {
            Op::Event(e) => {
                let e = *e;
                self.ops.pop_front();
                Some(Output::Event(e))
            }
            Op::Append(len) => {
                let n = (*len).min(out.len());
                *len -= n;
                if *len == 0 {
                    self.ops.pop_front();
                }
                self.copy_out(&mut out[..n]);
                Some(Output::Bytes(n))
            }
            Op::BlobOnly(_) | Op::FileOnly(_) => {
                let blob = matches!(*op, Op::BlobOnly(_));
                let len = match op {
                    Op::BlobOnly(len) | Op::FileOnly(len) => len,
                    _ => return None,
                };
                let n = (*len).min(out.len());
                *len -= n;
                let output = if blob { Output::BlobOnly(n) } else { Output::FileOnly(n) };
                if *len == 0 {
                    self.ops.pop_front();
                }
                self.copy_out(&mut out[..n]);
                Some(output)
            }
            Op::Patch { offset, len } => {
                let n = (*len).min(out.len());
                let at = *offset;
                *offset += n as u64;
                *len -= n;
                if *len == 0 {
                    self.ops.pop_front();
                }
                self.copy_out(&mut out[..n]);
                Some(Output::Patch { offset: at, n })
            }
        }
    }
}

impl OutputQueue<'_> {
    /// Queues `bytes` as an op of `kind`'s variant, extending the last op when it has the
    /// same variant.
    fn push_bytes(&mut self, bytes: &[u8], kind: Op) -> Result<(), SinkError> {
        if bytes.is_empty() {
            return Ok(());
        }
        let same = matches!(
            (self.ops.back(), kind),
            (Some(Op::Append(_)), Op::Append(_))
                | (Some(Op::BlobOnly(_)), Op::BlobOnly(_))
                | (Some(Op::FileOnly(_)), Op::FileOnly(_))
        );
        if !same && self.ops.is_full() {
            return Err(SinkError::Full);
        }
        self.copy_in(bytes)?;
        if same {
            if let Some(Op::Append(len) | Op::BlobOnly(len) | Op::FileOnly(len)) =
                self.ops.back_mut()
            {
                *len += bytes.len();
            }
        } else {
            let op = match kind {
                Op::BlobOnly(_) => Op::BlobOnly(bytes.len()),
                Op::FileOnly(_) => Op::FileOnly(bytes.len()),
                _ => Op::Append(bytes.len()),
            };
            // Cannot fail: checked `is_full` above.
            let _ = self.ops.push_back(op);
        }
        Ok(())
    }
}

impl ByteSink for OutputQueue<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.push_bytes(bytes, Op::Append(0))?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    fn position(&self) -> u64 {
        self.position
    }

    fn can_patch(&self) -> bool {
        self.patchable
    }

    fn write_blob_only(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.push_bytes(bytes, Op::BlobOnly(0))
    }

    fn write_file_only(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.push_bytes(bytes, Op::FileOnly(0))?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), SinkError> {
        if !self.patchable {
            return Err(SinkError::NotSeekable);
        }
        // Patch-only data may extend past the appended bytes (Cues written at the end in
        // pieces), as long as each piece starts where the stream or an earlier patch ends.
        if offset > self.position.max(self.patch_end) {
            return Err(SinkError::Io);
        }
        if bytes.is_empty() {
            return Ok(());
        }
        if self.ops.is_full() {
            return Err(SinkError::Full);
        }
        self.copy_in(bytes)?;
        self.patch_end = self.patch_end.max(offset + bytes.len() as u64);
        let _ = self.ops.push_back(Op::Patch { offset, len: bytes.len() });
        Ok(())
    }
}

/// The media time a blob starts at, kept to compute `BlobEvent.timecode`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BlobClock {
    /// Media time of all earlier recordings of this recorder (timecodes never go back).
    pub(crate) base: Duration,
    /// Media time (within the current recording) at which the current blob started.
    pub(crate) blob_start: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_events_come_out_in_order_across_the_ring_edge() {
        let mut store = [0u8; 8];
        let mut q = OutputQueue::new(&mut store, true);
        let mut out = [0u8; 3];
        q.write(&[1, 2, 3, 4, 5]).unwrap();
        assert_eq!(q.pop(&mut out), Some(Output::Bytes(3)));
        assert_eq!(out, [1, 2, 3]);
        q.write(&[6, 7, 8, 9, 10]).unwrap(); // wraps
        q.push_event(RecorderEvent::Pause);
        q.patch(2, &[0xAA]).unwrap();
        let mut got = heapless::Vec::<u8, 16>::new();
        loop {
            match q.pop(&mut out) {
                Some(Output::Bytes(n)) => got.extend_from_slice(&out[..n]).unwrap(),
                Some(Output::Event(e)) => {
                    assert_eq!(e, RecorderEvent::Pause);
                    assert_eq!(&got[..], &[4, 5, 6, 7, 8, 9, 10]);
                }
                Some(Output::Patch { offset, n }) => {
                    assert_eq!((offset, &out[..n]), (2, &[0xAA][..]));
                }
                Some(Output::Wait(_) | Output::BlobOnly(_) | Output::FileOnly(_)) => unreachable!(),
                None => break,
            }
        }
        assert_eq!(q.position(), 10);
    }

    /// Regression: patch-only data (an index) longer than one write comes in pieces past
    /// the appended bytes; each piece continuing the last must be taken, or long
    /// recordings lose their index.
    #[test]
    fn patch_only_data_may_continue_past_the_stream_end() {
        let mut store = [0u8; 1024];
        let mut q = OutputQueue::new(&mut store, true);
        q.write(&[1; 100]).unwrap();
        q.patch(100, &[2; 256]).unwrap();
        q.patch(356, &[3; 256]).unwrap();
        assert_eq!(q.patch(1000, &[4]), Err(SinkError::Io), "a gap is still refused");
        assert_eq!(q.position(), 100, "patches do not move the stream");
    }

    #[test]
    fn a_write_that_does_not_fit_takes_nothing() {
        let mut store = [0u8; 4];
        let mut q = OutputQueue::new(&mut store, false);
        q.write(&[1, 2, 3]).unwrap();
        assert_eq!(q.write(&[4, 5]), Err(SinkError::Full));
        assert_eq!(q.position(), 3);
        assert_eq!(q.patch(0, &[1]), Err(SinkError::NotSeekable));
    }
}
