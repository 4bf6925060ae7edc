//! Drives the encoder with the test pattern the way a recorder would, wraps the packets in
//! IVF (a 32-byte header and a 12-byte header per frame, simple enough to write here) and
//! asks ffmpeg's tools what they see. `cargo xtask setup` installs ffmpeg; a missing tool
//! fails the test.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use mediarec_codec_vpx::{VpxEncoder, VpxOptions};
use mediarec_core::{
    BitrateMode, CodecId, EncoderSettings, PacketInfo, PixelFormat, VideoEncoder, VideoFrame,
    VideoParams,
};
use mediarec_source_synth::Pattern;

pub type Packets = Vec<(Vec<u8>, PacketInfo)>;

pub fn encoder(codec: CodecId, width: u32, height: u32, fps: u32, bps: u32) -> VpxEncoder {
    VpxEncoder::new(
        codec,
        VideoParams { width, height, frame_rate: fps },
        EncoderSettings { bits_per_second: bps, bitrate_mode: BitrateMode::Variable },
        VpxOptions::default(),
    )
    .unwrap()
}

/// Encodes `frames` pattern pictures in `format`, forcing a key frame on every index that
/// `key` accepts; pulls after every push, then finishes and drains.
pub fn encode_pattern(
    enc: &mut VpxEncoder,
    format: PixelFormat,
    frames: u64,
    key: impl Fn(u64) -> bool,
) -> Packets {
    let c = *enc.config();
    let mut pattern = Pattern::new(c.width, c.height, 30);
    let len = match format {
        PixelFormat::I420 => pattern.i420_len().unwrap(),
        _ => pattern.rgba_len().unwrap(),
    };
    let mut picture = vec![0u8; len];
    let mut buf = vec![0u8; enc.max_packet_len()];
    let mut out = Packets::new();
    for i in 0..frames {
        let (data, timestamp) = match format {
            PixelFormat::I420 => {
                let f = pattern.fill_i420(&mut picture).unwrap();
                (picture.clone(), f.timestamp)
            }
            PixelFormat::Rgba => {
                let f = pattern.fill_rgba(&mut picture).unwrap();
                (picture.clone(), f.timestamp)
            }
            _ => {
                // The same picture in the other byte order.
                let f = pattern.fill_rgba(&mut picture).unwrap();
                let bgra = picture.chunks_exact(4).flat_map(|p| [p[2], p[1], p[0], p[3]]);
                (bgra.collect(), f.timestamp)
            }
        };
        let frame = VideoFrame { format, width: c.width, height: c.height, data: &data, timestamp };
        enc.push(&frame, key(i)).unwrap();
        while let Some(info) = enc.pull(&mut buf).unwrap() {
            out.push((buf[..info.len].to_vec(), info));
        }
    }
    enc.finish().unwrap();
    while let Some(info) = enc.pull(&mut buf).unwrap() {
        out.push((buf[..info.len].to_vec(), info));
    }
    out
}

/// An IVF file of `packets` with a 1 µs timebase.
pub fn ivf(codec: CodecId, width: u32, height: u32, packets: &Packets) -> Vec<u8> {
    let fourcc = match codec {
        CodecId::Vp8 => b"VP80",
        _ => b"VP90",
    };
    let mut out = Vec::new();
    out.extend_from_slice(b"DKIF");
    out.extend_from_slice(&0u16.to_le_bytes()); // version
    out.extend_from_slice(&32u16.to_le_bytes()); // header length
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&(width as u16).to_le_bytes());
    out.extend_from_slice(&(height as u16).to_le_bytes());
    out.extend_from_slice(&1_000_000u32.to_le_bytes()); // timebase denominator
    out.extend_from_slice(&1u32.to_le_bytes()); // timebase numerator
    out.extend_from_slice(&(packets.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for (data, info) in packets {
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&info.pts.as_micros().to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

/// Runs `tool` with `args`, feeding `input` on stdin; returns stdout. Panics with the
/// tool's stderr on failure.
pub fn run_tool(tool: &str, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = match Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("`{tool}` could not be run ({e}); `cargo xtask setup` installs ffmpeg"),
    };
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // The tool may stop reading early; a broken pipe is not our failure.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// What ffprobe reports about an IVF stream: codec name, size, decoded frame count and the
/// key flag of every packet.
pub struct Probe {
    pub codec: String,
    pub width: u32,
    pub height: u32,
    pub frames: usize,
    pub key_packets: Vec<bool>,
}

pub fn probe(ivf: &[u8]) -> Probe {
    let text = String::from_utf8(run_tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames:packet=flags",
            "-of",
            "default=noprint_wrappers=1",
            "-i",
            "pipe:0",
        ],
        ivf,
    ))
    .unwrap();
    let mut probe =
        Probe { codec: String::new(), width: 0, height: 0, frames: 0, key_packets: Vec::new() };
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else { continue };
        match key {
            "codec_name" => probe.codec = value.to_string(),
            "width" => probe.width = value.parse().unwrap(),
            "height" => probe.height = value.parse().unwrap(),
            "nb_read_frames" => probe.frames = value.parse().unwrap(),
            "flags" => probe.key_packets.push(value.starts_with('K')),
            _ => {}
        }
    }
    probe
}

/// Decodes an IVF stream with ffmpeg to tightly packed I420 pictures.
pub fn decode_i420(ivf: &[u8]) -> Vec<u8> {
    run_tool(
        "ffmpeg",
        &["-v", "error", "-i", "pipe:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"],
        ivf,
    )
}

/// Peak signal-to-noise ratio between two equally long byte runs, in dB.
pub fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let mse = a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum::<f64>()
        / a.len() as f64;
    if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64 * 255.0 / mse).log10() }
}

/// The pattern's own I420 pictures, the reference for decoded output.
pub fn reference_i420(width: u32, height: u32, frames: u64) -> Vec<u8> {
    let mut pattern = Pattern::new(width, height, 30);
    let len = pattern.i420_len().unwrap();
    let mut out = vec![0u8; len * frames as usize];
    for chunk in out.chunks_exact_mut(len) {
        pattern.fill_i420(chunk).unwrap();
    }
    out
}
