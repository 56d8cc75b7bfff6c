//! `mdbook serve`, for real: a copy of `book-example/` (and `data/` beside it) served on a
//! loopback port by mdBook 0.5 and by mdBook 0.4; the catalog and then the sync note are
//! edited, and the served page must show the new text within a bounded time. This is what
//! `install`'s `build.extra-watch-dirs` entries are for: both files live outside `src/`.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the first build and each rebuild may take (a loaded 2-core machine).
const BOUND: Duration = Duration::from_secs(90);
const PAGE: &str = "/destinations/tidewater-crm/index.html";

/// The server; killed (and reaped) however the test ends.
struct Server {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(mdbook: &Path, book: &Path, port: u16) -> Server {
        let log = book.parent().unwrap().join("serve.log");
        let child = Command::new(mdbook)
            .arg("serve")
            .arg(book)
            .args(["--hostname", "127.0.0.1", "--port", &port.to_string()])
            .env("PATH", path_with_bin())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("mdbook serve starts");
        Server { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls the page until `pred` holds on its body; panics (with the server's log) when
    /// the server exits or `BOUND` passes. Returns how long it took.
    fn wait_for(&mut self, port: u16, what: &str, pred: impl Fn(&str) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "mdbook serve exited ({status}) before {what}:\n{}",
                    self.log()
                );
            }
            if let Some((200, body)) = get(port, PAGE) {
                if pred(&body) {
                    return start.elapsed();
                }
            }
            assert!(
                start.elapsed() < BOUND,
                "no {what} within {BOUND:?}; server log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 GET over a plain TcpStream: status and body (chunked bodies decoded), or
/// `None` while nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = head
        .lines()
        .any(|l| l.to_ascii_lowercase().replace(' ', "") == "transfer-encoding:chunked");
    Some((
        status,
        if chunked {
            dechunk(body)?
        } else {
            body.to_string()
        },
    ))
}

fn dechunk(mut body: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.push_str(rest.get(..size)?);
        body = rest.get(size + 2..)?;
    }
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

fn serve_picks_up_changes(mdbook: &Path) {
    let version = mdbook_version(mdbook);
    let (tmp, book) = example_copy();
    let catalog = tmp.path().join("data/catalog/destinations.yml");
    let note = book.join("includes/sync-frequency-note.md");
    let old = "Host name that receives contact updates.";
    let new = "Host name that receives every contact update (edited while serving).";
    let old_note = "Lanternfish recalculates audiences in batches";
    let new_note = "Lanternfish recalculates audiences in small batches (edited note)";

    let port = free_port();
    let mut server = Server::start(mdbook, &book, port);
    let first = server.wait_for(port, "first build", |b| b.contains(old));

    edit(&catalog, old, new);
    let catalog_rebuild = server.wait_for(port, "rebuild after the catalog edit", |b| {
        b.contains(new) && !b.contains(old)
    });

    edit(&note, old_note, new_note);
    let note_rebuild = server.wait_for(port, "rebuild after the sync note edit", |b| {
        b.contains(new_note) && b.contains(new)
    });
    eprintln!(
        "{version}: served after {first:?}; catalog edit shown after {catalog_rebuild:?}, \
         sync note edit after {note_rebuild:?}"
    );
    let log = server.log();
    assert!(
        !log.contains("warning["),
        "{version}: the preprocessor warned:\n{log}"
    );
    drop(server);
    assert!(
        get(port, PAGE).is_none(),
        "{version}: the server still answers after it was stopped"
    );
}

#[test]
fn serve_05_rebuilds_when_the_catalog_or_the_note_changes() {
    serve_picks_up_changes(&mdbook());
}

#[test]
fn serve_04_rebuilds_when_the_catalog_or_the_note_changes() {
    serve_picks_up_changes(&mdbook_04());
}
