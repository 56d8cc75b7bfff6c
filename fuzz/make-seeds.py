#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/seeds/TARGET/) from the project's fixtures:
the example catalog, the example book's chapters and its protocol input, and small
hostile samples. Run from anywhere; the files are committed, so this is only needed when
the fixtures change."""
import json, os, pathlib, re, shutil

FUZZ = pathlib.Path(__file__).resolve().parent
REPO = FUZZ.parent
SEEDS = FUZZ / "seeds"


def put(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def yaml_to_json(text):
    # The example catalog is plain block YAML; PyYAML may be absent, so only when present.
    try:
        import yaml
    except ImportError:
        return None
    return json.dumps(yaml.safe_load(text), indent=1)


# seeds/render is not written here: its input is structured (arbitrary), so its seeds are
# a sample of a fuzzing run's corpus.
for target in ("frontmatter", "catalog", "preprocessor"):
    shutil.rmtree(SEEDS / target, ignore_errors=True)
catalog = (REPO / "data/catalog/destinations.yml").read_text()
chapters = sorted((REPO / "book-example/src").rglob("*.md"))

# front matter: every chapter of the example book, and edge cases
for p in chapters:
    put("frontmatter", "book-" + p.relative_to(REPO / "book-example/src").as_posix().replace("/", "-"), p.read_bytes())
edge = {
    "crlf": "---\r\nslug: a\r\nhide-settings: true\r\n---\r\n# T\r\n",
    "bom": "\ufeff---\ntitle: A\n---\nbody",
    "dots": "---\nlayout: destination\n...\nbody",
    "empty": "---\n---\n",
    "unclosed": "---\nslug: a\n",
    "bad-yaml": "---\ntitle: A\nbad: [1, 2\n---\n",
    "not-bool": "---\nhide-boilerplate: \"true\"\n---\n",
    "list": "---\n- a\n---\n",
    "alias": "---\na: &a [x, y]\nb: [*a, *a]\nslug: *a\n---\n",
    "deep": "---\na: " + "[" * 200 + "]" * 200 + "\n---\n",
    "tabs": "---\n\tslug: x\n---\n",
}
for k, v in edge.items():
    put("frontmatter", k, v)

# catalog: first byte even = YAML, odd = JSON
put("catalog", "example-yaml", b"\x00" + catalog.encode())
as_json = yaml_to_json(catalog)
if as_json:
    put("catalog", "example-json", b"\x01" + as_json.encode())
put("catalog", "bare-list", b"\x00- slug: a\n  settings:\n  - label: X\n    defaultValue: [1, {a: b}]\n")
put("catalog", "no-slug", b"\x00items:\n- id: x\n  settings: []\n")
put("catalog", "alias", b"\x00x: &d [a, b]\nitems:\n- slug: a\n  settings:\n  - label: &l L\n    defaultValue: *d\n  - label: *l\n")
put("catalog", "json-small", b'\x01{"items": [{"slug": "a", "platforms": {"server": true}, "settings": [{"label": 1, "type": "boolean", "defaultValue": false, "description": "<b>x"}]}]}')
put("catalog", "wrong-types", b"\x00items:\n- slug: 12\n  platforms: {server: 'true'}\n  settings:\n  - label: [a]\n    required: yes\n    deprecated: 1\n")

# preprocessor: the example book's protocol input, both mdBook shapes; @ROOT@ is the book
config = {
    "book": {"src": "src", "title": "Fuzz"},
    "preprocessor": {"destinations": {
        "catalog": "data/catalog/destinations.yml",
        "sync-note": "includes/sync-frequency-note.md",
        "pages": ["destinations/*/index.md"],
    }},
}


def chapter(p, number):
    rel = p.relative_to(REPO / "book-example/src").as_posix()
    return {"Chapter": {"name": rel, "content": p.read_text(), "number": number,
                        "sub_items": [], "path": rel, "source_path": rel, "parent_names": []}}


items = []
for i, p in enumerate(chapters):
    items.append(chapter(p, [i + 1]))
    if i == 2:
        items.append("Separator")
        items.append({"PartTitle": "Part"})
# one nested chapter and one draft
items[0]["Chapter"]["sub_items"].append(chapter(chapters[-1], [1, 1]))
items.append({"Chapter": {"name": "Draft", "content": "", "number": None, "sub_items": [],
                          "path": None, "source_path": None, "parent_names": []}})
ctx = {"root": "@ROOT@", "config": config, "renderer": "html", "mdbook_version": "0.5.4"}
put("preprocessor", "example-05", json.dumps([ctx, {"items": items}]))
ctx04 = dict(ctx, mdbook_version="0.4.52")
put("preprocessor", "example-04", json.dumps([ctx04, {"sections": items, "__non_exhaustive": None}]))
strict = json.loads(json.dumps(config))
strict["preprocessor"]["destinations"]["strict"] = True
put("preprocessor", "strict", json.dumps([dict(ctx, config=strict), {"items": items[:3]}]))
put("preprocessor", "layout", json.dumps([ctx, {"items": [{"Chapter": {
    "name": "x", "content": "---\nlayout: destination\nslug: tidewater-crm\n---\n```\nopen fence\n",
    "number": [1], "sub_items": [], "path": "x.md", "source_path": "x.md", "parent_names": []}}]}]))
