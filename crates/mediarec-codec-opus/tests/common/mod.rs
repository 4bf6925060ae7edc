//! Drives an encoder the way a recorder would and decodes the result with libopus.
#![allow(dead_code, clippy::unwrap_used)]

use mediarec_codec_opus::{OpusEncoder, OpusOptions};
use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, BitrateMode, Duration, EncoderSettings, PacketInfo,
    Samples,
};
use mediarec_source_synth::{AudioSource, Noise, Tone};

pub type Packets = Vec<(Vec<u8>, PacketInfo)>;

pub fn encoder(
    rate: u32,
    channels: u16,
    bps: u32,
    mode: BitrateMode,
    options: OpusOptions,
) -> OpusEncoder {
    OpusEncoder::new(
        AudioParams { sample_rate: rate, channels },
        EncoderSettings { bits_per_second: bps, bitrate_mode: mode },
        options,
    )
    .unwrap()
}

pub fn tone(hz: f64, rate: u32, channels: u16, frames: usize) -> Vec<f32> {
    let mut pcm = vec![0.0; frames * usize::from(channels)];
    Tone::new(hz, rate, channels).fill(&mut pcm);
    pcm
}

pub fn noise(rate: u32, channels: u16, frames: usize) -> Vec<f32> {
    let mut pcm = vec![0.0; frames * usize::from(channels)];
    Noise::new(1234, rate, channels).with_amplitude(0.7).fill(&mut pcm);
    pcm
}

/// Pushes `pcm` in blocks whose sizes cycle through `blocks`, pulling after every push,
/// then finishes and drains. Checks the push contract on the way.
pub fn encode(enc: &mut OpusEncoder, pcm: &[f32], blocks: &[usize], anchor: Duration) -> Packets {
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
        let timestamp = anchor + Duration::from_samples(offset as u64, rate);
        let mut taken = 0;
        while taken < n {
            let frame = AudioFrame {
                samples: Samples::F32(&block[taken * channels..]),
                channels: channels as u16,
                sample_rate: rate,
                timestamp: timestamp + Duration::from_samples(taken as u64, rate),
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
    out
}

/// Decodes at 48 kHz and applies pre-skip and end discard, as a player would.
pub fn decode_trimmed(packets: &Packets, channels: u16, pre_skip: usize) -> Vec<f32> {
    let ch = usize::from(channels);
    let layout = if channels == 1 { opus::Channels::Mono } else { opus::Channels::Stereo };
    let mut dec = opus::Decoder::new(48_000, layout).unwrap();
    let mut pcm = Vec::new();
    let mut buf = vec![0.0f32; 5_760 * ch];
    let mut discard = 0;
    for (data, info) in packets {
        let n = dec.decode_float(data, &mut buf, false).unwrap();
        assert_eq!(Duration::from_samples(n as u64, 48_000), info.duration);
        pcm.extend_from_slice(&buf[..n * ch]);
        discard = info.discard_samples as usize;
    }
    pcm.drain(..pre_skip * ch);
    pcm.truncate(pcm.len() - discard * ch);
    pcm
}

/// The `OpusHead` pre-skip in 48 kHz samples.
pub fn pre_skip(enc: &OpusEncoder) -> usize {
    let head = enc.config().private.as_bytes();
    usize::from(u16::from_le_bytes([head[10], head[11]]))
}

/// Frequency of channel 0 from upward zero crossings, interpolated.
pub fn frequency(pcm: &[f32], channels: usize, rate: u32) -> f64 {
    let (mut count, mut first, mut last) = (0usize, 0.0, 0.0);
    let mut prev = pcm[0];
    for (i, f) in pcm.chunks_exact(channels).enumerate().skip(1) {
        let cur = f[0];
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
    (count - 1) as f64 * f64::from(rate) / (last - first)
}
