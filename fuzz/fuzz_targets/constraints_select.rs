//! getUserMedia constraints from arbitrary bytes: JSON → MediaStreamConstraints →
//! device selection against a fixed synthetic device list, then applyConstraints on live
//! tracks. Never panics; accepted constraints survive a serialise/parse round trip; chosen
//! settings satisfy every required basic constraint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediarec_core::MediaKind;
use mediarec_stream::{
    AudioMode, BareValues, BoolOrString, InputDeviceInfo, MediaContext, MediaStreamConstraints,
    MediaTrackConstraints, SeededIds, ValueRange, VideoMode, fitness_distance, select_devices,
};

fn devices() -> Vec<InputDeviceInfo> {
    let mut headset = InputDeviceInfo::microphone(
        "headset",
        "USB headset",
        "grp-usb",
        vec![AudioMode::fixed(16_000, 1, 16), AudioMode::fixed(48_000, 1, 16)],
    );
    headset.noise_suppression = vec![true, false];
    headset.echo_cancellation = vec![BoolOrString::Bool(true), BoolOrString::Bool(false)];
    let builtin = InputDeviceInfo::microphone(
        "builtin",
        "Built-in microphone",
        "grp-builtin",
        vec![AudioMode {
            sample_rate: ValueRange::new(8_000, 96_000, 48_000),
            channel_count: ValueRange::new(1, 2, 2),
            sample_size: ValueRange::new(16, 32, 16),
            latency: Some(ValueRange::new(0.005, 0.1, 0.01)),
        }],
    );
    let mut camera = InputDeviceInfo::camera(
        "camera",
        "Front camera",
        "grp-cam",
        vec![
            VideoMode::new(1280, 720, 30.0),
            VideoMode::new(640, 480, 60.0),
            VideoMode::new(1920, 1080, 15.0),
        ],
    );
    camera.facing_mode = Some("user".into());
    camera.background_blur = vec![false, true];
    let mut fixed = InputDeviceInfo::camera(
        "fixed",
        "Capture card",
        "grp-card",
        vec![VideoMode::new(720, 576, 25.0)],
    );
    fixed.crop_and_scale = false;
    vec![builtin, headset, camera, fixed]
}

fuzz_target!(|data: &[u8]| {
    let mut de = serde_json::Deserializer::from_slice(data);
    let Ok(constraints) = MediaStreamConstraints::from_deserializer(&mut de) else { return };

    // Accepted constraints serialise back to JSON that parses to the same shape (doubles
    // may differ in the last bit: serde_json's default float parsing is not exact).
    if let Ok(json) = serde_json::to_vec(&constraints) {
        let mut de = serde_json::Deserializer::from_slice(&json);
        let again = MediaStreamConstraints::from_deserializer(&mut de);
        let Ok(again) = again else { panic!("serialised constraints must parse") };
        assert_eq!(again.requested_kinds(), constraints.requested_kinds());
        for kind in constraints.requested_kinds() {
            let (a, b) = (again.for_kind(kind), constraints.for_kind(kind));
            assert_eq!(a.map(|c| c.advanced.len()), b.map(|c| c.advanced.len()));
        }
    }

    let devices = devices();
    if let Ok(selection) = select_devices(&constraints, &devices) {
        for (kind, choice) in
            [(MediaKind::Audio, &selection.audio), (MediaKind::Video, &selection.video)]
        {
            let Some(choice) = choice else { continue };
            let device = &devices[choice.device];
            assert_eq!(device.kind, kind);
            let d = fitness_distance(
                &choice.settings,
                kind,
                &choice.constraints.basic,
                BareValues::Ideal,
            );
            assert!(d.is_finite() && d >= 0.0, "chosen settings must satisfy the basic set");
        }
    }

    // applyConstraints on a live track of each requested kind.
    let mut ctx = MediaContext::new(SeededIds::new(1));
    for (kind, tc) in
        [(MediaKind::Audio, &constraints.audio), (MediaKind::Video, &constraints.video)]
    {
        let Some(tc) = tc else { continue };
        let Some(device) = devices.iter().find(|d| d.kind == kind) else { continue };
        let source = ctx.create_source(device.clone());
        let Ok(track) = ctx.create_track(source, MediaTrackConstraints::new()) else { continue };
        let before = ctx.track(track).map(|t| t.get_settings());
        if ctx.apply_constraints(track, tc.clone()).is_err() {
            assert_eq!(
                ctx.track(track).map(|t| t.get_settings()),
                before,
                "failure changes nothing"
            );
        }
        while ctx.poll_event().is_some() {}
    }
});
