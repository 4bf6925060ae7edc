//! Audio inputs: where a track's samples come from.

use mediarec_core::{AudioParams, Duration};
use mediarec_source_synth::AudioSource;

/// A chunk an input delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// Sample frames written to the caller's buffer (0: nothing ready yet).
    pub frames: usize,
    /// Capture time of the first of them, on the input's own timeline.
    pub timestamp: Duration,
}

/// Why an input stopped delivering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFailure(pub String);

impl std::fmt::Display for InputFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputFailure {}

/// A source of interleaved `f32` audio for one track, read by the recorder's worker thread.
///
/// Live inputs (a microphone, a synthetic source standing in for one) deliver what has
/// been captured by `elapsed`; file inputs deliver as fast as they are read.
pub trait AudioInput: Send {
    /// Rate and channels of what [`AudioInput::read`] delivers.
    fn params(&self) -> AudioParams;
    /// A name for people (`MediaStreamTrack.label`).
    fn label(&self) -> String;
    /// Writes up to `out.len() / channels` sample frames that are ready when `elapsed` has
    /// passed since capture began. `Ok(None)`: the input has ended (the track ends).
    fn read(&mut self, elapsed: Duration, out: &mut [f32]) -> Result<Option<Chunk>, InputFailure>;
}

/// A synthetic source paced like a device: by `elapsed`, exactly `elapsed × rate` frames
/// have been captured.
///
/// ```
/// use mediarec::{AudioInput, SynthInput};
/// use mediarec_core::Duration;
/// use mediarec_source_synth::Tone;
/// let mut tone = SynthInput::new(Tone::new(440.0, 48_000, 1), "tone");
/// let mut buf = [0.0f32; 4800];
/// let c = tone.read(Duration::from_millis(20), &mut buf).unwrap().unwrap();
/// assert_eq!(c.frames, 960);
/// let c = tone.read(Duration::from_millis(30), &mut buf).unwrap().unwrap();
/// assert_eq!((c.frames, c.timestamp), (480, Duration::from_millis(20)));
/// ```
pub struct SynthInput<S> {
    source: S,
    label: String,
    generated: u64,
}

impl<S: AudioSource + Send> SynthInput<S> {
    /// Wraps `source` under the label `label`.
    pub fn new(source: S, label: &str) -> Self {
        SynthInput { source, label: label.to_string(), generated: 0 }
    }
}

impl<S: AudioSource + Send> AudioInput for SynthInput<S> {
    fn params(&self) -> AudioParams {
        AudioParams { sample_rate: self.source.sample_rate(), channels: self.source.channels() }
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn read(&mut self, elapsed: Duration, out: &mut [f32]) -> Result<Option<Chunk>, InputFailure> {
        let channels = usize::from(self.source.channels().max(1));
        let due = elapsed.as_samples(self.source.sample_rate()).saturating_sub(self.generated);
        let frames = (out.len() / channels).min(usize::try_from(due).unwrap_or(usize::MAX));
        let timestamp = self.source.fill(&mut out[..frames * channels]);
        self.generated += frames as u64;
        Ok(Some(Chunk { frames, timestamp }))
    }
}
