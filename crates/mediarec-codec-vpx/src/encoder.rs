//! [`VpxEncoder`]: a libvpx encoder behind the [`VideoEncoder`] push/pull shape.

use core::fmt;

use mediarec_core::{
    CodecConfig, CodecId, Duration, EncoderSettings, PacketInfo, PixelFormat, VideoEncoder,
    VideoFrame, VideoParams,
};
use yuv::{BufferStoreMut, YuvConversionMode, YuvPlanarImageMut, YuvRange, YuvStandardMatrix};

use crate::error::VpxError;
use crate::ffi::{Context, Interface, Planes, Setup};

/// The largest VP8 picture side (14-bit size fields).
pub const MAX_VP8_DIMENSION: u32 = 16_383;

/// The largest VP9 picture side (16-bit "size minus one" fields).
pub const MAX_VP9_DIMENSION: u32 = 65_536;

/// Real-time speed used for VP8 unless told otherwise (libvpx `cpu-used`, 0–16).
pub const DEFAULT_VP8_SPEED: u8 = 6;

/// Real-time speed used for VP9 unless told otherwise (libvpx `cpu-used`, 0–9).
pub const DEFAULT_VP9_SPEED: u8 = 7;

/// The frame interval assumed when neither the nominal rate nor earlier frames tell it.
const FALLBACK_INTERVAL_US: u64 = 33_333;

/// libvpx-specific choices beyond the recorder's [`EncoderSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct VpxOptions {
    /// Speed against quality (libvpx `cpu-used`): higher is faster. `None` picks
    /// [`DEFAULT_VP8_SPEED`] or [`DEFAULT_VP9_SPEED`], fast enough for 640×480 at 30 fps on
    /// one core. VP8 takes 0–16 (always a fixed speed), VP9 0–9.
    pub speed: Option<u8>,
    /// Encoder threads; 0 and 1 both mean one.
    pub threads: u16,
}

/// A VP8 or VP9 encoder through libvpx, tuned like a browser's real-time recorder.
///
/// **Settings.** One pass, real-time deadline, no look-ahead (`lag_in_frames` 0: each
/// [`VideoEncoder::push`] yields its packet at once), constant bitrate at
/// `settings.bits_per_second` (0 keeps libvpx's default), and no dropped frames: every
/// picture becomes exactly one packet. libvpx never places key frames on its own; a key
/// frame comes only when `push` is called with `keyframe = true` (the recorder's policy).
///
/// **Input.** I420 is encoded in place; RGBA and BGRA are converted to BT.601 limited-range
/// I420 (as browsers do for a canvas) into a buffer allocated at the first such picture and
/// reused afterwards. Pictures must have the size given at construction and be tightly
/// packed ([`VideoFrame::data`]).
///
/// **Timing.** The timebase is 1 µs: a packet's `pts` is its picture's timestamp. A
/// timestamp that does not increase is moved to 1 µs after the previous one, because
/// libvpx needs strictly increasing times.
pub struct VpxEncoder {
    ctx: Context,
    config: CodecConfig,
    width: u32,
    height: u32,
    /// Bytes of one I420 picture.
    i420_len: usize,
    /// `1 s / frame_rate`, or 0 when the rate is not fixed.
    nominal_interval: u64,
    last_pts: Option<i64>,
    /// Converted RGBA/BGRA pictures; allocated at the first one.
    scratch: Option<Box<[u8]>>,
    max_packet_len: usize,
    finished: bool,
    flushed: bool,
    frames: u64,
    packets: u64,
    keyframes: u64,
}

impl VpxEncoder {
    /// A new encoder for `codec` ([`CodecId::Vp8`] or [`CodecId::Vp9`]) at `input`'s size.
    pub fn new(
        codec: CodecId,
        input: VideoParams,
        settings: EncoderSettings,
        options: VpxOptions,
    ) -> Result<Self, VpxError> {
        let (interface, max_side, max_speed, default_speed) = match codec {
            CodecId::Vp8 => (Interface::Vp8, MAX_VP8_DIMENSION, 16, DEFAULT_VP8_SPEED),
            CodecId::Vp9 => (Interface::Vp9, MAX_VP9_DIMENSION, 9, DEFAULT_VP9_SPEED),
            other => return Err(VpxError::UnsupportedCodec(other)),
        };
        let (width, height) = (input.width, input.height);
        let bad_size = VpxError::UnsupportedSize { width, height };
        if width == 0 || height == 0 || width > max_side || height > max_side {
            return Err(bad_size);
        }
        let i420_len = i420_len(width, height).ok_or(bad_size)?;
        let speed = options.speed.unwrap_or(default_speed);
        if speed > max_speed {
            return Err(VpxError::InvalidSpeed(speed));
        }
        let speed = i32::from(speed);
        let ctx = Context::new(&Setup {
            interface,
            width,
            height,
            bitrate_kbps: settings.bits_per_second.div_ceil(1_000),
            threads: u32::from(options.threads.max(1)),
            // A negative VP8 speed is fixed; a positive one adapts to the clock, which
            // would make output depend on machine load.
            cpu_used: if interface == Interface::Vp8 { -speed } else { speed },
        })?;
        let raw = (width as usize).saturating_mul(height as usize).saturating_mul(3);
        Ok(VpxEncoder {
            ctx,
            config: CodecConfig::video(codec, width, height),
            width,
            height,
            i420_len,
            nominal_interval: match input.frame_rate {
                0 => 0,
                fps => 1_000_000 / u64::from(fps),
            },
            last_pts: None,
            scratch: None,
            // libvpx's own output buffer size: a packet never exceeds it.
            max_packet_len: raw.max(32_768),
            finished: false,
            flushed: false,
            frames: 0,
            packets: 0,
            keyframes: 0,
        })
    }

    /// Pictures pushed so far.
    pub fn frame_count(&self) -> u64 {
        self.frames
    }

    /// Packets handed out by [`VideoEncoder::pull`] so far.
    pub fn packet_count(&self) -> u64 {
        self.packets
    }

    /// Key frames among those packets.
    pub fn keyframe_count(&self) -> u64 {
        self.keyframes
    }

    /// The 1 µs-timebase pts and duration libvpx gets for a picture at `timestamp`.
    fn timing(&self, timestamp: Duration) -> (i64, u64) {
        let ts = i64::try_from(timestamp.as_micros()).unwrap_or(i64::MAX);
        let pts = match self.last_pts {
            Some(last) if ts <= last => last.saturating_add(1),
            _ => ts,
        };
        let duration = match (self.nominal_interval, self.last_pts) {
            (0, Some(last)) => u64::try_from(pts.saturating_sub(last)).unwrap_or(1).max(1),
            (0, None) => FALLBACK_INTERVAL_US,
            (nominal, _) => nominal.max(1),
        };
        (pts, duration)
    }
}

/// Bytes of a tightly packed I420 picture.
fn i420_len(width: u32, height: u32) -> Option<usize> {
    let (w, h) = (usize::try_from(width).ok()?, usize::try_from(height).ok()?);
    let chroma = w.div_ceil(2).checked_mul(h.div_ceil(2))?;
    w.checked_mul(h)?.checked_add(chroma.checked_mul(2)?)
}

/// Splits a tightly packed I420 picture into its planes.
fn split_i420(data: &[u8], width: u32, height: u32) -> Option<Planes<'_>> {
    let (w, h) = (width as usize, height as usize);
    let chroma = w.div_ceil(2) * h.div_ceil(2);
    let (y, rest) = data.split_at_checked(w * h)?;
    let (u, v) = rest.split_at_checked(chroma)?;
    Some(Planes { y, u, v: v.get(..chroma)?, width, height })
}

/// Converts packed RGBA or BGRA to BT.601 limited-range I420 in `dst`.
fn to_i420(
    format: PixelFormat,
    src: &[u8],
    width: u32,
    height: u32,
    dst: &mut [u8],
) -> Result<(), VpxError> {
    let (w, h) = (width as usize, height as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let (y, rest) = dst.split_at_mut_checked(w * h).ok_or(VpxError::Conversion)?;
    let (u, v) = rest.split_at_mut_checked(cw * ch).ok_or(VpxError::Conversion)?;
    let chroma_stride = u32::try_from(cw).map_err(|_| VpxError::Conversion)?;
    let mut image = YuvPlanarImageMut {
        y_plane: BufferStoreMut::Borrowed(y),
        y_stride: width,
        u_plane: BufferStoreMut::Borrowed(u),
        u_stride: chroma_stride,
        v_plane: BufferStoreMut::Borrowed(v),
        v_stride: chroma_stride,
        width,
        height,
    };
    let stride = width.checked_mul(4).ok_or(VpxError::Conversion)?;
    let (range, matrix, mode) =
        (YuvRange::Limited, YuvStandardMatrix::Bt601, YuvConversionMode::Balanced);
    match format {
        PixelFormat::Rgba => yuv::rgba_to_yuv420(&mut image, src, stride, range, matrix, mode),
        PixelFormat::Bgra => yuv::bgra_to_yuv420(&mut image, src, stride, range, matrix, mode),
        _ => return Err(VpxError::UnsupportedPixelFormat(format)),
    }
    .map_err(|_| VpxError::Conversion)
}

impl VideoEncoder for VpxEncoder {
    type Error = VpxError;

    fn config(&self) -> &CodecConfig {
        &self.config
    }

    fn push(&mut self, frame: &VideoFrame<'_>, keyframe: bool) -> Result<(), VpxError> {
        if self.finished {
            return Err(VpxError::Finished);
        }
        if self.ctx.packet().is_some() {
            return Err(VpxError::PacketsPending);
        }
        if frame.width != self.width || frame.height != self.height {
            return Err(VpxError::FrameMismatch { width: frame.width, height: frame.height });
        }
        let (w, h) = (self.width, self.height);
        let (pts, duration) = self.timing(frame.timestamp);
        let short = |needed: usize| VpxError::ShortFrame { needed, got: frame.data.len() };
        let planes = match frame.format {
            PixelFormat::I420 => {
                split_i420(frame.data, w, h).ok_or_else(|| short(self.i420_len))?
            }
            PixelFormat::Rgba | PixelFormat::Bgra => {
                let needed = (w as usize).saturating_mul(h as usize).saturating_mul(4);
                let src = frame.data.get(..needed).ok_or_else(|| short(needed))?;
                let len = self.i420_len;
                let buf = self.scratch.get_or_insert_with(|| vec![0; len].into_boxed_slice());
                to_i420(frame.format, src, w, h, buf)?;
                split_i420(buf, w, h).ok_or(VpxError::Conversion)?
            }
            other => return Err(VpxError::UnsupportedPixelFormat(other)),
        };
        self.ctx.encode(&planes, pts, duration, keyframe)?;
        self.last_pts = Some(pts);
        self.frames += 1;
        Ok(())
    }

    fn pull(&mut self, out: &mut [u8]) -> Result<Option<PacketInfo>, VpxError> {
        if self.ctx.packet().is_none() && self.finished && !self.flushed {
            self.flushed = true;
            if self.frames > 0 {
                self.ctx.flush()?;
            }
        }
        let Some(packet) = self.ctx.packet() else {
            return Ok(None);
        };
        let len = packet.data.len();
        let dst = out.get_mut(..len).ok_or(VpxError::OutputTooSmall { needed: len })?;
        dst.copy_from_slice(packet.data);
        let info = PacketInfo {
            len,
            pts: Duration::from_micros(u64::try_from(packet.pts).unwrap_or(0)),
            duration: Duration::from_micros(packet.duration),
            keyframe: packet.keyframe,
            discard_samples: 0,
        };
        self.ctx.advance();
        self.packets += 1;
        self.keyframes += u64::from(info.keyframe);
        Ok(Some(info))
    }

    fn finish(&mut self) -> Result<(), VpxError> {
        self.finished = true;
        Ok(())
    }

    fn max_packet_len(&self) -> usize {
        self.max_packet_len
    }
}

impl fmt::Debug for VpxEncoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VpxEncoder")
            .field("codec", &self.config.codec)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("frames", &self.frames)
            .field("packets", &self.packets)
            .field("keyframes", &self.keyframes)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

/// The linked libvpx's version, e.g. `"v1.12.0"` (for diagnostics and `mediarec types`).
pub fn libvpx_version() -> &'static str {
    crate::ffi::version()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediarec_core::{BitrateMode, Error, ErrorKind};

    fn params(width: u32, height: u32) -> VideoParams {
        VideoParams { width, height, frame_rate: 30 }
    }

    fn settings(bits_per_second: u32) -> EncoderSettings {
        EncoderSettings { bits_per_second, bitrate_mode: BitrateMode::Variable }
    }

    fn vp8(width: u32, height: u32) -> VpxEncoder {
        VpxEncoder::new(
            CodecId::Vp8,
            params(width, height),
            settings(500_000),
            VpxOptions::default(),
        )
        .unwrap()
    }

    fn grey(width: u32, height: u32, ts_ms: u64, data: &[u8]) -> VideoFrame<'_> {
        VideoFrame {
            format: PixelFormat::I420,
            width,
            height,
            data,
            timestamp: Duration::from_millis(ts_ms),
        }
    }

    #[test]
    fn construction_checks_codec_size_and_speed() {
        let new = |codec, w, h, speed| {
            VpxEncoder::new(codec, params(w, h), settings(0), VpxOptions { speed, threads: 1 })
                .map(|_| ())
        };
        assert_eq!(
            new(CodecId::Opus, 64, 64, None),
            Err(VpxError::UnsupportedCodec(CodecId::Opus))
        );
        assert_eq!(new(CodecId::Vp8, 0, 64, None).unwrap_err().kind(), ErrorKind::Unsupported);
        assert_eq!(new(CodecId::Vp8, 16_384, 64, None).unwrap_err().kind(), ErrorKind::Unsupported);
        assert_eq!(new(CodecId::Vp9, 64, 65_537, None).unwrap_err().kind(), ErrorKind::Unsupported);
        assert_eq!(new(CodecId::Vp9, 64, 64, Some(10)), Err(VpxError::InvalidSpeed(10)));
        assert_eq!(new(CodecId::Vp8, 64, 64, Some(17)), Err(VpxError::InvalidSpeed(17)));
        for (codec, speed) in [(CodecId::Vp8, 0), (CodecId::Vp8, 16), (CodecId::Vp9, 9)] {
            assert_eq!(new(codec, 33, 17, Some(speed)), Ok(()), "{codec:?} speed {speed}");
        }
        let enc = vp8(320, 240);
        let c = enc.config();
        assert_eq!((c.codec, c.width, c.height, c.sample_rate), (CodecId::Vp8, 320, 240, 0));
        assert!(c.private.as_bytes().is_empty());
        assert_eq!(enc.max_packet_len(), 320 * 240 * 3);
        assert_eq!(vp8(16, 16).max_packet_len(), 32_768);
        assert!(libvpx_version().starts_with('v'));
    }

    #[test]
    fn bad_pictures_are_errors_not_panics() {
        let mut enc = vp8(32, 32);
        let data = vec![128u8; 32 * 32 * 4];
        let kind = |r: Result<(), VpxError>| r.unwrap_err().kind();
        let wrong_size = VideoFrame { width: 31, ..grey(32, 32, 0, &data) };
        assert_eq!(kind(enc.push(&wrong_size, false)), ErrorKind::InvalidInput);
        assert_eq!(
            enc.push(&grey(32, 32, 0, &data[..100]), false),
            Err(VpxError::ShortFrame { needed: 1_536, got: 100 })
        );
        let short_rgba =
            VideoFrame { format: PixelFormat::Rgba, ..grey(32, 32, 0, &data[..4_000]) };
        assert_eq!(kind(enc.push(&short_rgba, false)), ErrorKind::InvalidInput);
        assert_eq!(enc.frame_count(), 0);
        assert_eq!(enc.pull(&mut [0u8; 64]), Ok(None));
    }

    #[test]
    fn push_waits_for_pull_and_finish_ends_input() {
        let mut enc = vp8(64, 48);
        let data = vec![100u8; i420_len(64, 48).unwrap()];
        enc.push(&grey(64, 48, 0, &data), true).unwrap();
        assert_eq!(enc.push(&grey(64, 48, 33, &data), false), Err(VpxError::PacketsPending));
        assert!(matches!(enc.pull(&mut [0u8; 1]), Err(VpxError::OutputTooSmall { .. })));
        let mut buf = vec![0u8; enc.max_packet_len()];
        let first = enc.pull(&mut buf).unwrap().unwrap(); // still queued after the error
        assert!(first.keyframe);
        assert_eq!((first.pts, first.discard_samples), (Duration::ZERO, 0));
        assert_eq!(first.duration, Duration::from_micros(33_333));
        assert_eq!(enc.pull(&mut buf), Ok(None));
        // A timestamp that does not advance is moved up by 1 µs.
        enc.push(&grey(64, 48, 0, &data), false).unwrap();
        let second = enc.pull(&mut buf).unwrap().unwrap();
        assert_eq!((second.pts, second.keyframe), (Duration::from_micros(1), false));
        enc.push(&grey(64, 48, 66, &data), false).unwrap();
        enc.finish().unwrap();
        enc.finish().unwrap();
        assert_eq!(enc.push(&grey(64, 48, 99, &data), false), Err(VpxError::Finished));
        let third = enc.pull(&mut buf).unwrap().unwrap(); // queued before finish: not lost
        assert_eq!(third.pts, Duration::from_millis(66));
        assert_eq!(enc.pull(&mut buf), Ok(None));
        assert_eq!((enc.frame_count(), enc.packet_count(), enc.keyframe_count()), (3, 3, 1));
    }

    #[test]
    fn rate_zero_uses_the_measured_interval() {
        let mut enc = VpxEncoder::new(
            CodecId::Vp9,
            VideoParams { width: 32, height: 32, frame_rate: 0 },
            settings(200_000),
            VpxOptions::default(),
        )
        .unwrap();
        assert_eq!(enc.timing(Duration::from_millis(5)), (5_000, FALLBACK_INTERVAL_US));
        let data = vec![60u8; i420_len(32, 32).unwrap()];
        enc.push(&grey(32, 32, 5, &data), true).unwrap();
        assert_eq!(enc.timing(Duration::from_millis(105)), (105_000, 100_000));
        let mut buf = vec![0u8; enc.max_packet_len()];
        assert!(enc.pull(&mut buf).unwrap().unwrap().keyframe);
    }

    #[test]
    fn rgba_converts_to_the_patterns_own_i420() {
        use mediarec_source_synth::Pattern;
        for (w, h) in [(320u32, 240u32), (33, 17)] {
            let mut a = Pattern::new(w, h, 30);
            let mut b = a.clone();
            let mut reference = vec![0u8; a.i420_len().unwrap()];
            let mut rgba = vec![0u8; b.rgba_len().unwrap()];
            let mut converted = vec![0u8; reference.len()];
            for _ in 0..3 {
                a.fill_i420(&mut reference).unwrap();
                b.fill_rgba(&mut rgba).unwrap();
                for format in [PixelFormat::Rgba, PixelFormat::Bgra] {
                    if format == PixelFormat::Bgra {
                        rgba.chunks_exact_mut(4).for_each(|p| p.swap(0, 2));
                    }
                    to_i420(format, &rgba, w, h, &mut converted).unwrap();
                    let worst = reference
                        .iter()
                        .zip(&converted)
                        .map(|(&x, &y)| x.abs_diff(y))
                        .max()
                        .unwrap();
                    assert!(worst <= 2, "{w}x{h} {format:?}: off by {worst}");
                }
            }
        }
        let mut dst = vec![0u8; 10];
        assert_eq!(
            to_i420(PixelFormat::Rgba, &[0; 16], 2, 2, &mut dst[..3]),
            Err(VpxError::Conversion)
        );
        assert_eq!(
            to_i420(PixelFormat::I420, &[0; 16], 2, 2, &mut dst),
            Err(VpxError::UnsupportedPixelFormat(PixelFormat::I420))
        );
    }

    #[test]
    fn odd_sizes_encode() {
        for (codec, w, h) in [(CodecId::Vp8, 33, 17), (CodecId::Vp9, 1, 1), (CodecId::Vp9, 17, 33)]
        {
            let mut enc =
                VpxEncoder::new(codec, params(w, h), settings(100_000), VpxOptions::default())
                    .unwrap();
            let yuv = vec![77u8; i420_len(w, h).unwrap()];
            let rgba = vec![200u8; (w * h * 4) as usize];
            let mut buf = vec![0u8; enc.max_packet_len()];
            enc.push(&grey(w, h, 0, &yuv), true).unwrap();
            assert!(enc.pull(&mut buf).unwrap().unwrap().keyframe);
            let f = VideoFrame { format: PixelFormat::Bgra, ..grey(w, h, 33, &rgba) };
            enc.push(&f, false).unwrap();
            assert!(enc.pull(&mut buf).unwrap().unwrap().len > 0);
        }
    }
}
