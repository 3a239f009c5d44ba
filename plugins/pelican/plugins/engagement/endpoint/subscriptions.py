"""The links in notification e-mails: confirm reply notices, and unsubscribe in one click.

Opening a link (GET) only shows a page with a button; the change happens on POST. Mail scanners and
link previews fetch every URL in a message, and must not confirm or cancel anything on a reader's
behalf. Mail clients that support RFC 8058 POST ``List-Unsubscribe=One-Click`` to the unsubscribe
URL directly, which the POST route accepts as it is.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from pelican.plugins.engagement.endpoint.context import endpoint_context
from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.moderation import subscriptions

blueprint = Blueprint("notifications", __name__, url_prefix="/notifications")

_UNKNOWN = "This link is not valid any more: the notice was already cancelled, or the link is incomplete."


def _page(**values: object) -> str:
    ctx = endpoint_context()
    return render_template("engagement_endpoint/notice.html", home=ctx.config.site_url + "/", **values)


def _ask(token: str, title: str, text: str, button: str) -> str:
    """The page a link opens: what pressing the button will do (the POST does it)."""
    if subscriptions.find(endpoint_context().store, token) is None:
        raise Refusal(404, _UNKNOWN)
    return _page(title=title, text=text, button=button)


@blueprint.get("/confirm/<token>")
def confirm_form(token: str) -> str:
    return _ask(
        token, "Confirm reply notices",
        "Press the button to be told by e-mail when someone replies to your comment.",
        "Yes, send me reply notices",
    )


@blueprint.post("/confirm/<token>")
def confirm(token: str) -> str:
    ctx = endpoint_context()
    subscription = subscriptions.confirm(ctx.store, token)
    if subscription is None:
        raise Refusal(404, _UNKNOWN)
    return _page(
        title="Reply notices are on",
        text="Thank you. We will write when someone replies. Every message has a link to stop them.",
        back_url=ctx.thread_url(subscription.thread),
    )


@blueprint.get("/unsubscribe/<token>")
def unsubscribe_form(token: str) -> str:
    return _ask(
        token, "Stop reply notices",
        "Press the button and we will send no more reply notices to your address.",
        "Stop all reply notices",
    )


@blueprint.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> str:
    """Always a success page: a second click (or a mail client's retry) finds nothing left to stop."""
    subscriptions.unsubscribe(endpoint_context().store, token)
    return _page(title="Unsubscribed", text="Done: we will send no more reply notices to your address.")
