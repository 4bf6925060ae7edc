//! The constrainable properties (spec C.8): names, the kinds they apply to and their types.

use mediarec_core::MediaKind;

/// One constrainable property of a track.
///
/// The declaration order is the canonical order in which constraints are evaluated and
/// reported, so results never depend on the order a caller listed them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Property {
    /// `width` (video, unsigned long).
    Width,
    /// `height` (video, unsigned long).
    Height,
    /// `aspectRatio` (video, double).
    AspectRatio,
    /// `frameRate` (video, double).
    FrameRate,
    /// `facingMode` (video, string).
    FacingMode,
    /// `resizeMode` (video, string).
    ResizeMode,
    /// `backgroundBlur` (video, boolean).
    BackgroundBlur,
    /// `sampleRate` (audio, unsigned long).
    SampleRate,
    /// `sampleSize` (audio, unsigned long).
    SampleSize,
    /// `echoCancellation` (audio, boolean or string).
    EchoCancellation,
    /// `autoGainControl` (audio, boolean).
    AutoGainControl,
    /// `noiseSuppression` (audio, boolean).
    NoiseSuppression,
    /// `voiceIsolation` (audio, boolean; Media Capture Extensions).
    VoiceIsolation,
    /// `latency` (audio, double, seconds).
    Latency,
    /// `channelCount` (audio, unsigned long).
    ChannelCount,
    /// `deviceId` (both, string).
    DeviceId,
    /// `groupId` (both, string).
    GroupId,
}

/// The value type of a property's settings and constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `unsigned long` settings, `ConstrainULong` constraints.
    ULong,
    /// `double` settings, `ConstrainDouble` constraints.
    Double,
    /// `DOMString` settings, `ConstrainDOMString` constraints.
    String,
    /// `boolean` settings, `ConstrainBoolean` constraints.
    Boolean,
    /// `boolean or DOMString` settings, `ConstrainBooleanOrDOMString` constraints.
    BooleanOrString,
}

/// Which track kinds a property applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliesTo {
    /// Audio tracks only.
    Audio,
    /// Video tracks only.
    Video,
    /// Both kinds.
    Both,
}

impl Property {
    /// Every property, in canonical order.
    pub const ALL: [Property; 17] = [
        Property::Width,
        Property::Height,
        Property::AspectRatio,
        Property::FrameRate,
        Property::FacingMode,
        Property::ResizeMode,
        Property::BackgroundBlur,
        Property::SampleRate,
        Property::SampleSize,
        Property::EchoCancellation,
        Property::AutoGainControl,
        Property::NoiseSuppression,
        Property::VoiceIsolation,
        Property::Latency,
        Property::ChannelCount,
        Property::DeviceId,
        Property::GroupId,
    ];

    /// Position in [`Property::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The web (camelCase) name.
    pub const fn name(self) -> &'static str {
        match self {
            Property::Width => "width",
            Property::Height => "height",
            Property::AspectRatio => "aspectRatio",
            Property::FrameRate => "frameRate",
            Property::FacingMode => "facingMode",
            Property::ResizeMode => "resizeMode",
            Property::BackgroundBlur => "backgroundBlur",
            Property::SampleRate => "sampleRate",
            Property::SampleSize => "sampleSize",
            Property::EchoCancellation => "echoCancellation",
            Property::AutoGainControl => "autoGainControl",
            Property::NoiseSuppression => "noiseSuppression",
            Property::VoiceIsolation => "voiceIsolation",
            Property::Latency => "latency",
            Property::ChannelCount => "channelCount",
            Property::DeviceId => "deviceId",
            Property::GroupId => "groupId",
        }
    }

    /// The property with web name `name`, if this crate supports it.
    pub fn from_name(name: &str) -> Option<Property> {
        Property::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// The value type.
    pub const fn value_type(self) -> ValueType {
        match self {
            Property::Width
            | Property::Height
            | Property::SampleRate
            | Property::SampleSize
            | Property::ChannelCount => ValueType::ULong,
            Property::AspectRatio | Property::FrameRate | Property::Latency => ValueType::Double,
            Property::FacingMode
            | Property::ResizeMode
            | Property::DeviceId
            | Property::GroupId => ValueType::String,
            Property::BackgroundBlur
            | Property::AutoGainControl
            | Property::NoiseSuppression
            | Property::VoiceIsolation => ValueType::Boolean,
            Property::EchoCancellation => ValueType::BooleanOrString,
        }
    }

    /// The kinds the property applies to.
    pub const fn applies_to(self) -> AppliesTo {
        match self {
            Property::Width
            | Property::Height
            | Property::AspectRatio
            | Property::FrameRate
            | Property::FacingMode
            | Property::ResizeMode
            | Property::BackgroundBlur => AppliesTo::Video,
            Property::SampleRate
            | Property::SampleSize
            | Property::EchoCancellation
            | Property::AutoGainControl
            | Property::NoiseSuppression
            | Property::VoiceIsolation
            | Property::Latency
            | Property::ChannelCount => AppliesTo::Audio,
            Property::DeviceId | Property::GroupId => AppliesTo::Both,
        }
    }

    /// True when the property is defined for tracks of `kind`.
    pub const fn applies(self, kind: MediaKind) -> bool {
        matches!(
            (self.applies_to(), kind),
            (AppliesTo::Both, _)
                | (AppliesTo::Audio, MediaKind::Audio)
                | (AppliesTo::Video, MediaKind::Video)
        )
    }

    /// True for the properties getUserMedia accepts as *required* constraints (GUM step
    /// 9.3.4, "allowed required constraints for device selection"); a required constraint
    /// on any other property is a `TypeError`.
    pub const fn allowed_required_for_device_selection(self) -> bool {
        !matches!(self, Property::BackgroundBlur | Property::VoiceIsolation)
    }

    /// True for the properties an ended track still reports from `getSettings()`.
    pub const fn is_inherent(self) -> bool {
        matches!(self, Property::DeviceId | Property::GroupId | Property::FacingMode)
    }
}

/// `MediaTrackSupportedConstraints`: one flag per property this crate understands.
///
/// All are true and never change (spec C.8); unknown names are dropped when constraints are
/// parsed, so they cannot cause errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[allow(missing_docs)] // one flag per property, named after it
pub struct MediaTrackSupportedConstraints {
    pub width: bool,
    pub height: bool,
    pub aspect_ratio: bool,
    pub frame_rate: bool,
    pub facing_mode: bool,
    pub resize_mode: bool,
    pub background_blur: bool,
    pub sample_rate: bool,
    pub sample_size: bool,
    pub echo_cancellation: bool,
    pub auto_gain_control: bool,
    pub noise_suppression: bool,
    pub voice_isolation: bool,
    pub latency: bool,
    pub channel_count: bool,
    pub device_id: bool,
    pub group_id: bool,
}

/// `navigator.mediaDevices.getSupportedConstraints()`.
pub const fn get_supported_constraints() -> MediaTrackSupportedConstraints {
    MediaTrackSupportedConstraints {
        width: true,
        height: true,
        aspect_ratio: true,
        frame_rate: true,
        facing_mode: true,
        resize_mode: true,
        background_blur: true,
        sample_rate: true,
        sample_size: true,
        echo_cancellation: true,
        auto_gain_control: true,
        noise_suppression: true,
        voice_isolation: true,
        latency: true,
        channel_count: true,
        device_id: true,
        group_id: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order_is_canonical() {
        for (i, p) in Property::ALL.iter().enumerate() {
            assert_eq!(p.index(), i);
            assert_eq!(Property::from_name(p.name()), Some(*p));
        }
        assert_eq!(Property::from_name("mandatory"), None);
        assert_eq!(Property::from_name("ChannelCount"), None, "names are case-sensitive");
    }

    #[test]
    fn kinds_and_types() {
        assert!(Property::Width.applies(MediaKind::Video));
        assert!(!Property::Width.applies(MediaKind::Audio));
        assert!(Property::ChannelCount.applies(MediaKind::Audio));
        assert!(Property::DeviceId.applies(MediaKind::Audio));
        assert!(Property::GroupId.applies(MediaKind::Video));
        assert_eq!(Property::Latency.value_type(), ValueType::Double);
        assert_eq!(Property::EchoCancellation.value_type(), ValueType::BooleanOrString);
        assert_eq!(Property::FacingMode.value_type(), ValueType::String);
        assert_eq!(Property::SampleRate.value_type(), ValueType::ULong);
    }

    #[test]
    fn allowed_required_list_matches_gum_step_9_3_4() {
        let allowed: alloc::vec::Vec<&str> = Property::ALL
            .iter()
            .filter(|p| p.allowed_required_for_device_selection())
            .map(|p| p.name())
            .collect();
        assert_eq!(allowed.len(), 15);
        assert!(!allowed.contains(&"backgroundBlur"));
        assert!(!allowed.contains(&"voiceIsolation"));
        assert!(allowed.contains(&"groupId"));
    }

    #[test]
    fn inherent_properties() {
        let inherent: alloc::vec::Vec<Property> =
            Property::ALL.iter().copied().filter(|p| p.is_inherent()).collect();
        assert_eq!(inherent, [Property::FacingMode, Property::DeviceId, Property::GroupId]);
        assert!(get_supported_constraints().voice_isolation);
    }
}
