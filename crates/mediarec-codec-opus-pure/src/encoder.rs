//! [`PureOpusEncoder`]: re-chunking, timing and exact trimming around an opus-rs encoder.

use core::fmt;

use mediarec_core::{
    AudioEncoder, AudioFrame, AudioParams, BitrateMode, CodecConfig, CodecId, CodecPrivate,
    Duration, EncoderSettings, PacketInfo, Samples,
};
use opus_rs::{Application, OpusEncoder};

use crate::error::PureOpusError;
use crate::head::opus_head;

/// The rate Opus decoders run at and containers declare, whatever the input rate.
pub const OPUS_OUTPUT_RATE: u32 = 48_000;

/// How far ahead of a seek target a decoder must start to converge (RFC 7845 §4.6).
pub const SEEK_PREROLL: Duration = Duration::from_millis(80);

/// The input sample rates Opus encodes directly. Without an allocator there is no
/// resampler, so these are the only rates accepted.
pub const NATIVE_RATES: [u32; 5] = [8_000, 12_000, 16_000, 24_000, 48_000];

/// Largest Opus frame plus its table-of-contents byte (RFC 6716 §3.2).
const MAX_FRAME_BYTES: usize = 1276;

/// Sample frames in the longest packet (60 ms) at the highest rate.
const MAX_FRAME_LEN: usize = 2_880;

/// Room for the longest packet: three maximal frames behind a code-3 header (TOC byte,
/// frame count byte, two 2-byte lengths).
const PACKET_CAPACITY: usize = 2 + 2 * 2 + 3 * (MAX_FRAME_BYTES - 1);

/// The audio each packet carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FrameDuration {
    /// 10 ms: lower latency, a little more overhead.
    Ms10,
    /// 20 ms: the usual choice (and what browsers use).
    #[default]
    Ms20,
    /// 40 ms: two 20 ms frames per packet (one SILK frame in speech mode).
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

    /// The most bytes opus-rs writes for one packet of this duration. Packets longer than
    /// 20 ms in CELT or hybrid mode are 20 ms frames joined under a code 2 or 3 header
    /// with explicit lengths (RFC 6716 §3.2.4–3.2.5).
    pub const fn max_packet_len(self) -> usize {
        match self {
            FrameDuration::Ms10 | FrameDuration::Ms20 => MAX_FRAME_BYTES,
            // TOC, one length of up to 2 bytes, two frames.
            FrameDuration::Ms40 => 1 + 2 + 2 * (MAX_FRAME_BYTES - 1),
            FrameDuration::Ms60 => PACKET_CAPACITY,
        }
    }
}

/// What the encoder tunes for (the libopus `OPUS_APPLICATION_*` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PureOpusApplication {
    /// Music and general audio, closest to the input (the default).
    #[default]
    Audio,
    /// Speech: prefers SILK at low bitrates.
    Voip,
    /// Lowest delay: CELT only, 2.5 ms of look-ahead instead of 6.5 ms. Not available at
    /// 12 kHz.
    LowDelay,
}

impl PureOpusApplication {
    const fn to_opus_rs(self) -> Application {
        match self {
            PureOpusApplication::Audio => Application::Audio,
            PureOpusApplication::Voip => Application::Voip,
            PureOpusApplication::LowDelay => Application::RestrictedLowDelay,
        }
    }

    /// The encoder's look-ahead in input-rate samples, as libopus defines it and opus-rs
    /// implements it: the CELT overlap (2.5 ms) plus, except for low delay, the 4 ms delay
    /// compensation that aligns SILK with CELT. The crate's cross-check tests measure it
    /// against libopus's decoder.
    const fn lookahead(self, rate: u32) -> u32 {
        match self {
            PureOpusApplication::LowDelay => rate / 400,
            PureOpusApplication::Audio | PureOpusApplication::Voip => rate / 400 + rate / 250,
        }
    }
}

/// Opus-specific choices beyond the recorder's [`EncoderSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PureOpusOptions {
    /// 0 (fastest) to 10 (best quality). The default is 10, as for the libopus backend.
    /// SILK (speech, rates up to 16 kHz) costs about three times as much at 10 as at 0;
    /// CELT (music at 24 and 48 kHz) hardly depends on it.
    pub complexity: u8,
    /// Audio per packet.
    pub frame_duration: FrameDuration,
    /// What the encoder tunes for.
    pub application: PureOpusApplication,
    /// Channels to encode. `None` (the default) keeps the input's; `Some(1)` averages
    /// stereo to mono, `Some(2)` copies mono to both sides.
    pub channels: Option<u16>,
}

impl Default for PureOpusOptions {
    fn default() -> Self {
        PureOpusOptions {
            complexity: 10,
            frame_duration: FrameDuration::Ms20,
            application: PureOpusApplication::Audio,
            channels: None,
        }
    }
}

/// Where the encoder stands after `finish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct End {
    /// Sample frames of input: N.
    signal: u64,
    /// Sample frames encoded in total, padding included: T.
    total: u64,
}

/// A packet waiting in the encoder for `pull`.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// Bytes in the packet buffer.
    len: usize,
    /// Sample frames encoded before this packet.
    start: u64,
}

/// An Opus encoder in pure Rust behind the [`AudioEncoder`] push/pull shape, for targets
/// without `std` or an allocator.
///
/// It collects pushed audio into one packet's worth of samples, encodes it with opus-rs when
/// full, and holds that one packet until [`AudioEncoder::pull`] takes it; while a packet
/// waits, [`AudioEncoder::push`] takes nothing. Every buffer is a fixed-size array inside the
/// struct, sized for the worst case (60 ms of 48 kHz stereo), so nothing is ever allocated.
///
/// **Memory.** opus-rs without its `heap` feature keeps all codec state inline, so the
/// encoder is one value of about 330 KB, and it needs no allocator. The price is stack:
/// opus-rs 0.1.40 has no in-place constructor for its encoder, so [`PureOpusEncoder::new`]
/// builds the state on the stack and returns it by value, which takes roughly 750 KB of
/// stack in an optimised `thumbv7em` build (and several MB unoptimised). Encoding itself
/// stays under about 64 KB. On a microcontroller, build the encoder once, early, where that
/// much stack exists, keep it in a `static`, and lend it to the recorder as
/// `&mut PureOpusEncoder` (which implements [`AudioEncoder`] too) rather than moving it.
///
/// **Input.** The rates Opus encodes natively ([`NATIVE_RATES`]: 8, 12, 16, 24, 48 kHz)
/// with 1 or 2 channels, as `f32` or `i16` samples; other rates are refused with
/// [`ErrorKind::Unsupported`](mediarec_core::ErrorKind) (resampling needs buffers this crate
/// does not have; the `std` backend `mediarec-codec-opus` resamples). NaN becomes silence
/// and infinities full scale.
///
/// **Bitrate.** `bits_per_second` is clamped to 500 b/s … 300 kb/s per channel; 0 picks
/// libopus's automatic rate (`60 × rate / frame + rate × channels`).
/// [`BitrateMode::Constant`] gives CBR (every packet the same size);
/// [`BitrateMode::Variable`] gives opus-rs's only VBR flavour, libopus's default
/// *constrained* VBR in CELT. opus-rs has no unconstrained VBR, no DTX and no
/// bandwidth or signal hints.
///
/// **Timing.** The first non-empty frame's timestamp anchors the timeline; a packet's `pts`
/// is the anchor plus the samples encoded before it, computed from integer counts so that
/// hours of audio do not drift. Later frames' timestamps are ignored: the output is gapless
/// by construction. Every packet lasts the frame duration.
///
/// **Exact trimming.** The encoder delays its output by its look-ahead (6.5 ms, or 2.5 ms
/// for [`PureOpusApplication::LowDelay`]), announced as the `OpusHead` pre-skip *P* and as
/// [`CodecConfig::codec_delay`]. Let *N* be the sample frames pushed.
/// [`AudioEncoder::finish`] pads with silence until the encoded total *T* is the smallest
/// multiple of the frame length that is at least *N + P*, and the last packet reports
/// `discard_samples` = *T − N − P* in **48 kHz** samples (what Matroska `DiscardPadding`
/// and Ogg end granules need). A decoder that drops the pre-skip at the start and the
/// discard at the end returns exactly *N × 48000 / rate* samples. An encoder that was never
/// given audio produces no packets.
pub struct PureOpusEncoder {
    encoder: OpusEncoder,
    config: CodecConfig,
    input: AudioParams,
    /// Channels pushed (1 or 2).
    in_channels: usize,
    /// Channels encoded (1 or 2).
    channels: usize,
    rate: u32,
    /// Sample frames per packet.
    frame_len: usize,
    frame_duration: Duration,
    /// 48 kHz samples per input sample.
    rate_factor: u32,
    /// Encoder look-ahead in input-rate samples.
    pre_skip: u64,
    /// Interleaved samples; the first `fill` sample frames are valid.
    pcm: [f32; MAX_FRAME_LEN * 2],
    fill: usize,
    /// One encoded packet; its first `max_packet_len` bytes are handed to opus-rs.
    packet: [u8; PACKET_CAPACITY],
    max_packet_len: usize,
    pending: Option<Pending>,
    anchor: Option<Duration>,
    /// Sample frames taken by `push`.
    pushed: u64,
    /// Sample frames handed to opus-rs, padding included.
    encoded: u64,
    /// Set by `finish`.
    end: Option<End>,
    packets: u64,
    /// Encoder controls, applied before every frame (setting them in `new` would need a
    /// local copy of the encoder, and stack that a microcontroller does not have).
    complexity: i32,
    cbr: bool,
    bitrate: i32,
}

impl PureOpusEncoder {
    /// A new encoder for `input` audio with the recorder's `settings`.
    pub fn new(
        input: AudioParams,
        settings: EncoderSettings,
        options: PureOpusOptions,
    ) -> Result<Self, PureOpusError> {
        let rate = input.sample_rate;
        if !NATIVE_RATES.contains(&rate) {
            return Err(PureOpusError::UnsupportedSampleRate(rate));
        }
        if !matches!(input.channels, 1 | 2) {
            return Err(PureOpusError::UnsupportedChannels(input.channels));
        }
        let channels = match options.channels {
            None => input.channels,
            Some(c @ (1 | 2)) => c,
            Some(other) => return Err(PureOpusError::UnsupportedChannels(other)),
        };
        if options.complexity > 10 {
            return Err(PureOpusError::InvalidComplexity(options.complexity));
        }
        if options.application == PureOpusApplication::LowDelay && rate == 12_000 {
            return Err(PureOpusError::UnsupportedLowDelayRate(rate));
        }

        let frame_len = (rate / 1_000 * options.frame_duration.as_millis()) as usize;
        // Every native rate divides 48 kHz, so the conversions below are exact.
        let rate_factor = OPUS_OUTPUT_RATE / rate;
        let pre_skip = options.application.lookahead(rate);
        let pre_skip_48k = (pre_skip * rate_factor) as u16; // 120 or 312
        let head = opus_head(channels as u8, pre_skip_48k, rate);

        let mut config = CodecConfig::audio(CodecId::Opus, OPUS_OUTPUT_RATE, channels);
        config.private = CodecPrivate::new(&head).unwrap_or(CodecPrivate::EMPTY);
        config.codec_delay = Duration::from_samples(u64::from(pre_skip_48k), OPUS_OUTPUT_RATE);
        config.seek_preroll = SEEK_PREROLL;

        // The opus-rs encoder is some 300 KB: build it straight into the returned value
        // (no local copy) so that construction needs as little stack as possible.
        let opus_channels = usize::from(channels);
        let application = options.application.to_opus_rs();
        Ok(PureOpusEncoder {
            encoder: match OpusEncoder::new(rate as i32, opus_channels, application) {
                Ok(encoder) => encoder,
                Err(why) => return Err(PureOpusError::Encoder(why)),
            },
            config,
            input,
            in_channels: usize::from(input.channels),
            channels: usize::from(channels),
            rate,
            frame_len,
            frame_duration: options.frame_duration.duration(),
            rate_factor,
            pre_skip: u64::from(pre_skip),
            pcm: [0.0; MAX_FRAME_LEN * 2],
            fill: 0,
            packet: [0; PACKET_CAPACITY],
            max_packet_len: options.frame_duration.max_packet_len(),
            pending: None,
            anchor: None,
            pushed: 0,
            encoded: 0,
            end: None,
            packets: 0,
            complexity: i32::from(options.complexity),
            cbr: settings.bitrate_mode == BitrateMode::Constant,
            bitrate: bitrate(settings.bits_per_second, rate, channels, frame_len),
        })
    }

    /// The audio this encoder takes (rate and channels of pushed frames).
    pub fn input(&self) -> AudioParams {
        self.input
    }

    /// The pre-skip in 48 kHz samples (312, or 120 for low delay).
    pub fn pre_skip(&self) -> u16 {
        (self.pre_skip * u64::from(self.rate_factor)) as u16
    }

    /// Packets handed out by [`AudioEncoder::pull`] so far.
    pub fn packet_count(&self) -> u64 {
        self.packets
    }

    /// Encodes the full frame buffer into the packet slot (which must be free). On failure
    /// the samples stay buffered so that the next call retries.
    fn encode(&mut self) -> Result<(), PureOpusError> {
        let pcm = self.pcm.get(..self.frame_len * self.channels).unwrap_or(&[]);
        let out = self.packet.get_mut(..self.max_packet_len).unwrap_or(&mut []);
        self.encoder.complexity = self.complexity;
        self.encoder.use_cbr = self.cbr;
        self.encoder.bitrate_bps = self.bitrate;
        let len = self.encoder.encode(pcm, self.frame_len, out).map_err(PureOpusError::Encoder)?;
        self.pending = Some(Pending { len, start: self.encoded });
        self.encoded += self.frame_len as u64;
        self.fill = 0;
        Ok(())
    }

    /// Appends `take` sample frames of `samples`, mixed to the encoded channel count.
    fn copy_in(&mut self, samples: &Samples<'_>, take: usize) {
        let (inc, outc) = (self.in_channels, self.channels);
        let dst = self.pcm.get_mut(self.fill * outc..(self.fill + take) * outc).unwrap_or(&mut []);
        for (i, out) in dst.chunks_exact_mut(outc).enumerate() {
            let left = finite(samples.get_f32(i * inc));
            let right = if inc == 2 { finite(samples.get_f32(i * inc + 1)) } else { left };
            match out {
                [mono] => *mono = 0.5 * left + 0.5 * right,
                [l, r] => (*l, *r) = (left, right),
                _ => {}
            }
        }
        self.fill += take;
        self.pushed += take as u64;
    }

    /// Makes the next packet if the input allows one (called by `pull` when none waits).
    fn produce(&mut self) -> Result<(), PureOpusError> {
        if self.fill == self.frame_len {
            return self.encode();
        }
        match self.end {
            Some(end) if self.encoded < end.total => {
                let tail = self.pcm.get_mut(self.fill * self.channels..).unwrap_or(&mut []);
                tail.fill(0.0);
                self.fill = self.frame_len;
                self.encode()
            }
            _ => Ok(()),
        }
    }
}

/// The bitrate handed to opus-rs: 0 means libopus's `OPUS_AUTO`, anything else is clamped
/// to the range libopus accepts.
fn bitrate(bits_per_second: u32, rate: u32, channels: u16, frame_len: usize) -> i32 {
    let per_frame = 60 * rate / frame_len.max(1) as u32;
    let bps = match bits_per_second {
        0 => per_frame + rate * u32::from(channels),
        bps => bps.clamp(500, 300_000 * u32::from(channels)),
    };
    i32::try_from(bps).unwrap_or(i32::MAX)
}

/// NaN becomes silence and infinities full scale, so garbage input cannot upset the
/// encoder's analysis state.
fn finite(s: f32) -> f32 {
    if s.is_finite() {
        s
    } else if s.is_nan() {
        0.0
    } else {
        s.signum()
    }
}

impl AudioEncoder for PureOpusEncoder {
    type Error = PureOpusError;

    fn config(&self) -> &CodecConfig {
        &self.config
    }

    fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, PureOpusError> {
        if self.end.is_some() {
            return Err(PureOpusError::Finished);
        }
        if frame.sample_rate != self.input.sample_rate || frame.channels != self.input.channels {
            return Err(PureOpusError::FrameMismatch {
                sample_rate: frame.sample_rate,
                channels: frame.channels,
            });
        }
        if !frame.samples.len().is_multiple_of(self.in_channels) {
            return Err(PureOpusError::PartialSampleFrame);
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
        let take = frames.min(self.frame_len - self.fill);
        self.copy_in(&frame.samples, take);
        if self.fill == self.frame_len {
            self.encode()?;
        }
        Ok(take)
    }

    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, PureOpusError> {
        if self.pending.is_none() {
            self.produce()?;
        }
        let Some(pending) = self.pending else {
            return Ok(None);
        };
        let (Some(dst), Some(src)) = (out.get_mut(..pending.len), self.packet.get(..pending.len))
        else {
            return Err(PureOpusError::OutputTooSmall { needed: pending.len });
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

    fn finish(&mut self) -> Result<(), PureOpusError> {
        if self.end.is_none() {
            let signal = self.pushed;
            let frame_len = self.frame_len as u64;
            let total = if signal == 0 {
                0
            } else {
                (signal + self.pre_skip).div_ceil(frame_len) * frame_len
            };
            self.end = Some(End { signal, total });
        }
        Ok(())
    }

    fn max_packet_len(&self) -> usize {
        self.max_packet_len
    }
}

/// Lets a recorder drive an encoder that lives elsewhere, such as a `static` on a
/// microcontroller, instead of owning (and moving) some 330 KB by value.
impl AudioEncoder for &mut PureOpusEncoder {
    type Error = PureOpusError;

    fn config(&self) -> &CodecConfig {
        (**self).config()
    }

    fn push(&mut self, frame: &AudioFrame<'_>) -> Result<usize, PureOpusError> {
        (**self).push(frame)
    }

    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, PureOpusError> {
        (**self).pull(out)
    }

    fn finish(&mut self) -> Result<(), PureOpusError> {
        (**self).finish()
    }

    fn max_packet_len(&self) -> usize {
        (**self).max_packet_len()
    }
}

impl fmt::Debug for PureOpusEncoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PureOpusEncoder")
            .field("input", &self.input)
            .field("channels", &self.channels)
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
    use std::vec;
    use std::vec::Vec;

    use super::*;
    use mediarec_core::{Error, ErrorKind};

    /// Runs `f` on a thread with a deep stack: opus-rs keeps its state inline, and
    /// unoptimised builds need several MB of stack to construct it.
    fn deep(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new().stack_size(32 << 20).spawn(f).unwrap().join().unwrap();
    }

    fn params(sample_rate: u32, channels: u16) -> AudioParams {
        AudioParams { sample_rate, channels }
    }

    fn settings(bits_per_second: u32, bitrate_mode: BitrateMode) -> EncoderSettings {
        EncoderSettings { bits_per_second, bitrate_mode }
    }

    fn encoder(rate: u32, channels: u16, options: PureOpusOptions) -> PureOpusEncoder {
        PureOpusEncoder::new(
            params(rate, channels),
            settings(64_000, BitrateMode::Variable),
            options,
        )
        .unwrap()
    }

    fn frame<'a>(samples: Samples<'a>, channels: u16, sample_rate: u32) -> AudioFrame<'a> {
        AudioFrame { samples, channels, sample_rate, timestamp: Duration::ZERO }
    }

    /// Pushes everything in one offer per loop and drains, returning the packets.
    fn run(enc: &mut PureOpusEncoder, samples: Samples<'_>) -> Vec<(Vec<u8>, PacketInfo)> {
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

    fn tone(frames: usize, channels: usize, rate: u32) -> Vec<f32> {
        (0..frames)
            .flat_map(|i| {
                let s = 0.4 * (i as f32 * 440.0 * core::f32::consts::TAU / rate as f32).sin();
                core::iter::repeat_n(s, channels)
            })
            .collect()
    }

    #[test]
    fn unsupported_inputs_are_refused_with_their_kind() {
        deep(|| {
            let new = |rate, ch, options| {
                PureOpusEncoder::new(
                    params(rate, ch),
                    settings(64_000, BitrateMode::Variable),
                    options,
                )
                .map(|e| e.config().channels)
            };
            let default = PureOpusOptions::default();
            for rate in [0, 11_025, 22_050, 32_000, 44_100, 96_000] {
                assert_eq!(new(rate, 2, default), Err(PureOpusError::UnsupportedSampleRate(rate)));
            }
            for ch in [0, 3, 6] {
                assert_eq!(new(48_000, ch, default).unwrap_err().kind(), ErrorKind::Unsupported);
            }
            let complexity = PureOpusOptions { complexity: 11, ..default };
            assert_eq!(new(48_000, 2, complexity), Err(PureOpusError::InvalidComplexity(11)));
            let low_delay =
                PureOpusOptions { application: PureOpusApplication::LowDelay, ..default };
            assert_eq!(
                new(12_000, 1, low_delay),
                Err(PureOpusError::UnsupportedLowDelayRate(12_000))
            );
            for rate in NATIVE_RATES {
                assert_eq!(new(rate, 1, default), Ok(1));
                assert_eq!(new(rate, 2, default), Ok(2));
            }
            let with = |channels| PureOpusOptions { channels, ..default };
            assert_eq!(new(48_000, 2, with(Some(1))), Ok(1));
            assert_eq!(new(48_000, 1, with(Some(2))), Ok(2));
            assert_eq!(new(48_000, 1, with(Some(3))), Err(PureOpusError::UnsupportedChannels(3)));
            assert_eq!(new(48_000, 1, with(Some(0))), Err(PureOpusError::UnsupportedChannels(0)));
        });
    }

    #[test]
    fn config_describes_opus_at_48k_with_opus_head() {
        deep(|| {
            let enc = encoder(16_000, 1, PureOpusOptions::default());
            let c = enc.config();
            assert_eq!((c.codec, c.sample_rate, c.channels), (CodecId::Opus, 48_000, 1));
            // 2.5 ms + 4 ms at 16 kHz: 104 samples, 312 at 48 kHz.
            assert_eq!((enc.pre_skip, enc.pre_skip()), (104, 312));
            let mut head = *b"OpusHead\x01\x01\x38\x01\0\0\0\0\0\0\0";
            head[12..16].copy_from_slice(&16_000u32.to_le_bytes());
            assert_eq!(c.private.as_bytes(), head);
            assert_eq!(c.codec_delay, Duration::from_micros(6_500));
            assert_eq!(c.seek_preroll, Duration::from_millis(80));
            assert_eq!(enc.max_packet_len(), 1276);

            for rate in NATIVE_RATES {
                assert_eq!(encoder(rate, 2, PureOpusOptions::default()).pre_skip(), 312, "{rate}");
            }
            let low_delay = PureOpusOptions {
                application: PureOpusApplication::LowDelay,
                frame_duration: FrameDuration::Ms60,
                ..PureOpusOptions::default()
            };
            let enc = encoder(48_000, 2, low_delay);
            assert_eq!(enc.config().private.as_bytes()[10..12], 120u16.to_le_bytes());
            assert_eq!(enc.config().codec_delay, Duration::from_micros(2_500));
            assert_eq!(enc.max_packet_len(), 3_831);
        });
    }

    #[test]
    fn frame_lengths_follow_rate_and_duration() {
        deep(|| {
            for (rate, fd, len, max) in [
                (8_000, FrameDuration::Ms10, 80, 1_276),
                (12_000, FrameDuration::Ms20, 240, 1_276),
                (24_000, FrameDuration::Ms40, 960, 2_553),
                (48_000, FrameDuration::Ms60, 2_880, 3_831),
            ] {
                let options = PureOpusOptions { frame_duration: fd, ..PureOpusOptions::default() };
                let enc = encoder(rate, 2, options);
                assert_eq!((enc.frame_len, enc.max_packet_len()), (len, max));
                assert_eq!(enc.frame_duration, fd.duration());
            }
        });
    }

    #[test]
    fn bitrates_are_clamped_and_auto_follows_libopus() {
        deep(|| {
            assert_eq!(bitrate(0, 48_000, 2, 960), 3_000 + 96_000);
            assert_eq!(bitrate(0, 16_000, 1, 320), 3_000 + 16_000);
            assert_eq!(bitrate(1, 48_000, 1, 960), 500);
            assert_eq!(bitrate(u32::MAX, 48_000, 2, 960), 600_000);
            assert_eq!(bitrate(32_000, 8_000, 1, 480), 32_000);
        });
    }

    #[test]
    fn bad_frames_are_errors_not_panics() {
        deep(|| {
            let mut enc = encoder(48_000, 2, PureOpusOptions::default());
            let pcm = [0.1f32; 64];
            let kind = |r: Result<usize, PureOpusError>| r.unwrap_err().kind();
            assert_eq!(
                kind(enc.push(&frame(Samples::F32(&pcm), 1, 48_000))),
                ErrorKind::InvalidInput
            );
            assert_eq!(
                kind(enc.push(&frame(Samples::F32(&pcm), 2, 44_100))),
                ErrorKind::InvalidInput
            );
            assert_eq!(
                kind(enc.push(&frame(Samples::F32(&pcm), 0, 48_000))),
                ErrorKind::InvalidInput
            );
            assert_eq!(
                enc.push(&frame(Samples::F32(&pcm[..63]), 2, 48_000)),
                Err(PureOpusError::PartialSampleFrame)
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
        });
    }

    #[test]
    fn push_waits_for_pull_and_finish_ends_input() {
        deep(|| {
            let mut enc = encoder(48_000, 2, PureOpusOptions::default());
            let pcm = tone(2_000, 2, 48_000);
            let mut f = frame(Samples::F32(&pcm), 2, 48_000);
            f.timestamp = Duration::from_millis(7);
            assert_eq!(enc.push(&f), Ok(960));
            assert_eq!(enc.push(&f), Ok(0)); // a packet waits
            let mut small = [0u8; 1];
            assert!(matches!(enc.pull(&mut small), Err(PureOpusError::OutputTooSmall { .. })));
            let mut buf = vec![0u8; enc.max_packet_len()];
            let info = enc.pull(&mut buf).unwrap().unwrap(); // still there after the error
            assert_eq!((info.pts, info.discard_samples), (Duration::from_millis(7), 0));
            assert_eq!((info.duration, info.keyframe), (Duration::from_millis(20), true));
            assert_eq!(enc.push(&f), Ok(960));
            assert_eq!(enc.pull(&mut buf).unwrap().unwrap().pts, Duration::from_millis(27));
            assert_eq!(enc.push(&f), Ok(960));
            enc.finish().unwrap();
            enc.finish().unwrap(); // idempotent
            assert_eq!(enc.push(&f), Err(PureOpusError::Finished));
            // 2880 pushed + 312 → 4 packets; two are out, the third waits, one more is padding.
            let third = enc.pull(&mut buf).unwrap().unwrap();
            assert_eq!(third.discard_samples, 0);
            let last = enc.pull(&mut buf).unwrap().unwrap();
            assert_eq!(last.pts, Duration::from_millis(67));
            assert_eq!(last.discard_samples, 4 * 960 - 2_880 - 312);
            assert_eq!(enc.pull(&mut buf), Ok(None));
            assert_eq!(enc.packet_count(), 4);
        });
    }

    #[test]
    fn partial_last_frame_that_covers_the_pre_skip_gets_the_discard() {
        deep(|| {
            // 16 kHz: 320 per packet, pre-skip 104. 500 samples: 604 ≤ 640, so two packets.
            let mut enc = encoder(16_000, 1, PureOpusOptions::default());
            let packets = run(&mut enc, Samples::F32(&tone(500, 1, 16_000)));
            assert_eq!(packets.len(), 2);
            assert_eq!(packets[1].1.discard_samples, 3 * (640 - 604));
            assert_eq!(packets[1].1.pts, Duration::from_millis(20));
        });
    }

    #[test]
    fn i16_input_encodes_like_the_same_f32_input() {
        deep(|| {
            let ints: Vec<i16> =
                (0..9_600i32).map(|i| (((i * 37) % 4_001) - 2_000) as i16 * 8).collect();
            let floats: Vec<f32> = ints.iter().map(|&s| f32::from(s) / 32_768.0).collect();
            let a = run(&mut encoder(48_000, 2, PureOpusOptions::default()), Samples::I16(&ints));
            let b = run(&mut encoder(48_000, 2, PureOpusOptions::default()), Samples::F32(&floats));
            assert_eq!(a.len(), 6);
            assert_eq!(a, b);
        });
    }

    #[test]
    fn channels_are_mixed_as_asked() {
        deep(|| {
            let stereo: Vec<f32> = tone(960, 1, 48_000).iter().flat_map(|&s| [s, -s]).collect();
            let mut enc =
                encoder(48_000, 2, PureOpusOptions { channels: Some(1), ..Default::default() });
            enc.copy_in(&Samples::F32(&stereo), 960);
            assert!(enc.pcm[..960].iter().all(|&s| s == 0.0)); // L and -L cancel
            let mono = tone(960, 1, 48_000);
            let mut enc =
                encoder(48_000, 1, PureOpusOptions { channels: Some(2), ..Default::default() });
            enc.copy_in(&Samples::F32(&mono), 960);
            assert!(enc.pcm[..1_920].chunks(2).zip(&mono).all(|(lr, &m)| lr == [m, m]));
            let mut enc = encoder(48_000, 1, PureOpusOptions::default());
            enc.copy_in(&Samples::F32(&mono), 960);
            assert_eq!(&enc.pcm[..960], &mono[..]);
        });
    }

    #[test]
    fn a_borrowed_encoder_is_an_encoder_too() {
        deep(|| {
            fn drive(mut enc: impl AudioEncoder) -> usize {
                let pcm = [0.25f32; 960];
                let f = AudioFrame {
                    samples: Samples::F32(&pcm),
                    channels: 1,
                    sample_rate: 48_000,
                    timestamp: Duration::ZERO,
                };
                assert_eq!(enc.config().channels, 1);
                assert_eq!(enc.push(&f).unwrap(), 960);
                enc.finish().unwrap();
                let mut buf = [0u8; 1_276];
                assert!(enc.max_packet_len() <= buf.len());
                let mut n = 0;
                while enc.pull(&mut buf).unwrap().is_some() {
                    n += 1;
                }
                n
            }
            let mut enc = encoder(48_000, 1, PureOpusOptions::default());
            assert_eq!(drive(&mut enc), 2);
            assert_eq!(enc.packet_count(), 2);
            assert_eq!(
                enc.push(&frame(Samples::F32(&[0.0]), 1, 48_000)),
                Err(PureOpusError::Finished)
            );
        });
    }

    #[test]
    fn non_finite_samples_are_sanitised() {
        deep(|| {
            assert_eq!(finite(f32::NAN), 0.0);
            assert_eq!(finite(f32::INFINITY), 1.0);
            assert_eq!(finite(f32::NEG_INFINITY), -1.0);
            assert_eq!(finite(0.5), 0.5);
            let pcm: Vec<f32> =
                (0..4_800).map(|i| [f32::NAN, f32::INFINITY, 0.1, f32::MAX][i % 4]).collect();
            let packets =
                run(&mut encoder(48_000, 2, PureOpusOptions::default()), Samples::F32(&pcm));
            assert_eq!(packets.len(), 3);
        });
    }

    #[test]
    fn constant_bitrate_makes_equal_packets() {
        deep(|| {
            for (rate, channels, bps) in
                [(48_000, 2, 64_000), (16_000, 1, 24_000), (8_000, 1, 12_000)]
            {
                let mut enc = PureOpusEncoder::new(
                    params(rate, channels),
                    settings(bps, BitrateMode::Constant),
                    PureOpusOptions::default(),
                )
                .unwrap();
                let pcm = tone(rate as usize / 2, usize::from(channels), rate);
                let packets = run(&mut enc, Samples::F32(&pcm));
                let want = bps as usize / 8 / 50;
                assert!(packets.iter().all(|(p, _)| p.len() == want), "{rate} Hz: {want} bytes");
            }
            let mut enc = encoder(48_000, 2, PureOpusOptions::default());
            let noise: Vec<f32> = (0..48_000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 8) as f32 / 8e6 - 1.0)
                .collect();
            let mut pcm = tone(24_000, 2, 48_000);
            pcm.extend(&noise);
            let sizes: Vec<usize> =
                run(&mut enc, Samples::F32(&pcm)).iter().map(|p| p.0.len()).collect();
            assert!(sizes.iter().min() < sizes.iter().max(), "VBR varies: {sizes:?}");
        });
    }
}
