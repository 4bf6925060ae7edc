//! A moving video test pattern, the video counterpart of the audio sources.

use mediarec_core::{Duration, Error, ErrorKind, PixelFormat, VideoFrame};

/// Why [`Pattern`] could not draw a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternError {
    /// The caller's buffer holds fewer bytes than one picture needs.
    BufferTooSmall {
        /// Bytes one picture needs.
        needed: usize,
    },
    /// The pattern has a zero width or height, or a picture too large to address.
    BadSize,
    /// The frame rate is 0 and no frame was asked for with [`Pattern::request_frame`].
    NotRequested,
}

impl Error for PatternError {
    fn kind(&self) -> ErrorKind {
        match self {
            PatternError::BufferTooSmall { .. } | PatternError::BadSize => ErrorKind::InvalidInput,
            PatternError::NotRequested => ErrorKind::Full,
        }
    }
}

impl core::fmt::Display for PatternError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PatternError::BufferTooSmall { needed } => {
                write!(f, "picture buffer too small: one picture needs {needed} bytes")
            }
            PatternError::BadSize => f.write_str("pattern size is zero or too large"),
            PatternError::NotRequested => f.write_str("no frame was requested (frame rate 0)"),
        }
    }
}

/// What [`Pattern`] drew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternFrame {
    /// Frames drawn before this one.
    pub index: u64,
    /// Capture time: `index / fps` exactly (rounded down to a microsecond), or the time
    /// given to [`Pattern::request_frame`] when the frame rate is 0.
    pub timestamp: Duration,
    /// True when this frame is the all-white flash: the first frame of each second.
    pub flash: bool,
}

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rgb(u8, u8, u8);

impl Rgb {
    const WHITE: Rgb = Rgb(255, 255, 255);
    const BLACK: Rgb = Rgb(0, 0, 0);

    /// BT.601 limited-range luma (what VP8 and VP9 decoders assume by default).
    fn y(self) -> u8 {
        let (r, g, b) = (i32::from(self.0), i32::from(self.1), i32::from(self.2));
        clamp_u8(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16)
    }

    /// BT.601 limited-range chroma (Cb, Cr).
    fn uv(self) -> (u8, u8) {
        let (r, g, b) = (i32::from(self.0), i32::from(self.1), i32::from(self.2));
        (
            clamp_u8(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128),
            clamp_u8(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128),
        )
    }
}

fn clamp_u8(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// The classic eight bars: white, yellow, cyan, green, magenta, red, blue, black.
const BARS: [Rgb; 8] = [
    Rgb(235, 235, 235),
    Rgb(235, 235, 16),
    Rgb(16, 235, 235),
    Rgb(16, 235, 16),
    Rgb(235, 16, 235),
    Rgb(235, 16, 16),
    Rgb(16, 16, 235),
    Rgb(16, 16, 16),
];

/// Seven-segment masks for 0–9, bits `a b c d e f g` from bit 6 down to bit 0.
const SEGMENTS: [u8; 10] = [
    0b111_1110, 0b011_0000, 0b110_1101, 0b111_1001, 0b011_0011, 0b101_1011, 0b101_1111, 0b111_0000,
    0b111_1111, 0b111_1011,
];

/// Decimal digits of the counter (the frame index modulo 10⁶).
const DIGITS: u32 = 6;

/// Bits of the frame index drawn as blocks along the bottom (most significant on the left).
pub const COUNTER_BITS: u32 = 16;

/// Where everything goes in one frame; computed once per frame.
#[derive(Debug, Clone, Copy)]
struct Scene {
    w: u32,
    h: u32,
    index: u64,
    flash: bool,
    /// Horizontal scroll of the bars (and, reversed, of the gradient).
    shift: u32,
    bars_end: u32,
    gradient_end: u32,
    digits: [u8; DIGITS as usize],
    box_x: u32,
    box_y: u32,
    box_w: u32,
    box_h: u32,
    pad: u32,
    digit_w: u32,
    digit_h: u32,
    gap: u32,
    stroke: u32,
}

impl Scene {
    fn new(w: u32, h: u32, index: u64, flash: bool) -> Self {
        let step = u64::from((w / 80).max(1));
        let shift = (index.wrapping_mul(step) % u64::from(w.max(1))) as u32;
        let bars_end = h / 4 * 3;
        let digit_h = (h / 4).max(5);
        let digit_w = (digit_h / 2).max(3);
        let gap = (digit_w / 3).max(1);
        let stroke = (digit_h / 10).max(1);
        let pad = stroke * 2;
        let box_w = DIGITS * digit_w + (DIGITS - 1) * gap + 2 * pad;
        let box_h = digit_h + 2 * pad;
        let mut digits = [0u8; DIGITS as usize];
        let mut n = index % 1_000_000;
        for d in digits.iter_mut().rev() {
            *d = (n % 10) as u8;
            n /= 10;
        }
        Scene {
            w,
            h,
            index,
            flash,
            shift,
            bars_end,
            gradient_end: h / 8 * 7,
            digits,
            box_x: w.saturating_sub(box_w) / 2,
            box_y: bars_end.saturating_sub(box_h) / 2,
            box_w,
            box_h,
            pad,
            digit_w,
            digit_h,
            gap,
            stroke,
        }
    }

    /// The colour of pixel (`x`, `y`).
    fn rgb(&self, x: u32, y: u32) -> Rgb {
        if self.flash {
            return Rgb::WHITE;
        }
        let w = self.w.max(1);
        if y < self.bars_end {
            if let Some(c) = self.counter(x, y) {
                return c;
            }
            let pos = (u64::from(x) + u64::from(self.shift)) % u64::from(w);
            let bar = (pos * 8 / u64::from(w)) as usize;
            BARS.get(bar).copied().unwrap_or(Rgb::BLACK)
        } else if y < self.gradient_end {
            let pos = (u64::from(x) + u64::from(w) - u64::from(self.shift)) % u64::from(w);
            let level = (pos * 255 / u64::from((w - 1).max(1))) as u8;
            Rgb(level, level, level)
        } else {
            let bit =
                COUNTER_BITS - 1 - (u64::from(x) * u64::from(COUNTER_BITS) / u64::from(w)) as u32;
            if (self.index >> bit) & 1 == 1 { Rgb::WHITE } else { Rgb::BLACK }
        }
    }

    /// The digit box: `None` outside it, white for lit segments, black elsewhere.
    fn counter(&self, x: u32, y: u32) -> Option<Rgb> {
        let lx = x.checked_sub(self.box_x).filter(|&v| v < self.box_w)?;
        let ly = y.checked_sub(self.box_y).filter(|&v| v < self.box_h)?;
        let (Some(dx), Some(dy)) = (lx.checked_sub(self.pad), ly.checked_sub(self.pad)) else {
            return Some(Rgb::BLACK);
        };
        let slot = dx / (self.digit_w + self.gap);
        let dx = dx % (self.digit_w + self.gap);
        let Some(digit) = self.digits.get(slot as usize) else {
            return Some(Rgb::BLACK);
        };
        if dx >= self.digit_w || dy >= self.digit_h {
            return Some(Rgb::BLACK);
        }
        let mask = SEGMENTS.get(usize::from(*digit)).copied().unwrap_or(0);
        let lit = |segment: u32| mask & (1 << (6 - segment)) != 0;
        let (t, w, h) = (self.stroke, self.digit_w, self.digit_h);
        let upper = dy < h / 2;
        let middle = dy + t / 2 >= h / 2 && dy < h / 2 + t - t / 2;
        let on = (lit(0) && dy < t)
            || (lit(1) && upper && dx >= w - t)
            || (lit(2) && !upper && dx >= w - t)
            || (lit(3) && dy >= h - t)
            || (lit(4) && !upper && dx < t)
            || (lit(5) && upper && dx < t)
            || (lit(6) && middle);
        Some(if on { Rgb::WHITE } else { Rgb::BLACK })
    }
}

/// A moving test pattern, like a `<canvas>` animation captured with
/// `canvas.captureStream(fps)`, drawn into the caller's buffer as I420 or RGBA.
///
/// Each picture shows scrolling colour bars, a scrolling grey ramp, the frame index as six
/// seven-segment digits (for people) and as [`COUNTER_BITS`] black/white blocks along the
/// bottom edge (for programs, most significant bit on the left), and the **first frame of
/// every second is all white**. A [`Beep`](crate::Beep) sounds at the same instants, so the
/// offset between the flash and the beep in a recording measures A/V sync.
///
/// **Timing.** With `fps > 0`, frame *k* has the timestamp *k / fps* computed from the
/// integer index (no drift, rounded down to a microsecond) and the flash is on every frame
/// whose index is a multiple of `fps`. [`Pattern::next_timestamp`] says when the next frame
/// is due; a driver draws it once its clock has reached that time.
///
/// **Frame rate 0** behaves like `captureStream(0)`: a frame exists only after
/// [`Pattern::request_frame`] (the web's `requestFrame()`), with the timestamp given there;
/// drawing without a request fails with [`PatternError::NotRequested`]. The flash is then on
/// the first frame whose timestamp falls in a new second.
///
/// Colours are BT.601 limited range in I420 (white is Y = 235) and full range in RGBA, the
/// same pair of conventions a browser uses for a canvas, so either layout encodes to the
/// same picture.
///
/// ```
/// use mediarec_core::{Duration, PixelFormat};
/// use mediarec_source_synth::Pattern;
///
/// let mut pattern = Pattern::new(320, 240, 30);
/// let mut picture = vec![0u8; pattern.i420_len().unwrap()];
/// let first = pattern.fill_i420(&mut picture)?;
/// assert!(first.flash); // frame 0 opens second 0
/// assert_eq!(picture[0], 235); // all white
/// let frame = pattern.frame_i420(&mut picture)?;
/// assert_eq!((frame.format, frame.timestamp), (PixelFormat::I420, Duration::from_micros(33_333)));
///
/// // Frame rate 0: frames only on request.
/// let mut still = Pattern::new(64, 48, 0);
/// let mut rgba = vec![0u8; still.rgba_len().unwrap()];
/// assert!(still.fill_rgba(&mut rgba).is_err());
/// still.request_frame(Duration::from_millis(250));
/// assert_eq!(still.fill_rgba(&mut rgba)?.timestamp, Duration::from_millis(250));
/// # Ok::<(), mediarec_source_synth::PatternError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Pattern {
    width: u32,
    height: u32,
    fps: u32,
    index: u64,
    requested: Option<Duration>,
    /// The second (timestamp / 1 s) of the previous frame; `None` before the first.
    last_second: Option<u64>,
    last_timestamp: Duration,
}

impl Pattern {
    /// A pattern of `width` × `height` pixels at `fps` frames per second (0: on request).
    pub const fn new(width: u32, height: u32, fps: u32) -> Self {
        Pattern {
            width,
            height,
            fps,
            index: 0,
            requested: None,
            last_second: None,
            last_timestamp: Duration::ZERO,
        }
    }

    /// Width in pixels.
    pub const fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub const fn height(&self) -> u32 {
        self.height
    }

    /// Nominal frames per second (0: frames come on request).
    pub const fn fps(&self) -> u32 {
        self.fps
    }

    /// Frames drawn so far.
    pub const fn frames_drawn(&self) -> u64 {
        self.index
    }

    /// Bytes of one I420 picture (Y plane, then U and V with 2×2 subsampling, odd sizes
    /// rounded up), or `None` for a zero or unaddressable size.
    pub fn i420_len(&self) -> Option<usize> {
        i420_len(self.width, self.height)
    }

    /// Bytes of one RGBA picture, or `None` for a zero or unaddressable size.
    pub fn rgba_len(&self) -> Option<usize> {
        let (w, h) = (nonzero(self.width)?, nonzero(self.height)?);
        w.checked_mul(h)?.checked_mul(4)
    }

    /// When the next frame is due on the pattern's timeline: *k / fps* with `fps > 0`, the
    /// requested time with `fps == 0`, or `None` when nothing was requested.
    pub fn next_timestamp(&self) -> Option<Duration> {
        if self.fps == 0 {
            self.requested
        } else {
            Some(Duration::from_samples(self.index, self.fps))
        }
    }

    /// True when the next frame is due by `elapsed` (time since capture began).
    pub fn is_due(&self, elapsed: Duration) -> bool {
        self.next_timestamp().is_some_and(|t| t <= elapsed)
    }

    /// Asks for one frame captured at `at`, as `CanvasCaptureMediaStreamTrack.requestFrame()`
    /// does. Only meaningful with a frame rate of 0; returns false (and does nothing) when
    /// frames follow a fixed rate. A second request before the frame is drawn replaces the
    /// first; a time before the previous frame is moved up to it, so timestamps never go
    /// backwards.
    pub fn request_frame(&mut self, at: Duration) -> bool {
        if self.fps != 0 {
            return false;
        }
        self.requested = Some(if at < self.last_timestamp { self.last_timestamp } else { at });
        true
    }

    /// Draws the next frame as I420 into the start of `out` and moves past it.
    pub fn fill_i420(&mut self, out: &mut [u8]) -> Result<PatternFrame, PatternError> {
        let len = self.i420_len().ok_or(PatternError::BadSize)?;
        let out = out.get_mut(..len).ok_or(PatternError::BufferTooSmall { needed: len })?;
        let frame = self.peek()?;
        let scene = Scene::new(self.width, self.height, frame.index, frame.flash);
        draw_i420(&scene, out);
        self.advance(frame);
        Ok(frame)
    }

    /// Draws the next frame as RGBA (alpha 255) into the start of `out` and moves past it.
    pub fn fill_rgba(&mut self, out: &mut [u8]) -> Result<PatternFrame, PatternError> {
        let len = self.rgba_len().ok_or(PatternError::BadSize)?;
        let out = out.get_mut(..len).ok_or(PatternError::BufferTooSmall { needed: len })?;
        let frame = self.peek()?;
        let scene = Scene::new(self.width, self.height, frame.index, frame.flash);
        let w = self.width as usize;
        for (y, row) in out.chunks_exact_mut(w * 4).enumerate() {
            for (x, px) in row.chunks_exact_mut(4).enumerate() {
                let c = scene.rgb(x as u32, y as u32);
                px.copy_from_slice(&[c.0, c.1, c.2, 255]);
            }
        }
        self.advance(frame);
        Ok(frame)
    }

    /// [`Pattern::fill_i420`], returned as a [`VideoFrame`] ready for an encoder.
    pub fn frame_i420<'a>(&mut self, out: &'a mut [u8]) -> Result<VideoFrame<'a>, PatternError> {
        let frame = self.fill_i420(out)?;
        self.video_frame(PixelFormat::I420, out, frame)
    }

    /// [`Pattern::fill_rgba`], returned as a [`VideoFrame`] ready for an encoder.
    pub fn frame_rgba<'a>(&mut self, out: &'a mut [u8]) -> Result<VideoFrame<'a>, PatternError> {
        let frame = self.fill_rgba(out)?;
        self.video_frame(PixelFormat::Rgba, out, frame)
    }

    fn video_frame<'a>(
        &self,
        format: PixelFormat,
        out: &'a [u8],
        frame: PatternFrame,
    ) -> Result<VideoFrame<'a>, PatternError> {
        let len = match format {
            PixelFormat::I420 => self.i420_len(),
            _ => self.rgba_len(),
        }
        .ok_or(PatternError::BadSize)?;
        Ok(VideoFrame {
            format,
            width: self.width,
            height: self.height,
            data: out.get(..len).ok_or(PatternError::BufferTooSmall { needed: len })?,
            timestamp: frame.timestamp,
        })
    }

    /// The frame that would be drawn next, without moving past it.
    fn peek(&self) -> Result<PatternFrame, PatternError> {
        let timestamp = self.next_timestamp().ok_or(PatternError::NotRequested)?;
        let second = timestamp.as_micros() / 1_000_000;
        Ok(PatternFrame {
            index: self.index,
            timestamp,
            flash: self.last_second.is_none_or(|last| second > last),
        })
    }

    fn advance(&mut self, frame: PatternFrame) {
        self.index = self.index.saturating_add(1);
        self.requested = None;
        self.last_second = Some(frame.timestamp.as_micros() / 1_000_000);
        self.last_timestamp = frame.timestamp;
    }
}

fn nonzero(v: u32) -> Option<usize> {
    usize::try_from(v).ok().filter(|&v| v > 0)
}

/// Bytes of a tightly packed I420 picture.
fn i420_len(width: u32, height: u32) -> Option<usize> {
    let (w, h) = (nonzero(width)?, nonzero(height)?);
    let chroma = w.div_ceil(2).checked_mul(h.div_ceil(2))?;
    w.checked_mul(h)?.checked_add(chroma.checked_mul(2)?)
}

/// Writes Y for every pixel, then U and V from the average colour of each 2×2 block.
fn draw_i420(scene: &Scene, out: &mut [u8]) {
    let (w, h) = (scene.w as usize, scene.h as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let (luma, chroma) = out.split_at_mut((w * h).min(out.len()));
    for (y, row) in luma.chunks_exact_mut(w).enumerate() {
        for (x, p) in row.iter_mut().enumerate() {
            *p = scene.rgb(x as u32, y as u32).y();
        }
    }
    let (u_plane, v_plane) = chroma.split_at_mut((cw * ch).min(chroma.len()));
    let rows = u_plane.chunks_exact_mut(cw).zip(v_plane.chunks_exact_mut(cw));
    for (cy, (u_row, v_row)) in rows.enumerate() {
        for (cx, (u, v)) in u_row.iter_mut().zip(v_row.iter_mut()).enumerate() {
            let (mut r, mut g, mut b, mut n) = (0u32, 0u32, 0u32, 0u32);
            for y in (cy * 2)..(cy * 2 + 2).min(h) {
                for x in (cx * 2)..(cx * 2 + 2).min(w) {
                    let c = scene.rgb(x as u32, y as u32);
                    (r, g, b, n) =
                        (r + u32::from(c.0), g + u32::from(c.1), b + u32::from(c.2), n + 1);
                }
            }
            let n = n.max(1);
            let avg =
                Rgb(((r + n / 2) / n) as u8, ((g + n / 2) / n) as u8, ((b + n / 2) / n) as u8);
            (*u, *v) = avg.uv();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec;

    fn i420(p: &mut Pattern) -> (PatternFrame, std::vec::Vec<u8>) {
        let mut buf = vec![0u8; p.i420_len().unwrap()];
        let f = p.fill_i420(&mut buf).unwrap();
        (f, buf)
    }

    /// Reads the binary counter back from a decoded luma plane.
    fn read_counter(luma: &[u8], w: usize, h: usize) -> u64 {
        let y = h - (h - h / 8 * 7) / 2 - 1;
        (0..COUNTER_BITS).fold(0u64, |acc, bit| {
            let block = (COUNTER_BITS - 1 - bit) as usize;
            let x = (2 * block + 1) * w / (2 * COUNTER_BITS as usize);
            acc | (u64::from(luma[y * w + x] > 128) << bit)
        })
    }

    #[test]
    fn timestamps_are_index_over_fps_without_drift() {
        let mut p = Pattern::new(2, 2, 30);
        let mut buf = vec![0u8; p.i420_len().unwrap()];
        for k in 0..30 * 600u64 {
            assert!(p.is_due(Duration::from_samples(k, 30)));
            let f = p.fill_i420(&mut buf).unwrap();
            assert_eq!(f.index, k);
            assert_eq!(f.timestamp.as_micros(), k * 1_000_000 / 30);
            assert_eq!(f.flash, k % 30 == 0, "frame {k}");
        }
        // Ten minutes in, frame 18 000 is exactly at 600 s.
        assert_eq!(p.next_timestamp(), Some(Duration::from_secs(600)));
        assert!(!p.is_due(Duration::from_micros(599_999_999)));
    }

    #[test]
    fn flash_is_all_white_and_other_frames_are_not() {
        let mut p = Pattern::new(64, 48, 25);
        let (f, buf) = i420(&mut p);
        assert!(f.flash);
        assert!(buf[..64 * 48].iter().all(|&y| y == 235));
        assert!(buf[64 * 48..].iter().all(|&c| c == 128));
        let (f, buf) = i420(&mut p);
        assert!(!f.flash);
        assert!(buf[..64 * 48].iter().any(|&y| y < 100));
        let mut rgba = vec![0u8; p.rgba_len().unwrap()];
        for k in 2..=25 {
            let f = p.fill_rgba(&mut rgba).unwrap();
            assert_eq!(f.flash, k == 25);
            assert_eq!(rgba.iter().all(|&c| c == 255), k == 25);
        }
    }

    #[test]
    fn counter_blocks_encode_the_frame_index() {
        let (w, h) = (320usize, 240usize);
        let mut p = Pattern::new(w as u32, h as u32, 30);
        let mut buf = vec![0u8; p.i420_len().unwrap()];
        for k in 0..100u64 {
            let f = p.fill_i420(&mut buf).unwrap();
            if !f.flash {
                assert_eq!(read_counter(&buf[..w * h], w, h), k);
            }
        }
    }

    #[test]
    fn the_picture_moves() {
        let mut p = Pattern::new(160, 120, 30);
        let _ = i420(&mut p); // flash
        let (_, a) = i420(&mut p);
        let (_, b) = i420(&mut p);
        let changed = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        assert!(changed > a.len() / 10, "{changed} bytes changed");
    }

    #[test]
    fn digits_show_the_index() {
        // Frame 8 lights every segment of the last digit: its middle bar is white.
        let mut p = Pattern::new(320, 240, 30);
        let mut buf = vec![0u8; p.i420_len().unwrap()];
        for _ in 0..9 {
            p.fill_i420(&mut buf).unwrap();
        }
        let s = Scene::new(320, 240, 8, false);
        let last = s.box_x + s.pad + 5 * (s.digit_w + s.gap);
        let mid = s.box_y + s.pad + s.digit_h / 2;
        assert_eq!(s.rgb(last + s.digit_w / 2, mid), Rgb::WHITE);
        assert_eq!(buf[mid as usize * 320 + (last + s.digit_w / 2) as usize], 235);
        // Frame 0's middle bar is dark (0 has no segment g), its top bar lit.
        let s0 = Scene::new(320, 240, 0, false);
        assert_eq!(s0.rgb(last + s.digit_w / 2, mid), Rgb::BLACK);
        assert_eq!(s0.rgb(last + s.digit_w / 2, s.box_y + s.pad), Rgb::WHITE);
    }

    #[test]
    fn rgba_and_i420_agree() {
        let (w, h) = (96usize, 64usize);
        let mut a = Pattern::new(w as u32, h as u32, 30);
        let mut b = a.clone();
        let mut yuv = vec![0u8; a.i420_len().unwrap()];
        let mut rgba = vec![0u8; b.rgba_len().unwrap()];
        for _ in 0..3 {
            a.fill_i420(&mut yuv).unwrap();
            b.fill_rgba(&mut rgba).unwrap();
        }
        for (y, px) in yuv[..w * h].iter().zip(rgba.chunks_exact(4)) {
            assert_eq!(*y, Rgb(px[0], px[1], px[2]).y());
            assert_eq!(px[3], 255);
        }
    }

    #[test]
    fn rate_zero_draws_only_on_request() {
        let mut p = Pattern::new(16, 16, 0);
        let mut buf = vec![0u8; p.i420_len().unwrap()];
        assert_eq!(p.next_timestamp(), None);
        assert!(!p.is_due(Duration::MAX));
        assert_eq!(p.fill_i420(&mut buf), Err(PatternError::NotRequested));
        assert_eq!(PatternError::NotRequested.kind(), ErrorKind::Full);
        assert!(p.request_frame(Duration::from_millis(400)));
        assert!(p.request_frame(Duration::from_millis(900))); // replaces the first
        let f = p.fill_i420(&mut buf).unwrap();
        assert_eq!((f.index, f.timestamp, f.flash), (0, Duration::from_millis(900), true));
        assert_eq!(p.fill_i420(&mut buf), Err(PatternError::NotRequested));
        // Same second: no flash. Next second: flash. Backwards: clamped.
        p.request_frame(Duration::from_millis(950));
        assert!(!p.fill_i420(&mut buf).unwrap().flash);
        p.request_frame(Duration::from_millis(1_001));
        assert!(p.fill_i420(&mut buf).unwrap().flash);
        p.request_frame(Duration::from_millis(10));
        assert_eq!(p.fill_i420(&mut buf).unwrap().timestamp, Duration::from_millis(1_001));
        assert!(!Pattern::new(16, 16, 30).request_frame(Duration::ZERO));
    }

    #[test]
    fn bad_sizes_and_small_buffers_are_errors() {
        assert_eq!(Pattern::new(0, 10, 30).i420_len(), None);
        assert_eq!(Pattern::new(10, 0, 30).rgba_len(), None);
        let mut buf = [0u8; 128];
        assert_eq!(Pattern::new(0, 10, 30).fill_i420(&mut buf), Err(PatternError::BadSize));
        assert_eq!(Pattern::new(0, 10, 30).fill_rgba(&mut buf), Err(PatternError::BadSize));
        let mut p = Pattern::new(8, 8, 30);
        assert_eq!(p.fill_i420(&mut buf[..95]), Err(PatternError::BufferTooSmall { needed: 96 }));
        assert_eq!(p.fill_rgba(&mut buf), Err(PatternError::BufferTooSmall { needed: 256 }));
        assert!(p.fill_i420(&mut buf).is_ok()); // a longer buffer is fine
        assert_eq!(p.frames_drawn(), 1); // failures do not advance
        assert_eq!(PatternError::BadSize.kind(), ErrorKind::InvalidInput);
        // Odd sizes round chroma up: 5×3 → 15 + 2 × (3 × 2).
        assert_eq!(Pattern::new(5, 3, 30).i420_len(), Some(27));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_size_draws_without_panicking(w in 1u32..70, h in 1u32..70, fps in 0u32..120, n in 1usize..4) {
            let mut p = Pattern::new(w, h, fps);
            let len = p.i420_len().unwrap();
            let mut yuv = vec![0u8; len + 3];
            let mut rgba = vec![0u8; p.rgba_len().unwrap()];
            for k in 0..n {
                p.request_frame(Duration::from_millis(k as u64 * 400));
                let a = p.frame_i420(&mut yuv).unwrap();
                prop_assert_eq!(a.data.len(), len);
                p.request_frame(Duration::from_millis(k as u64 * 400 + 200));
                let b = p.frame_rgba(&mut rgba).unwrap();
                prop_assert!(b.timestamp >= a.timestamp);
            }
            prop_assert_eq!(p.frames_drawn(), 2 * n as u64);
        }
    }
}
