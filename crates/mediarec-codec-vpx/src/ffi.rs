//! The only place that talks to libvpx: a safe, owned encoder context.
//!
//! Everything unsafe in the crate is here. The invariants that make the rest safe:
//! the context is initialised before a [`Context`] exists and destroyed exactly once in
//! `Drop`; a packet's bytes are only lent out through `&self`, and every call that can make
//! libvpx reuse its output buffer (`encode`, `flush`) takes `&mut self`, so the borrow
//! checker rules out a dangling packet slice.
#![allow(unsafe_code)]

use core::ffi::{c_int, c_long, c_ulong};
use core::ptr;

use vpx_sys as sys;

use crate::error::VpxError;

/// Which libvpx encoder interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interface {
    Vp8,
    Vp9,
}

/// The settings a context is created with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setup {
    pub interface: Interface,
    pub width: u32,
    pub height: u32,
    /// Target in kilobits per second; 0 keeps libvpx's default.
    pub bitrate_kbps: u32,
    pub threads: u32,
    /// `VP8E_SET_CPUUSED` value (negative for a fixed VP8 speed).
    pub cpu_used: i32,
}

/// Three borrowed I420 planes of one picture.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Planes<'a> {
    pub y: &'a [u8],
    pub u: &'a [u8],
    pub v: &'a [u8],
    pub width: u32,
    pub height: u32,
}

impl Planes<'_> {
    /// True when every plane holds the rows libvpx reads (tightly packed strides).
    fn is_complete(&self) -> bool {
        let (w, h) = (self.width as usize, self.height as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        w > 0
            && h > 0
            && self.y.len() >= w.saturating_mul(h)
            && self.u.len() >= cw.saturating_mul(ch)
            && self.v.len() >= cw.saturating_mul(ch)
    }
}

/// Where a compressed frame sits in libvpx's output buffer.
#[derive(Debug, Clone, Copy)]
struct RawPacket {
    data: *const u8,
    len: usize,
    pts: i64,
    duration: u64,
    keyframe: bool,
}

/// A compressed frame, borrowed from the context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Packet<'a> {
    pub data: &'a [u8],
    pub pts: i64,
    pub duration: u64,
    pub keyframe: bool,
}

/// An initialised libvpx encoder.
pub(crate) struct Context {
    /// Boxed so its address stays put for libvpx's whole life.
    ctx: Box<sys::vpx_codec_ctx_t>,
    iter: sys::vpx_codec_iter_t,
    /// The next frame packet, fetched ahead so that "anything left?" is a field read.
    pending: Option<RawPacket>,
}

// SAFETY: a libvpx encoder context has no thread affinity; it only must not be used from two
// threads at once, which `&mut self` on every call that touches it guarantees. The raw
// pointers it holds point into memory owned by that context.
unsafe impl Send for Context {}

fn check(err: sys::vpx_codec_err_t, function: &'static str) -> Result<(), VpxError> {
    if err == sys::vpx_codec_err_t::VPX_CODEC_OK {
        Ok(())
    } else {
        Err(VpxError::Libvpx { function, code: err as i32 })
    }
}

impl Context {
    /// Creates a one-pass, real-time, zero-lag CBR encoder whose timebase is 1 µs and which
    /// places key frames only when asked.
    pub(crate) fn new(setup: &Setup) -> Result<Self, VpxError> {
        // SAFETY: both functions only return a pointer to a static interface table.
        let iface = unsafe {
            match setup.interface {
                Interface::Vp8 => sys::vpx_codec_vp8_cx(),
                Interface::Vp9 => sys::vpx_codec_vp9_cx(),
            }
        };
        if iface.is_null() {
            return Err(VpxError::Libvpx { function: "vpx_codec_vpx_cx", code: -1 });
        }
        let mut cfg = core::mem::MaybeUninit::<sys::vpx_codec_enc_cfg_t>::zeroed();
        // SAFETY: `iface` is valid and `cfg` points to writable storage of the right type.
        check(
            unsafe { sys::vpx_codec_enc_config_default(iface, cfg.as_mut_ptr(), 0) },
            "vpx_codec_enc_config_default",
        )?;
        // SAFETY: on success libvpx wrote a complete default configuration.
        let mut cfg = unsafe { cfg.assume_init() };
        cfg.g_w = setup.width;
        cfg.g_h = setup.height;
        cfg.g_timebase = sys::vpx_rational { num: 1, den: 1_000_000 };
        cfg.g_threads = setup.threads.max(1);
        cfg.g_lag_in_frames = 0;
        cfg.g_pass = sys::vpx_enc_pass::VPX_RC_ONE_PASS;
        cfg.g_error_resilient = 0;
        cfg.rc_end_usage = sys::vpx_rc_mode::VPX_CBR;
        cfg.rc_dropframe_thresh = 0; // one packet per picture, always
        cfg.rc_resize_allowed = 0;
        if setup.bitrate_kbps > 0 {
            cfg.rc_target_bitrate = setup.bitrate_kbps;
        }
        cfg.rc_min_quantizer = 2;
        cfg.rc_max_quantizer = 56;
        cfg.rc_undershoot_pct = 50;
        cfg.rc_overshoot_pct = 50;
        cfg.rc_buf_sz = 1_000;
        cfg.rc_buf_initial_sz = 500;
        cfg.rc_buf_optimal_sz = 600;
        cfg.kf_mode = sys::vpx_kf_mode::VPX_KF_DISABLED;

        // SAFETY: all-zero is a valid `vpx_codec_ctx_t` (null pointers, VPX_CODEC_OK).
        let mut ctx: Box<sys::vpx_codec_ctx_t> = Box::new(unsafe { core::mem::zeroed() });
        // SAFETY: `ctx` and `cfg` are valid for the call; libvpx copies `cfg`.
        check(
            unsafe {
                sys::vpx_codec_enc_init_ver(
                    &mut *ctx,
                    iface,
                    &cfg,
                    0,
                    sys::VPX_ENCODER_ABI_VERSION as c_int,
                )
            },
            "vpx_codec_enc_init",
        )?;
        let mut context = Context { ctx, iter: ptr::null(), pending: None };

        let vp8e = |id: sys::vp8e_enc_control_id| id as c_int;
        context.control(vp8e(sys::vp8e_enc_control_id::VP8E_SET_CPUUSED), setup.cpu_used)?;
        context.control(vp8e(sys::vp8e_enc_control_id::VP8E_SET_STATIC_THRESHOLD), 1)?;
        context.control(vp8e(sys::vp8e_enc_control_id::VP8E_SET_MAX_INTRA_BITRATE_PCT), 300)?;
        match setup.interface {
            Interface::Vp8 => {
                context.control(vp8e(sys::vp8e_enc_control_id::VP8E_SET_NOISE_SENSITIVITY), 0)?;
                let partitions = if setup.threads > 1 { 2 } else { 0 };
                context.control(
                    vp8e(sys::vp8e_enc_control_id::VP8E_SET_TOKEN_PARTITIONS),
                    partitions,
                )?;
            }
            Interface::Vp9 => {
                context.control(vp8e(sys::vp8e_enc_control_id::VP9E_SET_AQ_MODE), 3)?;
                context.control(
                    vp8e(sys::vp8e_enc_control_id::VP9E_SET_ROW_MT),
                    i32::from(setup.threads > 1),
                )?;
                let tiles = if setup.threads > 1 { 1 } else { 0 };
                context.control(vp8e(sys::vp8e_enc_control_id::VP9E_SET_TILE_COLUMNS), tiles)?;
                context
                    .control(vp8e(sys::vp8e_enc_control_id::VP9E_SET_FRAME_PARALLEL_DECODING), 0)?;
            }
        }
        Ok(context)
    }

    fn control(&mut self, id: c_int, value: i32) -> Result<(), VpxError> {
        // SAFETY: the context is initialised; every control used here takes one `int`.
        check(
            unsafe { sys::vpx_codec_control_(&mut *self.ctx, id, value as c_int) },
            "vpx_codec_control",
        )
    }

    /// Encodes one picture; afterwards [`Context::packet`] shows the packets it produced.
    pub(crate) fn encode(
        &mut self,
        planes: &Planes<'_>,
        pts: i64,
        duration: u64,
        keyframe: bool,
    ) -> Result<(), VpxError> {
        if !planes.is_complete() {
            return Err(VpxError::Libvpx { function: "vpx_codec_encode", code: -1 });
        }
        // SAFETY: all-zero is a valid `vpx_image_t` (VPX_IMG_FMT_NONE, null pointers).
        let mut img: sys::vpx_image_t = unsafe { core::mem::zeroed() };
        let (w, h) = (planes.width, planes.height);
        let cw = w.div_ceil(2);
        img.fmt = sys::vpx_img_fmt::VPX_IMG_FMT_I420;
        img.cs = sys::vpx_color_space::VPX_CS_BT_601;
        img.range = sys::vpx_color_range::VPX_CR_STUDIO_RANGE;
        img.w = w;
        img.h = h;
        img.d_w = w;
        img.d_h = h;
        img.r_w = w;
        img.r_h = h;
        img.bit_depth = 8;
        img.bps = 12;
        img.x_chroma_shift = 1;
        img.y_chroma_shift = 1;
        // libvpx only reads the input picture; the `*mut` is the C API's spelling.
        img.planes = [
            planes.y.as_ptr().cast_mut(),
            planes.u.as_ptr().cast_mut(),
            planes.v.as_ptr().cast_mut(),
            ptr::null_mut(),
        ];
        let (ys, cs) = (c_int::try_from(w), c_int::try_from(cw));
        let (Ok(ys), Ok(cs)) = (ys, cs) else {
            return Err(VpxError::Libvpx { function: "vpx_codec_encode", code: -1 });
        };
        img.stride = [ys, cs, cs, 0];
        let flags = if keyframe { sys::VPX_EFLAG_FORCE_KF as c_long } else { 0 };
        self.pending = None;
        self.iter = ptr::null();
        // SAFETY: the context is initialised and `img` describes planes that `is_complete`
        // checked to cover every row libvpx reads; they outlive the call.
        check(
            unsafe {
                sys::vpx_codec_encode(
                    &mut *self.ctx,
                    &img,
                    pts,
                    duration as c_ulong,
                    flags,
                    sys::VPX_DL_REALTIME as c_ulong,
                )
            },
            "vpx_codec_encode",
        )?;
        self.fetch();
        Ok(())
    }

    /// Tells libvpx the input has ended, so it hands out anything it still holds.
    pub(crate) fn flush(&mut self) -> Result<(), VpxError> {
        self.pending = None;
        self.iter = ptr::null();
        // SAFETY: a null image is libvpx's documented end-of-stream signal.
        check(
            unsafe {
                sys::vpx_codec_encode(
                    &mut *self.ctx,
                    ptr::null(),
                    0,
                    0,
                    0,
                    sys::VPX_DL_REALTIME as c_ulong,
                )
            },
            "vpx_codec_encode",
        )?;
        self.fetch();
        Ok(())
    }

    /// Reads the next frame packet from libvpx's list into `pending`, skipping other kinds.
    // `c_ulong` is 64 bits here but 32 on Windows: the conversions are not useless there.
    #[allow(clippy::useless_conversion)]
    fn fetch(&mut self) {
        self.pending = None;
        loop {
            // SAFETY: the context is initialised and `iter` was reset at the last encode.
            let pkt = unsafe { sys::vpx_codec_get_cx_data(&mut *self.ctx, &mut self.iter) };
            // SAFETY: a non-null result points to a packet valid until the next encode.
            let Some(pkt) = (unsafe { pkt.as_ref() }) else { return };
            if pkt.kind != sys::vpx_codec_cx_pkt_kind::VPX_CODEC_CX_FRAME_PKT {
                continue;
            }
            // SAFETY: for frame packets the `frame` member of the union is the live one.
            let frame = unsafe { pkt.data.frame };
            self.pending = Some(RawPacket {
                data: frame.buf.cast::<u8>().cast_const(),
                len: usize::try_from(frame.sz).unwrap_or(0),
                pts: frame.pts,
                duration: u64::from(frame.duration),
                keyframe: frame.flags & sys::VPX_FRAME_IS_KEY != 0,
            });
            return;
        }
    }

    /// The next packet of the last encode, if any.
    pub(crate) fn packet(&self) -> Option<Packet<'_>> {
        let raw = self.pending?;
        let data = if raw.data.is_null() || raw.len == 0 {
            &[][..]
        } else {
            // SAFETY: libvpx's output buffer holds `len` bytes at `data` until the next
            // encode or flush, which need `&mut self` and so cannot overlap this borrow.
            unsafe { core::slice::from_raw_parts(raw.data, raw.len) }
        };
        Some(Packet { data, pts: raw.pts, duration: raw.duration, keyframe: raw.keyframe })
    }

    /// Moves past the packet [`Context::packet`] showed.
    pub(crate) fn advance(&mut self) {
        self.fetch();
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: the context was initialised in `new` and is destroyed only here.
        let _ = unsafe { sys::vpx_codec_destroy(&mut *self.ctx) };
    }
}

/// The libvpx version string, e.g. `"v1.12.0"`.
pub(crate) fn version() -> &'static str {
    // SAFETY: libvpx returns a pointer to a static NUL-terminated string.
    let ptr = unsafe { sys::vpx_codec_version_str() };
    if ptr.is_null() {
        return "";
    }
    // SAFETY: non-null, static and NUL-terminated as above.
    unsafe { core::ffi::CStr::from_ptr(ptr) }.to_str().unwrap_or("")
}
