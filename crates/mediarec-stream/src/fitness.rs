//! The fitness distance and the SelectSettings algorithm over an explicit list of settings
//! dictionaries (spec C.7), written step by step as the spec states them.
//!
//! [`select_settings`] is the reference: device selection and `applyConstraints` use an
//! equivalent search over a structured candidate space (see `space`), and the tests check
//! the two agree.

use mediarec_core::MediaKind;

use crate::constraints::{
    AnyConstraint, BareValues, MediaTrackConstraintSet, MediaTrackConstraints, Resolved,
};
use crate::error::{CaptureError, OverconstrainedError};
use crate::property::Property;
use crate::settings::{BoolOrString, MediaTrackSettings, SettingValue};

/// Tolerance for comparing `double` settings with `min`/`max`/`exact`: settings such as
/// `aspectRatio` are rounded (to 10 decimals), so exact binary equality would reject a
/// 1280×720 track for `aspectRatio: {exact: 16/9}`.
pub const DOUBLE_TOLERANCE: f64 = 1e-6;

fn number_of(v: SettingValue<'_>) -> Option<(f64, f64)> {
    match v {
        SettingValue::ULong(u) => Some((f64::from(u), 0.0)),
        SettingValue::Double(d) => Some((d, DOUBLE_TOLERANCE)),
        SettingValue::Str(_) | SettingValue::Bool(_) => None,
    }
}

fn bos_matches(c: &BoolOrString, v: SettingValue<'_>) -> bool {
    match (c, v) {
        (BoolOrString::Bool(b), SettingValue::Bool(a)) => *b == a,
        (BoolOrString::String(s), SettingValue::Str(a)) => s == a,
        _ => false,
    }
}

/// Does `v` meet the required part (`min`, `max`, `exact`) of `r`?
fn satisfies(r: &Resolved<'_>, v: SettingValue<'_>) -> bool {
    match *r {
        Resolved::Number { min, max, exact, .. } => {
            let Some((a, eps)) = number_of(v) else { return false };
            exact.is_none_or(|e| (a - e).abs() <= eps)
                && min.is_none_or(|m| a >= m - eps)
                && max.is_none_or(|m| a <= m + eps)
        }
        Resolved::Strings { exact, .. } => match (exact, v) {
            (None, _) => true,
            (Some(list), SettingValue::Str(a)) => list.iter().any(|s| s == a),
            (Some(_), _) => false,
        },
        Resolved::Bool { exact, .. } => match (exact, v) {
            (None, _) => true,
            (Some(e), SettingValue::Bool(a)) => e == a,
            (Some(_), _) => false,
        },
        Resolved::BoolOrString { exact, .. } => exact.is_none_or(|e| bos_matches(e, v)),
    }
}

/// Steps 7 and 8: the distance from the ideal (the caller has checked an ideal exists).
fn ideal_distance(r: &Resolved<'_>, v: SettingValue<'_>) -> f64 {
    let equal = match *r {
        Resolved::Number { ideal: Some(i), .. } => {
            let Some((a, _)) = number_of(v) else { return 1.0 };
            if a == i {
                return 0.0;
            }
            let d = (a - i).abs() / a.abs().max(i.abs());
            return if d.is_nan() { 1.0 } else { d };
        }
        Resolved::Strings { ideal: Some(list), .. } => {
            matches!(v, SettingValue::Str(a) if list.iter().any(|s| s == a))
        }
        Resolved::Bool { ideal: Some(i), .. } => v == SettingValue::Bool(i),
        Resolved::BoolOrString { ideal: Some(i), .. } => bos_matches(i, v),
        _ => return 0.0,
    };
    if equal { 0.0 } else { 1.0 }
}

/// The fitness distance contributed by one member `(p, c)` of a constraint set, for a
/// settings dictionary whose value for `p` is `value` (spec C.7 steps 1–8).
///
/// Step 1 (unsupported name) cannot happen: unknown names are dropped when constraints
/// are built. Step 4 (a boolean value for a non-boolean property) cannot happen either:
/// every constraint here is typed by its property, and the only property that takes a
/// boolean and something else (`echoCancellation`) has a boolean-or-string setting.
pub fn member_distance(
    p: Property,
    c: AnyConstraint<'_>,
    value: Option<SettingValue<'_>>,
    kind: MediaKind,
    bare: BareValues,
) -> f64 {
    let r = c.resolve(bare);
    // Step 2: a required constraint not met, or the setting is missing.
    if r.is_required() && !value.is_some_and(|v| satisfies(&r, v)) {
        return f64::INFINITY;
    }
    // Step 3: the constraint does not apply to this kind of track.
    if !p.applies(kind) {
        return 0.0;
    }
    // Step 5: the setting is missing.
    let Some(v) = value else { return 1.0 };
    // Step 6: no ideal.
    if !r.has_ideal() {
        return 0.0;
    }
    // Steps 7 and 8.
    ideal_distance(&r, v)
}

/// The fitness distance between settings dictionary `s` (of a track of `kind`) and
/// constraint set `set`, with bare values treated per `bare`.
///
/// ```
/// use mediarec_core::MediaKind;
/// use mediarec_stream::{fitness_distance, BareValues, MediaTrackConstraintSet, MediaTrackSettings};
/// let s = MediaTrackSettings { sample_rate: Some(48_000), ..Default::default() };
/// let set = MediaTrackConstraintSet::new().sample_rate(44_100);
/// let d = fitness_distance(&s, MediaKind::Audio, &set, BareValues::Ideal);
/// assert!((d - 3_900.0 / 48_000.0).abs() < 1e-12);
/// assert!(fitness_distance(&s, MediaKind::Audio, &set, BareValues::Exact).is_infinite());
/// ```
pub fn fitness_distance(
    s: &MediaTrackSettings,
    kind: MediaKind,
    set: &MediaTrackConstraintSet,
    bare: BareValues,
) -> f64 {
    set.members().map(|(p, c)| member_distance(p, c, s.get(p), kind, bare)).sum()
}

/// ApplyConstraints step 2: the name of a required basic constraint whose distance is
/// infinite for every examined dictionary, or `""`.
pub(crate) fn failed_constraint<'a, I>(
    basic: &MediaTrackConstraintSet,
    kind: MediaKind,
    dictionaries: I,
) -> &'static str
where
    I: Iterator<Item = &'a MediaTrackSettings> + Clone,
{
    basic
        .members()
        .filter(|(_, c)| c.is_required())
        .find(|(p, c)| {
            dictionaries
                .clone()
                .all(|s| member_distance(*p, *c, s.get(*p), kind, BareValues::Ideal).is_infinite())
        })
        .map_or("", |(p, _)| p.name())
}

/// SelectSettings over an explicit list of settings dictionaries, in the UA's order of
/// preference. Returns the index of the chosen dictionary.
///
/// - Step 3: distance to the basic set with bare values as ideals; infinite ones drop out.
/// - Step 4: none left → `OverconstrainedError` naming a required constraint that failed
///   for every dictionary (or `""`).
/// - Step 5: each advanced set in order, bare values as exact: if some remaining
///   dictionary satisfies it, keep only those; otherwise ignore the set.
/// - Step 6: smallest step-3 distance; ties go to the smaller distance to `defaults`
///   (UA defaults as ideals, if given), then to the earlier dictionary.
///
/// A non-finite `double` in the constraints is a `TypeError`.
pub fn select_settings_with_defaults(
    candidates: &[MediaTrackSettings],
    kind: MediaKind,
    constraints: &MediaTrackConstraints,
    defaults: Option<&MediaTrackConstraintSet>,
) -> Result<usize, CaptureError> {
    constraints.validate()?;
    let basic = &constraints.basic;
    // Step 3.
    let mut alive: alloc::vec::Vec<(usize, f64)> = candidates
        .iter()
        .enumerate()
        .map(|(i, s)| (i, fitness_distance(s, kind, basic, BareValues::Ideal)))
        .filter(|(_, d)| d.is_finite())
        .collect();
    // Step 4.
    if alive.is_empty() {
        let name = failed_constraint(basic, kind, candidates.iter());
        return Err(OverconstrainedError::new(name).into());
    }
    // Step 5.
    for set in &constraints.advanced {
        let fits = |i: usize| {
            candidates
                .get(i)
                .is_some_and(|s| fitness_distance(s, kind, set, BareValues::Exact).is_finite())
        };
        if alive.iter().any(|(i, _)| fits(*i)) {
            alive.retain(|(i, _)| fits(*i));
        }
    }
    // Step 6.
    let secondary = |i: usize| match (defaults, candidates.get(i)) {
        (Some(d), Some(s)) => fitness_distance(s, kind, d, BareValues::Ideal),
        _ => 0.0,
    };
    let mut best: Option<(usize, f64, f64)> = None;
    for (i, d) in alive {
        let s = secondary(i);
        let better = match best {
            None => true,
            Some((_, bd, bs)) => d < bd || (d == bd && s < bs),
        };
        if better {
            best = Some((i, d, s));
        }
    }
    best.map(|(i, _, _)| i).ok_or_else(|| OverconstrainedError::new("").into())
}

/// SelectSettings over an explicit list with no UA defaults: ties go to the earlier
/// dictionary. See [`select_settings_with_defaults`].
///
/// ```
/// use mediarec_core::MediaKind;
/// use mediarec_stream::{select_settings, ConstrainULong, MediaTrackConstraintSet,
///     MediaTrackConstraints, MediaTrackSettings};
/// let mono = MediaTrackSettings { channel_count: Some(1), ..Default::default() };
/// let stereo = MediaTrackSettings { channel_count: Some(2), ..Default::default() };
/// let want_stereo = MediaTrackConstraints::from(
///     MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(2)));
/// assert_eq!(select_settings(&[mono, stereo], MediaKind::Audio, &want_stereo).unwrap(), 1);
/// ```
pub fn select_settings(
    candidates: &[MediaTrackSettings],
    kind: MediaKind,
    constraints: &MediaTrackConstraints,
) -> Result<usize, CaptureError> {
    select_settings_with_defaults(candidates, kind, constraints, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::{
        ConstrainBoolean, ConstrainBooleanOrDomString, ConstrainDomString, ConstrainDouble,
        ConstrainULong,
    };
    use alloc::vec;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    const A: MediaKind = MediaKind::Audio;
    const V: MediaKind = MediaKind::Video;

    fn audio(rate: u32, ch: u32) -> MediaTrackSettings {
        MediaTrackSettings {
            sample_rate: Some(rate),
            channel_count: Some(ch),
            device_id: Some("mic".into()),
            ..Default::default()
        }
    }

    fn d(p: Property, c: AnyConstraint<'_>, s: &MediaTrackSettings, kind: MediaKind) -> f64 {
        member_distance(p, c, s.get(p), kind, BareValues::Ideal)
    }

    #[test]
    fn step2_required_unsatisfied_or_missing_is_infinite() {
        let s = audio(48_000, 2);
        let c = ConstrainULong::exact(1);
        assert!(d(Property::ChannelCount, AnyConstraint::ULong(&c), &s, A).is_infinite());
        let c = ConstrainULong::min(96_000);
        assert!(d(Property::SampleRate, AnyConstraint::ULong(&c), &s, A).is_infinite());
        let c = ConstrainULong::max(8_000);
        assert!(d(Property::SampleRate, AnyConstraint::ULong(&c), &s, A).is_infinite());
        // Missing member with a required constraint.
        let c = ConstrainDouble::min(0.0);
        assert!(d(Property::Latency, AnyConstraint::Double(&c), &s, A).is_infinite());
        // Step 2 comes before step 3: a required video constraint on audio settings.
        let c = ConstrainULong::exact(640);
        assert!(d(Property::Width, AnyConstraint::ULong(&c), &s, A).is_infinite());
        // Satisfied required constraint without ideal: 0.
        let c = ConstrainULong::range(44_100, 48_000);
        assert_eq!(d(Property::SampleRate, AnyConstraint::ULong(&c), &s, A), 0.0);
    }

    #[test]
    fn step3_constraint_for_other_kind_is_zero() {
        let s = audio(48_000, 2);
        let c = ConstrainULong::ideal(640);
        assert_eq!(d(Property::Width, AnyConstraint::ULong(&c), &s, A), 0.0);
        let v = MediaTrackSettings { width: Some(640), ..Default::default() };
        let c = ConstrainULong::Value(2);
        assert_eq!(d(Property::ChannelCount, AnyConstraint::ULong(&c), &v, V), 0.0);
    }

    #[test]
    fn step5_missing_member_is_one() {
        let s = audio(48_000, 2);
        let c = ConstrainDouble::ideal(0.01);
        assert_eq!(d(Property::Latency, AnyConstraint::Double(&c), &s, A), 1.0);
        // Even an empty dictionary form counts, since step 5 precedes step 6.
        let c = ConstrainDouble::Range(Default::default());
        assert_eq!(d(Property::Latency, AnyConstraint::Double(&c), &s, A), 1.0);
    }

    #[test]
    fn step6_no_ideal_is_zero() {
        let s = audio(48_000, 2);
        let c = ConstrainULong::Range(Default::default());
        assert_eq!(d(Property::SampleRate, AnyConstraint::ULong(&c), &s, A), 0.0);
        let c = ConstrainULong::min(1);
        assert_eq!(d(Property::ChannelCount, AnyConstraint::ULong(&c), &s, A), 0.0);
    }

    #[test]
    fn step7_numeric_formula() {
        let s = audio(48_000, 2);
        let c = ConstrainULong::Value(16_000);
        let got = d(Property::SampleRate, AnyConstraint::ULong(&c), &s, A);
        assert!((got - 32_000.0 / 48_000.0).abs() < 1e-12);
        let c = ConstrainULong::ideal(96_000);
        let got = d(Property::SampleRate, AnyConstraint::ULong(&c), &s, A);
        assert!((got - 0.5).abs() < 1e-12, "divides by the larger magnitude");
        let c = ConstrainULong::ideal(48_000);
        assert_eq!(d(Property::SampleRate, AnyConstraint::ULong(&c), &s, A), 0.0);
        // Doubles, negative ideal.
        let l = MediaTrackSettings { latency: Some(0.01), ..Default::default() };
        let c = ConstrainDouble::ideal(-0.01);
        let got = d(Property::Latency, AnyConstraint::Double(&c), &l, A);
        assert!((got - 2.0).abs() < 1e-12);
        // Both zero.
        let z = MediaTrackSettings { latency: Some(0.0), ..Default::default() };
        let c = ConstrainDouble::ideal(0.0);
        assert_eq!(d(Property::Latency, AnyConstraint::Double(&c), &z, A), 0.0);
    }

    #[test]
    fn step8_string_and_boolean_formula() {
        let v = MediaTrackSettings {
            facing_mode: Some("user".into()),
            background_blur: Some(false),
            ..Default::default()
        };
        let c = ConstrainDomString::from("user");
        assert_eq!(d(Property::FacingMode, AnyConstraint::String(&c), &v, V), 0.0);
        let c = ConstrainDomString::ideal_str("environment");
        assert_eq!(d(Property::FacingMode, AnyConstraint::String(&c), &v, V), 1.0);
        let c = ConstrainDomString::ideal(vec!["environment".into(), "user".into()]);
        assert_eq!(d(Property::FacingMode, AnyConstraint::String(&c), &v, V), 0.0, "any of");
        let c = ConstrainBoolean::from(true);
        assert_eq!(d(Property::BackgroundBlur, AnyConstraint::Boolean(&c), &v, V), 1.0);
        let c = ConstrainBoolean::ideal(false);
        assert_eq!(d(Property::BackgroundBlur, AnyConstraint::Boolean(&c), &v, V), 0.0);
        let a = MediaTrackSettings {
            echo_cancellation: Some(BoolOrString::from("all")),
            ..Default::default()
        };
        let c = ConstrainBooleanOrDomString::from("all");
        assert_eq!(d(Property::EchoCancellation, AnyConstraint::BooleanOrString(&c), &a, A), 0.0);
        let c = ConstrainBooleanOrDomString::from(true);
        assert_eq!(d(Property::EchoCancellation, AnyConstraint::BooleanOrString(&c), &a, A), 1.0);
        let c = ConstrainBooleanOrDomString::exact(BoolOrString::from("remote-only"));
        assert!(
            d(Property::EchoCancellation, AnyConstraint::BooleanOrString(&c), &a, A).is_infinite()
        );
    }

    #[test]
    fn device_and_group_ids_are_string_constraints() {
        let s = audio(48_000, 1);
        let c = ConstrainDomString::exact(vec!["other".into(), "mic".into()]);
        assert_eq!(d(Property::DeviceId, AnyConstraint::String(&c), &s, A), 0.0);
        let c = ConstrainDomString::exact_str("other");
        assert!(d(Property::DeviceId, AnyConstraint::String(&c), &s, A).is_infinite());
        let c = ConstrainDomString::exact_str("g");
        assert!(
            d(Property::GroupId, AnyConstraint::String(&c), &s, A).is_infinite(),
            "no groupId member"
        );
        let c = ConstrainDomString::Value(vec![]);
        assert_eq!(d(Property::DeviceId, AnyConstraint::String(&c), &s, A), 0.0, "empty list");
    }

    #[test]
    fn double_tolerance_for_rounded_settings() {
        let v = MediaTrackSettings { aspect_ratio: Some(1.777_777_777_8), ..Default::default() };
        let c = ConstrainDouble::exact(16.0 / 9.0);
        assert_eq!(d(Property::AspectRatio, AnyConstraint::Double(&c), &v, V), 0.0);
        let c = ConstrainDouble::exact(1.78);
        assert!(d(Property::AspectRatio, AnyConstraint::Double(&c), &v, V).is_infinite());
    }

    #[test]
    fn fitness_distance_sums_members() {
        let s = audio(48_000, 2);
        let set = MediaTrackConstraintSet::new().sample_rate(24_000).channel_count(1);
        let got = fitness_distance(&s, A, &set, BareValues::Ideal);
        assert!((got - (0.5 + 0.5)).abs() < 1e-12);
        assert!(fitness_distance(&s, A, &set, BareValues::Exact).is_infinite());
        assert_eq!(
            fitness_distance(&s, A, &MediaTrackConstraintSet::new(), BareValues::Exact),
            0.0
        );
    }

    fn list() -> Vec<MediaTrackSettings> {
        vec![audio(48_000, 2), audio(44_100, 2), audio(48_000, 1), audio(16_000, 1)]
    }

    #[test]
    fn select_step3_and_6_smallest_basic_distance() {
        let c = MediaTrackConstraints::from(MediaTrackConstraintSet::new().sample_rate(16_000));
        assert_eq!(select_settings(&list(), A, &c).unwrap(), 3);
        let c = MediaTrackConstraints::from(MediaTrackConstraintSet::new().sample_rate(44_000));
        assert_eq!(select_settings(&list(), A, &c).unwrap(), 1);
    }

    #[test]
    fn select_step4_failure_names_constraint_failing_everywhere() {
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new()
                .sample_rate(ConstrainULong::min(8_000))
                .channel_count(ConstrainULong::exact(64)),
        );
        let e = select_settings(&list(), A, &c).unwrap_err();
        assert_eq!(e.constraint(), Some("channelCount"));
        // Each constraint alone is satisfiable, the combination is not: "".
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new()
                .sample_rate(ConstrainULong::exact(16_000))
                .channel_count(ConstrainULong::exact(2)),
        );
        assert_eq!(select_settings(&list(), A, &c).unwrap_err().constraint(), Some(""));
        // No candidates at all: the first required constraint is reported.
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(1)),
        );
        assert_eq!(select_settings(&[], A, &c).unwrap_err().constraint(), Some("channelCount"));
        // min > max is an ordinary unsatisfiable constraint.
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::new().sample_rate(ConstrainULong::range(48_000, 8_000)),
        );
        assert_eq!(select_settings(&list(), A, &c).unwrap_err().constraint(), Some("sampleRate"));
    }

    #[test]
    fn select_step5_advanced_sets_in_order_skip_unsatisfiable() {
        // First advanced set impossible (skipped), second narrows to mono, third would
        // want 44.1 kHz stereo, which is no longer possible with mono (skipped).
        let c = MediaTrackConstraints::new()
            .with_advanced(MediaTrackConstraintSet::new().channel_count(8))
            .with_advanced(MediaTrackConstraintSet::new().channel_count(1))
            .with_advanced(MediaTrackConstraintSet::new().sample_rate(44_100));
        assert_eq!(select_settings(&list(), A, &c).unwrap(), 2);
        // A set is applied as a whole: 16 kHz stereo does not exist, so the set is ignored
        // even though each member alone matches something.
        let c = MediaTrackConstraints::new()
            .with_advanced(MediaTrackConstraintSet::new().sample_rate(16_000).channel_count(2));
        assert_eq!(select_settings(&list(), A, &c).unwrap(), 0);
        // Bare values in advanced sets are exact, ideals are not required.
        let c = MediaTrackConstraints::new()
            .with_advanced(MediaTrackConstraintSet::new().sample_rate(ConstrainULong::ideal(1)));
        assert_eq!(select_settings(&list(), A, &c).unwrap(), 0);
    }

    #[test]
    fn select_step6_ties_use_defaults_then_order() {
        let c = MediaTrackConstraints::new();
        assert_eq!(select_settings(&list(), A, &c).unwrap(), 0);
        let mono = MediaTrackConstraintSet::new().channel_count(1);
        assert_eq!(select_settings_with_defaults(&list(), A, &c, Some(&mono)).unwrap(), 2);
        // Defaults never override the basic distance.
        let c = MediaTrackConstraints::from(MediaTrackConstraintSet::new().channel_count(2));
        assert_eq!(select_settings_with_defaults(&list(), A, &c, Some(&mono)).unwrap(), 0);
    }

    #[test]
    fn select_rejects_non_finite_doubles() {
        let c = MediaTrackConstraints::from(MediaTrackConstraintSet::new().latency(f64::NAN));
        let e = select_settings(&list(), A, &c).unwrap_err();
        assert_eq!(e.dom_name(), mediarec_core::DomErrorName::Type);
    }

    // ---- properties -------------------------------------------------------------------

    fn settings_strategy() -> impl Strategy<Value = MediaTrackSettings> {
        (
            prop::sample::select(vec![8_000u32, 16_000, 44_100, 48_000, 96_000]),
            1u32..=4,
            prop::sample::select(vec![16u32, 24, 32]),
            prop::option::of(prop::sample::select(vec![0.005f64, 0.01, 0.02])),
            any::<bool>(),
        )
            .prop_map(|(rate, ch, size, latency, ns)| MediaTrackSettings {
                sample_rate: Some(rate),
                channel_count: Some(ch),
                sample_size: Some(size),
                latency,
                noise_suppression: Some(ns),
                device_id: Some("mic".into()),
                ..Default::default()
            })
    }

    fn ulong_strategy() -> impl Strategy<Value = ConstrainULong> {
        let v = || prop::option::of(0u32..100_000);
        prop_oneof![
            (0u32..100_000).prop_map(ConstrainULong::Value),
            (v(), v(), v(), v()).prop_map(|(min, max, exact, ideal)| ConstrainULong::Range(
                crate::NumericRange { min, max, exact, ideal }
            )),
        ]
    }

    fn set_strategy() -> impl Strategy<Value = MediaTrackConstraintSet> {
        (
            prop::option::of(ulong_strategy()),
            prop::option::of(ulong_strategy().prop_map(|c| match c {
                ConstrainULong::Value(v) => ConstrainULong::Value(v % 5),
                ConstrainULong::Range(r) => ConstrainULong::Range(crate::NumericRange {
                    min: r.min.map(|v| v % 5),
                    max: r.max.map(|v| v % 5),
                    exact: r.exact.map(|v| v % 5),
                    ideal: r.ideal.map(|v| v % 5),
                }),
            })),
            prop::option::of(prop::sample::select(vec![0.0f64, 0.005, 0.01, 1.0]).prop_map(|v| {
                ConstrainDouble::Range(crate::NumericRange {
                    min: None,
                    max: Some(v),
                    exact: None,
                    ideal: Some(v / 2.0),
                })
            })),
            prop::option::of(any::<bool>().prop_map(ConstrainBoolean::from)),
        )
            .prop_map(|(rate, ch, lat, ns)| MediaTrackConstraintSet {
                sample_rate: rate,
                channel_count: ch,
                latency: lat,
                noise_suppression: ns,
                ..Default::default()
            })
    }

    proptest! {
        #[test]
        fn satisfying_dictionary_beats_unsatisfying_one(
            a in settings_strategy(),
            b in settings_strategy(),
            kinds in prop::collection::vec(0u8..4, 2),
            ideal_rate in prop::option::of(0u32..100_000),
            b_first in any::<bool>(),
        ) {
            // Required constraints that `a` meets by construction; ideals pull toward `b`.
            let around = |v: u32, k: u8| match k {
                0 => ConstrainULong::exact(v),
                1 => ConstrainULong::min(v),
                2 => ConstrainULong::max(v),
                _ => ConstrainULong::range(v.saturating_sub(1), v + 1),
            };
            let mut rate = around(a.sample_rate.unwrap(), kinds[0]);
            if let (ConstrainULong::Range(r), Some(i)) = (&mut rate, ideal_rate) {
                r.ideal = Some(i);
            }
            let set = MediaTrackConstraintSet::new()
                .sample_rate(rate)
                .channel_count(around(a.channel_count.unwrap(), kinds[1]))
                .noise_suppression(ConstrainBoolean::ideal(b.noise_suppression.unwrap()));
            let a_ok = fitness_distance(&a, A, &set, BareValues::Ideal).is_finite();
            let b_ok = fitness_distance(&b, A, &set, BareValues::Ideal).is_finite();
            prop_assert!(a_ok);
            prop_assume!(!b_ok);
            let c = MediaTrackConstraints::from(set);
            let list = if b_first { [b, a] } else { [a, b] };
            let winner = select_settings(&list, A, &c).unwrap();
            prop_assert_eq!(winner, if b_first { 1 } else { 0 });
        }

        #[test]
        fn exact_match_of_ideal_has_distance_zero(s in settings_strategy()) {
            let mut set = MediaTrackConstraintSet::new()
                .sample_rate(ConstrainULong::ideal(s.sample_rate.unwrap()))
                .channel_count(s.channel_count.unwrap())
                .noise_suppression(ConstrainBoolean::ideal(s.noise_suppression.unwrap()))
                .device_id(ConstrainDomString::ideal_str("mic"));
            if let Some(l) = s.latency {
                set = set.latency(ConstrainDouble::ideal(l));
            }
            prop_assert_eq!(fitness_distance(&s, A, &set, BareValues::Ideal), 0.0);
        }

        #[test]
        fn distance_is_never_negative_or_nan(s in settings_strategy(), set in set_strategy()) {
            for bare in [BareValues::Ideal, BareValues::Exact] {
                let d = fitness_distance(&s, A, &set, bare);
                prop_assert!(d >= 0.0 && !d.is_nan());
            }
        }
    }
}
