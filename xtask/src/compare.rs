//! `cargo xtask compare`: mediarec side by side with ffmpeg, GStreamer and opusenc on the
//! same 10-minute WAV, against libopus alone (the limit), and `mediarec fix` against
//! `ffmpeg -c copy` on a large file. `--streams` measures real-time Opus recordings per
//! core instead.
//!
//! Every command is timed as a whole process with GNU time (`/usr/bin/time -f '%e %U %S
//! %M'`: wall, user, system, peak RSS), each one N times in alternation (A B C … A B C …)
//! so that the machine's other load hits all of them alike. Figures are medians; the
//! ratios to mediarec are medians of the per-round ratios.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{Result, cargo, display, root, run_cmd, target_dir};

const SECONDS: u32 = 600;
const RATE: u32 = 48_000;

/// What `cargo xtask compare …` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Timed runs of each command.
    pub runs: usize,
    /// Measure real-time streams per core instead of the side-by-side table.
    pub streams: bool,
    /// Where the inputs and outputs go (kept); default: a temporary directory, removed.
    pub dir: Option<PathBuf>,
}

pub fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options { runs: 5, streams: false, dir: None };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--streams" => o.streams = true,
            "--runs" => {
                o.runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n: &usize| n > 0)
                    .ok_or("--runs needs a positive number")?;
            }
            "--dir" => o.dir = Some(PathBuf::from(it.next().ok_or("--dir needs a directory")?)),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(o)
}

/// One timed run.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    wall: f64,
    cpu: f64,
    rss_mib: f64,
}

/// A command under test.
struct Tool {
    name: &'static str,
    program: OsString,
    args: Vec<OsString>,
    output: Option<PathBuf>,
    samples: Vec<Sample>,
    /// What the last run printed.
    stdout: String,
}

impl Tool {
    fn new(name: &'static str, program: impl Into<OsString>, args: &[&dyn AsRefOs]) -> Self {
        Tool {
            name,
            program: program.into(),
            args: args.iter().map(|a| a.os()).collect(),
            output: None,
            samples: Vec::new(),
            stdout: String::new(),
        }
    }

    fn writes(mut self, path: &Path) -> Self {
        self.output = Some(path.to_path_buf());
        self
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args);
        c
    }

    fn median(&self, f: impl Fn(&Sample) -> f64) -> f64 {
        median(self.samples.iter().map(f).collect())
    }
}

/// Arguments as `OsString`s whatever their type (paths and strings side by side).
trait AsRefOs {
    fn os(&self) -> OsString;
}
impl AsRefOs for &str {
    fn os(&self) -> OsString {
        OsString::from(self)
    }
}
impl AsRefOs for PathBuf {
    fn os(&self) -> OsString {
        self.as_os_str().to_os_string()
    }
}
impl AsRefOs for String {
    fn os(&self) -> OsString {
        OsString::from(self)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Median over rounds of `a[i] / b[i]`.
fn paired(a: &Tool, b: &Tool, f: impl Fn(&Sample) -> f64) -> f64 {
    median(a.samples.iter().zip(&b.samples).map(|(x, y)| f(x) / f(y)).collect())
}

/// Runs `cmd` under GNU time; returns the figures and what it printed on stdout (the last
/// stderr line is shown when it fails).
fn timed(cmd: &Command, log: &Path) -> Result<(Sample, String)> {
    let mut t = Command::new("/usr/bin/time");
    t.args(["-f", "%e %U %S %M", "-o"]).arg(log).arg(cmd.get_program()).args(cmd.get_args());
    let out = t
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start /usr/bin/time (apt-get install time): {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!("`{}` failed: {}", display(cmd), last.trim()));
    }
    let text =
        std::fs::read_to_string(log).map_err(|e| format!("reading {}: {e}", log.display()))?;
    let f: Vec<f64> = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match f[..] {
        [wall, user, sys, rss_kib] => Ok((
            Sample { wall, cpu: user + sys, rss_mib: rss_kib / 1024.0 },
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )),
        _ => Err(format!("cannot read GNU time's output: {text:?}")),
    }
}

/// Times every tool `runs` times, in alternation.
fn rounds(tools: &mut [Tool], runs: usize, log: &Path) -> Result {
    for round in 1..=runs {
        print!("  round {round}/{runs}:");
        for t in tools.iter_mut() {
            let (s, stdout) = timed(&t.command(), log)?;
            t.stdout = stdout;
            print!(" {} {:.2}s", t.name.split_whitespace().next().unwrap_or(""), s.wall);
            std::io::Write::flush(&mut std::io::stdout()).ok();
            t.samples.push(s);
        }
        println!();
    }
    Ok(())
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn output_of(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", display(cmd)))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!("`{}` failed: {}", display(cmd), err.lines().last().unwrap_or("").trim()))
    }
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Reads `path` once so that every timed run finds it in the page cache.
fn warm(path: &Path) {
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = std::io::copy(&mut f, &mut std::io::sink());
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The built binaries.
struct Bins {
    mediarec: PathBuf,
    limit: PathBuf,
}

fn build() -> Result<Bins> {
    run_cmd(&mut cargo(&["build", "--release", "-p", "mediarec-cli"]))?;
    run_cmd(&mut cargo(&["build", "--release", "-p", "mediarec-benches", "--bin", "opus-limit"]))?;
    let dir = target_dir(&root().join("target")).join("release");
    let bins = Bins { mediarec: dir.join("mediarec"), limit: dir.join("opus-limit") };
    for b in [&bins.mediarec, &bins.limit] {
        if !b.is_file() {
            return Err(format!("the build made no {}", b.display()));
        }
    }
    Ok(bins)
}

/// The 10-minute input: pink noise, a 440 Hz tone and a 50 Hz → 12 kHz sweep, at −3 dBFS
/// peak; `sox -R` makes it byte-identical every time.
fn make_wav(dir: &Path) -> Result<PathBuf> {
    let wav = dir.join("in-10min-48k-stereo.wav");
    let expected = 44 + u64::from(SECONDS) * u64::from(RATE) * 4;
    if size(&wav) != expected {
        let secs = SECONDS.to_string();
        run_cmd(
            Command::new("sox")
                .args(["-R", "-n", "-r", "48000", "-c", "2", "-b", "16"])
                .arg(&wav)
                .args(["synth", &secs, "pinknoise", "synth", &secs, "sine", "mix", "440"])
                .args(["synth", &secs, "sine", "mix", "50:12000", "gain", "-n", "-3"]),
        )?;
    }
    if size(&wav) != expected {
        return Err(format!("sox made {} bytes, not {expected}", size(&wav)));
    }
    Ok(wav)
}

/// The results, as JSON text, built up as the sections run.
#[derive(Default)]
struct Report {
    sections: Vec<String>,
}

impl Report {
    fn add(&mut self, key: &str, value: String) {
        self.sections.push(format!("  \"{key}\": {value}"));
    }

    fn write(&self, path: &Path) -> Result {
        let text = format!("{{\n{}\n}}\n", self.sections.join(",\n"));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn num(v: f64) -> String {
    if v.is_finite() { format!("{v:.4}") } else { "null".into() }
}

fn tool_json(t: &Tool, reference: &Tool) -> String {
    let walls: Vec<String> = t.samples.iter().map(|s| num(s.wall)).collect();
    format!(
        "{{\"name\": {}, \"command\": {}, \"wall_s\": {}, \"cpu_s\": {}, \"peak_rss_mib\": {}, \
         \"wall_vs_mediarec\": {}, \"cpu_vs_mediarec\": {}, \"output_bytes\": {}, \"walls\": [{}]}}",
        json_str(t.name),
        json_str(&display(&t.command())),
        num(t.median(|s| s.wall)),
        num(t.median(|s| s.cpu)),
        num(t.median(|s| s.rss_mib)),
        num(paired(t, reference, |s| s.wall)),
        num(paired(t, reference, |s| s.cpu)),
        t.output.as_deref().map_or(0, size),
        walls.join(", ")
    )
}

fn print_table(title: &str, tools: &[Tool], reference: &Tool) {
    println!("\n{title}");
    println!(
        "  {:<34} {:>7} {:>6} {:>7} {:>6} {:>9} {:>6} {:>10}",
        "", "wall s", "×", "cpu s", "×", "peak MiB", "×", "output MB"
    );
    for t in tools {
        let out = t.output.as_deref().map(size).filter(|&b| b > 0);
        println!(
            "  {:<34} {:>7.2} {:>6.2} {:>7.2} {:>6.2} {:>9.1} {:>6.2} {:>10}",
            t.name,
            t.median(|s| s.wall),
            paired(t, reference, |s| s.wall),
            t.median(|s| s.cpu),
            paired(t, reference, |s| s.cpu),
            t.median(|s| s.rss_mib),
            paired(t, reference, |s| s.rss_mib),
            out.map_or("-".into(), |b| format!("{:.2}", b as f64 / 1e6)),
        );
    }
}

/// Checks that a recording decodes in full, lasts `seconds` and is seekable.
fn verify(bins: &Bins, file: &Path, seconds: f64) -> Result<String> {
    let mut report = Vec::new();
    let duration: f64 = output_of(
        Command::new("ffprobe")
            .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
            .arg(file),
    )?
    .trim()
    .parse()
    .map_err(|_| format!("ffprobe shows no duration for {}: not seekable", file.display()))?;
    let decode = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(file)
        .args(["-f", "null", "-"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start ffmpeg: {e}"))?;
    let decode_errors = String::from_utf8_lossy(&decode.stderr).lines().count();
    let inspect = output_of(Command::new(&bins.mediarec).arg("inspect").arg("--json").arg(file))?;
    let flag = |key: &str| inspect.contains(&format!("\"{key}\": true"));
    let cues = flag("hasCues");
    let has_duration = flag("hasDuration");
    let ok = decode.status.success()
        && decode_errors == 0
        && (duration - seconds).abs() < 0.1
        && cues
        && has_duration;
    report.push(format!(
        "ffprobe duration {duration:.3} s, full decode {}, Duration {}, Cues {}",
        if decode.status.success() && decode_errors == 0 { "clean" } else { "FAILED" },
        if has_duration { "yes" } else { "NO" },
        if cues { "yes" } else { "NO" },
    ));
    let line = report.join("; ");
    if ok { Ok(line) } else { Err(line) }
}

pub fn run(args: &[String]) -> Result {
    let options = parse(args)?;
    if !Path::new("/usr/bin/time").is_file() {
        return Err("GNU time is missing: apt-get install time".into());
    }
    for tool in ["sox", "ffmpeg", "ffprobe"] {
        if !have(tool) {
            return Err(format!("`{tool}` is missing: cargo xtask setup installs it"));
        }
    }
    let bins = build()?;
    let temp = options.dir.is_none();
    let dir = options.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("mediarec-compare-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = if options.streams {
        streams(&bins, &dir, options.runs)
    } else {
        compare(&bins, &dir, options.runs)
    };
    if temp {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn machine_json() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let packages = output_of(Command::new("dpkg-query").args([
        "-W",
        "-f",
        "${Package} ${Version}; ",
        "libopus0",
        "ffmpeg",
        "gstreamer1.0-plugins-base",
        "opus-tools",
    ]))
    .unwrap_or_default();
    format!(
        "{{\"cores\": {cores}, \"loadavg_before\": {}, \"system_packages\": {}}}",
        json_str(&loadavg()),
        json_str(packages.trim())
    )
}

fn compare(bins: &Bins, dir: &Path, runs: usize) -> Result {
    let wav = make_wav(dir)?;
    let json_path = target_dir(&root().join("target")).join("compare.json");
    let mut report = Report::default();
    report.add("machine", machine_json());
    report.add("runs", runs.to_string());
    println!("\nload average before: {}", loadavg());
    warm(&wav);

    let out = |name: &str| dir.join(name);
    let mut tools = vec![
        Tool::new(
            "mediarec → WebM",
            &bins.mediarec,
            &[
                &"record",
                &"-q",
                &"--source",
                &format!("file:{}", wav.display()),
                &"--audio-bitrate",
                &"128000",
                &out("mediarec.webm"),
            ],
        )
        .writes(&out("mediarec.webm")),
        Tool::new(
            "ffmpeg libopus → WebM",
            "ffmpeg",
            &[
                &"-nostdin",
                &"-v",
                &"error",
                &"-y",
                &"-i",
                &wav,
                &"-c:a",
                &"libopus",
                &"-b:a",
                &"128k",
                &"-vbr",
                &"on",
                &"-compression_level",
                &"10",
                &"-frame_duration",
                &"20",
                &"-f",
                &"webm",
                &out("ffmpeg.webm"),
            ],
        )
        .writes(&out("ffmpeg.webm")),
        Tool::new(
            "ffmpeg, constrained VBR → WebM",
            "ffmpeg",
            &[
                &"-nostdin",
                &"-v",
                &"error",
                &"-y",
                &"-i",
                &wav,
                &"-c:a",
                &"libopus",
                &"-b:a",
                &"128k",
                &"-vbr",
                &"constrained",
                &"-compression_level",
                &"10",
                &"-frame_duration",
                &"20",
                &"-f",
                &"webm",
                &out("ffmpeg-cvbr.webm"),
            ],
        )
        .writes(&out("ffmpeg-cvbr.webm")),
    ];
    if have("gst-launch-1.0") {
        tools.push(
            Tool::new(
                "GStreamer opusenc ! webmmux",
                "gst-launch-1.0",
                &[
                    &"-q",
                    &"filesrc",
                    &format!("location={}", wav.display()),
                    &"!",
                    &"wavparse",
                    &"!",
                    &"audioconvert",
                    &"!",
                    &"opusenc",
                    &"bitrate=128000",
                    &"bitrate-type=vbr",
                    &"complexity=10",
                    &"frame-size=20",
                    &"!",
                    &"webmmux",
                    &"!",
                    &"filesink",
                    &format!("location={}", out("gst.webm").display()),
                ],
            )
            .writes(&out("gst.webm")),
        );
    } else {
        println!("(gst-launch-1.0 not found: GStreamer left out)");
    }
    if have("opusenc") {
        tools.push(
            Tool::new(
                "opusenc → Ogg (not WebM)",
                "opusenc",
                &[
                    &"--quiet",
                    &"--bitrate",
                    &"128",
                    &"--vbr",
                    &"--comp",
                    &"10",
                    &"--framesize",
                    &"20",
                    &wav,
                    &out("opusenc.opus"),
                ],
            )
            .writes(&out("opusenc.opus")),
        );
    } else {
        println!("(opusenc not found: left out)");
    }
    tools.push(Tool::new(
        "libopus alone (the limit)",
        &bins.limit,
        &[&wav, &"--bitrate", &"128000", &"--complexity", &"10"],
    ));
    println!("\nencoding {SECONDS} s of 48 kHz stereo, {runs} runs each, in alternation:");
    for t in &tools {
        println!("  $ {}", display(&t.command()));
    }
    let log = dir.join("time.log");
    rounds(&mut tools, runs, &log)?;
    let limit_info = tools[tools.len() - 1].stdout.clone();

    let reference = &tools[0];
    print_table(
        &format!(
            "Opus 128 kb/s VBR, complexity 10, 20 ms, {SECONDS} s of 48 kHz stereo (medians of {runs}; × = paired ratio to mediarec)"
        ),
        &tools,
        reference,
    );
    let ffmpeg = &tools[1];
    let limit = &tools[tools.len() - 1];
    let vs_ffmpeg = paired(reference, ffmpeg, |s| s.wall);
    let vs_limit = paired(reference, limit, |s| s.wall);
    println!(
        "\n  mediarec / ffmpeg wall: {vs_ffmpeg:.3} (goal ≤ 0.90); mediarec / libopus-alone wall: {vs_limit:.3} (goal ≤ 1.05); mediarec peak RSS {:.1} MiB (goal ≤ 16)",
        reference.median(|s| s.rss_mib)
    );
    println!("  libopus alone: {}", limit_info.trim());
    println!(
        "  (mediarec's variable bitrate is libopus's constrained VBR; `ffmpeg -vbr on` is unconstrained, hence the extra ffmpeg row)"
    );

    let check = verify(bins, &out("mediarec.webm"), f64::from(SECONDS));
    match &check {
        Ok(line) => println!("  mediarec output: {line}"),
        Err(line) => println!("  mediarec output: CHECK FAILED: {line}"),
    }
    let entries: Vec<String> = tools.iter().map(|t| tool_json(t, reference)).collect();
    report.add("encode", format!("[\n    {}\n  ]", entries.join(",\n    ")));
    report.add(
        "encode_goals",
        format!(
            "{{\"mediarec_vs_ffmpeg_wall\": {}, \"mediarec_vs_limit_wall\": {}, \"mediarec_peak_rss_mib\": {}, \"output_check\": {}, \"output_ok\": {}, \"limit\": {}}}",
            num(vs_ffmpeg),
            num(vs_limit),
            num(reference.median(|s| s.rss_mib)),
            json_str(check.as_ref().unwrap_or_else(|e| e)),
            check.is_ok(),
            if limit_info.trim().starts_with('{') { limit_info.trim().to_string() } else { "null".into() }
        ),
    );
    report.write(&json_path)?;

    let fix_result = fix(bins, dir, &wav, runs, &mut report);
    report.add("loadavg_after", json_str(&loadavg()));
    report.write(&json_path)?;
    println!("\nload average after: {}\nnumbers written to {}", loadavg(), json_path.display());
    fix_result?;
    check.map(|_| ())
}

/// `mediarec fix` against `ffmpeg -c copy` on a PCM WebM of at least 500 MB.
fn fix(bins: &Bins, dir: &Path, wav: &Path, runs: usize, report: &mut Report) -> Result {
    let long = dir.join("long-30min.wav");
    let big = dir.join("big-pcm.webm");
    if size(&big) < 500_000_000 {
        run_cmd(Command::new("sox").arg(wav).arg(wav).arg(wav).arg(&long))?;
        run_cmd(
            Command::new(&bins.mediarec)
                .args(["record", "-q", "--source"])
                .arg(format!("file:{}", long.display()))
                .args(["--mime", "audio/webm;codecs=pcm"])
                .arg(&big),
        )?;
    }
    let _ = std::fs::remove_file(&long);
    let bytes = size(&big);
    if bytes < 500_000_000 {
        return Err(format!("{} is only {bytes} bytes", big.display()));
    }
    warm(&big);
    let fixed = dir.join("fixed.webm");
    let remuxed = dir.join("remuxed.mka");
    let mut tools = vec![
        Tool::new("mediarec fix", &bins.mediarec, &[&"fix", &big, &fixed]).writes(&fixed),
        Tool::new(
            "ffmpeg -c copy (Matroska out)",
            "ffmpeg",
            &[
                &"-nostdin",
                &"-v",
                &"error",
                &"-y",
                &"-i",
                &big,
                &"-c",
                &"copy",
                &"-f",
                &"matroska",
                &remuxed,
            ],
        )
        .writes(&remuxed),
    ];
    println!(
        "\nremuxing {} ({:.0} MB of PCM in WebM), {runs} runs each, in alternation:",
        big.display(),
        bytes as f64 / 1e6
    );
    for t in &tools {
        println!("  $ {}", display(&t.command()));
    }
    let log = dir.join("time.log");
    for t in tools.iter_mut() {
        let _ = timed(&t.command(), &log); // warm-up: page cache for the outputs too
    }
    rounds(&mut tools, runs, &log)?;
    let reference = &tools[0];
    print_table(
        &format!(
            "remux {:.0} MB (medians of {runs}; × = paired ratio to mediarec fix)",
            bytes as f64 / 1e6
        ),
        &tools,
        reference,
    );
    for t in &tools {
        println!("  {:<34} {:>7.0} MB/s", t.name, bytes as f64 / 1e6 / t.median(|s| s.wall));
    }
    let ffmpeg_vs_fix = paired(&tools[1], reference, |s| s.wall);
    println!(
        "  ffmpeg / mediarec fix wall: {ffmpeg_vs_fix:.3} (goal ≥ 1.0: fix at least as fast); fix peak RSS {:.1} MiB (goal ≤ 32)",
        reference.median(|s| s.rss_mib)
    );
    println!(
        "  (`mediarec fix` syncs its output to disk before it returns; ffmpeg leaves it in the page cache)"
    );
    let check = verify(bins, &fixed, f64::from(3 * SECONDS));
    match &check {
        Ok(line) => println!("  fixed output: {line}"),
        Err(line) => println!("  fixed output: CHECK FAILED: {line}"),
    }
    let entries: Vec<String> = tools
        .iter()
        .map(|t| {
            let mb_s = bytes as f64 / 1e6 / t.median(|s| s.wall);
            let j = tool_json(t, reference);
            format!("{}, \"mb_per_s\": {}}}", j.trim_end_matches('}'), num(mb_s))
        })
        .collect();
    report.add(
        "fix",
        format!(
            "{{\"input_bytes\": {bytes}, \"ffmpeg_vs_fix_wall\": {}, \"output_check\": {}, \"output_ok\": {}, \"tools\": [\n    {}\n  ]}}",
            num(ffmpeg_vs_fix),
            json_str(check.as_ref().unwrap_or_else(|e| e)),
            check.is_ok(),
            entries.join(",\n    ")
        ),
    );
    for f in [&fixed, &remuxed] {
        let _ = std::fs::remove_file(f);
    }
    check.map(|_| ())
}

/// Real-time 48 kHz stereo Opus recordings one core sustains: each encoder pinned to CPU 0
/// (`taskset -c 0`), throughput in multiples of real time.
fn streams(bins: &Bins, dir: &Path, runs: usize) -> Result {
    if !have("taskset") {
        return Err("`taskset` is missing (util-linux)".into());
    }
    let wav = make_wav(dir)?;
    warm(&wav);
    let json_path = target_dir(&root().join("target")).join("compare-streams.json");
    let mut report = Report::default();
    report.add("machine", machine_json());
    report.add("runs", runs.to_string());
    let out = dir.join("mediarec.webm");
    fn pin(tool: &'static str, program: &Path, args: &[&dyn AsRefOs]) -> Tool {
        let program = program.to_path_buf();
        let mut all: Vec<&dyn AsRefOs> = vec![&"-c", &"0", &program];
        all.extend_from_slice(args);
        Tool::new(tool, "taskset", &all)
    }
    let mut tools = vec![
        pin(
            "mediarec (one core)",
            &bins.mediarec,
            &[
                &"record",
                &"-q",
                &"--source",
                &format!("file:{}", wav.display()),
                &"--audio-bitrate",
                &"128000",
                &out,
            ],
        ),
        pin(
            "libopus alone (one core)",
            &bins.limit,
            &[&wav, &"--bitrate", &"128000", &"--complexity", &"10"],
        ),
    ];
    println!(
        "\nencoding {SECONDS} s of 48 kHz stereo on CPU 0 only, {runs} runs each, in alternation:"
    );
    for t in &tools {
        println!("  $ {}", display(&t.command()));
    }
    rounds(&mut tools, runs, &dir.join("time.log"))?;
    println!("\nreal-time 48 kHz stereo Opus streams per core (600 s of audio / median time):");
    println!(
        "  {:<28} {:>8} {:>12} {:>8} {:>12}",
        "", "wall s", "streams/wall", "cpu s", "streams/cpu"
    );
    let mut entries = Vec::new();
    for t in &tools {
        let (wall, cpu) = (t.median(|s| s.wall), t.median(|s| s.cpu));
        let (by_wall, by_cpu) = (f64::from(SECONDS) / wall, f64::from(SECONDS) / cpu);
        println!("  {:<28} {wall:>8.2} {by_wall:>12.1} {cpu:>8.2} {by_cpu:>12.1}", t.name);
        entries.push(format!(
            "{}, \"streams_by_wall\": {}, \"streams_by_cpu\": {}}}",
            tool_json(t, &tools[0]).trim_end_matches('}'),
            num(by_wall),
            num(by_cpu)
        ));
    }
    let ratio = paired(&tools[0], &tools[1], |s| s.wall);
    println!(
        "  mediarec / libopus alone: {ratio:.3}; goal ≥ 135 streams per core (the wall figure counts other load on CPU 0, the cpu figure does not)"
    );
    report.add("streams", format!("[\n    {}\n  ]", entries.join(",\n    ")));
    report.add("loadavg_after", json_str(&loadavg()));
    report.write(&json_path)?;
    println!("numbers written to {}", json_path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_its_flags() {
        assert_eq!(parse(&[]), Ok(Options { runs: 5, streams: false, dir: None }));
        assert_eq!(
            parse(&args("--runs 3 --streams --dir d")),
            Ok(Options { runs: 3, streams: true, dir: Some(PathBuf::from("d")) })
        );
        assert_eq!(parse(&args("--runs 0")), Err("--runs needs a positive number".into()));
        assert_eq!(parse(&args("--runs")), Err("--runs needs a positive number".into()));
        assert_eq!(parse(&args("--fast")), Err("unexpected argument `--fast`".into()));
    }

    #[test]
    fn medians_and_paired_ratios() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(Vec::new()).is_nan());
        let mut a = Tool::new("a", "true", &[]);
        let mut b = Tool::new("b", "true", &[]);
        for (x, y) in [(2.0, 4.0), (3.0, 3.0), (1.0, 4.0)] {
            a.samples.push(Sample { wall: x, cpu: x, rss_mib: 1.0 });
            b.samples.push(Sample { wall: y, cpu: y, rss_mib: 1.0 });
        }
        assert_eq!(paired(&a, &b, |s| s.wall), 0.5);
    }

    #[test]
    fn gnu_time_lines_are_read() {
        let dir = std::env::temp_dir().join(format!("xtask-compare-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let log = dir.join("t.log");
        if Path::new("/usr/bin/time").is_file() {
            let (s, _) = timed(&Command::new("true"), &log).expect("`true` runs");
            assert!(s.wall >= 0.0 && s.cpu >= 0.0 && s.rss_mib > 0.0);
            let err = timed(&Command::new("false"), &log).expect_err("`false` fails");
            assert!(err.contains("`false` failed"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
        assert_eq!(num(f64::NAN), "null");
        assert_eq!(num(1.5), "1.5000");
    }
}
