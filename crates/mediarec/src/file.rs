//! WAV files as audio inputs.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use mediarec_core::{AudioParams, Duration};

use crate::input::{AudioInput, Chunk, InputFailure};

/// A WAV file as a track. Read as fast as the recorder takes it (like ffmpeg reading a
/// file), or at real-time pace (like a playing `<audio>` element). The end of the file ends
/// the track.
///
/// ```no_run
/// use mediarec::{AudioInput, WavInput};
/// let wav = WavInput::open("in.wav", false)?;
/// println!("{} Hz, {} channels", wav.params().sample_rate, wav.params().channels);
/// # Ok::<(), mediarec::InputFailure>(())
/// ```
pub struct WavInput {
    reader: Source,
    params: AudioParams,
    label: String,
    realtime: bool,
    format: hound::SampleFormat,
    bits: u16,
    read_frames: u64,
    /// Sample frames in the file, as its header says.
    frames: u64,
}

impl WavInput {
    /// Opens `path`; fails with a clear message when it is not a WAV file this build reads.
    pub fn open(path: impl AsRef<Path>, realtime: bool) -> Result<Self, InputFailure> {
        let path = path.as_ref();
        let reader = hound::WavReader::open(path).map_err(|e| {
            InputFailure(format!("{}: not a readable WAV file ({e})", path.display()))
        })?;
        let spec = reader.spec();
        let frames = u64::from(reader.duration());
        let reader = if spec.sample_format == hound::SampleFormat::Int && spec.bits_per_sample == 16
        {
            let left = u64::from(reader.len());
            Source::Raw { reader: reader.into_inner(), left, bytes: Vec::new() }
        } else {
            Source::Hound(reader)
        };
        if spec.channels == 0 || spec.sample_rate == 0 {
            return Err(InputFailure(format!("{}: WAV header has no audio", path.display())));
        }
        let label = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        Ok(WavInput {
            params: AudioParams { sample_rate: spec.sample_rate, channels: spec.channels },
            label,
            realtime,
            format: spec.sample_format,
            bits: spec.bits_per_sample,
            reader,
            frames,
            read_frames: 0,
        })
    }

    /// Sample frames in the file, as its header says.
    pub fn len_frames(&self) -> u64 {
        self.frames
    }
}

impl AudioInput for WavInput {
    fn params(&self) -> AudioParams {
        self.params
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn read(&mut self, elapsed: Duration, out: &mut [f32]) -> Result<Option<Chunk>, InputFailure> {
        let channels = usize::from(self.params.channels);
        let mut frames = out.len() / channels;
        if self.realtime {
            let due = elapsed.as_samples(self.params.sample_rate).saturating_sub(self.read_frames);
            frames = frames.min(usize::try_from(due).unwrap_or(usize::MAX));
        }
        let timestamp = Duration::from_samples(self.read_frames, self.params.sample_rate);
        let wanted = frames * channels;
        let mut n = 0;
        let fail = |e: hound::Error| InputFailure(format!("reading {}: {e}", self.label));
        let reader = match &mut self.reader {
            Source::Raw { reader, left, bytes } => {
                let want = wanted.min(usize::try_from(*left).unwrap_or(usize::MAX));
                bytes.resize(want * 2, 0);
                let mut got = 0;
                while got < bytes.len() {
                    match reader.read(&mut bytes[got..]) {
                        Ok(0) => break,
                        Ok(k) => got += k,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(InputFailure(format!("reading {}: {e}", self.label))),
                    }
                }
                for (o, b) in out.iter_mut().zip(bytes[..got / 2 * 2].chunks_exact(2)) {
                    *o = f32::from(i16::from_le_bytes([b[0], b[1]])) * (1.0 / 32768.0);
                }
                n = got / 2;
                *left -= n as u64;
                None
            }
            Source::Hound(r) => Some(r),
        };
        match (self.format, reader) {
            (_, None) => {}
            (hound::SampleFormat::Float, Some(reader)) => {
                for s in reader.samples::<f32>().take(wanted) {
                    out[n] = s.map_err(fail)?;
                    n += 1;
                }
            }
            (hound::SampleFormat::Int, Some(reader)) => {
                let scale = 1.0 / (1u64 << (self.bits.clamp(1, 32) - 1)) as f32;
                for s in reader.samples::<i32>().take(wanted) {
                    out[n] = s.map_err(fail)? as f32 * scale;
                    n += 1;
                }
            }
        }
        let got = n / channels;
        if got == 0 && frames > 0 {
            return Ok(None);
        }
        self.read_frames += got as u64;
        Ok(Some(Chunk { frames: got, timestamp }))
    }
}

/// Where samples come from: 16-bit PCM is read in blocks and converted in one loop (hound's
/// sample iterator costs ~8 ns a sample); other formats go through hound.
enum Source {
    Hound(hound::WavReader<BufReader<File>>),
    Raw {
        reader: BufReader<File>,
        /// Samples (all channels) left in the data chunk.
        left: u64,
        /// Reused byte buffer (grows once to the largest read).
        bytes: Vec<u8>,
    },
}
