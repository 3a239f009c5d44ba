"""The signed, timestamped form token: fine, too fast, forged, for another article, expired, missing."""

from __future__ import annotations

import time

import pytest
from pelican.plugins.engagement.moderation import form_token
from pelican.plugins.engagement.settings import from_pelican

SECRET = "s3cret" * 8
THREAD = "2024/01/open-thread/"


def settings(**values):
    return from_pelican({f"ENGAGEMENT_{k}": v for k, v in values.items()}, environ={})


def aged(seconds: float, thread: str = THREAD) -> str:
    return form_token.issue(SECRET, thread, now=time.time() - seconds)


def test_a_token_a_minute_old_passes_and_counts_once() -> None:
    checked = form_token.check(SECRET, settings(), aged(60), THREAD)
    assert checked.verdict is None and checked.use_key.startswith("form-token:")


def test_a_token_used_at_once_is_spam() -> None:
    verdict = form_token.check(SECRET, settings(), aged(0), THREAD).verdict
    assert verdict.action == "spam" and "after the form was opened" in verdict.detail


def test_a_forged_token_is_spam() -> None:
    token = aged(60)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert form_token.check(SECRET, settings(), forged, THREAD).verdict.action == "spam"
    other = form_token.issue("another secret", THREAD, now=time.time() - 60)
    assert form_token.check(SECRET, settings(), other, THREAD).verdict.action == "spam"


def test_a_token_of_another_article_is_spam() -> None:
    verdict = form_token.check(SECRET, settings(), aged(60, "2024/01/other/"), THREAD).verdict
    assert verdict.action == "spam" and "another article" in verdict.detail


def test_a_token_older_than_a_day_is_refused() -> None:
    with pytest.raises(form_token.TokenExpired):
        form_token.check(SECRET, settings(), aged(86400 + 5), THREAD)


def test_a_missing_token_passes_in_check_mode_and_is_refused_in_require_mode() -> None:
    assert form_token.check(SECRET, settings(), "", THREAD).verdict is None
    with pytest.raises(form_token.TokenMissing):
        form_token.check(SECRET, settings(FORM_TOKEN="require"), "", THREAD)


def test_off_ignores_even_a_forged_token() -> None:
    assert form_token.check(SECRET, settings(FORM_TOKEN="off"), "rubbish", THREAD).verdict is None
