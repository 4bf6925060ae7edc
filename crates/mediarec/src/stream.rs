//! The stream a recorder records: its tracks and where their media comes from.

use crate::input::AudioInput;

/// A `MediaStream` of audio tracks, each fed by an [`AudioInput`].
///
/// ```
/// use mediarec::{MediaStream, SynthInput};
/// use mediarec_source_synth::Tone;
/// let s = MediaStream::with_audio(SynthInput::new(Tone::new(440.0, 48_000, 1), "tone"));
/// assert_eq!(s.audio_labels(), ["tone"]);
/// ```
#[derive(Default)]
pub struct MediaStream {
    inputs: Vec<Box<dyn AudioInput>>,
}

impl MediaStream {
    /// A stream without tracks.
    pub fn new() -> Self {
        Self::default()
    }

    /// A stream with one audio track.
    pub fn with_audio(input: impl AudioInput + 'static) -> Self {
        let mut s = Self::new();
        s.add_audio(Box::new(input));
        s
    }

    /// Adds an audio track (`addTrack`).
    pub fn add_audio(&mut self, input: Box<dyn AudioInput>) {
        self.inputs.push(input);
    }

    /// The labels of the audio tracks.
    pub fn audio_labels(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.label()).collect()
    }

    /// The inputs, to move into another stream or a recorder.
    pub fn into_inputs(self) -> Vec<Box<dyn AudioInput>> {
        self.inputs
    }
}
