//! `cargo xtask capture`: the real-capture tests, against a private PulseAudio server whose
//! default source is a 440 Hz sine (no sound card needed).
//!
//! Tests that kill the server (device loss) run last, each against a fresh server.
//! The server runs with its own `XDG_RUNTIME_DIR`, so it neither sees nor disturbs a user's
//! session, and is stopped by its PID afterwards — also when a test fails. The tests are
//! told the server is there through `MEDIAREC_PULSE_TESTS=1`; with it set they fail,
//! rather than skip, when no device is found.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{Result, capture, cargo, display, run_cmd};

/// Tells the device tests that a server with the 440 Hz test source is running.
pub const GATE: &str = "MEDIAREC_PULSE_TESTS";
/// Allows the test that kills the server (it runs last).
pub const KILL_GATE: &str = "MEDIAREC_PULSE_KILL_TESTS";

/// The modules the server loads: clients over a socket without a cookie, the test
/// microphone, and a sink so that nothing tries a sound card.
const MODULES: &[&str] = &[
    "module-native-protocol-unix auth-anonymous=1",
    "module-sine-source source_name=testmic rate=48000 frequency=440",
    "module-null-sink sink_name=nullsink",
];

/// The test runs that share one server.
const SHARED_RUNS: &[&[&str]] = &[
    &["test", "-p", "mediarec-capture-cpal", "--test", "pulse"],
    &["test", "-p", "mediarec", "--lib", "capture::"],
];

/// The test runs that kill the server mid-capture; each gets a server of its own.
const KILLING_RUNS: &[&[&str]] = &[
    &["test", "-p", "mediarec-capture-cpal", "--test", "pulse_loss"],
    &["test", "-p", "mediarec", "--lib", "capture::tests::losing_the_microphone"],
];

pub fn run() -> Result {
    let server = Server::start()?;
    for args in SHARED_RUNS {
        let mut cmd = cargo(args);
        server.environment(&mut cmd);
        run_cmd(&mut cmd)?;
    }
    server.stop()?;
    for args in KILLING_RUNS {
        let server = Server::start()?;
        let mut cmd = cargo(args);
        server.environment(&mut cmd);
        cmd.env(KILL_GATE, "1");
        run_cmd(&mut cmd)?;
        server.stop()?;
    }
    Ok(())
}

/// A PulseAudio daemon of our own; dropping it stops it.
struct Server {
    dir: PathBuf,
    pid: Option<u32>,
}

impl Server {
    fn start() -> Result<Server> {
        capture(Command::new("pulseaudio").arg("--version")).map_err(|e| {
            format!("pulseaudio is not usable ({e}); `cargo xtask setup` installs it")
        })?;
        let dir = std::env::temp_dir().join(format!("mediarec-pulse-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        restrict(&dir)?;
        // From here on, dropping `server` cleans up whatever got started.
        let mut server = Server { dir, pid: None };
        let mut daemon = Command::new("pulseaudio");
        daemon.args(daemon_args(&server.dir));
        server.environment(&mut daemon);
        run_cmd(&mut daemon)?;
        server.pid = read_pid(&server.dir.join("pulse").join("pid"));
        server.wait_until_ready()?;
        let mut default = Command::new("pactl");
        default.args(["set-default-source", "testmic"]);
        server.environment(&mut default);
        run_cmd(&mut default)?;
        match server.pid {
            Some(pid) => {
                println!("capture: PulseAudio runs as PID {pid} in {}", server.dir.display())
            }
            None => return Err("PulseAudio started but wrote no PID file".into()),
        }
        Ok(server)
    }

    /// Points a client at this server (and at no other).
    fn environment(&self, cmd: &mut Command) {
        cmd.env("XDG_RUNTIME_DIR", &self.dir).env_remove("PULSE_SERVER").env(GATE, "1");
    }

    fn wait_until_ready(&self) -> Result {
        let started = Instant::now();
        loop {
            let mut info = Command::new("pactl");
            info.arg("info");
            self.environment(&mut info);
            match capture(&mut info) {
                Ok(_) => return Ok(()),
                Err(e) if started.elapsed() > Duration::from_secs(15) => {
                    return Err(format!("PulseAudio did not answer within 15 s: {e}"));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Stops the daemon by PID: TERM, then KILL after 5 s.
    fn stop(mut self) -> Result {
        let outcome = self.shutdown();
        outcome.map_err(|e| format!("stopping PulseAudio: {e}"))
    }

    fn shutdown(&mut self) -> Result {
        let Some(pid) = self.pid.take() else {
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(());
        };
        let pid_arg = pid.to_string();
        if alive(pid) {
            let mut term = Command::new("kill");
            term.args(["-TERM", &pid_arg]);
            println!("$ {}", display(&term));
            let _ = capture(&mut term);
            let asked = Instant::now();
            while alive(pid) && asked.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(50));
            }
            if alive(pid) {
                let _ = capture(Command::new("kill").args(["-KILL", &pid_arg]));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if alive(pid) { Err(format!("PID {pid} is still running")) } else { Ok(()) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            eprintln!("capture: {e}");
        }
    }
}

/// The command line of recipe B.2: a daemon that never exits on idle, logs to a file in
/// `dir`, writes a PID file, and loads only [`MODULES`] (`-n`: no default script, so no
/// sound card is probed).
fn daemon_args(dir: &Path) -> Vec<String> {
    let mut args: Vec<String> =
        ["--daemonize=yes", "--exit-idle-time=-1", "-n", "--use-pid-file=yes"]
            .map(String::from)
            .to_vec();
    args.push(format!("--log-target=file:{}", dir.join("pulse.log").display()));
    args.extend(MODULES.iter().map(|m| format!("--load={m}")));
    args
}

fn read_pid(file: &Path) -> Option<u32> {
    std::fs::read_to_string(file).ok()?.trim().parse().ok()
}

/// True while process `pid` exists (and is not a zombie).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => {
            stat.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
        }
        Err(_) => false,
    }
}

/// PulseAudio refuses a runtime directory others can read.
fn restrict(dir: &Path) -> Result {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("cannot restrict {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daemon_follows_the_recipe() {
        let args = daemon_args(Path::new("/run/x"));
        assert_eq!(
            args[..4],
            ["--daemonize=yes", "--exit-idle-time=-1", "-n", "--use-pid-file=yes"]
        );
        assert_eq!(args[4], "--log-target=file:/run/x/pulse.log");
        assert!(args.contains(
            &"--load=module-sine-source source_name=testmic rate=48000 frequency=440".to_string()
        ));
        assert_eq!(args.len(), 4 + 1 + MODULES.len());
    }

    #[test]
    fn killing_tests_are_kept_apart() {
        assert!(SHARED_RUNS.iter().all(|args| !args.contains(&"pulse_loss")));
        assert!(KILLING_RUNS.iter().all(|args| args.contains(&"pulse_loss")
            || args.iter().any(|a| a.starts_with("capture::tests::losing"))));
    }

    #[test]
    fn liveness_comes_from_proc() {
        assert!(alive(std::process::id()));
        assert!(!alive(u32::MAX));
        assert_eq!(read_pid(Path::new("/nonexistent/pid")), None);
    }
}
