//! Web-shaped JSON (feature `serde`).
//!
//! [`MediaStreamConstraints`], [`MediaTrackConstraints`] and [`MediaTrackConstraintSet`]
//! deserialise from exactly what a web page passes to `getUserMedia` or
//! `applyConstraints`, converted the way WebIDL converts JavaScript values:
//!
//! - camelCase member names; unknown members are ignored (so is the legacy `mandatory`);
//!   for a repeated key the last one wins, as in `JSON.parse`;
//! - a constraint is a bare value or an object with `exact`/`ideal`/`min`/`max`;
//!   `ConstrainDOMString` also takes an array ("any of these");
//! - `audio`/`video` take `true`/`false` or an object; `null` counts as `{}` (a WebIDL
//!   union with a dictionary converts `null` to the empty dictionary), other values by
//!   JavaScript truthiness;
//! - `unsigned long` members are `[Clamp]`ed: `-1` becomes 0, `1e12` becomes 4294967295,
//!   `2.5` rounds to 2 (ties to even), strings are read as numbers (`"640"`), `NaN` is 0;
//! - `double` members that are not finite numbers (`"abc"`, `{}`) are a `TypeError`;
//! - booleans use JavaScript truthiness; strings from numbers follow `Number.toString`;
//! - anything that is not an object where a dictionary is required (the top level, an
//!   element of `advanced`) and an `advanced` that is not an array are a `TypeError`.
//!
//! Errors come back as [`CaptureError::Type`] from `from_deserializer`, or as the
//! deserializer's own error (with the same message) through `Deserialize`.
//!
//! Settings, capabilities, device infos and constraints serialise to the same shapes.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::constraints::{
    ConstrainNumber, ConstrainValue, ExactIdeal, MediaStreamConstraints, MediaTrackConstraintSet,
    MediaTrackConstraints, NumericRange,
};
use crate::error::CaptureError;
use crate::property::{Property, ValueType};
use crate::settings::BoolOrString;

/// A parsed JSON value, kept as JavaScript would see it.
#[derive(Debug, Clone, PartialEq)]
enum JsValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsValue>),
    Object(Vec<(String, JsValue)>),
}

struct JsVisitor;

impl<'de> Visitor<'de> for JsVisitor {
    type Value = JsValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<JsValue, E> {
        Ok(JsValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<JsValue, E> {
        Ok(JsValue::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<JsValue, E> {
        Ok(JsValue::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<JsValue, E> {
        Ok(JsValue::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<JsValue, E> {
        Ok(JsValue::String(String::from(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<JsValue, E> {
        Ok(JsValue::String(v))
    }
    fn visit_unit<E>(self) -> Result<JsValue, E> {
        Ok(JsValue::Null)
    }
    fn visit_none<E>(self) -> Result<JsValue, E> {
        Ok(JsValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<JsValue, D::Error> {
        JsValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<JsValue>()? {
            out.push(v);
        }
        Ok(JsValue::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsValue, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, JsValue>()? {
            out.push((k, v));
        }
        Ok(JsValue::Object(out))
    }
}

impl<'de> Deserialize<'de> for JsValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsVisitor)
    }
}

// ---- JavaScript conversions --------------------------------------------------------

impl JsValue {
    /// `V[key]` for an object (last duplicate wins); `undefined` (None) otherwise.
    fn get(&self, key: &str) -> Option<&JsValue> {
        match self {
            JsValue::Object(members) => {
                members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// Objects and arrays are JavaScript objects; `null` converts to an empty dictionary.
    fn is_dictionary_like(&self) -> bool {
        matches!(self, JsValue::Null | JsValue::Object(_) | JsValue::Array(_))
    }

    fn to_boolean(&self) -> bool {
        match self {
            JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Number(n) => !(*n == 0.0 || n.is_nan()),
            JsValue::String(s) => !s.is_empty(),
            JsValue::Array(_) | JsValue::Object(_) => true,
        }
    }

    fn to_js_string(&self) -> String {
        match self {
            JsValue::Null => String::from("null"),
            JsValue::Bool(b) => String::from(if *b { "true" } else { "false" }),
            JsValue::Number(n) => number_to_string(*n),
            JsValue::String(s) => s.clone(),
            JsValue::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|v| if *v == JsValue::Null { String::new() } else { v.to_js_string() })
                    .collect();
                parts.join(",")
            }
            JsValue::Object(_) => String::from("[object Object]"),
        }
    }

    fn to_number(&self) -> f64 {
        match self {
            JsValue::Null => 0.0,
            JsValue::Bool(b) => f64::from(u8::from(*b)),
            JsValue::Number(n) => *n,
            JsValue::String(s) => string_to_number(s),
            JsValue::Array(_) => string_to_number(&self.to_js_string()),
            JsValue::Object(_) => f64::NAN,
        }
    }
}

/// `Number.prototype.toString()` for the values JSON can carry (close enough for ids).
fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return String::from("NaN");
    }
    if n.is_infinite() {
        return String::from(if n > 0.0 { "Infinity" } else { "-Infinity" });
    }
    if n == 0.0 {
        return String::from("0");
    }
    let a = n.abs();
    if !(1e-6..1e21).contains(&a) {
        let s = format!("{n:e}");
        return match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        };
    }
    if n % 1.0 == 0.0 { format!("{n:.0}") } else { format!("{n}") }
}

/// `StringToNumber`: JavaScript's rules for turning a string into a number.
fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if t.is_empty() {
        return 0.0;
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
        if let Some(digits) = t.strip_prefix(prefix) {
            if digits.is_empty() {
                return f64::NAN;
            }
            let mut v = 0.0f64;
            for c in digits.chars() {
                match c.to_digit(radix) {
                    Some(d) => v = v * f64::from(radix) + f64::from(d),
                    None => return f64::NAN,
                }
            }
            return v;
        }
    }
    if is_decimal_literal(t) { t.parse::<f64>().unwrap_or(f64::NAN) } else { f64::NAN }
}

/// `StrDecimalLiteral` without `Infinity`: `[+-]? (d+ (. d*)? | . d+) ([eE] [+-]? d+)?`.
fn is_decimal_literal(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let int = digits(&mut i);
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = digits(&mut i);
    }
    if int == 0 && frac == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// WebIDL `[Clamp] unsigned long`.
fn clamp_ulong(v: &JsValue) -> u32 {
    let x = v.to_number();
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    if x >= f64::from(u32::MAX) {
        return u32::MAX;
    }
    // Round half to even.
    let floor = x as u32; // in range, so this truncates toward zero = floor
    let frac = x - f64::from(floor);
    if frac > 0.5 || (frac == 0.5 && floor % 2 == 1) { floor + 1 } else { floor }
}

/// WebIDL `double` (NaN and infinities are a TypeError).
fn to_double(v: &JsValue, what: &dyn Fn() -> String) -> Result<f64, String> {
    let x = v.to_number();
    if x.is_finite() { Ok(x) } else { Err(format!("{} is not a finite number", what())) }
}

fn to_strings(v: &JsValue) -> Vec<String> {
    match v {
        JsValue::Array(items) => items.iter().map(JsValue::to_js_string).collect(),
        other => alloc::vec![other.to_js_string()],
    }
}

fn to_bool_or_string(v: &JsValue) -> BoolOrString {
    match v {
        JsValue::Bool(b) => BoolOrString::Bool(*b),
        other => BoolOrString::String(other.to_js_string()),
    }
}

// ---- dictionaries --------------------------------------------------------------------

fn member(name: &str, key: &str) -> impl Fn() -> String {
    let (name, key) = (String::from(name), String::from(key));
    move || format!("the '{key}' member of the '{name}' constraint")
}

/// Converts one JavaScript value to a number type; the closure names the member for errors.
type NumberConversion<'a, T> = &'a dyn Fn(&JsValue, &dyn Fn() -> String) -> Result<T, String>;

fn numeric<T>(
    v: &JsValue,
    name: &str,
    conv: NumberConversion<'_, T>,
) -> Result<ConstrainNumber<T>, String> {
    if v.is_dictionary_like() {
        // Dictionary members in lexicographic order: exact, ideal, max, min.
        let get = |k: &str| v.get(k).map(|x| conv(x, &member(name, k))).transpose();
        let exact = get("exact")?;
        let ideal = get("ideal")?;
        let max = get("max")?;
        let min = get("min")?;
        Ok(ConstrainNumber::Range(NumericRange { min, max, exact, ideal }))
    } else {
        let what = move || format!("the '{name}' constraint");
        conv(v, &what).map(ConstrainNumber::Value)
    }
}

fn exact_ideal<T>(
    v: &JsValue,
    bare: impl Fn(&JsValue) -> Option<T>,
    inner: impl Fn(&JsValue) -> T,
) -> ConstrainValue<T> {
    match bare(v) {
        Some(t) => ConstrainValue::Value(t),
        None => ConstrainValue::Params(ExactIdeal {
            exact: v.get("exact").map(&inner),
            ideal: v.get("ideal").map(&inner),
        }),
    }
}

fn set_member(set: &mut MediaTrackConstraintSet, p: Property, v: &JsValue) -> Result<(), String> {
    let name = p.name();
    match p.value_type() {
        ValueType::ULong => {
            let c = numeric(v, name, &|x, _| Ok(clamp_ulong(x)))?;
            match p {
                Property::Width => set.width = Some(c),
                Property::Height => set.height = Some(c),
                Property::SampleRate => set.sample_rate = Some(c),
                Property::SampleSize => set.sample_size = Some(c),
                _ => set.channel_count = Some(c),
            }
        }
        ValueType::Double => {
            let c = numeric(v, name, &|x, what| to_double(x, what))?;
            match p {
                Property::AspectRatio => set.aspect_ratio = Some(c),
                Property::FrameRate => set.frame_rate = Some(c),
                _ => set.latency = Some(c),
            }
        }
        ValueType::Boolean => {
            let c = exact_ideal(
                v,
                |x| (!x.is_dictionary_like()).then(|| x.to_boolean()),
                JsValue::to_boolean,
            );
            match p {
                Property::BackgroundBlur => set.background_blur = Some(c),
                Property::AutoGainControl => set.auto_gain_control = Some(c),
                Property::NoiseSuppression => set.noise_suppression = Some(c),
                _ => set.voice_isolation = Some(c),
            }
        }
        ValueType::String => {
            let bare = |x: &JsValue| match x {
                JsValue::Array(_) => Some(to_strings(x)),
                JsValue::Null | JsValue::Object(_) => None,
                other => Some(alloc::vec![other.to_js_string()]),
            };
            let c = exact_ideal(v, bare, to_strings);
            match p {
                Property::FacingMode => set.facing_mode = Some(c),
                Property::ResizeMode => set.resize_mode = Some(c),
                Property::DeviceId => set.device_id = Some(c),
                _ => set.group_id = Some(c),
            }
        }
        ValueType::BooleanOrString => {
            let c = exact_ideal(
                v,
                |x| (!x.is_dictionary_like()).then(|| to_bool_or_string(x)),
                to_bool_or_string,
            );
            set.echo_cancellation = Some(c);
        }
    }
    Ok(())
}

fn sorted_properties() -> [Property; 17] {
    let mut ps = Property::ALL;
    ps.sort_by(|a, b| a.name().cmp(b.name()));
    ps
}

fn constraint_set(v: &JsValue, what: &str) -> Result<MediaTrackConstraintSet, String> {
    if !v.is_dictionary_like() {
        return Err(format!("{what} is not an object"));
    }
    let mut set = MediaTrackConstraintSet::new();
    for p in sorted_properties() {
        if let Some(x) = v.get(p.name()) {
            set_member(&mut set, p, x)?;
        }
    }
    Ok(set)
}

fn track_constraints(v: &JsValue, what: &str) -> Result<MediaTrackConstraints, String> {
    let basic = constraint_set(v, what)?;
    let advanced = match v.get("advanced") {
        None => Vec::new(),
        Some(JsValue::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| constraint_set(s, &format!("advanced[{i}]")))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(format!("'advanced' in {what} is not an array")),
    };
    Ok(MediaTrackConstraints { basic, advanced })
}

fn stream_constraints(v: &JsValue) -> Result<MediaStreamConstraints, String> {
    if !v.is_dictionary_like() {
        return Err(String::from("MediaStreamConstraints is not an object"));
    }
    let kind = |key: &str| -> Result<Option<MediaTrackConstraints>, String> {
        match v.get(key) {
            None => Ok(None),
            Some(x) if x.is_dictionary_like() => {
                track_constraints(x, &format!("'{key}'")).map(Some)
            }
            Some(x) => Ok(x.to_boolean().then(MediaTrackConstraints::new)),
        }
    };
    Ok(MediaStreamConstraints { audio: kind("audio")?, video: kind("video")? })
}

fn parse<'de, D, T>(d: D, conv: impl Fn(&JsValue) -> Result<T, String>) -> Result<T, CaptureError>
where
    D: Deserializer<'de>,
{
    let v = JsValue::deserialize(d).map_err(|e| CaptureError::type_error(e.to_string()))?;
    conv(&v).map_err(CaptureError::type_error)
}

impl MediaStreamConstraints {
    /// Reads web-shaped JSON (see the [module docs](crate::json)); every failure, syntax
    /// included, is a `TypeError`.
    ///
    /// ```
    /// use mediarec_stream::MediaStreamConstraints;
    /// let mut de = serde_json::Deserializer::from_str(r#"{"audio":{"channelCount":{"exact":1}}}"#);
    /// let c = MediaStreamConstraints::from_deserializer(&mut de).unwrap();
    /// assert!(c.audio.unwrap().basic.channel_count.is_some());
    /// ```
    pub fn from_deserializer<'de, D: Deserializer<'de>>(d: D) -> Result<Self, CaptureError> {
        parse(d, stream_constraints)
    }
}

impl MediaTrackConstraints {
    /// Reads web-shaped JSON for `applyConstraints`; every failure is a `TypeError`.
    pub fn from_deserializer<'de, D: Deserializer<'de>>(d: D) -> Result<Self, CaptureError> {
        parse(d, |v| track_constraints(v, "MediaTrackConstraints"))
    }
}

impl<'de> Deserialize<'de> for MediaStreamConstraints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = JsValue::deserialize(d)?;
        stream_constraints(&v).map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for MediaTrackConstraints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = JsValue::deserialize(d)?;
        track_constraints(&v, "MediaTrackConstraints").map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for MediaTrackConstraintSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = JsValue::deserialize(d)?;
        constraint_set(&v, "MediaTrackConstraintSet").map_err(de::Error::custom)
    }
}

// ---- serialisation -----------------------------------------------------------------------

impl<T: Serialize> Serialize for ConstrainNumber<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ConstrainNumber::Value(v) => v.serialize(s),
            ConstrainNumber::Range(r) => {
                let mut m = s.serialize_map(None)?;
                for (k, v) in
                    [("exact", &r.exact), ("ideal", &r.ideal), ("min", &r.min), ("max", &r.max)]
                {
                    if let Some(v) = v {
                        m.serialize_entry(k, v)?;
                    }
                }
                m.end()
            }
        }
    }
}

/// Serialises a string list as a bare string when it has exactly one element.
struct Strings<'a>(&'a [String]);

impl Serialize for Strings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

fn serialize_exact_ideal<S: Serializer, T, U: Serialize>(
    c: &ConstrainValue<T>,
    s: S,
    f: impl Fn(&T) -> U,
) -> Result<S::Ok, S::Error> {
    match c {
        ConstrainValue::Value(v) => f(v).serialize(s),
        ConstrainValue::Params(p) => {
            let mut m = s.serialize_map(None)?;
            if let Some(v) = &p.exact {
                m.serialize_entry("exact", &f(v))?;
            }
            if let Some(v) = &p.ideal {
                m.serialize_entry("ideal", &f(v))?;
            }
            m.end()
        }
    }
}

impl Serialize for ConstrainValue<bool> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_exact_ideal(self, s, |v| *v)
    }
}

impl Serialize for ConstrainValue<BoolOrString> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_exact_ideal(self, s, Clone::clone)
    }
}

impl Serialize for ConstrainValue<Vec<String>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ConstrainValue::Value(v) => Strings(v).serialize(s),
            ConstrainValue::Params(p) => {
                let mut m = s.serialize_map(None)?;
                if let Some(v) = &p.exact {
                    m.serialize_entry("exact", &Strings(v))?;
                }
                if let Some(v) = &p.ideal {
                    m.serialize_entry("ideal", &Strings(v))?;
                }
                m.end()
            }
        }
    }
}

fn serialize_set_members<M: SerializeMap>(
    set: &MediaTrackConstraintSet,
    m: &mut M,
) -> Result<(), M::Error> {
    macro_rules! entries {
        ($($f:ident),*) => {$(
            if let Some(c) = &set.$f {
                let name = stringify!($f);
                let p = Property::ALL.iter().find(|p| snake(p.name()) == name);
                if let Some(p) = p {
                    m.serialize_entry(p.name(), c)?;
                }
            }
        )*};
    }
    entries!(
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
    Ok(())
}

/// `aspectRatio` → `aspect_ratio`.
fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Serialize for MediaTrackConstraintSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        serialize_set_members(self, &mut m)?;
        m.end()
    }
}

impl Serialize for MediaTrackConstraints {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        serialize_set_members(&self.basic, &mut m)?;
        if !self.advanced.is_empty() {
            m.serialize_entry("advanced", &self.advanced)?;
        }
        m.end()
    }
}

impl Serialize for MediaStreamConstraints {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Kind<'a>(&'a Option<MediaTrackConstraints>);
        impl Serialize for Kind<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    None => s.serialize_bool(false),
                    Some(c) if c == &MediaTrackConstraints::new() => s.serialize_bool(true),
                    Some(c) => c.serialize(s),
                }
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("audio", &Kind(&self.audio))?;
        m.serialize_entry("video", &Kind(&self.video))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::{ConstrainDomString, ConstrainULong};
    use crate::device::{AudioMode, InputDeviceInfo, ValueRange, VideoMode};
    use crate::gum::select_devices;
    use crate::settings::MediaTrackSettings;
    use alloc::vec;
    use mediarec_core::DomErrorName;
    use proptest::prelude::*;

    fn parse_gum(json: &str) -> Result<MediaStreamConstraints, CaptureError> {
        MediaStreamConstraints::from_deserializer(&mut serde_json::Deserializer::from_str(json))
    }

    fn typical_mic() -> InputDeviceInfo {
        InputDeviceInfo::microphone(
            "mic-1",
            "Built-in microphone",
            "grp-1",
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

    fn gum(json: &str) -> Result<MediaTrackSettings, CaptureError> {
        let c = parse_gum(json)?;
        let sel = select_devices(&c, &[typical_mic()])?;
        Ok(sel.audio.map(|a| a.settings).unwrap_or_default())
    }

    #[test]
    fn brief_channel_count_64_is_overconstrained() {
        let e = gum(r#"{"audio":{"channelCount":{"exact":64}}}"#).unwrap_err();
        assert_eq!(e.dom_name(), DomErrorName::Overconstrained);
        assert_eq!(e.constraint(), Some("channelCount"));
        assert!(e.to_string().contains("channelCount"));
    }

    #[test]
    fn brief_unknown_device_id_is_overconstrained() {
        let e = gum(r#"{"audio":{"deviceId":{"exact":"no-such-device"}}}"#).unwrap_err();
        assert_eq!(e.dom_name(), DomErrorName::Overconstrained);
        assert_eq!(e.constraint(), Some("deviceId"));
    }

    #[test]
    fn brief_empty_object_is_type_error() {
        for json in
            [r#"{}"#, r#"{"audio":false,"video":false}"#, r#"{"doesnotexist":true}"#, "null"]
        {
            let e = gum(json).unwrap_err();
            assert_eq!(e.dom_name(), DomErrorName::Type, "{json}");
            assert_eq!(e.constraint(), None);
        }
    }

    #[test]
    fn brief_mono_and_closest_rate() {
        let s =
            gum(r#"{"audio":{"channelCount":{"exact":1},"sampleRate":{"ideal":16000}}}"#).unwrap();
        assert_eq!(s.channel_count, Some(1));
        assert_eq!(s.sample_rate, Some(44_100), "closest to 16000 among 44100 and 48000");
    }

    #[test]
    fn bare_values_and_shapes() {
        let c = parse_gum(
            r#"{"audio":{"sampleRate":48000,"channelCount":{"min":1,"max":2,"ideal":1},
                "echoCancellation":"all","autoGainControl":false,"deviceId":["a","b"],
                "groupId":{"exact":"g","ideal":["h"]},"latency":{"max":0.02},
                "advanced":[{"sampleSize":16},{}]},
                "video":true}"#,
        )
        .unwrap();
        let a = c.audio.unwrap();
        assert_eq!(a.basic.sample_rate, Some(ConstrainULong::Value(48_000)));
        assert_eq!(
            a.basic.channel_count,
            Some(ConstrainULong::Range(NumericRange {
                min: Some(1),
                max: Some(2),
                exact: None,
                ideal: Some(1)
            }))
        );
        assert_eq!(
            a.basic.echo_cancellation,
            Some(ConstrainValue::Value(BoolOrString::from("all")))
        );
        assert_eq!(a.basic.auto_gain_control, Some(ConstrainValue::Value(false)));
        assert_eq!(a.basic.device_id, Some(ConstrainValue::Value(vec!["a".into(), "b".into()])));
        assert_eq!(
            a.basic.group_id,
            Some(ConstrainValue::Params(ExactIdeal {
                exact: Some(vec!["g".into()]),
                ideal: Some(vec!["h".into()])
            }))
        );
        assert_eq!(a.basic.latency, Some(crate::ConstrainDouble::max(0.02)));
        assert_eq!(a.advanced.len(), 2);
        assert_eq!(a.advanced[0].sample_size, Some(ConstrainULong::Value(16)));
        assert!(a.advanced[1].is_empty());
        assert_eq!(c.video, Some(MediaTrackConstraints::new()));
    }

    #[test]
    fn webidl_conversions() {
        let c = parse_gum(
            r#"{"video":{"width":{"max":-1},"height":"480","frameRate":"30",
                "facingMode":5,"resizeMode":null,"backgroundBlur":"yes",
                "aspectRatio":{"ideal":"1.5"}},"audio":null}"#,
        )
        .unwrap();
        let v = c.video.unwrap().basic;
        assert_eq!(v.width, Some(ConstrainULong::max(0)), "[Clamp] clamps -1 to 0");
        assert_eq!(v.height, Some(ConstrainULong::Value(480)));
        assert_eq!(v.frame_rate, Some(crate::ConstrainDouble::Value(30.0)));
        assert_eq!(v.facing_mode, Some(ConstrainDomString::from("5")));
        assert_eq!(v.resize_mode, Some(ConstrainValue::Params(ExactIdeal::default())));
        assert_eq!(v.background_blur, Some(ConstrainValue::Value(true)));
        assert_eq!(v.aspect_ratio, Some(crate::ConstrainDouble::ideal(1.5)));
        assert_eq!(c.audio, Some(MediaTrackConstraints::new()), "null converts to {{}}");

        for (json, want) in [
            ("2.5", 2),
            ("3.5", 4),
            ("1e12", u32::MAX),
            ("-5", 0),
            ("\"abc\"", 0),
            ("true", 1),
            ("\"0x10\"", 16),
            ("\" 12 \"", 12),
        ] {
            let c = parse_gum(&format!(r#"{{"audio":{{"channelCount":{json}}}}}"#)).unwrap();
            assert_eq!(
                c.audio.unwrap().basic.channel_count,
                Some(ConstrainULong::Value(want)),
                "{json}"
            );
        }
        // An array is an object, so a numeric constraint reads it as an (empty) dictionary.
        let c = parse_gum(r#"{"audio":{"channelCount":[7]}}"#).unwrap();
        assert_eq!(
            c.audio.unwrap().basic.channel_count,
            Some(ConstrainULong::Range(NumericRange::default()))
        );
        // Truthiness for audio/video and booleans.
        assert!(parse_gum(r#"{"audio":1}"#).unwrap().audio.is_some());
        assert!(
            parse_gum(r#"{"audio":0,"video":""}"#)
                .is_ok_and(|c| c.audio.is_none() && c.video.is_none())
        );
        let c = parse_gum(r#"{"audio":{"noiseSuppression":0,"echoCancellation":{"exact":1}}}"#)
            .unwrap();
        let a = c.audio.unwrap().basic;
        assert_eq!(a.noise_suppression, Some(ConstrainValue::Value(false)));
        assert_eq!(a.echo_cancellation, Some(ConstrainValue::exact(BoolOrString::from("1"))));
    }

    #[test]
    fn unknown_keys_ignored_and_last_duplicate_wins() {
        let c = parse_gum(
            r#"{"audio":{"mandatory":{"x":1},"volume":0.5,"sampleRate":1,"sampleRate":2},"x":[]}"#,
        )
        .unwrap();
        let a = c.audio.unwrap();
        assert_eq!(a.basic.sample_rate, Some(ConstrainULong::Value(2)));
        assert!(a.basic.channel_count.is_none());
    }

    #[test]
    fn type_errors() {
        for json in [
            r#"5"#,
            r#""audio""#,
            r#"[1"#,
            r#"{"video":{"frameRate":"abc"}}"#,
            r#"{"video":{"aspectRatio":{"exact":{}}}}"#,
            r#"{"audio":{"latency":{"min":null,"max":"x"}}}"#,
            r#"{"audio":{"advanced":{}}}"#,
            r#"{"audio":{"advanced":null}}"#,
            r#"{"audio":{"advanced":[1]}}"#,
            r#"{"audio":{"advanced":["s"]}}"#,
        ] {
            let e = parse_gum(json).unwrap_err();
            assert_eq!(e.dom_name(), DomErrorName::Type, "{json}");
            assert!(!e.message().is_empty());
        }
        let e = parse_gum(r#"{"video":{"frameRate":"abc"}}"#).unwrap_err();
        assert!(e.message().contains("frameRate"), "{e}");
        // The plain Deserialize impl reports the same message through serde_json.
        let e = serde_json::from_str::<MediaStreamConstraints>(r#"{"audio":{"advanced":7}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("advanced"));
    }

    #[test]
    fn js_number_and_string_helpers() {
        assert_eq!(number_to_string(640.0), "640");
        assert_eq!(number_to_string(-0.0), "0");
        assert_eq!(number_to_string(1.5), "1.5");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1e-7), "1e-7");
        assert_eq!(number_to_string(f64::NAN), "NaN");
        assert_eq!(string_to_number(""), 0.0);
        assert_eq!(string_to_number("  -Infinity "), f64::NEG_INFINITY);
        assert!(string_to_number("inf").is_nan());
        assert!(string_to_number("1e").is_nan());
        assert!(string_to_number(".").is_nan());
        assert!(string_to_number("0x").is_nan());
        assert_eq!(string_to_number(".5e1"), 5.0);
        assert_eq!(string_to_number("0b101"), 5.0);
        assert_eq!(JsValue::Array(vec![JsValue::Null, JsValue::Number(1.0)]).to_js_string(), ",1");
        assert!(JsValue::Object(vec![]).to_number().is_nan());
    }

    #[test]
    fn track_constraints_json() {
        let c: MediaTrackConstraints =
            serde_json::from_str(r#"{"width":{"ideal":1280},"advanced":[{"frameRate":60}]}"#)
                .unwrap();
        assert_eq!(c.basic.width, Some(ConstrainULong::ideal(1280)));
        assert_eq!(c.advanced[0].frame_rate, Some(crate::ConstrainDouble::Value(60.0)));
        let mut de = serde_json::Deserializer::from_str("{\"width\":");
        assert_eq!(
            MediaTrackConstraints::from_deserializer(&mut de).unwrap_err().dom_name(),
            DomErrorName::Type
        );
        let set: MediaTrackConstraintSet = serde_json::from_str(r#"{"groupId":"g"}"#).unwrap();
        assert_eq!(set.group_id, Some(ConstrainDomString::from("g")));
    }

    #[test]
    fn serialisation_round_trips() {
        let json = r#"{"audio":{"sampleRate":48000,"channelCount":{"exact":1,"min":1},"deviceId":["a","b"],"groupId":{"ideal":"g"},"echoCancellation":true,"advanced":[{"latency":0.01}]},"video":true}"#;
        let c = parse_gum(json).unwrap();
        let out = serde_json::to_string(&c).unwrap();
        assert_eq!(parse_gum(&out).unwrap(), c, "{out}");
        assert!(out.contains(r#""video":true"#));
        let none = serde_json::to_string(&MediaStreamConstraints::new()).unwrap();
        assert_eq!(none, r#"{"audio":false,"video":false}"#);
    }

    #[test]
    fn settings_capabilities_and_devices_serialise_web_shaped() {
        let mic = typical_mic();
        let info = serde_json::to_value(mic.to_media_device_info()).unwrap();
        assert_eq!(info["kind"], "audioinput");
        assert_eq!(info["deviceId"], "mic-1");
        assert_eq!(info["groupId"], "grp-1");
        let caps = serde_json::to_value(mic.get_capabilities()).unwrap();
        assert_eq!(caps["channelCount"]["max"], 2);
        assert_eq!(caps["echoCancellation"][0], false);
        let s = gum(r#"{"audio":true}"#).unwrap();
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["sampleRate"], 48_000);
        assert!(v.get("width").is_none());
        let cam = InputDeviceInfo::camera("c", "C", "g", vec![VideoMode::new(640, 480, 30.0)]);
        let caps = serde_json::to_value(cam.get_capabilities()).unwrap();
        assert_eq!(caps["resizeMode"][1], "crop-and-scale");
        let sc = serde_json::to_value(crate::get_supported_constraints()).unwrap();
        assert_eq!(sc["aspectRatio"], true);
    }

    // ---- properties --------------------------------------------------------------------

    fn member_json() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            (0u32..100_000).prop_map(|v| ("sampleRate".to_string(), format!("{v}"))),
            (0u32..5, 0u32..5).prop_map(|(a, b)| (
                "channelCount".to_string(),
                format!(r#"{{"min":{a},"ideal":{b}}}"#)
            )),
            (0u32..40).prop_map(|v| ("sampleSize".to_string(), format!(r#"{{"ideal":{v}}}"#))),
            any::<bool>().prop_map(|b| ("noiseSuppression".to_string(), format!("{b}"))),
            prop::sample::select(vec!["\"mic-1\"", "\"x\"", "{\"ideal\":\"mic-1\"}"])
                .prop_map(|v| ("deviceId".to_string(), v.to_string())),
            (1u32..100).prop_map(|v| (
                "latency".to_string(),
                format!("{{\"max\":{}}}", f64::from(v) / 1000.0)
            )),
        ]
    }

    proptest! {
        #[test]
        fn order_of_members_does_not_change_the_result(
            members in prop::collection::btree_map(
                prop::sample::select(vec![0usize, 1, 2, 3, 4, 5]), member_json(), 1..6),
            order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        ) {
            // One member per name (a duplicate key would make the last one win).
            let mut uniq: alloc::collections::BTreeMap<String, String> = Default::default();
            for (_, (k, v)) in members {
                uniq.insert(k, v);
            }
            let pairs: Vec<(String, String)> = uniq.into_iter().collect();
            let render = |idx: &[usize]| {
                let body: Vec<String> = idx.iter().filter_map(|i| pairs.get(*i))
                    .map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{\"audio\":{{{}}}}}", body.join(","))
            };
            let forward: Vec<usize> = (0..pairs.len()).collect();
            let shuffled: Vec<usize> = order.into_iter().filter(|i| *i < pairs.len()).collect();
            let a = gum(&render(&forward));
            let b = gum(&render(&shuffled));
            prop_assert_eq!(a, b);
        }

        #[test]
        fn arbitrary_json_never_panics(s in "\\PC{0,64}") {
            let _ = parse_gum(&s).and_then(|c| select_devices(&c, &[typical_mic()]));
        }

        #[test]
        fn numbers_never_panic(x in any::<f64>()) {
            let _ = number_to_string(x);
            let _ = clamp_ulong(&JsValue::Number(x));
            let _ = string_to_number(&number_to_string(x));
        }
    }
}
