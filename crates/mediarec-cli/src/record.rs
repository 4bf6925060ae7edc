//! `mediarec record`.

use std::fs::File;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration as StdDuration, Instant as StdInstant};

use clap::{Args, ValueEnum};
use mediarec::{
    Destination, Device, Event, FacadeError, MediaDevices, MediaRecorder, MediaRecorderOptions,
    MediaStream,
};
use mediarec_core::MediaKind;
use mediarec_core::{BitrateMode, DomErrorName, Duration};
use mediarec_stream::{CaptureError, MediaStreamConstraints, MediaTrackConstraints};
use serde_json::json;

use crate::Failure;

/// Arguments of `mediarec record`.
#[derive(Args)]
#[command(after_help = "Examples:
  mediarec record --source tone:440 --duration 5s out.webm
  mediarec record --timeslice 1000 --chunks chunks/ --events - out.webm
  mediarec record --mime 'audio/ogg;codecs=opus' --duration 10s out.ogg
  echo stop | mediarec record --control stdin out.webm")]
pub struct RecordArgs {
    /// Where to write; "-" writes live output to stdout.
    output: String,
    // The help text has brackets rustdoc would take for links, so it is not a doc comment.
    #[arg(
        long = "source",
        value_name = "SPEC",
        help = "A source: tone[:HZ], noise, sweep, pattern[:WxH[@FPS]] (a moving test pattern, \
                like canvas.captureStream), mic[:DEVICE], file:PATH (a WAV file). Repeat for \
                audio and video. Default: the microphone, else a 440 Hz tone."
    )]
    sources: Vec<String>,
    /// MIME type to record, e.g. 'audio/webm;codecs=opus' (the default for audio),
    /// 'video/webm;codecs=vp8,opus' (the default with video), 'audio/ogg;codecs=opus'.
    #[arg(long, value_name = "TYPE", default_value = "")]
    mime: String,
    /// How much to record: 5s, 1500ms, 2m (default: until stopped or the source ends).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    duration: Option<Duration>,
    /// start(timeslice): a dataavailable blob at least every MS milliseconds.
    #[arg(long, value_name = "MS", value_parser = parse_timeslice, allow_negative_numbers = true)]
    timeslice: Option<u32>,
    /// Also write each dataavailable blob to DIR/chunk-00000.EXT, -00001, …
    #[arg(long, value_name = "DIR")]
    chunks: Option<PathBuf>,
    /// Make every blob (chunk) a complete file that plays on its own.
    #[arg(long)]
    self_contained_chunks: bool,
    /// One JSON object per line per recorder event, to PATH or "-" (stdout).
    #[arg(long, value_name = "PATH|-")]
    events: Option<String>,
    /// Read commands from stdin, one per line: pause, resume, request-data, request-frame,
    /// stop.
    #[arg(long, value_name = "stdin")]
    control: Option<Control>,
    /// MediaStreamConstraints as JSON, like getUserMedia's argument, e.g.
    /// '{"audio":{"channelCount":{"exact":1},"sampleRate":{"ideal":16000}}}'.
    #[arg(long, value_name = "JSON")]
    constraints: Option<String>,
    /// audioBitsPerSecond, e.g. 64000.
    #[arg(long, value_name = "BPS")]
    audio_bitrate: Option<u32>,
    /// videoBitsPerSecond.
    #[arg(long, value_name = "BPS")]
    video_bitrate: Option<u32>,
    /// bitsPerSecond: a total split between audio and video.
    #[arg(long, value_name = "BPS")]
    bitrate: Option<u32>,
    /// audioBitrateMode.
    #[arg(long, value_name = "MODE")]
    bitrate_mode: Option<Mode>,
    /// videoKeyFrameIntervalDuration in milliseconds.
    #[arg(long, value_name = "MS")]
    keyframe_interval_ms: Option<f64>,
    /// videoKeyFrameIntervalCount.
    #[arg(long, value_name = "N")]
    keyframe_interval_frames: Option<u32>,
    /// Read file sources at real-time pace instead of as fast as possible.
    #[arg(long)]
    realtime: bool,
    /// Write a live (unknown-size, unindexed) file even when OUTPUT could be patched.
    #[arg(long)]
    live: bool,
    /// No progress display.
    #[arg(long, short)]
    quiet: bool,
}

/// Where commands come from.
#[derive(Clone, Copy, ValueEnum)]
enum Control {
    /// Standard input.
    Stdin,
}

/// `audioBitrateMode`.
#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    /// Constant bitrate.
    Constant,
    /// Variable bitrate (the default).
    Variable,
}

/// Parses `5s`, `1500ms`, `2m`, `1.5s`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit_us) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1_000.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1_000_000.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000_000.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3_600_000_000.0)
    } else {
        return Err(format!("'{s}' needs a unit: 5s, 1500ms, 2m"));
    };
    let v: f64 = num.trim().parse().map_err(|_| format!("'{s}' is not a duration"))?;
    if !v.is_finite() || v <= 0.0 {
        return Err(format!("'{s}' must be a positive duration"));
    }
    Ok(Duration::from_micros((v * unit_us) as u64))
}

fn parse_timeslice(s: &str) -> Result<u32, String> {
    let v: i64 = s.trim().parse().map_err(|_| format!("'{s}' is not a number of milliseconds"))?;
    u32::try_from(v).map_err(|_| format!("the timeslice must be 0 to 4294967295 ms, not {v}"))
}

/// The device one `--source` spec names.
pub fn source_device(spec: &str, realtime: bool) -> Result<Device, Failure> {
    let (kind, arg) = spec.split_once(':').unwrap_or((spec, ""));
    match kind {
        "tone" => {
            let hz = if arg.is_empty() {
                440.0
            } else {
                arg.parse::<f64>().ok().filter(|f| *f > 0.0 && *f < 24_000.0).ok_or_else(|| {
                    Failure::usage(format!("tone frequency '{arg}' must be between 0 and 24000 Hz"))
                })?
            };
            Ok(Device::tone(hz))
        }
        "noise" => Ok(Device::noise()),
        "pattern" => {
            let (size, fps) = arg.split_once('@').unwrap_or((arg, "30"));
            let (w, h) = if size.is_empty() {
                ("320", "240")
            } else {
                size.split_once('x').unwrap_or((size, ""))
            };
            let parse = |v: &str, what: &str, max: u32| {
                v.parse::<u32>().ok().filter(|n| *n <= max).ok_or_else(|| {
                    Failure::usage(format!("pattern {what} '{v}' is not valid: use pattern:WxH@FPS, e.g. pattern:320x240@30"))
                })
            };
            let (w, h, fps) = (
                parse(w, "width", 16_384)?,
                parse(h, "height", 16_384)?,
                parse(fps, "frame rate", 240)?,
            );
            if w < 2 || h < 2 {
                return Err(Failure::usage("the pattern must be at least 2x2 pixels"));
            }
            Ok(Device::pattern(w, h, fps))
        }
        "sweep" => Ok(Device::sweep()),
        "file" if arg.is_empty() => Err(Failure::usage("file: needs a path, e.g. file:in.wav")),
        "file" => {
            Device::wav(arg, realtime).map_err(|e| Failure::usage(format!("NotReadableError: {e}")))
        }
        "mic" => {
            let list = crate::quiet_stderr(mediarec::microphones)
                .map_err(|e| Failure::usage(format!("{}: {e}", e.dom_name())))?;
            let found = if arg.is_empty() {
                list.first()
            } else {
                list.iter().find(|d| {
                    d.device_id == arg
                        || d.label == arg
                        || d.backend_id.ends_with(&format!(":{arg}"))
                })
            };
            let d = found.ok_or_else(|| {
                Failure::usage(format!(
                    "NotFoundError: no microphone matches '{arg}'; `mediarec devices` lists them"
                ))
            })?;
            crate::quiet_stderr(|| Device::microphone(d))
                .map_err(|e| Failure::usage(format!("NotReadableError: {e}")))
        }
        _ => Err(Failure::usage(format!(
            "unknown source '{spec}': use tone[:HZ], noise, sweep, pattern[:WxH[@FPS]] or file:PATH (see mediarec record --help)"
        ))),
    }
}

/// Turns a getUserMedia failure into the CLI's words: the spec's error name, the
/// constraint, and what to do.
fn capture_failure(e: &CaptureError) -> Failure {
    let hint = match e.dom_name() {
        DomErrorName::Overconstrained => {
            "; `mediarec devices --json` shows what each device offers"
        }
        DomErrorName::Type => "; e.g. --constraints '{\"audio\":{\"channelCount\":1}}'",
        _ => "",
    };
    match e.constraint() {
        Some(c) => {
            Failure::usage(format!("{}: constraint {c}: {}{hint}", e.dom_name(), e.message()))
        }
        None => Failure::usage(format!("{}: {}{hint}", e.dom_name(), e.message())),
    }
}

fn parse_constraints(json: &str) -> Result<MediaStreamConstraints, Failure> {
    let mut de = serde_json::Deserializer::from_str(json);
    MediaStreamConstraints::from_deserializer(&mut de).map_err(|e| capture_failure(&e))
}

/// getUserMedia over `devices` with `constraints`, or `{audio: true}`.
fn open_stream(devices: MediaDevices, constraints: Option<&str>) -> Result<MediaStream, Failure> {
    let c = match constraints {
        Some(json) => parse_constraints(json)?,
        None => MediaStreamConstraints::new().with_audio(MediaTrackConstraints::default()),
    };
    crate::quiet_stderr(|| devices.get_user_media(&c)).map_err(|e| capture_failure(&e))
}

/// One `--source` device, opened with the constraints for its kind (or `{kind: true}`).
fn open_source(device: Device, constraints: Option<&str>) -> Result<MediaStream, Failure> {
    let kind = device.info.kind;
    let given = constraints.map(parse_constraints).transpose()?;
    let own = given.as_ref().and_then(|c| c.for_kind(kind)).cloned().unwrap_or_default();
    let c = match kind {
        MediaKind::Audio => MediaStreamConstraints::new().with_audio(own),
        MediaKind::Video => MediaStreamConstraints::new().with_video(own),
    };
    crate::quiet_stderr(|| MediaDevices::from_devices(vec![device]).get_user_media(&c))
        .map_err(|e| capture_failure(&e))
}

fn extension(mime: &str) -> &'static str {
    let lower = mime.to_ascii_lowercase();
    if lower.contains("ogg") {
        "ogg"
    } else if lower.contains("matroska") {
        "mka"
    } else {
        "webm"
    }
}

/// Something the control loop must act on.
enum Input {
    Command(String),
    Closed,
}

/// Raw terminal mode for single-key control, restored when dropped.
struct RawMode;

impl RawMode {
    fn enable() -> Option<Self> {
        crossterm::terminal::enable_raw_mode().ok().map(|()| RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Reads keys: space pauses or resumes, r requests data, q (or Ctrl-C, which raw mode
/// turns into a key) stops.
fn spawn_keys(tx: mpsc::Sender<Input>) {
    use crossterm::event::{Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
    std::thread::spawn(move || {
        while let Ok(ev) = crossterm::event::read() {
            let TermEvent::Key(k) = ev else { continue };
            if k.kind != KeyEventKind::Press {
                continue;
            }
            let cmd = match k.code {
                KeyCode::Char(' ') => "toggle",
                KeyCode::Char('r') => "request-data",
                KeyCode::Char('q') => "stop",
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => "stop",
                _ => continue,
            };
            if tx.send(Input::Command(cmd.into())).is_err() {
                return;
            }
        }
    });
}

pub fn record(a: RecordArgs) -> Result<ExitCode, Failure> {
    let started = StdInstant::now();
    if a.keyframe_interval_ms.is_some() && a.keyframe_interval_frames.is_some() {
        return Err(Failure::usage(
            "NotSupportedError: --keyframe-interval-ms and --keyframe-interval-frames are exclusive",
        ));
    }
    let stream = if a.sources.is_empty() {
        match open_stream(crate::types::system_devices(), a.constraints.as_deref()) {
            // A microphone that is listed but will not open: the default falls back to
            // the tone, as where there is none; explicit constraints get the error.
            Err(f) if a.constraints.is_none() && f.message.starts_with("NotReadableError") => {
                eprintln!("mediarec: {} — recording the 440 Hz tone instead", f.message);
                open_stream(MediaDevices::synthetic(), None)?
            }
            other => other?,
        }
    } else {
        let mut stream = MediaStream::new();
        for spec in &a.sources {
            stream.extend(open_source(source_device(spec, a.realtime)?, a.constraints.as_deref())?);
        }
        stream
    };
    let mime = match (a.mime.is_empty(), stream.has_audio(), stream.has_video()) {
        (false, ..) => a.mime.clone(),
        (true, true, true) => "video/webm;codecs=vp8,opus".to_string(),
        (true, false, true) => "video/webm;codecs=vp8".to_string(),
        (true, ..) => "audio/webm;codecs=opus".to_string(),
    };
    if let Some(dir) = &a.chunks {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::usage(format!("cannot create the chunk directory {}: {e}", dir.display()))
        })?;
    }
    let mut events_out: Option<Box<dyn Write>> = match a.events.as_deref() {
        None => None,
        Some("-") => Some(Box::new(std::io::stdout())),
        Some(path) => Some(Box::new(
            File::create(path)
                .map_err(|e| Failure::usage(format!("cannot write events to {path}: {e}")))?,
        )),
    };
    if a.output == "-" && a.events.as_deref() == Some("-") {
        return Err(Failure::usage("--events - and OUTPUT - would both write to stdout"));
    }
    let destination = if a.output == "-" {
        Destination::Writer(Box::new(std::io::stdout()))
    } else {
        Destination::file(&a.output)
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", a.output)))?
    };
    let options = MediaRecorderOptions {
        mime_type: mime.clone(),
        audio_bits_per_second: a.audio_bitrate,
        video_bits_per_second: a.video_bitrate,
        bits_per_second: a.bitrate,
        audio_bitrate_mode: match a.bitrate_mode {
            Some(Mode::Constant) => BitrateMode::Constant,
            _ => BitrateMode::Variable,
        },
        video_key_frame_interval_duration: a.keyframe_interval_ms,
        video_key_frame_interval_count: a.keyframe_interval_frames,
        max_duration: a.duration,
        keep_blobs: a.chunks.is_some(),
        live: a.live,
        self_contained_blobs: a.self_contained_chunks,
    };
    let recorder = MediaRecorder::new(stream, options, destination).map_err(|e| match e {
        FacadeError::Recorder(e) => Failure::usage(format!(
            "{e} ('{mime}'; `mediarec types` lists what this build records)"
        )),
        other => Failure::runtime(other.to_string()),
    })?;

    let stop_flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop_flag))
            .map_err(|e| Failure::runtime(format!("cannot handle signals: {e}")))?;
    }
    let (input_tx, input_rx) = mpsc::channel();
    let interactive = !a.quiet
        && a.control.is_none()
        && a.output != "-"
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal();
    let _raw = if interactive { RawMode::enable() } else { None };
    if _raw.is_some() {
        spawn_keys(input_tx.clone());
    }
    if a.control.is_some() {
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if input_tx.send(Input::Command(line.trim().to_string())).is_err() {
                    return;
                }
            }
            let _ = input_tx.send(Input::Closed);
        });
    }

    recorder.start(a.timeslice).map_err(|e| Failure::usage(e.to_string()))?;
    let status = !a.quiet && a.output != "-" && std::io::stderr().is_terminal();
    let ext = extension(&mime);
    let mut chunk_index = 0u32;
    let mut failure: Option<String> = None;
    let mut stopping = false;
    let mut last_status = StdInstant::now();
    loop {
        if stop_flag.load(Ordering::Relaxed) && !stopping {
            stopping = true;
            recorder.stop();
        }
        while let Ok(input) = input_rx.try_recv() {
            match input {
                Input::Command(c) => {
                    let r = match c.as_str() {
                        "toggle" if recorder.state() == mediarec::RecordingState::Paused => {
                            recorder.resume()
                        }
                        "toggle" => recorder.pause(),
                        "pause" => recorder.pause(),
                        "resume" => recorder.resume(),
                        "request-data" | "requestData" => recorder.request_data(),
                        "request-frame" | "requestFrame" => recorder.request_frame(),
                        "stop" => {
                            recorder.stop();
                            Ok(())
                        }
                        "" => Ok(()),
                        other => {
                            eprintln!(
                                "mediarec: unknown command '{other}' (pause, resume, request-data, stop)"
                            );
                            Ok(())
                        }
                    };
                    if let Err(e) = r {
                        eprintln!("mediarec: {c}: {e}");
                    }
                }
                Input::Closed => {}
            }
        }
        let event = match recorder.events().recv_timeout(StdDuration::from_millis(50)) {
            Ok(e) => Some(e),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if status && last_status.elapsed() >= StdDuration::from_millis(100) {
            last_status = StdInstant::now();
            print_status(&recorder, _raw.is_some());
        }
        let Some(event) = event else { continue };
        let wall_ms = started.elapsed().as_millis() as u64;
        let state = recorder.state().as_str();
        let line = match &event {
            Event::Start { mime_type } => {
                json!({"type": "start", "mimeType": mime_type, "state": state, "wall_ms": wall_ms})
            }
            Event::DataAvailable { data, size, timecode } => {
                if let Some(dir) = &a.chunks {
                    let path = dir.join(format!("chunk-{chunk_index:05}.{ext}"));
                    chunk_index += 1;
                    if let Err(e) = std::fs::write(&path, data) {
                        failure.get_or_insert(format!("cannot write {}: {e}", path.display()));
                    }
                }
                json!({"type": "dataavailable", "size": size, "timecode": timecode, "state": state, "wall_ms": wall_ms})
            }
            Event::Error { name, message } => {
                failure.get_or_insert(format!("{name}: {message}"));
                json!({"type": "error", "name": name.as_str(), "message": message, "state": state, "wall_ms": wall_ms})
            }
            other => json!({"type": other.name(), "state": state, "wall_ms": wall_ms}),
        };
        if let Some(out) = events_out.as_mut() {
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
        if matches!(event, Event::Stop) {
            break;
        }
    }
    if status {
        eprint!("\r\n");
    }
    drop(_raw);
    let summary = recorder.close().map_err(|e| Failure::runtime(e.to_string()))?;
    if let Some(f) = failure.or(summary.error.map(|n: DomErrorName| n.to_string())) {
        return Err(Failure::runtime(format!("{f} (what was recorded before is saved)")));
    }
    if !a.quiet && a.output != "-" {
        eprintln!(
            "mediarec: recorded {:.2} s, {} bytes to {}",
            summary.media_time.as_millis_f64() / 1000.0,
            summary.bytes,
            Path::new(&a.output).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_status(recorder: &MediaRecorder, keys: bool) {
    let s = recorder.snapshot();
    let secs = s.media_time.as_millis_f64() / 1000.0;
    let kbps = if secs > 0.0 { s.bytes as f64 * 8.0 / secs / 1000.0 } else { 0.0 };
    let meters: Vec<String> = s
        .peak_dbfs
        .iter()
        .map(|db| {
            let db = if db.is_finite() { db.max(-60.0) } else { -60.0 };
            let filled = ((db + 60.0) / 60.0 * 12.0).round() as usize;
            format!("{}{} {:>5.1} dB", "█".repeat(filled), "·".repeat(12 - filled.min(12)), db)
        })
        .collect();
    eprint!(
        "\r\x1b[2K{} {:>7.1}s  {:<9} {:>8.1} kB {:>6.1} kb/s  {}",
        if s.state == mediarec::RecordingState::Paused { "‖" } else { "●" },
        secs,
        s.state.as_str(),
        s.bytes as f64 / 1000.0,
        kbps,
        meters.join("  ")
    );
    if keys && s.state != mediarec::RecordingState::Inactive {
        eprint!("  [space] pause/resume [r] data [q] stop");
    }
    let _ = std::io::stderr().flush();
}
