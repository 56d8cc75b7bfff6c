//! "Did you mean" for a page slug that has no catalog item: the nearest catalog slugs by
//! edit distance, found through an index instead of a scan of every slug.
//!
//! [`SlugIndex::nearest`] gives exactly what [`crate::preprocessor::nearest_slugs`] gives
//! over all the catalog's slugs; it only skips, soundly, the slugs that cannot be within
//! the distance limit. Two strings within Levenshtein distance `k` share at least
//! `max(|a|, |b|) - 1 - 2k` bigrams (counted with multiplicity): each edit destroys at
//! most two of the longer string's bigrams. So only slugs of a near length that share
//! enough bigrams with the page's slug are measured; with a few hundred pages without an
//! item against a few thousand slugs, that is a few dozen distance computations per page
//! instead of thousands.

use std::collections::HashMap;

/// The catalog's distinct slugs, indexed by length and by bigram.
#[derive(Debug, Default)]
pub struct SlugIndex {
    /// Distinct slugs and their lengths in characters.
    slugs: Vec<(String, usize)>,
    /// Bigram → (slug, occurrences of the bigram in it).
    postings: HashMap<(char, char), Vec<(u32, u16)>>,
    /// Length in characters → slugs of that length (for very short queries).
    by_len: HashMap<usize, Vec<u32>>,
}

impl SlugIndex {
    /// Indexes `slugs` (repeats are indexed once).
    pub fn new<'a>(slugs: impl IntoIterator<Item = &'a str>) -> SlugIndex {
        let mut index = SlugIndex::default();
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for slug in slugs {
            if seen.insert(slug, ()).is_some() {
                continue;
            }
            let id = index.slugs.len() as u32;
            let len = slug.chars().count();
            index.slugs.push((slug.to_string(), len));
            index.by_len.entry(len).or_default().push(id);
            for (gram, n) in bigrams(slug) {
                index.postings.entry(gram).or_default().push((id, n));
            }
        }
        index
    }

    /// Up to three slugs within a small edit distance of `slug`, nearest first (ties in
    /// alphabetical order): the same answer as [`crate::preprocessor::nearest_slugs`].
    pub fn nearest(&self, slug: &str) -> Vec<&str> {
        let la = slug.chars().count();
        let limit = limit(la);
        // The fewest bigrams a slug of length `lb` within the limit must share with it.
        let needed = |lb: usize| la.max(lb) as isize - 1 - 2 * limit as isize;
        let near_len = |lb: usize| la.abs_diff(lb) <= limit;
        // Bigrams shared with each slug that has any, counted in one array.
        let mut shared = vec![0u32; self.slugs.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (gram, n) in bigrams(slug) {
            if let Some(list) = self.postings.get(&gram) {
                for &(id, m) in list {
                    let count = &mut shared[id as usize];
                    if *count == 0 {
                        touched.push(id);
                    }
                    *count += u32::from(n.min(m));
                }
            }
        }
        let mut candidates: Vec<u32> = touched
            .into_iter()
            .filter(|&id| {
                let lb = self.slugs[id as usize].1;
                near_len(lb) && shared[id as usize] as isize >= needed(lb)
            })
            .collect();
        // Slugs that need no shared bigram at all (very short ones) are found by length.
        for lb in la.saturating_sub(limit)..=la + limit {
            if needed(lb) <= 0 {
                if let Some(ids) = self.by_len.get(&lb) {
                    candidates.extend(ids.iter().filter(|&&id| shared[id as usize] == 0));
                }
            }
        }
        let mut scored: Vec<(usize, &str)> = candidates
            .into_iter()
            .map(|id| self.slugs[id as usize].0.as_str())
            .map(|s| (strsim::levenshtein(slug, s), s))
            .filter(|&(d, _)| d <= limit)
            .collect();
        scored.sort_unstable();
        scored.into_iter().take(3).map(|(_, s)| s).collect()
    }
}

/// The distance within which a slug of `len` characters counts as near.
pub fn limit(len: usize) -> usize {
    (len / 3).clamp(1, 6)
}

/// The bigrams of `s` (by character) with how often each occurs.
fn bigrams(s: &str) -> Vec<((char, char), u16)> {
    let chars: Vec<char> = s.chars().collect();
    let mut grams: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    grams.sort_unstable();
    let mut out: Vec<((char, char), u16)> = Vec::with_capacity(grams.len());
    for g in grams {
        match out.last_mut() {
            Some((last, n)) if *last == g => *n = n.saturating_add(1),
            _ => out.push((g, 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preprocessor::nearest_slugs;

    /// A tiny deterministic generator for test strings.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn word(state: &mut u64, alphabet: &[char], max: usize) -> String {
        let len = 1 + (next(state) as usize) % max;
        (0..len)
            .map(|_| alphabet[(next(state) as usize) % alphabet.len()])
            .collect()
    }

    /// A variant of `s` a few random edits away.
    fn mutate(state: &mut u64, s: &str, alphabet: &[char]) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..(next(state) % 5) {
            let pos = (next(state) as usize) % (chars.len() + 1);
            let c = alphabet[(next(state) as usize) % alphabet.len()];
            match next(state) % 3 {
                0 => chars.insert(pos, c),
                1 if pos < chars.len() => {
                    chars.remove(pos);
                }
                _ if pos < chars.len() => chars[pos] = c,
                _ => chars.push(c),
            }
        }
        chars.into_iter().collect()
    }

    #[test]
    fn agrees_with_the_full_scan() {
        let alphabet: Vec<char> = "abcde-xyzé1".chars().collect();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..40 {
            let catalog: Vec<String> = (0..60)
                .map(|_| word(&mut state, &alphabet, 3 + round % 20))
                .collect();
            let index = SlugIndex::new(catalog.iter().map(String::as_str));
            for i in 0..60 {
                let query = if i % 2 == 0 {
                    mutate(&mut state, &catalog[i], &alphabet)
                } else {
                    word(&mut state, &alphabet, 3 + round % 20)
                };
                let full = nearest_slugs(&query, catalog.iter().map(String::as_str));
                assert_eq!(index.nearest(&query), full, "query {query:?}");
            }
        }
    }

    #[test]
    fn finds_near_slugs_and_not_far_ones() {
        let index = SlugIndex::new(["close", "closely", "amplitude", "close", "a", "b"]);
        assert_eq!(index.nearest("actions-close"), Vec::<&str>::new());
        assert_eq!(index.nearest("closs"), vec!["close"]);
        assert_eq!(index.nearest("closel"), vec!["close", "closely"]);
        assert_eq!(index.nearest("amplitud"), vec!["amplitude"]);
        assert_eq!(index.nearest("c"), vec!["a", "b"]);
        assert_eq!(SlugIndex::new([]).nearest("x"), Vec::<&str>::new());
    }
}
