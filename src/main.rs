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
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    match preprocessor::run_protocol(&input) {
        Ok(run) => {
            for d in &run.diagnostics {
                let _ = writeln!(err, "{d}");
            }
            match run.book.write_to(std::io::stdout().lock()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    let _ = writeln!(err, "{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(failure) => {
            for d in &failure.diagnostics {
                let _ = writeln!(err, "{d}");
            }
            let _ = writeln!(err, "{}", failure.error);
            ExitCode::FAILURE
        }
    }
}
