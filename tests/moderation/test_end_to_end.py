"""A reader comments through the real endpoint; the editor approves with the CLI; the page shows it."""

from __future__ import annotations

import requests
from bs4 import BeautifulSoup
from click.testing import CliRunner
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.settings import load_site

from tests.moderation.conftest import THREAD, CliSite
from tests.support.servers import serve_wsgi

HOSTILE = 'Great point! <script>alert(1)</script> [me](javascript:alert(2)) <img src=x onerror="alert(3)">'


def _article(site: CliSite) -> BeautifulSoup:
    return BeautifulSoup((site.output / THREAD / "index.html").read_text("utf-8"), "html.parser")


def test_approved_comment_appears_sanitized_without_email(fresh_site: CliSite) -> None:
    config = load_site(fresh_site.settings_file)
    with serve_wsgi(create_app(config)) as endpoint:
        answer = requests.post(
            f"{endpoint}/comments",
            data={"thread": THREAD, "name": "Dana Reader", "email": "dana.private@example.org",
                  "body": HOSTILE, "homepage": ""},
            allow_redirects=False, timeout=10,
        )
    assert answer.status_code == 303
    assert "Dana Reader" not in (fresh_site.output / THREAD / "index.html").read_text("utf-8")

    listed = CliRunner().invoke(main, ["moderate", "list", "--settings", str(fresh_site.settings_file)])
    entry_id = listed.output.split()[0]
    approved = CliRunner().invoke(
        main, ["moderate", "approve", entry_id, "--settings", str(fresh_site.settings_file)]
    )
    assert approved.exit_code == 0, approved.output
    assert "Pages updated." in approved.output

    page = _article(fresh_site)
    comment = page.find(id=f"comment-{entry_id}")
    assert comment is not None, "the approved comment is not in the rebuilt page"
    assert "Dana Reader" in comment.get_text()
    assert comment.find("script") is None and comment.find("img") is None
    assert not [a for a in comment.find_all("a") if a.get("href", "").startswith("javascript")]
    assert "dana.private" not in str(page)


def test_auto_approved_comment_is_in_the_page_the_reader_is_sent_to(fresh_site: CliSite) -> None:
    with fresh_site.settings_file.open("a") as handle:
        handle.write("ENGAGEMENT_AUTO_APPROVE_RETURNING = True\n")
    config = load_site(fresh_site.settings_file)
    fields = {"thread": THREAD, "name": "Returning Reader", "email": "back@example.org", "body": "Me again."}
    with serve_wsgi(create_app(config)) as endpoint:
        first = requests.post(f"{endpoint}/api/comments", json=fields, timeout=10).json()
        CliRunner().invoke(main, ["moderate", "approve", str(first["id"]),
                                  "--settings", str(fresh_site.settings_file)])
        answer = requests.post(f"{endpoint}/comments", data={**fields, "body": "Third time."},
                               allow_redirects=False, timeout=10)
    anchor = answer.headers["Location"].rsplit("#", 1)[1]
    assert answer.status_code == 303 and anchor != "comment-pending"
    assert _article(fresh_site).find(id=anchor) is not None
