//! `mediarec inspect`: what a recording holds and what is wrong with it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mediarec_ebml::{BlockHeader, Header, ReadError, Reader, ids, read_float, read_str, read_uint};
use serde_json::{Value, json};

use crate::Failure;

/// Arguments of `mediarec inspect`.
#[derive(Args)]
pub struct InspectArgs {
    /// The file to inspect.
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// One track as the file declares it.
#[derive(Default, Debug)]
struct TrackInfo {
    number: u64,
    kind: &'static str,
    codec: String,
    rate: f64,
    channels: u64,
    width: u64,
    height: u64,
    codec_delay_ns: u64,
    blocks: u64,
    bytes: u64,
}

/// Everything `inspect` found in a Matroska/WebM file.
#[derive(Default, Debug)]
struct Report {
    doc_type: String,
    segment_size_known: bool,
    timestamp_scale: u64,
    duration_ms: Option<f64>,
    seek_head: bool,
    cues: usize,
    tracks: Vec<TrackInfo>,
    clusters: u64,
    clusters_unknown_size: u64,
    blocks: u64,
    /// End of the last block in ms (cluster time + block time + packet length is unknown:
    /// this is the last block's start).
    last_block_ms: i64,
    first_block_ms: Option<i64>,
    problems: Vec<String>,
}

pub fn inspect(a: &InspectArgs) -> Result<ExitCode, Failure> {
    let bytes = std::fs::read(&a.file)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", a.file.display())))?;
    if bytes.starts_with(b"OggS") {
        return Err(Failure::usage(format!(
            "{}: Ogg files are not inspected yet; ffprobe or opusinfo describe them",
            a.file.display()
        )));
    }
    if !bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Err(Failure::usage(format!(
            "{}: not a WebM/Matroska file (no EBML header)",
            a.file.display()
        )));
    }
    let r = walk(&bytes);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&to_json(a, &r, bytes.len())).unwrap_or_default());
    } else {
        print_text(a, &r, bytes.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn problem(r: &mut Report, e: ReadError, what: &str) {
    let text = match e {
        ReadError::Truncated { offset, .. } => format!("{what} is cut at byte {offset} (truncated file)"),
        other => format!("{what}: {other:?}"),
    };
    if !r.problems.contains(&text) {
        r.problems.push(text);
    }
}

fn walk(bytes: &[u8]) -> Report {
    let mut r = Report { timestamp_scale: 1_000_000, ..Report::default() };
    let mut top = Reader::new(bytes, 0);
    loop {
        let h = match top.next_header() {
            Ok(Some(h)) => h,
            Ok(None) => break,
            Err(e) => {
                problem(&mut r, e, "top level");
                break;
            }
        };
        let mut level = top.enter(&h);
        match h.id {
            ids::EBML => read_ebml_header(&mut level, &mut r),
            ids::SEGMENT => {
                r.segment_size_known = h.size.is_some();
                read_segment(&mut level, &mut r);
            }
            _ => {}
        }
        if let Err(e) = top.leave(&level) {
            problem(&mut r, e, "the segment");
            break;
        }
    }
    r
}

fn read_ebml_header(level: &mut Reader<'_>, r: &mut Report) {
    while let Ok(Some(h)) = level.next_header() {
        match level.read_data(&h) {
            Ok(d) if h.id == ids::DOC_TYPE => r.doc_type = read_str(d).unwrap_or("?").to_string(),
            Ok(_) => {}
            Err(e) => return problem(r, e, "the EBML header"),
        }
    }
}

fn read_segment(seg: &mut Reader<'_>, r: &mut Report) {
    loop {
        let h = match seg.next_header() {
            Ok(Some(h)) => h,
            Ok(None) => return,
            Err(e) => return problem(r, e, "the segment"),
        };
        let mut level = seg.enter(&h);
        match h.id {
            ids::SEEK_HEAD => r.seek_head = true,
            ids::INFO => read_info(&mut level, r),
            ids::TRACKS => read_tracks(&mut level, r),
            ids::CUES => {
                while let Ok(Some(p)) = level.next_header() {
                    if p.id == ids::CUE_POINT {
                        r.cues += 1;
                    }
                    if level.skip_data(&p).is_err() {
                        break;
                    }
                }
            }
            ids::CLUSTER => {
                r.clusters += 1;
                if h.size.is_none() {
                    r.clusters_unknown_size += 1;
                }
                read_cluster(&mut level, &h, r);
            }
            _ => {}
        }
        if let Err(e) = seg.leave(&level) {
            let what = ids::name(h.id).unwrap_or("an element");
            return problem(r, e, what);
        }
    }
}

fn read_info(level: &mut Reader<'_>, r: &mut Report) {
    while let Ok(Some(h)) = level.next_header() {
        let Ok(d) = level.read_data(&h) else { return };
        match h.id {
            ids::TIMESTAMP_SCALE => r.timestamp_scale = read_uint(d).unwrap_or(1_000_000).max(1),
            ids::DURATION => r.duration_ms = read_float(d).ok(),
            _ => {}
        }
    }
}

fn read_tracks(level: &mut Reader<'_>, r: &mut Report) {
    while let Ok(Some(h)) = level.next_header() {
        if h.id != ids::TRACK_ENTRY {
            if level.skip_data(&h).is_err() {
                return;
            }
            continue;
        }
        let mut entry = level.enter(&h);
        let mut t = TrackInfo::default();
        read_track_entry(&mut entry, &mut t);
        r.tracks.push(t);
        if level.leave(&entry).is_err() {
            return;
        }
    }
}

fn read_track_entry(entry: &mut Reader<'_>, t: &mut TrackInfo) {
    while let Ok(Some(h)) = entry.next_header() {
        if h.id == ids::AUDIO || h.id == ids::VIDEO {
            let mut inner = entry.enter(&h);
            while let Ok(Some(c)) = inner.next_header() {
                let Ok(d) = inner.read_data(&c) else { break };
                match c.id {
                    ids::SAMPLING_FREQUENCY => t.rate = read_float(d).unwrap_or(0.0),
                    ids::CHANNELS => t.channels = read_uint(d).unwrap_or(0),
                    ids::PIXEL_WIDTH => t.width = read_uint(d).unwrap_or(0),
                    ids::PIXEL_HEIGHT => t.height = read_uint(d).unwrap_or(0),
                    _ => {}
                }
            }
            if entry.leave(&inner).is_err() {
                return;
            }
            continue;
        }
        let Ok(d) = entry.read_data(&h) else { return };
        match h.id {
            ids::TRACK_NUMBER => t.number = read_uint(d).unwrap_or(0),
            ids::TRACK_TYPE => {
                t.kind = match read_uint(d) {
                    Ok(1) => "video",
                    Ok(2) => "audio",
                    _ => "other",
                }
            }
            ids::CODEC_ID => t.codec = read_str(d).unwrap_or("?").to_string(),
            ids::CODEC_DELAY => t.codec_delay_ns = read_uint(d).unwrap_or(0),
            _ => {}
        }
    }
}

fn read_cluster(level: &mut Reader<'_>, cluster: &Header, r: &mut Report) {
    let mut cluster_time: i64 = 0;
    loop {
        let h = match level.next_header() {
            Ok(Some(h)) => h,
            Ok(None) => return,
            Err(e) => return problem(r, e, &format!("the cluster at byte {}", cluster.offset)),
        };
        if h.id == ids::BLOCK_GROUP {
            let mut group = level.enter(&h);
            while let Ok(Some(b)) = group.next_header() {
                match group.read_data(&b) {
                    Ok(d) if b.id == ids::BLOCK => block(d, cluster_time, r),
                    Ok(_) => {}
                    Err(e) => return problem(r, e, &format!("the block group at byte {}", b.offset)),
                }
            }
            if let Err(e) = level.leave(&group) {
                return problem(r, e, &format!("the block group at byte {}", h.offset));
            }
            continue;
        }
        let d = match level.read_data(&h) {
            Ok(d) => d,
            Err(e) => {
                let what = ids::name(h.id).unwrap_or("an element");
                return problem(r, e, &format!("the {what} at byte {}", h.offset));
            }
        };
        match h.id {
            ids::CLUSTER_TIMESTAMP => cluster_time = read_uint(d).map_or(0, |v| v as i64),
            ids::SIMPLE_BLOCK => block(d, cluster_time, r),
            _ => {}
        }
    }
}

fn block(data: &[u8], cluster_time: i64, r: &mut Report) {
    let Ok(b) = BlockHeader::parse(data) else {
        r.problems.push("a block header is malformed".into());
        return;
    };
    let t = cluster_time + i64::from(b.timestamp);
    r.blocks += 1;
    r.first_block_ms.get_or_insert(t);
    if t < r.last_block_ms - 1000 {
        let text = format!("timestamps jump back ({} → {} ticks)", r.last_block_ms, t);
        if r.problems.len() < 20 {
            r.problems.push(text);
        }
    }
    r.last_block_ms = r.last_block_ms.max(t);
    if let Some(track) = r.tracks.iter_mut().find(|tr| tr.number == b.track) {
        track.blocks += 1;
        track.bytes += (data.len() - b.len) as u64;
    }
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

fn ticks_to_s(r: &Report, ticks: f64) -> f64 {
    ticks * r.timestamp_scale as f64 / 1e9
}

fn to_json(a: &InspectArgs, r: &Report, size: usize) -> Value {
    let tracks: Vec<Value> = r
        .tracks
        .iter()
        .map(|t| {
            json!({
                "number": t.number, "kind": t.kind, "codec": codec_name(&t.codec), "codecId": t.codec,
                "sampleRate": t.rate, "channels": t.channels, "width": t.width, "height": t.height,
                "codecDelayMs": t.codec_delay_ns as f64 / 1e6, "blocks": t.blocks, "bytes": t.bytes,
            })
        })
        .collect();
    json!({
        "file": a.file.display().to_string(),
        "size": size,
        "container": if r.doc_type == "webm" { "webm" } else { "matroska" },
        "docType": r.doc_type,
        "duration": r.duration_ms.map(|d| ticks_to_s(r, d)),
        "lastBlockTime": ticks_to_s(r, r.last_block_ms as f64),
        "hasDuration": r.duration_ms.is_some(),
        "hasCues": r.cues > 0,
        "cuePoints": r.cues,
        "hasSeekHead": r.seek_head,
        "segmentSizeKnown": r.segment_size_known,
        "seekable": r.duration_ms.is_some() && r.cues > 0,
        "clusters": r.clusters,
        "clustersUnknownSize": r.clusters_unknown_size,
        "blocks": r.blocks,
        "tracks": tracks,
        "problems": r.problems,
    })
}

fn print_text(a: &InspectArgs, r: &Report, size: usize) {
    let yes = |b: bool| if b { "yes" } else { "no" };
    println!("file        {} ({size} bytes)", a.file.display());
    println!("container   {} (DocType {})", if r.doc_type == "webm" { "WebM" } else { "Matroska" }, r.doc_type);
    match r.duration_ms {
        Some(d) => println!("duration    {:.3} s", ticks_to_s(r, d)),
        None => println!(
            "duration    not written (last block at {:.3} s)",
            ticks_to_s(r, r.last_block_ms as f64)
        ),
    }
    println!(
        "seekable    {} (Duration {}, Cues {} with {} points, SeekHead {}, sizes {})",
        yes(r.duration_ms.is_some() && r.cues > 0),
        yes(r.duration_ms.is_some()),
        yes(r.cues > 0),
        r.cues,
        yes(r.seek_head),
        if r.segment_size_known && r.clusters_unknown_size == 0 { "known" } else { "live (unknown)" },
    );
    for t in &r.tracks {
        let detail = if t.kind == "video" {
            format!("{}x{}", t.width, t.height)
        } else {
            format!("{} Hz, {} ch", t.rate, t.channels)
        };
        println!(
            "track {}     {} {}, {}, {} blocks, {} bytes",
            t.number,
            t.kind,
            codec_name(&t.codec),
            detail,
            t.blocks,
            t.bytes
        );
    }
    println!("clusters    {} ({} of unknown size), {} blocks", r.clusters, r.clusters_unknown_size, r.blocks);
    if r.problems.is_empty() {
        println!("problems    none");
    } else {
        for p in &r.problems {
            println!("problem     {p}");
        }
    }
}
