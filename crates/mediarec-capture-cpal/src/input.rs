//! An open capture stream and its reader.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Instant as StdInstant;

use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};
use mediarec_core::{AudioParams, Duration};

use crate::device::{DeviceInfo, capabilities_of, find};
use crate::error::CaptureError;
use crate::negotiate::{Constraints, Selected, select};
use crate::ring::{CaptureStats, Reader, Shared, Writer, ring};

/// How to open a device.
///
/// ```
/// use mediarec_capture_cpal::OpenOptions;
/// let o = OpenOptions { device: Some("pulse".into()), ..Default::default() };
/// assert!(o.live_start);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// A `deviceId`, backend id or label (see [`crate::devices`]); `None`: the default input.
    pub device: Option<String>,
    /// The settings wanted.
    pub constraints: Constraints,
    /// How much audio the ring holds before the callback has to drop frames.
    pub ring: Duration,
    /// No callback for this long (once the stream runs) means the device is gone.
    pub stall_timeout: Duration,
    /// Keep nothing captured before the first [`CpalInput::read`], so a recording starts
    /// with live audio rather than with the backlog since the device was opened (which
    /// some servers deliver as a burst of a second or more).
    pub live_start: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            device: None,
            constraints: Constraints::default(),
            ring: Duration::from_secs(2),
            stall_timeout: Duration::from_secs(3),
            live_start: true,
        }
    }
}

/// The settings in force (`getSettings()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// `sampleRate`, Hz.
    pub sample_rate: u32,
    /// `channelCount`.
    pub channel_count: u16,
    /// `sampleSize`, bits of the device format.
    pub sample_size: u16,
    /// The device format (samples are delivered as `f32` whatever it is).
    pub sample_format: SampleFormat,
    /// `latency`: the fixed callback buffer, when one was set.
    pub latency: Option<Duration>,
}

/// Frames that [`CpalInput::read`] delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Captured {
    /// Sample frames written to the caller's buffer.
    pub frames: usize,
    /// Capture time of the first of them, relative to the stream's first captured frame.
    pub timestamp: Duration,
}

/// Owns the cpal stream on a thread of its own (a `cpal::Stream` is not `Send` on every
/// platform); dropping it stops the stream.
struct Keeper {
    stop: Option<mpsc::Sender<()>>,
    /// Closed by the thread once the stream is dropped.
    done: mpsc::Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

/// How long dropping an input waits for the backend to close the stream. A backend whose
/// server died can hang in its close (libpulse's ALSA plugin does); then the thread is left
/// behind rather than hanging the caller.
const CLOSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

impl Drop for Keeper {
    fn drop(&mut self) {
        drop(self.stop.take());
        match self.done.recv_timeout(CLOSE_TIMEOUT) {
            Err(mpsc::RecvTimeoutError::Timeout) => drop(self.thread.take()),
            _ => {
                if let Some(t) = self.thread.take() {
                    let _ = t.join();
                }
            }
        }
    }
}

/// What the keeper thread hands back once the stream plays.
struct Opened {
    reader: Reader,
    info: DeviceInfo,
    selected: Selected,
}

/// A microphone (or any cpal input) being captured.
///
/// The audio callback converts samples to `f32` and pushes them into a lock-free ring;
/// [`CpalInput::read`] takes them out on the caller's thread. Timestamps come from the
/// callback's capture instants, relative to the first captured frame, and advance by the
/// sample count between discontinuities (see [`CaptureStats`]).
///
/// ```no_run
/// use mediarec_capture_cpal::{Constraints, CpalInput};
/// let mut mic = CpalInput::open(None, &Constraints { channel_count: Some(1), ..Default::default() })?;
/// let mut buf = vec![0f32; 4800 * usize::from(mic.params().channels)];
/// loop {
///     match mic.read(&mut buf)? {
///         Some(c) => println!("{} frames at {} µs", c.frames, c.timestamp.as_micros()),
///         None => std::thread::sleep(std::time::Duration::from_millis(10)),
///     }
/// }
/// # Ok::<(), mediarec_capture_cpal::CaptureError>(())
/// ```
pub struct CpalInput {
    reader: Reader,
    shared: Arc<Shared>,
    info: DeviceInfo,
    selected: Selected,
    opened: StdInstant,
    stall_timeout: Duration,
    reading: bool,
    failure: Option<String>,
    _keeper: Keeper,
}

impl std::fmt::Debug for CpalInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpalInput")
            .field("device", &self.info.label)
            .field("settings", &self.settings())
            .finish_non_exhaustive()
    }
}

impl CpalInput {
    /// Opens `device` (a `deviceId`, backend id or label; `None`: the default input) with
    /// the settings nearest to `constraints`, and starts capturing.
    pub fn open(device: Option<&str>, constraints: &Constraints) -> Result<Self, CaptureError> {
        Self::open_with(&OpenOptions {
            device: device.map(str::to_string),
            constraints: *constraints,
            ..OpenOptions::default()
        })
    }

    /// Opens a device as `options` say, and starts capturing.
    pub fn open_with(options: &OpenOptions) -> Result<Self, CaptureError> {
        let shared = Arc::new(Shared::default());
        shared.set_accepting(!options.live_start);
        let opened = StdInstant::now();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<Opened, CaptureError>>(1);
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let thread_options = options.clone();
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("mediarec-capture".into())
            .spawn(move || {
                match start(&thread_options, thread_shared, opened) {
                    Ok((stream, ready)) => {
                        if ready_tx.send(Ok(ready)).is_ok() {
                            // Parked until the input is dropped (the sender goes away).
                            let _ = stop_rx.recv();
                        }
                        drop(stream);
                        drop(done_tx);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            })
            .map_err(|e| CaptureError::Thread(e.to_string()))?;
        let keeper = Keeper { stop: Some(stop_tx), done: done_rx, thread: Some(thread) };
        let ready = ready_rx
            .recv()
            .map_err(|_| CaptureError::Thread("the capture thread ended while opening".into()))??;
        Ok(CpalInput {
            reader: ready.reader,
            shared,
            info: ready.info,
            selected: ready.selected,
            opened,
            stall_timeout: options.stall_timeout,
            reading: false,
            failure: None,
            _keeper: keeper,
        })
    }

    /// Rate and channels of what [`CpalInput::read`] delivers.
    pub fn params(&self) -> AudioParams {
        AudioParams { sample_rate: self.selected.sample_rate, channels: self.selected.channels }
    }

    /// The settings the device was opened with.
    pub fn settings(&self) -> Settings {
        let s = &self.selected;
        Settings {
            sample_rate: s.sample_rate,
            channel_count: s.channels,
            sample_size: u16::try_from(s.format.bits_per_sample()).unwrap_or(0),
            sample_format: s.format,
            latency: s.buffer_frames.map(|f| Duration::from_samples(u64::from(f), s.sample_rate)),
        }
    }

    /// The device being captured.
    pub fn device(&self) -> &DeviceInfo {
        &self.info
    }

    /// The device's label (`MediaStreamTrack.label`).
    pub fn label(&self) -> &str {
        &self.info.label
    }

    /// Counters of the capture so far: frames, drops, xruns.
    pub fn stats(&self) -> CaptureStats {
        self.shared.stats()
    }

    /// Frames waiting in the ring.
    pub fn buffered_frames(&self) -> usize {
        self.reader.buffered()
    }

    /// Moves captured frames into `out` (interleaved; up to `out.len() / channels` frames).
    ///
    /// `Ok(None)`: nothing is waiting yet. `Err`: the device is gone (lost, or silent for
    /// longer than the stall timeout) — after everything captured before that has been
    /// read; every later call fails the same way.
    pub fn read(&mut self, out: &mut [f32]) -> Result<Option<Captured>, CaptureError> {
        if !self.reading {
            self.reading = true;
            self.shared.set_accepting(true);
        }
        if let Some((frames, timestamp)) = self.reader.read(out) {
            return Ok(Some(Captured { frames, timestamp }));
        }
        if let Some(why) = &self.failure {
            return Err(CaptureError::DeviceLost(why.clone()));
        }
        if self.shared.is_lost() {
            let why = self.shared.error_message().unwrap_or_else(|| "the stream ended".into());
            self.failure = Some(why.clone());
            return Err(CaptureError::DeviceLost(why));
        }
        let now_us = u64::try_from(self.opened.elapsed().as_micros()).unwrap_or(u64::MAX);
        let silent = Duration::from_micros(now_us.saturating_sub(self.shared.last_callback_us()));
        if silent > self.stall_timeout {
            let detail = self
                .shared
                .error_message()
                .map(|m| format!(" (last error: {m})"))
                .unwrap_or_default();
            self.failure = Some(format!("no audio for {} ms{detail}", silent.as_millis()));
            return Err(CaptureError::Stalled(silent));
        }
        Ok(None)
    }

    /// Capture time of the next frame [`CpalInput::read`] will deliver.
    pub fn next_timestamp(&self) -> Duration {
        self.reader.next_time()
    }
}

/// Runs on the keeper thread: find, negotiate, build and play.
fn start(
    options: &OpenOptions,
    shared: Arc<Shared>,
    opened: StdInstant,
) -> Result<(cpal::Stream, Opened), CaptureError> {
    let (device, info) = find(options.device.as_deref())?;
    let caps = capabilities_of(&device)?;
    let default = device.default_input_config().ok().map(|c| (c.sample_rate(), c.channels()));
    let selected = select(&caps.configs, &options.constraints, default)
        .ok_or_else(|| CaptureError::NoUsableConfig(info.label.clone()))?;
    let config = cpal::StreamConfig {
        channels: selected.channels,
        sample_rate: selected.sample_rate,
        buffer_size: selected
            .buffer_frames
            .map_or(cpal::BufferSize::Default, cpal::BufferSize::Fixed),
    };
    let ring_frames = usize::try_from(options.ring.as_samples(selected.sample_rate))
        .unwrap_or(usize::MAX)
        .clamp(1024, 1 << 24);
    let (writer, reader) =
        ring(ring_frames, selected.channels, selected.sample_rate, shared.clone());
    let stream = build_any(&device, &config, selected.format, writer, shared, opened)?;
    stream
        .play()
        .map_err(|e| CaptureError::Backend { context: "starting the stream", source: e })?;
    Ok((stream, Opened { reader, info, selected }))
}

fn build_any(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    format: SampleFormat,
    writer: Writer,
    shared: Arc<Shared>,
    opened: StdInstant,
) -> Result<cpal::Stream, CaptureError> {
    let stream = match format {
        SampleFormat::F32 => build::<f32>(device, config, writer, shared, opened),
        SampleFormat::F64 => build::<f64>(device, config, writer, shared, opened),
        SampleFormat::I8 => build::<i8>(device, config, writer, shared, opened),
        SampleFormat::I16 => build::<i16>(device, config, writer, shared, opened),
        SampleFormat::I24 => build::<cpal::I24>(device, config, writer, shared, opened),
        SampleFormat::I32 => build::<i32>(device, config, writer, shared, opened),
        SampleFormat::I64 => build::<i64>(device, config, writer, shared, opened),
        SampleFormat::U8 => build::<u8>(device, config, writer, shared, opened),
        SampleFormat::U16 => build::<u16>(device, config, writer, shared, opened),
        SampleFormat::U24 => build::<cpal::U24>(device, config, writer, shared, opened),
        SampleFormat::U32 => build::<u32>(device, config, writer, shared, opened),
        SampleFormat::U64 => build::<u64>(device, config, writer, shared, opened),
        _ => return Err(CaptureError::NoUsableConfig(format!("{format} is not PCM"))),
    };
    stream.map_err(|e| CaptureError::Backend { context: "opening the stream", source: e })
}

/// How long the backend may take to set a stream up.
const OPEN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn build<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    mut writer: Writer,
    shared: Arc<Shared>,
    opened: StdInstant,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let mut origin: Option<cpal::StreamInstant> = None;
    device.build_input_stream::<T, _, _>(
        *config,
        move |data: &[T], info: &cpal::InputCallbackInfo| {
            // Real-time context: no allocation, no locks, no waiting from here on.
            let capture = info.timestamp().capture;
            let origin = *origin.get_or_insert(capture);
            let at = capture.saturating_duration_since(origin);
            let at = Duration::from_micros(u64::try_from(at.as_micros()).unwrap_or(u64::MAX));
            let now = u64::try_from(opened.elapsed().as_micros()).unwrap_or(u64::MAX);
            writer.push(data, at, now);
        },
        move |err| shared.on_error(err),
        Some(OPEN_TIMEOUT),
    )
}
