//! `mdbook-destinations`: an mdBook preprocessor that appends, to every destination page
//! of a book, the reference sections generated from a catalog of destinations — a
//! **Personas** section for destinations that run on servers, a sync-frequency note, and a
//! **Settings** table — each governed by the chapter's front matter flags.
//!
//! The data flows through one module per step:
//!
//! 1. [`protocol`]: the `[context, book]` JSON mdBook writes on stdin, both the 0.5 and the
//!    0.4 shapes, and the book written back;
//! 2. [`config`]: the `[preprocessor.destinations]` table;
//! 3. [`catalog`]: the catalog file (Jekyll `_data` YAML, or JSON) and its slug index;
//! 4. [`frontmatter`] and [`pages`]: each chapter's front matter, and which chapters are
//!    destination pages (and with which slug);
//! 5. [`render`]: the generated sections, as pure functions from data to a string;
//! 6. [`preprocessor`]: the run that ties them together and collects [`diagnostics`];
//!    [`cache`] keeps the parsed catalog between runs.
//!
//! [`install`] sets a book up for it (`book.toml` and the stylesheet); [`check`] reads a
//! book as a build would and reports.

pub mod cache;
pub mod catalog;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod frontmatter;
pub mod install;
pub mod limits;
pub mod markdown;
pub mod pages;
pub mod partials;
pub mod preprocessor;
pub mod protocol;
pub mod render;
pub mod source_map;
pub mod suggest;
pub mod template;

pub use diagnostics::{Diagnostic, Error, Location, Result, Severity};
