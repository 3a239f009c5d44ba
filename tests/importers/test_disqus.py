"""Disqus exports: threads matched to built articles by URL, replies threaded, spam and deletions."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.importers import ImportFormatError
from pelican.plugins.engagement.importers.disqus import import_disqus
from pelican.plugins.engagement.store import Store

from tests.importers.exports import DisqusPost, disqus, write
from tests.support.sites import build_site, write_article

SITE = "http://127.0.0.1:8000"
KEY = "2014/06/a-social-media-tale/"
OTHER = "2013/04/the-now/"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A built site with two articles; returns its root (content/ and output/ inside)."""
    articles = tmp_path / "content" / "articles"
    write_article(articles, "a-social-media-tale", date="2014-06-05 10:00")
    write_article(articles, "the-now", date="2013-04-02 10:00")
    build_site(tmp_path, tmp_path / "content")
    return tmp_path


def posts() -> list[DisqusPost]:
    return [
        DisqusPost(1, thread=100, author="Åsa Öberg",
                   message="<p>Très bien — 素晴らしい</p><script>x()</script>"),
        DisqusPost(3, thread=100, author="Reply to reply", parent=2, created="2014-06-10T14:00:00Z"),
        DisqusPost(2, thread=100, author="Reply", parent=1, created="2014-06-10T13:00:00Z"),
        DisqusPost(4, thread=100, author="Spam bot", spam=True),
        DisqusPost(5, thread=100, author="Gone", deleted=True),
        DisqusPost(6, thread=200, author="Old domain"),
        DisqusPost(7, thread=300, author="Nowhere"),
    ]


def export(tmp_path: Path) -> Path:
    threads = {100: f"{SITE}/{KEY}", 200: f"https://old.example.com/{OTHER}?utm=x",
               300: "https://old.example.com/2010/01/deleted-post/"}
    return write(tmp_path / "disqus.xml", disqus(threads, posts()))


def run(site: Path, store: Store, **flags: object):
    manifest = Manifest(site / "output" / "engagement" / "threads.json")
    return import_disqus(export(site), store, manifest, site_url=SITE,
                         old_urls=("https://old.example.com",), **flags)


def names(store: Store) -> dict[str, object]:
    return {entry.author_name: entry for entry in store.list()}


def test_threads_are_matched_by_url_and_old_domain_path(site: Path, store: Store) -> None:
    summary = run(site, store)
    entries = names(store)
    assert entries["Åsa Öberg"].thread == KEY
    assert entries["Old domain"].thread == OTHER
    assert summary.unmatched == ["https://old.example.com/2010/01/deleted-post/"]
    assert "Nowhere" not in entries


def test_replies_are_threaded(site: Path, store: Store) -> None:
    run(site, store)
    entries = names(store)
    assert entries["Reply"].parent_id == entries["Åsa Öberg"].id
    assert entries["Reply to reply"].parent_id == entries["Reply"].id


def test_spam_and_deleted_posts_are_skipped_unless_asked(site: Path, store: Store) -> None:
    run(site, store)
    assert "Spam bot" not in names(store) and "Gone" not in names(store)
    run(site, store, include_spam=True, include_deleted=True)
    entries = names(store)
    assert (entries["Spam bot"].status, entries["Gone"].status) == ("spam", "deleted")


def test_message_is_sanitized_and_email_private(site: Path, store: Store) -> None:
    run(site, store)
    entry = names(store)["Åsa Öberg"]
    assert entry.body_html == "<p>Très bien — 素晴らしい</p>"
    assert entry.status == "approved" and entry.author_email == "dq@example.net"


def test_running_twice_adds_nothing(site: Path, store: Store) -> None:
    first, second = run(site, store), run(site, store)
    assert (first.added, second.added, second.already_present) == (4, 0, 4)


def test_post_without_thread_names_its_line(tmp_path: Path) -> None:
    text = disqus({1: f"{SITE}/{KEY}"}, [DisqusPost(9, thread=1)]).replace('<thread dsq:id="1" />', "")
    line = text[:text.index('<post dsq:id="9">')].count("\n") + 1
    with pytest.raises(ImportFormatError, match=rf"line {line}: <post>: names no <thread"):
        import_disqus(write(tmp_path / "d.xml", text), None, Manifest(tmp_path / "none.json"),  # type: ignore[arg-type]
                      site_url=SITE)


def test_imported_comments_show_on_the_rebuilt_article(site: Path, store_url: str) -> None:
    store = Store.open(store_url)
    try:
        run(site, store)
    finally:
        store.close()
    output = build_site(site, site / "content", ENGAGEMENT_DATABASE_URL=store_url)
    soup = BeautifulSoup((output / KEY / "index.html").read_text("utf-8"), "html.parser")
    authors = [tag.get_text(strip=True) for tag in soup.select("li.p-comment .p-author")]
    assert authors == ["Åsa Öberg", "Reply", "Reply to reply"]
    nested = soup.select("li.p-comment li.p-comment li.p-comment .p-author")
    assert [tag.get_text(strip=True) for tag in nested] == ["Reply to reply"]


def test_gzipped_export_as_disqus_mails_it(site: Path, store: Store) -> None:
    plain = export(site)
    packed = plain.with_suffix(".xml.gz")
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    manifest = Manifest(site / "output" / "engagement" / "threads.json")
    summary = import_disqus(packed, store, manifest, site_url=SITE, old_urls=("https://old.example.com",))
    assert summary.added == 4


def test_damaged_gzip_is_a_clean_error(tmp_path: Path) -> None:
    packed = tmp_path / "d.xml.gz"
    packed.write_bytes(gzip.compress(b"<disqus>" * 1000)[:40])
    with pytest.raises(ImportFormatError, match=r"d\.xml\.gz"):
        import_disqus(packed, None, Manifest(tmp_path / "none.json"), site_url=SITE)  # type: ignore[arg-type]
