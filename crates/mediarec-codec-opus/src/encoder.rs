//! [`OpusEncoder`]: re-chunking, timing and exact trimming around a libopus encoder.

use core::fmt;

use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, BitrateMode, CodecConfig, CodecId, CodecPrivate,
    Duration, EncoderSettings, PacketInfo, Samples,
};

use crate::error::OpusError;
use crate::head::opus_head;
use crate::mix::mix_into;
use crate::resample::Resample;

/// The rate Opus decoders run at and containers declare, whatever the input rate.
pub const OPUS_OUTPUT_RATE: u32 = 48_000;

/// How far ahead of a seek target a decoder must start to converge (RFC 7845 §4.6).
pub const SEEK_PREROLL: Duration = Duration::from_millis(80);

/// Largest Opus frame plus its table-of-contents byte (RFC 6716 §3.2).
const MAX_FRAME_BYTES: usize = 1276;

/// Input sample rates libopus encodes without resampling.
const NATIVE_RATES: [u32; 5] = [8_000, 12_000, 16_000, 24_000, 48_000];

/// The audio each packet carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FrameDuration {
    /// 10 ms: lower latency, a little more overhead.
    Ms10,
    /// 20 ms: the usual choice (and what browsers use).
    #[default]
    Ms20,
    /// 40 ms: two 20 ms frames per packet.
    Ms40,
    /// 60 ms: three 20 ms frames per packet, least container overhead.
    Ms60,
}

impl FrameDuration {
    /// Milliseconds per packet.
    pub const fn as_millis(self) -> u32 {
        match self {
            FrameDuration::Ms10 => 10,
            FrameDuration::Ms20 => 20,
            FrameDuration::Ms40 => 40,
            FrameDuration::Ms60 => 60,
        }
    }

    /// The packet duration.
    pub const fn duration(self) -> Duration {
        Duration::from_millis(self.as_millis() as u64)
    }

    /// The most bytes libopus may write for one packet of this duration: one maximal frame
    /// per 20 ms (a 10 ms packet is a single frame too).
    const fn max_packet_len(self) -> usize {
        match self {
            FrameDuration::Ms10 | FrameDuration::Ms20 => MAX_FRAME_BYTES,
            FrameDuration::Ms40 => 2 * MAX_FRAME_BYTES,
            FrameDuration::Ms60 => 3 * MAX_FRAME_BYTES,
        }
    }
}

/// What the encoder tunes for (libopus `OPUS_APPLICATION_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OpusApplication {
    /// Music and general audio, closest to the input (the default).
    #[default]
    Audio,
    /// Speech intelligibility first.
    Voip,
    /// Lowest delay: CELT only, shorter look-ahead (smaller pre-skip).
    LowDelay,
}

impl OpusApplication {
    const fn to_libopus(self) -> opus::Application {
        match self {
            OpusApplication::Audio => opus::Application::Audio,
            OpusApplication::Voip => opus::Application::Voip,
            OpusApplication::LowDelay => opus::Application::LowDelay,
        }
    }
}

/// Opus-specific choices beyond the recorder's [`EncoderSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpusOptions {
    /// 0 (fastest) to 10 (best quality, the default).
    pub complexity: u8,
    /// Audio per packet.
    pub frame_duration: FrameDuration,
    /// What the encoder tunes for.
    pub application: OpusApplication,
    /// Channels to encode. `None` (the default) keeps mono and stereo input as it is and
    /// down-mixes more channels to stereo; `Some(1)` or `Some(2)` up- or down-mixes to mono
    /// or stereo whatever the input.
    pub channels: Option<u16>,
}

impl Default for OpusOptions {
    fn default() -> Self {
        OpusOptions {
            complexity: 10,
            frame_duration: FrameDuration::Ms20,
            application: OpusApplication::Audio,
            channels: None,
        }
    }
}

/// The lowest and highest input sample rates accepted (anything in between is resampled
/// when libopus cannot take it directly).
pub const INPUT_RATES: core::ops::RangeInclusive<u32> = 1_000..=768_000;

/// Where the encoder stands after `finish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct End {
    /// Sample frames (at the encoding rate) that carry input: N, or round(N × 48000 / rate)
    /// when resampling.
    signal: u64,
    /// Sample frames encoded in total, padding included: T.
    total: u64,
}

/// A packet waiting in the encoder for `pull`.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// Bytes in the packet buffer.
    len: usize,
    /// Input sample frames encoded before this packet (including pre-skip padding).
    start: u64,
}

/// An Opus encoder behind the [`AudioEncoder`] push/pull shape.
///
/// It collects pushed audio into one packet's worth of samples, encodes it with libopus
/// when full, and holds that one packet until [`AudioEncoder::pull`] takes it; while a
/// packet waits, [`AudioEncoder::push`] takes nothing. All buffers (and the resampler) are
/// allocated in [`OpusEncoder::new`]; pushing and pulling never allocate.
///
/// **Input.** Any sample rate in [`INPUT_RATES`] and any channel count; samples may be `f32`
/// or `i16`. Rates libopus takes natively (8, 12, 16, 24 and 48 kHz) go to it directly;
/// other rates (44.1, 22.05, 96 kHz, …) are resampled to 48 kHz first with rubato's
/// fixed-ratio FFT resampler. Channels are mixed to [`OpusOptions::channels`]: mono is
/// copied to both sides, stereo is averaged to mono, and more channels (WAVE order: L R C
/// LFE …) are down-mixed to stereo with the Web Audio gains.
///
/// **Timing.** The first non-empty frame's timestamp anchors the timeline; a packet's `pts`
/// is the anchor plus the samples encoded before it, computed from integer counts so that
/// hours of audio do not drift. Later frames' timestamps are ignored: the output is gapless
/// by construction. Every packet lasts the frame duration. The resampler's own delay is
/// removed before encoding, so resampled audio starts at the anchor too.
///
/// **Exact trimming.** libopus delays its output by its look-ahead, announced as the
/// `OpusHead` pre-skip and as [`CodecConfig::codec_delay`]. Let *N* be the sample frames
/// at the encoding rate (the input rate, or *round(frames pushed × 48000 / rate)* when
/// resampling) and *P* the pre-skip. [`AudioEncoder::finish`] pads with silence until the
/// encoded total *T* is the smallest multiple of the frame length that is at least *N + P*,
/// and the last packet reports `discard_samples` = *T − N − P* in **48 kHz** samples (what
/// Matroska `DiscardPadding` and Ogg end granules need). A decoder that drops the pre-skip
/// at the start and the discard at the end returns exactly *N* samples (*N × 48000 / rate*
/// at 48 kHz). When the partly filled last frame already covers *N + P*, no extra packet is
/// made; the discard goes on that packet. An encoder that was never given audio produces no
/// packets.
pub struct OpusEncoder {
    encoder: opus::Encoder,
    config: CodecConfig,
    input: AudioParams,
    in_channels: usize,
    /// Channels encoded (1 or 2).
    channels: usize,
    /// The rate libopus encodes at: the input rate, or 48 kHz when resampling.
    rate: u32,
    resampler: Option<Resample>,
    /// Sample frames per packet at the encoding rate.
    frame_len: usize,
    frame_duration: Duration,
    /// 48 kHz samples per encoding-rate sample.
    rate_factor: u32,
    /// Encoder look-ahead in encoding-rate samples.
    pre_skip: u64,
    /// `frame_len × channels` interleaved samples; the first `fill` frames are valid.
    pcm: Box<[f32]>,
    fill: usize,
    /// One encoded packet; `max_packet_len` bytes.
    packet: Box<[u8]>,
    pending: Option<Pending>,
    anchor: Option<Duration>,
    /// Input sample frames taken by `push`.
    taken: u64,
    /// Encoding-rate sample frames of input put into `pcm` so far.
    pushed: u64,
    /// Sample frames handed to libopus, padding included.
    encoded: u64,
    /// Set by `finish`.
    end: Option<End>,
    packets: u64,
}

impl OpusEncoder {
    /// A new encoder for `input` audio at `settings.bits_per_second` (0 lets libopus pick;
    /// libopus clamps to 500 b/s … 300 kb/s per channel).
    ///
    /// [`BitrateMode::Constant`] gives hard CBR (every packet the same size);
    /// [`BitrateMode::Variable`] gives libopus's default constrained VBR.
    pub fn new(
        input: AudioParams,
        settings: EncoderSettings,
        options: OpusOptions,
    ) -> Result<Self, OpusError> {
        if !INPUT_RATES.contains(&input.sample_rate) {
            return Err(OpusError::UnsupportedSampleRate(input.sample_rate));
        }
        if input.channels == 0 {
            return Err(OpusError::UnsupportedChannels(0));
        }
        let channels = match options.channels {
            None => input.channels.min(2),
            Some(c @ (1 | 2)) => c,
            Some(other) => return Err(OpusError::UnsupportedChannels(other)),
        };
        let libopus_channels =
            if channels == 1 { opus::Channels::Mono } else { opus::Channels::Stereo };
        if options.complexity > 10 {
            return Err(OpusError::InvalidComplexity(options.complexity));
        }
        let native = NATIVE_RATES.contains(&input.sample_rate);
        let rate = if native { input.sample_rate } else { OPUS_OUTPUT_RATE };
        let resampler = if native {
            None
        } else {
            Some(Resample::new(input.sample_rate, OPUS_OUTPUT_RATE, usize::from(channels))?)
        };

        let mut encoder =
            opus::Encoder::new(rate, libopus_channels, options.application.to_libopus())?;
        encoder.set_complexity(i32::from(options.complexity))?;
        encoder.set_bitrate(match settings.bits_per_second {
            0 => opus::Bitrate::Auto,
            bps => opus::Bitrate::Bits(i32::try_from(bps).unwrap_or(i32::MAX)),
        })?;
        encoder.set_vbr(settings.bitrate_mode == BitrateMode::Variable)?;
        let lookahead = encoder.get_lookahead()?;

        // Every encoding rate divides 48 kHz, so the conversions below are exact.
        let rate_factor = OPUS_OUTPUT_RATE / rate;
        let pre_skip = u64::try_from(lookahead)
            .map_err(|_| OpusError::Libopus { function: "OPUS_GET_LOOKAHEAD", code: lookahead })?;
        let pre_skip_48k = u16::try_from(pre_skip * u64::from(rate_factor))
            .map_err(|_| OpusError::Libopus { function: "OPUS_GET_LOOKAHEAD", code: lookahead })?;

        let frame_ms = options.frame_duration.as_millis();
        let frame_len = (rate / 1_000 * frame_ms) as usize;
        let head = opus_head(channels as u8, pre_skip_48k, input.sample_rate);

        let mut config = CodecConfig::audio(CodecId::Opus, OPUS_OUTPUT_RATE, channels);
        config.private = CodecPrivate::new(&head).unwrap_or(CodecPrivate::EMPTY);
        config.codec_delay = Duration::from_samples(u64::from(pre_skip_48k), OPUS_OUTPUT_RATE);
        config.seek_preroll = SEEK_PREROLL;

        let channels = usize::from(channels);
        Ok(OpusEncoder {
            encoder,
            config,
            input,
            in_channels: usize::from(input.channels),
            channels,
            rate,
            resampler,
            frame_len,
            frame_duration: options.frame_duration.duration(),
            rate_factor,
            pre_skip,
            pcm: vec![0.0; frame_len * channels].into_boxed_slice(),
            fill: 0,
            packet: vec![0; options.frame_duration.max_packet_len()].into_boxed_slice(),
            pending: None,
            anchor: None,
            taken: 0,
            pushed: 0,
            encoded: 0,
            end: None,
            packets: 0,
        })
    }

    /// The audio this encoder takes (rate and channels of pushed frames).
    pub fn input(&self) -> AudioParams {
        self.input
    }

    /// True when input is resampled to 48 kHz before encoding.
    pub fn resamples(&self) -> bool {
        self.resampler.is_some()
    }

    /// Packets handed out by [`AudioEncoder::pull`] so far.
    pub fn packet_count(&self) -> u64 {
        self.packets
    }

    /// Encodes the full frame buffer into the packet slot (which must be free).
    fn encode(&mut self) -> Result<(), OpusError> {
        let len = self.encoder.encode_float(&self.pcm, &mut self.packet)?;
        self.pending = Some(Pending { len, start: self.encoded });
        self.encoded += self.frame_len as u64;
        self.fill = 0;
        Ok(())
    }

    /// Mixes `take` sample frames of `samples` (from frame `from`) after the buffered ones.
    fn copy_in(&mut self, samples: &Samples<'_>, from: usize, take: usize) {
        let dst = self.pcm.get_mut(self.fill * self.channels..).unwrap_or(&mut []);
        mix_into(samples, self.in_channels, from, take, dst, self.channels);
        self.fill += take;
        self.pushed += take as u64;
    }

    /// Moves resampled audio into the frame buffer, up to the signal length once finished.
    fn drain_resampled(&mut self) {
        let Some(rs) = self.resampler.as_mut() else { return };
        let limit = self.end.map_or(u64::MAX, |end| end.signal.saturating_sub(self.pushed));
        let room = self.frame_len - self.fill;
        let n = (rs.available().len() / self.channels)
            .min(room)
            .min(usize::try_from(limit).unwrap_or(usize::MAX));
        let src = rs.available().get(..n * self.channels).unwrap_or(&[]);
        let dst = self.pcm.iter_mut().skip(self.fill * self.channels);
        dst.zip(src).for_each(|(d, &s)| *d = s);
        rs.consume(n);
        self.fill += n;
        self.pushed += n as u64;
        if self.end.is_some_and(|end| self.pushed >= end.signal) {
            rs.discard_output();
        }
    }

    /// Makes the next packet if the input allows one (called by `pull` when none waits).
    fn produce(&mut self) -> Result<(), OpusError> {
        loop {
            self.drain_resampled();
            if self.fill == self.frame_len {
                return self.encode();
            }
            let Some(end) = self.end else { return Ok(()) };
            if self.pushed < end.signal {
                // Flush the resampler: pad its last chunk with silence and run it again.
                if let Some(rs) = self.resampler.as_mut() {
                    rs.pad();
                    rs.process()?;
                    if rs.available().is_empty() {
                        return Err(OpusError::Resampler); // no progress: never loop forever
                    }
                    continue;
                }
            }
            if self.encoded < end.total {
                self.pcm.iter_mut().skip(self.fill * self.channels).for_each(|s| *s = 0.0);
                self.fill = self.frame_len;
                return self.encode();
            }
            return Ok(());
        }
    }
}

impl AudioEncoder for OpusEncoder {
    type Error = OpusError;

    fn config(&self) -> &CodecConfig {
        &self.config
    }

    fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, OpusError> {
        if self.end.is_some() {
            return Err(OpusError::Finished);
        }
        if frame.sample_rate != self.input.sample_rate || frame.channels != self.input.channels {
            return Err(OpusError::FrameMismatch {
                sample_rate: frame.sample_rate,
                channels: frame.channels,
            });
        }
        if !frame.samples.len().is_multiple_of(self.in_channels) {
            return Err(OpusError::PartialSampleFrame);
        }
        let frames = frame.frames();
        if frames == 0 || self.pending.is_some() {
            return Ok(0);
        }
        if self.fill == self.frame_len {
            // An earlier encode failed after its samples were taken: retry it first.
            self.encode()?;
            return Ok(0);
        }
        self.anchor.get_or_insert(frame.timestamp);
        if self.resampler.is_none() {
            let take = frames.min(self.frame_len - self.fill);
            self.copy_in(&frame.samples, 0, take);
            self.taken += take as u64;
            if self.fill == self.frame_len {
                self.encode()?;
            }
            return Ok(take);
        }
        let mut taken = 0;
        while let Some(rs) = self.resampler.as_mut() {
            if rs.ready() {
                rs.process()?;
            }
            self.drain_resampled();
            if self.fill == self.frame_len {
                self.encode()?;
                break;
            }
            let Some(rs) = self.resampler.as_mut() else { break };
            if taken == frames {
                break;
            }
            let take = (frames - taken).min(rs.room());
            mix_into(
                &frame.samples,
                self.in_channels,
                taken,
                take,
                rs.input_space(),
                self.channels,
            );
            rs.commit(take);
            taken += take;
            self.taken += take as u64;
        }
        Ok(taken)
    }

    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, OpusError> {
        if self.pending.is_none() {
            self.produce()?;
        }
        let Some(pending) = self.pending else {
            return Ok(None);
        };
        let (Some(dst), Some(src)) = (out.get_mut(..pending.len), self.packet.get(..pending.len))
        else {
            return Err(OpusError::OutputTooSmall { needed: pending.len });
        };
        dst.copy_from_slice(src);
        self.pending = None;
        self.packets += 1;

        let packet_end = pending.start + self.frame_len as u64;
        let discard = match self.end {
            Some(end) if packet_end == end.total => {
                end.total.saturating_sub(end.signal + self.pre_skip) * u64::from(self.rate_factor)
            }
            _ => 0,
        };
        let anchor = self.anchor.unwrap_or(Duration::ZERO);
        Ok(Some(PacketInfo {
            len: pending.len,
            pts: anchor + Duration::from_samples(pending.start, self.rate),
            duration: self.frame_duration,
            keyframe: true,
            discard_samples: u32::try_from(discard).unwrap_or(u32::MAX),
        }))
    }

    fn finish(&mut self) -> Result<(), OpusError> {
        if self.end.is_none() {
            let signal = match self.resampler {
                None => self.pushed,
                // round(N × 48000 / rate), in integers.
                Some(_) => {
                    let rate = u128::from(self.input.sample_rate);
                    let n = u128::from(self.taken) * u128::from(OPUS_OUTPUT_RATE);
                    u64::try_from((2 * n + rate) / (2 * rate)).unwrap_or(u64::MAX)
                }
            };
            let total = if signal == 0 {
                0
            } else {
                (signal + self.pre_skip).div_ceil(self.frame_len as u64) * self.frame_len as u64
            };
            self.end = Some(End { signal, total });
        }
        Ok(())
    }

    fn max_packet_len(&self) -> usize {
        self.packet.len()
    }
}

impl fmt::Debug for OpusEncoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpusEncoder")
            .field("input", &self.input)
            .field("channels", &self.channels)
            .field("resamples", &self.resampler.is_some())
            .field("frame_len", &self.frame_len)
            .field("pre_skip", &self.pre_skip)
            .field("pushed", &self.pushed)
            .field("encoded", &self.encoded)
            .field("packets", &self.packets)
            .field("finished", &self.end.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mix::finite;
    use mediarec_core::{Error, ErrorKind};

    fn params(sample_rate: u32, channels: u16) -> AudioParams {
        AudioParams { sample_rate, channels }
    }

    fn settings(bits_per_second: u32) -> EncoderSettings {
        EncoderSettings { bits_per_second, bitrate_mode: BitrateMode::Variable }
    }

    fn stereo_48k() -> OpusEncoder {
        OpusEncoder::new(params(48_000, 2), settings(64_000), OpusOptions::default()).unwrap()
    }

    fn frame<'a>(samples: Samples<'a>, channels: u16, sample_rate: u32) -> AudioFrame<'a> {
        AudioFrame { samples, channels, sample_rate, timestamp: Duration::ZERO }
    }

    /// Pushes everything and drains, returning the packets.
    fn run(enc: &mut OpusEncoder, samples: Samples<'_>) -> Vec<(Vec<u8>, PacketInfo)> {
        let ch = usize::from(enc.input.channels);
        let mut out = Vec::new();
        let mut buf = vec![0u8; enc.max_packet_len()];
        let mut taken = 0;
        while taken * ch < samples.len() {
            let rest = match samples {
                Samples::F32(s) => Samples::F32(&s[taken * ch..]),
                Samples::I16(s) => Samples::I16(&s[taken * ch..]),
            };
            taken += enc.push(&frame(rest, enc.input.channels, enc.input.sample_rate)).unwrap();
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

    #[test]
    fn unsupported_inputs_are_refused_with_their_kind() {
        let new = |rate, ch, complexity| {
            let options = OpusOptions { complexity, ..OpusOptions::default() };
            OpusEncoder::new(params(rate, ch), settings(64_000), options).map(|_| ())
        };
        assert_eq!(new(999, 2, 10), Err(OpusError::UnsupportedSampleRate(999)));
        assert_eq!(new(768_001, 2, 10).unwrap_err().kind(), ErrorKind::Unsupported);
        assert_eq!(new(0, 2, 10).unwrap_err().kind(), ErrorKind::Unsupported);
        assert_eq!(new(48_000, 0, 10).unwrap_err().kind(), ErrorKind::Unsupported);
        assert_eq!(new(48_000, 2, 11).unwrap_err().kind(), ErrorKind::InvalidInput);
        let with_channels = |channels| {
            let options = OpusOptions { channels, ..OpusOptions::default() };
            OpusEncoder::new(params(44_100, 6), settings(64_000), options)
                .map(|e| e.config().channels)
        };
        assert_eq!(with_channels(None), Ok(2));
        assert_eq!(with_channels(Some(1)), Ok(1));
        assert_eq!(with_channels(Some(3)), Err(OpusError::UnsupportedChannels(3)));
        assert_eq!(with_channels(Some(0)), Err(OpusError::UnsupportedChannels(0)));
        for rate in [1_000, 11_025, 22_050, 32_000, 44_100, 88_200, 96_000, 192_000, 768_000] {
            let enc =
                OpusEncoder::new(params(rate, 1), settings(0), OpusOptions::default()).unwrap();
            assert!(enc.resamples(), "{rate}");
            assert_eq!(enc.config().sample_rate, 48_000);
        }
        for rate in NATIVE_RATES {
            assert_eq!(new(rate, 1, 0), Ok(()));
            assert!(
                !OpusEncoder::new(params(rate, 1), settings(0), OpusOptions::default())
                    .unwrap()
                    .resamples()
            );
        }
        // Extreme bitrates are clamped by libopus, not refused.
        for bps in [0, 1, u32::MAX] {
            let r = OpusEncoder::new(params(48_000, 1), settings(bps), OpusOptions::default());
            assert!(r.is_ok(), "{bps} b/s");
        }
    }

    #[test]
    fn config_describes_opus_at_48k_with_opus_head() {
        let enc =
            OpusEncoder::new(params(16_000, 1), settings(32_000), OpusOptions::default()).unwrap();
        let c = enc.config();
        assert_eq!((c.codec, c.sample_rate, c.channels), (CodecId::Opus, 48_000, 1));
        // libopus look-ahead is 104 samples at 16 kHz: 312 at 48 kHz.
        assert_eq!(enc.pre_skip, 104);
        let mut head = *b"OpusHead\x01\x01\x38\x01\0\0\0\0\0\0\0";
        head[12..16].copy_from_slice(&16_000u32.to_le_bytes());
        assert_eq!(c.private.as_bytes(), head);
        assert_eq!(c.codec_delay, Duration::from_micros(6_500));
        assert_eq!(c.seek_preroll, Duration::from_millis(80));
        assert_eq!(enc.max_packet_len(), 1276);

        let low_delay = OpusOptions {
            application: OpusApplication::LowDelay,
            frame_duration: FrameDuration::Ms60,
            ..OpusOptions::default()
        };
        let enc = OpusEncoder::new(params(48_000, 2), settings(64_000), low_delay).unwrap();
        assert_eq!(enc.config().private.as_bytes()[10..12], 120u16.to_le_bytes());
        assert_eq!(enc.max_packet_len(), 3 * 1276);
    }

    #[test]
    fn frame_lengths_follow_rate_and_duration() {
        for (rate, fd, len) in [
            (8_000, FrameDuration::Ms10, 80),
            (12_000, FrameDuration::Ms20, 240),
            (24_000, FrameDuration::Ms40, 960),
            (48_000, FrameDuration::Ms60, 2_880),
        ] {
            let options = OpusOptions { frame_duration: fd, ..OpusOptions::default() };
            let enc = OpusEncoder::new(params(rate, 2), settings(64_000), options).unwrap();
            assert_eq!(enc.frame_len, len);
            assert_eq!(enc.frame_duration, fd.duration());
            assert_eq!(enc.pcm.len(), len * 2);
        }
    }

    #[test]
    fn bad_frames_are_errors_not_panics() {
        let mut enc = stereo_48k();
        let pcm = [0.1f32; 64];
        let kind = |r: Result<usize, OpusError>| r.unwrap_err().kind();
        assert_eq!(kind(enc.push(&frame(Samples::F32(&pcm), 1, 48_000))), ErrorKind::InvalidInput);
        assert_eq!(kind(enc.push(&frame(Samples::F32(&pcm), 2, 44_100))), ErrorKind::InvalidInput);
        assert_eq!(kind(enc.push(&frame(Samples::F32(&pcm), 0, 48_000))), ErrorKind::InvalidInput);
        assert_eq!(
            enc.push(&frame(Samples::F32(&pcm[..63]), 2, 48_000)),
            Err(OpusError::PartialSampleFrame)
        );
        // Empty frames take nothing and do not anchor the timeline.
        assert_eq!(enc.push(&frame(Samples::F32(&[]), 2, 48_000)), Ok(0));
        assert_eq!(enc.push(&frame(Samples::I16(&[]), 2, 48_000)), Ok(0));
        assert_eq!(enc.anchor, None);
        assert_eq!(enc.pull(&mut [0u8; 2_000]), Ok(None));
        // Nothing was accepted, so finishing yields nothing.
        enc.finish().unwrap();
        assert_eq!(enc.pull(&mut [0u8; 2_000]), Ok(None));
        assert_eq!(enc.packet_count(), 0);
    }

    #[test]
    fn push_waits_for_pull_and_finish_ends_input() {
        let mut enc = stereo_48k();
        let pcm = vec![0.25f32; 2_000 * 2];
        let f = frame(Samples::F32(&pcm), 2, 48_000);
        assert_eq!(enc.push(&f), Ok(960));
        assert_eq!(enc.push(&f), Ok(0)); // a packet waits
        let mut small = [0u8; 1];
        assert!(matches!(enc.pull(&mut small), Err(OpusError::OutputTooSmall { .. })));
        let mut buf = vec![0u8; enc.max_packet_len()];
        let info = enc.pull(&mut buf).unwrap().unwrap(); // still there after the error
        assert_eq!((info.pts, info.discard_samples), (Duration::ZERO, 0));
        assert_eq!(enc.push(&f), Ok(960));
        assert!(enc.pull(&mut buf).unwrap().is_some());
        assert_eq!(enc.push(&f), Ok(960));
        enc.finish().unwrap();
        enc.finish().unwrap(); // idempotent
        assert_eq!(enc.push(&f), Err(OpusError::Finished));
        // 2880 pushed + 312 → 4 packets; two are out, the third waits, one more is padding.
        let third = enc.pull(&mut buf).unwrap().unwrap();
        assert_eq!(third.discard_samples, 0);
        let last = enc.pull(&mut buf).unwrap().unwrap();
        assert_eq!(last.pts, Duration::from_millis(60));
        assert_eq!(last.discard_samples, 4 * 960 - 2_880 - 312);
        assert_eq!(enc.pull(&mut buf), Ok(None));
        assert_eq!(enc.packet_count(), 4);
    }

    #[test]
    fn i16_input_encodes_like_the_same_f32_input() {
        let ints: Vec<i16> =
            (0..9_600i32).map(|i| (((i * 37) % 4_001) - 2_000) as i16 * 8).collect();
        let floats: Vec<f32> = ints.iter().map(|&s| f32::from(s) / 32_768.0).collect();
        let a = run(&mut stereo_48k(), Samples::I16(&ints));
        let b = run(&mut stereo_48k(), Samples::F32(&floats));
        assert_eq!(a.len(), 6);
        assert_eq!(a, b);
    }

    #[test]
    fn non_finite_samples_are_sanitised() {
        assert_eq!(finite(f32::NAN), 0.0);
        assert_eq!(finite(f32::INFINITY), 1.0);
        assert_eq!(finite(f32::NEG_INFINITY), -1.0);
        assert_eq!(finite(0.5), 0.5);
        let pcm: Vec<f32> = (0..4_800).map(|i| [f32::NAN, f32::INFINITY, 0.1][i % 3]).collect();
        let packets = run(&mut stereo_48k(), Samples::F32(&pcm));
        assert_eq!(packets.len(), 3);
        let mut dec = opus::Decoder::new(48_000, opus::Channels::Stereo).unwrap();
        let mut out = vec![0.0f32; 5_760 * 2];
        for (data, _) in &packets {
            let n = dec.decode_float(data, &mut out, false).unwrap();
            assert!(out[..n * 2].iter().all(|s| s.is_finite()));
        }
    }
}
