//! `mediarec inspect`: what a recording holds and what is wrong with it.
//!
//! The file is streamed through the same bounded reader `fix` uses, so inspecting a
//! multi-gigabyte recording needs a few megabytes of memory.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mediarec::{MatroskaSummary, OggSummary, Problem};
use serde_json::{Value, json};

use crate::Failure;

/// Arguments of `mediarec inspect`.
#[derive(Args)]
pub struct InspectArgs {
    /// The file to inspect (WebM, Matroska or Ogg).
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

const EBML_MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];

pub fn inspect(a: &InspectArgs) -> Result<ExitCode, Failure> {
    let cannot_read =
        |e: std::io::Error| Failure::usage(format!("cannot read {}: {e}", a.file.display()));
    let mut file = File::open(&a.file).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    let mut magic = Vec::with_capacity(4);
    (&mut file).take(4).read_to_end(&mut magic).map_err(cannot_read)?;
    let input = Cursor::new(magic.clone()).chain(file);
    let failed = |e: mediarec::FixError| Failure::usage(format!("{}: {e}", a.file.display()));
    if magic == b"OggS" {
        let s = mediarec::inspect_ogg(input).map_err(failed)?;
        if a.json {
            print_json(&ogg_json(a, &s, size));
        } else {
            print_ogg(a, &s, size);
        }
    } else if magic == EBML_MAGIC {
        let s = mediarec::inspect_matroska(input).map_err(failed)?;
        if a.json {
            print_json(&matroska_json(a, &s, size));
        } else {
            print_matroska(a, &s, size);
        }
    } else {
        return Err(Failure::usage(format!(
            "{}: not a WebM/Matroska or Ogg file (no EBML header, no OggS page)",
            a.file.display()
        )));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(v: &Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn codec_name(id: &str) -> &str {
    match id {
        "A_OPUS" => "Opus",
        "A_PCM/FLOAT/IEEE" => "PCM float",
        "A_PCM/INT/LIT" => "PCM integer",
        "V_VP8" => "VP8",
        "V_VP9" => "VP9",
        "V_AV1" => "AV1",
        "A_VORBIS" => "Vorbis",
        "V_MPEG4/ISO/AVC" => "H.264",
        other => other,
    }
}

fn secs(us: i64) -> f64 {
    us as f64 / 1e6
}

fn problem_texts(problems: &[Problem], omitted: u64) -> Vec<String> {
    let mut out: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if omitted > 0 {
        out.push(format!("… and {omitted} more"));
    }
    out
}

fn truncated_at(problems: &[Problem]) -> Option<u64> {
    problems.iter().find_map(|p| match p {
        Problem::Truncated { offset, .. } => Some(*offset),
        _ => None,
    })
}

fn matroska_json(a: &InspectArgs, r: &MatroskaSummary, size: u64) -> Value {
    let tracks: Vec<Value> = r
        .tracks
        .iter()
        .map(|t| {
            let e = &t.entry;
            json!({
                "number": e.number, "kind": e.kind_name(), "codec": codec_name(&e.codec_id),
                "codecId": e.codec_id, "sampleRate": e.sampling_frequency, "channels": e.channels,
                "bitDepth": e.bit_depth, "width": e.width, "height": e.height,
                "codecDelayMs": e.codec_delay_ns as f64 / 1e6,
                "seekPreRollMs": e.seek_preroll_ns as f64 / 1e6,
                "codecPrivateBytes": e.codec_private.len(),
                "blocks": t.blocks, "frames": t.frames, "bytes": t.bytes,
                "firstTime": t.first_us.map(secs), "endTime": secs(t.end_us),
            })
        })
        .collect();
    json!({
        "file": a.file.display().to_string(),
        "size": size,
        "container": if r.doc_type == "webm" { "webm" } else { "matroska" },
        "docType": r.doc_type,
        "docTypeVersion": r.doc_type_version,
        "muxingApp": r.muxing_app,
        "writingApp": r.writing_app,
        "duration": r.declared_duration,
        "mediaDuration": r.media_seconds(),
        "mediaEnd": secs(r.media_end_us),
        "lastBlockTime": secs(r.last_block_us),
        "hasDuration": r.declared_duration.is_some(),
        "hasCues": r.cue_points > 0,
        "cuePoints": r.cue_points,
        "hasSeekHead": r.seek_head,
        "segmentSizeKnown": r.segment_size_known,
        "seekable": r.is_seekable(),
        "clusters": r.clusters,
        "clustersUnknownSize": r.clusters_unknown_size,
        "blocks": r.blocks,
        "tracks": tracks,
        "truncatedAt": truncated_at(&r.problems),
        "bytesRead": r.bytes_read,
        "bytesDropped": r.bytes_dropped,
        "problems": problem_texts(&r.problems, r.problems_omitted),
    })
}

fn print_matroska(a: &InspectArgs, r: &MatroskaSummary, size: u64) {
    let yes = |b: bool| if b { "yes" } else { "no" };
    println!("file        {} ({size} bytes)", a.file.display());
    let container = if r.doc_type == "webm" { "WebM" } else { "Matroska" };
    println!("container   {container} (DocType {} v{})", r.doc_type, r.doc_type_version);
    if !r.writing_app.is_empty() {
        println!("written by  {} / {}", r.muxing_app, r.writing_app);
    }
    match r.declared_duration {
        Some(d) => println!("duration    {d:.3} s (media {:.3} s)", r.media_seconds()),
        None => println!("duration    not written (media {:.3} s)", r.media_seconds()),
    }
    println!(
        "seekable    {} (Duration {}, Cues {} with {} points, SeekHead {}, sizes {})",
        yes(r.is_seekable()),
        yes(r.declared_duration.is_some()),
        yes(r.cue_points > 0),
        r.cue_points,
        yes(r.seek_head),
        if r.segment_size_known && r.clusters_unknown_size == 0 {
            "known"
        } else {
            "live (unknown)"
        },
    );
    for t in &r.tracks {
        let e = &t.entry;
        let detail = if e.kind_name() == "video" {
            format!("{}x{}", e.width, e.height)
        } else {
            format!("{} Hz, {} ch", e.sampling_frequency, e.channels)
        };
        println!(
            "track {}     {} {}, {}, {} blocks, {} bytes, {:.3}–{:.3} s",
            e.number,
            e.kind_name(),
            codec_name(&e.codec_id),
            detail,
            t.blocks,
            t.bytes,
            secs(t.first_us.unwrap_or(0)),
            secs(t.end_us),
        );
    }
    println!(
        "clusters    {} ({} of unknown size), {} blocks",
        r.clusters, r.clusters_unknown_size, r.blocks
    );
    print_problems(&r.problems, r.problems_omitted, r.bytes_dropped);
}

fn print_problems(problems: &[Problem], omitted: u64, dropped: u64) {
    if problems.is_empty() {
        println!("problems    none");
        return;
    }
    for p in problem_texts(problems, omitted) {
        println!("problem     {p}");
    }
    if dropped > 0 {
        println!("unreadable  {dropped} bytes");
    }
}

fn ogg_json(a: &InspectArgs, s: &OggSummary, size: u64) -> Value {
    let tracks: Vec<Value> = s
        .streams
        .iter()
        .map(|t| {
            json!({
                "serial": t.serial, "kind": if t.codec == "theora" { "video" } else { "audio" },
                "codec": t.codec, "sampleRate": t.sample_rate,
                "inputSampleRate": t.input_sample_rate, "channels": t.channels,
                "preSkip": t.pre_skip, "outputGain": t.output_gain,
                "mappingFamily": t.mapping_family, "pages": t.pages, "packets": t.packets,
                "bytes": t.bytes, "lastGranule": t.last_granule, "bos": t.bos, "eos": t.eos,
                "duration": secs(t.duration_us),
            })
        })
        .collect();
    let eos = !s.streams.is_empty() && s.streams.iter().all(|t| t.eos);
    json!({
        "file": a.file.display().to_string(),
        "size": size,
        "container": "ogg",
        "duration": secs(s.duration_us),
        "hasDuration": s.streams.iter().any(|t| t.last_granule.is_some()),
        "hasEos": eos,
        "seekable": eos && s.problems.is_empty(),
        "pages": s.pages,
        "tracks": tracks,
        "truncatedAt": truncated_at(&s.problems),
        "bytesRead": s.bytes_read,
        "bytesDropped": s.bytes_dropped,
        "problems": problem_texts(&s.problems, s.problems_omitted),
    })
}

fn print_ogg(a: &InspectArgs, s: &OggSummary, size: u64) {
    println!("file        {} ({size} bytes)", a.file.display());
    println!("container   Ogg, {} pages, {} streams", s.pages, s.streams.len());
    println!("duration    {:.3} s (from granule positions)", secs(s.duration_us));
    for t in &s.streams {
        let head = if t.codec == "opus" {
            format!(
                ", pre-skip {}, input {} Hz, gain {}, mapping {}",
                t.pre_skip, t.input_sample_rate, t.output_gain, t.mapping_family
            )
        } else {
            String::new()
        };
        println!(
            "stream {:08x} {} {} Hz, {} ch{head}, {} pages, {} packets, EOS {}",
            t.serial,
            t.codec,
            t.sample_rate,
            t.channels,
            t.pages,
            t.packets,
            if t.eos { "yes" } else { "no" },
        );
    }
    print_problems(&s.problems, s.problems_omitted, s.bytes_dropped);
}
