//! Test support: drive the encoder as a recorder would, decode with libopus or opus-rs as a
//! player would (pre-skip and end discard applied), and measure what comes out.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use mediarec_codec_opus_pure::{PureOpusEncoder, PureOpusOptions};
use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, BitrateMode, ByteSink, Duration, EncoderSettings,
    PacketInfo, Samples, SinkError,
};
use mediarec_source_synth::{AudioSource, Sweep, Tone};

pub type Packets = Vec<(Vec<u8>, PacketInfo)>;

/// Runs `f` on a thread with a deep stack: opus-rs keeps its state inline, and unoptimised
/// builds need several MB of stack to construct an encoder or decoder.
pub fn deep<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(64 << 20).spawn(f).unwrap().join().unwrap()
}

pub fn encoder(
    rate: u32,
    channels: u16,
    bps: u32,
    mode: BitrateMode,
    options: PureOpusOptions,
) -> PureOpusEncoder {
    PureOpusEncoder::new(
        AudioParams { sample_rate: rate, channels },
        EncoderSettings { bits_per_second: bps, bitrate_mode: mode },
        options,
    )
    .unwrap()
}

/// A 440 Hz tone at amplitude 0.5 from the synthetic source, interleaved.
pub fn tone(hz: f64, rate: u32, channels: u16, frames: usize) -> Vec<f32> {
    let mut pcm = vec![0.0; frames * usize::from(channels)];
    Tone::new(hz, rate, channels).fill(&mut pcm);
    pcm
}

/// A logarithmic sweep: broadband and never periodic, so a cross-correlation has one peak.
pub fn sweep(rate: u32, channels: u16, frames: usize) -> Vec<f32> {
    let mut pcm = vec![0.0; frames * usize::from(channels)];
    let period = Duration::from_samples(frames as u64, rate);
    Sweep::new(100.0, 4_000.0, period, rate, channels).fill(&mut pcm);
    pcm
}

/// Pushes `pcm` in blocks whose sizes cycle through `blocks`, pulling after every push,
/// then finishes and drains. Checks the push contract and the gapless timeline on the way.
pub fn encode(enc: &mut PureOpusEncoder, pcm: &[f32], blocks: &[usize]) -> Packets {
    let input = enc.input();
    let (channels, rate) = (usize::from(input.channels), input.sample_rate);
    let mut out = Packets::new();
    let mut buf = vec![0u8; enc.max_packet_len()];
    let total = pcm.len() / channels;
    let mut offset = 0;
    let mut sizes = blocks.iter().cycle();
    while offset < total {
        let n = (*sizes.next().unwrap()).min(total - offset);
        let block = &pcm[offset * channels..(offset + n) * channels];
        let mut taken = 0;
        while taken < n {
            let frame = AudioFrame {
                samples: Samples::F32(&block[taken * channels..]),
                channels: channels as u16,
                sample_rate: rate,
                timestamp: Duration::from_samples((offset + taken) as u64, rate),
            };
            let t = enc.push(&frame).unwrap();
            let mut pulled = false;
            while let Some(info) = enc.pull(&mut buf).unwrap() {
                out.push((buf[..info.len].to_vec(), info));
                pulled = true;
            }
            assert!(t > 0 || pulled, "push took nothing although no packet was waiting");
            taken += t;
        }
        offset += n;
    }
    enc.finish().unwrap();
    while let Some(info) = enc.pull(&mut buf).unwrap() {
        out.push((buf[..info.len].to_vec(), info));
    }
    for (i, (data, info)) in out.iter().enumerate() {
        assert_eq!(info.len, data.len());
        let pts = Duration::from_micros(info.duration.as_micros() * i as u64);
        assert_eq!(info.pts, pts, "packet {i} is not gapless");
        assert!(info.keyframe);
        if i + 1 < out.len() {
            assert_eq!(info.discard_samples, 0, "only the last packet discards");
        }
    }
    out
}

/// Applies the pre-skip and the last packet's discard to `decoded` 48 kHz samples.
fn trim(mut decoded: Vec<f32>, packets: &Packets, channels: usize, pre_skip: u16) -> Vec<f32> {
    let discard = packets.last().map_or(0, |p| p.1.discard_samples as usize);
    let end = decoded.len() - discard * channels;
    decoded.truncate(end);
    decoded.drain(..usize::from(pre_skip) * channels);
    decoded
}

/// Decodes with libopus at 48 kHz and trims as a player would.
pub fn decode_libopus(packets: &Packets, channels: u16, pre_skip: u16) -> Vec<f32> {
    let ch = if channels == 1 { opus::Channels::Mono } else { opus::Channels::Stereo };
    let mut dec = opus::Decoder::new(48_000, ch).unwrap();
    let ch = usize::from(channels);
    let mut buf = vec![0f32; 5_760 * ch];
    let mut pcm = Vec::new();
    for (data, info) in packets {
        let n = dec.decode_float(data, &mut buf, false).unwrap();
        assert_eq!(n as u64, info.duration.as_samples(48_000), "libopus frame length");
        pcm.extend_from_slice(&buf[..n * ch]);
    }
    trim(pcm, packets, ch, pre_skip)
}

/// Decodes with opus-rs at 48 kHz and trims as a player would. Call on a [`deep`] thread.
pub fn decode_opus_rs(packets: &Packets, channels: u16, pre_skip: u16) -> Vec<f32> {
    let ch = usize::from(channels);
    let mut dec = opus_rs::OpusDecoder::new(48_000, ch).unwrap();
    let mut buf = vec![0f32; 5_760 * ch];
    let mut pcm = Vec::new();
    for (data, info) in packets {
        let n = dec.decode(data, 5_760, &mut buf).unwrap();
        assert_eq!(n as u64, info.duration.as_samples(48_000), "opus-rs frame length");
        pcm.extend_from_slice(&buf[..n * ch]);
    }
    trim(pcm, packets, ch, pre_skip)
}

/// Upward zero crossings of channel 0 with interpolated positions: (count, first, last).
fn upward_crossings(samples: &[f32], channels: usize) -> (usize, f64, f64) {
    let (mut count, mut first, mut last) = (0, 0.0, 0.0);
    let mut prev = samples[0];
    for (i, frame) in samples.chunks_exact(channels).enumerate().skip(1) {
        let cur = frame[0];
        if prev < 0.0 && cur >= 0.0 {
            let t = (i - 1) as f64 + f64::from(-prev) / f64::from(cur - prev);
            if count == 0 {
                first = t;
            }
            last = t;
            count += 1;
        }
        prev = cur;
    }
    (count, first, last)
}

/// Frequency from zero crossings: (crossings − 1) periods between the first and the last.
pub fn frequency(samples: &[f32], channels: usize, rate: u32) -> f64 {
    let (count, first, last) = upward_crossings(samples, channels);
    assert!(count > 2, "no tone: {count} zero crossings");
    (count - 1) as f64 * f64::from(rate) / (last - first)
}

/// Signal-to-noise ratio in dB of channel 0 of `decoded` (48 kHz) against the 440 Hz,
/// amplitude 0.5 tone the synthetic source made, shifted by `lag` samples, over the samples
/// from 100 ms to 20 ms before the end (past the encoder's start-up).
pub fn snr_db(decoded: &[f32], channels: usize, hz: f64, lag: i64) -> f64 {
    let frames = decoded.len() / channels;
    let (mut signal, mut noise) = (0.0f64, 0.0f64);
    for m in 4_800..frames.saturating_sub(960) {
        let t = (m as i64 - lag) as f64 / 48_000.0;
        let want = 0.5 * (std::f64::consts::TAU * hz * t).sin();
        let got = f64::from(decoded[m * channels]);
        signal += want * want;
        noise += (got - want) * (got - want);
    }
    10.0 * (signal / noise.max(1e-30)).log10()
}

/// The lag (in 48 kHz samples, within ±`range`) at which `decoded` best matches `input`
/// (at `rate`, channel 0), by normalised cross-correlation; with the correlation.
pub fn best_lag(
    input: &[f32],
    rate: u32,
    decoded: &[f32],
    channels: usize,
    range: i64,
) -> (i64, f64) {
    let factor = (48_000 / rate) as usize;
    let frames = input.len() / channels;
    let mut best = (0, f64::MIN);
    for lag in -range..=range {
        let (mut xy, mut xx, mut yy) = (0.0f64, 0.0f64, 0.0f64);
        for k in frames / 10..frames - frames / 10 {
            let j = (k * factor) as i64 + lag;
            let Some(&y) = usize::try_from(j).ok().and_then(|j| decoded.get(j * channels)) else {
                continue;
            };
            let x = f64::from(input[k * channels]);
            xy += x * f64::from(y);
            xx += x * x;
            yy += f64::from(y) * f64::from(y);
        }
        let corr = xy / (xx * yy).sqrt().max(1e-30);
        if corr > best.1 {
            best = (lag, corr);
        }
    }
    best
}

/// Finds `name` on PATH, or fails with the way to install it.
pub fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()).unwrap_or_else(
        || panic!("`{name}` is not installed; `cargo xtask setup` installs the interop tools"),
    )
}

/// A file image in memory that can be patched, so the muxer writes a seekable file.
#[derive(Default)]
pub struct MemSink {
    pub image: Vec<u8>,
}

impl ByteSink for MemSink {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.image.extend_from_slice(bytes);
        Ok(())
    }
    fn position(&self) -> u64 {
        self.image.len() as u64
    }
    fn can_patch(&self) -> bool {
        true
    }
    fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), SinkError> {
        let start = usize::try_from(offset).map_err(|_| SinkError::Io)?;
        if start > self.image.len() {
            return Err(SinkError::Io);
        }
        let end = start + bytes.len();
        if end > self.image.len() {
            self.image.resize(end, 0);
        }
        self.image[start..end].copy_from_slice(bytes);
        Ok(())
    }
}
