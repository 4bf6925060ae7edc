//! Constraint types (spec C.5): `ConstrainULong`, `ConstrainDouble`, `ConstrainBoolean`,
//! `ConstrainDOMString`, `ConstrainBooleanOrDOMString`, the constraint sets and
//! `MediaStreamConstraints`.

use alloc::string::String;
use alloc::vec::Vec;
use mediarec_core::MediaKind;

use crate::error::CaptureError;
use crate::property::Property;
use crate::settings::BoolOrString;

/// `ConstrainULongRange` / `ConstrainDoubleRange`: the dictionary form of a numeric
/// constraint. `min`, `max` and `exact` make it *required*; `ideal` is a preference.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NumericRange<T> {
    /// The setting must be at least this.
    pub min: Option<T>,
    /// The setting must be at most this.
    pub max: Option<T>,
    /// The setting must equal this.
    pub exact: Option<T>,
    /// The setting should be as close as possible to this.
    pub ideal: Option<T>,
}

/// A numeric constraint: a bare value or a [`NumericRange`].
///
/// A bare value is an `ideal` in the basic set and an `exact` inside an `advanced` set.
///
/// ```
/// use mediarec_stream::ConstrainULong;
/// let c = ConstrainULong::range(1, 2);
/// assert_eq!(c, ConstrainULong::Range(mediarec_stream::NumericRange {
///     min: Some(1), max: Some(2), exact: None, ideal: None }));
/// assert_eq!(ConstrainULong::from(48_000), ConstrainULong::Value(48_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstrainNumber<T> {
    /// A bare value.
    Value(T),
    /// The dictionary form.
    Range(NumericRange<T>),
}

/// `ConstrainULong`: `[Clamp] unsigned long or ConstrainULongRange`.
pub type ConstrainULong = ConstrainNumber<u32>;
/// `ConstrainDouble`: `double or ConstrainDoubleRange`.
pub type ConstrainDouble = ConstrainNumber<f64>;
/// `ConstrainULongRange`.
pub type ConstrainULongRange = NumericRange<u32>;
/// `ConstrainDoubleRange`.
pub type ConstrainDoubleRange = NumericRange<f64>;

impl<T> ConstrainNumber<T> {
    /// `{exact: v}`.
    pub fn exact(v: T) -> Self {
        Self::Range(NumericRange { min: None, max: None, exact: Some(v), ideal: None })
    }
    /// `{ideal: v}`.
    pub fn ideal(v: T) -> Self {
        Self::Range(NumericRange { min: None, max: None, exact: None, ideal: Some(v) })
    }
    /// `{min: v}`.
    pub fn min(v: T) -> Self {
        Self::Range(NumericRange { min: Some(v), max: None, exact: None, ideal: None })
    }
    /// `{max: v}`.
    pub fn max(v: T) -> Self {
        Self::Range(NumericRange { min: None, max: Some(v), exact: None, ideal: None })
    }
    /// `{min, max}`.
    pub fn range(min: T, max: T) -> Self {
        Self::Range(NumericRange { min: Some(min), max: Some(max), exact: None, ideal: None })
    }
}

impl<T> From<T> for ConstrainNumber<T> {
    fn from(v: T) -> Self {
        Self::Value(v)
    }
}

/// `ConstrainBooleanParameters` / `ConstrainDOMStringParameters` /
/// `ConstrainBooleanOrDOMStringParameters`: `exact` makes it required, `ideal` is a
/// preference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExactIdeal<T> {
    /// The setting must equal this (for string lists: one of them).
    pub exact: Option<T>,
    /// The setting should equal this (for string lists: one of them).
    pub ideal: Option<T>,
}

/// A non-numeric constraint: a bare value or an [`ExactIdeal`] dictionary.
#[derive(Debug, Clone, PartialEq)]
pub enum ConstrainValue<T> {
    /// A bare value (ideal in the basic set, exact in an advanced set).
    Value(T),
    /// The dictionary form.
    Params(ExactIdeal<T>),
}

/// `ConstrainBoolean`.
pub type ConstrainBoolean = ConstrainValue<bool>;
/// `ConstrainDOMString`: a string or a list of strings ("any of these"); an empty list is
/// no constraint at all.
pub type ConstrainDomString = ConstrainValue<Vec<String>>;
/// `ConstrainBooleanOrDOMString` (used by `echoCancellation`).
pub type ConstrainBooleanOrDomString = ConstrainValue<BoolOrString>;

impl<T> ConstrainValue<T> {
    /// `{exact: v}`.
    pub fn exact(v: T) -> Self {
        Self::Params(ExactIdeal { exact: Some(v), ideal: None })
    }
    /// `{ideal: v}`.
    pub fn ideal(v: T) -> Self {
        Self::Params(ExactIdeal { exact: None, ideal: Some(v) })
    }
}

impl ConstrainValue<Vec<String>> {
    /// `{exact: "s"}`.
    pub fn exact_str(s: &str) -> Self {
        Self::exact(alloc::vec![String::from(s)])
    }
    /// `{ideal: "s"}`.
    pub fn ideal_str(s: &str) -> Self {
        Self::ideal(alloc::vec![String::from(s)])
    }
}

impl From<bool> for ConstrainValue<bool> {
    fn from(v: bool) -> Self {
        Self::Value(v)
    }
}

impl From<&str> for ConstrainValue<Vec<String>> {
    fn from(v: &str) -> Self {
        Self::Value(alloc::vec![String::from(v)])
    }
}

impl From<Vec<String>> for ConstrainValue<Vec<String>> {
    fn from(v: Vec<String>) -> Self {
        Self::Value(v)
    }
}

impl From<bool> for ConstrainValue<BoolOrString> {
    fn from(v: bool) -> Self {
        Self::Value(BoolOrString::Bool(v))
    }
}

impl From<&str> for ConstrainValue<BoolOrString> {
    fn from(v: &str) -> Self {
        Self::Value(BoolOrString::String(String::from(v)))
    }
}

/// Whether bare values count as `ideal` (basic set) or `exact` (advanced sets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareValues {
    /// Bare values are ideals (the basic set, SelectSettings step 3).
    Ideal,
    /// Bare values are exact (advanced sets, SelectSettings step 5).
    Exact,
}

/// A borrowed constraint of any type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AnyConstraint<'a> {
    /// `ConstrainULong`.
    ULong(&'a ConstrainULong),
    /// `ConstrainDouble`.
    Double(&'a ConstrainDouble),
    /// `ConstrainBoolean`.
    Boolean(&'a ConstrainBoolean),
    /// `ConstrainDOMString`.
    String(&'a ConstrainDomString),
    /// `ConstrainBooleanOrDOMString`.
    BooleanOrString(&'a ConstrainBooleanOrDomString),
}

/// A constraint with bare values resolved and empty string lists removed: what the fitness
/// distance works on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Resolved<'a> {
    Number { min: Option<f64>, max: Option<f64>, exact: Option<f64>, ideal: Option<f64> },
    Strings { exact: Option<&'a [String]>, ideal: Option<&'a [String]> },
    Bool { exact: Option<bool>, ideal: Option<bool> },
    BoolOrString { exact: Option<&'a BoolOrString>, ideal: Option<&'a BoolOrString> },
}

impl Resolved<'_> {
    /// Required = has `min`, `max` or `exact` (after resolving bare values).
    pub(crate) fn is_required(&self) -> bool {
        match *self {
            Resolved::Number { min, max, exact, .. } => {
                min.is_some() || max.is_some() || exact.is_some()
            }
            Resolved::Strings { exact, .. } => exact.is_some(),
            Resolved::Bool { exact, .. } => exact.is_some(),
            Resolved::BoolOrString { exact, .. } => exact.is_some(),
        }
    }

    pub(crate) fn has_ideal(&self) -> bool {
        match *self {
            Resolved::Number { ideal, .. } => ideal.is_some(),
            Resolved::Strings { ideal, .. } => ideal.is_some(),
            Resolved::Bool { ideal, .. } => ideal.is_some(),
            Resolved::BoolOrString { ideal, .. } => ideal.is_some(),
        }
    }
}

fn non_empty(v: Option<&Vec<String>>) -> Option<&[String]> {
    v.filter(|l| !l.is_empty()).map(|l| l.as_slice())
}

fn resolve_number<T: Copy + Into<f64>>(c: &ConstrainNumber<T>, bare: BareValues) -> Resolved<'_> {
    match (c, bare) {
        (ConstrainNumber::Value(v), BareValues::Ideal) => {
            Resolved::Number { min: None, max: None, exact: None, ideal: Some((*v).into()) }
        }
        (ConstrainNumber::Value(v), BareValues::Exact) => {
            Resolved::Number { min: None, max: None, exact: Some((*v).into()), ideal: None }
        }
        (ConstrainNumber::Range(r), _) => Resolved::Number {
            min: r.min.map(Into::into),
            max: r.max.map(Into::into),
            exact: r.exact.map(Into::into),
            ideal: r.ideal.map(Into::into),
        },
    }
}

fn split<T>(c: &ConstrainValue<T>, bare: BareValues) -> (Option<&T>, Option<&T>) {
    match (c, bare) {
        (ConstrainValue::Value(v), BareValues::Ideal) => (None, Some(v)),
        (ConstrainValue::Value(v), BareValues::Exact) => (Some(v), None),
        (ConstrainValue::Params(p), _) => (p.exact.as_ref(), p.ideal.as_ref()),
    }
}

impl<'a> AnyConstraint<'a> {
    /// Resolves bare values per `bare` and drops empty string lists (SelectSettings step 1).
    pub(crate) fn resolve(self, bare: BareValues) -> Resolved<'a> {
        match self {
            AnyConstraint::ULong(c) => resolve_number(c, bare),
            AnyConstraint::Double(c) => resolve_number(c, bare),
            AnyConstraint::Boolean(c) => {
                let (exact, ideal) = split(c, bare);
                Resolved::Bool { exact: exact.copied(), ideal: ideal.copied() }
            }
            AnyConstraint::String(c) => {
                let (exact, ideal) = split(c, bare);
                Resolved::Strings { exact: non_empty(exact), ideal: non_empty(ideal) }
            }
            AnyConstraint::BooleanOrString(c) => {
                let (exact, ideal) = split(c, bare);
                Resolved::BoolOrString { exact, ideal }
            }
        }
    }

    /// True when the constraint is required in the basic set (has `min`, `max` or `exact`).
    pub fn is_required(self) -> bool {
        self.resolve(BareValues::Ideal).is_required()
    }
}

macro_rules! constraint_set {
    ($( $field:ident : $ty:ty => $prop:ident / $variant:ident ),* $(,)?) => {
        /// `MediaTrackConstraintSet`: at most one constraint per property.
        ///
        /// Members are kept per property, so the order a caller listed them in never changes
        /// a result; evaluation follows [`Property::ALL`].
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct MediaTrackConstraintSet {
            $(
                #[doc = concat!("The `", stringify!($prop), "` constraint.")]
                pub $field: Option<$ty>,
            )*
        }

        impl MediaTrackConstraintSet {
            /// An empty set.
            pub fn new() -> Self {
                Self::default()
            }

            $(
                #[doc = concat!("Builder: sets the `", stringify!($prop), "` constraint.")]
                pub fn $field(mut self, c: impl Into<$ty>) -> Self {
                    self.$field = Some(c.into());
                    self
                }
            )*

            /// The constraint on `p`, if any.
            pub fn get(&self, p: Property) -> Option<AnyConstraint<'_>> {
                match p {
                    $( Property::$prop => self.$field.as_ref().map(AnyConstraint::$variant), )*
                }
            }

            /// Removes the constraint on `p`.
            pub fn remove(&mut self, p: Property) {
                match p {
                    $( Property::$prop => self.$field = None, )*
                }
            }
        }
    };
}

constraint_set! {
    width: ConstrainULong => Width / ULong,
    height: ConstrainULong => Height / ULong,
    aspect_ratio: ConstrainDouble => AspectRatio / Double,
    frame_rate: ConstrainDouble => FrameRate / Double,
    facing_mode: ConstrainDomString => FacingMode / String,
    resize_mode: ConstrainDomString => ResizeMode / String,
    background_blur: ConstrainBoolean => BackgroundBlur / Boolean,
    sample_rate: ConstrainULong => SampleRate / ULong,
    sample_size: ConstrainULong => SampleSize / ULong,
    echo_cancellation: ConstrainBooleanOrDomString => EchoCancellation / BooleanOrString,
    auto_gain_control: ConstrainBoolean => AutoGainControl / Boolean,
    noise_suppression: ConstrainBoolean => NoiseSuppression / Boolean,
    voice_isolation: ConstrainBoolean => VoiceIsolation / Boolean,
    latency: ConstrainDouble => Latency / Double,
    channel_count: ConstrainULong => ChannelCount / ULong,
    device_id: ConstrainDomString => DeviceId / String,
    group_id: ConstrainDomString => GroupId / String,
}

impl MediaTrackConstraintSet {
    /// Every member present, in canonical order.
    pub fn members(&self) -> impl Iterator<Item = (Property, AnyConstraint<'_>)> + '_ {
        Property::ALL.iter().filter_map(move |&p| self.get(p).map(|c| (p, c)))
    }

    /// True when no member is present.
    pub fn is_empty(&self) -> bool {
        self.members().next().is_none()
    }

    /// Drops every member that is not defined for `kind` (GUM step 9.3.3).
    pub fn retain_kind(&mut self, kind: MediaKind) {
        for p in Property::ALL {
            if !p.applies(kind) {
                self.remove(p);
            }
        }
    }

    /// `TypeError` unless every `double` member is finite (WebIDL `double` rejects NaN and
    /// infinities; callers building sets by hand can still put them in).
    pub fn validate(&self) -> Result<(), CaptureError> {
        for (p, c) in self.members() {
            if let AnyConstraint::Double(d) = c {
                let finite = match d {
                    ConstrainNumber::Value(v) => v.is_finite(),
                    ConstrainNumber::Range(r) => [r.min, r.max, r.exact, r.ideal]
                        .iter()
                        .all(|v| v.is_none_or(f64::is_finite)),
                };
                if !finite {
                    return Err(CaptureError::type_error(alloc::format!(
                        "the '{}' constraint is not a finite number",
                        p.name()
                    )));
                }
            }
        }
        Ok(())
    }
}

/// `MediaTrackConstraints`: the basic set plus the ordered `advanced` sets.
///
/// ```
/// use mediarec_stream::{ConstrainULong, MediaTrackConstraintSet, MediaTrackConstraints};
/// let c = MediaTrackConstraints::from(
///     MediaTrackConstraintSet::new()
///         .channel_count(ConstrainULong::exact(1))
///         .sample_rate(ConstrainULong::ideal(16_000)),
/// )
/// .with_advanced(MediaTrackConstraintSet::new().sample_rate(48_000));
/// assert_eq!(c.advanced.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaTrackConstraints {
    /// The basic set: required (`min`/`max`/`exact`) and optional (`ideal`/bare) members.
    pub basic: MediaTrackConstraintSet,
    /// Tried in order; a set is kept only if it can be satisfied as a whole.
    pub advanced: Vec<MediaTrackConstraintSet>,
}

impl From<MediaTrackConstraintSet> for MediaTrackConstraints {
    fn from(basic: MediaTrackConstraintSet) -> Self {
        MediaTrackConstraints { basic, advanced: Vec::new() }
    }
}

impl MediaTrackConstraints {
    /// No constraints (`{}` or `true`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder: appends an advanced set.
    pub fn with_advanced(mut self, set: MediaTrackConstraintSet) -> Self {
        self.advanced.push(set);
        self
    }

    /// Drops members not defined for `kind` from every set (GUM step 9.3.3).
    pub fn retain_kind(&mut self, kind: MediaKind) {
        self.basic.retain_kind(kind);
        for s in &mut self.advanced {
            s.retain_kind(kind);
        }
    }

    /// `TypeError` unless every set is well formed (see [`MediaTrackConstraintSet::validate`]).
    pub fn validate(&self) -> Result<(), CaptureError> {
        self.basic.validate()?;
        self.advanced.iter().try_for_each(MediaTrackConstraintSet::validate)
    }

    /// The first required basic member whose property is not allowed as a required
    /// constraint for device selection (GUM step 9.3.4).
    pub fn disallowed_required(&self) -> Option<Property> {
        self.basic
            .members()
            .find(|(p, c)| c.is_required() && !p.allowed_required_for_device_selection())
            .map(|(p, _)| p)
    }
}

/// `MediaStreamConstraints`: which kinds getUserMedia should capture, and how.
///
/// `None` is `false`/absent; `Some(MediaTrackConstraints::new())` is `true`.
///
/// ```
/// use mediarec_stream::{MediaStreamConstraints, MediaTrackConstraints};
/// let c = MediaStreamConstraints::new().with_audio(MediaTrackConstraints::new());
/// assert!(c.audio.is_some() && c.video.is_none());
/// assert!(MediaStreamConstraints::new().requested_kinds().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaStreamConstraints {
    /// The `audio` member.
    pub audio: Option<MediaTrackConstraints>,
    /// The `video` member.
    pub video: Option<MediaTrackConstraints>,
}

impl MediaStreamConstraints {
    /// `{}`: requests nothing (getUserMedia rejects it with `TypeError`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder: requests audio with `c`.
    pub fn with_audio(mut self, c: MediaTrackConstraints) -> Self {
        self.audio = Some(c);
        self
    }

    /// Builder: requests video with `c`.
    pub fn with_video(mut self, c: MediaTrackConstraints) -> Self {
        self.video = Some(c);
        self
    }

    /// The constraints for `kind`, if that kind is requested.
    pub fn for_kind(&self, kind: MediaKind) -> Option<&MediaTrackConstraints> {
        match kind {
            MediaKind::Audio => self.audio.as_ref(),
            MediaKind::Video => self.video.as_ref(),
        }
    }

    /// GUM step 2: the requested kinds, audio first.
    pub fn requested_kinds(&self) -> Vec<MediaKind> {
        [MediaKind::Audio, MediaKind::Video]
            .into_iter()
            .filter(|k| self.for_kind(*k).is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn bare_values_resolve_by_context() {
        let c = ConstrainULong::from(640);
        let any = AnyConstraint::ULong(&c);
        assert_eq!(
            any.resolve(BareValues::Ideal),
            Resolved::Number { min: None, max: None, exact: None, ideal: Some(640.0) }
        );
        assert_eq!(
            any.resolve(BareValues::Exact),
            Resolved::Number { min: None, max: None, exact: Some(640.0), ideal: None }
        );
        assert!(!any.is_required());
        assert!(any.resolve(BareValues::Exact).is_required());
        let b = ConstrainBoolean::from(true);
        assert_eq!(
            AnyConstraint::Boolean(&b).resolve(BareValues::Exact),
            Resolved::Bool { exact: Some(true), ideal: None }
        );
    }

    #[test]
    fn required_groups() {
        for (c, req) in [
            (ConstrainULong::min(1), true),
            (ConstrainULong::max(1), true),
            (ConstrainULong::exact(1), true),
            (ConstrainULong::ideal(1), false),
            (ConstrainULong::Value(1), false),
        ] {
            assert_eq!(AnyConstraint::ULong(&c).is_required(), req, "{c:?}");
        }
        let s = ConstrainDomString::exact_str("x");
        assert!(AnyConstraint::String(&s).is_required());
        let s = ConstrainDomString::ideal_str("x");
        assert!(!AnyConstraint::String(&s).is_required());
    }

    #[test]
    fn empty_string_list_is_no_constraint() {
        let c = ConstrainDomString::exact(vec![]);
        let r = AnyConstraint::String(&c).resolve(BareValues::Ideal);
        assert_eq!(r, Resolved::Strings { exact: None, ideal: None });
        assert!(!r.is_required());
        assert!(!r.has_ideal());
        let bare = ConstrainDomString::Value(vec![]);
        assert!(!AnyConstraint::String(&bare).resolve(BareValues::Exact).is_required());
    }

    #[test]
    fn set_members_in_canonical_order_and_retain_kind() {
        let mut s = MediaTrackConstraintSet::new()
            .device_id("mic")
            .width(640)
            .channel_count(ConstrainULong::exact(2));
        let names: Vec<&str> = s.members().map(|(p, _)| p.name()).collect();
        assert_eq!(names, ["width", "channelCount", "deviceId"]);
        s.retain_kind(MediaKind::Audio);
        let names: Vec<&str> = s.members().map(|(p, _)| p.name()).collect();
        assert_eq!(names, ["channelCount", "deviceId"]);
        s.remove(Property::ChannelCount);
        s.remove(Property::DeviceId);
        assert!(s.is_empty());
    }

    #[test]
    fn validate_rejects_non_finite_doubles() {
        let ok = MediaTrackConstraints::from(MediaTrackConstraintSet::new().frame_rate(30.0));
        assert!(ok.validate().is_ok());
        let bad = MediaTrackConstraints::new()
            .with_advanced(MediaTrackConstraintSet::new().latency(ConstrainDouble::min(f64::NAN)));
        let e = bad.validate().unwrap_err();
        assert_eq!(e.dom_name(), mediarec_core::DomErrorName::Type);
        assert!(e.message().contains("latency"));
        let inf = MediaTrackConstraintSet::new().aspect_ratio(f64::INFINITY);
        assert!(inf.validate().is_err());
    }

    #[test]
    fn min_greater_than_max_is_not_a_type_error() {
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().width(ConstrainULong::range(100, 50)),
        );
        assert!(c.validate().is_ok());
    }

    #[test]
    fn disallowed_required_constraints() {
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().background_blur(ConstrainBoolean::exact(true)),
        );
        assert_eq!(c.disallowed_required(), Some(Property::BackgroundBlur));
        let ideal = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().background_blur(ConstrainBoolean::ideal(true)),
        );
        assert_eq!(ideal.disallowed_required(), None);
        let advanced = MediaTrackConstraints::new()
            .with_advanced(MediaTrackConstraintSet::new().voice_isolation(true));
        assert_eq!(advanced.disallowed_required(), None, "advanced sets are not 'required'");
    }

    #[test]
    fn stream_constraints_kinds() {
        let c = MediaStreamConstraints::new()
            .with_video(MediaTrackConstraints::new())
            .with_audio(MediaTrackConstraints::new());
        assert_eq!(c.requested_kinds(), [MediaKind::Audio, MediaKind::Video]);
        assert!(c.for_kind(MediaKind::Video).is_some());
    }
}
