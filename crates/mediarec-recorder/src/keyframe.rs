//! When to ask a video encoder for a key frame (spec A.5 step 12, A.19).

use mediarec_core::Duration;

/// With neither option set, a key frame every this many frames (a common browser choice).
pub const DEFAULT_KEYFRAME_INTERVAL_FRAMES: u32 = 100;

/// Counts frames and time since the last key frame the encoder really produced, and asks
/// for the next one at most once until it is seen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyframePolicy {
    every_frames: Option<u32>,
    every: Option<Duration>,
    frames_since: u32,
    last_key: Option<Duration>,
    requested: bool,
    /// The next frame must be a key frame (a self-contained blob starts).
    force: bool,
}

impl KeyframePolicy {
    pub(crate) fn new(duration_ms: Option<f64>, count: Option<u32>) -> Self {
        let every = duration_ms.map(|ms| {
            let us = if ms.is_finite() && ms > 0.0 { ms * 1_000.0 } else { 0.0 };
            Duration::from_micros(us as u64)
        });
        let every_frames = match (every, count) {
            (None, None) => Some(DEFAULT_KEYFRAME_INTERVAL_FRAMES),
            (_, c) => c,
        };
        KeyframePolicy {
            every_frames,
            every,
            frames_since: 0,
            last_key: None,
            requested: false,
            force: false,
        }
    }

    /// Makes the next frame a key frame, whatever the counters say.
    pub(crate) fn force_next(&mut self) {
        self.force = true;
    }

    /// Should the frame at `ts` be forced to a key frame?
    pub(crate) fn on_frame(&mut self, ts: Duration) -> bool {
        if core::mem::take(&mut self.force) {
            self.frames_since = self.frames_since.saturating_add(1);
            self.requested = true;
            return true;
        }
        let due = match self.last_key {
            None => true,
            Some(last) => {
                self.every_frames.is_some_and(|n| self.frames_since >= n)
                    || self.every.is_some_and(|d| ts.saturating_sub(last) >= d)
            }
        };
        self.frames_since = self.frames_since.saturating_add(1);
        if due && !self.requested {
            self.requested = true;
            true
        } else {
            false
        }
    }

    /// The encoder produced a packet; a key frame resets the counters.
    pub(crate) fn on_packet(&mut self, keyframe: bool, ts: Duration) {
        if keyframe {
            self.frames_since = 0;
            self.last_key = Some(ts);
            self.requested = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut p: KeyframePolicy, frames: u32, fps: u64) -> u32 {
        let mut keys = 0;
        for i in 0..frames {
            let ts = Duration::from_micros(i as u64 * 1_000_000 / fps);
            let k = p.on_frame(ts);
            p.on_packet(k, ts);
            keys += k as u32;
        }
        keys
    }

    #[test]
    fn count_and_duration_give_the_same_cadence() {
        assert_eq!(run(KeyframePolicy::new(None, Some(30)), 120, 30), 4);
        assert_eq!(run(KeyframePolicy::new(Some(1000.0), None), 120, 30), 4);
    }

    #[test]
    fn default_is_every_hundred_frames() {
        assert_eq!(run(KeyframePolicy::new(None, None), 300, 30), 3);
    }

    #[test]
    fn asks_once_until_the_encoder_delivers() {
        let mut p = KeyframePolicy::new(None, Some(1));
        assert!(p.on_frame(Duration::ZERO));
        assert!(!p.on_frame(Duration::from_millis(33)));
        p.on_packet(true, Duration::from_millis(33));
        p.on_frame(Duration::from_millis(66));
        assert!(p.on_frame(Duration::from_millis(99)));
    }
}
