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

pub use mediarec_capture_cpal::{
    Capabilities, CaptureError, CaptureStats, Constraints, CpalInput, DeviceInfo, OpenOptions,
    Settings,
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
pub fn microphones() -> Result<Vec<DeviceInfo>, CaptureError> {
    mediarec_capture_cpal::devices()
}

/// Opens the default microphone with its preferred settings; `Ok(None)` when the machine
/// has no input device at all. A device that exists but cannot be opened (a sound server
/// that is not running, a busy device) is an error, so callers can say why.
pub fn default_microphone() -> Result<Option<CpalInput>, CaptureError> {
    match CpalInput::open(None, &Constraints::default()) {
        Ok(mic) => Ok(Some(mic)),
        Err(CaptureError::NoDevice) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Opens the microphone `device` names (a `deviceId`, backend id such as `pulse`, or
/// label) with the settings nearest to `constraints`.
pub fn open_microphone(device: &str, constraints: &Constraints) -> Result<CpalInput, CaptureError> {
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
        std::thread::sleep(std::time::Duration::from_secs(1));
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
        assert!(summary.media_time >= Duration::from_millis(500), "{:?}", summary.media_time);
        // The file was finished: it starts with an EBML header and its size fields were
        // patched in (a live, unfinished file would end with unknown-size elements only).
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..4], &[0x1A, 0x45, 0xDF, 0xA3]);
        assert_eq!(bytes.len() as u64, summary.bytes);
    }
}
