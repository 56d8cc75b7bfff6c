//! Front matter splitting and parsing on arbitrary chapter text: never a panic; a block
//! found lies inside the chapter and starts it; an error names the chapter and, when it
//! has a line, one inside the chapter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_destinations::frontmatter;
use std::path::Path;

/// Lines in a text as YAML counts them (`\r\n`, `\n` and a lone `\r` each end one),
/// plus one for a position just past the end.
fn lines(text: &[u8]) -> usize {
    let mut n = 1;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\r' if text.get(i + 1) == Some(&b'\n') => {
                n += 1;
                i += 1;
            }
            b'\r' | b'\n' => n += 1,
            _ => {}
        }
        i += 1;
    }
    n + 1
}

fuzz_target!(|data: &[u8]| {
    let content = String::from_utf8_lossy(data);
    let content: &str = &content;
    let chapter = Path::new("src/fuzz/index.md");
    let split = frontmatter::split(content);
    if let Some(block) = split {
        assert!(block.body_start <= content.len());
        assert!(content.is_char_boundary(block.body_start));
        let start = content.strip_prefix('\u{feff}').unwrap_or(content);
        assert!(start.starts_with("---"), "a block starts the chapter");
        // The YAML is a slice of the chapter, before the body.
        let yaml_at = block.yaml.as_ptr() as usize - content.as_ptr() as usize;
        assert!(yaml_at + block.yaml.len() <= block.body_start);
    }
    match frontmatter::parse(content, chapter) {
        Ok(parsed) => {
            assert_eq!(parsed.block, split);
            assert_eq!(
                parsed.body_start(),
                split.map_or(0, |b| b.body_start),
                "the body starts after the block"
            );
            for (key, _) in &parsed.front.entries {
                // Every key can be looked up, and a located key is inside the chapter.
                let loc = parsed.key_location(chapter, key);
                assert_eq!(loc.path, chapter);
                if let Some(line) = loc.line {
                    assert!(line >= 1 && line <= lines(content.as_bytes()));
                }
            }
        }
        Err(e) => {
            assert!(split.is_some(), "no front matter, no error");
            let d = e.diagnostic();
            let loc = d.location.as_ref().expect("an error names the chapter");
            assert_eq!(loc.path, chapter);
            if let Some(line) = loc.line {
                assert!(
                    line >= 1 && line <= lines(content.as_bytes()),
                    "line {line} in {content:?}"
                );
            }
            let _ = d.to_string();
        }
    }
});
