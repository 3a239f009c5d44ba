"""Optional Akismet checks (``comment-check``) and reports (``submit-spam``, ``submit-ham``).

Off unless ``ENGAGEMENT_AKISMET_KEY`` is set: Akismet is a third party, and every call sends it the
reader's name, e-mail, website, text, address and user agent. Comments are checked when they are
posted; trackbacks, pingbacks and webmentions once their source is verified
(:func:`linkback_verdict`).

A small client on the guarded fetch
(:mod:`pelican.plugins.engagement.net`) rather than the ``akismet`` package from PyPI: that package
talks to a fixed ``rest.akismet.com`` through its own httpx client, which would bypass our fetch
guards and cannot be pointed at a stand-in server without patching it; the API is three form
posts (https://akismet.com/developers/).

A failing check never loses a comment: :func:`verdict` turns a timeout, an error or an "invalid"
key into a *hold* for a person. Reports back are best-effort and logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from pelican.plugins.engagement import net
from pelican.plugins.engagement.moderation.rules import Verdict
from pelican.plugins.engagement.settings import EngagementSettings, SiteConfig
from pelican.plugins.engagement.store import Entry

log = logging.getLogger(__name__)

RULE = "akismet"
API_VERSION = "1.1"
#: What Akismet calls our kinds (``comment_type``).
COMMENT_TYPES = {"comment": "comment", "trackback": "trackback", "pingback": "pingback",
                 "webmention": "webmention"}
LINKBACK_KINDS = ("trackback", "pingback", "webmention")


class AkismetError(Exception):
    """Akismet could not give an answer (unreachable, timed out, bad key, unexpected reply)."""


def enabled(settings: EngagementSettings) -> bool:
    return bool(settings.AKISMET_KEY)


def _policy(settings: EngagementSettings) -> net.FetchPolicy:
    return net.FetchPolicy.from_settings(
        settings, timeout=settings.AKISMET_TIMEOUT, max_bytes=64 * 1024, max_redirects=0
    )


def _call(settings: EngagementSettings, method: str, fields: Mapping[str, str]) -> net.FetchResult:
    url = f"{settings.AKISMET_URL.rstrip('/')}/{API_VERSION}/{method}"
    data = {"api_key": settings.AKISMET_KEY, **{k: v for k, v in fields.items() if v}}
    try:
        result = net.fetch(url, policy=_policy(settings), method="POST", data=data)
    except net.FetchError as error:
        raise AkismetError(f"Akismet could not be reached: {error.reason}") from None
    if not result.ok:
        raise AkismetError(f"Akismet answered {result.status}")
    return result


def comment_check(settings: EngagementSettings, fields: Mapping[str, str]) -> bool:
    """True when Akismet says spam; :class:`AkismetError` when it cannot say."""
    result = _call(settings, "comment-check", fields)
    answer = result.text.strip()
    if answer == "true":
        return True
    if answer == "false":
        return False
    help_text = result.headers.get("X-akismet-debug-help", "")
    raise AkismetError(f"Akismet did not answer true or false ({answer[:40]!r}) {help_text}".strip())


def verdict(settings: EngagementSettings, fields: Mapping[str, str]) -> Verdict | None:
    """The rule's verdict on one entry: spam, a hold when Akismet failed, or None (not spam)."""
    try:
        spam = comment_check(settings, fields)
    except AkismetError as error:
        log.warning("%s", error)
        return Verdict("hold", RULE, f"not checked ({error}); held for a person")
    return Verdict("spam", RULE, "Akismet says spam") if spam else None


def fields_for(config: SiteConfig, *, kind: str, name: str, email: str | None, website: str | None,
               body: str, permalink: str, context: Mapping[str, str]) -> dict[str, str]:
    """The comment-check/submit fields of an entry (``context``: user_ip, user_agent, referrer)."""
    return _fields(config.site_url + "/", kind=kind, name=name, email=email, website=website, body=body,
                   permalink=permalink, context=context)


def entry_fields(blog: str, entry: Entry, permalink: str, context: Mapping[str, str]) -> dict[str, str]:
    """The fields of a stored entry. A linkback's URL is its source, as WordPress sends trackbacks
    and pingbacks (the sending page is what Akismet knows spam by), its author the blog's name."""
    linkback = entry.kind in LINKBACK_KINDS
    return _fields(blog, kind=entry.kind, name=entry.author_name or entry.blog_name or "",
                   email=entry.author_email,
                   website=(entry.source_url if linkback else None) or entry.author_url or entry.source_url,
                   body=entry.body_source, permalink=permalink, context=context)


def linkback_verdict(settings: EngagementSettings, entry: Entry, *, blog: str,
                     permalink: str) -> Verdict | None:
    """Akismet's verdict on a verified trackback, pingback or webmention (None while off).

    The sender's address and user agent come from ``spam_context``, kept when the linkback
    arrived; Akismet needs the address, so a linkback stored without it is held for a person.
    """
    if not enabled(settings):
        return None
    context = stored_context(entry)
    if not context.get("user_ip"):
        return Verdict("hold", RULE, "not checked (the sender's address was not kept); held for a person")
    return verdict(settings, entry_fields(blog, entry, permalink, context))


def stored_context(entry: Entry) -> dict[str, str]:
    """The request context kept on the entry (empty when none was kept or it does not parse)."""
    try:
        context = json.loads(entry.spam_context or "{}")
    except ValueError:
        return {}
    return {k: str(v) for k, v in context.items()} if isinstance(context, dict) else {}


def _fields(blog: str, *, kind: str, name: str, email: str | None, website: str | None, body: str,
            permalink: str, context: Mapping[str, str]) -> dict[str, str]:
    return {
        "blog": blog,
        "user_ip": context.get("user_ip", ""),
        "user_agent": context.get("user_agent", ""),
        "referrer": context.get("referrer", ""),
        "permalink": permalink,
        "comment_type": COMMENT_TYPES.get(kind, "comment"),
        "comment_author": name,
        "comment_author_email": email or "",
        "comment_author_url": website or "",
        "comment_content": body,
        "blog_charset": "UTF-8",
    }


def context_json(context: Mapping[str, str]) -> str:
    """What is kept on the entry (``spam_context``) to report a moderator's decision later."""
    return json.dumps({k: context.get(k, "") for k in ("user_ip", "user_agent", "referrer")})


def report(config: SiteConfig, entry: Entry, action: str, permalink: str) -> bool:
    """Tell Akismet a moderator's decision: spam → submit-spam; approve after spam → submit-ham.

    Returns whether a report was sent. Only entries checked while Akismet was on carry the
    context Akismet needs; others are skipped.
    """
    settings = config.engagement
    if not enabled(settings) or not entry.spam_context:
        return False
    method = "submit-spam" if action == "spam" else "submit-ham"
    context = stored_context(entry)
    if not context:
        return False
    fields = entry_fields(config.site_url + "/", entry, permalink, context)
    try:
        _call(settings, method, fields)
    except AkismetError as error:
        log.warning("reporting entry %s to Akismet (%s) failed: %s", entry.id, method, error)
        return False
    return True
