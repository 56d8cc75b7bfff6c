//! The `mdbook-destinations` command: the preprocessor itself (no arguments), and
//! `supports RENDERER` for mdBook.

use clap::{Parser, Subcommand};
use mdbook_destinations::{check, preprocessor};
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
            ExitCode::FAILURE
        }
    }
}
