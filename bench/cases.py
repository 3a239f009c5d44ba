"""Case blocks and social embeds for the synthetic articles, in the plugin's own syntax.

Cases are fenced ``case`` blocks (see ``pelican/plugins/engagement/cases/blocks.py``); an embed is a
post URL on a line of its own. Every embed URL gets an entry in ``content/embeds.json``, the snapshot
the build reads instead of the network, so a benchmark build is offline and deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

BRANDS = ("Acme Air", "Parcelly", "Northbank", "FreshCart", "Telco One", "Insurely")
PLATFORMS = ("Twitter", "Facebook", "Mastodon")


def case_block(article: int, number: int) -> str:
    """One complete case: both sides of the exchange, times, a verdict and a lesson."""
    brand = BRANDS[(article + number) % len(BRANDS)]
    verdict = "beauty" if (article + number) % 3 else "beast"
    minutes = 5 + (article * 7 + number * 13) % 300
    hour, minute = divmod(9 * 60 + minutes, 60)
    return "\n".join([
        "```case",
        f"brand: {brand}",
        f"platform: {PLATFORMS[number % len(PLATFORMS)]}",
        f"customer: Customer {article}-{number}",
        f"customer_handle: @customer{article}x{number}",
        f"customer_said: My order {article}{number} never arrived and nobody answers the phone.",
        "  I have been waiting since Monday.",
        "customer_at: 2024-03-04 09:00",
        f"brand_handle: @{brand.lower().replace(' ', '')}",
        f"brand_said: Sorry to hear that! We have found order {article}{number} and a courier",
        "  brings it today. A refund of the delivery fee is on its way.",
        f"replied_at: 2024-03-04 {hour:02d}:{minute:02d}",
        f"verdict: {verdict}",
        f"rating: {5 if verdict == 'beauty' else 1}",
        "lesson: Answer in public, fix it in private, and say what happens next.",
        f"id: case-{number + 1}",
        "```",
    ])


def embed_url(article: int) -> str:
    return f"https://twitter.com/acmeair/status/{1_700_000_000_000_000_000 + article}"


def embed_line(article: int) -> str:
    """A social post on a line of its own: the plugin turns it into a static card."""
    return embed_url(article)


def snapshot_entry(article: int) -> dict[str, object]:
    """An entry as the plugin writes it after fetching the post's oEmbed data (no media files)."""
    url = embed_url(article)
    text = f"Our crew found the lost bag {article} and it is on the next flight home. Safe travels!"
    return {
        "source": "oembed",
        "platform": "X",
        "endpoint": f"https://publish.twitter.com/oembed?url={quote(url, safe='')}&omit_script=1&dnt=true",
        "fetched_at": "2024-03-04T10:00:00+00:00",
        "payload": {
            "type": "rich",
            "version": "1.0",
            "url": url,
            "author_name": "Acme Air",
            "author_url": "https://twitter.com/acmeair",
            "provider_name": "Twitter",
            "html": (f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>'
                     f'&mdash; Acme Air (@acmeair) <a href="{url}">March 4, 2024</a></blockquote>'),
        },
        "media": {},
    }


def write_snapshot(content: Path, articles: Iterable[int]) -> Path:
    """``content/embeds.json`` with one entry per article's embed (the snapshot format v1)."""
    document = {"version": 1, "embeds": {embed_url(n): snapshot_entry(n) for n in articles}}
    path = content / "embeds.json"
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", "utf-8")
    return path
