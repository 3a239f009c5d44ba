"""The Markdown reader (cases/markdown_ext.py) reuses one Markdown instance for every file: each file
must read exactly as it would with a fresh instance, whatever was read before it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.plugins.engagement.cases.markdown_ext import CASES_KEY, EngagementMarkdownReader

from tests.support.sites import site_settings, write_article

CASE = "```case\nbrand: Acme\nverdict: beast\nresponse_time: 2 hours\n```\n"
BODIES = {
    # Footnotes, abbreviations, link references and heading ids all keep per-document state.
    "notes": "## Intro\n\nA claim.[^1] The HTML spec.\n\n[^1]: A source.\n\n*[HTML]: Hyper Text\n\n"
             "[ref]: https://example.org/\n\nSee [the ref][ref].\n\n" + CASE,
    "plain": "## Intro\n\nNo footnote here; [ref][ref] is not defined. HTML stays plain.\n",
    "again": "## Intro\n\n## Intro\n\n" + CASE + "\n" + CASE.replace("Acme", "Brio"),
}


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "content" / "articles"
    return [write_article(folder, slug, body, extra={"Summary": f"The *{slug}* one."})
            for slug, body in BODIES.items()]


def _read(reader: EngagementMarkdownReader, path: Path) -> tuple[str, dict, list]:
    content, metadata = reader.read(str(path))
    cases = metadata.pop(CASES_KEY)
    return content, {k: v for k, v in metadata.items() if k != "date"}, [case.brand for case in cases]


def test_every_file_reads_as_with_a_fresh_instance(tmp_path: Path, articles: list[Path]) -> None:
    settings = site_settings(tmp_path, tmp_path / "content")
    shared = EngagementMarkdownReader(settings)
    for path in [*articles, *reversed(articles)]:
        fresh = _read(EngagementMarkdownReader(settings), path)
        assert _read(shared, path) == fresh, path.name
    assert shared._shared is not None  # one instance served every read
    notes, plain = (_read(shared, articles[0])[0], _read(shared, articles[1])[0])
    assert 'class="footnote"' in notes and "<abbr" in notes and 'href="https://example.org/"' in notes
    assert 'class="footnote"' not in plain and "<abbr" not in plain and "[ref][ref]" in plain


def test_the_settings_keep_no_reference_to_the_extension(tmp_path: Path, articles: list[Path]) -> None:
    # Pelican may pickle the settings into its cache; the reader's extension must not be in them.
    settings = site_settings(tmp_path, tmp_path / "content")
    reader = EngagementMarkdownReader(settings)
    reader.read(str(articles[0]))
    assert reader.extension not in settings["MARKDOWN"].get("extensions", [])
