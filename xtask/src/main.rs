//! Project automation for mediarec: `cargo xtask <task>`.
//!
//! It depends on `std` only, so it compiles on a machine that has nothing but a Rust
//! toolchain and can then install everything else (`setup`). Every command it runs is
//! printed first, so any step can be rerun by hand.

mod ci;
mod compare;
mod demo;
mod firmware;
mod nostd;
mod pulse;
mod setup;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup [--ci]  install the missing Debian packages (build dependencies, media tools for the
                tests, PulseAudio for capture tests); --ci also adds the Rust tools CI uses:
                the thumbv7em-none-eabihf target, nightly with rust-src, cargo-fuzz
  ci            setup --ci, then every check CI runs: fmt, clippy, test, doc, nostd,
                fuzz build, bench build
  nostd         build and run the no_std check binary; build the no_std crates for
                thumbv7em-none-eabihf when that target can be installed
  capture       start a private PulseAudio server with a 440 Hz test microphone, run the
                real-capture tests against it, stop it
  firmware [--out FILE]
                build examples/firmware for the Cortex-M4, run it in qemu-system-arm, copy
                the WebM it records to FILE (default target/firmware/fw.webm), check it
                and report flash and RAM use
  demo          setup, build the CLI, record 5 s to demo.webm and inspect it
  compare [--runs N] [--streams] [--dir DIR]
                time mediarec against ffmpeg, GStreamer, opusenc and libopus alone on a
                10-minute WAV (sox), and `mediarec fix` against `ffmpeg -c copy` on a
                500+ MB file; --streams: real-time Opus streams per core. Writes
                target/compare.json (needs sox, ffmpeg, GNU time)
";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Setup { ci: bool },
    Ci,
    Nostd,
    Demo,
    Capture,
    Firmware { out: Option<PathBuf> },
    Compare(Vec<String>),
    Help,
}

/// The failure of a task: a message for the user.
type Result<T = ()> = std::result::Result<T, String>;

fn parse_args(args: &[String]) -> Result<Task> {
    let Some((task, mut rest)) = args.split_first() else {
        return Err("no task given".into());
    };
    let task = match task.as_str() {
        "help" | "-h" | "--help" => Task::Help,
        "setup" => match rest.split_first() {
            Some((flag, tail)) if flag == "--ci" => {
                rest = tail;
                Task::Setup { ci: true }
            }
            _ => Task::Setup { ci: false },
        },
        "ci" => Task::Ci,
        "nostd" => Task::Nostd,
        "demo" => Task::Demo,
        "capture" => Task::Capture,
        "firmware" => match rest {
            [flag, file, tail @ ..] if flag == "--out" => {
                rest = tail;
                Task::Firmware { out: Some(PathBuf::from(file)) }
            }
            [flag] if flag == "--out" => return Err("--out needs a file name".into()),
            _ => Task::Firmware { out: None },
        },
        "compare" => Task::Compare(std::mem::take(&mut rest).to_vec()),
        other => return Err(format!("unknown task `{other}`")),
    };
    match rest.first() {
        None => Ok(task),
        Some(arg) => Err(format!("unexpected argument `{arg}`")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = match parse_args(&args) {
        Ok(task) => task,
        Err(message) => {
            eprintln!("xtask: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = match task {
        Task::Help => {
            print!("{USAGE}");
            Ok(())
        }
        Task::Setup { ci } => setup::run(ci),
        Task::Ci => ci::run(),
        Task::Nostd => nostd::run(),
        Task::Demo => demo::run(),
        Task::Capture => pulse::run(),
        Task::Firmware { out } => firmware::run(out),
        Task::Compare(args) => compare::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: xtask sits one level below it.
fn root() -> &'static Path {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir)
}

/// Where cargo puts build output for a workspace whose default is `default`:
/// `CARGO_TARGET_DIR` when set (relative to the root, where every command runs), else `default`.
fn target_dir(default: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => default.to_path_buf(),
    }
}

/// `cargo` (the rustup proxy on `PATH`, so `+nightly` works) at the repository root.
fn cargo<S: AsRef<OsStr>>(args: &[S]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(root());
    cmd
}

/// Prints `cmd` and runs it with the terminal's output; fails unless it exits with 0.
fn run_cmd(cmd: &mut Command) -> Result {
    let shown = display(cmd);
    println!("$ {shown}");
    let status =
        cmd.stdin(Stdio::null()).status().map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
}

/// Runs `cmd` without showing anything; `Ok(stdout)` on success, otherwise `Err` with the
/// last line it wrote to stderr (or its exit status).
fn capture(cmd: &mut Command) -> Result<String> {
    let shown = display(cmd);
    let out =
        cmd.stdin(Stdio::null()).output().map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    match stderr.lines().rev().find(|l| !l.trim().is_empty()) {
        Some(line) => Err(format!("`{shown}`: {}", line.trim())),
        None => Err(format!("`{shown}` failed ({})", out.status)),
    }
}

/// `cmd` as a shell line a reader can paste: environment it sets, program (relative to the
/// repository root when inside it), arguments quoted where needed.
fn display(cmd: &Command) -> String {
    let mut words: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), quote(v?))))
        .collect();
    let program = Path::new(cmd.get_program());
    words.push(quote(program.strip_prefix(root()).unwrap_or(program).as_os_str()));
    words.extend(cmd.get_args().map(quote));
    words.join(" ")
}

fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_.,/:=+@%".contains(c));
    if plain { word.into_owned() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Task> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        parse_args(&args)
    }

    #[test]
    fn parses_every_task() {
        assert_eq!(parse("setup"), Ok(Task::Setup { ci: false }));
        assert_eq!(parse("setup --ci"), Ok(Task::Setup { ci: true }));
        assert_eq!(parse("ci"), Ok(Task::Ci));
        assert_eq!(parse("nostd"), Ok(Task::Nostd));
        assert_eq!(parse("demo"), Ok(Task::Demo));
        assert_eq!(parse("capture"), Ok(Task::Capture));
        assert_eq!(parse("firmware"), Ok(Task::Firmware { out: None }));
        assert_eq!(
            parse("firmware --out fw.webm"),
            Ok(Task::Firmware { out: Some(PathBuf::from("fw.webm")) })
        );
        assert_eq!(parse("--help"), Ok(Task::Help));
        assert_eq!(parse("help"), Ok(Task::Help));
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        assert_eq!(parse(""), Err("no task given".into()));
        assert_eq!(parse("deploy"), Err("unknown task `deploy`".into()));
        assert_eq!(parse("ci --ci"), Err("unexpected argument `--ci`".into()));
        assert_eq!(parse("firmware --out"), Err("--out needs a file name".into()));
        assert_eq!(parse("firmware --out a b"), Err("unexpected argument `b`".into()));
        assert_eq!(parse("setup --fast"), Err("unexpected argument `--fast`".into()));
        assert_eq!(parse("setup --ci --ci"), Err("unexpected argument `--ci`".into()));
    }

    #[test]
    fn displays_commands_as_pasteable_shell() {
        let mut cmd = cargo(&["doc", "--workspace"]);
        cmd.env("RUSTDOCFLAGS", "-Dwarnings");
        assert_eq!(display(&cmd), "RUSTDOCFLAGS=-Dwarnings cargo doc --workspace");
        let cmd = Command::new(root().join("target/debug/mediarec"));
        assert_eq!(display(&cmd), "target/debug/mediarec");
        let mut cmd = Command::new("echo");
        cmd.args(["it's", "a b", ""]);
        assert_eq!(display(&cmd), r"echo 'it'\''s' 'a b' ''");
    }

    #[test]
    fn capture_reports_the_last_stderr_line() {
        let mut ok = Command::new("sh");
        ok.args(["-c", "echo out"]);
        assert_eq!(capture(&mut ok), Ok("out\n".into()));
        let mut bad = Command::new("sh");
        bad.args(["-c", "echo first >&2; echo 'no such thing' >&2; exit 3"]);
        assert_eq!(
            capture(&mut bad),
            Err(
                "`sh -c 'echo first >&2; echo '\\''no such thing'\\'' >&2; exit 3'`: no such thing"
                    .into()
            )
        );
    }
}
