//! The cache that makes a rebuild with an unchanged catalog cheap (`mdbook serve` runs the
//! preprocessor on every save).
//!
//! The entries live in one folder (the user's cache folder by default, or `cache-dir`;
//! never the book's `src/`, which mdBook watches, nor its build output): `catalog-*.bin`,
//! the parsed catalog, so that the YAML is not parsed again. Its key is an XXH3-128 hash
//! of the catalog file's bytes, its format (YAML or JSON, by extension), this tool's
//! version and the cache format: the catalog's content, not its modification time. One
//! file per catalog path.
//!
//! Every file starts with a header (magic, kind, cache format, tool version, key, payload
//! length, XXH3-64 checksum of the payload). An entry whose header does not match what is
//! expected, whose checksum fails, or whose payload does not decode (every read is bounds
//! checked) is ignored and replaced: a cache entry is never trusted. Entries are written to
//! a temporary file in the same folder and renamed into place, so two builds running at
//! once each read either a whole old entry or a whole new one. Failing to write the cache
//! is not an error: the build goes on, uncached.
//!
//! The cache never changes the output: a hit gives back exactly what processing the same
//! input gave when the entry was written.

use crate::catalog::{Catalog, Data, Destination, Flag, Format, Setting};
use crate::config::Config;
use crate::diagnostics::{codes, Diagnostic, Error, Location, Result, Severity};
use crate::preprocessor::Outcome;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use xxhash_rust::xxh3::{xxh3_64, Xxh3Default};

/// The layout of the entries; bump it when it changes.
pub const FORMAT: u32 = 1;

/// The folder made under the user's cache folder.
pub const DIR_NAME: &str = "mdbook-destinations";

const MAGIC: &[u8; 8] = b"MDBDEST\0";
const KIND_CATALOG: u8 = 1;
const KIND_PAGES: u8 = 2;
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A 128-bit key.
pub type Key = [u8; 16];

/// The cache of one run: its folder, and the key of the catalog as read in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    /// The cache folder.
    pub dir: PathBuf,
    /// The catalog's key (its bytes, format, this version).
    pub catalog_key: Key,
}

/// The cache folder for a book, or `None` when `cache = false` or there is no user cache
/// folder. A `cache-dir` (relative to the book root) inside `src/` or the build folder
/// is an error: writing there would make `mdbook serve` rebuild in a loop, or be cleaned.
pub fn dir_for(
    config: &Config,
    root: &Path,
    src_dir: &Path,
    build_dir: &Path,
) -> Result<Option<PathBuf>> {
    if !config.cache {
        return Ok(None);
    }
    let Some(dir) = &config.cache_dir else {
        return Ok(user_cache_dir());
    };
    let dir = normalize(&root.join(dir));
    for (inside, what) in [
        (src_dir, "the book's source folder"),
        (build_dir, "the build folder"),
    ] {
        let inside = normalize(&root.join(inside));
        if dir.starts_with(&inside) {
            return Err(Error::new(
                codes::BAD_CONFIG,
                format!(
                    "`cache-dir` in [preprocessor.destinations] is inside {what} ({}): \
                     mdBook watches and cleans it",
                    inside.display()
                ),
            )
            .in_file("book.toml")
            .with_help("put the cache outside the book's `src` and build folders, or leave `cache-dir` unset"));
        }
    }
    Ok(Some(dir))
}

/// `$XDG_CACHE_HOME/mdbook-destinations`, else `~/.cache/mdbook-destinations`
/// (`~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows).
pub fn user_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join("Library/Caches")))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    };
    base.map(|b| b.join(DIR_NAME))
}

/// Removes `.` and resolves `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Reads the catalog at `path` (as [`Catalog::load`]), from the cache in `dir` when it
/// holds an entry for these exact bytes, else by parsing it (and storing the result).
pub fn load_catalog(
    path: &Path,
    display_path: &Path,
    key: &str,
    dir: Option<&Path>,
) -> Result<(Catalog, Option<Cache>)> {
    let format = Format::of(path);
    let Some(dir) = dir else {
        let bytes = Catalog::read(path, display_path, key)?;
        return Ok((Catalog::parse(&bytes, format, path, display_path)?, None));
    };
    let file = dir.join(format!(
        "catalog-{:016x}.bin",
        xxh3_64(path.as_os_str().as_encoded_bytes())
    ));
    // The key is hashed from the file streamed through a small buffer: on a hit (the usual
    // case under `mdbook serve`) the catalog's bytes are never held in memory.
    let streamed = catalog_key_of_file(path, format)
        .map_err(|e| Catalog::read_error(path, display_path, key, &e))?;
    let cached = std::fs::read(&file).ok().and_then(|entry| {
        let payload = open_entry(&entry, KIND_CATALOG, &streamed)?;
        decode_catalog(payload, path, display_path)
    });
    if let Some(catalog) = cached {
        let cache = Cache {
            dir: dir.to_path_buf(),
            catalog_key: streamed,
        };
        return Ok((catalog, Some(cache)));
    }
    // A miss: read the file whole, and key the entry by the bytes parsed (the file may
    // have changed since it was hashed).
    let bytes = Catalog::read(path, display_path, key)?;
    let catalog_key = catalog_key(&bytes, format);
    let cache = Cache {
        dir: dir.to_path_buf(),
        catalog_key,
    };
    let catalog = Catalog::parse(&bytes, format, path, display_path)?;
    drop(bytes);
    if write_atomic(
        dir,
        &file,
        &entry(KIND_CATALOG, &catalog_key, &encode_catalog(&catalog)),
    )
    .is_ok()
    {
        prune(dir, "catalog-");
    }
    Ok((catalog, Some(cache)))
}

/// The key of a catalog's parsed form.
pub fn catalog_key(bytes: &[u8], format: Format) -> Key {
    let mut h = catalog_hasher(format);
    h.update(bytes);
    h.digest128().to_le_bytes()
}

/// [`catalog_key`] of a file's bytes, read through a small buffer.
fn catalog_key_of_file(path: &Path, format: Format) -> std::io::Result<Key> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut h = catalog_hasher(format);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(h.digest128().to_le_bytes()),
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn catalog_hasher(format: Format) -> Xxh3Default {
    let mut h = Xxh3Default::new();
    h.update(b"catalog\0");
    h.update(VERSION.as_bytes());
    h.update(&FORMAT.to_le_bytes());
    h.update(&[format_byte(format)]);
    h
}

// ---------------------------------------------------------------------------------------
// Entries: header, checksum, atomic writes.

/// A whole entry file: the header, then the payload.
fn entry(kind: u8, key: &Key, payload: &[u8]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(payload.len() + 64));
    w.0.extend_from_slice(MAGIC);
    w.u8(kind);
    w.fixed(u64::from(FORMAT));
    w.str(VERSION);
    w.0.extend_from_slice(key);
    w.0.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    w.0.extend_from_slice(&xxh3_64(payload).to_le_bytes());
    w.0.extend_from_slice(payload);
    w.0
}

/// The payload of an entry, when its header is exactly what is expected and its checksum
/// holds; `None` for anything else.
fn open_entry<'a>(bytes: &'a [u8], kind: u8, key: &Key) -> Option<&'a [u8]> {
    let mut r = Reader::new(bytes);
    (r.take(MAGIC.len())? == MAGIC).then_some(())?;
    (r.u8()? == kind).then_some(())?;
    (r.fixed()? == u64::from(FORMAT)).then_some(())?;
    (r.str()? == VERSION).then_some(())?;
    (r.take(16)? == key).then_some(())?;
    let len = r.u64()?;
    let checksum = r.u64()?;
    let payload = r.rest();
    (payload.len() as u64 == len && xxh3_64(payload) == checksum).then_some(payload)
}

/// How many entries of one kind a cache folder keeps (the most recently written).
const KEEP: usize = 64;

/// Keeps the `KEEP` newest entries whose name starts with `prefix`, and removes temporary
/// files left for over an hour by a build that was killed mid-write. Errors are ignored
/// (another build may be pruning too).
fn prune(dir: &Path, prefix: &str) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let mut entries = Vec::new();
    for e in read.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Ok(modified) = e.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        if name.starts_with(prefix) && name.ends_with(".bin") {
            entries.push((modified, e.path()));
        } else if name.starts_with('.') && name.ends_with(".tmp") {
            let age = now.duration_since(modified).unwrap_or_default();
            if age > std::time::Duration::from_secs(3600) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    if entries.len() > KEEP {
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (_, path) in entries.drain(KEEP..) {
            let _ = std::fs::remove_file(path);
        }
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `file` (in `dir`) whole or not at all: a temporary file in the same folder,
/// renamed over it.
fn write_atomic(dir: &Path, file: &Path, data: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = std::fs::write(&tmp, data).and_then(|()| std::fs::rename(&tmp, file));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

// ---------------------------------------------------------------------------------------
// A compact binary encoding: LEB128 lengths, little-endian numbers, UTF-8 text.

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }

    fn uvar(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn usize(&mut self, v: usize) {
        self.uvar(v as u64);
    }

    fn fixed(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }
}

/// Bounds-checked reads: every method returns `None` past the end or on bad data.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }

    fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn fixed(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        self.fixed()
    }

    fn uvar(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.uvar()?).ok()
    }

    /// A count of elements that take at least one byte each: never more than what is left
    /// (so a bad count cannot make a huge allocation).
    fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.buf.len() - self.pos).then_some(n)
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.usize()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    fn opt_string(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The catalog.

/// What [`Data::kind`] says, in a fixed order (a wrong-type flag stores its index).
const KINDS: [&str; 6] = [
    "null",
    "a boolean",
    "a number",
    "a string",
    "a list",
    "a mapping",
];

/// How deep a default value may nest in an entry (deeper: the entry is not trusted).
const MAX_DEPTH: usize = 64;

fn encode_catalog(c: &Catalog) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(c.items.len() * 512));
    w.u8(u8::from(c.wrapped));
    w.usize(c.items.len());
    for d in &c.items {
        w.usize(d.index);
        w.str(&d.slug);
        w.opt_str(d.id.as_deref());
        w.opt_str(d.display_name.as_deref());
        flag(&mut w, d.server);
        w.usize(d.settings.len());
        for s in &d.settings {
            w.str(&s.label);
            w.str(&s.kind);
            flag(&mut w, s.required);
            flag(&mut w, s.deprecated);
            data(&mut w, &s.default);
            w.str(&s.description);
        }
        w.usize(d.previous_names.len());
        for n in &d.previous_names {
            w.str(n);
        }
    }
    diagnostics(&mut w, &c.diagnostics);
    w.0
}

fn flag(w: &mut Writer, f: Flag) {
    match f {
        Flag::Unset => w.u8(0),
        Flag::Bool(false) => w.u8(1),
        Flag::Bool(true) => w.u8(2),
        Flag::WrongType(kind) => {
            w.u8(3);
            w.u8(KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len()) as u8);
        }
    }
}

fn data(w: &mut Writer, d: &Data) {
    match d {
        Data::Null => w.u8(0),
        Data::Bool(b) => {
            w.u8(1);
            w.u8(u8::from(*b));
        }
        Data::Int(i) => {
            w.u8(2);
            w.fixed(*i as u64);
        }
        Data::UInt(u) => {
            w.u8(3);
            w.fixed(*u);
        }
        Data::Float(f) => {
            w.u8(4);
            w.fixed(f.to_bits());
        }
        Data::Str(s) => {
            w.u8(5);
            w.str(s);
        }
        Data::Seq(items) => {
            w.u8(6);
            w.usize(items.len());
            for item in items {
                data(w, item);
            }
        }
        Data::Map(entries) => {
            w.u8(7);
            w.usize(entries.len());
            for (k, v) in entries {
                data(w, k);
                data(w, v);
            }
        }
    }
}

fn decode_catalog(payload: &[u8], path: &Path, display_path: &Path) -> Option<Catalog> {
    let mut r = Reader::new(payload);
    let wrapped = match r.u8()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let n = r.count()?;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        let index = r.usize()?;
        let slug = r.string()?;
        let id = r.opt_string()?;
        let display_name = r.opt_string()?;
        let server = read_flag(&mut r)?;
        let ns = r.count()?;
        let mut settings = Vec::with_capacity(ns);
        for _ in 0..ns {
            settings.push(Setting {
                label: r.string()?,
                kind: r.string()?,
                required: read_flag(&mut r)?,
                deprecated: read_flag(&mut r)?,
                default: read_data(&mut r, 0)?,
                description: r.string()?,
            });
        }
        let np = r.count()?;
        let mut previous_names = Vec::with_capacity(np);
        for _ in 0..np {
            previous_names.push(r.string()?);
        }
        items.push(Destination {
            index,
            slug,
            id,
            display_name,
            server,
            settings,
            previous_names,
        });
    }
    let diagnostics = read_diagnostics(&mut r)?;
    r.at_end()
        .then(|| Catalog::from_parts(path, display_path, items, diagnostics, wrapped))
}

fn diagnostics(w: &mut Writer, list: &[Diagnostic]) {
    w.usize(list.len());
    for d in list {
        w.u8(u8::from(d.severity == Severity::Error));
        w.str(d.code);
        w.str(&d.message);
        w.opt_str(d.help.as_deref());
        let loc = d.location.as_ref();
        w.opt_str(loc.map(|l| l.path.to_string_lossy()).as_deref());
        w.usize(loc.and_then(|l| l.line).unwrap_or(0));
        w.usize(loc.and_then(|l| l.column).unwrap_or(0));
        w.opt_str(loc.and_then(|l| l.source_line.as_deref()));
    }
}

fn read_diagnostics(r: &mut Reader<'_>) -> Option<Vec<Diagnostic>> {
    let n = r.count()?;
    let mut list = Vec::with_capacity(n);
    for _ in 0..n {
        let severity = match r.u8()? {
            0 => Severity::Warning,
            1 => Severity::Error,
            _ => return None,
        };
        // A code this version does not have makes the entry untrusted.
        let stored = r.str()?;
        let code = codes::ALL.iter().copied().find(|c| *c == stored)?;
        let mut d = Diagnostic::warning(code, r.string()?);
        d.severity = severity;
        d.help = r.opt_string()?;
        let file = r.opt_string()?;
        let (line, column) = (r.usize()?, r.usize()?);
        let source_line = r.opt_string()?;
        d.location = file.map(|f| Location {
            path: PathBuf::from(f),
            line: (line > 0).then_some(line),
            column: (column > 0).then_some(column),
            source_line,
        });
        list.push(d);
    }
    Some(list)
}

fn read_flag(r: &mut Reader<'_>) -> Option<Flag> {
    Some(match r.u8()? {
        0 => Flag::Unset,
        1 => Flag::Bool(false),
        2 => Flag::Bool(true),
        3 => Flag::WrongType(KINDS.get(usize::from(r.u8()?))?),
        _ => return None,
    })
}

fn read_data(r: &mut Reader<'_>, depth: usize) -> Option<Data> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match r.u8()? {
        0 => Data::Null,
        1 => Data::Bool(match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        }),
        2 => Data::Int(r.fixed()? as i64),
        3 => Data::UInt(r.fixed()?),
        4 => Data::Float(f64::from_bits(r.fixed()?)),
        5 => Data::Str(r.string()?),
        6 => {
            let n = r.count()?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(read_data(r, depth + 1)?);
            }
            Data::Seq(items)
        }
        7 => {
            let n = r.count()?;
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                entries.push((read_data(r, depth + 1)?, read_data(r, depth + 1)?));
            }
            Data::Map(entries)
        }
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// Chapters.

/// One chapter's result: its content becomes `content[body_start..] + suffix`, these
/// diagnostics are reported, and this is what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// Where the chapter's own content starts (after its front matter).
    pub body_start: usize,
    /// What was appended after it.
    pub suffix: String,
    /// The chapter's own diagnostics (warnings; a chapter with an error is not stored).
    pub diagnostics: Vec<Diagnostic>,
    /// What happened to it (for the run's counts and the unused catalog items).
    pub outcome: Outcome,
}

/// The chapter results of one book: those stored by an earlier run under the same book key,
/// and those of this run, stored again when anything changed.
#[derive(Debug)]
pub struct Pages {
    dir: PathBuf,
    file: PathBuf,
    key: Key,
    old: HashMap<u128, Done>,
    /// How many results were stored.
    stored: usize,
    new: Vec<(u128, Done)>,
    misses: usize,
}

impl Pages {
    /// The stored results of the book at `root`, when they were made under `key`.
    pub fn open(cache: &Cache, root: &Path, keying: &str, key: Key) -> Pages {
        let file = cache.dir.join(format!(
            "pages-{keying}-{:016x}.bin",
            xxh3_64(root.as_os_str().as_encoded_bytes())
        ));
        let old = std::fs::read(&file)
            .ok()
            .and_then(|bytes| decode_pages(open_entry(&bytes, KIND_PAGES, &key)?))
            .unwrap_or_default();
        Pages {
            dir: cache.dir.clone(),
            file,
            key,
            stored: old.len(),
            old,
            new: Vec::new(),
            misses: 0,
        }
    }

    /// Takes the stored result of a chapter with this key (see [`chapter_key`]); give it
    /// back with [`Pages::keep`] to keep it for the next run.
    pub fn take(&mut self, key: u128) -> Option<Done> {
        self.old.remove(&key)
    }

    /// Keeps a chapter's result (found or made) for the next run.
    pub fn keep(&mut self, key: u128, done: Done, hit: bool) {
        if !hit {
            self.misses += 1;
        }
        self.new.push((key, done));
    }

    /// Writes the results when this run made any, or the book lost chapters; failing to
    /// write is not an error (the next run processes the chapters again).
    pub fn save(self) {
        if self.misses == 0 && self.new.len() == self.stored {
            return;
        }
        let mut w = Writer(Vec::new());
        w.usize(self.new.len());
        for (key, done) in &self.new {
            w.0.extend_from_slice(&key.to_le_bytes());
            w.usize(done.body_start);
            w.str(&done.suffix);
            diagnostics(&mut w, &done.diagnostics);
            outcome(&mut w, &done.outcome);
        }
        if write_atomic(&self.dir, &self.file, &entry(KIND_PAGES, &self.key, &w.0)).is_ok() {
            prune(&self.dir, "pages-");
        }
    }
}

/// The key of a chapter: its name, path and whole content.
pub fn chapter_key(name: &str, source_path: Option<&str>, content: &str) -> u128 {
    let mut h = Xxh3Default::new();
    for part in [name, source_path.unwrap_or("\0draft"), content] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.digest128()
}

/// The key for everything but the chapters that their results depend on: this version,
/// the catalog's key, mdBook's whole configuration (the table, `src`, smart punctuation),
/// the book root, and the texts the sections are written with.
pub fn book_key(catalog_key: &Key, config: &[u8], root: &Path, texts: u128) -> Key {
    let mut h = Xxh3Default::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(b"pages");
    field(VERSION.as_bytes());
    field(&FORMAT.to_le_bytes());
    field(catalog_key);
    field(config);
    field(root.as_os_str().as_encoded_bytes());
    field(&texts.to_le_bytes());
    h.digest128().to_le_bytes()
}

fn outcome(w: &mut Writer, o: &Outcome) {
    match o {
        Outcome::NotDestination => w.u8(0),
        Outcome::Hidden { item } => {
            w.u8(1);
            match item {
                None => w.u8(0),
                Some(i) => {
                    w.u8(1);
                    w.usize(*i);
                }
            }
        }
        Outcome::NoItem { slug } => {
            w.u8(2);
            w.opt_str(slug.as_deref());
        }
        Outcome::Rendered { item, rows } => {
            w.u8(3);
            w.usize(*item);
            w.usize(*rows);
        }
    }
}

fn read_outcome(r: &mut Reader<'_>) -> Option<Outcome> {
    Some(match r.u8()? {
        0 => Outcome::NotDestination,
        1 => Outcome::Hidden {
            item: match r.u8()? {
                0 => None,
                1 => Some(r.usize()?),
                _ => return None,
            },
        },
        2 => Outcome::NoItem {
            slug: r.opt_string()?,
        },
        3 => Outcome::Rendered {
            item: r.usize()?,
            rows: r.usize()?,
        },
        _ => return None,
    })
}

fn decode_pages(payload: &[u8]) -> Option<HashMap<u128, Done>> {
    let mut r = Reader::new(payload);
    let n = r.count()?;
    let mut map = HashMap::with_capacity(n);
    for _ in 0..n {
        let key = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
        let done = Done {
            body_start: r.usize()?,
            suffix: r.string()?,
            diagnostics: read_diagnostics(&mut r)?,
            outcome: read_outcome(&mut r)?,
        };
        map.insert(key, done);
    }
    r.at_end().then_some(map)
}

fn format_byte(format: Format) -> u8 {
    match format {
        Format::Json => 1,
        Format::Yaml => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = r#"items:
- id: "1"
  slug: acme
  display_name: Acme
  platforms: {server: true}
  previous_names: [Old Acme, 3]
  settings:
  - label: API Key
    type: string
    required: "yes"
    defaultValue: {a: [1, 2.5, -3, 18446744073709551615, null, true]}
    description: Your *key*.
  - label: 7
    deprecated: true
- slug: acme
  platforms: {server: 1}
"#;

    fn parsed() -> Catalog {
        Catalog::parse(
            CATALOG.as_bytes(),
            Format::Yaml,
            Path::new("/b/c.yml"),
            Path::new("c.yml"),
        )
        .unwrap()
    }

    #[test]
    fn a_catalog_round_trips_exactly() {
        let c = parsed();
        let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&codes::CATALOG_TYPE) && codes.contains(&codes::DUPLICATE_SLUG));
        assert!(c.diagnostics.iter().any(|d| d.help.is_some()));
        assert!(c
            .diagnostics
            .iter()
            .all(|d| d.location.as_ref().is_some_and(|l| l.line.is_some())));
        let bytes = encode_catalog(&c);
        let back = decode_catalog(&bytes, &c.path, &c.display_path).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.get("acme").unwrap().index, 0);
        assert_eq!(back.get_by_id("1").unwrap().slug, "acme");
    }

    #[test]
    fn every_truncation_and_every_bit_flip_is_rejected_or_harmless() {
        let c = parsed();
        let key = catalog_key(CATALOG.as_bytes(), Format::Yaml);
        let e = entry(KIND_CATALOG, &key, &encode_catalog(&c));
        assert!(open_entry(&e, KIND_CATALOG, &key).is_some());
        assert!(open_entry(&e, KIND_CATALOG + 1, &key).is_none());
        assert!(open_entry(&e, KIND_CATALOG, &[0; 16]).is_none());
        for len in 0..e.len() {
            assert!(open_entry(&e[..len], KIND_CATALOG, &key).is_none(), "{len}");
        }
        for i in 0..e.len() {
            let mut bad = e.clone();
            bad[i] ^= 0x10;
            assert!(open_entry(&bad, KIND_CATALOG, &key).is_none(), "byte {i}");
        }
        // The decoder itself never panics on garbage, and never returns a wrong catalog
        // for a valid prefix.
        let payload = encode_catalog(&c);
        for len in 0..payload.len() {
            assert!(decode_catalog(&payload[..len], &c.path, &c.display_path).is_none());
        }
        let mut state = 7u64;
        for _ in 0..2000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let mut bad = payload.clone();
            let i = (state >> 33) as usize % bad.len();
            bad[i] = (state >> 20) as u8;
            let _ = decode_catalog(&bad, &c.path, &c.display_path);
        }
    }

    #[test]
    fn a_valid_entry_is_used_instead_of_parsing() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.yml");
        std::fs::write(&path, CATALOG).unwrap();
        let dir = tmp.path().join("cache");
        let (first, cache) = load_catalog(&path, Path::new("c.yml"), "k", Some(&dir)).unwrap();
        assert_eq!(first, parsed_at(&path));
        let cache = cache.unwrap();
        assert_eq!(
            cache.catalog_key,
            catalog_key(CATALOG.as_bytes(), Format::Yaml)
        );
        // Swap in an entry, for the same bytes, that says something else: a hit returns it.
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut other = first.clone();
        other.items[0].display_name = Some("From the cache".into());
        std::fs::write(
            &file,
            entry(KIND_CATALOG, &cache.catalog_key, &encode_catalog(&other)),
        )
        .unwrap();
        let (second, _) = load_catalog(&path, Path::new("c.yml"), "k", Some(&dir)).unwrap();
        assert_eq!(
            second.items[0].display_name.as_deref(),
            Some("From the cache")
        );
        // Without a cache folder, the file is parsed.
        let (third, none) = load_catalog(&path, Path::new("c.yml"), "k", None).unwrap();
        assert_eq!(third, first);
        assert_eq!(none, None);
    }

    fn parsed_at(path: &Path) -> Catalog {
        Catalog::parse(CATALOG.as_bytes(), Format::Yaml, path, Path::new("c.yml")).unwrap()
    }

    #[test]
    fn concurrent_writers_and_readers_see_whole_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let file = dir.join("entry.bin");
        let contents: Vec<Vec<u8>> = (0..4u8)
            .map(|i| vec![i; 200_000 + usize::from(i)])
            .collect();
        std::thread::scope(|s| {
            for c in &contents {
                let (dir, file) = (&dir, &file);
                s.spawn(move || {
                    for _ in 0..50 {
                        write_atomic(dir, file, c).unwrap();
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..500 {
                    if let Ok(read) = std::fs::read(&file) {
                        assert!(
                            contents.contains(&read),
                            "a torn entry of {} bytes",
                            read.len()
                        );
                    }
                }
            });
        });
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "temporary files are renamed or removed");
    }

    #[test]
    fn prune_keeps_the_newest_entries_of_a_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for i in 0..KEEP + 5 {
            let f = dir.join(format!("pages-{i:04}.bin"));
            std::fs::write(&f, b"x").unwrap();
            let t = old + std::time::Duration::from_secs(i as u64);
            std::fs::File::options()
                .write(true)
                .open(&f)
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
        std::fs::write(dir.join("catalog-a.bin"), b"x").unwrap();
        let stale = dir.join(".pages-x.bin.1.2.tmp");
        std::fs::write(&stale, b"x").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let fresh = dir.join(".pages-y.bin.1.3.tmp");
        std::fs::write(&fresh, b"x").unwrap();
        prune(dir, "pages-");
        let pages = (0..KEEP + 5)
            .filter(|i| dir.join(format!("pages-{i:04}.bin")).exists())
            .collect::<Vec<_>>();
        assert_eq!(
            pages,
            (5..KEEP + 5).collect::<Vec<_>>(),
            "the oldest five go"
        );
        assert!(dir.join("catalog-a.bin").exists(), "other kinds stay");
        assert!(
            !stale.exists() && fresh.exists(),
            "only old temporary files go"
        );
    }

    #[test]
    fn the_key_follows_content_format_and_nothing_else() {
        let a = catalog_key(b"items: []", Format::Yaml);
        assert_eq!(a, catalog_key(b"items: []", Format::Yaml));
        assert_ne!(a, catalog_key(b"items: [] ", Format::Yaml));
        assert_ne!(a, catalog_key(b"items: []", Format::Json));
    }

    #[test]
    fn deep_data_is_refused_not_overflowed() {
        let mut w = Writer(Vec::new());
        for _ in 0..10_000 {
            w.u8(6);
            w.usize(1);
        }
        w.u8(0);
        assert_eq!(read_data(&mut Reader::new(&w.0), 0), None);
    }

    #[test]
    fn cache_dir_is_never_inside_src_or_the_build_folder() {
        let mut cfg = Config::default();
        let root = Path::new("/book");
        let (src, build) = (Path::new("src"), Path::new("book"));
        cfg.cache_dir = Some(PathBuf::from("src/.cache"));
        assert!(dir_for(&cfg, root, src, build).is_err());
        cfg.cache_dir = Some(PathBuf::from("./book/../book/x"));
        assert!(dir_for(&cfg, root, src, build).is_err());
        cfg.cache_dir = Some(PathBuf::from(".cache"));
        assert_eq!(
            dir_for(&cfg, root, src, build).unwrap(),
            Some(PathBuf::from("/book/.cache"))
        );
        cfg.cache_dir = Some(PathBuf::from("/var/cache/x"));
        assert_eq!(
            dir_for(&cfg, root, src, build).unwrap(),
            Some(PathBuf::from("/var/cache/x"))
        );
        cfg.cache = false;
        assert_eq!(dir_for(&cfg, root, src, build).unwrap(), None);
    }

    #[test]
    fn chapter_results_round_trip_under_their_book_key() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache {
            dir: tmp.path().join("c"),
            catalog_key: [7; 16],
        };
        let root = Path::new("/book");
        let key = book_key(&cache.catalog_key, b"{}", root, 1);
        let done = Done {
            body_start: 3,
            suffix: "\n## Settings\n".into(),
            diagnostics: vec![Diagnostic::warning(codes::NO_CATALOG_ITEM, "m")
                .at(Location::at("src/a.md", 2, 1).with_source("x\ny", 1))
                .with_help("h")],
            outcome: Outcome::Rendered { item: 4, rows: 2 },
        };
        let k = chapter_key("A", Some("a.md"), "---\nbody");
        let mut pages = Pages::open(&cache, root, "raw", key);
        assert!(pages.take(k).is_none());
        pages.keep(k, done.clone(), false);
        pages.keep(
            chapter_key("B", None, ""),
            Done {
                outcome: Outcome::NoItem { slug: None },
                diagnostics: vec![],
                ..done.clone()
            },
            false,
        );
        pages.save();
        let mut again = Pages::open(&cache, root, "raw", key);
        assert_eq!(again.take(k), Some(done));
        assert_eq!(again.take(k), None, "taken once");
        // Chapters keyed the other way (a book held as values, for `check`) are apart.
        assert!(Pages::open(&cache, root, "decoded", key).take(k).is_none());
        // Another book key (a text, the config, the catalog changed): nothing is found.
        let other = book_key(&cache.catalog_key, b"{}", root, 2);
        assert!(Pages::open(&cache, root, "raw", other).take(k).is_none());
        assert_ne!(
            chapter_key("A", Some("a.md"), "x"),
            chapter_key("A", Some("b.md"), "x")
        );
        assert_ne!(chapter_key("A", None, "x"), chapter_key("B", None, "x"));
    }
}
