//! mediarec on a Cortex-M4 with no allocator: record two seconds of a (synthetic) 1 kHz
//! microphone through the `no_std` MediaRecorder as PCM in WebM, into a static
//! buffer, and write the file out through semihosting.
//!
//! `cargo xtask firmware --out fw.webm` builds this, boots it in QEMU's `mps2-an386`
//! board and reports its flash and RAM use. By hand, from this directory:
//!
//! ```text
//! cargo run --release        # writes fw.webm into the current directory
//! ```
//!
//! The microphone is a [`PcmInput`]: swapping the synthetic one for a real driver (an I2S
//! or PDM DMA reader, or `SpiAdc`) changes nothing else.
#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]

use core::convert::Infallible;
use core::fmt::Write as _;
use core::mem::MaybeUninit;

use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, hio, nr, syscall};
use mediarec_capture_embedded::{FrameReader, PcmInput, block_on};
use mediarec_codec_pcm::{PcmEncoder, PcmFormat};
use mediarec_core::{
    AudioFrame, AudioParams, CodecId, ContainerId, Duration, EncoderSettings, ErrorKind, Formats,
    Instant, MediaKind, NoEncoder, Samples, TrackId, VideoParams,
};
use mediarec_recorder::{
    InputError, Output, Recorder, RecorderError, RecorderEvent, RecorderOptions, TrackDesc,
    TrackFormat,
};
use mediarec_source_synth::{AudioSource, Tone};
use mediarec_webm::WebmMuxer;

/// The microphone's format: 16 kHz mono, a common voice rate for MEMS microphones.
const FORMAT: AudioParams = AudioParams { sample_rate: 16_000, channels: 1 };
/// How much to record.
const LENGTH: Duration = Duration::from_secs(2);
/// Samples per read: 2.5 ms, one PCM packet.
const BLOCK: usize = 40;
/// Bytes of one encoded packet: 2.5 ms of 32-bit float mono. The recorder keeps an
/// encoder slot of this size for each of its four possible tracks (and builds its session
/// on the stack once), so short packets save RAM several times over; the price is about
/// 6 bytes of block header per packet.
const PACKET_BYTES: usize = 160;
/// Seek index entries kept (a 2 s recording has one cluster).
const CUES: usize = 4;
/// Muxed output waiting to be taken: a packet, its framing, and the finishing patches.
const RING_BYTES: usize = 640;
/// The finished file: 2 s × 16 kHz × 4 bytes, plus the container.
const OUT_BYTES: usize = 134 * 1024;
/// The file QEMU writes in its working directory.
const FILE_NAME: &str = "fw.webm\0";

/// The recording.
static mut OUT: [u8; OUT_BYTES] = [0; OUT_BYTES];
/// The recorder's output ring.
static mut RING: [u8; RING_BYTES] = [0; RING_BYTES];
/// The recorder's packet buffer.
static mut PACKET: [u8; PACKET_BYTES] = [0; PACKET_BYTES];
/// The recorder itself. Built in place in `.bss`: on the stack, `main` would carry it and
/// its construction temporaries for the whole recording.
static mut RECORDER: MaybeUninit<Result<Recorder<'static, PcmWebm>, RecorderError>> =
    MaybeUninit::uninit();

/// A stand-in microphone: a 1 kHz sine at half scale, produced on demand.
struct SynthMic {
    tone: Tone,
}

impl PcmInput for SynthMic {
    type Error = Infallible;

    fn format(&self) -> AudioParams {
        FORMAT
    }

    async fn read(&mut self, buf: &mut [i16]) -> Result<usize, Infallible> {
        let mut scratch = [0f32; 16];
        for chunk in buf.chunks_mut(scratch.len()) {
            let part = &mut scratch[..chunk.len()];
            self.tone.fill(part);
            for (dst, v) in chunk.iter_mut().zip(part.iter()) {
                *dst = (v * 32767.0) as i16;
            }
        }
        Ok(buf.len())
    }
}

/// What this firmware records: `audio/webm;codecs=pcm`, 32-bit float samples as browsers
/// write them (Matroska `A_PCM/FLOAT/IEEE`), with packets and an index sized for it.
type PcmWebm = mediarec_pcm_webm::PcmWebm<PACKET_BYTES, CUES>;

/// Where the recorder's output goes: appended bytes, and patches anywhere before the end.
struct File<'a> {
    buf: &'a mut [u8],
    len: usize,
    events: u32,
    stopped: bool,
    overflow: bool,
}

impl File<'_> {
    fn put(&mut self, offset: usize, bytes: &[u8]) {
        match self.buf.get_mut(offset..offset + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len = self.len.max(offset + bytes.len());
            }
            None => self.overflow = true,
        }
    }

    /// Takes everything the recorder has to give, as the run-loop contract says.
    fn drain(&mut self, rec: &mut Recorder<'_, PcmWebm>) {
        let mut chunk = [0u8; 128];
        loop {
            match rec.poll_output(&mut chunk) {
                // The file gets the stream's bytes and its own cluster headers; the
                // headers only self-contained blobs carry are not part of it.
                Output::Bytes(n) | Output::FileOnly(n) => self.put(self.len, &chunk[..n]),
                Output::BlobOnly(_) => {}
                Output::Patch { offset, n } => self.put(offset as usize, &chunk[..n]),
                Output::Event(e) => {
                    self.events += 1;
                    if e == RecorderEvent::Stop {
                        self.stopped = true;
                    }
                }
                Output::Wait(_) => return,
            }
        }
    }
}

/// Offers a whole frame, draining whenever the recorder's queue is full.
fn push(
    rec: &mut Recorder<'_, PcmWebm>,
    file: &mut File<'_>,
    now: Instant,
    frame: &AudioFrame<'_>,
) {
    let Samples::I16(all) = frame.samples else { return };
    let mut taken = 0;
    while taken < frame.frames() {
        let rest = AudioFrame {
            samples: Samples::I16(&all[taken..]),
            timestamp: frame.timestamp + Duration::from_samples(taken as u64, frame.sample_rate),
            ..*frame
        };
        match rec.handle_audio(now, TrackId(1), &rest) {
            Ok(n) => taken += n,
            Err(InputError::Full) => {}
            Err(_) => return,
        }
        file.drain(rec);
    }
}

#[entry]
fn main() -> ! {
    let stack = StackProbe::paint();
    // SAFETY: `main` runs once and nothing else (no interrupt handler) touches these
    // statics, so each of these is the only reference to its static.
    let (out, ring, packet, slot) = unsafe {
        (
            exclusive(&raw mut OUT),
            exclusive(&raw mut RING),
            exclusive(&raw mut PACKET),
            exclusive(&raw mut RECORDER),
        )
    };
    let mut file = File { buf: out, len: 0, events: 0, stopped: false, overflow: false };

    let mic = SynthMic { tone: Tone::new(1_000.0, FORMAT.sample_rate, FORMAT.channels) };
    let track = TrackDesc { id: TrackId(1), format: TrackFormat::Audio(FORMAT), live: true };
    let options = RecorderOptions {
        mime_type: "audio/webm;codecs=pcm",
        seekable: true,
        ..Default::default()
    };
    let rec = match slot.write(Recorder::new(PcmWebm::default(), &[track], &options, ring, packet))
    {
        Ok(r) => r,
        Err(e) => fail(format_args!("MediaRecorder: {e}")),
    };

    // Media time is the clock: this board has no real-time source worth the name.
    let mut now = Instant::ZERO;
    if let Err(e) = rec.start(now, None) {
        fail(format_args!("start: {e}"));
    }
    file.drain(rec);
    let mut reader = FrameReader::new(mic);
    let mut block = [0i16; BLOCK];
    while reader.position() < LENGTH {
        let frame = match block_on(reader.next(&mut block)) {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => match e {},
        };
        now = Instant::ZERO + frame.timestamp + frame.duration();
        push(rec, &mut file, now, &frame);
    }
    rec.stop(now);
    file.drain(rec);
    if !file.stopped || file.overflow {
        fail(format_args!(
            "recording incomplete (stopped: {}, overflow: {})",
            file.stopped, file.overflow
        ));
    }

    let written = file.len;
    if let Err(why) = write_host_file(FILE_NAME, &file.buf[..written]) {
        fail(format_args!("writing the file: {why}"));
    }
    report(format_args!(
        "mediarec-firmware: wrote {written} bytes ({} ms, {} events) to {}; \
         out_buffer={OUT_BYTES} stack_peak={} recorder={}",
        reader.position().as_millis(),
        file.events,
        FILE_NAME.trim_end_matches('\0'),
        stack.peak(),
        core::mem::size_of::<Recorder<'_, PcmWebm>>(),
    ));
    debug::exit(debug::EXIT_SUCCESS);
    halt()
}

/// The one reference to a static.
///
/// # Safety
///
/// `place` points at a static that nothing else references for the rest of the program.
unsafe fn exclusive<T>(place: *mut T) -> &'static mut T {
    // SAFETY: the caller promises exclusivity; statics live forever.
    unsafe { &mut *place }
}

/// Semihosting `OPEN` ("wb"), `WRITE`, `CLOSE`: the host side creates `name` (NUL
/// terminated) in QEMU's working directory.
fn write_host_file(name: &str, data: &[u8]) -> Result<(), &'static str> {
    let path = name.as_bytes();
    if path.last() != Some(&0) {
        return Err("the name must end with NUL");
    }
    // SAFETY: the pointer and length describe `path`, which outlives the call; the host
    // only reads it.
    let fd =
        unsafe { syscall!(OPEN, path.as_ptr(), nr::open::W_TRUNC_BINARY, path.len() - 1) } as isize;
    if fd < 0 {
        return Err("OPEN failed");
    }
    let mut rest = data;
    let mut result = Ok(());
    while !rest.is_empty() {
        // SAFETY: as above, for `rest`. WRITE returns the number of bytes *not* written.
        let left = unsafe { syscall!(WRITE, fd, rest.as_ptr(), rest.len()) };
        if left >= rest.len() {
            result = Err("WRITE failed");
            break;
        }
        rest = &rest[rest.len() - left..];
    }
    // SAFETY: `fd` came from OPEN above.
    if unsafe { syscall!(CLOSE, fd) } != 0 && result.is_ok() {
        result = Err("CLOSE failed");
    }
    result
}

/// Prints a line on the host's standard output.
fn report(args: core::fmt::Arguments<'_>) {
    if let Ok(mut out) = hio::hstdout() {
        let _ = writeln!(out, "{args}");
    }
}

fn fail(args: core::fmt::Arguments<'_>) -> ! {
    if let Ok(mut err) = hio::hstderr() {
        let _ = writeln!(err, "mediarec-firmware: {args}");
    }
    debug::exit(debug::EXIT_FAILURE);
    halt()
}

/// Where a board without a debugger attached ends up after `debug::exit`.
fn halt() -> ! {
    loop {
        cortex_m::asm::wfi();
    }
}

/// Measures the deepest stack use: fills the stack below the current frame with a
/// pattern, then later finds the lowest word that changed.
struct StackProbe {
    top: usize,
    bottom: usize,
}

/// Stack below `main` that the probe watches.
const PROBE_BYTES: usize = 64 * 1024;
/// Room left for the painting code's own frame.
const PROBE_MARGIN: usize = 256;
const PATTERN: u32 = 0xC0FF_EE55;

unsafe extern "C" {
    /// The initial stack pointer (cortex-m-rt's linker script provides it).
    static _stack_start: u32;
}

impl StackProbe {
    fn paint() -> Self {
        let top = (&raw const _stack_start) as usize;
        let sp = cortex_m::register::msp::read() as usize;
        let start = (sp - PROBE_BYTES) & !3;
        let end = (sp - PROBE_MARGIN) & !3;
        let mut at = start;
        while at < end {
            // SAFETY: `[start, end)` is RAM below the live stack (4 MiB of RAM, a few KiB
            // of statics), not used by anything yet.
            unsafe { core::ptr::write_volatile(at as *mut u32, PATTERN) };
            at += 4;
        }
        StackProbe { top, bottom: start }
    }

    /// Bytes of stack used at the deepest point so far.
    fn peak(&self) -> usize {
        let mut at = self.bottom;
        // SAFETY: reading back the region painted above.
        while at < self.top && unsafe { core::ptr::read_volatile(at as *const u32) } == PATTERN {
            at += 4;
        }
        self.top - at
    }
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    fail(format_args!("hard fault at pc {:#010x}", frame.pc()))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    fail(format_args!("panic: {info}"))
}
