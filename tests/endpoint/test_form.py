"""The no-JavaScript path, as a browser takes it: article page → form → POST → 303 → article."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.store import Store

from tests.comments.helpers import make_site, soup
from tests.support.endpoint import CLOSED, OPEN, SITEURL, BuiltSite, Endpoint, comment_fields
from tests.support.servers import serve_wsgi, static_app

ARTICLE = "2024/01/first-post/"  # tests.comments.helpers' site


def _form_fields(html: str) -> tuple[str, dict[str, str]]:
    """The comment form's action path and its fields with their default values."""
    form = BeautifulSoup(html, "html.parser").find("form", id="comment-form")
    assert form is not None, "the article has no comment form"
    fields: dict[str, str] = {}
    for control in form.find_all(["input", "textarea", "select"]):
        name = control.get("name")
        if not name or (control.get("type") == "checkbox" and not control.has_attr("checked")):
            continue
        fields[name] = _value(control)
    return urlsplit(form["action"]).path, fields


def _value(control) -> str:  # type: ignore[no-untyped-def]
    """What a browser submits for an untouched control."""
    if control.name == "select":
        options = control.find_all("option")
        chosen = next((o for o in options if o.has_attr("selected")), options[0] if options else None)
        return chosen.get("value", chosen.get_text()) if chosen else ""
    if control.name == "textarea":
        return control.get_text()
    return control.get("value", "")


def test_form_post_is_stored_and_redirects_to_the_pending_notice(
    built_site: BuiltSite, endpoint: Endpoint
) -> None:
    with serve_wsgi(static_app(built_site.output)) as site:
        page = requests.get(f"{site}/{OPEN}", timeout=10)
        action, fields = _form_fields(page.text)
        fields.update(name="Ann Reader", email="ann@example.org", body="First!\n\nA *second* paragraph.")
        answer = requests.post(endpoint.url + action, data=fields, allow_redirects=False, timeout=10)
        assert answer.status_code == 303, answer.text
        assert answer.headers["Location"] == f"{SITEURL}/{OPEN}#comment-pending"
        back = requests.get(site + urlsplit(answer.headers["Location"]).path, timeout=10)
        assert 'id="comment-pending"' in back.text
    [stored] = endpoint.store.list()
    assert (stored.status, stored.thread, stored.author_name) == ("pending", OPEN, "Ann Reader")
    assert stored.body_html == "<p>First!</p>\n<p>A <em>second</em> paragraph.</p>"


def test_refusal_page_explains_and_links_back(endpoint: Endpoint) -> None:
    answer = requests.post(f"{endpoint.url}/comments", data=comment_fields(name=""), timeout=10)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"].startswith("text/html")
    page = BeautifulSoup(answer.text, "html.parser")
    assert page.find(role="alert").get_text() == "Please give your name."
    assert page.find("a", string="Back to the article")["href"] == f"{SITEURL}/{OPEN}"
    # What the reader typed is shown again, so nothing is lost.
    assert page.find("textarea").get_text() == "Nice *post*."
    assert endpoint.store.list() == []


def test_closed_article_is_refused_with_its_reason(endpoint: Endpoint) -> None:
    answer = requests.post(f"{endpoint.url}/comments", data=comment_fields(thread=CLOSED), timeout=10)
    assert answer.status_code == 403
    assert "Comments are closed." in answer.text


def test_unknown_article_is_404(endpoint: Endpoint) -> None:
    answer = requests.post(
        f"{endpoint.url}/comments", data=comment_fields(thread="2024/01/no-such-post/"), timeout=10
    )
    assert answer.status_code == 404
    assert "There is no article at “2024/01/no-such-post/”" in answer.text


def test_filled_honeypot_is_refused_and_nothing_stored(endpoint: Endpoint) -> None:
    answer = requests.post(
        f"{endpoint.url}/comments", data=comment_fields(homepage="http://spam.example"), timeout=10
    )
    assert answer.status_code == 400
    assert "must stay empty" in answer.text
    assert endpoint.store.list() == []


def test_reply_without_javascript_is_chosen_on_the_check_page_and_threads(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_FORM_TOKEN_MIN_SECONDS=0)
    ann = site.comment("first-post", "First!", author_name="Ann")
    with serve_wsgi(static_app(site.build())) as static, \
            serve_wsgi(create_app(site.config(), store=Store.open(site.database_url))) as endpoint_url:
        action, fields = _form_fields(requests.get(f"{static}/{ARTICLE}", timeout=10).text)
        fields.update(name="Dana Reader", body="Agreed.")
        check = requests.post(endpoint_url + action, data=fields, allow_redirects=False, timeout=10)
        assert check.status_code == 200, check.text
        form = BeautifulSoup(check.text, "html.parser").find("form")
        assert form.find("select", id="parent") is not None
        confirm = {f["name"]: _value(f) for f in form.find_all(["input", "select"])} | {"parent": str(ann.id)}
        sent = requests.post(endpoint_url + action, data=confirm, allow_redirects=False, timeout=10)
    assert sent.status_code == 303
    [reply] = site.store.list(status="pending")
    assert reply.parent_id == ann.id
    site.store.update(reply.id, status="approved")
    page = soup(site.build(), ARTICLE.rstrip("/"))
    assert page.select_one(f"#comment-{ann.id} > .eg-replies > #comment-{reply.id}") is not None
