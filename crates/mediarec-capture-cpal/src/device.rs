//! Devices as `enumerateDevices()` describes them, and what each can capture.

use cpal::SampleFormat;
use cpal::traits::{DeviceTrait, HostTrait};

use crate::error::CaptureError;
use crate::negotiate::{ConfigRange, is_pcm};

/// A capture device, as a `MediaDeviceInfo` of kind `"audioinput"`.
///
/// `device_id` and `group_id` are derived from the host and the backend's own device
/// identifier only, so they stay the same across runs and do not depend on the order in
/// which devices are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Always `"audioinput"`.
    pub kind: &'static str,
    /// `deviceId`: 16 hex digits, stable across runs.
    pub device_id: String,
    /// `label`: the name the backend gives the device.
    pub label: String,
    /// `groupId`: devices of the same physical card share it.
    pub group_id: String,
    /// The cpal host it belongs to (`"alsa"`, `"pulseaudio"`, `"wasapi"`, …).
    pub host: String,
    /// The backend's identifier (cpal's `DeviceId`, e.g. `alsa:default`), also accepted
    /// when opening.
    pub backend_id: String,
    /// True for the host's default input device.
    pub is_default: bool,
}

/// What a device can deliver (`getCapabilities()`), from its supported configurations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Every supported family of configurations, DSD formats left out.
    pub configs: Vec<ConfigRange>,
}

impl Capabilities {
    /// `sampleRate` as (min, max) Hz.
    ///
    /// ```
    /// use cpal::SampleFormat;
    /// use mediarec_capture_cpal::{Capabilities, ConfigRange};
    /// let caps = Capabilities { configs: vec![
    ///     ConfigRange { channels: 1, min_rate: 8_000, max_rate: 48_000, format: SampleFormat::I16, buffer_frames: None },
    ///     ConfigRange { channels: 2, min_rate: 44_100, max_rate: 96_000, format: SampleFormat::F32, buffer_frames: None },
    /// ]};
    /// assert_eq!(caps.sample_rate(), Some((8_000, 96_000)));
    /// assert_eq!(caps.channel_count(), Some((1, 2)));
    /// assert_eq!(caps.sample_sizes(), [16, 32]);
    /// ```
    pub fn sample_rate(&self) -> Option<(u32, u32)> {
        let min = self.configs.iter().map(|c| c.min_rate.min(c.max_rate)).min()?;
        let max = self.configs.iter().map(|c| c.max_rate.max(c.min_rate)).max()?;
        Some((min, max))
    }

    /// `channelCount` as (min, max).
    pub fn channel_count(&self) -> Option<(u16, u16)> {
        let min = self.configs.iter().map(|c| c.channels).min()?;
        let max = self.configs.iter().map(|c| c.channels).max()?;
        Some((min, max))
    }

    /// The sample formats offered, each once, in the order first seen.
    pub fn sample_formats(&self) -> Vec<SampleFormat> {
        let mut out: Vec<SampleFormat> = Vec::new();
        for c in &self.configs {
            if !out.contains(&c.format) {
                out.push(c.format);
            }
        }
        out
    }

    /// `sampleSize` values in bits, ascending, each once.
    pub fn sample_sizes(&self) -> Vec<u16> {
        let mut out: Vec<u16> = self
            .configs
            .iter()
            .filter_map(|c| u16::try_from(c.format.bits_per_sample()).ok())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// FNV-1a, 64 bits: a hash whose output is fixed by its definition, unlike std's hasher.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The `deviceId` for a backend device.
///
/// ```
/// use mediarec_capture_cpal::device_id;
/// assert_eq!(device_id("alsa", "alsa:pulse"), device_id("alsa", "alsa:pulse"));
/// assert_ne!(device_id("alsa", "alsa:pulse"), device_id("alsa", "alsa:default"));
/// assert_eq!(device_id("alsa", "alsa:pulse").len(), 16);
/// ```
pub fn device_id(host: &str, backend_id: &str) -> String {
    format!("{:016x}", fnv1a(&["deviceId", host, backend_id]))
}

/// The `groupId` for a backend device: ALSA names carry their card (`CARD=PCH`), so every
/// PCM of one card shares a group; other devices form a group of their own.
///
/// ```
/// use mediarec_capture_cpal::group_id;
/// assert_eq!(group_id("alsa", "alsa:hw:CARD=PCH,DEV=0"), group_id("alsa", "alsa:plughw:CARD=PCH,DEV=2"));
/// assert_ne!(group_id("alsa", "alsa:hw:CARD=PCH,DEV=0"), group_id("alsa", "alsa:hw:CARD=USB,DEV=0"));
/// ```
pub fn group_id(host: &str, backend_id: &str) -> String {
    let card =
        backend_id.split_once("CARD=").map(|(_, rest)| rest.split(',').next().unwrap_or(rest));
    let key = card.unwrap_or(backend_id);
    format!("{:016x}", fnv1a(&["groupId", host, key]))
}

/// ALSA lists its helper plugins next to real devices: rate converters, channel mixers and
/// `null` (endless silence). None of them is a microphone of its own.
const ALSA_HELPERS: &[&str] =
    &["null", "lavrate", "samplerate", "speexrate", "speex", "upmix", "vdownmix"];

/// True for listed devices that are not capture devices (see [`ALSA_HELPERS`]).
fn is_helper(host: &str, backend_id: &str) -> bool {
    host == "alsa" && backend_id.split_once(':').is_some_and(|(_, pcm)| ALSA_HELPERS.contains(&pcm))
}

/// Describes one cpal device; `None` when it cannot name itself (unplugged meanwhile).
fn describe(host: &cpal::Host, device: &cpal::Device, default: Option<&str>) -> Option<DeviceInfo> {
    let host_name = host.id().to_string();
    let backend_id = device.id().ok()?.to_string();
    let label =
        device.description().map(|d| d.name().to_string()).unwrap_or_else(|_| backend_id.clone());
    Some(DeviceInfo {
        kind: "audioinput",
        device_id: device_id(&host_name, &backend_id),
        group_id: group_id(&host_name, &backend_id),
        is_default: default == Some(backend_id.as_str()),
        label,
        host: host_name,
        backend_id,
    })
}

/// Every input device of every available host, the default input of the default host
/// first; ALSA's helper plugins (rate converters, mixers, `null`) are left out. Listing does
/// not open devices (some ALSA plugins misbehave when probed);
/// [`DeviceInfo::capabilities`] does.
pub fn devices() -> Result<Vec<DeviceInfo>, CaptureError> {
    let mut out = Vec::new();
    let mut first_error = None;
    for id in cpal::available_hosts() {
        let host = match cpal::host_from_id(id) {
            Ok(h) => h,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        let default = host.default_input_device().and_then(|d| d.id().ok()).map(|d| d.to_string());
        let list = match host.input_devices() {
            Ok(list) => list,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        for d in list {
            if let Some(info) = describe(&host, &d, default.as_deref())
                && !is_helper(&info.host, &info.backend_id)
                && !out.iter().any(|o: &DeviceInfo| o.device_id == info.device_id)
            {
                out.push(info);
            }
        }
    }
    if out.is_empty()
        && let Some(e) = first_error
    {
        return Err(CaptureError::Backend { context: "listing devices", source: e });
    }
    let default_host = cpal::default_host().id().to_string();
    // Stable sort: the default input of the default host first, then the listing order.
    out.sort_by_key(|d| !(d.is_default && d.host == default_host));
    Ok(out)
}

/// Finds the device `selector` names: a `deviceId`, a backend id (`alsa:pulse` or just
/// `pulse`), an exact label, or else a case-insensitive part of a label. `None` selects the
/// default input device.
pub(crate) fn find(selector: Option<&str>) -> Result<(cpal::Device, DeviceInfo), CaptureError> {
    let list = devices()?;
    let info = match selector {
        None => {
            list.iter().find(|d| d.is_default).or(list.first()).ok_or(CaptureError::NoDevice)?
        }
        Some(sel) => {
            let lower = sel.to_lowercase();
            let exact = |d: &&DeviceInfo| {
                d.device_id == sel
                    || d.backend_id == sel
                    || d.backend_id.split_once(':').is_some_and(|(_, id)| id == sel)
                    || d.label == sel
            };
            list.iter()
                .find(exact)
                .or_else(|| list.iter().find(|d| d.label.to_lowercase().contains(&lower)))
                .ok_or_else(|| CaptureError::NotFound(sel.to_string()))?
        }
    };
    let device = lookup(info)?;
    Ok((device, info.clone()))
}

/// The cpal device behind `info`.
pub(crate) fn lookup(info: &DeviceInfo) -> Result<cpal::Device, CaptureError> {
    let id: cpal::DeviceId =
        info.backend_id.parse().map_err(|_| CaptureError::NotFound(info.backend_id.clone()))?;
    let host = cpal::host_from_id(id.host())
        .map_err(|e| CaptureError::Backend { context: "opening the host", source: e })?;
    host.device_by_id(&id).ok_or_else(|| CaptureError::NotFound(info.label.clone()))
}

impl DeviceInfo {
    /// What the device can capture. Opens the device briefly to ask.
    pub fn capabilities(&self) -> Result<Capabilities, CaptureError> {
        let device = lookup(self)?;
        capabilities_of(&device)
    }
}

pub(crate) fn capabilities_of(device: &cpal::Device) -> Result<Capabilities, CaptureError> {
    let configs = device
        .supported_input_configs()
        .map_err(|e| CaptureError::Backend {
            context: "asking what the device supports",
            source: e,
        })?
        .map(|r| ConfigRange::from_cpal(&r))
        .filter(|r| is_pcm(r.format))
        .collect();
    Ok(Capabilities { configs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fixed_by_definition() {
        // FNV-1a of the empty input is its offset basis; these values must never change,
        // or saved device choices would stop matching.
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(device_id("alsa", "alsa:default"), device_id("alsa", "alsa:default"));
        assert_ne!(device_id("alsa", "alsa:default"), device_id("jack", "alsa:default"));
        assert_ne!(device_id("alsa", "x"), group_id("alsa", "x"));
        // Separators keep ("ab", "c") and ("a", "bc") apart.
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn alsa_helpers_are_not_microphones() {
        assert!(is_helper("alsa", "alsa:null"));
        assert!(is_helper("alsa", "alsa:speexrate"));
        assert!(!is_helper("alsa", "alsa:pulse"));
        assert!(!is_helper("alsa", "alsa:hw:CARD=PCH,DEV=0"));
        assert!(!is_helper("jack", "jack:null"));
    }

    #[test]
    fn group_ids_follow_the_card() {
        let g = |id| group_id("alsa", id);
        assert_eq!(g("alsa:hw:CARD=PCH,DEV=0"), g("alsa:sysdefault:CARD=PCH"));
        assert_ne!(g("alsa:pulse"), g("alsa:default"));
        assert_eq!(g("alsa:pulse"), g("alsa:pulse"));
    }

    #[test]
    fn capabilities_summarise_ranges() {
        let r = |channels, min_rate, max_rate, format| ConfigRange {
            channels,
            min_rate,
            max_rate,
            format,
            buffer_frames: None,
        };
        let caps = Capabilities {
            configs: vec![
                r(2, 44_100, 44_100, SampleFormat::F32),
                r(1, 8_000, 192_000, SampleFormat::I16),
                r(6, 48_000, 48_000, SampleFormat::F32),
            ],
        };
        assert_eq!(caps.sample_rate(), Some((8_000, 192_000)));
        assert_eq!(caps.channel_count(), Some((1, 6)));
        assert_eq!(caps.sample_formats(), [SampleFormat::F32, SampleFormat::I16]);
        assert_eq!(caps.sample_sizes(), [16, 32]);
        let none = Capabilities::default();
        assert_eq!((none.sample_rate(), none.channel_count()), (None, None));
    }
}
