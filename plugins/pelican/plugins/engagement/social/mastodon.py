"""Mastodon: post a status, read its context, favourites and boosts (REST API v1).

Calls (https://docs.joinmastodon.org/methods/statuses/):

- ``POST /api/v1/statuses`` with ``Authorization: Bearer`` (scope ``write:statuses``) and an
  ``Idempotency-Key``: a retried post after a lost answer returns the same status, not a second one;
- ``GET /api/v1/statuses/:id/context``: ``descendants`` threaded by ``in_reply_to_id``;
- ``GET /api/v1/statuses/:id/favourited_by`` and ``/reblogged_by``: accounts, paginated by ``Link``;
- ``GET /api/v1/blocks`` and ``/api/v1/mutes`` when the token also has ``read:blocks`` /
  ``read:mutes`` (optional: without them only the visibility rules apply).

Read calls send the token only to our own instance (a token never leaves the instance it belongs
to), and only while it works: a token with ``write:statuses`` alone is refused for reading (403), and
the client then reads as a logged-out visitor. Logged-out, an instance shows a limited number of
replies (:data:`LOGGED_OUT_DESCENDANTS`); a context that long is treated as possibly incomplete.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

from pelican.plugins.engagement.markup import sanitize_html
from pelican.plugins.engagement.social.api import ApiClient, ApiError
from pelican.plugins.engagement.social.items import Author, Conversation, Reaction, Reply, parse_time

#: Only these are ever taken: followers-only ("private") and direct posts are not public.
PUBLIC_VISIBILITIES = frozenset({"public", "unlisted"})
PAGE_SIZE = 80  # the API's maximum for favourited_by / reblogged_by
#: Replies Mastodon lists in a context for a logged-out request, at most.
LOGGED_OUT_DESCENDANTS = 60
MAX_PAGES = 50


class MastodonClient:
    """One instance's API. ``instance`` is its base URL (https://mastodon.example)."""

    def __init__(self, api: ApiClient, instance: str, token: str = "") -> None:
        self.api = api
        self.instance = instance.rstrip("/")
        self.token = token
        self.host = urlsplit(self.instance).hostname or ""
        self.token_for_reading = bool(token)  # until the instance refuses it for reading

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _read(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """A GET with the token while the instance accepts it for reading, else without."""
        if self.token_for_reading:
            try:
                return self.api.call("GET", url, params=params, headers=self._auth())
            except ApiError as error:
                if error.status not in (401, 403):
                    raise
                self.token_for_reading = False
        return self.api.call("GET", url, params=params)

    def post_status(self, text: str, *, idempotency_key: str, language: str = "") -> dict[str, Any]:
        """Publish ``text`` publicly; returns the created Status (``id``, ``url``)."""
        if not self.token:
            raise ApiError("no access token: set ENGAGEMENT_MASTODON_TOKEN in the environment")
        body: dict[str, Any] = {"status": text, "visibility": "public"}
        if language:
            body["language"] = language
        answer = self.api.call("POST", f"{self.instance}/api/v1/statuses", json_body=body,
                               headers={**self._auth(), "Idempotency-Key": idempotency_key})
        if not isinstance(answer.data, dict) or not answer.data.get("id"):
            raise ApiError("the instance answered without a status id")
        return answer.data

    def conversation(self, status_id: str, *, blocked: frozenset[str] = frozenset()) -> Conversation:
        """Replies (public and unlisted, parents first) and reactions of one status."""
        authenticated = bool(self.token)
        answer = self._read(f"{self.instance}/api/v1/statuses/{status_id}/context")
        authenticated = authenticated and self.token_for_reading
        data = answer.data if isinstance(answer.data, dict) else {}
        listed = [s for s in data.get("descendants") or [] if isinstance(s, dict)]
        replies = [reply for status in listed if (reply := self._reply(status, blocked)) is not None]
        reactions = [Reaction("like", author) for author in self._accounts(status_id, "favourited_by")
                     if author.remote_id not in blocked]
        reactions += [Reaction("repost", author) for author in self._accounts(status_id, "reblogged_by")
                      if author.remote_id not in blocked]
        complete = authenticated or len(listed) < LOGGED_OUT_DESCENDANTS
        return Conversation(_keep_reachable(replies, status_id), reactions, complete)

    def blocked_accounts(self) -> frozenset[str]:
        """Ids of the accounts our account blocks or mutes (empty when the token may not read them)."""
        if not self.token:
            return frozenset()
        found: set[str] = set()
        for path in ("blocks", "mutes"):
            try:
                found |= {a.remote_id for a in self._paginate(f"{self.instance}/api/v1/{path}",
                                                              private=True)}
            except ApiError as error:
                if error.status not in (401, 403):
                    raise
        return frozenset(found)

    def _accounts(self, status_id: str, what: str) -> list[Author]:
        return self._paginate(f"{self.instance}/api/v1/statuses/{status_id}/{what}")

    def _paginate(self, url: str, *, private: bool = False) -> list[Author]:
        """Follow ``Link: <…>; rel="next"`` (on this instance only) up to :data:`MAX_PAGES` pages."""
        authors: list[Author] = []
        params: dict[str, Any] | None = {"limit": PAGE_SIZE}
        for _page in range(MAX_PAGES):
            answer = (self.api.call("GET", url, params=params, headers=self._auth()) if private
                      else self._read(url, params))
            accounts = answer.data if isinstance(answer.data, list) else []
            authors += [self._author(a) for a in accounts if isinstance(a, dict)]
            following = (answer.links.get("next") or {}).get("url", "")
            if not accounts or not following or urlsplit(following).hostname != self.host:
                break
            url, params = following, None
        return authors

    def _author(self, account: dict[str, Any]) -> Author:
        acct = str(account.get("acct") or account.get("username") or "")
        handle = f"@{acct}" if "@" in acct else f"@{acct}@{self.host}"
        return Author(
            name=str(account.get("display_name") or account.get("username") or acct or "Someone"),
            handle=handle,
            url=_web_url(account.get("url")),
            avatar_url=_web_url(account.get("avatar_static") or account.get("avatar")),
            remote_id=str(account.get("id") or ""),
        )

    def _reply(self, status: dict[str, Any], blocked: frozenset[str]) -> Reply | None:
        if status.get("visibility") not in PUBLIC_VISIBILITIES:
            return None
        account = status.get("account") if isinstance(status.get("account"), dict) else {}
        author = self._author(account)
        if author.remote_id in blocked:
            return None
        content = str(status.get("content") or "")
        warning = str(status.get("spoiler_text") or "").strip()
        if warning:
            content = f"<p>{html.escape(warning)}</p>{content}"
        body = sanitize_html(content)
        return Reply(
            remote_id=str(status.get("id") or ""),
            parent_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
            url=_web_url(status.get("url") or status.get("uri")),
            author=author,
            html=body,
            text=_plain(body),
            created_at=parse_time(status.get("created_at")),
        )


def _keep_reachable(replies: list[Reply], root_id: str) -> list[Reply]:
    """Replies whose chain leads to the root through replies we keep; the rest answered something
    we may not show (a followers-only reply) and would only make sense with it, so they go too."""
    kept: dict[str, Reply] = {}
    for reply in replies:  # the API lists parents before their replies
        if reply.remote_id and (reply.parent_id == root_id or reply.parent_id in kept):
            kept[reply.remote_id] = reply
    return list(kept.values())


def _web_url(value: object) -> str:
    text = str(value or "")
    return text if text.lower().startswith(("https://", "http://")) else ""


def _plain(fragment: str) -> str:
    from markupsafe import Markup

    return Markup(fragment.replace("</p>", "</p>\n\n").replace("<br>", "\n")).striptags() if fragment else ""


def status_id_from_url(url: str) -> tuple[str, str] | None:
    """(instance base URL, status id) of a Mastodon post URL (``https://host/@user/123`` or
    ``https://host/users/user/statuses/123``); None when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 2 and segments[0].startswith("@") and segments[1].isdigit():
        return f"{parts.scheme}://{parts.netloc}", segments[1]
    if len(segments) == 4 and segments[0] == "users" and segments[2] == "statuses" and segments[3].isdigit():
        return f"{parts.scheme}://{parts.netloc}", segments[3]
    return None
