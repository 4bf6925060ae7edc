//! [`ThreadedAudioEncoder`]: any [`AudioEncoder`] on a thread of its own.
//!
//! Encoding is most of a recording's CPU time (libopus at complexity 10: ~0.15 ms of CPU
//! per 20 ms packet of stereo). Run inline, the recorder's worker reads, encodes, muxes
//! and writes one after the other; with the encoder on its own thread, reading, muxing
//! and writing happen while the next frames are encoded, so a file encodes in about the
//! encoder's time alone.
//!
//! The two threads trade preallocated buffers through two bounded channels: input slots
//! (copies of pushed samples) go to the encoder thread and come back empty; packet
//! buffers come back full and return empty when pulled. Nothing is allocated per frame.
//! Each side sleeps only when it cannot go on, and a waiting caller is woken in batches
//! (when half the slots are back, or three quarters of the packet buffers are full), so
//! a busy pipeline costs about one wake-up per 0.6 s of audio, not one per packet.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle, Thread};

use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, CodecConfig, Duration, ErrorKind, PacketInfo, Samples,
};

/// Input slots in flight between the caller and the encoder thread (1.28 s of audio).
const SLOTS: usize = 32;
/// Packet buffers in flight.
const PACKETS: usize = 64;
/// Milliseconds of input one slot holds (the last slot of a push may hold less).
const SLOT_MS: u32 = 40;

/// Why a [`ThreadedAudioEncoder`] failed.
#[derive(Debug)]
pub enum ThreadedError<E> {
    /// The inner encoder failed (on its thread; reported at the next call).
    Encoder(E),
    /// A frame whose rate or channel count differs from the input's, or that ends inside a
    /// sample frame.
    FrameMismatch,
    /// `push` after `finish`.
    Finished,
    /// `pull`'s buffer is smaller than the packet.
    OutputTooSmall {
        /// The packet's length.
        needed: usize,
    },
    /// The encoder thread could not be started.
    Spawn(std::io::ErrorKind),
    /// The encoder thread has stopped without a result (the inner encoder panicked, or an
    /// error was already reported).
    Stopped,
}

impl<E: mediarec_core::Error> mediarec_core::Error for ThreadedError<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            ThreadedError::Encoder(e) => e.kind(),
            ThreadedError::FrameMismatch
            | ThreadedError::Finished
            | ThreadedError::OutputTooSmall { .. } => ErrorKind::InvalidInput,
            ThreadedError::Spawn(_) => ErrorKind::Other,
            ThreadedError::Stopped => ErrorKind::Codec,
        }
    }
}

impl<E: fmt::Display> fmt::Display for ThreadedError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThreadedError::Encoder(e) => e.fmt(f),
            ThreadedError::FrameMismatch => {
                f.write_str("the frame's rate or channels differ from the encoder's input")
            }
            ThreadedError::Finished => f.write_str("the encoder is already finished"),
            ThreadedError::OutputTooSmall { needed } => {
                write!(f, "the packet buffer is too small ({needed} bytes needed)")
            }
            ThreadedError::Spawn(kind) => write!(f, "cannot start the encoder thread: {kind}"),
            ThreadedError::Stopped => f.write_str("the encoder thread has stopped"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ThreadedError<E> {}

/// A copy of (part of) one pushed frame.
struct Slot {
    /// `slot_frames × channels` samples; the first `len` are valid.
    data: Box<[f32]>,
    len: usize,
    /// The caller pushed `i16` samples (stored exactly as `f32`, handed back as `i16`).
    int: bool,
    timestamp: Duration,
}

/// One packet buffer of `max_packet_len` bytes.
struct PacketBuf {
    data: Box<[u8]>,
    info: PacketInfo,
}

enum ToEncoder {
    Frame(Slot),
    Free(PacketBuf),
    Finish,
}

enum FromEncoder<E> {
    Slot(Slot),
    Packet(PacketBuf),
    Failed(E),
    Done,
}

/// What the two threads share besides the channels: who sleeps, and how to wake them.
struct Shared {
    /// The caller is (about to be) parked waiting for the encoder thread.
    caller_waiting: AtomicBool,
    /// The thread to unpark for that.
    caller: Mutex<Option<Thread>>,
    /// Slots returned since the caller started waiting.
    returned: AtomicUsize,
    /// The encoder thread is (about to be) parked waiting for a message.
    encoder_waiting: AtomicBool,
    /// The encoder thread has ended (normally or by a panic).
    encoder_gone: AtomicBool,
}

impl Shared {
    fn wake_caller(&self) {
        if let Some(t) = self.caller.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            t.unpark();
        }
    }
}

/// Marks the encoder thread gone and wakes the caller, also when the inner encoder panics.
struct Gone(Arc<Shared>);

impl Drop for Gone {
    fn drop(&mut self) {
        self.0.encoder_gone.store(true, Ordering::SeqCst);
        self.0.wake_caller();
    }
}

/// An [`AudioEncoder`] that runs `E` on a thread of its own.
///
/// [`push`](AudioEncoder::push) copies up to 40 ms of the frame into a free input slot and
/// returns at once; it waits only when every slot is in flight and no packet is ready, so
/// it returns 0 only while a packet waits, as the trait asks. [`pull`](AudioEncoder::pull)
/// hands out the packets the thread has finished, in order, without waiting — except
/// after [`finish`](AudioEncoder::finish), when it waits for each remaining packet until
/// the inner encoder is drained and then returns `None`.
///
/// The inner encoder sees exactly what it would see inline: the same samples in the same
/// order, each piece with the timestamp the caller's frame gives it (advanced by the
/// samples before it, as when a caller re-pushes the rest of a frame), so the packets
/// are identical. Errors of the inner encoder come back at the next call, after the
/// packets made before them.
///
/// Frames must match the `input` given to [`ThreadedAudioEncoder::new`]; the caller's
/// [`AudioEncoder::config`] and [`AudioEncoder::max_packet_len`] are the inner encoder's
/// as they were then.
///
/// ```
/// use mediarec::ThreadedAudioEncoder;
/// use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
/// use mediarec_core::{AudioEncoder, AudioFrame, AudioParams, Duration, Samples};
///
/// let input = AudioParams { sample_rate: 48_000, channels: 1 };
/// let inner: PcmEncoder = PcmEncoder::try_new(input, PcmFormat::S16)?;
/// let mut enc = ThreadedAudioEncoder::new(inner, input).unwrap();
/// let pcm = [0.25f32; 4800];
/// let frame = AudioFrame { samples: Samples::F32(&pcm), channels: 1, sample_rate: 48_000,
///                          timestamp: Duration::ZERO };
/// let mut packet = vec![0u8; enc.max_packet_len()];
/// let (mut taken, mut samples) = (0, 0);
/// while taken < pcm.len() {
///     let rest = AudioFrame { samples: Samples::F32(&pcm[taken..]), ..frame };
///     taken += enc.push(&rest).unwrap();
///     while let Some(info) = enc.pull(&mut packet).unwrap() {
///         samples += info.len / 2;
///     }
/// }
/// enc.finish().unwrap();
/// while let Some(info) = enc.pull(&mut packet).unwrap() {
///     samples += info.len / 2;
/// }
/// assert_eq!(samples, 4800);
/// # Ok::<(), mediarec_core::ErrorKind>(())
/// ```
pub struct ThreadedAudioEncoder<E: AudioEncoder> {
    config: CodecConfig,
    max_packet_len: usize,
    input: AudioParams,
    channels: usize,
    slot_frames: usize,
    to_encoder: Option<SyncSender<ToEncoder>>,
    from_encoder: Receiver<FromEncoder<E::Error>>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    /// Empty slots ready for `push`.
    free: Vec<Slot>,
    /// Finished packets ready for `pull`, in order.
    ready: VecDeque<PacketBuf>,
    failure: Option<E::Error>,
    finishing: bool,
    done: bool,
    stopped: bool,
}

impl<E> ThreadedAudioEncoder<E>
where
    E: AudioEncoder + Send + 'static,
    E::Error: Send + 'static,
{
    /// Moves `encoder` to a new thread. `input` is what frames will carry (rate and
    /// channels); all buffers are allocated here.
    pub fn new(encoder: E, input: AudioParams) -> Result<Self, ThreadedError<E::Error>> {
        let channels = usize::from(input.channels.max(1));
        let slot_frames = (input.sample_rate / (1000 / SLOT_MS)).max(1) as usize;
        let config = *encoder.config();
        let max_packet_len = encoder.max_packet_len();
        let (to_encoder, encoder_rx) = sync_channel(SLOTS + PACKETS + 2);
        let (encoder_tx, from_encoder) = sync_channel(SLOTS + PACKETS + 2);
        let shared = Arc::new(Shared {
            caller_waiting: AtomicBool::new(false),
            caller: Mutex::new(None),
            returned: AtomicUsize::new(0),
            encoder_waiting: AtomicBool::new(false),
            encoder_gone: AtomicBool::new(false),
        });
        let free = (0..SLOTS)
            .map(|_| Slot {
                data: vec![0.0; slot_frames * channels].into_boxed_slice(),
                len: 0,
                int: false,
                timestamp: Duration::ZERO,
            })
            .collect();
        let info = PacketInfo {
            len: 0,
            pts: Duration::ZERO,
            duration: Duration::ZERO,
            keyframe: false,
            discard_samples: 0,
        };
        let side = EncoderSide {
            enc: encoder,
            input,
            channels,
            rx: encoder_rx,
            tx: encoder_tx,
            shared: Arc::clone(&shared),
            queue: VecDeque::with_capacity(SLOTS),
            offset: 0,
            free: (0..PACKETS)
                .map(|_| PacketBuf { data: vec![0; max_packet_len].into_boxed_slice(), info })
                .collect(),
            scratch: vec![0; slot_frames * channels].into_boxed_slice(),
            finish_requested: false,
            finished: false,
        };
        let thread = thread::Builder::new()
            .name("mediarec-encoder".into())
            .spawn(move || side.run())
            .map_err(|e| ThreadedError::Spawn(e.kind()))?;
        Ok(ThreadedAudioEncoder {
            config,
            max_packet_len,
            input,
            channels,
            slot_frames,
            to_encoder: Some(to_encoder),
            from_encoder,
            shared,
            thread: Some(thread),
            free,
            ready: VecDeque::with_capacity(PACKETS),
            failure: None,
            finishing: false,
            done: false,
            stopped: false,
        })
    }
}

impl<E: AudioEncoder> ThreadedAudioEncoder<E> {
    /// The audio this encoder takes.
    pub fn input(&self) -> AudioParams {
        self.input
    }

    /// Takes every message the encoder thread has sent, without waiting.
    fn receive(&mut self) {
        loop {
            match self.from_encoder.try_recv() {
                Ok(FromEncoder::Slot(s)) => self.free.push(s),
                Ok(FromEncoder::Packet(p)) => self.ready.push_back(p),
                Ok(FromEncoder::Failed(e)) => {
                    self.failure = Some(e);
                    self.stopped = true;
                }
                Ok(FromEncoder::Done) => self.done = true,
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    self.stopped |= !self.done;
                    return;
                }
            }
        }
    }

    /// Parks until the encoder thread sends something (or ends).
    fn wait(&mut self) {
        {
            let mut caller = self.shared.caller.lock().unwrap_or_else(PoisonError::into_inner);
            let me = thread::current();
            if caller.as_ref().map(Thread::id) != Some(me.id()) {
                *caller = Some(me);
            }
        }
        self.shared.returned.store(0, Ordering::SeqCst);
        self.shared.caller_waiting.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let before = (self.free.len(), self.ready.len());
        loop {
            self.receive();
            if (self.free.len(), self.ready.len()) != before || self.done || self.stopped {
                break;
            }
            if self.shared.encoder_gone.load(Ordering::SeqCst) {
                self.receive();
                self.stopped |= !self.done;
                break;
            }
            thread::park();
        }
        self.shared.caller_waiting.store(false, Ordering::SeqCst);
    }

    /// Sends to the encoder thread and wakes it if it sleeps.
    fn send(&mut self, msg: ToEncoder) -> Result<(), ToEncoder> {
        let Some(tx) = self.to_encoder.as_ref() else { return Err(msg) };
        match tx.try_send(msg) {
            Ok(()) => {}
            // The channel holds every buffer there is, so it is never full.
            Err(TrySendError::Full(m) | TrySendError::Disconnected(m)) => return Err(m),
        }
        fence(Ordering::SeqCst);
        if self.shared.encoder_waiting.load(Ordering::SeqCst)
            && let Some(t) = self.thread.as_ref()
        {
            t.thread().unpark();
        }
        Ok(())
    }

    /// The stored failure, once; `Stopped` afterwards.
    fn failed(&mut self) -> ThreadedError<E::Error> {
        self.failure.take().map_or(ThreadedError::Stopped, ThreadedError::Encoder)
    }
}

impl<E: AudioEncoder> AudioEncoder for ThreadedAudioEncoder<E> {
    type Error = ThreadedError<E::Error>;

    fn config(&self) -> &CodecConfig {
        &self.config
    }

    fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, Self::Error> {
        if frame.sample_rate != self.input.sample_rate
            || frame.channels != self.input.channels
            || !frame.samples.len().is_multiple_of(self.channels)
        {
            return Err(ThreadedError::FrameMismatch);
        }
        if self.finishing {
            return Err(ThreadedError::Finished);
        }
        let frames = frame.frames();
        if frames == 0 {
            return Ok(0);
        }
        loop {
            self.receive();
            if self.stopped {
                return Err(self.failed());
            }
            if let Some(mut slot) = self.free.pop() {
                let take = frames.min(self.slot_frames);
                let n = take * self.channels;
                let (Some(dst), true) = (slot.data.get_mut(..n), n <= frame.samples.len()) else {
                    self.free.push(slot);
                    return Err(ThreadedError::FrameMismatch);
                };
                match frame.samples {
                    Samples::F32(s) => {
                        dst.copy_from_slice(s.get(..n).unwrap_or_default());
                        slot.int = false;
                    }
                    Samples::I16(s) => {
                        dst.iter_mut().zip(s).for_each(|(d, &v)| *d = f32::from(v));
                        slot.int = true;
                    }
                }
                slot.len = n;
                slot.timestamp = frame.timestamp;
                return match self.send(ToEncoder::Frame(slot)) {
                    Ok(()) => Ok(take),
                    Err(_) => {
                        self.receive();
                        self.stopped = true;
                        Err(self.failed())
                    }
                };
            }
            if !self.ready.is_empty() {
                return Ok(0);
            }
            self.wait();
        }
    }

    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, Self::Error> {
        loop {
            self.receive();
            if let Some(p) = self.ready.pop_front() {
                let len = p.info.len;
                let (Some(dst), Some(src)) = (out.get_mut(..len), p.data.get(..len)) else {
                    self.ready.push_front(p);
                    return Err(ThreadedError::OutputTooSmall { needed: len });
                };
                dst.copy_from_slice(src);
                let info = p.info;
                // A closed channel means the thread is gone; the packet is still good.
                let _ = self.send(ToEncoder::Free(p));
                return Ok(Some(info));
            }
            if self.stopped {
                return Err(self.failed());
            }
            if !self.finishing || self.done {
                return Ok(None);
            }
            self.wait();
        }
    }

    fn finish(&mut self) -> Result<(), Self::Error> {
        if self.finishing {
            return Ok(());
        }
        self.receive();
        if self.stopped {
            return Err(self.failed());
        }
        self.finishing = true;
        match self.send(ToEncoder::Finish) {
            Ok(()) => Ok(()),
            Err(_) => {
                self.receive();
                self.stopped |= !self.done;
                Err(self.failed())
            }
        }
    }

    fn max_packet_len(&self) -> usize {
        self.max_packet_len
    }
}

impl<E: AudioEncoder> Drop for ThreadedAudioEncoder<E> {
    fn drop(&mut self) {
        // Closing the channel ends the thread at its next look at it.
        self.to_encoder = None;
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl<E: AudioEncoder> fmt::Debug for ThreadedAudioEncoder<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadedAudioEncoder")
            .field("input", &self.input)
            .field("slot_frames", &self.slot_frames)
            .field("free_slots", &self.free.len())
            .field("ready_packets", &self.ready.len())
            .field("finishing", &self.finishing)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// What the encoder thread owns.
struct EncoderSide<E: AudioEncoder> {
    enc: E,
    input: AudioParams,
    channels: usize,
    rx: Receiver<ToEncoder>,
    tx: SyncSender<FromEncoder<E::Error>>,
    shared: Arc<Shared>,
    /// Slots to encode, in order; `offset` frames of the first are done.
    queue: VecDeque<Slot>,
    offset: usize,
    /// Empty packet buffers.
    free: Vec<PacketBuf>,
    /// The front slot as `i16` when the caller pushed `i16`.
    scratch: Box<[i16]>,
    finish_requested: bool,
    finished: bool,
}

/// What one step of the encoder thread achieved.
enum Step {
    Progress,
    Stuck,
    Done,
}

impl<E: AudioEncoder> EncoderSide<E> {
    fn run(mut self) {
        let _gone = Gone(Arc::clone(&self.shared));
        loop {
            loop {
                match self.rx.try_recv() {
                    Ok(m) => self.accept(m),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            match self.step() {
                Ok(Step::Progress) => {}
                Ok(Step::Stuck) => {
                    if !self.sleep() {
                        return;
                    }
                }
                Ok(Step::Done) => {
                    self.send(FromEncoder::Done, true);
                    return;
                }
                Err(e) => {
                    self.send(FromEncoder::Failed(e), true);
                    return;
                }
            }
        }
    }

    fn accept(&mut self, m: ToEncoder) {
        match m {
            ToEncoder::Frame(slot) => self.queue.push_back(slot),
            ToEncoder::Free(buf) => self.free.push(buf),
            ToEncoder::Finish => self.finish_requested = true,
        }
    }

    fn step(&mut self) -> Result<Step, E::Error> {
        let mut progress = false;
        let mut drained = false;
        while let Some(mut buf) = self.free.pop() {
            match self.enc.pull(&mut buf.data) {
                Ok(Some(info)) => {
                    buf.info = info;
                    self.send(FromEncoder::Packet(buf), false);
                    progress = true;
                }
                Ok(None) => {
                    self.free.push(buf);
                    drained = true;
                    break;
                }
                Err(e) => {
                    self.free.push(buf);
                    return Err(e);
                }
            }
        }
        if let Some(slot) = self.queue.front() {
            let from = self.offset * self.channels;
            let samples = if slot.int {
                if self.offset == 0 {
                    let n = slot.len.min(self.scratch.len());
                    let (dst, src) = (&mut self.scratch[..n], &slot.data[..n]);
                    // Exact: the values were i16 to begin with.
                    dst.iter_mut().zip(src).for_each(|(d, &s)| *d = s as i16);
                }
                Samples::I16(self.scratch.get(from..slot.len).unwrap_or_default())
            } else {
                Samples::F32(slot.data.get(from..slot.len).unwrap_or_default())
            };
            let frame = AudioFrame {
                samples,
                channels: self.input.channels,
                sample_rate: self.input.sample_rate,
                timestamp: slot.timestamp
                    + Duration::from_samples(self.offset as u64, self.input.sample_rate),
            };
            let n = self.enc.push(&frame)?;
            if n > 0 {
                progress = true;
                self.offset += n;
                if self.offset * self.channels >= slot.len
                    && let Some(done) = self.queue.pop_front()
                {
                    self.offset = 0;
                    self.send(FromEncoder::Slot(done), false);
                }
            }
        } else if self.finish_requested && !self.finished {
            self.enc.finish()?;
            self.finished = true;
            progress = true;
        } else if self.finished && drained {
            return Ok(Step::Done);
        }
        Ok(if progress { Step::Progress } else { Step::Stuck })
    }

    /// Sends to the caller; wakes it when it waits and there is enough for it to do.
    fn send(&mut self, msg: FromEncoder<E::Error>, urgent: bool) {
        let slot = matches!(msg, FromEncoder::Slot(_));
        // The channel holds every buffer there is, so it is never full; a closed one means
        // the caller is gone and the thread ends at its next look at its own channel.
        let _ = self.tx.try_send(msg);
        let returned =
            if slot { self.shared.returned.fetch_add(1, Ordering::SeqCst) + 1 } else { 0 };
        fence(Ordering::SeqCst);
        if self.shared.caller_waiting.load(Ordering::SeqCst)
            && (urgent
                || returned >= SLOTS / 2
                || self.free.len() <= PACKETS / 4
                || self.finish_requested)
        {
            self.shared.wake_caller();
        }
    }

    /// Nothing to do: let a waiting caller run, then park until a message comes. False
    /// when the caller has gone.
    fn sleep(&mut self) -> bool {
        if self.shared.caller_waiting.load(Ordering::SeqCst) {
            self.shared.wake_caller();
        }
        self.shared.encoder_waiting.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let alive = loop {
            match self.rx.try_recv() {
                Ok(m) => {
                    self.accept(m);
                    break true;
                }
                Err(TryRecvError::Empty) => thread::park(),
                Err(TryRecvError::Disconnected) => break false,
            }
        };
        self.shared.encoder_waiting.store(false, Ordering::SeqCst);
        alive
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediarec_codec_opus::{OpusEncoder, OpusOptions};
    use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
    use mediarec_core::{BitrateMode, EncoderSettings};
    use proptest::prelude::*;

    /// Every packet (bytes and info) an encoder makes from `pcm` pushed in `chunks`-sized
    /// frames (cycled), pulling after every push as the recorder does.
    fn encode<E: AudioEncoder>(
        enc: &mut E,
        pcm: &[f32],
        channels: usize,
        rate: u32,
        chunks: &[usize],
    ) -> Result<Vec<(Vec<u8>, PacketInfo)>, E::Error> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; enc.max_packet_len()];
        let mut pull =
            |enc: &mut E, out: &mut Vec<(Vec<u8>, PacketInfo)>| -> Result<(), E::Error> {
                while let Some(info) = enc.pull(&mut buf)? {
                    out.push((buf[..info.len].to_vec(), info));
                }
                Ok(())
            };
        let frames = pcm.len() / channels;
        let (mut at, mut i) = (0, 0);
        while at < frames {
            let n = chunks[i % chunks.len()].clamp(1, frames - at);
            i += 1;
            let block = &pcm[at * channels..(at + n) * channels];
            let frame = AudioFrame {
                samples: Samples::F32(block),
                channels: channels as u16,
                sample_rate: rate,
                timestamp: Duration::from_samples(at as u64, rate) + Duration::from_millis(7),
            };
            let mut taken = 0;
            while taken < n {
                let rest = AudioFrame {
                    samples: Samples::F32(&block[taken * channels..]),
                    timestamp: frame.timestamp + Duration::from_samples(taken as u64, rate),
                    ..frame
                };
                let got = enc.push(&rest)?;
                if got == 0 {
                    // The contract: 0 only while a packet waits.
                    let before = out.len();
                    pull(enc, &mut out)?;
                    assert!(out.len() > before, "push took nothing and no packet waited");
                }
                taken += got;
                pull(enc, &mut out)?;
            }
            at += n;
        }
        enc.finish()?;
        pull(enc, &mut out)?;
        Ok(out)
    }

    fn signal(frames: usize, channels: usize, seed: u32) -> Vec<f32> {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        (0..frames * channels)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let noise = (x as f32 / u32::MAX as f32 - 0.5) * 0.2;
                noise + 0.5 * (i as f32 * 0.031).sin()
            })
            .collect()
    }

    fn opus(rate: u32, channels: u16) -> OpusEncoder {
        let input = AudioParams { sample_rate: rate, channels };
        let settings =
            EncoderSettings { bits_per_second: 96_000, bitrate_mode: BitrateMode::Variable };
        OpusEncoder::new(input, settings, OpusOptions { complexity: 5, ..Default::default() })
            .unwrap()
    }

    #[test]
    fn opus_packets_are_identical() {
        let pcm = signal(48_000, 2, 1);
        let chunks = [480, 441, 4800, 17, 960];
        let direct = encode(&mut opus(48_000, 2), &pcm, 2, 48_000, &chunks).unwrap();
        let input = AudioParams { sample_rate: 48_000, channels: 2 };
        let mut threaded = ThreadedAudioEncoder::new(opus(48_000, 2), input).unwrap();
        let via_thread = encode(&mut threaded, &pcm, 2, 48_000, &chunks).unwrap();
        assert_eq!(direct.len(), 51);
        assert_eq!(via_thread, direct);
    }

    #[test]
    fn resampled_opus_packets_are_identical() {
        let pcm = signal(44_100, 1, 2);
        let chunks = [441, 1000, 3];
        let direct = encode(&mut opus(44_100, 1), &pcm, 1, 44_100, &chunks).unwrap();
        let input = AudioParams { sample_rate: 44_100, channels: 1 };
        let mut threaded = ThreadedAudioEncoder::new(opus(44_100, 1), input).unwrap();
        assert_eq!(encode(&mut threaded, &pcm, 1, 44_100, &chunks).unwrap(), direct);
    }

    #[test]
    fn i16_frames_reach_the_encoder_as_i16() {
        let input = AudioParams { sample_rate: 8_000, channels: 1 };
        let pcm: Vec<i16> = (0..8_000).map(|i| (i * 7 % 65_536 - 32_768) as i16).collect();
        let run = |enc: &mut dyn FnMut(&AudioFrame<'_>) -> usize| {
            let mut at = 0;
            while at < pcm.len() {
                let frame = AudioFrame {
                    samples: Samples::I16(&pcm[at..]),
                    channels: 1,
                    sample_rate: 8_000,
                    timestamp: Duration::from_samples(at as u64, 8_000),
                };
                at += enc(&frame);
            }
        };
        let mut direct: PcmEncoder = PcmEncoder::try_new(input, PcmFormat::S16).unwrap();
        let mut threaded =
            ThreadedAudioEncoder::new(<PcmEncoder>::try_new(input, PcmFormat::S16).unwrap(), input)
                .unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut buf = vec![0u8; direct.max_packet_len()];
        run(&mut |f| {
            let n = direct.push(f).unwrap();
            while let Some(i) = direct.pull(&mut buf).unwrap() {
                a.extend_from_slice(&buf[..i.len]);
            }
            n
        });
        direct.finish().unwrap();
        while let Some(i) = direct.pull(&mut buf).unwrap() {
            a.extend_from_slice(&buf[..i.len]);
        }
        run(&mut |f| {
            let n = threaded.push(f).unwrap();
            while let Some(i) = threaded.pull(&mut buf).unwrap() {
                b.extend_from_slice(&buf[..i.len]);
            }
            n
        });
        threaded.finish().unwrap();
        while let Some(i) = threaded.pull(&mut buf).unwrap() {
            b.extend_from_slice(&buf[..i.len]);
        }
        assert_eq!(a.len(), 16_000);
        assert_eq!(a, b);
    }

    #[test]
    fn mismatched_frames_are_refused_at_once() {
        let input = AudioParams { sample_rate: 48_000, channels: 2 };
        let mut enc = ThreadedAudioEncoder::new(opus(48_000, 2), input).unwrap();
        let pcm = [0.0f32; 960];
        let frame = |rate, channels, n| AudioFrame {
            samples: Samples::F32(&pcm[..n]),
            channels,
            sample_rate: rate,
            timestamp: Duration::ZERO,
        };
        let kind =
            |r: Result<usize, ThreadedError<_>>| r.map_err(|e| mediarec_core::Error::kind(&e));
        assert_eq!(kind(enc.push(&frame(44_100, 2, 960))), Err(ErrorKind::InvalidInput));
        assert_eq!(kind(enc.push(&frame(48_000, 1, 960))), Err(ErrorKind::InvalidInput));
        assert_eq!(kind(enc.push(&frame(48_000, 2, 959))), Err(ErrorKind::InvalidInput));
        assert_eq!(kind(enc.push(&frame(48_000, 2, 0))), Ok(0));
        assert_eq!(kind(enc.push(&frame(48_000, 2, 960))), Ok(480));
        enc.finish().unwrap();
        assert!(matches!(enc.push(&frame(48_000, 2, 960)), Err(ThreadedError::Finished)));
        let mut small = [0u8; 1];
        assert!(matches!(enc.pull(&mut small), Err(ThreadedError::OutputTooSmall { .. })));
        let mut buf = vec![0u8; enc.max_packet_len()];
        assert!(enc.pull(&mut buf).unwrap().is_some());
        assert!(enc.pull(&mut buf).unwrap().is_none());
    }

    #[test]
    fn never_given_audio_makes_no_packets() {
        let input = AudioParams { sample_rate: 48_000, channels: 2 };
        let mut enc = ThreadedAudioEncoder::new(opus(48_000, 2), input).unwrap();
        enc.finish().unwrap();
        enc.finish().unwrap();
        let mut buf = vec![0u8; enc.max_packet_len()];
        assert!(enc.pull(&mut buf).unwrap().is_none());
    }

    /// Fails on its `fail_at`-th push, or panics there when `panic` is set.
    struct Faulty {
        config: CodecConfig,
        pushes: usize,
        fail_at: usize,
        panic: bool,
        packets: VecDeque<u8>,
    }

    impl AudioEncoder for Faulty {
        type Error = ErrorKind;
        fn config(&self) -> &CodecConfig {
            &self.config
        }
        fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, ErrorKind> {
            self.pushes += 1;
            if self.pushes == self.fail_at {
                assert!(!self.panic, "faulty encoder panics as asked");
                return Err(ErrorKind::Codec);
            }
            self.packets.push_back(self.pushes as u8);
            Ok(frame.frames())
        }
        fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, ErrorKind> {
            let Some(b) = self.packets.pop_front() else { return Ok(None) };
            out[0] = b;
            Ok(Some(PacketInfo {
                len: 1,
                pts: Duration::ZERO,
                duration: Duration::ZERO,
                keyframe: true,
                discard_samples: 0,
            }))
        }
        fn finish(&mut self) -> Result<(), ErrorKind> {
            Ok(())
        }
        fn max_packet_len(&self) -> usize {
            1
        }
    }

    fn faulty(fail_at: usize, panic: bool) -> ThreadedAudioEncoder<Faulty> {
        let input = AudioParams { sample_rate: 1_000, channels: 1 };
        let config = CodecConfig::audio(mediarec_core::CodecId::PcmF32, 1_000, 1);
        let inner = Faulty { config, pushes: 0, fail_at, panic, packets: VecDeque::new() };
        ThreadedAudioEncoder::new(inner, input).unwrap()
    }

    /// Pushes 10 one-sample frames, then finishes; every packet and the first error.
    fn drive(
        enc: &mut ThreadedAudioEncoder<Faulty>,
    ) -> (Vec<u8>, Option<ThreadedError<ErrorKind>>) {
        let mut got = Vec::new();
        let mut buf = [0u8; 1];
        let one = [0.5f32];
        let frame = AudioFrame {
            samples: Samples::F32(&one),
            channels: 1,
            sample_rate: 1_000,
            timestamp: Duration::ZERO,
        };
        let mut pushed = 0;
        let result = (|| {
            while pushed < 10 {
                pushed += enc.push(&frame)?;
                while enc.pull(&mut buf)?.is_some() {
                    got.push(buf[0]);
                }
            }
            enc.finish()?;
            while enc.pull(&mut buf)?.is_some() {
                got.push(buf[0]);
            }
            Ok(())
        })();
        (got, result.err())
    }

    #[test]
    fn errors_come_after_the_packets_before_them() {
        let (got, err) = drive(&mut faulty(4, false));
        assert!(matches!(err, Some(ThreadedError::Encoder(ErrorKind::Codec))), "{err:?}");
        // The packets made before the failure were handed out, in order.
        assert!(got.iter().copied().eq(1..=got.len() as u8));
        assert!(got.len() <= 3);
        let (got, err) = drive(&mut faulty(0, false));
        assert!(err.is_none());
        assert_eq!(got, (1..=10).collect::<Vec<u8>>());
    }

    #[test]
    fn a_panicking_encoder_stops_without_hanging() {
        let mut enc = faulty(3, true);
        let (_, err) = drive(&mut enc);
        assert!(matches!(err, Some(ThreadedError::Stopped)), "{err:?}");
        assert!(matches!(enc.finish(), Err(ThreadedError::Stopped) | Ok(())));
    }

    #[test]
    fn dropping_mid_stream_ends_the_thread() {
        let input = AudioParams { sample_rate: 48_000, channels: 2 };
        let mut enc = ThreadedAudioEncoder::new(opus(48_000, 2), input).unwrap();
        let pcm = signal(9_600, 2, 3);
        let frame = AudioFrame {
            samples: Samples::F32(&pcm),
            channels: 2,
            sample_rate: 48_000,
            timestamp: Duration::ZERO,
        };
        assert_eq!(enc.push(&frame).unwrap(), 1_920);
        drop(enc); // joins the thread; a hang here fails the test run
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn any_chunking_gives_the_inline_packets(
            chunks in proptest::collection::vec(1usize..6_000, 1..6),
            frames in 1usize..30_000,
            stereo in any::<bool>(),
            seed in any::<u32>(),
        ) {
            let channels = if stereo { 2 } else { 1 };
            let pcm = signal(frames, channels, seed);
            let direct = encode(&mut opus(48_000, channels as u16), &pcm, channels, 48_000, &chunks).unwrap();
            let input = AudioParams { sample_rate: 48_000, channels: channels as u16 };
            let mut threaded = ThreadedAudioEncoder::new(opus(48_000, channels as u16), input).unwrap();
            let via = encode(&mut threaded, &pcm, channels, 48_000, &chunks).unwrap();
            prop_assert_eq!(via, direct);
        }
    }
}
