//! `MediaTrackSettings` and `MediaTrackCapabilities`: what a track is doing and what its
//! source could do.

use alloc::string::String;
use alloc::vec::Vec;

use crate::property::Property;

/// A value that is either a boolean or a string (the `echoCancellation` type: `true`,
/// `false`, `"all"`, `"remote-only"`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum BoolOrString {
    /// A boolean.
    Bool(bool),
    /// A string.
    String(String),
}

impl From<bool> for BoolOrString {
    fn from(b: bool) -> Self {
        BoolOrString::Bool(b)
    }
}

impl From<&str> for BoolOrString {
    fn from(s: &str) -> Self {
        BoolOrString::String(String::from(s))
    }
}

/// A borrowed view of one setting, typed by the property's [`ValueType`](crate::ValueType).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingValue<'a> {
    /// An `unsigned long` setting.
    ULong(u32),
    /// A `double` setting.
    Double(f64),
    /// A string setting.
    Str(&'a str),
    /// A boolean setting.
    Bool(bool),
}

impl<'a> From<&'a BoolOrString> for SettingValue<'a> {
    fn from(v: &'a BoolOrString) -> Self {
        match v {
            BoolOrString::Bool(b) => SettingValue::Bool(*b),
            BoolOrString::String(s) => SettingValue::Str(s),
        }
    }
}

/// `MediaTrackSettings`: one value per property the track has (absent = `None`).
///
/// A *settings dictionary* in the constrainable pattern is one of these.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[allow(missing_docs)] // one member per property, named after it
pub struct MediaTrackSettings {
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub width: Option<u32>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub height: Option<u32>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub aspect_ratio: Option<f64>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub frame_rate: Option<f64>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub facing_mode: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub resize_mode: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub background_blur: Option<bool>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub sample_rate: Option<u32>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub sample_size: Option<u32>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub echo_cancellation: Option<BoolOrString>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub auto_gain_control: Option<bool>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub noise_suppression: Option<bool>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub voice_isolation: Option<bool>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub latency: Option<f64>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub channel_count: Option<u32>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub device_id: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub group_id: Option<String>,
}

impl MediaTrackSettings {
    /// The value of `p`, if present.
    pub fn get(&self, p: Property) -> Option<SettingValue<'_>> {
        match p {
            Property::Width => self.width.map(SettingValue::ULong),
            Property::Height => self.height.map(SettingValue::ULong),
            Property::AspectRatio => self.aspect_ratio.map(SettingValue::Double),
            Property::FrameRate => self.frame_rate.map(SettingValue::Double),
            Property::FacingMode => self.facing_mode.as_deref().map(SettingValue::Str),
            Property::ResizeMode => self.resize_mode.as_deref().map(SettingValue::Str),
            Property::BackgroundBlur => self.background_blur.map(SettingValue::Bool),
            Property::SampleRate => self.sample_rate.map(SettingValue::ULong),
            Property::SampleSize => self.sample_size.map(SettingValue::ULong),
            Property::EchoCancellation => self.echo_cancellation.as_ref().map(SettingValue::from),
            Property::AutoGainControl => self.auto_gain_control.map(SettingValue::Bool),
            Property::NoiseSuppression => self.noise_suppression.map(SettingValue::Bool),
            Property::VoiceIsolation => self.voice_isolation.map(SettingValue::Bool),
            Property::Latency => self.latency.map(SettingValue::Double),
            Property::ChannelCount => self.channel_count.map(SettingValue::ULong),
            Property::DeviceId => self.device_id.as_deref().map(SettingValue::Str),
            Property::GroupId => self.group_id.as_deref().map(SettingValue::Str),
        }
    }

    /// True when `p` has a value.
    pub fn has(&self, p: Property) -> bool {
        self.get(p).is_some()
    }

    /// Copies every member present in `other` into `self` (used to combine the parts of a
    /// candidate that were chosen independently).
    pub fn merge_from(&mut self, other: &MediaTrackSettings) {
        macro_rules! take {
            ($($f:ident),*) => {$(
                if other.$f.is_some() {
                    self.$f = other.$f.clone();
                }
            )*};
        }
        take!(
            width,
            height,
            aspect_ratio,
            frame_rate,
            facing_mode,
            resize_mode,
            background_blur,
            sample_rate,
            sample_size,
            echo_cancellation,
            auto_gain_control,
            noise_suppression,
            voice_isolation,
            latency,
            channel_count,
            device_id,
            group_id
        );
    }

    /// Only the inherent members (`deviceId`, `facingMode`, `groupId`): what `getSettings()`
    /// returns for an ended track (spec C.2).
    pub fn inherent_only(&self) -> MediaTrackSettings {
        MediaTrackSettings {
            device_id: self.device_id.clone(),
            group_id: self.group_id.clone(),
            facing_mode: self.facing_mode.clone(),
            ..MediaTrackSettings::default()
        }
    }
}

/// `ULongRange` as a capability: the inclusive range of an integer property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ULongRange {
    /// Smallest value.
    pub min: u32,
    /// Largest value.
    pub max: u32,
}

/// `DoubleRange` as a capability: the inclusive range of a floating-point property.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DoubleRange {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// `MediaTrackCapabilities`: the aggregate values a source allows, per property.
///
/// Ranges are per property; which combinations work is found by trying (spec C.8). For
/// historical reasons `deviceId` and `groupId` are single strings, not lists.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[allow(missing_docs)] // one member per property, named after it
pub struct MediaTrackCapabilities {
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub width: Option<ULongRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub height: Option<ULongRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub aspect_ratio: Option<DoubleRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub frame_rate: Option<DoubleRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub facing_mode: Option<Vec<String>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub resize_mode: Option<Vec<String>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub background_blur: Option<Vec<bool>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub sample_rate: Option<ULongRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub sample_size: Option<ULongRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub echo_cancellation: Option<Vec<BoolOrString>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub auto_gain_control: Option<Vec<bool>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub noise_suppression: Option<Vec<bool>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub voice_isolation: Option<Vec<bool>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub latency: Option<DoubleRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub channel_count: Option<ULongRange>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub device_id: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub group_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_and_merge() {
        let mut a = MediaTrackSettings { width: Some(640), ..Default::default() };
        let b = MediaTrackSettings {
            height: Some(480),
            echo_cancellation: Some(BoolOrString::from("all")),
            ..Default::default()
        };
        a.merge_from(&b);
        assert_eq!(a.get(Property::Width), Some(SettingValue::ULong(640)));
        assert_eq!(a.get(Property::Height), Some(SettingValue::ULong(480)));
        assert_eq!(a.get(Property::EchoCancellation), Some(SettingValue::Str("all")));
        assert!(!a.has(Property::FrameRate));
        let c = MediaTrackSettings {
            echo_cancellation: Some(BoolOrString::from(true)),
            ..Default::default()
        };
        assert_eq!(c.get(Property::EchoCancellation), Some(SettingValue::Bool(true)));
    }

    #[test]
    fn inherent_only_keeps_device_group_facing() {
        let s = MediaTrackSettings {
            width: Some(1),
            device_id: Some("d".into()),
            group_id: Some("g".into()),
            facing_mode: Some("user".into()),
            sample_rate: Some(48_000),
            ..Default::default()
        };
        let i = s.inherent_only();
        assert_eq!(i.width, None);
        assert_eq!(i.sample_rate, None);
        assert_eq!(i.device_id.as_deref(), Some("d"));
        assert_eq!(i.group_id.as_deref(), Some("g"));
        assert_eq!(i.facing_mode.as_deref(), Some("user"));
    }
}
