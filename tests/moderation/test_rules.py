"""The spam rules one by one: max links, link farms, moderation keys (alone and with links), disallowed
keys, and how verdicts settle."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.markup import render_comment
from pelican.plugins.engagement.moderation import rules
from pelican.plugins.engagement.moderation.rules import Candidate, Verdict
from pelican.plugins.engagement.settings import SettingsError, from_pelican


def settings(**values):
    return from_pelican({f"ENGAGEMENT_{k}": v for k, v in values.items()}, environ={})


def html_links(n: int) -> str:
    """``n`` links, each in a few words of prose (a link farm is tested on its own)."""
    return "<p>" + " ".join(f'See <a href="https://site{i}.example/">the report</a> on refund times.'
                            for i in range(n)) + "</p>"


def test_up_to_max_links_passes() -> None:
    assert rules.check(settings(), Candidate(body_html=html_links(2))) == []


def test_more_than_max_links_is_held() -> None:
    [verdict] = rules.check(settings(), Candidate(body_html=html_links(3)))
    assert (verdict.action, verdict.rule) == ("hold", "max-links")
    assert verdict.reason == "max-links: 3 links (more than 2)"


def test_max_links_counts_bare_urls_when_no_html_is_given() -> None:
    text = "see https://a.example for refunds, www.b.example for apologies and http://c.example for delays"
    assert rules.check(settings(MAX_LINKS=2), Candidate(body_source=text))[0].rule == "max-links"


def test_negative_max_links_turns_the_rule_off() -> None:
    assert rules.check(settings(MAX_LINKS=-1), Candidate(body_html=html_links(30))) == []


FARM = "Great post: " + " ".join(f"https://shop{i}.example/item" for i in range(5))
# A reader citing three sources: over the link limit, but sentences around the links.
SOURCES = ("Three sources I used for the refund chapter: https://a.example/ on policies, "
           "[the Which? guide](https://b.example/) on apologies and https://c.example/ on timing.")


def candidate(text: str, **fields) -> Candidate:
    """A comment as the endpoint hands it to the rules: source and rendered HTML."""
    return Candidate(body_source=text, body_html=render_comment(text), **fields)


def test_link_farm_is_spam() -> None:
    [verdict] = rules.check(settings(), candidate(FARM))
    assert (verdict.action, verdict.rule) == ("spam", "link-farm")
    assert verdict.detail == "5 links and 2 other words (fewer than 2 per link)"


def test_reader_citing_sources_is_held_not_spam() -> None:
    [verdict] = rules.check(settings(), candidate(SOURCES))
    assert (verdict.action, verdict.rule) == ("hold", "max-links")


def test_link_farm_under_the_link_limit_is_not_judged() -> None:
    assert rules.check(settings(MAX_LINKS=5), candidate(FARM)) == []


def test_addresses_shown_as_link_text_are_not_words() -> None:
    text = "Nice: example.org www.shop.example https://a.example/x"
    assert candidate(text).own_words() == 1
    assert candidate("[cheap shoes here](https://a.example/)").own_words() == 3


def test_link_farm_words_zero_turns_the_rule_off() -> None:
    [verdict] = rules.check(settings(LINK_FARM_WORDS=0), candidate(FARM))
    assert verdict.rule == "max-links"


def test_links_and_a_moderation_word_together_are_spam() -> None:
    config = settings(MODERATION_KEYS=["casino"])
    verdicts = rules.check(config, candidate("Best casino bonus! " + SOURCES))
    assert [(v.action, v.rule) for v in verdicts] == [("spam", "links-and-moderation"), ("hold", "max-links")]
    assert verdicts[0].detail == "3 links (more than 2) and “casino” in the text"


def test_moderation_word_with_few_links_is_only_held() -> None:
    config = settings(MODERATION_KEYS=["casino"])
    text = "Our casino-themed restaurant (https://diner.example/) got a bad review once."
    assert [(v.action, v.rule) for v in rules.check(config, candidate(text))] == [("hold", "moderation-keys")]


def test_links_and_moderation_spam_can_be_turned_off() -> None:
    config = settings(MODERATION_KEYS=["casino"], LINKS_AND_MODERATION_SPAM=False)
    verdicts = rules.check(config, candidate("Best casino bonus! " + SOURCES))
    assert [(v.action, v.rule) for v in verdicts] == [("hold", "moderation-keys"), ("hold", "max-links")]


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


def test_negative_link_farm_words_is_refused() -> None:
    with pytest.raises(SettingsError, match="LINK_FARM_WORDS must not be negative"):
        settings(LINK_FARM_WORDS=-1)
