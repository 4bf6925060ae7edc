//! The stream a recorder records: its tracks and where their media comes from.

use crate::input::AudioInput;
use crate::video::VideoInput;

/// The audio inputs of a stream, in track order.
pub type AudioInputs = Vec<Box<dyn AudioInput>>;
/// The video inputs of a stream, in track order.
pub type VideoInputs = Vec<Box<dyn VideoInput>>;

/// A `MediaStream`: audio tracks fed by [`AudioInput`]s and video tracks fed by
/// [`VideoInput`]s.
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
    video: Vec<Box<dyn VideoInput>>,
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

    /// Adds a video track (`addTrack`).
    pub fn add_video(&mut self, input: Box<dyn VideoInput>) {
        self.video.push(input);
    }

    /// Moves the tracks of `other` into this stream.
    pub fn extend(&mut self, other: MediaStream) {
        self.inputs.extend(other.inputs);
        self.video.extend(other.video);
    }

    /// True when the stream has a video track.
    pub fn has_video(&self) -> bool {
        !self.video.is_empty()
    }

    /// True when the stream has an audio track.
    pub fn has_audio(&self) -> bool {
        !self.inputs.is_empty()
    }

    /// The labels of the audio tracks.
    pub fn audio_labels(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.label()).collect()
    }

    /// The audio and video inputs, to move into a recorder.
    pub fn into_parts(self) -> (AudioInputs, VideoInputs) {
        (self.inputs, self.video)
    }
}
