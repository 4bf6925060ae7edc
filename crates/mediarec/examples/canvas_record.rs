//! The classic web example, in Rust:
//!
//! ```js
//! const stream = canvas.captureStream(25);
//! const recorder = new MediaRecorder(stream, { mimeType: "video/webm; codecs=vp9" });
//! recorder.ondataavailable = (event) => { if (event.data.size > 0) recordedChunks.push(event.data); };
//! recorder.start();
//! setTimeout(() => recorder.stop(), 9000);
//! // …then save new Blob(recordedChunks, { type: "video/webm" }) as test.webm
//! ```
//!
//! Run it with `cargo run -p mediarec --example canvas_record` (it takes 9 seconds, like the
//! original) and play `test.webm`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mediarec::{
    Destination, Event, MediaRecorder, MediaRecorderOptions, MediaStream, PatternInput,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // canvas.captureStream(25): a moving test pattern at 25 frames per second.
    let mut stream = MediaStream::new();
    stream.add_video(Box::new(PatternInput::new(640, 480, 25)));

    let options = MediaRecorderOptions {
        mime_type: "video/webm; codecs=vp9".into(),
        keep_blobs: true, // blobs carry their bytes, as on the web
        ..Default::default()
    };
    let recorder = MediaRecorder::new(stream, options, Destination::None)?;

    let recorded_chunks = Arc::new(Mutex::new(Vec::new()));
    let chunks = Arc::clone(&recorded_chunks);
    recorder.on_dataavailable(move |event| {
        if let Event::DataAvailable { data, size, .. } = event
            && *size > 0
        {
            chunks.lock().expect("no handler panics").push(data.clone());
        }
    });

    recorder.start(None)?;
    std::thread::sleep(Duration::from_secs(9));
    recorder.stop();
    for event in recorder.events() {
        if let Event::Stop = event {
            break;
        }
    }
    recorder.close()?;

    // new Blob(recordedChunks, { type: "video/webm" }), saved as test.webm.
    let blob: Vec<u8> = recorded_chunks.lock().expect("no handler panics").concat();
    std::fs::write("test.webm", &blob)?;
    println!("saved test.webm ({} bytes)", blob.len());
    Ok(())
}
