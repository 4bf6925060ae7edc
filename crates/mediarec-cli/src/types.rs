//! `mediarec types` and `mediarec devices`.

use std::process::ExitCode;

use clap::Args;
use mediarec::{MediaDevices, SUPPORTED, StdFormats};
use mediarec_core::{ContainerId, MediaKind};
use serde_json::json;

use crate::Failure;

/// Arguments of `mediarec types`.
#[derive(Args)]
pub struct TypesArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// MIME types to check, as isTypeSupported would.
    mime: Vec<String>,
}

fn subtype(container: ContainerId) -> &'static str {
    match container {
        ContainerId::WebM => "webm",
        ContainerId::Matroska => "x-matroska",
        _ => "ogg",
    }
}

/// Every type this build records: each audio codec, each video codec, and each video codec
/// with each audio codec, per container.
pub fn all_types() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let containers = [ContainerId::WebM, ContainerId::Matroska, ContainerId::Ogg];
    for c in containers {
        let codecs = |kind: MediaKind| {
            let mut v: Vec<&str> = SUPPORTED
                .iter()
                .filter(|&&(cc, k)| cc == c && k.kind() == kind)
                .map(|&(_, k)| k.mime_name())
                .collect();
            v.dedup();
            v
        };
        let (audio, video) = (codecs(MediaKind::Audio), codecs(MediaKind::Video));
        let sub = subtype(c);
        out.extend(audio.iter().map(|a| format!("audio/{sub};codecs={a}")));
        out.extend(video.iter().map(|v| format!("video/{sub};codecs={v}")));
        for v in &video {
            out.extend(audio.iter().map(|a| format!("video/{sub};codecs={v},{a}")));
        }
    }
    out
}

pub fn types(a: &TypesArgs) -> Result<ExitCode, Failure> {
    let formats = StdFormats::default();
    if a.mime.is_empty() {
        let all = all_types();
        if a.json {
            println!("{}", json!(all));
        } else {
            for t in all {
                println!("{t}");
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut all = true;
    let mut rows = Vec::new();
    for m in &a.mime {
        let ok = mediarec_recorder::is_type_supported(&formats, m);
        all &= ok;
        rows.push(json!({ "type": m, "supported": ok }));
        if !a.json {
            println!("{m}: {}", if ok { "supported" } else { "not supported" });
        }
    }
    if a.json {
        println!("{}", json!(rows));
    }
    Ok(if all { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Arguments of `mediarec devices`.
#[derive(Args)]
pub struct DevicesArgs {
    /// Print JSON (an array of MediaDeviceInfo).
    #[arg(long)]
    json: bool,
}

/// The devices this build offers: microphones (when a backend finds any) first, then the
/// synthetic sources.
pub fn system_devices() -> MediaDevices {
    crate::quiet_stderr(MediaDevices::system)
}

pub fn devices(a: &DevicesArgs) -> Result<ExitCode, Failure> {
    let list = system_devices().enumerate_devices();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
    } else {
        for d in list {
            println!("{:<11} {:<28} {}", d.kind.as_str(), d.device_id, d.label);
        }
    }
    Ok(ExitCode::SUCCESS)
}
