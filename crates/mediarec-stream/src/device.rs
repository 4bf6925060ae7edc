//! Devices: `MediaDeviceInfo`, `InputDeviceInfo` with the modes a source offers, the
//! enumerateDevices list and `devicechange` diffs (spec C.10, C.11).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use mediarec_core::MediaKind;

use crate::settings::{BoolOrString, DoubleRange, MediaTrackCapabilities, ULongRange};

/// `MediaDeviceKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum MediaDeviceKind {
    /// `"audioinput"`: a microphone.
    AudioInput,
    /// `"videoinput"`: a camera.
    VideoInput,
    /// `"audiooutput"`: a speaker.
    AudioOutput,
}

impl MediaDeviceKind {
    /// The web name.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaDeviceKind::AudioInput => "audioinput",
            MediaDeviceKind::VideoInput => "videoinput",
            MediaDeviceKind::AudioOutput => "audiooutput",
        }
    }

    /// The input kind for a track kind.
    pub const fn input(kind: MediaKind) -> Self {
        match kind {
            MediaKind::Audio => MediaDeviceKind::AudioInput,
            MediaKind::Video => MediaDeviceKind::VideoInput,
        }
    }
}

/// `MediaDeviceInfo`: what `enumerateDevices()` lists for each device.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct MediaDeviceInfo {
    /// Unique per device and kind, stable across runs.
    pub device_id: String,
    /// Input or output, audio or video.
    pub kind: MediaDeviceKind,
    /// Human-readable name, or `""`.
    pub label: String,
    /// Shared by the devices of one physical device.
    pub group_id: String,
}

/// A capability range with the value the device prefers (its native or default value).
///
/// The preferred value is the first candidate SelectSettings considers, so ties go to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange<T> {
    /// Smallest value.
    pub min: T,
    /// Largest value.
    pub max: T,
    /// The device's own choice; clamped into `min..=max` when used.
    pub preferred: T,
}

impl<T: Copy> ValueRange<T> {
    /// A single value.
    pub const fn fixed(v: T) -> Self {
        ValueRange { min: v, max: v, preferred: v }
    }

    /// A range with a preferred value.
    pub const fn new(min: T, max: T, preferred: T) -> Self {
        ValueRange { min, max, preferred }
    }
}

/// One way an audio source can run. Ranges mean the device (or a resampler/mixer behind
/// it) can produce any value in between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AudioMode {
    /// Samples per second.
    pub sample_rate: ValueRange<u32>,
    /// Channels.
    pub channel_count: ValueRange<u32>,
    /// Bits per linear sample.
    pub sample_size: ValueRange<u32>,
    /// Latency in seconds, when the backend knows it.
    pub latency: Option<ValueRange<f64>>,
}

impl AudioMode {
    /// A mode with single values and unknown latency.
    pub const fn fixed(sample_rate: u32, channel_count: u32, sample_size: u32) -> Self {
        AudioMode {
            sample_rate: ValueRange::fixed(sample_rate),
            channel_count: ValueRange::fixed(channel_count),
            sample_size: ValueRange::fixed(sample_size),
            latency: None,
        }
    }
}

/// One native mode of a video source. With `resizeMode: "crop-and-scale"` the UA may
/// also deliver any smaller size and any lower frame rate from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoMode {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second.
    pub frame_rate: f64,
}

impl VideoMode {
    /// A native mode.
    pub const fn new(width: u32, height: u32, frame_rate: f64) -> Self {
        VideoMode { width, height, frame_rate }
    }
}

/// The lowest frame rate crop-and-scale decimates to.
pub(crate) const MIN_DECIMATED_FRAME_RATE: f64 = 1.0;

/// `width / height` rounded to 10 decimals, as the `aspectRatio` setting is defined.
pub(crate) fn aspect_ratio(width: u32, height: u32) -> f64 {
    if height == 0 {
        return 0.0;
    }
    let r = f64::from(width) / f64::from(height);
    // Rounding to 10 decimals without libm: values are small (< 2^32), so the scaled
    // number fits an i64 exactly enough.
    let scaled = r * 1e10;
    let rounded = if scaled >= 0.0 { (scaled + 0.5) as i64 } else { (scaled - 0.5) as i64 };
    rounded as f64 / 1e10
}

/// `InputDeviceInfo`: a capture device (or any other source, such as a synthetic tone)
/// with everything SelectSettings needs to know about it.
///
/// Lists of toggles (`echo_cancellation`, …) give the values the source supports, the
/// preferred one first; an empty list means the property does not exist for the source.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDeviceInfo {
    /// Audio or video.
    pub kind: MediaKind,
    /// `deviceId`.
    pub device_id: String,
    /// `label` (also the label of tracks from this source).
    pub label: String,
    /// `groupId`.
    pub group_id: String,
    /// Audio modes, the device default first (ignored for video).
    pub audio_modes: Vec<AudioMode>,
    /// Native video modes, the device default first (ignored for audio).
    pub video_modes: Vec<VideoMode>,
    /// `facingMode` of a camera (`"user"`, `"environment"`, …), if known.
    pub facing_mode: Option<String>,
    /// Video: the UA may crop, downscale and decimate (`resizeMode: "crop-and-scale"`).
    pub crop_and_scale: bool,
    /// Supported `echoCancellation` values.
    pub echo_cancellation: Vec<BoolOrString>,
    /// Supported `autoGainControl` values.
    pub auto_gain_control: Vec<bool>,
    /// Supported `noiseSuppression` values.
    pub noise_suppression: Vec<bool>,
    /// Supported `voiceIsolation` values.
    pub voice_isolation: Vec<bool>,
    /// Supported `backgroundBlur` values.
    pub background_blur: Vec<bool>,
}

impl InputDeviceInfo {
    /// A microphone with the given modes and no audio processing (`echoCancellation`,
    /// `autoGainControl`, `noiseSuppression` and `voiceIsolation` are `[false]`).
    ///
    /// ```
    /// use mediarec_stream::{AudioMode, InputDeviceInfo, ValueRange};
    /// let mic = InputDeviceInfo::microphone("mic-1", "USB microphone", "usb-1", vec![AudioMode {
    ///     sample_rate: ValueRange::new(8_000, 48_000, 48_000),
    ///     channel_count: ValueRange::new(1, 2, 2),
    ///     sample_size: ValueRange::fixed(16),
    ///     latency: None,
    /// }]);
    /// let caps = mic.get_capabilities();
    /// assert_eq!(caps.channel_count.unwrap().max, 2);
    /// assert_eq!(caps.device_id.as_deref(), Some("mic-1"));
    /// ```
    pub fn microphone(device_id: &str, label: &str, group_id: &str, modes: Vec<AudioMode>) -> Self {
        InputDeviceInfo {
            kind: MediaKind::Audio,
            device_id: String::from(device_id),
            label: String::from(label),
            group_id: String::from(group_id),
            audio_modes: modes,
            video_modes: Vec::new(),
            facing_mode: None,
            crop_and_scale: false,
            echo_cancellation: vec![BoolOrString::Bool(false)],
            auto_gain_control: vec![false],
            noise_suppression: vec![false],
            voice_isolation: vec![false],
            background_blur: Vec::new(),
        }
    }

    /// A camera with the given native modes that supports crop-and-scale.
    pub fn camera(device_id: &str, label: &str, group_id: &str, modes: Vec<VideoMode>) -> Self {
        InputDeviceInfo {
            kind: MediaKind::Video,
            device_id: String::from(device_id),
            label: String::from(label),
            group_id: String::from(group_id),
            audio_modes: Vec::new(),
            video_modes: modes,
            facing_mode: None,
            crop_and_scale: true,
            echo_cancellation: Vec::new(),
            auto_gain_control: Vec::new(),
            noise_suppression: Vec::new(),
            voice_isolation: Vec::new(),
            background_blur: Vec::new(),
        }
    }

    /// The `MediaDeviceInfo` part.
    pub fn to_media_device_info(&self) -> MediaDeviceInfo {
        MediaDeviceInfo {
            device_id: self.device_id.clone(),
            kind: MediaDeviceKind::input(self.kind),
            label: self.label.clone(),
            group_id: self.group_id.clone(),
        }
    }

    /// `InputDeviceInfo.getCapabilities()`: the aggregate of all modes (what the first
    /// track from this device would report).
    pub fn get_capabilities(&self) -> MediaTrackCapabilities {
        let mut c = MediaTrackCapabilities {
            device_id: Some(self.device_id.clone()),
            group_id: Some(self.group_id.clone()),
            ..MediaTrackCapabilities::default()
        };
        let list = |v: &Vec<bool>| (!v.is_empty()).then(|| v.clone());
        match self.kind {
            MediaKind::Audio => {
                let m = &self.audio_modes;
                c.sample_rate = ulong_span(m.iter().map(|a| a.sample_rate));
                c.channel_count = ulong_span(m.iter().map(|a| a.channel_count));
                c.sample_size = ulong_span(m.iter().map(|a| a.sample_size));
                c.latency = double_span(m.iter().filter_map(|a| a.latency));
                c.echo_cancellation =
                    (!self.echo_cancellation.is_empty()).then(|| self.echo_cancellation.clone());
                c.auto_gain_control = list(&self.auto_gain_control);
                c.noise_suppression = list(&self.noise_suppression);
                c.voice_isolation = list(&self.voice_isolation);
            }
            MediaKind::Video => {
                let m = &self.video_modes;
                let crop = self.crop_and_scale;
                c.width =
                    ulong_span(m.iter().map(|v| {
                        ValueRange::new(if crop { 1 } else { v.width }, v.width, v.width)
                    }));
                c.height =
                    ulong_span(m.iter().map(|v| {
                        ValueRange::new(if crop { 1 } else { v.height }, v.height, v.height)
                    }));
                c.aspect_ratio = double_span(m.iter().map(|v| {
                    let native = aspect_ratio(v.width, v.height);
                    if crop {
                        ValueRange::new(
                            aspect_ratio(1, v.height.max(1)),
                            aspect_ratio(v.width.max(1), 1),
                            native,
                        )
                    } else {
                        ValueRange::fixed(native)
                    }
                }));
                c.frame_rate = double_span(m.iter().map(|v| {
                    let lo = if crop {
                        v.frame_rate.min(MIN_DECIMATED_FRAME_RATE)
                    } else {
                        v.frame_rate
                    };
                    ValueRange::new(lo, v.frame_rate, v.frame_rate)
                }));
                c.facing_mode = Some(self.facing_mode.iter().cloned().collect());
                let mut modes = vec![String::from("none")];
                if crop {
                    modes.push(String::from("crop-and-scale"));
                }
                c.resize_mode = Some(modes);
                c.background_blur = list(&self.background_blur);
            }
        }
        c
    }
}

fn ulong_span(it: impl Iterator<Item = ValueRange<u32>>) -> Option<ULongRange> {
    it.fold(None, |acc: Option<ULongRange>, r| {
        let (lo, hi) = (r.min.min(r.max), r.min.max(r.max));
        Some(match acc {
            None => ULongRange { min: lo, max: hi },
            Some(a) => ULongRange { min: a.min.min(lo), max: a.max.max(hi) },
        })
    })
}

fn double_span(it: impl Iterator<Item = ValueRange<f64>>) -> Option<DoubleRange> {
    it.fold(None, |acc: Option<DoubleRange>, r| {
        let (lo, hi) = (r.min.min(r.max), r.min.max(r.max));
        Some(match acc {
            None => DoubleRange { min: lo, max: hi },
            Some(a) => DoubleRange { min: a.min.min(lo), max: a.max.max(hi) },
        })
    })
}

/// What a document may see of the devices (spec C.10 exposure checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exposure {
    /// Microphone information can be exposed.
    pub microphone: bool,
    /// Camera information can be exposed.
    pub camera: bool,
    /// The exposure decision for other devices (speakers) says yes.
    pub speakers: bool,
}

/// "Creating a list of device info objects" for `enumerateDevices()`.
///
/// `devices` lists every device with the system default of each kind first. The result
/// holds microphones, then cameras, then (only if exposed) speakers with a `"default"`
/// copy of the default speaker in front. A kind whose information cannot be exposed is
/// reduced to one entry with empty `deviceId`, `label` and `groupId`.
///
/// ```
/// use mediarec_stream::{enumerate_devices, Exposure, MediaDeviceInfo, MediaDeviceKind};
/// let mic = |id: &str| MediaDeviceInfo { device_id: id.into(), kind: MediaDeviceKind::AudioInput,
///     label: "Mic".into(), group_id: "g".into() };
/// let before = enumerate_devices(&[mic("a"), mic("b")], Exposure::default());
/// assert_eq!(before.len(), 1);
/// assert_eq!(before[0].device_id, "");
/// let after = enumerate_devices(&[mic("a"), mic("b")],
///     Exposure { microphone: true, ..Exposure::default() });
/// assert_eq!(after.len(), 2);
/// ```
pub fn enumerate_devices(devices: &[MediaDeviceInfo], exposure: Exposure) -> Vec<MediaDeviceInfo> {
    let mut out = Vec::new();
    for (kind, exposed) in [
        (MediaDeviceKind::AudioInput, exposure.microphone),
        (MediaDeviceKind::VideoInput, exposure.camera),
    ] {
        let mut of_kind = devices.iter().filter(|d| d.kind == kind);
        if exposed {
            out.extend(of_kind.cloned());
        } else if of_kind.next().is_some() {
            out.push(MediaDeviceInfo {
                device_id: String::new(),
                kind,
                label: String::new(),
                group_id: String::new(),
            });
        }
    }
    if exposure.speakers {
        let mut speakers = devices.iter().filter(|d| d.kind == MediaDeviceKind::AudioOutput);
        if let Some(first) = speakers.next() {
            out.push(MediaDeviceInfo { device_id: String::from("default"), ..first.clone() });
            out.push(first.clone());
            out.extend(speakers.cloned());
        }
    }
    out
}

/// A `devicechange`: the new list and what appeared or disappeared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceChange {
    /// `DeviceChangeEvent.devices`: the new list.
    pub devices: Vec<MediaDeviceInfo>,
    /// Devices (by kind and deviceId) not in the old list; `userInsertedDevices`.
    pub added: Vec<MediaDeviceInfo>,
    /// Devices (by kind and deviceId) no longer present.
    pub removed: Vec<MediaDeviceInfo>,
}

/// Compares two device lists. `None` when they are identical (same entries, same order):
/// no `devicechange` is fired then. A changed label or order alone is still a change.
///
/// ```
/// use mediarec_stream::{diff_devices, MediaDeviceInfo, MediaDeviceKind};
/// let cam = MediaDeviceInfo { device_id: "c".into(), kind: MediaDeviceKind::VideoInput,
///     label: "Cam".into(), group_id: "g".into() };
/// assert!(diff_devices(&[], &[]).is_none());
/// let change = diff_devices(&[], &[cam.clone()]).unwrap();
/// assert_eq!(change.added, [cam]);
/// ```
pub fn diff_devices(old: &[MediaDeviceInfo], new: &[MediaDeviceInfo]) -> Option<DeviceChange> {
    if old == new {
        return None;
    }
    let same =
        |a: &MediaDeviceInfo, b: &MediaDeviceInfo| a.kind == b.kind && a.device_id == b.device_id;
    Some(DeviceChange {
        devices: new.to_vec(),
        added: new.iter().filter(|n| !old.iter().any(|o| same(o, n))).cloned().collect(),
        removed: old.iter().filter(|o| !new.iter().any(|n| same(o, n))).cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, kind: MediaDeviceKind) -> MediaDeviceInfo {
        MediaDeviceInfo {
            device_id: id.into(),
            kind,
            label: alloc::format!("{id} label"),
            group_id: "g".into(),
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(MediaDeviceKind::input(MediaKind::Audio).as_str(), "audioinput");
        assert_eq!(MediaDeviceKind::input(MediaKind::Video).as_str(), "videoinput");
        assert_eq!(MediaDeviceKind::AudioOutput.as_str(), "audiooutput");
    }

    #[test]
    fn aspect_ratio_rounds_to_ten_decimals() {
        assert_eq!(aspect_ratio(1280, 720), 1.777_777_777_8);
        assert_eq!(aspect_ratio(640, 480), 1.333_333_333_3);
        assert_eq!(aspect_ratio(1, 0), 0.0);
    }

    #[test]
    fn microphone_capabilities() {
        let mic = InputDeviceInfo::microphone(
            "m",
            "Mic",
            "g",
            vec![
                AudioMode::fixed(44_100, 2, 16),
                AudioMode {
                    latency: Some(ValueRange::new(0.01, 0.02, 0.01)),
                    ..AudioMode::fixed(48_000, 1, 24)
                },
            ],
        );
        let c = mic.get_capabilities();
        assert_eq!(c.sample_rate, Some(ULongRange { min: 44_100, max: 48_000 }));
        assert_eq!(c.channel_count, Some(ULongRange { min: 1, max: 2 }));
        assert_eq!(c.sample_size, Some(ULongRange { min: 16, max: 24 }));
        assert_eq!(c.latency, Some(DoubleRange { min: 0.01, max: 0.02 }));
        assert_eq!(c.echo_cancellation, Some(vec![BoolOrString::Bool(false)]));
        assert_eq!(c.width, None);
        assert_eq!(mic.to_media_device_info().kind, MediaDeviceKind::AudioInput);
    }

    #[test]
    fn camera_capabilities() {
        let mut cam = InputDeviceInfo::camera(
            "c",
            "Cam",
            "g",
            vec![VideoMode::new(1280, 720, 30.0), VideoMode::new(640, 480, 60.0)],
        );
        let c = cam.get_capabilities();
        assert_eq!(c.width, Some(ULongRange { min: 1, max: 1280 }));
        assert_eq!(c.height, Some(ULongRange { min: 1, max: 720 }));
        assert_eq!(c.frame_rate, Some(DoubleRange { min: 1.0, max: 60.0 }));
        assert_eq!(c.resize_mode.as_deref(), Some(&["none".into(), "crop-and-scale".into()][..]));
        assert_eq!(c.facing_mode, Some(vec![]));
        assert_eq!(c.sample_rate, None);
        cam.crop_and_scale = false;
        cam.facing_mode = Some("user".into());
        let c = cam.get_capabilities();
        assert_eq!(c.width, Some(ULongRange { min: 640, max: 1280 }));
        assert_eq!(
            c.aspect_ratio,
            Some(DoubleRange { min: 1.333_333_333_3, max: 1.777_777_777_8 })
        );
        assert_eq!(c.resize_mode.as_deref(), Some(&["none".into()][..]));
        assert_eq!(c.facing_mode, Some(vec!["user".into()]));
    }

    #[test]
    fn enumerate_order_and_exposure() {
        let devices = [
            info("spk", MediaDeviceKind::AudioOutput),
            info("cam", MediaDeviceKind::VideoInput),
            info("mic1", MediaDeviceKind::AudioInput),
            info("mic2", MediaDeviceKind::AudioInput),
        ];
        let all = enumerate_devices(
            &devices,
            Exposure { microphone: true, camera: true, speakers: true },
        );
        let ids: Vec<&str> = all.iter().map(|d| d.device_id.as_str()).collect();
        assert_eq!(ids, ["mic1", "mic2", "cam", "default", "spk"]);
        let none = enumerate_devices(&devices, Exposure::default());
        assert_eq!(none.len(), 2, "one masked entry per input kind, no speakers");
        assert!(none.iter().all(|d| d.device_id.is_empty() && d.label.is_empty()));
        assert!(enumerate_devices(&[], Exposure::default()).is_empty());
    }

    #[test]
    fn device_diffs() {
        let a = info("a", MediaDeviceKind::AudioInput);
        let b = info("b", MediaDeviceKind::AudioInput);
        assert!(diff_devices(&[a.clone(), b.clone()], &[a.clone(), b.clone()]).is_none());
        let ch = diff_devices(&[a.clone(), b.clone()], core::slice::from_ref(&b)).unwrap();
        assert_eq!(ch.removed, core::slice::from_ref(&a));
        assert!(ch.added.is_empty());
        let reordered = diff_devices(&[a.clone(), b.clone()], &[b.clone(), a.clone()]).unwrap();
        assert!(reordered.added.is_empty() && reordered.removed.is_empty());
        let mut renamed = a.clone();
        renamed.label = "new".into();
        let ch = diff_devices(&[a], &[renamed.clone()]).unwrap();
        assert_eq!(ch.devices, [renamed]);
    }
}
