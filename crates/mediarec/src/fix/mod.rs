//! Reading any WebM/Matroska or Ogg file in bounded memory, and rewriting WebM/Matroska
//! into a seekable file.
//!
//! Browsers leave WebM files without `Duration` or `Cues` (Chromium with a timeslice),
//! with `Duration` 0 (Firefox), or cut short (a crash, a closed tab). [`fix`] reads such a
//! file once, front to back, through a fixed buffer ([`MatroskaReader`]) and writes every
//! frame again through mediarec's own WebM muxer into a [`PatchWriter`], which fills in
//! sizes, `Duration`, `Cues` and `SeekHead`. Frames keep their timestamps, keyframe flags
//! and `DiscardPadding`; a torn last element and unreadable bytes are dropped and listed in
//! the [`FixReport`].
//!
//! Packet lengths come from the Opus TOC, the PCM byte count, `BlockDuration`, or the next
//! frame of the same track (video); the last video frame gets `DefaultDuration` or the
//! frame interval before it.
//!
//! Laced blocks (several frames in one block, as mkvmerge writes for some audio) are split
//! with Xiph, fixed-size or EBML lacing; frames of a laced block whose lengths nothing
//! tells (no codec rule, no `DefaultDuration`, no `BlockDuration`) are dropped as a
//! [`Problem::BadBlock`].
//!
//! What is not carried over: `BlockAdditions` (Chromium's VP8/VP9 alpha channel),
//! `Tags`, `Chapters`, `Attachments`, and codecs the muxer does not write
//! ([`FixError::UnsupportedCodec`]).

mod buffer;
mod demux;
mod lace;
mod ogg;
mod problem;
mod remux;
mod scan;
mod sink;
mod track;

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use mediarec_core::Duration;
use mediarec_webm::DocType;

pub use demux::{Block, DocInfo, MatroskaEvent, MatroskaReader, SegmentInfo};
pub use lace::{LaceError, LacedFrames};
pub use ogg::{OggPageReader, OggStreamSummary, OggSummary, inspect_ogg};
pub use problem::{FixError, Problem};
pub use scan::{MatroskaSummary, TrackSummary, inspect_matroska};
pub use sink::PatchWriter;
pub use track::TrackEntry;

use remux::Remuxer;
use scan::Scanner;

/// Buffer sizes for [`fix_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixOptions {
    /// Input buffer in bytes (default 1 MiB).
    pub read_buffer: usize,
    /// Largest element read whole, in bytes (default 64 MiB); larger ones are skipped.
    pub max_element: usize,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            read_buffer: MatroskaReader::<&[u8]>::DEFAULT_BUFFER,
            max_element: MatroskaReader::<&[u8]>::DEFAULT_MAX_ELEMENT,
        }
    }
}

/// What [`fix`] read and wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct FixReport {
    /// The input as read: tracks, blocks, clusters, declared duration, problems.
    pub input: MatroskaSummary,
    /// `webm` or `matroska`, as in the input.
    pub doc_type: DocType,
    /// The `Duration` written: where the last frame ends, less codec delay and trimming.
    pub duration: Duration,
    /// Frames written.
    pub frames: u64,
    /// Clusters written.
    pub clusters: u64,
    /// Cue points written.
    pub cue_points: usize,
    /// Bytes written.
    pub bytes_written: u64,
}

impl FixReport {
    /// Bytes of the input left out (torn tail, garbage, trailing data, bad blocks).
    pub fn bytes_dropped(&self) -> u64 {
        self.input.bytes_dropped
    }

    /// One line for people: what was written and what was dropped.
    pub fn summary_line(&self) -> String {
        let tracks: Vec<String> =
            self.input.tracks.iter().map(|t| t.entry.codec_id.clone()).collect();
        let mut line = format!(
            "{} tracks ({}), {} frames, {} clusters, {} cue points, duration {:.3} s, {} bytes",
            self.input.tracks.len(),
            tracks.join(", "),
            self.frames,
            self.clusters,
            self.cue_points,
            self.duration.as_micros() as f64 / 1e6,
            self.bytes_written,
        );
        if self.input.bytes_dropped > 0 {
            line.push_str(&format!("; {} input bytes dropped", self.input.bytes_dropped));
        }
        let problems = self.input.problems.len() as u64 + self.input.problems_omitted;
        if problems > 0 {
            line.push_str(&format!("; {problems} problems found"));
        }
        line
    }
}

/// Rewrites the WebM/Matroska file read from `input` into a seekable one written to
/// `output` (which should be empty), with the default buffers.
///
/// ```
/// use std::io::Cursor;
/// use mediarec_core::{ByteSink, CodecConfig, CodecId, Duration, Muxer, Packet, PacketInfo, SinkError};
/// use mediarec_webm::WebmMuxer;
///
/// /// A sink that cannot patch, like a pipe: the muxer writes a live file.
/// struct Live(Vec<u8>);
/// impl ByteSink for Live {
///     fn write(&mut self, b: &[u8]) -> Result<(), SinkError> {
///         self.0.extend_from_slice(b);
///         Ok(())
///     }
///     fn position(&self) -> u64 {
///         self.0.len() as u64
///     }
/// }
///
/// let mut mux: WebmMuxer = WebmMuxer::default();
/// let track = mux.add_track(&CodecConfig::audio(CodecId::PcmS16, 8_000, 1)).unwrap();
/// let mut live = Live(Vec::new());
/// mux.write_header(&mut live).unwrap();
/// for i in 0..50u64 {
///     let info = PacketInfo { len: 320, pts: Duration::from_millis(20 * i),
///         duration: Duration::from_millis(20), keyframe: true, discard_samples: 0 };
///     mux.write_packet(track, &Packet { data: &[0; 320], info }, &mut live).unwrap();
/// }
/// // A crash: the file ends in the middle of the last block.
/// let cut = &live.0[..live.0.len() - 100];
///
/// let mut fixed = Cursor::new(Vec::new());
/// let report = mediarec::fix(cut, &mut fixed).unwrap();
/// assert_eq!(report.frames, 49);
/// assert_eq!(report.duration, Duration::from_millis(980));
/// assert!(mediarec::inspect_matroska(&fixed.get_ref()[..]).unwrap().is_seekable());
/// ```
pub fn fix<R: Read, W: Write + Seek>(input: R, output: W) -> Result<FixReport, FixError> {
    fix_with(input, output, &FixOptions::default()).map(|(report, _)| report)
}

/// [`fix`] with chosen buffer sizes; also returns the output writer.
pub fn fix_with<R: Read, W: Write + Seek>(
    input: R,
    output: W,
    options: &FixOptions,
) -> Result<(FixReport, W), FixError> {
    let mut reader = MatroskaReader::with_buffer(input, options.read_buffer, options.max_element);
    let mut scanner = Scanner::new();
    let mut output = Some(output);
    let mut remuxer: Option<Remuxer<W>> = None;
    let mut doc_type = DocType::WebM;
    while let Some(event) = reader.next_event()? {
        match &event {
            MatroskaEvent::Block(b) => {
                let Some(r) = remuxer.as_mut() else { return Err(FixError::NoTracks) };
                scanner.on_block(b, |frame| r.push(frame))?;
            }
            MatroskaEvent::Header(doc) => {
                doc_type = match doc.doc_type.as_str() {
                    "webm" => DocType::WebM,
                    "matroska" => DocType::Matroska,
                    other => return Err(FixError::UnsupportedDocType(other.to_string())),
                };
                scanner.on_event(&event);
            }
            MatroskaEvent::Cluster { .. } if remuxer.is_none() => return Err(FixError::NoTracks),
            other => {
                if scanner.on_event(other)
                    && let Some(out) = output.take()
                {
                    let tracks: Vec<TrackEntry> =
                        scanner.summary.tracks.iter().map(|t| t.entry.clone()).collect();
                    if tracks.is_empty() {
                        return Err(FixError::NoTracks);
                    }
                    remuxer = Some(Remuxer::new(doc_type, &tracks, out)?);
                }
            }
        }
    }
    let problems = reader.take_problems();
    scanner.finish(problems, reader.position(), reader.bytes_dropped());
    let Some(remuxer) = remuxer else {
        return Err(if scanner.summary.has_segment {
            FixError::NoTracks
        } else {
            FixError::NoSegment
        });
    };
    let (written, out) = remuxer.finish()?;
    let report = FixReport {
        input: scanner.summary,
        doc_type,
        duration: written.duration,
        frames: written.packets,
        clusters: written.clusters,
        cue_points: written.cue_points,
        bytes_written: written.bytes,
    };
    Ok((report, out))
}

/// [`fix`] from the file at `input` into a new file at `output`. On failure the partial
/// output is removed.
pub fn fix_file(input: &Path, output: &Path) -> Result<FixReport, FixError> {
    let src = File::open(input).map_err(FixError::Read)?;
    if let (Ok(a), Ok(b)) = (input.canonicalize(), output.canonicalize())
        && a == b
    {
        return Err(FixError::Write(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the output is the input file",
        )));
    }
    let dst = File::create(output).map_err(FixError::Write)?;
    match fix_with(src, dst, &FixOptions::default()) {
        Ok((report, file)) => {
            file.sync_all().map_err(FixError::Write)?;
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_file(output);
            Err(e)
        }
    }
}
