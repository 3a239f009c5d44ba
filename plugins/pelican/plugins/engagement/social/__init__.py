"""Syndication to Mastodon and Bluesky (POSSE) and the backfeed of their replies and reactions.

``syndicate.py`` posts newly published articles and records where (``store/syndication.py``);
``backfeed.py`` reads every syndicated post's replies, likes and reposts back into the moderated
store. The platform clients (``mastodon.py``, ``bluesky.py``) are plain REST/XRPC calls through
:mod:`pelican.plugins.engagement.net` (``api.py`` adds JSON, retries and back-off), so every request
is guarded exactly like a linkback fetch.
"""

#: The platforms, as entry kinds and in the order pages list them.
PLATFORMS = ("mastodon", "bluesky")

#: How each platform is named on the pages.
PLATFORM_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky"}
