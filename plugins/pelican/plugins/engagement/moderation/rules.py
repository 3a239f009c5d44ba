"""Rules before a person: decide whether a new comment or linkback is held or marked as spam.

Each rule returns a :class:`Verdict` (``hold`` or ``spam``, the rule's name and a sentence for the
moderator); :func:`settle` turns the verdicts into the entry's first status and the reason stored on
it (``entries.moderation_reason``) and in the moderation log. Nothing is ever dropped here: spam is
kept in the spam tab, where a moderator can recover it.

The lists follow WordPress's Discussion settings (``comment_max_links``, "Comment Moderation" and
"Disallowed Comment Keys"), matched on whole words so that "cialis" does not catch "specialist".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from pelican.plugins.engagement.settings import EngagementSettings

#: Actor name of automatic decisions in the moderation log.
ACTOR = "rules"
#: Strongest first: one spam verdict outweighs any number of holds.
STRENGTH = {"spam": 2, "hold": 1}

_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_BARE_URL = re.compile(r"""(?:https?://|www\.)[^\s<>"')\]]+""", re.IGNORECASE)
_ANCHOR = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)[^>]*>(.*?)</a>""", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Verdict:
    """One rule's decision about an entry."""

    action: str  # "hold" or "spam"
    rule: str  # short name, counted by `engagement moderate stats`
    detail: str  # what matched, for the moderator

    @property
    def reason(self) -> str:
        """The text stored on the entry: ``rule: detail``."""
        return f"{self.rule}: {self.detail}"


@dataclass(frozen=True)
class Candidate:
    """What the rules look at: the fields of a comment or linkback before it is stored."""

    name: str = ""
    email: str | None = None
    website: str | None = None
    body_source: str = ""
    body_html: str = ""
    ip_hash: str | None = None
    source_url: str | None = None

    def text_fields(self) -> list[tuple[str, str]]:
        return [(label, value) for label, value in (
            ("name", self.name), ("e-mail", self.email or ""), ("website", self.website or ""),
            ("source", self.source_url or ""), ("text", self.body_source),
        ) if value]

    def links(self) -> list[str]:
        """Every link in the text as readers would see it (rendered HTML, else bare URLs)."""
        found = _HREF.findall(self.body_html) if self.body_html else []
        return found or _BARE_URL.findall(self.body_source)

    def own_words(self) -> int:
        """Words the author wrote apart from link addresses (a link's text counts: it was written).

        Counted on the rendered HTML when there is one (tags dropped, bare addresses removed),
        else on the source with its addresses removed.
        """
        text = _TAG.sub(" ", _ANCHOR.sub(_link_text, self.body_html)) if self.body_html else self.body_source
        return len(_WORD.findall(_BARE_URL.sub(" ", html.unescape(text))))

    def hosts(self) -> set[str]:
        urls = [*self.links(), self.website or "", self.source_url or ""]
        hosts = set()
        for url in urls:
            host = urlsplit(url if "://" in url else "http://" + url).hostname if url else None
            if host:
                hosts.add(host.lower().rstrip("."))
        return hosts


def check(settings: EngagementSettings, candidate: Candidate) -> list[Verdict]:
    """Every rule that applies to ``candidate`` (the form token and Akismet are checked elsewhere)."""
    verdicts = []
    disallowed = match_keys(settings.DISALLOWED_KEYS, candidate)
    if disallowed:
        verdicts.append(Verdict("spam", "disallowed", disallowed))
    moderated = match_keys(settings.MODERATION_KEYS, candidate)
    over = over_link_limit(settings, candidate)
    if over and moderated and settings.LINKS_AND_MODERATION_SPAM:
        verdicts.append(Verdict("spam", "links-and-moderation", f"{over} and {moderated}"))
    elif moderated:
        verdicts.append(Verdict("hold", "moderation-keys", moderated))
    if over:
        verdicts.append(link_farm(settings, candidate) or Verdict("hold", "max-links", over))
    return verdicts


def over_link_limit(settings: EngagementSettings, candidate: Candidate) -> str | None:
    """``"5 links (more than 2)"`` when the candidate has more links than MAX_LINKS, else None."""
    limit = settings.MAX_LINKS
    count = len(candidate.links())
    if limit >= 0 and count > limit:
        return f"{count} links (more than {limit})"
    return None


def link_farm(settings: EngagementSettings, candidate: Candidate) -> Verdict | None:
    """Spam when a comment over the link limit is little but links (LINK_FARM_WORDS per link).

    A reader who cites sources writes sentences around them and is only held by the link limit; a
    link farm is a greeting and a row of addresses, which WordPress would hold for a person to
    read again and again. Only called for a candidate already over MAX_LINKS.
    """
    per_link = settings.LINK_FARM_WORDS
    count = len(candidate.links())
    words = candidate.own_words()
    if per_link <= 0 or not count or words >= per_link * count:
        return None
    return Verdict("spam", "link-farm", f"{count} links and {words} other words "
                                        f"(fewer than {per_link} per link)")


def match_keys(keys: Sequence[str], candidate: Candidate) -> str | None:
    """The first key found in the candidate, described (``"pharmacy" in text``), or None."""
    if not keys:
        return None
    hosts = candidate.hosts()
    fields = candidate.text_fields()
    for raw in keys:
        key = raw.strip().lower()
        if not key:
            continue
        if candidate.ip_hash and key == candidate.ip_hash.lower():
            return "the client hash is listed"
        if candidate.email and key == candidate.email.lower():
            return f"the e-mail address {candidate.email} is listed"
        domain = _domain_key(key)
        if domain and any(host == domain or host.endswith("." + domain) for host in hosts):
            return f"a link to {domain}"
        pattern = _word_pattern(key)
        for label, value in fields:
            if pattern.search(value):
                return f"“{raw.strip()}” in the {label}"
    return None


def settle(verdicts: Iterable[Verdict], default: str) -> tuple[str, Verdict | None]:
    """(status, deciding verdict): spam beats hold beats ``default`` (pending or approved)."""
    strongest = max(verdicts, key=lambda v: STRENGTH[v.action], default=None)
    if strongest is None:
        return default, None
    return ("spam" if strongest.action == "spam" else "pending"), strongest


def rule_of(reason: str | None) -> str | None:
    """The rule name of a stored reason (``"max-links: 3 links"`` → ``"max-links"``)."""
    if not reason:
        return None
    return reason.split(":", 1)[0].strip() or None


def _domain_key(key: str) -> str | None:
    """A key that looks like a domain (``spam.example``, ``https://spam.example/``), as a host."""
    if " " in key or "@" in key or "." not in key:
        return None
    host = urlsplit(key if "://" in key else "http://" + key).hostname
    return host.rstrip(".") if host and "." in host else None


def _link_text(anchor: re.Match[str]) -> str:
    """An anchor's text, or nothing when the text is its own address (``example.org`` linkified)."""
    href, inner = html.unescape(anchor.group(1)), html.unescape(_TAG.sub("", anchor.group(2))).strip()
    return " " if inner and inner.lower() in href.lower() else f" {inner} "


@lru_cache(maxsize=1024)
def _word_pattern(key: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)", re.IGNORECASE)
