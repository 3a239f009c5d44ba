"""E-mail: the editor's notice of new comments, and readers' reply notifications (double opt-in).

Messages are built with ``email.message.EmailMessage`` (its default policy refuses line breaks in
headers, which closes header injection) and sent with ``smtplib``. Nothing a reader typed goes into a
header: names, addresses and comment text stay in the body; the subject uses only the article title
from our own build. Every message to a reader carries a one-click unsubscribe link, both in the body
and as ``List-Unsubscribe``/``List-Unsubscribe-Post`` (RFC 8058) for mail clients.

Sending is best-effort by design: a comment is already committed when mail goes out, so a failing
SMTP server is logged and never turns an accepted comment into an error.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from pelican.plugins.engagement.moderation.subscriptions import Subscription
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Entry

log = logging.getLogger(__name__)

#: Seconds before an SMTP conversation gives up (a slow server must not hold a worker for long).
SMTP_TIMEOUT = 15


class NotifyError(Exception):
    """The message could not be handed to the SMTP server."""


def mail_enabled(config: SiteConfig) -> bool:
    return bool(config.engagement.SMTP_HOST)


def sender(config: SiteConfig) -> str:
    """MAIL_FROM, or a no-reply address at the site's host."""
    if config.engagement.MAIL_FROM:
        return config.engagement.MAIL_FROM
    host = urlsplit(config.site_url).hostname or "localhost"
    return f"no-reply@{host}"


def send(config: SiteConfig, message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server."""
    settings = config.engagement
    if not settings.SMTP_HOST:
        raise NotifyError("no SMTP server configured (ENGAGEMENT_SMTP_HOST)")
    try:
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=SMTP_TIMEOUT) as smtp:
            if settings.SMTP_STARTTLS:
                smtp.starttls()
            if settings.SMTP_USERNAME:
                smtp.login(settings.SMTP_USERNAME, settings.SMTP_PASSWORD)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise NotifyError(f"sending to {message['To']} via {settings.SMTP_HOST} failed: {error}") from error


def send_quietly(config: SiteConfig, message: EmailMessage) -> bool:
    """:func:`send`, logging instead of raising (the caller's work is already done)."""
    try:
        send(config, message)
    except NotifyError as error:
        log.error("%s", error)
        return False
    return True


# --- messages --------------------------------------------------------------------------------------


def _one_line(value: str, limit: int = 120) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _message(config: SiteConfig, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = to
    site = str(config.pelican.get("SITENAME", "")) or urlsplit(config.site_url).hostname or "site"
    message["Subject"] = f"[{_one_line(site, 60)}] {_one_line(subject)}"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender(config).rsplit("@", 1)[-1])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def _with_unsubscribe(message: EmailMessage, url: str) -> EmailMessage:
    message["List-Unsubscribe"] = f"<{url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def endpoint_link(config: SiteConfig, path: str) -> str:
    """An absolute link to the endpoint, from the configured public URL (never the Host header)."""
    return config.engagement.ENDPOINT_URL.rstrip("/") + path


def confirm_url(config: SiteConfig, token: str) -> str:
    return endpoint_link(config, f"/notifications/confirm/{token}")


def unsubscribe_url(config: SiteConfig, token: str) -> str:
    return endpoint_link(config, f"/notifications/unsubscribe/{token}")


def comment_url(thread_url: str, entry: Entry) -> str:
    return f"{thread_url}#comment-{entry.id}"


def editor_notice(config: SiteConfig, entry: Entry, thread_title: str, thread_url: str) -> EmailMessage:
    """Tell the editor about a new comment, with everything needed to moderate it."""
    state = "approved automatically" if entry.status == "approved" else "waiting for moderation"
    lines = [
        f"A new {entry.kind} on “{thread_title}” is {state}.",
        "",
        f"Article: {thread_url}",
        f"Author:  {entry.author_name}",
    ]
    if entry.author_email:
        lines.append(f"E-mail:  {entry.author_email}")
    if entry.author_url or entry.source_url:
        lines.append(f"Website: {entry.author_url or entry.source_url}")
    lines += ["", entry.body_source, "", "To moderate it:"]
    if config.engagement.ADMIN_TOKEN:
        lines.append(f"  {endpoint_link(config, '/admin')}")
    lines.append(f"  engagement moderate approve {entry.id}   (or reject / spam / delete)")
    subject = f"New {entry.kind} on “{thread_title}”"
    return _message(config, config.engagement.NOTIFY_EMAIL, subject, "\n".join(lines) + "\n")


def confirmation_message(config: SiteConfig, subscription: Subscription, thread_title: str) -> EmailMessage:
    """The one message an unconfirmed address receives: the link that turns notices on."""
    body = (
        f"Someone (hopefully you) commented on “{thread_title}” and asked to be told by e-mail "
        "when somebody replies.\n\n"
        f"To turn these notices on, open this link:\n  {confirm_url(config, subscription.token)}\n\n"
        "If this was not you, ignore this message: you will receive nothing more.\n"
        f"To stop every message from us now:\n  {unsubscribe_url(config, subscription.token)}\n"
    )
    message = _message(config, subscription.email, f"Please confirm reply notices for “{thread_title}”", body)
    return _with_unsubscribe(message, unsubscribe_url(config, subscription.token))


def reply_notice(
    config: SiteConfig, subscription: Subscription, reply: Entry, thread_title: str, thread_url: str
) -> EmailMessage:
    """Tell a confirmed subscriber that someone replied to their comment."""
    body = (
        f"{reply.author_name} replied to your comment on “{thread_title}”:\n\n"
        f"{reply.body_source}\n\n"
        f"Read it and answer: {comment_url(thread_url, reply)}\n\n"
        f"Stop these messages (one click): {unsubscribe_url(config, subscription.token)}\n"
    )
    message = _message(config, subscription.email, f"New reply on “{thread_title}”", body)
    return _with_unsubscribe(message, unsubscribe_url(config, subscription.token))


def editor_digest(config: SiteConfig, count: int, states: dict[str, int], first: list[Entry],
                  titles: dict[str, str]) -> EmailMessage:
    """One message for many new entries: the count per state and the first few (never spam)."""
    waiting = states.get("pending", 0)
    lines = [f"{count} new entries since the last message: "
             + ", ".join(f"{n} {state}" for state, n in sorted(states.items())) + ".", ""]
    if first:
        lines.append(f"The first {len(first)} not marked as spam:")
    for entry in first:
        name = entry.author_name or entry.blog_name or entry.source_url or "(no name)"
        lines += ["", f"- {entry.kind} #{entry.id} by {name} on “{titles.get(entry.thread, entry.thread)}” "
                      f"({entry.status})", f"  {_one_line(entry.body_source, 200)}"]
    lines += ["", "To moderate them:"]
    if config.engagement.ADMIN_TOKEN:
        lines.append(f"  {endpoint_link(config, '/admin')}")
    lines.append("  engagement moderate list")
    subject = f"{count} new entries ({waiting} waiting for moderation)"
    return _message(config, config.engagement.NOTIFY_EMAIL, subject, "\n".join(lines) + "\n")
