//! `mediarec-recorder` (with `mediarec-codec-pcm` and `mediarec-source-synth`): 200 ms of
//! a 1 kHz tone recorded as PCM in WebM through the sans-IO recorder, in stack buffers.

use mediarec_codec_pcm::PcmFormat;
use mediarec_core::{AudioParams, Duration, Instant, TrackId};
use mediarec_pcm_webm::PcmWebm;
use mediarec_recorder::{
    Output, Recorder, RecorderEvent, RecorderOptions, RecordingState, TrackDesc, TrackFormat,
};
use mediarec_source_synth::{AudioSource, Tone};

/// 16-bit PCM in WebM with 2 KiB packets and 16 cue points.
type Small = PcmWebm<2048, 16>;

use crate::ensure;

pub fn run() -> Result<(), &'static str> {
    let mic = TrackDesc {
        id: TrackId(1),
        format: TrackFormat::Audio(AudioParams { sample_rate: 16_000, channels: 1 }),
        live: true,
    };
    let (mut ring, mut packet) = ([0u8; 8 * 1024], [0u8; 2048]);
    let opts = RecorderOptions { seekable: true, ..RecorderOptions::default() };
    let mut rec = Recorder::new(
        Small { default_format: PcmFormat::S16 },
        &[mic],
        &opts,
        &mut ring,
        &mut packet,
    )
    .map_err(|_| "construct the recorder")?;
    let mut file = [0u8; 16 * 1024];
    let mut len = 0usize;
    let mut events = [None; 4];
    let mut n_events = 0;
    let mut out = [0u8; 512];
    let mut drain = |rec: &mut Recorder<'_, Small>| -> Result<(), &'static str> {
        loop {
            match rec.poll_output(&mut out) {
                Output::Bytes(n) | Output::FileOnly(n) => {
                    file.get_mut(len..len + n).ok_or("file buffer")?.copy_from_slice(&out[..n]);
                    len += n;
                }
                Output::Patch { offset, n } => {
                    let at = offset as usize;
                    file.get_mut(at..at + n).ok_or("patch offset")?.copy_from_slice(&out[..n]);
                    len = len.max(at + n);
                }
                Output::BlobOnly(_) => {}
                Output::Event(e) => {
                    *events.get_mut(n_events).ok_or("too many events")? = Some(e);
                    n_events += 1;
                }
                Output::Wait(_) => return Ok(()),
            }
        }
    };
    let t0 = Instant::from_micros(0);
    rec.start(t0, None).map_err(|_| "start")?;
    let mut tone = Tone::new(1000.0, 16_000, 1);
    let mut samples = [0f32; 160];
    for i in 0..20u64 {
        let frame = tone.fill_frame(&mut samples);
        let now = t0 + Duration::from_millis(10 * (i + 1));
        let taken = rec.handle_audio(now, TrackId(1), &frame).map_err(|_| "handle audio")?;
        ensure(taken == 160, "a frame was not taken whole")?;
        drain(&mut rec)?;
    }
    rec.stop(t0 + Duration::from_millis(200));
    drain(&mut rec)?;
    ensure(rec.state() == RecordingState::Inactive, "still recording after stop")?;
    ensure(rec.is_idle(), "output left after stop")?;
    ensure(
        events[..n_events]
            == [
                Some(RecorderEvent::Start),
                Some(RecorderEvent::DataAvailable { timecode: Duration::ZERO }),
                Some(RecorderEvent::Stop),
            ],
        "events are not start, dataavailable, stop",
    )?;
    ensure(file.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]), "no EBML header")?;
    // 200 ms of 16-bit mono at 16 kHz is 6400 bytes of samples, plus the container.
    ensure(len > 6400 && len < 8 * 1024, "unexpected file size")?;
    Ok(())
}
