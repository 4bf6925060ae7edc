//! The settings dictionaries a source can produce, and SelectSettings over them (the
//! discretisation is documented on [`select_settings_for_device`]).

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use mediarec_core::MediaKind;

use crate::constraints::{
    AnyConstraint, BareValues, ConstrainBoolean, ConstrainBooleanOrDomString, ConstrainDomString,
    ConstrainDouble, ConstrainNumber, ConstrainULong, MediaTrackConstraintSet,
    MediaTrackConstraints,
};
use crate::device::{InputDeviceInfo, MIN_DECIMATED_FRAME_RATE, ValueRange, aspect_ratio};
use crate::error::{CaptureError, OverconstrainedError};
use crate::fitness::{DOUBLE_TOLERANCE, member_distance};
use crate::property::Property;
use crate::settings::MediaTrackSettings;

/// The most distinct values one axis of one mode keeps (see the module docs).
pub const MAX_VALUES_PER_AXIS: usize = 24;
const MAX_VIDEO_VALUES: usize = 16;
const EXACT_RATIO_SEARCH: u32 = 256;

/// The UA defaults used to break ties between equally fit settings (spec C.7 step 6):
/// video 640×480 at 30 fps without resizing, audio with echo cancellation, gain control
/// and noise suppression on (where the device offers them). They are preferences of
/// lower rank than every constraint, and a default is dropped for a property the
/// constraints mention (for width/height/aspectRatio, mentioning one replaces the size
/// defaults by the native aspect ratio of each mode).
pub fn ua_defaults(kind: MediaKind) -> MediaTrackConstraintSet {
    match kind {
        MediaKind::Video => MediaTrackConstraintSet::new()
            .width(ConstrainULong::ideal(640))
            .height(ConstrainULong::ideal(480))
            .frame_rate(ConstrainDouble::ideal(30.0))
            .resize_mode(ConstrainDomString::ideal_str("none")),
        MediaKind::Audio => MediaTrackConstraintSet::new()
            .echo_cancellation(ConstrainBooleanOrDomString::ideal(true.into()))
            .auto_gain_control(ConstrainBoolean::ideal(true))
            .noise_suppression(ConstrainBoolean::ideal(true)),
    }
}

/// One mode: a product of axes.
#[derive(Debug, Clone)]
struct Mode {
    device: usize,
    axes: Vec<Vec<MediaTrackSettings>>,
    cover: [Option<usize>; 17],
    defaults: MediaTrackConstraintSet,
}

impl Mode {
    fn new(
        device: usize,
        axes: Vec<Vec<MediaTrackSettings>>,
        defaults: MediaTrackConstraintSet,
    ) -> Self {
        let mut cover = [None; 17];
        for (i, axis) in axes.iter().enumerate() {
            for p in Property::ALL {
                if axis.iter().any(|s| s.has(p)) {
                    cover[p.index()] = Some(i);
                }
            }
        }
        Mode { device, axes, cover, defaults }
    }

    fn axis_of(&self, p: Property) -> Option<usize> {
        self.cover.get(p.index()).copied().flatten()
    }
}

/// The candidate space of one or more sources.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    kind: MediaKind,
    modes: Vec<Mode>,
}

/// The members of `set` sorted by the axis of `mode` they read (`None` = uncovered).
type Members<'a> = Vec<(Property, AnyConstraint<'a>)>;

fn split_members<'a>(
    mode: &Mode,
    set: &'a MediaTrackConstraintSet,
) -> (Vec<Members<'a>>, Members<'a>) {
    let mut per_axis = vec![Vec::new(); mode.axes.len()];
    let mut uncovered = Vec::new();
    for (p, c) in set.members() {
        match mode.axis_of(p).and_then(|i| per_axis.get_mut(i)) {
            Some(list) => list.push((p, c)),
            None => uncovered.push((p, c)),
        }
    }
    (per_axis, uncovered)
}

fn point_distance(
    s: &MediaTrackSettings,
    members: &[(Property, AnyConstraint<'_>)],
    kind: MediaKind,
    bare: BareValues,
) -> f64 {
    members.iter().map(|(p, c)| member_distance(*p, *c, s.get(*p), kind, bare)).sum()
}

fn uncovered_distance(
    members: &[(Property, AnyConstraint<'_>)],
    kind: MediaKind,
    bare: BareValues,
) -> f64 {
    members.iter().map(|(p, c)| member_distance(*p, *c, None, kind, bare)).sum()
}

/// A surviving mode during selection: per axis, the indices of the surviving points with
/// their step-3 distance.
struct Alive {
    mode: usize,
    base: f64,
    axes: Vec<Vec<(usize, f64)>>,
}

impl Space {
    /// The candidate space of `devices` (all of `kind`; others are skipped), discretised
    /// for `constraints` and `defaults`. `device` indices in results refer to `devices`.
    pub(crate) fn build(
        kind: MediaKind,
        devices: &[&InputDeviceInfo],
        constraints: &MediaTrackConstraints,
        defaults: &MediaTrackConstraintSet,
    ) -> Self {
        let mut sets: Vec<&MediaTrackConstraintSet> = vec![&constraints.basic];
        sets.extend(constraints.advanced.iter());
        let mentioned = |p: Property| sets.iter().any(|s| s.get(p).is_some());
        let mut base_defaults = defaults.clone();
        for p in Property::ALL {
            if mentioned(p) {
                base_defaults.remove(p);
            }
        }
        let size_mentioned =
            [Property::Width, Property::Height, Property::AspectRatio].into_iter().any(mentioned);
        if size_mentioned {
            base_defaults.width = None;
            base_defaults.height = None;
        }
        let mut all_sets = sets.clone();
        all_sets.push(defaults);
        let targets = |p: Property| numeric_targets(p, &all_sets);

        let mut modes = Vec::new();
        for (index, dev) in devices.iter().enumerate().filter(|(_, d)| d.kind == kind) {
            let fixed = MediaTrackSettings {
                device_id: Some(dev.device_id.clone()),
                group_id: Some(dev.group_id.clone()),
                ..MediaTrackSettings::default()
            };
            match kind {
                MediaKind::Audio => {
                    build_audio(index, dev, fixed, &base_defaults, &targets, &mut modes)
                }
                MediaKind::Video => {
                    let ratio_default = size_mentioned && !mentioned(Property::AspectRatio);
                    build_video(
                        index,
                        dev,
                        fixed,
                        &base_defaults,
                        ratio_default,
                        &targets,
                        &mut modes,
                    )
                }
            }
        }
        Space { kind, modes }
    }

    /// SelectSettings (spec C.7) over every dictionary of the space. Returns the device
    /// index and the chosen settings.
    pub(crate) fn select(
        &self,
        constraints: &MediaTrackConstraints,
    ) -> Result<(usize, MediaTrackSettings), CaptureError> {
        constraints.validate()?;
        let kind = self.kind;
        // Step 3: distances to the basic set, bare values as ideals.
        let mut alive: Vec<Alive> = Vec::new();
        for (mi, mode) in self.modes.iter().enumerate() {
            let (per_axis, uncovered) = split_members(mode, &constraints.basic);
            let base = uncovered_distance(&uncovered, kind, BareValues::Ideal);
            if !base.is_finite() {
                continue;
            }
            let axes: Vec<Vec<(usize, f64)>> = mode
                .axes
                .iter()
                .zip(&per_axis)
                .map(|(axis, members)| {
                    axis.iter()
                        .enumerate()
                        .map(|(i, s)| (i, point_distance(s, members, kind, BareValues::Ideal)))
                        .filter(|(_, d)| d.is_finite())
                        .collect()
                })
                .collect();
            if axes.iter().all(|a| !a.is_empty()) {
                alive.push(Alive { mode: mi, base, axes });
            }
        }
        // Step 4.
        if alive.is_empty() {
            return Err(
                OverconstrainedError::new(self.failed_constraint(&constraints.basic)).into()
            );
        }
        // Step 5: advanced sets in order, bare values as exact.
        for set in &constraints.advanced {
            let filtered: Vec<Alive> = alive
                .iter()
                .filter_map(|a| {
                    let mode = self.modes.get(a.mode)?;
                    let (per_axis, uncovered) = split_members(mode, set);
                    if !uncovered_distance(&uncovered, kind, BareValues::Exact).is_finite() {
                        return None;
                    }
                    let axes: Vec<Vec<(usize, f64)>> = a
                        .axes
                        .iter()
                        .zip(mode.axes.iter().zip(&per_axis))
                        .map(|(points, (axis, members))| {
                            points
                                .iter()
                                .copied()
                                .filter(|(i, _)| {
                                    axis.get(*i).is_some_and(|s| {
                                        point_distance(s, members, kind, BareValues::Exact)
                                            .is_finite()
                                    })
                                })
                                .collect()
                        })
                        .collect();
                    axes.iter().all(|x: &Vec<(usize, f64)>| !x.is_empty()).then_some(Alive {
                        mode: a.mode,
                        base: a.base,
                        axes,
                    })
                })
                .collect();
            if !filtered.is_empty() {
                alive = filtered;
            }
        }
        // Step 6: smallest basic distance, then smallest distance to the defaults, then
        // the earliest candidate.
        let mut best: Option<(f64, f64, usize, MediaTrackSettings)> = None;
        for a in &alive {
            let Some(mode) = self.modes.get(a.mode) else { continue };
            let (per_axis, uncovered) = split_members(mode, &mode.defaults);
            let mut primary = a.base;
            let mut secondary = uncovered_distance(&uncovered, kind, BareValues::Ideal);
            let mut settings = MediaTrackSettings::default();
            for ((points, axis), members) in a.axes.iter().zip(&mode.axes).zip(&per_axis) {
                let mut pick: Option<(f64, f64, &MediaTrackSettings)> = None;
                for &(i, d) in points {
                    let Some(s) = axis.get(i) else { continue };
                    let sd = point_distance(s, members, kind, BareValues::Ideal);
                    if pick.is_none_or(|(bd, bs, _)| d < bd || (d == bd && sd < bs)) {
                        pick = Some((d, sd, s));
                    }
                }
                if let Some((d, sd, s)) = pick {
                    primary += d;
                    secondary += sd;
                    settings.merge_from(s);
                }
            }
            if best
                .as_ref()
                .is_none_or(|(bp, bs, _, _)| primary < *bp || (primary == *bp && secondary < *bs))
            {
                best = Some((primary, secondary, mode.device, settings));
            }
        }
        best.map(|(_, _, device, s)| (device, s))
            .ok_or_else(|| OverconstrainedError::new("").into())
    }

    /// ApplyConstraints step 2 over the space: a required basic member that is infinite
    /// for every dictionary.
    fn failed_constraint(&self, basic: &MediaTrackConstraintSet) -> &'static str {
        let kind = self.kind;
        basic
            .members()
            .filter(|(_, c)| c.is_required())
            .find(|(p, c)| {
                self.modes.iter().all(|m| match m.axis_of(*p).and_then(|i| m.axes.get(i)) {
                    None => member_distance(*p, *c, None, kind, BareValues::Ideal).is_infinite(),
                    Some(axis) => axis.iter().all(|s| {
                        member_distance(*p, *c, s.get(*p), kind, BareValues::Ideal).is_infinite()
                    }),
                })
            })
            .map_or("", |(p, _)| p.name())
    }

    /// Every dictionary of the space with its device, in preference order (tests only:
    /// the product can be large).
    #[cfg(test)]
    pub(crate) fn expand(&self) -> Vec<(usize, MediaTrackSettings)> {
        let mut out = Vec::new();
        for m in &self.modes {
            let mut partial = vec![MediaTrackSettings::default()];
            for axis in &m.axes {
                let mut next = Vec::new();
                for p in &partial {
                    for s in axis {
                        let mut q = p.clone();
                        q.merge_from(s);
                        next.push(q);
                    }
                }
                partial = next;
            }
            out.extend(partial.into_iter().map(|s| (m.device, s)));
        }
        out
    }

    #[cfg(test)]
    pub(crate) fn mode_defaults(&self) -> Vec<MediaTrackConstraintSet> {
        self.modes.iter().map(|m| m.defaults.clone()).collect()
    }
}

/// Every number mentioned for `p` in `sets`, in order.
fn numeric_targets(p: Property, sets: &[&MediaTrackConstraintSet]) -> Vec<f64> {
    let mut out = Vec::new();
    for s in sets {
        match s.get(p) {
            Some(AnyConstraint::ULong(c)) => push_number(&mut out, c, |v| f64::from(*v)),
            Some(AnyConstraint::Double(c)) => push_number(&mut out, c, |v| *v),
            _ => {}
        }
    }
    out
}

fn push_number<T>(out: &mut Vec<f64>, c: &ConstrainNumber<T>, f: impl Fn(&T) -> f64) {
    match c {
        ConstrainNumber::Value(v) => out.push(f(v)),
        ConstrainNumber::Range(r) => {
            out.extend([&r.exact, &r.ideal, &r.min, &r.max].into_iter().flatten().map(&f));
        }
    }
}

fn clamp_u32(v: f64, lo: u32, hi: u32) -> Option<u32> {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if v.is_nan() {
        return None;
    }
    let r = if v <= f64::from(lo) {
        lo
    } else if v >= f64::from(hi) {
        hi
    } else {
        // In range, so the cast cannot saturate; +0.5 rounds half up.
        (v + 0.5) as u32
    };
    Some(r.clamp(lo, hi))
}

fn ulong_axis(range: ValueRange<u32>, targets: &[f64], cap: usize) -> Vec<u32> {
    let (lo, hi) = (range.min.min(range.max), range.min.max(range.max));
    let mut out = vec![range.preferred.clamp(lo, hi)];
    for &t in targets {
        if out.len() >= cap {
            break;
        }
        if let Some(v) = clamp_u32(t, lo, hi)
            && !out.contains(&v)
        {
            out.push(v);
        }
    }
    out
}

fn double_axis(range: ValueRange<f64>, targets: &[f64], cap: usize) -> Vec<f64> {
    let (lo, hi) = (range.min.min(range.max), range.min.max(range.max));
    let clamp = |v: f64| {
        if v < lo {
            lo
        } else if v > hi {
            hi
        } else {
            v
        }
    };
    let mut out = vec![clamp(range.preferred)];
    for &t in targets {
        if out.len() >= cap {
            break;
        }
        if t.is_finite() {
            let v = clamp(t);
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

fn points<T: Copy>(values: &[T], f: impl Fn(T) -> MediaTrackSettings) -> Vec<MediaTrackSettings> {
    values.iter().map(|v| f(*v)).collect()
}

fn toggle_axis(
    values: &[bool],
    f: impl Fn(bool) -> MediaTrackSettings,
) -> Option<Vec<MediaTrackSettings>> {
    let mut seen = Vec::new();
    for v in values {
        if !seen.contains(v) {
            seen.push(*v);
        }
    }
    (!seen.is_empty()).then(|| points(&seen, f))
}

fn build_audio(
    index: usize,
    dev: &InputDeviceInfo,
    fixed: MediaTrackSettings,
    defaults: &MediaTrackConstraintSet,
    targets: &dyn Fn(Property) -> Vec<f64>,
    modes: &mut Vec<Mode>,
) {
    let mut toggles: Vec<Vec<MediaTrackSettings>> = Vec::new();
    let mut ec = Vec::new();
    for v in &dev.echo_cancellation {
        if !ec.contains(v) {
            ec.push(v.clone());
        }
    }
    if !ec.is_empty() {
        toggles.push(
            ec.into_iter()
                .map(|v| MediaTrackSettings { echo_cancellation: Some(v), ..Default::default() })
                .collect(),
        );
    }
    toggles.extend(toggle_axis(&dev.auto_gain_control, |v| MediaTrackSettings {
        auto_gain_control: Some(v),
        ..Default::default()
    }));
    toggles.extend(toggle_axis(&dev.noise_suppression, |v| MediaTrackSettings {
        noise_suppression: Some(v),
        ..Default::default()
    }));
    toggles.extend(toggle_axis(&dev.voice_isolation, |v| MediaTrackSettings {
        voice_isolation: Some(v),
        ..Default::default()
    }));

    if dev.audio_modes.is_empty() {
        let mut axes = vec![vec![fixed]];
        axes.extend(toggles);
        modes.push(Mode::new(index, axes, defaults.clone()));
        return;
    }
    let (rates, channels, sizes, latencies) = (
        targets(Property::SampleRate),
        targets(Property::ChannelCount),
        targets(Property::SampleSize),
        targets(Property::Latency),
    );
    let cap = MAX_VALUES_PER_AXIS;
    for m in &dev.audio_modes {
        let mut axes = vec![vec![fixed.clone()]];
        axes.push(points(&ulong_axis(m.sample_rate, &rates, cap), |v| MediaTrackSettings {
            sample_rate: Some(v),
            ..Default::default()
        }));
        axes.push(points(&ulong_axis(m.channel_count, &channels, cap), |v| MediaTrackSettings {
            channel_count: Some(v),
            ..Default::default()
        }));
        axes.push(points(&ulong_axis(m.sample_size, &sizes, cap), |v| MediaTrackSettings {
            sample_size: Some(v),
            ..Default::default()
        }));
        if let Some(l) = m.latency {
            axes.push(points(&double_axis(l, &latencies, cap), |v| MediaTrackSettings {
                latency: Some(v),
                ..Default::default()
            }));
        }
        axes.extend(toggles.iter().cloned());
        modes.push(Mode::new(index, axes, defaults.clone()));
    }
}

fn build_video(
    index: usize,
    dev: &InputDeviceInfo,
    mut fixed: MediaTrackSettings,
    defaults: &MediaTrackConstraintSet,
    ratio_default: bool,
    targets: &dyn Fn(Property) -> Vec<f64>,
    modes: &mut Vec<Mode>,
) {
    fixed.facing_mode = dev.facing_mode.clone();
    let blur = toggle_axis(&dev.background_blur, |v| MediaTrackSettings {
        background_blur: Some(v),
        ..Default::default()
    });
    let defaults_for = |native: f64| {
        let mut d = defaults.clone();
        if ratio_default {
            d.aspect_ratio = Some(ConstrainDouble::ideal(native));
        }
        d
    };
    let with_resize =
        |mode: &str| MediaTrackSettings { resize_mode: Some(String::from(mode)), ..fixed.clone() };
    if dev.video_modes.is_empty() {
        let mut axes = vec![vec![with_resize("none")]];
        axes.extend(blur.clone());
        modes.push(Mode::new(index, axes, defaults.clone()));
        return;
    }
    // Native modes first ("none"), then their crop-and-scale twins.
    for v in &dev.video_modes {
        let native = aspect_ratio(v.width, v.height);
        let point = MediaTrackSettings {
            width: Some(v.width),
            height: Some(v.height),
            aspect_ratio: Some(native),
            frame_rate: Some(v.frame_rate),
            ..with_resize("none")
        };
        let mut axes = vec![vec![point]];
        axes.extend(blur.clone());
        modes.push(Mode::new(index, axes, defaults_for(native)));
    }
    if !dev.crop_and_scale {
        return;
    }
    let (ws, hs, rs, fs) = (
        targets(Property::Width),
        targets(Property::Height),
        targets(Property::AspectRatio),
        targets(Property::FrameRate),
    );
    for v in &dev.video_modes {
        if v.width == 0 || v.height == 0 {
            continue;
        }
        let native = aspect_ratio(v.width, v.height);
        let sizes = joint_sizes(v.width, v.height, native, &ws, &hs, &rs);
        let size_axis = sizes
            .into_iter()
            .map(|(w, h)| MediaTrackSettings {
                width: Some(w),
                height: Some(h),
                aspect_ratio: Some(aspect_ratio(w, h)),
                ..Default::default()
            })
            .collect();
        let lo = v.frame_rate.min(MIN_DECIMATED_FRAME_RATE);
        let rates =
            double_axis(ValueRange::new(lo, v.frame_rate, v.frame_rate), &fs, MAX_VIDEO_VALUES);
        let mut axes = vec![
            vec![with_resize("crop-and-scale")],
            size_axis,
            points(&rates, |f| MediaTrackSettings { frame_rate: Some(f), ..Default::default() }),
        ];
        axes.extend(blur.clone());
        modes.push(Mode::new(index, axes, defaults_for(native)));
    }
}

/// Width/height pairs crop-and-scale can produce from a `w_max`×`h_max` native mode.
fn joint_sizes(
    w_max: u32,
    h_max: u32,
    native: f64,
    width_targets: &[f64],
    height_targets: &[f64],
    ratio_targets: &[f64],
) -> Vec<(u32, u32)> {
    let ws = ulong_axis(ValueRange::new(1, w_max, w_max), width_targets, MAX_VIDEO_VALUES);
    let hs = ulong_axis(ValueRange::new(1, h_max, h_max), height_targets, MAX_VIDEO_VALUES);
    let mut ratios = vec![native];
    for &r in ratio_targets {
        if ratios.len() >= MAX_VIDEO_VALUES {
            break;
        }
        if r.is_finite() && r > 0.0 && !ratios.contains(&r) {
            ratios.push(r);
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |w: u32, h: u32| {
        if seen.insert((w, h)) {
            out.push((w, h));
        }
    };
    for &w in &ws {
        for &h in &hs {
            push(w, h);
        }
    }
    for &r in &ratios {
        for &w in &ws {
            if let Some(h) = clamp_u32(f64::from(w) / r, 1, h_max) {
                push(w, h);
            }
        }
        for &h in &hs {
            if let Some(w) = clamp_u32(f64::from(h) * r, 1, w_max) {
                push(w, h);
            }
        }
        if let Some((w, h)) = largest_with_ratio(w_max, h_max, r) {
            push(w, h);
        }
    }
    out
}

/// The largest size within `w_max`×`h_max` whose (rounded) aspect ratio equals `r`.
fn largest_with_ratio(w_max: u32, h_max: u32, r: f64) -> Option<(u32, u32)> {
    let q = f64::from(w_max) / r;
    if q.is_nan() {
        return None;
    }
    // A saturating cast truncates, which is the floor for the positive quotient.
    let h0 = (q as u32).clamp(1, h_max.max(1));
    let stop = h0.saturating_sub(EXACT_RATIO_SEARCH).max(1);
    let mut h = h0;
    loop {
        if let Some(w) = clamp_u32(f64::from(h) * r, 1, w_max)
            && (aspect_ratio(w, h) - r).abs() <= DOUBLE_TOLERANCE
        {
            return Some((w, h));
        }
        if h <= stop {
            return None;
        }
        h -= 1;
    }
}

/// SelectSettings for one source: the settings a track from `device` gets under
/// `constraints`, with `defaults` breaking ties (usually [`ua_defaults`]).
///
/// # How ranges become candidates
///
/// A source is a list of *modes* (for audio, [`AudioMode`](crate::AudioMode)s; for video,
/// each native [`VideoMode`](crate::VideoMode) twice: as itself with `resizeMode: "none"`, and as the origin of
/// `"crop-and-scale"` output). Within a mode every property is an independent *axis* of
/// values, except video's width, height and aspect ratio, which form one joint axis. The
/// settings dictionaries of a mode are all combinations of one value per axis.
///
/// A numeric range is reduced to the values SelectSettings can need:
///
/// 1. the mode's preferred value (first, so ties go to it);
/// 2. every number a constraint mentions for the property (bare value, `exact`, `ideal`,
///    `min`, `max`; basic set, then advanced sets in order, then UA defaults), rounded for
///    integer properties and clamped into the range.
///
/// The fitness distance of a single property grows monotonically as the value moves away
/// from the ideal, and required constraints cut the range at the listed numbers, so the
/// best value of any feasible sub-range is one of these. Each axis keeps at most
/// [`MAX_VALUES_PER_AXIS`] distinct values (first come, first kept), which bounds the work
/// for hostile input.
///
/// For the joint video axis, crop-and-scale offers every width/height pair from the lists
/// above, plus, for the native aspect ratio and every aspect-ratio number in the
/// constraints, the pairs that keep that ratio for each listed width or height and the
/// largest pair that matches the ratio exactly. Frame rates range from
/// 1 fps (or the native rate, if lower) up to the native rate.
///
/// # Why the search is per axis
///
/// The fitness distance is a sum over properties, and every constraint member reads one
/// axis only. So within a mode, SelectSettings can filter each axis separately (steps 3
/// and 5) and pick the best value per axis (step 6), and the best dictionary overall is the
/// best mode's. This finds the same optimum as the spec's search over every combination
/// (property-tested against [`select_settings`](crate::select_settings) on the expanded
/// list), without enumerating the combinations.
///
/// ```
/// use mediarec_stream::{select_settings_for_device, ua_defaults, AudioMode, ConstrainULong,
///     InputDeviceInfo, MediaTrackConstraintSet, MediaTrackConstraints, ValueRange};
/// use mediarec_core::MediaKind;
/// let mic = InputDeviceInfo::microphone("m", "Mic", "g", vec![AudioMode {
///     channel_count: ValueRange::new(1, 2, 2), ..AudioMode::fixed(48_000, 2, 16) }]);
/// let c = MediaTrackConstraints::from(
///     MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(1)));
/// let s = select_settings_for_device(&mic, &c, &ua_defaults(MediaKind::Audio)).unwrap();
/// assert_eq!((s.channel_count, s.sample_rate), (Some(1), Some(48_000)));
/// ```
pub fn select_settings_for_device(
    device: &InputDeviceInfo,
    constraints: &MediaTrackConstraints,
    defaults: &MediaTrackConstraintSet,
) -> Result<MediaTrackSettings, CaptureError> {
    Space::build(device.kind, &[device], constraints, defaults).select(constraints).map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{AudioMode, VideoMode};
    use crate::fitness::{fitness_distance, select_settings_with_defaults};
    use crate::settings::BoolOrString;
    use proptest::prelude::*;

    fn mic() -> InputDeviceInfo {
        InputDeviceInfo::microphone(
            "mic",
            "Mic",
            "g1",
            vec![
                AudioMode {
                    channel_count: ValueRange::new(1, 2, 2),
                    ..AudioMode::fixed(48_000, 2, 16)
                },
                AudioMode {
                    channel_count: ValueRange::new(1, 2, 2),
                    ..AudioMode::fixed(44_100, 2, 16)
                },
            ],
        )
    }

    fn cam() -> InputDeviceInfo {
        InputDeviceInfo::camera(
            "cam",
            "Cam",
            "g2",
            vec![VideoMode::new(1280, 720, 30.0), VideoMode::new(640, 480, 30.0)],
        )
    }

    fn select(
        dev: &InputDeviceInfo,
        c: &MediaTrackConstraints,
    ) -> Result<MediaTrackSettings, CaptureError> {
        select_settings_for_device(dev, c, &ua_defaults(dev.kind))
    }

    fn basic(set: MediaTrackConstraintSet) -> MediaTrackConstraints {
        MediaTrackConstraints::from(set)
    }

    #[test]
    fn axis_discretisation() {
        let r = ValueRange::new(8_000, 48_000, 48_000);
        assert_eq!(
            ulong_axis(r, &[16_000.0, 96_000.0, 1.0, f64::NAN, 16_000.4], 24),
            [48_000, 16_000, 8_000]
        );
        assert_eq!(ulong_axis(ValueRange::new(5, 1, 9), &[3.0], 24), [5, 3], "swapped range");
        assert_eq!(ulong_axis(r, &[9_000.0, 10_000.0, 11_000.0], 2), [48_000, 9_000], "cap");
        assert_eq!(clamp_u32(1e12, 0, u32::MAX), Some(u32::MAX));
        assert_eq!(clamp_u32(2.5, 0, 10), Some(3));
        let d = double_axis(ValueRange::new(0.01, 0.1, 0.02), &[0.0, 0.05, f64::INFINITY], 24);
        assert_eq!(d, [0.02, 0.01, 0.05]);
    }

    #[test]
    fn typical_mic_defaults_to_preferred_mode() {
        let s = select(&mic(), &MediaTrackConstraints::new()).unwrap();
        assert_eq!(s.sample_rate, Some(48_000));
        assert_eq!(s.channel_count, Some(2));
        assert_eq!(s.sample_size, Some(16));
        assert_eq!(s.echo_cancellation, Some(BoolOrString::Bool(false)));
        assert_eq!(s.device_id.as_deref(), Some("mic"));
        assert_eq!(s.group_id.as_deref(), Some("g1"));
        assert_eq!(s.width, None);
    }

    #[test]
    fn ideal_sample_rate_picks_closest_offered() {
        let c = basic(
            MediaTrackConstraintSet::new()
                .channel_count(ConstrainULong::exact(1))
                .sample_rate(ConstrainULong::ideal(16_000)),
        );
        let s = select(&mic(), &c).unwrap();
        assert_eq!((s.channel_count, s.sample_rate), (Some(1), Some(44_100)));
        // A resampling device reaches the ideal exactly.
        let mut any_rate = mic();
        any_rate.audio_modes[0].sample_rate = ValueRange::new(8_000, 96_000, 48_000);
        assert_eq!(select(&any_rate, &c).unwrap().sample_rate, Some(16_000));
    }

    #[test]
    fn overconstrained_names_the_constraint() {
        let c = basic(MediaTrackConstraintSet::new().channel_count(ConstrainULong::exact(64)));
        assert_eq!(select(&mic(), &c).unwrap_err().constraint(), Some("channelCount"));
        let c = basic(MediaTrackConstraintSet::new().device_id(ConstrainDomString::exact_str("x")));
        assert_eq!(select(&mic(), &c).unwrap_err().constraint(), Some("deviceId"));
        let c = basic(MediaTrackConstraintSet::new().latency(ConstrainDouble::max(0.1)));
        assert_eq!(select(&mic(), &c).unwrap_err().constraint(), Some("latency"), "unknown");
        let c = basic(MediaTrackConstraintSet::new().width(ConstrainULong::min(1)));
        assert_eq!(select(&mic(), &c).unwrap_err().constraint(), Some("width"));
        // Combination only.
        let c = basic(
            MediaTrackConstraintSet::new()
                .sample_rate(ConstrainULong::exact(44_100))
                .device_id(ConstrainDomString::exact_str("mic"))
                .echo_cancellation(ConstrainBooleanOrDomString::exact(true.into())),
        );
        assert_eq!(select(&mic(), &c).unwrap_err().constraint(), Some("echoCancellation"));
    }

    #[test]
    fn ideal_for_unknown_member_is_harmless() {
        let c = basic(MediaTrackConstraintSet::new().latency(0.01).width(640));
        assert!(select(&mic(), &c).is_ok());
    }

    #[test]
    fn advanced_sets_steer_choice() {
        let c = MediaTrackConstraints::new()
            .with_advanced(MediaTrackConstraintSet::new().sample_rate(96_000))
            .with_advanced(MediaTrackConstraintSet::new().sample_rate(44_100).channel_count(1));
        let s = select(&mic(), &c).unwrap();
        assert_eq!((s.sample_rate, s.channel_count), (Some(44_100), Some(1)));
    }

    #[test]
    fn video_defaults_and_native_modes() {
        let s = select(&cam(), &MediaTrackConstraints::new()).unwrap();
        assert_eq!((s.width, s.height), (Some(640), Some(480)));
        assert_eq!(s.resize_mode.as_deref(), Some("none"), "native 640x480 preferred");
        assert_eq!(s.frame_rate, Some(30.0));
        assert_eq!(s.facing_mode, None);
        let c = basic(MediaTrackConstraintSet::new().width(1280));
        let s = select(&cam(), &c).unwrap();
        assert_eq!(
            (s.width, s.height, s.resize_mode.as_deref()),
            (Some(1280), Some(720), Some("none"))
        );
    }

    #[test]
    fn crop_and_scale_keeps_native_ratio_when_size_is_constrained() {
        let c = basic(MediaTrackConstraintSet::new().width(ConstrainULong::exact(960)));
        let s = select(&cam(), &c).unwrap();
        assert_eq!((s.width, s.height), (Some(960), Some(540)));
        assert_eq!(s.resize_mode.as_deref(), Some("crop-and-scale"));
        let c = basic(MediaTrackConstraintSet::new().height(ConstrainULong::exact(360)));
        let s = select(&cam(), &c).unwrap();
        assert_eq!((s.width, s.height), (Some(640), Some(360)));
    }

    #[test]
    fn exact_aspect_ratio_and_frame_rate() {
        let c = basic(
            MediaTrackConstraintSet::new()
                .aspect_ratio(ConstrainDouble::exact(1.5))
                .frame_rate(ConstrainDouble::exact(15.0)),
        );
        let s = select(&cam(), &c).unwrap();
        let (w, h) = (s.width.unwrap(), s.height.unwrap());
        assert!((f64::from(w) / f64::from(h) - 1.5).abs() < 1e-6, "{w}x{h}");
        assert_eq!(s.frame_rate, Some(15.0));
        assert_eq!(s.resize_mode.as_deref(), Some("crop-and-scale"));
        // Upscaling is never offered.
        let c = basic(MediaTrackConstraintSet::new().width(ConstrainULong::min(1920)));
        assert_eq!(select(&cam(), &c).unwrap_err().constraint(), Some("width"));
        let c = basic(MediaTrackConstraintSet::new().frame_rate(ConstrainDouble::min(60.0)));
        assert_eq!(select(&cam(), &c).unwrap_err().constraint(), Some("frameRate"));
    }

    #[test]
    fn resize_mode_none_restricts_to_native() {
        let c = basic(
            MediaTrackConstraintSet::new()
                .resize_mode(ConstrainDomString::exact_str("none"))
                .width(ConstrainULong::ideal(1000)),
        );
        let s = select(&cam(), &c).unwrap();
        assert_eq!((s.width, s.height), (Some(1280), Some(720)));
        let mut fixed = cam();
        fixed.crop_and_scale = false;
        let c = basic(MediaTrackConstraintSet::new().width(ConstrainULong::exact(320)));
        assert_eq!(select(&fixed, &c).unwrap_err().constraint(), Some("width"));
    }

    #[test]
    fn facing_mode_and_blur() {
        let mut dev = cam();
        dev.facing_mode = Some("environment".into());
        dev.background_blur = vec![false, true];
        let c = basic(
            MediaTrackConstraintSet::new()
                .facing_mode(ConstrainDomString::exact_str("environment"))
                .background_blur(true),
        );
        let s = select(&dev, &c).unwrap();
        assert_eq!(s.facing_mode.as_deref(), Some("environment"));
        assert_eq!(s.background_blur, Some(true));
        let c = basic(
            MediaTrackConstraintSet::new().facing_mode(ConstrainDomString::exact_str("user")),
        );
        assert_eq!(select(&dev, &c).unwrap_err().constraint(), Some("facingMode"));
    }

    #[test]
    fn mentioned_properties_drop_their_defaults() {
        let c = basic(MediaTrackConstraintSet::new().width(1000).frame_rate(10.0));
        let space = Space::build(MediaKind::Video, &[&cam()], &c, &ua_defaults(MediaKind::Video));
        for d in space.mode_defaults() {
            assert!(d.width.is_none() && d.height.is_none() && d.frame_rate.is_none());
            assert!(d.aspect_ratio.is_some(), "native ratio replaces the size defaults");
            assert!(d.resize_mode.is_some());
        }
    }

    #[test]
    fn devices_without_modes_still_have_ids() {
        let mut dev = mic();
        dev.audio_modes.clear();
        let s = select(&dev, &MediaTrackConstraints::new()).unwrap();
        assert_eq!(s.sample_rate, None);
        assert_eq!(s.device_id.as_deref(), Some("mic"));
        let mut dev = cam();
        dev.video_modes.clear();
        assert_eq!(
            select(&dev, &MediaTrackConstraints::new()).unwrap().resize_mode.as_deref(),
            Some("none")
        );
    }

    #[test]
    fn hostile_sizes_do_not_blow_up() {
        let dev = InputDeviceInfo::camera(
            "c",
            "C",
            "g",
            vec![
                VideoMode::new(u32::MAX, 1, f64::MAX),
                VideoMode::new(0, 0, 0.0),
                VideoMode::new(1, u32::MAX, f64::NAN),
            ],
        );
        let c = basic(MediaTrackConstraintSet::new().aspect_ratio(1e-300).width(u32::MAX));
        let _ = select(&dev, &c);
        let _ = dev.get_capabilities();
    }

    // ---- the structured search agrees with the literal algorithm ----------------------

    fn audio_devices() -> impl Strategy<Value = Vec<InputDeviceInfo>> {
        let mode = (
            prop::sample::select(vec![8_000u32, 16_000, 44_100, 48_000]),
            0u32..3,
            1u32..3,
            prop::option::of(Just(ValueRange::new(0.01, 0.05, 0.02))),
        )
            .prop_map(|(rate, spread, ch, latency)| AudioMode {
                sample_rate: ValueRange::new(rate, rate + spread * 8_000, rate),
                channel_count: ValueRange::new(1, ch, ch),
                sample_size: ValueRange::fixed(16),
                latency,
            });
        let dev = (prop::collection::vec(mode, 0..3), any::<bool>(), 0u8..2).prop_map(
            |(modes, ns, id)| {
                let mut d =
                    InputDeviceInfo::microphone(if id == 0 { "a" } else { "b" }, "", "g", modes);
                if ns {
                    d.noise_suppression = alloc::vec![true, false];
                }
                d
            },
        );
        prop::collection::vec(dev, 1..3)
    }

    fn ulong() -> impl Strategy<Value = ConstrainULong> {
        let v = || {
            prop::option::of(prop::sample::select(vec![
                1u32, 2, 3, 8_000, 16_000, 20_000, 44_100, 48_000,
            ]))
        };
        prop_oneof![
            v().prop_map(|x| ConstrainULong::Value(x.unwrap_or(0))),
            (v(), v(), v(), v()).prop_map(|(min, max, exact, ideal)| ConstrainULong::Range(
                crate::NumericRange { min, max, exact, ideal }
            )),
        ]
    }

    fn ulong_near(lo: u32, hi: u32) -> impl Strategy<Value = ConstrainULong> {
        let v = move || prop::option::of(lo..hi);
        prop_oneof![
            (lo..hi).prop_map(ConstrainULong::Value),
            (v(), v(), v(), v()).prop_map(|(min, max, exact, ideal)| ConstrainULong::Range(
                crate::NumericRange { min, max, exact, ideal }
            )),
        ]
    }

    fn set() -> impl Strategy<Value = MediaTrackConstraintSet> {
        (
            prop::option::of(ulong()),
            prop::option::of(ulong()),
            prop::option::of(
                prop::sample::select(vec![0.0f64, 0.015, 0.03, 0.1])
                    .prop_map(ConstrainDouble::from),
            ),
            prop::option::of(any::<bool>().prop_map(ConstrainBoolean::from)),
            prop::option::of(
                prop::sample::select(vec!["a", "b", "c"]).prop_map(ConstrainDomString::from),
            ),
        )
            .prop_map(|(rate, ch, lat, ns, id)| MediaTrackConstraintSet {
                sample_rate: rate,
                channel_count: ch,
                latency: lat,
                noise_suppression: ns,
                device_id: id,
                ..Default::default()
            })
    }

    fn constraints() -> impl Strategy<Value = MediaTrackConstraints> {
        (set(), prop::collection::vec(set(), 0..3))
            .prop_map(|(basic, advanced)| MediaTrackConstraints { basic, advanced })
    }

    proptest! {
        #[test]
        fn structured_search_matches_literal_select_settings(
            devices in audio_devices(), c in constraints()
        ) {
            let defaults = ua_defaults(MediaKind::Audio);
            let refs: Vec<&InputDeviceInfo> = devices.iter().collect();
            let space = Space::build(MediaKind::Audio, &refs, &c, &defaults);
            let all = space.expand();
            let dicts: Vec<MediaTrackSettings> = all.iter().map(|(_, s)| s.clone()).collect();
            let literal = select_settings_with_defaults(&dicts, MediaKind::Audio, &c, None);
            let fast = space.select(&c);
            match (literal, fast) {
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (Ok(i), Ok((_, s))) => {
                    prop_assert!(dicts.contains(&s), "chosen settings are a candidate");
                    let d_lit = fitness_distance(&dicts[i], MediaKind::Audio, &c.basic, BareValues::Ideal);
                    let d_fast = fitness_distance(&s, MediaKind::Audio, &c.basic, BareValues::Ideal);
                    prop_assert!((d_lit - d_fast).abs() < 1e-9, "{} vs {}", d_lit, d_fast);
                    for adv in &c.advanced {
                        let a = fitness_distance(&dicts[i], MediaKind::Audio, adv, BareValues::Exact).is_finite();
                        let b = fitness_distance(&s, MediaKind::Audio, adv, BareValues::Exact).is_finite();
                        prop_assert_eq!(a, b, "same advanced sets applied");
                    }
                }
                (a, b) => prop_assert!(false, "literal {:?} vs structured {:?}", a, b),
            }
        }

        #[test]
        fn discretisation_finds_the_optimum_of_the_whole_range(
            lo in 8_000u32..8_100, width in 0u32..120, ch_max in 1u32..6,
            rate in prop::option::of(ulong_near(7_950, 8_250)),
            ch in prop::option::of(ulong_near(0, 8)),
            adv in prop::collection::vec((prop::option::of(ulong_near(7_950, 8_250)), prop::option::of(ulong_near(0, 8))), 0..3),
        ) {
            // Every integer setting of the ranges, enumerated, against the candidates.
            let range = ValueRange::new(lo, lo + width, lo + width / 2);
            let dev = InputDeviceInfo::microphone("m", "", "g", alloc::vec![AudioMode {
                sample_rate: range,
                channel_count: ValueRange::new(1, ch_max, ch_max),
                sample_size: ValueRange::fixed(16),
                latency: None,
            }]);
            let mut all = Vec::new();
            for r in lo..=lo + width {
                for c in 1..=ch_max {
                    all.push(MediaTrackSettings {
                        sample_rate: Some(r),
                        channel_count: Some(c),
                        ..Default::default()
                    });
                }
            }
            let set = |r: Option<ConstrainULong>, c: Option<ConstrainULong>| MediaTrackConstraintSet {
                sample_rate: r,
                channel_count: c,
                ..Default::default()
            };
            let c = MediaTrackConstraints {
                basic: set(rate, ch),
                advanced: adv.into_iter().map(|(r, c)| set(r, c)).collect(),
            };
            let none = MediaTrackConstraintSet::new();
            let brute = select_settings_with_defaults(&all, MediaKind::Audio, &c, None);
            let fast = select_settings_for_device(&dev, &c, &none);
            match (brute, fast) {
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (Ok(i), Ok(s)) => {
                    let want = fitness_distance(&all[i], MediaKind::Audio, &c.basic, BareValues::Ideal);
                    let got = fitness_distance(&s, MediaKind::Audio, &c.basic, BareValues::Ideal);
                    prop_assert!((want - got).abs() < 1e-9, "{} vs {} ({:?})", want, got, s);
                    for a in &c.advanced {
                        prop_assert_eq!(
                            fitness_distance(&all[i], MediaKind::Audio, a, BareValues::Exact).is_finite(),
                            fitness_distance(&s, MediaKind::Audio, a, BareValues::Exact).is_finite()
                        );
                    }
                }
                (a, b) => prop_assert!(false, "brute force {:?} vs candidates {:?}", a, b),
            }
        }

        #[test]
        fn video_structured_search_matches_literal(
            modes in prop::collection::vec((1u32..5, 1u32..5, prop::sample::select(alloc::vec![15.0f64, 30.0])), 1..3),
            crop in any::<bool>(),
            w in prop::option::of(ulong_near(0, 900)),
            h in prop::option::of(ulong_near(0, 600)),
            ar in prop::option::of(prop::sample::select(alloc::vec![1.0f64, 4.0 / 3.0, 16.0 / 9.0]).prop_map(ConstrainDouble::from)),
            fr in prop::option::of(prop::sample::select(alloc::vec![10.0f64, 15.0, 24.0]).prop_map(ConstrainDouble::from)),
            rm in prop::option::of(prop::sample::select(alloc::vec!["none", "crop-and-scale"]).prop_map(ConstrainDomString::from)),
            adv_w in prop::option::of(ulong_near(0, 900)),
        ) {
            let mut dev = InputDeviceInfo::camera("c", "", "g", modes.iter()
                .map(|(a, b, f)| VideoMode::new(a * 160, b * 120, *f)).collect());
            dev.crop_and_scale = crop;
            let basic = MediaTrackConstraintSet {
                width: w, height: h, aspect_ratio: ar, frame_rate: fr, resize_mode: rm,
                ..Default::default()
            };
            let c = MediaTrackConstraints {
                basic,
                advanced: adv_w.map(|w| MediaTrackConstraintSet::new().width(w)).into_iter().collect(),
            };
            let defaults = ua_defaults(MediaKind::Video);
            let space = Space::build(MediaKind::Video, &[&dev], &c, &defaults);
            let dicts: Vec<MediaTrackSettings> = space.expand().into_iter().map(|(_, s)| s).collect();
            let literal = select_settings_with_defaults(&dicts, MediaKind::Video, &c, None);
            match (literal, space.select(&c)) {
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (Ok(i), Ok((_, s))) => {
                    prop_assert!(dicts.contains(&s));
                    let a = fitness_distance(&dicts[i], MediaKind::Video, &c.basic, BareValues::Ideal);
                    let b = fitness_distance(&s, MediaKind::Video, &c.basic, BareValues::Ideal);
                    prop_assert!((a - b).abs() < 1e-9, "{} vs {}", a, b);
                }
                (a, b) => prop_assert!(false, "literal {:?} vs structured {:?}", a, b),
            }
        }

        #[test]
        fn chosen_settings_satisfy_required_constraints(
            devices in audio_devices(), c in constraints()
        ) {
            let refs: Vec<&InputDeviceInfo> = devices.iter().collect();
            let space = Space::build(MediaKind::Audio, &refs, &c, &ua_defaults(MediaKind::Audio));
            if let Ok((dev, s)) = space.select(&c) {
                prop_assert!(fitness_distance(&s, MediaKind::Audio, &c.basic, BareValues::Ideal).is_finite());
                prop_assert_eq!(s.device_id.as_deref(), Some(devices[dev].device_id.as_str()));
            }
        }

        #[test]
        fn video_choice_is_within_native_limits(
            w in 1u32..2000, h in 1u32..2000, f in 1.0f64..60.0,
            cw in prop::option::of(1u32..3000), ch in prop::option::of(1u32..3000),
            ar in prop::option::of(0.5f64..3.0),
        ) {
            let dev = InputDeviceInfo::camera("c", "", "g", alloc::vec![VideoMode::new(w, h, f)]);
            let mut set = MediaTrackConstraintSet::new();
            set.width = cw.map(ConstrainULong::from);
            set.height = ch.map(ConstrainULong::from);
            set.aspect_ratio = ar.map(ConstrainDouble::from);
            let s = select(&dev, &basic(set)).unwrap();
            prop_assert!(s.width.unwrap() <= w && s.height.unwrap() <= h);
            prop_assert!(s.frame_rate.unwrap() <= f);
            if let Some(cw) = cw.filter(|cw| *cw <= w)
                && ch.is_none()
                && ar.is_none()
            {
                prop_assert_eq!(s.width, Some(cw), "an ideal width within range is met");
            }
        }
    }
}
