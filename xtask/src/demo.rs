//! `cargo xtask demo`: from a fresh checkout to a recorded, inspected file in one command.

use std::process::Command;

use crate::{Result, cargo, display, root, run_cmd, setup, target_dir};

const OUTPUT: &str = "demo.webm";

pub fn run() -> Result {
    setup::run(false)?;
    run_cmd(&mut cargo(&["build", "-p", "mediarec-cli"]))?;
    let cli = target_dir(&root().join("target")).join("debug/mediarec");
    if !cli.is_file() {
        return Err(format!(
            "`cargo build -p mediarec-cli` made no `mediarec` binary at {}",
            cli.display()
        ));
    }
    // Records the default microphone; without one the CLI falls back to a 440 Hz tone.
    let mediarec = |args: &[&str]| {
        let mut cmd = Command::new(&cli);
        cmd.args(args).current_dir(root());
        cmd
    };
    run_cmd(&mut mediarec(&["record", "--duration", "5s", OUTPUT]))?;
    run_cmd(&mut mediarec(&["inspect", OUTPUT]))?;
    let size = std::fs::metadata(root().join(OUTPUT)).map_or(0, |m| m.len());
    let cli = display(&Command::new(&cli));
    println!(
        "\ndemo: recorded {OUTPUT} ({size} bytes) at the repository root. Next:
  play it:         ffplay -autoexit {OUTPUT}   (or open it in a browser)
  check it:        ffprobe -v error -show_format -show_streams {OUTPUT}
  another source:  {cli} record --source tone:880 --duration 3s tone.webm
  all options:     {cli} --help
  all tests:       cargo xtask ci"
    );
    Ok(())
}
