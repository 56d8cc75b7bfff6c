//! The `mdbook-destinations` command: the preprocessor itself (no arguments), and
//! `supports RENDERER` for mdBook.

use clap::{Parser, Subcommand};
use mdbook_destinations::preprocessor;
use std::io::{Read, Write};
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Supports { .. }) => ExitCode::SUCCESS,
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
            messages(&failure.diagnostics, Some(failure.error.to_string()));
            ExitCode::FAILURE
        }
    }
}
