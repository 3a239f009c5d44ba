"""What the backfeed reads from either platform, in one shape: replies and reactions.

The platform modules turn their API answers into these; ``backfeed.py`` stores them. Text is
already sanitized here (``markup.sanitize_html``): nothing a platform sends reaches the store raw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Author:
    """A person on a platform: display name, handle, profile page and avatar (remote URL; the
    backfeed downloads it, pages never link it)."""

    name: str
    handle: str
    url: str
    avatar_url: str = ""
    remote_id: str = ""  # account id (Mastodon) or DID (Bluesky): what blocks are keyed by


@dataclass(frozen=True)
class Reply:
    """A reply to a syndicated post (or to a reply under it)."""

    remote_id: str  # status id (Mastodon) or at:// URI (Bluesky)
    parent_id: str | None  # what it answers; the syndicated post itself means "top level"
    url: str  # where people read it on the platform
    author: Author
    html: str  # sanitized
    text: str  # plain text, kept as body_source (what the author wrote)
    created_at: datetime


@dataclass(frozen=True)
class Reaction:
    """A like or a repost (Mastodon: favourite, boost)."""

    kind: str  # like | repost
    author: Author


@dataclass
class Conversation:
    """Everything a syndicated post gathered: its replies (parents before children) and reactions."""

    replies: list[Reply]
    reactions: list[Reaction]
    #: False when the platform may have left replies out (Mastodon caps the replies it shows to
    #: logged-out readers): then an absent reply is not taken as deleted.
    complete: bool = True


def parse_time(value: object) -> datetime:
    """An API timestamp (ISO 8601, ``Z`` or an offset) as an aware UTC datetime; now if unusable."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
