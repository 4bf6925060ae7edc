//! Video inputs: where a video track's pictures come from.

use mediarec_core::{Duration, VideoFrame, VideoParams};
use mediarec_source_synth::Pattern;

use crate::input::InputFailure;

/// What a video input had for the worker.
pub enum VideoRead<'a> {
    /// A picture, drawn into the caller's buffer.
    Frame(VideoFrame<'a>),
    /// Nothing due yet.
    NotYet,
    /// The input has ended (the track ends).
    Ended,
}

/// A source of pictures for one video track, read by the recorder's worker thread.
pub trait VideoInput: Send {
    /// Size and nominal rate.
    fn params(&self) -> VideoParams;
    /// A name for people (`MediaStreamTrack.label`).
    fn label(&self) -> String;
    /// Bytes one picture needs in the buffer given to [`VideoInput::read`].
    fn frame_len(&self) -> usize;
    /// Draws the next picture if it is due when `elapsed` has passed since capture began.
    fn read<'a>(
        &mut self,
        elapsed: Duration,
        buf: &'a mut [u8],
    ) -> Result<VideoRead<'a>, InputFailure>;
    /// Asks for one picture now, like `CanvasCaptureMediaStreamTrack.requestFrame()`;
    /// false when the input delivers at a fixed rate instead.
    fn request_frame(&mut self, at: Duration) -> bool {
        let _ = at;
        false
    }
}

/// The moving test pattern as a camera, like `canvas.captureStream(fps)`: a frame counter
/// and a white flash at every whole second (to measure A/V sync against a beep).
///
/// ```
/// use mediarec::{PatternInput, VideoInput, VideoRead};
/// use mediarec_core::Duration;
/// let mut cam = PatternInput::new(64, 48, 30);
/// let mut buf = vec![0u8; cam.frame_len()];
/// assert!(matches!(cam.read(Duration::ZERO, &mut buf), Ok(VideoRead::Frame(_))));
/// assert!(matches!(cam.read(Duration::from_millis(10), &mut buf), Ok(VideoRead::NotYet)));
/// ```
pub struct PatternInput {
    pattern: Pattern,
}

impl PatternInput {
    /// A `width` × `height` pattern at `fps` frames per second (0: frames on request).
    pub fn new(width: u32, height: u32, fps: u32) -> Self {
        PatternInput { pattern: Pattern::new(width, height, fps) }
    }
}

impl VideoInput for PatternInput {
    fn params(&self) -> VideoParams {
        VideoParams {
            width: self.pattern.width(),
            height: self.pattern.height(),
            frame_rate: self.pattern.fps(),
        }
    }

    fn label(&self) -> String {
        format!(
            "test pattern {}x{}@{}",
            self.pattern.width(),
            self.pattern.height(),
            self.pattern.fps()
        )
    }

    fn frame_len(&self) -> usize {
        self.pattern.i420_len().unwrap_or(0)
    }

    fn read<'a>(
        &mut self,
        elapsed: Duration,
        buf: &'a mut [u8],
    ) -> Result<VideoRead<'a>, InputFailure> {
        if !self.pattern.is_due(elapsed) {
            return Ok(VideoRead::NotYet);
        }
        self.pattern
            .frame_i420(buf)
            .map(VideoRead::Frame)
            .map_err(|e| InputFailure(format!("test pattern: {e:?}")))
    }

    fn request_frame(&mut self, at: Duration) -> bool {
        self.pattern.request_frame(at)
    }
}
