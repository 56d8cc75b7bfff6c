//! `cargo bench --bench speed`: mdbook-destinations against its floor.
//!
//! For each book (synthetic at each scale factor, and `segment-2025` with real-size bodies
//! when `../shared/conformance` is there) it runs, as separate processes on the same stdin,
//! interleaved round by round so that a noisy machine disturbs them alike:
//!
//! - **no-op**: a preprocessor that parses the protocol JSON into values and writes the
//!   book back (`protocol::parse_input`, as mdBook's own example preprocessor does: the
//!   floor for any preprocessor that reads the book);
//! - **YAML**: the bare parse of the catalog file (serde_yaml into the catalog's types,
//!   in a process of its own);
//! - **cold**: `mdbook-destinations` with an empty cache directory;
//! - **warm**: `mdbook-destinations` again, the catalog unchanged since the last run;
//!
//! and prints medians, the spread, each one's peak memory (the child's max RSS), and the
//! ratios the targets are set in. It also times `mdbook build` of the real-size book with
//! and without the preprocessor, when `mdbook` is installed.
//!
//! Options (after `--`): `--scales 1,10`, `--runs 9`, `--mdbook-runs 5`,
//! `--corpus DIR` (default `../shared/conformance/segment-2025`), `--no-mdbook`.

mod corpus;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        std::process::exit(child(&args[1..]));
    }
    let opts = Options::parse(&args);
    if let Err(e) = bench(&opts) {
        eprintln!("bench failed: {e}");
        std::process::exit(1);
    }
}

/// The work a child process does in the `no-op` and `YAML` runs.
fn child(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("measure") => measure_child(&args[1..]),
        // As an mdBook preprocessor: `… --child noop supports html`.
        Some("noop") if args.get(1).map(String::as_str) == Some("supports") => 0,
        Some("noop") => {
            let mut input = Vec::new();
            std::io::stdin().read_to_end(&mut input).expect("stdin");
            let (_, book) = mdbook_destinations::protocol::parse_input(&input).expect("input");
            // The same way out as the preprocessor.
            book.write_to(mdbook_destinations::protocol::stdout())
                .expect("stdout");
            0
        }
        Some("phases") => phases_child(),
        Some("noop-phases") => noop_phases_child(),
        Some("yaml") => {
            let path = Path::new(&args[1]);
            let text = std::fs::read_to_string(path).expect("the catalog");
            let format = mdbook_destinations::catalog::Format::of(path);
            let items = mdbook_destinations::catalog::Catalog::deserialize_only(&text, format)
                .expect("a valid catalog");
            i32::from(items == 0)
        }
        other => {
            eprintln!("unknown child mode {other:?}");
            2
        }
    }
}

/// The names of the phases [`phases_child`] times, in order.
const PHASES: [&str; 7] = [
    "read stdin",
    "parse the protocol JSON",
    "config, catalog (cache or YAML), texts",
    "chapters: front matter, pages, sections (or their cache)",
    "messages to stderr",
    "write the book JSON",
    "the no-op's own work: read, parse, write",
];

/// One run of the preprocessor's phases, in process, as `run_preprocessor` does them, each
/// timed; prints the milliseconds on one line (the phases in [`PHASES`] order, without the
/// last). The profile the targets are explained with.
fn phases_child() -> i32 {
    use mdbook_destinations::preprocessor::{Preprocessor, Unused};
    let mut times = Vec::new();
    let mut t = Instant::now();
    let mut lap = |times: &mut Vec<f64>| {
        let now = Instant::now();
        times.push((now - t).as_secs_f64() * 1000.0);
        t = now;
    };
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).expect("stdin");
    lap(&mut times);
    let (context, mut book) = mdbook_destinations::protocol::RawBook::parse(&input).expect("input");
    lap(&mut times);
    let Ok((pre, warnings)) = Preprocessor::new(&context.root, &context.config) else {
        return 1;
    };
    lap(&mut times);
    let report = pre.run(&mut book, Unused::Summary);
    lap(&mut times);
    let mut text = String::new();
    for d in warnings.iter().chain(&report.diagnostics) {
        text.push_str(&d.to_string());
        text.push('\n');
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    lap(&mut times);
    book.write_to(mdbook_destinations::protocol::stdout())
        .expect("stdout");
    lap(&mut times);
    let line: Vec<String> = times.iter().map(|t| format!("{t:.4}")).collect();
    eprintln!("phases {}", line.join(" "));
    0
}

/// The no-op's phases (read, parse, write), summed: printed like [`phases_child`]'s.
fn noop_phases_child() -> i32 {
    let t = Instant::now();
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).expect("stdin");
    let (_, book) = mdbook_destinations::protocol::parse_input(&input).expect("input");
    book.write_to(mdbook_destinations::protocol::stdout())
        .expect("stdout");
    eprintln!("phases {:.4}", t.elapsed().as_secs_f64() * 1000.0);
    0
}

/// Runs a phases child `runs` times (cold: the cache emptied before each) and returns the
/// median of each phase.
fn profile(
    me: &Path,
    mode: &str,
    stdin: &[u8],
    runs: usize,
    clear: &dyn Fn() -> std::io::Result<()>,
) -> std::io::Result<Vec<f64>> {
    let mut all: Vec<Vec<f64>> = Vec::new();
    for _ in 0..runs {
        clear()?;
        let (child, writer) = spawn_fed(
            Command::new(me)
                .args(["--child", mode])
                .stdout(Stdio::null()),
            stdin,
        )?;
        let out = child.wait_with_output()?;
        writer.join().expect("the stdin writer");
        let text = String::from_utf8_lossy(&out.stderr);
        let Some(line) = text.lines().rev().find_map(|l| l.strip_prefix("phases ")) else {
            return Err(std::io::Error::other(format!("{mode}: no phases line")));
        };
        all.push(line.split(' ').filter_map(|v| v.parse().ok()).collect());
    }
    let n = all.iter().map(Vec::len).min().unwrap_or(0);
    Ok((0..n)
        .map(|i| {
            let mut v: Vec<f64> = all.iter().map(|r| r[i]).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        })
        .collect())
}

/// Prints where a run's time goes, phase by phase, cold and warm, beside the no-op's.
fn print_profile(o: &Options, d: &corpus::Dataset, cache: &Path, me: &Path) -> std::io::Result<()> {
    let clear = || clear_dir(cache);
    let cold = profile(me, "phases", &d.stdin, o.runs, &clear)?;
    // Warm: one run fills the cache, then it is kept.
    profile(me, "phases", &d.stdin, 1, &clear)?;
    let warm = profile(me, "phases", &d.stdin, o.runs, &|| Ok(()))?;
    let noop = profile(me, "noop-phases", &d.stdin, o.runs, &|| Ok(()))?;
    println!(
        "#### {}: where the time goes (in process, median of {} runs per phase; process start-up not included)",
        d.name, o.runs
    );
    println!("| phase | cold | warm |");
    println!("|---|--:|--:|");
    for (i, name) in PHASES.iter().take(cold.len()).enumerate() {
        println!(
            "| {name} | {:.2} ms | {:.2} ms |",
            cold[i],
            warm.get(i).copied().unwrap_or(0.0)
        );
    }
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    println!(
        "| **all phases** | **{:.2} ms** | **{:.2} ms** |",
        sum(&cold),
        sum(&warm)
    );
    println!(
        "| {} | {:.2} ms | {:.2} ms |\n",
        PHASES[6],
        noop.first().copied().unwrap_or(0.0),
        noop.first().copied().unwrap_or(0.0)
    );
    Ok(())
}

struct Options {
    scales: Vec<usize>,
    runs: usize,
    mdbook_runs: usize,
    corpus: PathBuf,
    mdbook: bool,
}

impl Options {
    fn parse(args: &[String]) -> Options {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut o = Options {
            scales: vec![1, 10],
            runs: 9,
            mdbook_runs: 5,
            corpus: manifest.join("../shared/conformance/segment-2025"),
            mdbook: true,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = || it.next().cloned().unwrap_or_default();
            match a.as_str() {
                "--scales" => {
                    o.scales = value()
                        .split(',')
                        .filter_map(|s| s.trim().parse().ok())
                        .filter(|&n| n > 0)
                        .collect()
                }
                "--runs" => o.runs = value().parse().unwrap_or(9).max(1),
                "--mdbook-runs" => o.mdbook_runs = value().parse().unwrap_or(5),
                "--corpus" => o.corpus = PathBuf::from(value()),
                "--no-mdbook" => o.mdbook = false,
                // `cargo bench` adds `--bench` (and maybe a filter): nothing to do.
                _ => {}
            }
        }
        o
    }
}

/// Starts `command` with stderr piped and `stdin` written to it from a thread (a child
/// that writes a lot before reading all its input cannot block on a full pipe).
fn spawn_fed(
    command: &mut Command,
    stdin: &[u8],
) -> std::io::Result<(std::process::Child, std::thread::JoinHandle<()>)> {
    let mut child = command
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // A child that exits without reading everything closes the pipe: not an error here.
        let _ = pipe.write_all(&input);
    });
    Ok((child, writer))
}

/// Empties a cache folder (a cold run); a folder that is not there is already empty.
fn clear_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// One measured run of a child process.
struct Sample {
    ms: f64,
    peak_kib: u64,
    out: Vec<u8>,
}

/// Runs `program` with `stdin` piped in and stdout read back (as mdBook does), and returns
/// its wall time and peak resident memory.
///
/// The program is started by a small helper process (this binary, `--child measure`),
/// which times it and reads its peak RSS with `wait4`. Started from here directly, Linux
/// would report this process's own (larger) peak for it: a child's `ru_maxrss` counts the
/// memory of the process it was forked from, before its `exec`.
fn run(me: &Path, program: &[&std::ffi::OsStr], stdin: &[u8]) -> std::io::Result<Sample> {
    let (mut child, writer) = spawn_fed(
        Command::new(me)
            .args(["--child", "measure"])
            .args(program)
            .stdout(Stdio::piped()),
        stdin,
    )?;
    let mut out = Vec::with_capacity(stdin.len() + stdin.len() / 2);
    child.stdout.take().expect("stdout").read_to_end(&mut out)?;
    let mut report = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut report)?;
    let status = child.wait()?;
    writer.join().expect("the stdin writer");
    let mut fields = report.split_whitespace();
    let (Some(ms), Some(kib), Some("ok")) = (fields.next(), fields.next(), fields.next()) else {
        return Err(std::io::Error::other(format!(
            "{program:?} failed ({status}): {report}"
        )));
    };
    Ok(Sample {
        ms: ms.parse().map_err(std::io::Error::other)?,
        peak_kib: kib.parse().map_err(std::io::Error::other)?,
        out,
    })
}

/// The helper: runs the program on the inherited stdin and stdout (its stderr to
/// nowhere), and reports `MS PEAK_KIB ok|failed` on stderr.
fn measure_child(program: &[String]) -> i32 {
    let start = Instant::now();
    let child = Command::new(&program[0])
        .args(&program[1..])
        .stderr(Stdio::null())
        .spawn();
    let result = child.and_then(reap);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok((ok, kib)) => {
            eprintln!("{ms:.3} {kib} {}", if ok { "ok" } else { "failed" });
            0
        }
        Err(e) => {
            eprintln!("0 0 failed: {e}");
            1
        }
    }
}

/// Waits for the child; its exit status and peak RSS in KiB (from `wait4`).
#[cfg(unix)]
fn reap(child: std::process::Child) -> std::io::Result<(bool, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain old data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports ru_maxrss in KiB, macOS in bytes.
    let kib = if cfg!(target_os = "macos") {
        usage.ru_maxrss as u64 / 1024
    } else {
        usage.ru_maxrss as u64
    };
    Ok((ok, kib))
}

#[cfg(not(unix))]
fn reap(mut child: std::process::Child) -> std::io::Result<(bool, u64)> {
    Ok((child.wait()?.success(), 0))
}

/// Median, min and max of a variant's runs.
#[derive(Clone, Copy, Default)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
    peak_mib: f64,
}

fn stat(samples: &[(f64, u64)]) -> Stat {
    let mut ms: Vec<f64> = samples.iter().map(|s| s.0).collect();
    ms.sort_by(f64::total_cmp);
    let n = ms.len();
    let median = if n % 2 == 1 {
        ms[n / 2]
    } else {
        (ms[n / 2 - 1] + ms[n / 2]) / 2.0
    };
    let peak = samples.iter().map(|s| s.1).max().unwrap_or(0);
    Stat {
        median,
        min: ms[0],
        max: ms[n - 1],
        peak_mib: peak as f64 / 1024.0,
    }
}

struct Measured {
    name: String,
    pages: usize,
    stdin_bytes: usize,
    catalog_bytes: u64,
    noop: Stat,
    yaml: Stat,
    cold: Stat,
    warm: Stat,
}

fn mib(bytes: f64) -> f64 {
    bytes / (1024.0 * 1024.0)
}

fn bench(o: &Options) -> std::io::Result<()> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_mdbook-destinations"));
    let me = std::env::current_exe()?;
    let work = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-speed");
    std::fs::create_dir_all(&work)?;
    println!(
        "mdbook-destinations {} speed benchmark: median of {} runs per row (min–max beside it), \
         all rows interleaved round by round; peak = the child's max RSS.",
        env!("CARGO_PKG_VERSION"),
        o.runs
    );
    println!(
        "This machine has {} CPU(s); other work on it makes single runs noisy: read medians.\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let mut datasets = Vec::new();
    for &n in &o.scales {
        let t = Instant::now();
        let cache = work.join(format!("cache-x{n}"));
        let d = corpus::synthetic_book(n, &work.join(format!("synthetic-x{n}")), &bin, &cache)?;
        eprintln!("generated {} in {:.1}s", d.name, t.elapsed().as_secs_f64());
        datasets.push((d, cache));
    }
    let real = if o.corpus.join("catalog.yml").is_file() {
        let cache = work.join("cache-segment-2025");
        let d = corpus::segment_book(&o.corpus, &work.join("segment-2025"), &bin, &cache)?;
        datasets.push((d, cache));
        Some(datasets.len() - 1)
    } else {
        println!(
            "({} not found: the real catalog is skipped)\n",
            o.corpus.display()
        );
        None
    };

    let mut results = Vec::new();
    let mut outputs = Vec::new();
    for (d, cache) in &datasets {
        let (m, out) = measure(o, d, cache, &bin, &me)?;
        print_profile(o, d, cache, &me)?;
        results.push(m);
        outputs.push(out);
    }

    println!("| book | pages | stdin | catalog | no-op | YAML parse | cold | warm | warm / no-op | cold / (no-op + YAML) |");
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for m in &results {
        println!(
            "| {} | {} | {:.1} MB | {:.1} MB | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} | {:.2} |",
            m.name,
            m.pages,
            m.stdin_bytes as f64 / 1e6,
            m.catalog_bytes as f64 / 1e6,
            m.noop.median,
            m.yaml.median,
            m.cold.median,
            m.warm.median,
            m.warm.median / m.noop.median,
            m.cold.median / (m.noop.median + m.yaml.median),
        );
    }
    println!();
    println!("| book | peak no-op | peak YAML | peak cold | peak warm | stdin + catalog | max peak / (stdin + catalog) |");
    println!("|---|--:|--:|--:|--:|--:|--:|");
    for m in &results {
        let input = m.stdin_bytes as f64 + m.catalog_bytes as f64;
        let max_peak = m.cold.peak_mib.max(m.warm.peak_mib);
        println!(
            "| {} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.2} |",
            m.name,
            m.noop.peak_mib,
            m.yaml.peak_mib,
            m.cold.peak_mib,
            m.warm.peak_mib,
            mib(input),
            max_peak / mib(input)
        );
    }
    println!();
    if let (Some(one), Some(big)) = (
        results.iter().find(|m| m.name == "synthetic ×1"),
        results
            .iter()
            .filter(|m| m.name.starts_with("synthetic ×") && m.name != "synthetic ×1")
            .max_by_key(|m| m.pages),
    ) {
        let k = big.pages as f64 / one.pages as f64;
        println!(
            "scaling, {} vs {} ({k:.0}× the pages and items): no-op {:.1}×, YAML {:.1}×, cold {:.1}×, warm {:.1}×\n",
            big.name,
            one.name,
            big.noop.median / one.noop.median,
            big.yaml.median / one.yaml.median,
            big.cold.median / one.cold.median,
            big.warm.median / one.warm.median,
        );
    }

    let book = real.or(if datasets.is_empty() { None } else { Some(0) });
    if o.mdbook && o.mdbook_runs > 0 {
        if let (Some(i), Some(mdbook)) = (book, find_mdbook()) {
            mdbook_build(o, &datasets[i].0, &outputs[i], &mdbook, &me)?;
        } else {
            println!("(mdbook not found: `mdbook build` is not timed)");
        }
    }
    Ok(())
}

fn measure(
    o: &Options,
    d: &corpus::Dataset,
    cache: &Path,
    bin: &Path,
    me: &Path,
) -> std::io::Result<(Measured, Vec<u8>)> {
    let noop: [&std::ffi::OsStr; 3] = [me.as_os_str(), "--child".as_ref(), "noop".as_ref()];
    let yaml: [&std::ffi::OsStr; 4] = [
        me.as_os_str(),
        "--child".as_ref(),
        "yaml".as_ref(),
        d.catalog.as_os_str(),
    ];
    let ours = [bin.as_os_str()];
    let clear = || clear_dir(cache);
    let (mut s_noop, mut s_yaml, mut s_cold, mut s_warm) = (vec![], vec![], vec![], vec![]);
    let mut output = Vec::new();
    // Round 0 warms the page cache and is not counted.
    for round in 0..=o.runs {
        let a = run(me, &noop, &d.stdin)?;
        let b = run(me, &yaml, b"")?;
        clear()?;
        let c = run(me, &ours, &d.stdin)?;
        let w = run(me, &ours, &d.stdin)?;
        if c.out != w.out {
            return Err(std::io::Error::other(format!(
                "{}: the warm run's stdout differs from the cold run's",
                d.name
            )));
        }
        if c.out.len() < a.out.len() {
            return Err(std::io::Error::other(format!(
                "{}: the preprocessor wrote less than the no-op",
                d.name
            )));
        }
        output = w.out;
        if round > 0 {
            s_noop.push((a.ms, a.peak_kib));
            s_yaml.push((b.ms, b.peak_kib));
            s_cold.push((c.ms, c.peak_kib));
            s_warm.push((w.ms, w.peak_kib));
        }
    }
    let m = Measured {
        name: d.name.clone(),
        pages: d.pages,
        stdin_bytes: d.stdin.len(),
        catalog_bytes: d.catalog_bytes,
        noop: stat(&s_noop),
        yaml: stat(&s_yaml),
        cold: stat(&s_cold),
        warm: stat(&s_warm),
    };
    println!(
        "### {} — {} pages; stdin {:.2} MB; catalog {:.2} MB ({})",
        m.name,
        m.pages,
        m.stdin_bytes as f64 / 1e6,
        m.catalog_bytes as f64 / 1e6,
        d.catalog.display()
    );
    println!("| run | median | min–max | peak RSS |");
    println!("|---|--:|--:|--:|");
    for (label, s) in [
        (
            "no-op: parse the protocol JSON, write the book back",
            m.noop,
        ),
        (
            "bare YAML parse of the catalog (serde_yaml → catalog types)",
            m.yaml,
        ),
        ("mdbook-destinations, cold (empty cache)", m.cold),
        ("mdbook-destinations, warm (catalog unchanged)", m.warm),
    ] {
        println!(
            "| {label} | {:.1} ms | {:.1}–{:.1} ms | {:.1} MiB |",
            s.median, s.min, s.max, s.peak_mib
        );
    }
    println!(
        "warm / no-op = {:.2} (target ≤ 1.25); cold / (no-op + YAML) = {:.2} (target ≤ 1.10)\n",
        m.warm.median / m.noop.median,
        m.cold.median / (m.noop.median + m.yaml.median)
    );
    Ok((m, output))
}

fn find_mdbook() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MDBOOK") {
        return Some(PathBuf::from(p));
    }
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH")?).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join("mdbook"))
        .find(|p| p.is_file())
}

/// `mdbook build` of the book with the preprocessor (warm cache), against the same book
/// whose pages already hold what the preprocessor writes: built with no preprocessor, and
/// with the no-op preprocessor (which costs what mdBook's protocol costs: mdBook writes
/// the book to a preprocessor's stdin unbuffered). With mdBook's default HTML output, and
/// with search and print off (the leaner build, where a preprocessor's share is largest).
fn mdbook_build(
    o: &Options,
    d: &corpus::Dataset,
    output: &[u8],
    mdbook: &Path,
    me: &Path,
) -> std::io::Result<()> {
    // The baseline book: same SUMMARY, each chapter file holding the processed content.
    let base = d.root.with_file_name(format!(
        "{}-preprocessed",
        d.root.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("src"))?;
    std::fs::copy(d.root.join("src/SUMMARY.md"), base.join("src/SUMMARY.md"))?;
    let book: serde_json::Value = serde_json::from_slice(output).map_err(std::io::Error::other)?;
    let mut written = 0;
    for item in book["items"].as_array().into_iter().flatten() {
        let ch = &item["Chapter"];
        if let (Some(path), Some(content)) = (ch["source_path"].as_str(), ch["content"].as_str()) {
            let file = base.join("src").join(path);
            std::fs::create_dir_all(file.parent().unwrap())?;
            std::fs::write(file, content)?;
            written += 1;
        }
    }
    if written != d.pages {
        return Err(std::io::Error::other("the processed book lacks chapters"));
    }
    let noop_table = format!(
        "[preprocessor.noop]\ncommand = {}\n",
        serde_json::to_string(&format!("{} --child noop", me.display())).unwrap()
    );
    let lean = "\n[output.html.search]\nenable = false\n\n[output.html.print]\nenable = false\n";
    let configs = [
        ("mdBook defaults (search, print)", ""),
        ("search and print off", lean),
    ];
    println!(
        "### `mdbook build` of {} ({}; median of {} builds each, interleaved)",
        d.name,
        mdbook.display(),
        o.mdbook_runs
    );
    println!(
        "| output | processed pages, no preprocessor | processed pages, no-op preprocessor | \
         mdbook-destinations (warm) | added by mdbook-destinations (vs no-op) | \
         added by any preprocessor (no-op vs none) |"
    );
    println!("|---|--:|--:|--:|--:|--:|");
    let build = |root: &Path, toml: &str| -> std::io::Result<f64> {
        std::fs::write(root.join("book.toml"), toml)?;
        let t = Instant::now();
        let status = Command::new(mdbook)
            .arg("build")
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if !status.success() {
            return Err(std::io::Error::other("mdbook build failed"));
        }
        Ok(ms)
    };
    for (label, extra) in configs {
        let (mut none, mut noop, mut ours) = (vec![], vec![], vec![]);
        for round in 0..=o.mdbook_runs {
            let a = build(&base, &format!("{}{extra}", d.toml_without))?;
            let b = build(&base, &format!("{}{noop_table}{extra}", d.toml_without))?;
            let c = build(&d.root, &format!("{}{extra}", d.toml_with))?;
            if round > 0 {
                none.push((a, 0));
                noop.push((b, 0));
                ours.push((c, 0));
            }
        }
        let (a, b, c) = (stat(&none), stat(&noop), stat(&ours));
        println!(
            "| {label} | {:.0} ms | {:.0} ms | {:.0} ms | {:+.1} % | {:+.1} % |",
            a.median,
            b.median,
            c.median,
            (c.median / b.median - 1.0) * 100.0,
            (b.median / a.median - 1.0) * 100.0,
        );
    }
    std::fs::write(d.root.join("book.toml"), &d.toml_with)?;
    println!();
    Ok(())
}
