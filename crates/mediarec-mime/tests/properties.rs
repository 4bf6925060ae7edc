//! Property tests at the parser boundary: arbitrary input never panics, spelling variations
//! do not change answers, and the full `mimeType` string parses back to what it describes.
#![allow(clippy::unwrap_used)]

use mediarec_core::{CodecId, ContainerId};
use mediarec_mime::{
    MimeType, RecordingType, SupportTable, TopLevel, Verdict, check, is_type_supported, resolve,
    write_full_mime_type,
};
use proptest::prelude::*;

const BUILD: SupportTable<'static> = SupportTable(&[
    (ContainerId::WebM, CodecId::Opus),
    (ContainerId::WebM, CodecId::Vp8),
    (ContainerId::WebM, CodecId::Vp9),
    (ContainerId::Matroska, CodecId::Opus),
    (ContainerId::Matroska, CodecId::PcmF32),
    (ContainerId::Matroska, CodecId::Vp8),
    (ContainerId::Ogg, CodecId::Opus),
]);

/// Strings made mostly of the characters the grammar cares about.
fn mime_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("audio".to_string()),
        Just("video".to_string()),
        Just("/".to_string()),
        Just("webm".to_string()),
        Just("ogg".to_string()),
        Just(";".to_string()),
        Just("=".to_string()),
        Just("codecs".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just(",".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just(".".to_string()),
        Just("opus".to_string()),
        Just("vp8".to_string()),
        Just("é".to_string()),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn exercise(s: &str) {
    let _ = check(s, &BUILD);
    let _ = is_type_supported(s, true, &BUILD);
    let _ = resolve(s, &BUILD);
    if let Ok(m) = MimeType::parse(s) {
        for p in m.params() {
            let unescaped: String = p.value.chars().collect();
            assert_eq!(unescaped, p.value.to_string());
            if let Some(plain) = p.value.as_str() {
                assert_eq!(plain, unescaped);
            }
        }
        for c in m.codecs() {
            assert!(!c.is_empty(), "{s:?}");
            let id = c.identifier().to_string();
            assert!(!id.contains('.'));
            assert!(c.to_string().starts_with(&id));
        }
        let t = RecordingType::for_tracks(ContainerId::WebM, Some(CodecId::Opus), None);
        let mut out = String::new();
        write_full_mime_type(&mut out, s, &t).unwrap();
        assert!(MimeType::parse(&out).is_ok(), "{s:?} -> {out:?}");
    }
}

/// A valid type built from parts, in a canonical spelling and a varied one.
#[derive(Debug, Clone)]
struct Spelled {
    canonical: String,
    varied: String,
}

fn ws() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just("\t"), Just("  ")]
}

fn flip_case(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c })
        .collect()
}

fn spelled() -> impl Strategy<Value = Spelled> {
    let essence = prop::sample::select(vec![
        "audio/webm",
        "video/webm",
        "audio/x-matroska",
        "video/x-matroska",
        "audio/ogg",
        "application/ogg",
        "video/ogg",
        "video/mp4",
    ]);
    let codec = prop::sample::select(vec![
        "opus",
        "pcm",
        "vp8",
        "vp9",
        "vp8.0",
        "vp09.00.10.08",
        "av1",
        "h264",
        "avc1.42E01E",
        "vorbis",
        "mp4a.40.2",
        "banana",
    ]);
    (
        essence,
        prop::collection::vec(codec, 0..4),
        any::<bool>(),
        any::<u64>(),
        prop::collection::vec(ws(), 6),
        any::<bool>(),
    )
        .prop_map(|(essence, codecs, quoted, mask, w, extra)| {
            let mut canonical = essence.to_string();
            let mut varied = format!("{}{}", w[0], flip_case(essence, mask));
            if extra {
                canonical.push_str(";x=1");
                varied.push_str(&format!("{};{}X{}={}1", w[1], w[2], w[3], w[4]));
            }
            if !codecs.is_empty() {
                canonical.push_str(";codecs=");
                canonical.push_str(&codecs.join(","));
                let sep = format!("{},{}", w[5], w[1]);
                let list = flip_case(&codecs.join(&sep), mask.rotate_left(7));
                // Unquoted lists may hold inner whitespace too; quote half of them, with an
                // escaped character for good measure.
                let value = if quoted {
                    format!("\"{}{}\"", w[2], list.replacen('o', "\\o", 1))
                } else {
                    list
                };
                varied.push_str(&format!("{};{}CoDeCs{}={}{}", w[3], w[4], w[5], w[0], value));
            }
            varied.push_str(w[2]);
            Spelled { canonical, varied }
        })
}

fn same_answer(a: Verdict, b: Verdict) -> bool {
    match (a, b) {
        (Verdict::Unsupported(_), Verdict::Unsupported(_)) => true,
        (a, b) => a == b,
    }
}

fn recording_type() -> impl Strategy<Value = RecordingType> {
    prop::sample::select(BUILD.0.to_vec()).prop_flat_map(|(container, first)| {
        let others: Vec<CodecId> = BUILD
            .0
            .iter()
            .filter(|&&(c, k)| c == container && k.kind() != first.kind())
            .map(|&(_, k)| k)
            .collect();
        let second = if others.is_empty() {
            Just(None).boxed()
        } else {
            prop::option::of(prop::sample::select(others)).boxed()
        };
        second.prop_map(move |second| {
            let mut t = RecordingType::for_tracks(container, None, None);
            for k in [Some(first), second].into_iter().flatten() {
                match k.kind() {
                    mediarec_core::MediaKind::Audio => t.audio = Some(k),
                    mediarec_core::MediaKind::Video => t.video = Some(k),
                }
            }
            RecordingType::for_tracks(container, t.audio, t.video)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn grammar_shaped_strings_never_panic(s in mime_like()) {
        exercise(&s);
    }

    #[test]
    fn case_and_whitespace_do_not_change_answers(t in spelled()) {
        let a = check(&t.canonical, &BUILD);
        let b = check(&t.varied, &BUILD);
        prop_assert!(MimeType::parse(&t.varied).is_ok(), "{:?}", t.varied);
        prop_assert!(same_answer(a, b), "{:?} {:?} vs {:?} {:?}", t.canonical, a, t.varied, b);
        prop_assert_eq!(resolve(&t.canonical, &BUILD), resolve(&t.varied, &BUILD));
    }

    #[test]
    fn full_string_round_trips_through_the_parser(t in recording_type()) {
        let mut s = String::new();
        write_full_mime_type(&mut s, "", &t).unwrap();
        prop_assert_eq!(check(&s, &BUILD), Verdict::Supported, "{}", s);
        prop_assert_eq!(resolve(&s, &BUILD), Ok(t), "{}", s);
        // Completing an author's type without codecs gives the same answer.
        let essence = format!("{}/{}", t.top.as_str(), mediarec_mime::subtype_for(t.container));
        let mut s2 = String::new();
        write_full_mime_type(&mut s2, &essence, &t).unwrap();
        prop_assert_eq!(&s2, &s);
        prop_assert!(t.top != TopLevel::Application);
    }
}
