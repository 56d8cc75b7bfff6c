//! The `mdbook-destinations` command: the preprocessor itself (no arguments),
//! `supports RENDERER` for mdBook, and `install [BOOK_DIR]` to set a book up.

use clap::{Parser, Subcommand};
use mdbook_destinations::{check, install, preprocessor};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// mdBook preprocessor: appends Personas and Settings sections, generated from a catalog
/// of destinations, to destination pages.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Tells mdBook whether a renderer is supported (always: the output is markdown with
    /// raw HTML, which every renderer takes).
    Supports {
        /// The renderer's name (`html`, `markdown`, …).
        renderer: String,
    },
    /// Reads the book, its chapters and the catalog as a build would, without building,
    /// and reports every problem and a summary.
    Check {
        /// The book folder (holding book.toml).
        #[arg(default_value = ".")]
        book_dir: PathBuf,
        /// Exit with status 2 when there are warnings (and no errors).
        #[arg(long)]
        deny_warnings: bool,
        /// `human` (rustc-like lines) or `json` (one document, for tools).
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Sets a book up for this preprocessor (book.toml and a stylesheet).
    ///
    /// Adds [preprocessor.destinations] to the book's book.toml, the catalog's folder to
    /// build.extra-watch-dirs (so `mdbook serve` rebuilds when it changes), and the
    /// stylesheet for the generated sections to output.html.additional-css. Keeps the
    /// file's comments and formatting; running it again changes nothing.
    Install {
        /// The book's folder (the one holding book.toml).
        #[arg(default_value = ".")]
        book_dir: std::path::PathBuf,
        /// The catalog, relative to the book folder [default: data/catalog/destinations.yml,
        /// or the catalog already configured].
        #[arg(long, value_name = "PATH")]
        catalog: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Supports { .. }) => ExitCode::SUCCESS,
        Some(Command::Check {
            book_dir,
            deny_warnings,
            format,
        }) => {
            let report = check::check(&book_dir);
            let text = match format {
                OutputFormat::Human => check::render_human(&report, &book_dir),
                OutputFormat::Json => check::render_json(&report, &book_dir),
            };
            // The report is the command's output: stdout, so it can be piped or saved.
            print!("{text}");
            ExitCode::from(check::exit_code(&report, deny_warnings))
        }
        Some(Command::Install { book_dir, catalog }) => run_install(book_dir, catalog),
        None => run_preprocessor(),
    }
}

fn run_preprocessor() -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        eprintln!("error[E001]: cannot read stdin: {e}");
        return ExitCode::FAILURE;
    }
    // Messages are written in one go (stderr is unbuffered: one system call per fragment
    // otherwise, hundreds on a book with many warnings), warnings before the book.
    let messages = |diagnostics: &[mdbook_destinations::Diagnostic], last: Option<String>| {
        let mut text = String::new();
        for d in diagnostics {
            text.push_str(&d.to_string());
            text.push('\n');
        }
        if let Some(last) = last {
            text.push_str(&last);
            text.push('\n');
        }
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    };
    match preprocessor::run_protocol(&input) {
        Ok(run) => {
            messages(&run.diagnostics, None);
            match run.book.write_to(mdbook_destinations::protocol::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    messages(&[], Some(e.to_string()));
                    ExitCode::FAILURE
                }
            }
        }
        Err(failure) => {
            messages(&failure.diagnostics, None);
            ExitCode::FAILURE
        }
    }
}

fn run_install(book_dir: std::path::PathBuf, catalog: Option<String>) -> ExitCode {
    let options = install::Options { book_dir, catalog };
    match install::install(&options) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            if report.changes.is_empty() {
                println!(
                    "{}: already set up for mdbook-destinations; nothing changed",
                    options.book_dir.join("book.toml").display()
                );
            }
            for change in &report.changes {
                println!("{change}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
