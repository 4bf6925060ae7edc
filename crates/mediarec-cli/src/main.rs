//! `mediarec`: record like a browser's MediaRecorder, from the command line.
//!
//! Exit status: 0 success; 2 bad usage or bad input (the message names the spec error);
//! 1 a failure while running, after everything recorded so far was saved.

mod fix;
mod inspect;
mod record;
mod types;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Record audio like the web's MediaRecorder: WebM, Matroska or Ogg, seekable files,
/// timesliced chunks, pause and resume.
#[derive(Parser)]
#[command(name = "mediarec", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List capture devices like enumerateDevices(), synthetic sources included.
    ///
    /// Example: mediarec devices --json
    Devices(types::DevicesArgs),
    /// List what this build can record, or answer isTypeSupported for each MIME given.
    ///
    /// Example: mediarec types 'audio/webm;codecs=opus' 'audio/ogg;codecs=vp8'
    Types(types::TypesArgs),
    /// Record a stream into a file (seekable) or stdout (live).
    ///
    /// Example: mediarec record --source tone:440 --duration 5s out.webm
    Record(Box<record::RecordArgs>),
    /// Describe a recording: container, tracks, duration, index, problems.
    ///
    /// Example: mediarec inspect out.webm --json
    Inspect(inspect::InspectArgs),
    /// Rewrite a WebM/Matroska file (ours, a browser's, one cut by a crash) into a
    /// seekable one: Duration, Cues, SeekHead, known sizes; a torn tail is dropped.
    ///
    /// Example: mediarec fix chrome-recording.webm seekable.webm
    Fix(fix::FixArgs),
}

/// A failure with the exit status it deserves.
pub struct Failure {
    /// 2: bad usage or input; 1: failed while running.
    pub status: u8,
    /// What to tell the user.
    pub message: String,
}

impl Failure {
    /// Bad usage or bad input.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure { status: 2, message: message.into() }
    }
    /// A failure while running.
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure { status: 1, message: message.into() }
    }
}

/// Output piped into `head` should end the program quietly, as other command-line tools
/// do, not make `println!` panic: restore the default action for SIGPIPE, which the Rust
/// runtime sets to "ignore".
#[allow(unsafe_code)]
fn restore_sigpipe() {
    // SAFETY: called first thing in `main`, before any other thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Runs `f` with the process's stderr sent to /dev/null: the audio libraries below cpal
/// (alsa-lib and its plugins) print connection attempts there while devices are listed or
/// opened. `MEDIAREC_DEBUG=1` keeps them.
#[allow(unsafe_code)]
pub fn quiet_stderr<T>(f: impl FnOnce() -> T) -> T {
    use std::os::fd::AsRawFd;
    if std::env::var_os("MEDIAREC_DEBUG").is_some() {
        return f();
    }
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else { return f() };
    // SAFETY: dup/dup2 on the process's own stderr and a file we hold open; the saved
    // descriptor is restored and closed before returning.
    let saved = unsafe { libc::dup(libc::STDERR_FILENO) };
    if saved < 0 {
        return f();
    }
    // SAFETY: as above.
    unsafe { libc::dup2(null.as_raw_fd(), libc::STDERR_FILENO) };
    let out = f();
    // SAFETY: as above.
    unsafe {
        libc::dup2(saved, libc::STDERR_FILENO);
        libc::close(saved);
    }
    out
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Devices(a) => types::devices(&a),
        Command::Types(a) => types::types(&a),
        Command::Record(a) => record::record(*a),
        Command::Inspect(a) => inspect::inspect(&a),
        Command::Fix(a) => fix::fix(&a),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln!("mediarec: {}", f.message);
            ExitCode::from(f.status)
        }
    }
}
