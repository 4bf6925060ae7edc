//! Microphones: capture devices through cpal, as [`AudioInput`]s a [`MediaStream`] can
//! record (feature `cpal`, on by default).
//!
//! A microphone is paced by its device, so the recorder's `elapsed` is not needed: each
//! read hands over what the audio callback has captured since the previous one, with the
//! capture time of its first frame. Audio captured between opening the device and the
//! first read is dropped, so a recording starts with live sound. When the device is lost,
//! `read` fails after the last captured frame; the recorder then reports an error and
//! finishes the file.
//!
//! ```no_run
//! use mediarec::{Destination, Event, MediaRecorder, MediaRecorderOptions, MediaStream};
//!
//! for mic in mediarec::microphones()? {
//!     println!("{} {}", mic.device_id, mic.label);
//! }
//! let Some(mic) = mediarec::default_microphone()? else {
//!     return Err("no microphone".into());
//! };
//! let options = MediaRecorderOptions {
//!     mime_type: "audio/webm;codecs=opus".into(),
//!     max_duration: Some(mediarec_core::Duration::from_secs(3)),
//!     ..Default::default()
//! };
//! let recorder = MediaRecorder::new(MediaStream::with_audio(mic), options, Destination::file("mic.webm")?)?;
//! recorder.start(None)?;
//! for event in recorder.events() {
//!     if let Event::Stop = event { break }
//! }
//! recorder.close()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`MediaStream`]: crate::MediaStream

use mediarec_core::{AudioParams, Duration};
use mediarec_stream::{AudioMode, InputDeviceInfo, MediaTrackSettings, ValueRange};

pub use mediarec_capture_cpal::{
    Capabilities, CaptureError as MicrophoneError, CaptureStats, Constraints, CpalInput,
    DeviceInfo, OpenOptions, Settings,
};

use crate::input::{AudioInput, Chunk, InputFailure};

impl AudioInput for CpalInput {
    fn params(&self) -> AudioParams {
        CpalInput::params(self)
    }

    fn label(&self) -> String {
        CpalInput::label(self).to_string()
    }

    fn read(&mut self, _elapsed: Duration, out: &mut [f32]) -> Result<Option<Chunk>, InputFailure> {
        match CpalInput::read(self, out) {
            Ok(Some(c)) => Ok(Some(Chunk { frames: c.frames, timestamp: c.timestamp })),
            Ok(None) => Ok(Some(Chunk { frames: 0, timestamp: self.next_timestamp() })),
            Err(e) => Err(InputFailure(format!("{}: {e}", e.dom_name()))),
        }
    }
}

/// The capture devices, as `enumerateDevices()` lists them (the default one first).
pub fn microphones() -> Result<Vec<DeviceInfo>, MicrophoneError> {
    mediarec_capture_cpal::devices()
}

/// Opens the default microphone with its preferred settings; `Ok(None)` when the machine
/// has no input device at all. A device that exists but cannot be opened (a sound server
/// that is not running, a busy device) is an error, so callers can say why.
pub fn default_microphone() -> Result<Option<CpalInput>, MicrophoneError> {
    match CpalInput::open(None, &Constraints::default()) {
        Ok(mic) => Ok(Some(mic)),
        Err(MicrophoneError::NoDevice) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A microphone as [`MediaDevices`](crate::MediaDevices) describes devices: its identity and
/// one capture mode per supported configuration, so SelectSettings can choose among them.
/// Asks the device what it supports (opens it briefly).
pub fn microphone_info(device: &DeviceInfo) -> Result<InputDeviceInfo, MicrophoneError> {
    let caps = device.capabilities()?;
    Ok(InputDeviceInfo::microphone(
        &device.device_id,
        &device.label,
        &device.group_id,
        audio_modes(&caps, None),
    ))
}

/// The capture modes of `caps`, one per configuration family. `preferred` (rate,
/// channels; e.g. the device's default) becomes each range's preferred value where it
/// fits, else 48 kHz and the family's channel count.
///
/// ```
/// use mediarec::{Capabilities, audio_modes};
/// use mediarec_capture_cpal::{ConfigRange, SampleFormat};
/// let caps = Capabilities { configs: vec![ConfigRange {
///     channels: 2, min_rate: 8_000, max_rate: 96_000, format: SampleFormat::I16, buffer_frames: None,
/// }]};
/// let modes = audio_modes(&caps, None);
/// assert_eq!((modes[0].sample_rate.min, modes[0].sample_rate.preferred), (8_000, 48_000));
/// assert_eq!((modes[0].channel_count.min, modes[0].sample_size.min), (2, 16));
/// ```
pub fn audio_modes(caps: &Capabilities, preferred: Option<(u32, u16)>) -> Vec<AudioMode> {
    caps.configs
        .iter()
        .map(|c| {
            let (lo, hi) = (c.min_rate.min(c.max_rate), c.min_rate.max(c.max_rate));
            let rate = preferred.map_or(48_000, |p| p.0).clamp(lo, hi);
            let latency = c.buffer_frames.filter(|_| hi > 0).map(|(min, max)| {
                let rate = f64::from(rate.max(1));
                ValueRange::new(f64::from(min) / rate, f64::from(max) / rate, 0.01)
            });
            AudioMode {
                sample_rate: ValueRange::new(lo, hi, rate),
                channel_count: ValueRange::fixed(u32::from(c.channels)),
                sample_size: ValueRange::fixed(c.format.bits_per_sample()),
                latency,
            }
        })
        .collect()
}

/// What SelectSettings chose, as the constraints to open a [`CpalInput`] with.
///
/// ```
/// use mediarec::constraints_for;
/// use mediarec_stream::MediaTrackSettings;
/// let s = MediaTrackSettings { sample_rate: Some(16_000), channel_count: Some(1), ..Default::default() };
/// let c = constraints_for(&s);
/// assert_eq!((c.sample_rate, c.channel_count, c.sample_size), (Some(16_000), Some(1), None));
/// ```
pub fn constraints_for(settings: &MediaTrackSettings) -> Constraints {
    Constraints {
        sample_rate: settings.sample_rate,
        channel_count: settings.channel_count.and_then(|c| u16::try_from(c).ok()),
        sample_size: settings.sample_size.and_then(|s| u16::try_from(s).ok()),
        latency: settings
            .latency
            .filter(|l| l.is_finite() && *l >= 0.0)
            .map(|l| Duration::from_micros((l * 1e6) as u64)),
    }
}

/// Opens the microphone `device` names (a `deviceId`, backend id such as `pulse`, or
/// label) with the settings nearest to `constraints`.
pub fn open_microphone(
    device: &str,
    constraints: &Constraints,
) -> Result<CpalInput, MicrophoneError> {
    CpalInput::open(Some(device), constraints)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Destination, Event, MediaRecorder, MediaRecorderOptions, MediaStream};

    /// Set by `cargo xtask capture` with a PulseAudio server whose default source is a
    /// 440 Hz sine; set, a missing device fails the test instead of skipping it.
    fn enabled(test: &str) -> bool {
        let on = std::env::var("MEDIAREC_PULSE_TESTS").is_ok_and(|v| v == "1");
        if !on {
            eprintln!("{test}: not run: set MEDIAREC_PULSE_TESTS=1 with a PulseAudio test source");
        }
        on
    }

    #[test]
    fn the_default_microphone_reads_as_an_audio_input() {
        if !enabled("the_default_microphone_reads_as_an_audio_input") {
            return;
        }
        let mut mic: Box<dyn AudioInput> = Box::new(default_microphone().unwrap().unwrap());
        let p = mic.params();
        assert!(p.sample_rate >= 8_000 && p.channels >= 1);
        assert!(!mic.label().is_empty());
        let channels = usize::from(p.channels);
        let mut buf = vec![0f32; 1024 * channels];
        let (mut frames, mut first) = (0usize, None);
        let start = std::time::Instant::now();
        while frames < p.sample_rate as usize / 2 {
            assert!(start.elapsed().as_secs() < 5, "half a second of audio within 5 s");
            let c = mic.read(Duration::ZERO, &mut buf).unwrap().unwrap();
            if c.frames == 0 {
                std::thread::sleep(std::time::Duration::from_millis(5));
                continue;
            }
            let expected = first.get_or_insert(c.timestamp).as_micros()
                + Duration::from_samples(frames as u64, p.sample_rate).as_micros();
            assert!(c.timestamp.as_micros().abs_diff(expected) <= 21, "continuous timestamps");
            frames += c.frames;
        }
    }

    #[test]
    fn a_microphone_records_through_the_facade() {
        if !enabled("a_microphone_records_through_the_facade") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mic.webm");
        let mic =
            open_microphone("pulse", &Constraints { channel_count: Some(1), ..Default::default() })
                .unwrap();
        let options = MediaRecorderOptions {
            mime_type: "audio/webm;codecs=pcm".into(),
            max_duration: Some(Duration::from_secs(1)),
            ..Default::default()
        };
        let rec = MediaRecorder::new(
            MediaStream::with_audio(mic),
            options,
            Destination::file(&path).unwrap(),
        )
        .unwrap();
        rec.start(None).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rec.events().recv_timeout(left).unwrap() {
                Event::Stop => break,
                Event::Error { name, message } => panic!("{name}: {message}"),
                _ => {}
            }
        }
        let summary = rec.close().unwrap();
        assert_eq!(summary.error, None);
        assert_eq!(summary.media_time, Duration::from_secs(1));
        // One second of mono f32 at the device's rate, plus the container.
        let len = std::fs::metadata(&path).unwrap().len();
        assert!(len > 4 * 8_000, "{len} bytes");
    }

    #[test]
    fn losing_the_microphone_ends_the_recording_with_an_error_and_a_whole_file() {
        if !enabled("losing_the_microphone_ends_the_recording_with_an_error_and_a_whole_file") {
            return;
        }
        if !std::env::var("MEDIAREC_PULSE_KILL_TESTS").is_ok_and(|v| v == "1") {
            eprintln!(
                "not run: it kills the PulseAudio server; set MEDIAREC_PULSE_KILL_TESTS=1 too"
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lost.webm");
        let mic = default_microphone().unwrap().unwrap();
        let options = MediaRecorderOptions {
            mime_type: "audio/webm;codecs=opus".into(),
            ..Default::default()
        };
        let rec = MediaRecorder::new(
            MediaStream::with_audio(mic),
            options,
            Destination::file(&path).unwrap(),
        )
        .unwrap();
        rec.start(None).unwrap();
        // Kill the server once a second of audio has been recorded.
        let waiting = std::time::Instant::now();
        while rec.snapshot().media_time < Duration::from_secs(1) {
            assert!(waiting.elapsed().as_secs() < 10, "no second of audio within 10 s");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let kill = std::process::Command::new("pulseaudio").arg("--kill").status().unwrap();
        assert!(kill.success());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut error = None;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rec.events().recv_timeout(left).unwrap() {
                Event::Error { name, message } => error = Some((name, message)),
                Event::Stop => break,
                _ => {}
            }
        }
        let (name, message) = error.expect("an error event before stop");
        eprintln!("error event: {name}: {message}");
        assert_eq!(name, mediarec_core::DomErrorName::Unknown);
        let summary = rec.close().unwrap();
        assert_eq!(summary.error, Some(mediarec_core::DomErrorName::Unknown));
        assert!(summary.media_time >= Duration::from_secs(1), "{:?}", summary.media_time);
        // The file holds what was recorded: an EBML header and at least a second of Opus.
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..4], &[0x1A, 0x45, 0xDF, 0xA3]);
        assert!(bytes.len() > 4_000, "{} bytes", bytes.len());
    }
}
