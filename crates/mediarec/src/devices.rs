//! `MediaDevices`: the capture devices a program can record, and `getUserMedia` over them.

use std::path::{Path, PathBuf};

use mediarec_core::Duration;
use mediarec_core::MediaKind;
use mediarec_source_synth::{Noise, Sweep, Tone};
use mediarec_stream::{
    AudioMode, CaptureError, DeviceChange, InputDeviceInfo, MediaDeviceInfo,
    MediaStreamConstraints, MediaTrackSettings, ValueRange, VideoMode, diff_devices,
    select_devices,
};

use crate::file::WavInput;
use crate::input::{AudioInput, InputFailure, SynthInput};
use crate::stream::MediaStream;
use crate::video::{PatternInput, VideoInput};

/// The group synthetic sources share.
pub const SYNTHETIC_GROUP: &str = "synthetic";

/// Where a device's audio comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// A sine at this frequency.
    Tone(f64),
    /// White noise.
    Noise,
    /// A logarithmic sine sweep from 20 Hz to 20 kHz every 10 s.
    Sweep,
    /// The moving test pattern (a camera), like `canvas.captureStream(fps)`.
    Pattern {
        /// Native width.
        width: u32,
        /// Native height.
        height: u32,
        /// Native frame rate (0: frames on request).
        fps: u32,
    },
    /// A capture device through cpal, by `deviceId`.
    #[cfg(feature = "cpal")]
    Microphone(String),
    /// A WAV file, read as fast as possible or at real-time pace.
    Wav {
        /// The file.
        path: PathBuf,
        /// Pace it like a device.
        realtime: bool,
    },
}

/// A device: what `enumerateDevices()` says of it, what it can do, and how to open it.
#[derive(Debug, Clone)]
pub struct Device {
    /// `InputDeviceInfo`: identity and capabilities, for SelectSettings.
    pub info: InputDeviceInfo,
    /// How to open it.
    pub source: SourceKind,
}

/// What synthetic sources can produce: any rate and 1 or 2 channels, float samples.
fn synthetic_mode() -> AudioMode {
    AudioMode {
        sample_rate: ValueRange::new(8_000, 96_000, 48_000),
        channel_count: ValueRange::new(1, 2, 2),
        sample_size: ValueRange::fixed(32),
        latency: Some(ValueRange::fixed(0.01)),
    }
}

impl Device {
    /// A sine generator. Its `deviceId` is `synthetic:tone` for 440 Hz and
    /// `synthetic:tone:HZ` otherwise, the same on every run.
    ///
    /// ```
    /// let d = mediarec::Device::tone(440.0);
    /// assert_eq!(d.info.device_id, "synthetic:tone");
    /// ```
    pub fn tone(hz: f64) -> Self {
        let id =
            if hz == 440.0 { "synthetic:tone".to_string() } else { format!("synthetic:tone:{hz}") };
        Self::synthetic(&id, &format!("{hz} Hz tone (synthetic)"), SourceKind::Tone(hz))
    }

    /// White noise.
    pub fn noise() -> Self {
        Self::synthetic("synthetic:noise", "White noise (synthetic)", SourceKind::Noise)
    }

    /// A sine sweep.
    pub fn sweep() -> Self {
        Self::synthetic(
            "synthetic:sweep",
            "Sine sweep 20 Hz to 20 kHz (synthetic)",
            SourceKind::Sweep,
        )
    }

    fn synthetic(id: &str, label: &str, source: SourceKind) -> Self {
        Device {
            info: InputDeviceInfo::microphone(id, label, SYNTHETIC_GROUP, vec![synthetic_mode()]),
            source,
        }
    }

    /// The test pattern as a camera: `deviceId` `synthetic:pattern`.
    ///
    /// ```
    /// let cam = mediarec::Device::pattern(320, 240, 30);
    /// assert_eq!(cam.info.to_media_device_info().kind.as_str(), "videoinput");
    /// ```
    pub fn pattern(width: u32, height: u32, fps: u32) -> Self {
        let mode = VideoMode::new(width, height, f64::from(fps));
        let label = format!("Test pattern {width}x{height}@{fps} (synthetic)");
        Device {
            info: InputDeviceInfo::camera("synthetic:pattern", &label, SYNTHETIC_GROUP, vec![mode]),
            source: SourceKind::Pattern { width, height, fps },
        }
    }

    /// A microphone found by [`microphones`](crate::microphones).
    #[cfg(feature = "cpal")]
    pub fn microphone(d: &crate::DeviceInfo) -> Result<Self, crate::MicrophoneError> {
        Ok(Device {
            info: crate::microphone_info(d)?,
            source: SourceKind::Microphone(d.device_id.clone()),
        })
    }

    /// A WAV file as a device with the file's one mode.
    pub fn wav(path: impl AsRef<Path>, realtime: bool) -> Result<Self, InputFailure> {
        let path = path.as_ref();
        let probe = WavInput::open(path, realtime)?;
        let p = probe.params();
        let mode = AudioMode::fixed(p.sample_rate, u32::from(p.channels), 32);
        let id = format!("file:{}", path.display());
        Ok(Device {
            info: InputDeviceInfo::microphone(&id, &probe.label(), "file", vec![mode]),
            source: SourceKind::Wav { path: path.to_path_buf(), realtime },
        })
    }

    /// Opens a camera with `settings` (the size and rate SelectSettings chose).
    pub fn open_video(
        &self,
        settings: &MediaTrackSettings,
    ) -> Result<Box<dyn VideoInput>, InputFailure> {
        match &self.source {
            SourceKind::Pattern { width, height, fps } => Ok(Box::new(PatternInput::new(
                settings.width.unwrap_or(*width),
                settings.height.unwrap_or(*height),
                settings.frame_rate.map_or(*fps, |f| f.round() as u32),
            ))),
            _ => Err(InputFailure(format!("{} is not a camera", self.info.label))),
        }
    }

    /// Opens a microphone with `settings` (the rate and channels SelectSettings chose).
    pub fn open(&self, settings: &MediaTrackSettings) -> Result<Box<dyn AudioInput>, InputFailure> {
        let rate = settings.sample_rate.unwrap_or(48_000);
        let channels = settings.channel_count.unwrap_or(2).clamp(1, 8) as u16;
        let label = self.info.label.as_str();
        Ok(match &self.source {
            SourceKind::Tone(hz) => {
                Box::new(SynthInput::new(Tone::new(*hz, rate, channels), label))
            }
            SourceKind::Noise => {
                Box::new(SynthInput::new(Noise::new(0x5eed, rate, channels), label))
            }
            SourceKind::Sweep => Box::new(SynthInput::new(
                Sweep::new(20.0, 20_000.0, Duration::from_secs(10), rate, channels),
                label,
            )),
            SourceKind::Wav { path, realtime } => Box::new(WavInput::open(path, *realtime)?),
            #[cfg(feature = "cpal")]
            SourceKind::Microphone(id) => Box::new(
                crate::open_microphone(id, &crate::constraints_for(settings))
                    .map_err(|e| InputFailure(format!("{}: {e}", e.dom_name())))?,
            ),
            SourceKind::Pattern { .. } => {
                return Err(InputFailure(format!("{} is not a microphone", self.info.label)));
            }
        })
    }
}

/// `navigator.mediaDevices`: a list of devices, the first of each kind being the default.
///
/// ```
/// use mediarec::MediaDevices;
/// let devices = MediaDevices::synthetic();
/// let ids: Vec<String> = devices.enumerate_devices().into_iter().map(|d| d.device_id).collect();
/// assert_eq!(ids[0], "synthetic:tone");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MediaDevices {
    devices: Vec<Device>,
}

impl MediaDevices {
    /// The microphones cpal finds (the system default first), then the synthetic sources:
    /// the first audio device is the default one, so the tone stands in where there is no
    /// microphone.
    pub fn system() -> Self {
        #[allow(unused_mut)]
        let mut devices: Vec<Device> = Vec::new();
        #[cfg(feature = "cpal")]
        devices.extend(
            crate::microphones()
                .unwrap_or_default()
                .iter()
                .filter_map(|d| Device::microphone(d).ok()),
        );
        devices.extend(Self::synthetic().devices);
        MediaDevices { devices }
    }

    /// The built-in synthetic sources: tone (the default microphone), noise, sweep, and
    /// the test pattern (a 640x480@30 camera).
    pub fn synthetic() -> Self {
        MediaDevices {
            devices: vec![
                Device::tone(440.0),
                Device::noise(),
                Device::sweep(),
                Device::pattern(640, 480, 30),
            ],
        }
    }

    /// Exactly these devices, the first being the default.
    pub fn from_devices(devices: Vec<Device>) -> Self {
        MediaDevices { devices }
    }

    /// The devices.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// `enumerateDevices()`.
    pub fn enumerate_devices(&self) -> Vec<MediaDeviceInfo> {
        self.devices.iter().map(|d| d.info.to_media_device_info()).collect()
    }

    /// Takes `now` (a fresh enumeration, e.g. [`MediaDevices::system`]) as the device list
    /// and returns the `devicechange` event when the set of devices changed: the new list,
    /// and which devices came and went. Poll it to watch for plugged and unplugged devices.
    ///
    /// ```
    /// use mediarec::{Device, MediaDevices};
    /// let mut devices = MediaDevices::from_devices(vec![Device::tone(440.0)]);
    /// let plugged = MediaDevices::from_devices(vec![Device::tone(440.0), Device::noise()]);
    /// let change = devices.refresh(plugged).expect("a device was added");
    /// assert_eq!(change.added[0].device_id, "synthetic:noise");
    /// assert!(devices.refresh(MediaDevices::from_devices(devices.devices().to_vec())).is_none());
    /// ```
    pub fn refresh(&mut self, now: MediaDevices) -> Option<DeviceChange> {
        let change = diff_devices(&self.enumerate_devices(), &now.enumerate_devices());
        self.devices = now.devices;
        change
    }

    /// `getUserMedia(constraints)`: picks a device and its settings with SelectSettings,
    /// opens it, and returns the stream. Fails with the spec's
    /// errors: TypeError (nothing requested), NotFoundError, OverconstrainedError (naming
    /// the constraint), NotReadableError (the device would not open).
    pub fn get_user_media(
        &self,
        constraints: &MediaStreamConstraints,
    ) -> Result<MediaStream, CaptureError> {
        let infos: Vec<InputDeviceInfo> = self.devices.iter().map(|d| d.info.clone()).collect();
        let selection = select_devices(constraints, &infos)?;
        let not_found = |kind: MediaKind| CaptureError::NotFound {
            message: format!("no {} input device", kind.as_str()),
        };
        let unreadable = |e: InputFailure| CaptureError::NotReadable { message: e.to_string() };
        let mut stream = MediaStream::new();
        if let Some(audio) = selection.audio {
            let device =
                self.devices.get(audio.device).ok_or_else(|| not_found(MediaKind::Audio))?;
            stream.add_audio(device.open(&audio.settings).map_err(unreadable)?);
        }
        if let Some(video) = selection.video {
            let device =
                self.devices.get(video.device).ok_or_else(|| not_found(MediaKind::Video))?;
            stream.add_video(device.open_video(&video.settings).map_err(unreadable)?);
        }
        Ok(stream)
    }
}
