//! The lock-free path from the audio callback to the reader.
//!
//! Two single-producer single-consumer rings run side by side: interleaved `f32` samples,
//! and *marks* that anchor the timeline (the capture time of a given frame). The writer
//! marks the first frame and every frame that follows a discontinuity (frames dropped
//! because the reader fell behind, or a jump in the device's capture clock); between
//! marks, time advances by the sample count, so the timeline is as smooth as the
//! device clock. The callback side never allocates, locks or waits: when the sample ring
//! is full it drops frames and counts them.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use cpal::Sample;
use mediarec_core::Duration;
use ringbuf::traits::{Consumer, Observer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

/// Counters the callback keeps, readable at any time through [`CaptureStats`].
#[derive(Debug, Default)]
pub(crate) struct Shared {
    callbacks: AtomicU64,
    captured_frames: AtomicU64,
    dropped_frames: AtomicU64,
    overflows: AtomicU64,
    xruns: AtomicU64,
    discontinuities: AtomicU64,
    /// Microseconds since the input was opened, at the latest data callback.
    last_callback_us: AtomicU64,
    /// The device is gone: the reader reports failure once the ring is drained.
    lost: AtomicBool,
    /// False until the reader wants audio: what is captured before is not kept (a track
    /// delivers live audio from the moment it is read, not a backlog).
    accepting: AtomicBool,
    /// The first fatal or latest backend error. Only the error callback writes it, with
    /// `try_lock`, so it never waits.
    error: Mutex<Option<cpal::Error>>,
}

/// What happened to a capture so far.
///
/// ```
/// use mediarec_capture_cpal::CaptureStats;
/// let s = CaptureStats::default();
/// assert_eq!(s.dropped_frames + s.xruns, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaptureStats {
    /// Data callbacks received.
    pub callbacks: u64,
    /// Sample frames the device delivered (kept or dropped).
    pub captured_frames: u64,
    /// Sample frames dropped because the ring was full (the reader fell behind).
    pub dropped_frames: u64,
    /// Callbacks that had to drop frames.
    pub overflows: u64,
    /// Over- or underruns the backend reported (audio lost inside the device or driver).
    pub xruns: u64,
    /// Jumps of the capture clock larger than the callback's own length (audio lost
    /// before it reached us, whether or not the backend said so).
    pub discontinuities: u64,
}

impl Shared {
    pub(crate) fn stats(&self) -> CaptureStats {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        CaptureStats {
            callbacks: get(&self.callbacks),
            captured_frames: get(&self.captured_frames),
            dropped_frames: get(&self.dropped_frames),
            overflows: get(&self.overflows),
            xruns: get(&self.xruns),
            discontinuities: get(&self.discontinuities),
        }
    }

    pub(crate) fn last_callback_us(&self) -> u64 {
        self.last_callback_us.load(Ordering::Acquire)
    }

    /// Sets whether the callback keeps what it captures.
    pub(crate) fn set_accepting(&self, on: bool) {
        self.accepting.store(on, Ordering::Release);
    }

    pub(crate) fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Acquire)
    }

    /// A description of the error that ended (or troubled) the stream, if any.
    pub(crate) fn error_message(&self) -> Option<String> {
        let slot = self.error.lock().ok()?;
        slot.as_ref().map(|e| format!("{e} ({:?})", e.kind()))
    }

    /// The error callback: counts xruns, and marks the device lost when the backend says
    /// the stream cannot go on. Never waits.
    pub(crate) fn on_error(&self, err: cpal::Error) {
        use cpal::ErrorKind as K;
        let fatal = match err.kind() {
            K::Xrun => {
                self.xruns.fetch_add(1, Ordering::Relaxed);
                return;
            }
            // Informational: the stream goes on.
            K::RealtimeDenied | K::DeviceChanged => false,
            K::DeviceNotAvailable
            | K::StreamInvalidated
            | K::PermissionDenied
            | K::HostUnavailable => true,
            // Anything else may repeat forever without data; the reader's stall check ends
            // that case.
            _ => false,
        };
        if let Ok(mut slot) = self.error.try_lock()
            && (fatal || slot.is_none())
        {
            *slot = Some(err);
        }
        if fatal {
            self.lost.store(true, Ordering::Release);
        }
    }
}

/// A timeline anchor: frame `index` of the stream was captured at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    index: u64,
    at: Duration,
}

/// Marks held at once. One per discontinuity, so this only matters when a reader stalls
/// through a storm of them; then the later marks wait for room.
const MARKS: usize = 256;

/// Makes the two halves of a ring of `capacity_frames` frames.
pub(crate) fn ring(
    capacity_frames: usize,
    channels: u16,
    rate: u32,
    shared: std::sync::Arc<Shared>,
) -> (Writer, Reader) {
    let channels = usize::from(channels.max(1));
    let (samples_tx, samples_rx) = HeapRb::<f32>::new(capacity_frames.max(1) * channels).split();
    let (marks_tx, marks_rx) = HeapRb::<Mark>::new(MARKS).split();
    let writer = Writer {
        samples: samples_tx,
        marks: marks_tx,
        shared,
        channels,
        rate,
        written: 0,
        expected: None,
        needs_mark: true,
        anchor: Mark { index: 0, at: Duration::ZERO },
        lost: 0,
    };
    let reader =
        Reader { samples: samples_rx, marks: marks_rx, channels, rate, read: 0, anchor: None };
    (writer, reader)
}

/// The callback's half.
pub(crate) struct Writer {
    samples: HeapProd<f32>,
    marks: HeapProd<Mark>,
    shared: std::sync::Arc<Shared>,
    channels: usize,
    rate: u32,
    /// Frames written into the ring so far (the index of the next one).
    written: u64,
    /// Capture time the next callback should have if nothing was lost.
    expected: Option<Duration>,
    /// The next written frame must be anchored (start, or after lost frames).
    needs_mark: bool,
    /// The latest anchor written (or, at the start, a zero one).
    anchor: Mark,
    /// Frames dropped since the last one written.
    lost: u64,
}

impl Writer {
    /// Takes one callback's interleaved samples captured at `at` (relative to the stream's
    /// first capture) when `now_us` microseconds have passed since the input was opened.
    /// A trailing partial frame is ignored.
    pub(crate) fn push<T: Sample>(&mut self, data: &[T], at: Duration, now_us: u64)
    where
        f32: cpal::FromSample<T>,
    {
        let s = &self.shared;
        s.callbacks.fetch_add(1, Ordering::Relaxed);
        s.last_callback_us.store(now_us, Ordering::Release);
        let frames = data.len() / self.channels;
        if frames == 0 {
            return;
        }
        s.captured_frames.fetch_add(frames as u64, Ordering::Relaxed);
        let length = Duration::from_samples(frames as u64, self.rate);
        if let Some(expected) = self.expected {
            // Capture times jitter by a fraction of a buffer; a gap of more than half the
            // callback (and 10 ms) means audio went missing.
            let tolerance = Duration::from_micros((length.as_micros() / 2).max(10_000));
            if at > expected + tolerance {
                s.discontinuities.fetch_add(1, Ordering::Relaxed);
                self.needs_mark = true;
            }
        }
        self.expected = Some(at + length);
        if !s.accepting.load(Ordering::Acquire) {
            // Nobody reads yet: the first kept frame starts the timeline afresh.
            self.needs_mark = true;
            return;
        }

        let fit = (self.samples.vacant_len() / self.channels).min(frames);
        if fit > 0 {
            if self.needs_mark {
                // Time never runs backwards, and skips at least what was dropped: a backend
                // that delivers faster than real time (a start-up burst) stamps its
                // callbacks earlier than the sample count has got to.
                let counted = self.anchor.at
                    + Duration::from_samples(self.written - self.anchor.index, self.rate)
                    + Duration::from_samples(self.lost, self.rate);
                let mark = Mark { index: self.written, at: at.max(counted) };
                if self.marks.try_push(mark).is_ok() {
                    self.anchor = mark;
                    self.needs_mark = false;
                    self.lost = 0;
                }
            }
            let take = fit * self.channels;
            let pushed =
                self.samples.push_iter(data.iter().take(take).map(|v| v.to_sample::<f32>()));
            self.written += (pushed / self.channels) as u64;
        }
        if fit < frames {
            self.lost += (frames - fit) as u64;
            s.dropped_frames.fetch_add((frames - fit) as u64, Ordering::Relaxed);
            s.overflows.fetch_add(1, Ordering::Relaxed);
            self.needs_mark = true;
        }
    }
}

/// The reader's half.
pub(crate) struct Reader {
    samples: HeapCons<f32>,
    marks: HeapCons<Mark>,
    channels: usize,
    rate: u32,
    /// Frames taken from the ring so far.
    read: u64,
    anchor: Option<Mark>,
}

impl Reader {
    /// Moves up to `out.len() / channels` whole frames into `out`; returns how many and the
    /// capture time of the first, or `None` when nothing is buffered. A read never spans a
    /// discontinuity, so the returned time holds for every frame of it.
    pub(crate) fn read(&mut self, out: &mut [f32]) -> Option<(usize, Duration)> {
        // Samples first: every mark for a visible sample was published before it.
        let available = self.samples.occupied_len() / self.channels;
        let mut frames = (out.len() / self.channels).min(available);
        if frames == 0 {
            return None;
        }
        self.absorb_marks();
        if let Some(next) = self.marks.first() {
            let until_next = next.index.saturating_sub(self.read);
            frames = frames.min(usize::try_from(until_next).unwrap_or(usize::MAX));
        }
        let at = self.time_of(self.read);
        let n = self.samples.pop_slice(out.get_mut(..frames * self.channels)?);
        let frames = n / self.channels;
        self.read += frames as u64;
        (frames > 0).then_some((frames, at))
    }

    /// Frames buffered now.
    pub(crate) fn buffered(&self) -> usize {
        self.samples.occupied_len() / self.channels
    }

    /// Capture time of the next frame to be read (as far as the marks seen so far tell).
    pub(crate) fn next_time(&self) -> Duration {
        self.time_of(self.read)
    }

    fn absorb_marks(&mut self) {
        while let Some(m) = self.marks.first().copied() {
            if m.index > self.read {
                break;
            }
            self.anchor = Some(m);
            self.marks.try_pop();
        }
    }

    fn time_of(&self, frame: u64) -> Duration {
        let anchor = self.anchor.unwrap_or(Mark { index: 0, at: Duration::ZERO });
        anchor.at + Duration::from_samples(frame.saturating_sub(anchor.index), self.rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn pair(frames: usize, channels: u16) -> (Writer, Reader, Arc<Shared>) {
        let shared = Arc::new(Shared::default());
        shared.set_accepting(true);
        let (w, r) = ring(frames, channels, 1_000, shared.clone());
        (w, r, shared)
    }

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn samples_arrive_converted_with_a_sample_counted_timeline() {
        let (mut w, mut r, shared) = pair(100, 2);
        // Two callbacks of 5 frames each (5 ms at 1 kHz), jittered capture times.
        w.push(&[i16::MAX, i16::MIN, 0, 0, 0, 0, 0, 0, 0, 0], ms(0), 10);
        w.push(&[0i16; 10], ms(6), 20);
        let mut out = [0f32; 6];
        let (n, at) = r.read(&mut out).unwrap();
        assert_eq!((n, at), (3, ms(0)));
        assert!((out[0] - 1.0).abs() < 1e-4 && out[1] == -1.0);
        let (n, at) = r.read(&mut out).unwrap();
        // The jitter of the second callback does not show: time follows the samples.
        assert_eq!((n, at), (3, ms(3)));
        assert_eq!(r.read(&mut out).unwrap(), (3, ms(6)));
        assert_eq!(r.read(&mut out).unwrap(), (1, ms(9)));
        assert_eq!(r.read(&mut out), None);
        let s = shared.stats();
        assert_eq!(
            (s.callbacks, s.captured_frames, s.dropped_frames, s.discontinuities),
            (2, 10, 0, 0)
        );
        assert_eq!(shared.last_callback_us(), 20);
    }

    #[test]
    fn overflow_drops_frames_and_reanchors_time() {
        let (mut w, mut r, shared) = pair(8, 1);
        w.push(&[0.1f32; 6], ms(0), 0);
        w.push(&[0.2f32; 6], ms(6), 0); // only 2 fit
        w.push(&[0.3f32; 6], ms(12), 0); // none fit
        let s = shared.stats();
        assert_eq!((s.dropped_frames, s.overflows), (10, 2));
        let mut out = [0f32; 16];
        assert_eq!(r.read(&mut out).unwrap(), (8, ms(0)));
        assert_eq!(&out[5..8], &[0.1, 0.2, 0.2]);
        // After the drop, the next frames carry their own capture time, and a read stops
        // at the discontinuity.
        w.push(&[0.4f32; 4], ms(18), 0);
        w.push(&[0.5f32; 4], ms(22), 0);
        assert_eq!(r.read(&mut out).unwrap(), (8, ms(18)));
        assert_eq!(out[0], 0.4);
    }

    #[test]
    fn a_burst_faster_than_real_time_never_moves_time_backwards() {
        let (mut w, mut r, _) = pair(10, 1);
        // 30 frames (30 ms) delivered within 3 ms of capture time: the ring overflows.
        w.push(&[0.1f32; 10], ms(0), 0);
        w.push(&[0.2f32; 10], ms(1), 0);
        w.push(&[0.3f32; 10], ms(2), 0);
        let mut out = [0f32; 10];
        assert_eq!(r.read(&mut out).unwrap(), (10, ms(0)));
        w.push(&[0.4f32; 5], ms(3), 0);
        // 10 frames written, 20 dropped: the next frame is at 30 ms or later, not at 3 ms.
        assert_eq!(r.read(&mut out).unwrap(), (5, ms(30)));
    }

    #[test]
    fn a_jump_of_the_capture_clock_counts_and_splits_reads() {
        let (mut w, mut r, shared) = pair(100, 1);
        w.push(&[0.0f32; 10], ms(0), 0);
        w.push(&[0.0f32; 10], ms(10), 0);
        w.push(&[0.0f32; 10], ms(50), 0); // 30 ms missing
        assert_eq!(shared.stats().discontinuities, 1);
        let mut out = [0f32; 100];
        assert_eq!(r.read(&mut out).unwrap(), (20, ms(0)));
        assert_eq!(r.read(&mut out).unwrap(), (10, ms(50)));
        assert_eq!(r.next_time(), ms(60));
    }

    #[test]
    fn partial_frames_and_tiny_buffers_are_ignored() {
        let (mut w, mut r, shared) = pair(10, 2);
        w.push(&[0.5f32; 3], ms(0), 0);
        assert_eq!(shared.stats().captured_frames, 1);
        let mut one = [0f32; 1];
        assert_eq!(r.read(&mut one), None);
        assert_eq!(r.buffered(), 1);
        w.push(&[0.5f32; 1], ms(1), 0);
        assert_eq!(r.buffered(), 1);
    }

    #[test]
    fn audio_before_the_reader_wants_it_is_not_kept() {
        let (mut w, mut r, shared) = pair(100, 1);
        shared.set_accepting(false);
        w.push(&[0.1f32; 25], ms(0), 0);
        w.push(&[0.2f32; 25], ms(25), 0);
        assert_eq!(r.buffered(), 0);
        let s = shared.stats();
        assert_eq!((s.callbacks, s.captured_frames, s.dropped_frames), (2, 50, 0));
        shared.set_accepting(true);
        w.push(&[0.3f32; 5], ms(50), 0);
        let mut out = [0f32; 10];
        assert_eq!(r.read(&mut out).unwrap(), (5, ms(50)));
        assert_eq!(out[0], 0.3);
    }

    #[test]
    fn errors_are_classified() {
        let shared = Shared::default();
        shared.on_error(cpal::Error::new(cpal::ErrorKind::Xrun));
        shared.on_error(cpal::Error::new(cpal::ErrorKind::RealtimeDenied));
        assert_eq!(shared.stats().xruns, 1);
        assert!(!shared.is_lost());
        assert!(shared.error_message().unwrap().contains("RealtimeDenied"));
        shared
            .on_error(cpal::Error::with_message(cpal::ErrorKind::DeviceNotAvailable, "unplugged"));
        assert!(shared.is_lost());
        assert!(shared.error_message().unwrap().starts_with("unplugged"));
        // A later harmless error does not hide why the stream ended.
        shared.on_error(cpal::Error::new(cpal::ErrorKind::BackendError));
        assert!(shared.error_message().unwrap().starts_with("unplugged"));
    }

    #[test]
    fn threads_can_stream_through_the_ring_without_loss() {
        let (mut w, mut r, shared) = pair(64, 1);
        let total = 20_000usize;
        let producer = std::thread::spawn(move || {
            let mut next = 0usize;
            while next < total {
                let block: Vec<f32> =
                    (next..(next + 16).min(total)).map(|i| (i % 1000) as f32 / 1000.0).collect();
                // Wait for room so that nothing is dropped in this test.
                while w.samples.vacant_len() < block.len() {
                    std::thread::yield_now();
                }
                w.push(&block, Duration::from_samples(next as u64, 1_000), 0);
                next += block.len();
            }
        });
        let mut got = 0usize;
        let mut out = [0f32; 50];
        while got < total {
            if let Some((n, at)) = r.read(&mut out) {
                assert_eq!(at, Duration::from_samples(got as u64, 1_000));
                for (k, v) in out[..n].iter().enumerate() {
                    assert_eq!(*v, ((got + k) % 1000) as f32 / 1000.0);
                }
                got += n;
            } else {
                std::thread::yield_now();
            }
        }
        producer.join().unwrap();
        assert_eq!(shared.stats().dropped_frames, 0);
    }
}
