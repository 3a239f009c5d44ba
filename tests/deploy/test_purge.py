"""ENGAGEMENT_DEPLOY_PURGE_COMMAND: after a push, the CDN is told which URLs changed.

The purge command is a real process reading the URLs on its standard input and posting them to a
stand-in purge API on loopback (the shape of a CDN's "purge these files" call), as a site's own
script or ``curl`` would.
"""

from __future__ import annotations

import json
import logging
import shlex
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pelican.plugins.engagement.deploy import publisher
from pelican.plugins.engagement.moderation.actions import moderate
from werkzeug.wrappers import Request, Response

from tests.deploy.test_on_approve import approved_site, changed_between, site_files
from tests.support.servers import serve_wsgi

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync (CI installs it)")

PURGE_SCRIPT = """\
import json, sys, urllib.request
urls = sys.stdin.read().split()
body = json.dumps({"files": urls}).encode("utf-8")
request = urllib.request.Request(sys.argv[1], data=body, headers={"Content-Type": "application/json"})
urllib.request.urlopen(request, timeout=10)
"""


@dataclass
class PurgeAPI:
    """Records every purge request's files; answers ``status``."""

    url: str = ""
    status: int = 200
    purged: list[list[str]] = field(default_factory=list)

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.method != "POST" or request.path != "/purge":
            return Response("not found", status=404)(environ, start_response)
        self.purged.append(json.loads(request.get_data())["files"])
        return Response('{"success": true}', status=self.status,
                        mimetype="application/json")(environ, start_response)


@pytest.fixture
def purge_api() -> Iterator[PurgeAPI]:
    api = PurgeAPI()
    with serve_wsgi(api) as url:
        api.url = url
        yield api


def purge_command(tmp_path: Path, api: PurgeAPI) -> str:
    script = tmp_path / "purge-cdn.py"
    script.write_text(PURGE_SCRIPT, "utf-8")
    return shlex.join([sys.executable, str(script), f"{api.url}/purge"])


def test_the_cdn_is_told_exactly_the_changed_urls(tmp_path: Path, purge_api: PurgeAPI) -> None:
    site, www = approved_site(tmp_path, ENGAGEMENT_DEPLOY_PURGE_COMMAND=purge_command(tmp_path, purge_api))
    config = site.config()
    waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")
    before = site_files(www)

    moderate(config, site.store, waiting.id, "approve", actor="test")
    assert publisher.settle(30)

    changed = changed_between(before, site_files(www))
    # A page is purged at the URL its links name (the folder), a feed at its file's URL.
    expected = sorted(f"{config.site_url}/{path.removesuffix('index.html')}" for path in changed)
    assert [sorted(urls) for urls in purge_api.purged] == [expected]
    assert f"{config.site_url}/2024/01/first-post/" in expected
    assert f"{config.site_url}/feeds/comments/2024/01/first-post.atom.xml" in expected
    site.store.close()


def test_a_failing_purge_is_logged_and_the_push_stays_done(tmp_path: Path, purge_api: PurgeAPI,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """The files are on the target: a purge that fails is reported, not a reason to push again."""
    purge_api.status = 503
    site, www = approved_site(tmp_path, ENGAGEMENT_DEPLOY_PURGE_COMMAND=purge_command(tmp_path, purge_api))
    waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")

    with caplog.at_level(logging.WARNING, logger=publisher.__name__):
        outcome = moderate(site.config(), site.store, waiting.id, "approve", actor="test")
        assert publisher.settle(30)

    assert "queued for" in outcome.rebuild
    assert len(purge_api.purged) == 1
    assert "the purge command exited with 1" in caplog.text and "503" in caplog.text
    assert site.store.pending_jobs() == []
    assert site_files(www) == site_files(site.config().output_path)
    site.store.close()
