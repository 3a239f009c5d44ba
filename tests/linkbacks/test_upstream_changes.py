"""What verification learns upstream reaches the pages at once, as an approval does.

A re-sent webmention is verified again: its source may have changed (the page shows the new text)
or be gone (410) or no longer link (the mention leaves the page). These tests build a real site,
let the verifier fetch a real peer on 127.0.0.1 and read the pages the fast update wrote.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from click.testing import CliRunner
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.linkbacks.worker import verify_queued
from pelican.plugins.engagement.moderation.refresh import refresh_changed
from pelican.plugins.engagement.store import Entry, NewEntry

from tests.comments.helpers import T0, Site, make_site, thread_key
from tests.linkbacks.conftest import reply_page
from tests.support.sites import REPO, THEME

SLUG = "first-post"
PAGE = "2024/01/first-post/index.html"


def _site(tmp_path: Path) -> Site:
    return make_site(tmp_path, ENGAGEMENT_ALLOWED_PRIVATE_HOSTS=["127.0.0.1"])


def _target(site: Site) -> str:
    return Manifest(site.config().threads_manifest).get(thread_key(SLUG)).url


def _reply(site: Site, source: str, text: str, status: str = "approved") -> Entry:
    """A webmention reply verified earlier and now re-sent (queued for verification again)."""
    return site.store.add(NewEntry(
        thread=thread_key(SLUG), kind="webmention", mention_type="reply", status=status,
        author_name="Ada Peer", source_url=source, body_source=text, body_html=f"<p>{text}</p>",
        created_at=T0, verification="queued",
    ))


def _page(site: Site) -> str:
    return (site.root / "output" / PAGE).read_text("utf-8")


def test_changed_source_updates_the_shown_mention(tmp_path, peer):
    site = _site(tmp_path)
    site.build()  # the manifest gives the article's URL the source links to
    source = peer.page("/reply", reply_page(_target(site), text="First version"))
    _reply(site, source, "First version")
    site.build()
    assert "First version" in _page(site)
    peer.page("/reply", reply_page(_target(site), text="Edited: second version"))

    config = site.config()
    verify_queued(site.store, config.engagement, Manifest(config.threads_manifest),
                  refresh=partial(refresh_changed, config))

    assert "Edited: second version" in _page(site) and "First version" not in _page(site)


def test_gone_source_removes_the_mention_from_the_page(tmp_path, peer):
    """Through ``engagement worker --once``, as a site runs it beside the endpoint."""
    site = _site(tmp_path)
    site.build()
    source = peer.page("/reply", reply_page(_target(site), text="Soon gone"))
    entry = _reply(site, source, "Soon gone")
    site.build()
    assert "Soon gone" in _page(site)
    peer.page("/reply", "Gone", status=410)
    settings = tmp_path / "sitesettings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *  # noqa: F403\n"
        f"PATH = {str(site.content)!r}\nOUTPUT_PATH = {str(site.root / 'output')!r}\n"
        f"CACHE_PATH = {str(site.root / 'cache')!r}\nTHEME = {str(THEME)!r}\n"
        f"ENGAGEMENT_DATABASE_URL = {site.database_url!r}\nENGAGEMENT_EMBEDS_FETCH = False\n"
        "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS = ['127.0.0.1']\n", "utf-8")

    result = CliRunner().invoke(main, ["worker", "--once", "--settings", str(settings)])

    assert result.exit_code == 0, result.output
    assert f"entry {entry.id} removed" in result.output and "Pages updated" in result.output
    assert site.store.require(entry.id).status == "deleted"
    assert "Soon gone" not in _page(site)


def test_verifying_an_unpublished_mention_leaves_the_pages_alone(tmp_path, peer):
    site = _site(tmp_path)
    site.build()
    source = peer.page("/reply", reply_page(_target(site), text="Awaiting moderation"))
    _reply(site, source, "Old", status="pending")
    before = _page(site)
    summaries: list[str] = []
    config = site.config()

    verify_queued(site.store, config.engagement, Manifest(config.threads_manifest),
                  refresh=lambda changes: summaries.append(refresh_changed(config, changes)))

    assert summaries == ["The pages did not change."]
    assert _page(site) == before


def test_the_endpoint_verifier_updates_the_page_of_an_auto_approved_webmention(tmp_path, peer):
    """The endpoint's own verification thread: a webmention sent to it, verified and auto-approved,
    is on the article page without anyone running a rebuild."""
    import time

    import requests
    from pelican.plugins.engagement.endpoint.app import create_app
    from pelican.plugins.engagement.endpoint.linkbacks import VERIFIER_KEY

    from tests.support.servers import serve_wsgi

    site = make_site(tmp_path, ENGAGEMENT_ALLOWED_PRIVATE_HOSTS=["127.0.0.1"],
                     ENGAGEMENT_WEBMENTION_AUTO_APPROVE=True)
    site.build()
    source = peer.page("/reply", reply_page(_target(site), text="Straight onto the page"))
    app = create_app(site.config(), store=site.store)
    try:
        with serve_wsgi(app) as url:
            answer = requests.post(f"{url}/webmention", data={"source": source, "target": _target(site)},
                                   timeout=10)
            assert answer.status_code == 202, answer.text
            deadline = time.monotonic() + 20
            while "Straight onto the page" not in _page(site) and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        verifier = app.extensions.get(VERIFIER_KEY)
        if verifier is not None:
            verifier.stop()
            verifier.join(timeout=5)
    assert "Straight onto the page" in _page(site)
