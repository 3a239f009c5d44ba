"""The spam rules one by one: max links, moderation keys, disallowed keys, and how verdicts settle."""

from __future__ import annotations

from pelican.plugins.engagement.moderation import rules
from pelican.plugins.engagement.moderation.rules import Candidate, Verdict
from pelican.plugins.engagement.settings import from_pelican


def settings(**values):
    return from_pelican({f"ENGAGEMENT_{k}": v for k, v in values.items()}, environ={})


def html_links(n: int) -> str:
    return "<p>" + " ".join(f'<a href="https://site{i}.example/">x</a>' for i in range(n)) + "</p>"


def test_up_to_max_links_passes() -> None:
    assert rules.check(settings(), Candidate(body_html=html_links(2))) == []


def test_more_than_max_links_is_held() -> None:
    [verdict] = rules.check(settings(), Candidate(body_html=html_links(3)))
    assert (verdict.action, verdict.rule) == ("hold", "max-links")
    assert verdict.reason == "max-links: 3 links (more than 2)"


def test_max_links_counts_bare_urls_when_no_html_is_given() -> None:
    text = "see https://a.example and www.b.example and http://c.example"
    assert rules.check(settings(MAX_LINKS=2), Candidate(body_source=text))[0].rule == "max-links"


def test_negative_max_links_turns_the_rule_off() -> None:
    assert rules.check(settings(MAX_LINKS=-1), Candidate(body_html=html_links(30))) == []


def test_moderation_word_holds_on_whole_words_only() -> None:
    config = settings(MODERATION_KEYS=["casino"])
    assert rules.check(config, Candidate(body_source="Our Casino night"))[0].rule == "moderation-keys"
    assert rules.check(config, Candidate(body_source="casinos are fine, occasinos too")) == []


def test_disallowed_word_marks_spam_and_names_the_field() -> None:
    [verdict] = rules.check(settings(DISALLOWED_KEYS=["viagra"]), Candidate(name="Buy VIAGRA"))
    assert verdict.action == "spam" and verdict.detail == "“viagra” in the name"


def test_disallowed_word_does_not_match_inside_another_word() -> None:
    assert rules.check(settings(DISALLOWED_KEYS=["cialis"]), Candidate(body_source="a specialist")) == []


def test_disallowed_email_marks_spam() -> None:
    config = settings(DISALLOWED_KEYS=["Bot@Spam.example"])
    assert rules.check(config, Candidate(email="bot@spam.example"))[0].action == "spam"


def test_disallowed_client_hash_marks_spam() -> None:
    config = settings(DISALLOWED_KEYS=["ab" * 32])
    assert rules.check(config, Candidate(ip_hash="ab" * 32))[0].detail == "the client hash is listed"


def test_disallowed_domain_matches_links_and_subdomains() -> None:
    config = settings(DISALLOWED_KEYS=["pills.example"], MAX_LINKS=5)
    body = '<p><a href="https://shop.pills.example/buy">cheap</a></p>'
    assert rules.check(config, Candidate(body_html=body))[0].detail == "a link to pills.example"
    assert rules.check(config, Candidate(website="http://pills.example"))[0].action == "spam"
    assert rules.check(config, Candidate(body_html='<p><a href="https://notpills.example/">x</a></p>')) == []


def test_disallowed_author_name_marks_spam() -> None:
    config = settings(DISALLOWED_KEYS=["SEO Expert"])
    assert rules.check(config, Candidate(name="Best SEO expert 2026"))[0].action == "spam"


def test_spam_outweighs_hold_and_both_outweigh_the_default() -> None:
    hold, spam = Verdict("hold", "max-links", "3"), Verdict("spam", "disallowed", "x")
    assert rules.settle([hold, spam], "approved") == ("spam", spam)
    assert rules.settle([hold], "approved") == ("pending", hold)
    assert rules.settle([], "approved") == ("approved", None)


def test_rule_of_a_stored_reason() -> None:
    assert rules.rule_of("max-links: 3 links (more than 2)") == "max-links"
    assert rules.rule_of(None) is None
