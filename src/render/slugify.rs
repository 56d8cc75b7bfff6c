//! Jekyll's `slugify` filter, default mode: every run of characters that are not Unicode
//! letters, marks or decimal digits becomes one `-`, a leading and a trailing `-` are
//! dropped, and the rest is lower-cased.

use regex::Regex;
use std::sync::LazyLock;

static NOT_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\p{M}\p{L}\p{Nd}]+").expect("a valid regex"));

/// `Événement ID` → `événement-id`, `C++ / C#` → `c-c`.
pub fn slugify(text: &str) -> String {
    if text.is_ascii() {
        return slugify_ascii(text);
    }
    let dashed = NOT_WORD.replace_all(text, "-");
    dashed.trim_matches('-').to_lowercase()
}

/// [`slugify`] for ASCII text, without the regex: the letters, marks and decimal digits
/// of ASCII are `[A-Za-z0-9]`.
fn slugify_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            gap = true;
        }
    }
    out
}

/// Gives each id of one table a unique value: the second `a` becomes `a-2`, the third
/// `a-3`; an id that is already taken by an earlier suffix moves on to the next number.
#[derive(Debug, Default)]
pub struct UniqueIds {
    seen: std::collections::HashSet<String>,
}

impl UniqueIds {
    /// The unique form of `id` (empty stays empty: no anchor).
    pub fn claim(&mut self, id: String) -> String {
        if id.is_empty() {
            return id;
        }
        if self.seen.insert(id.clone()) {
            return id;
        }
        (2..)
            .map(|n| format!("{id}-{n}"))
            .find(|candidate| self.seen.insert(candidate.clone()))
            .expect("an unused suffix")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_path_agrees_with_the_regex() {
        let pieces = [
            "A", "z", "0", "9", "-", "_", " ", "--", "C++", "#", ".", "é",
        ];
        let mut state = 0x1234_5678u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 7) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % (pieces.len() - 1)]);
            }
            let by_regex = NOT_WORD
                .replace_all(&text, "-")
                .trim_matches('-')
                .to_lowercase();
            assert_eq!(slugify_ascii(&text), by_regex, "{text:?}");
        }
    }

    #[test]
    fn examples() {
        assert_eq!(slugify("Événement ID"), "événement-id");
        assert_eq!(slugify("C++ / C#"), "c-c");
        assert_eq!(slugify("API Key"), "api-key");
        assert_eq!(
            slugify("  --Leading and trailing--  "),
            "leading-and-trailing"
        );
        assert_eq!(slugify("snake_case_name"), "snake-case-name");
        assert_eq!(slugify("Use v2.0 API?"), "use-v2-0-api");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify(""), "");
    }

    #[test]
    fn unicode_letters_marks_and_digits() {
        // Marks stay (combining acute), other scripts stay, case folds fully.
        assert_eq!(slugify("Cafe\u{301} Ñandú"), "cafe\u{301}-ñandú");
        assert_eq!(slugify("日本語 ラベル"), "日本語-ラベル");
        assert_eq!(slugify("ΣΟΦΙΑ"), "σοφια");
        // Arabic-Indic digits are decimal digits; superscripts and fractions are not.
        assert_eq!(slugify("رقم ٣"), "رقم-٣");
        assert_eq!(slugify("x² ½"), "x");
        // Emoji are not letters.
        assert_eq!(slugify("Fast 🚀 mode"), "fast-mode");
    }

    #[test]
    fn unique_ids() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("a".into()), "a");
        assert_eq!(ids.claim("a-2".into()), "a-2");
        assert_eq!(ids.claim("a".into()), "a-3");
        assert_eq!(ids.claim("a".into()), "a-4");
        assert_eq!(ids.claim("".into()), "");
        assert_eq!(ids.claim("".into()), "");
    }
}
