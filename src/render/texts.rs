//! The words around the generated sections.
//!
//! The Personas paragraphs and the Settings intro are the seed's (Segment's
//! `destination-footer` include, segment-docs, © Segment.io, Inc., CC-BY-4.0: see
//! <https://github.com/segmentio/segment-docs> and
//! <https://creativecommons.org/licenses/by/4.0/>). They are the output this tool is
//! specified to reproduce by default, kept here in one place so that a book can replace
//! them. The default sync note is our own.

/// The Personas section's heading.
pub const PERSONAS_HEADING: &str = "Personas";

/// The Personas section's three paragraphs (markdown). From the seed, CC-BY-4.0.
pub const PERSONAS_TEXT: &str = "\
You can send computed traits and audiences generated using [Segment Personas](/docs/personas) \
to this destination as a **user property**. To learn more about Personas, contact us for a \
[demo](https://segment.com/contact/demo).

For user-property destinations, an [identify](/docs/connections/spec/identify/) call is sent to \
the destination for each user being added and removed. The property name is the snake_cased \
version of the audience name, with a true/false value to indicate membership. For example, when \
a user first completes an order in the last 30 days, Personas sends an Identify call with the \
property `order_completed_last_30days: true`. When the user no longer satisfies this condition \
(for example, it's been more than 30 days since their last order), Personas sets that value to \
`false`.

When you first create an audience, Personas sends an Identify call for every user in that \
audience. Later audience syncs only send updates for users whose membership has changed since \
the last sync.
";

/// The Settings section's heading.
pub const SETTINGS_HEADING: &str = "Settings";

/// The sentence under the Settings heading. From the seed, CC-BY-4.0.
pub const SETTINGS_INTRO: &str =
    "Segment lets you change these destination settings from the Segment app without having to touch any code.";

/// The sync-frequency note used when the book configures none (our own words).
pub const DEFAULT_SYNC_NOTE: &str = "\
> **How often audiences sync:** the first sync of a new audience to a real-time destination \
can take several hours to finish. After that, changes in membership are sent every few hours.
";
