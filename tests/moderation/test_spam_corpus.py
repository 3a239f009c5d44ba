"""A corpus of 200 realistic spam and 50 legitimate comments and linkbacks, written for this test,
posted through the real endpoint (and the real linkback verifier) with the settings a site that
receives spam would use: the form token required, a list of disallowed words and domains.

It prints how many spam entries reach the pending queue (a person would have to read them) and how
many legitimate ones are marked spam. Goals: at least 90 % of the spam never pending, no
legitimate entry marked spam (both asserted; measured 97.5 % and 0).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest
import requests
from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.linkbacks.intake import linkback_key
from pelican.plugins.engagement.linkbacks.worker import verify_queued
from pelican.plugins.engagement.moderation import form_token
from pelican.plugins.engagement.store import NewEntry

from tests.linkbacks.conftest import Peer, linking_page
from tests.support.endpoint import OPEN, SITEURL, built_site, comment_fields, start_endpoint

__all__ = ["built_site", "start_endpoint"]  # the endpoint fixtures, used here too
from tests.support.servers import serve_wsgi

# "casino" is ambiguous (a reader's casino-themed restaurant): held for a person, not spam.
MODERATION = ["casino"]
DISALLOWED = ["viagra", "cialis", "payday loan", "replica watches", "crypto giveaway",
              "escort", "forex signals", "buy followers", "seo services", "pills-shop.example",
              "cheap-meds.example", "bet-win.example"]
SETTINGS = {"FORM_TOKEN": "require", "DISALLOWED_KEYS": DISALLOWED, "MODERATION_KEYS": MODERATION,
            "RATE_LIMIT": 0, "THREAD_RATE_LIMIT": 0,
            "ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"], "LINKBACK_RATE_LIMIT": 0, "LINKBACK_SOURCE_RATE_LIMIT": 0}
PHARMA = ["Buy viagra online without prescription, fast shipping!", "Cheapest cialis here, discreet delivery",
          "Best online casino bonus 2026, claim now", "Need cash? Payday loan approved in 5 minutes",
          "Top quality replica watches at 90% off", "Crypto giveaway: send 1 BTC, get 2 back",
          "Forex signals with 98% accuracy, join today", "Buy followers for Instagram, real and cheap",
          "Affordable SEO services, first page guaranteed", "Hot escort service in your city"]
FARM_WORDS = ["Great post", "Nice article", "Very informative", "Thanks for sharing", "Useful info"]
LEGIT = ["I had almost the same experience with my airline last spring; the apology made the difference.",
         "Interesting point about response time. Do you have numbers for email support as well?",
         "The part about owning the mistake is spot on. Our team reads replies out loud before sending.",
         "I disagree a little: speed matters, but a wrong fast answer is worse than a slow right one.",
         "We tried a similar approach at our company (see https://example.org/our-story) and it worked.",
         "A specialist in our class recommended this blog, glad I found it.",
         "Could you write about how to handle angry customers on Mastodon? Different culture there.",
         "Thanks! Bookmarked. The JetBlue example is one I use in training too.",
         "Typo in the third paragraph: 'recieve' should be 'receive'.",
         "Our casino-themed restaurant got a bad review once; answering calmly helped a lot.",
         # over the link limit, in sentences: held for a person, never a link farm
         "Before answering a refund request I read https://a.example/policy, the airline's own page at "
         "https://b.example/refunds and the regulator's summary at https://c.example/rules."]


@pytest.fixture
def peer() -> Iterator[Peer]:
    site = Peer()
    with serve_wsgi(site) as url:
        site.url = url
        yield site


def _aged_token(endpoint, seconds: float = 45) -> str:
    return form_token.issue(endpoint.store.secret_key(), OPEN, now=time.time() - seconds)


def _post_json(endpoint, **fields) -> int | None:
    answer = requests.post(f"{endpoint.url}/api/comments", json=comment_fields(**fields), timeout=10)
    return answer.json().get("id") if answer.status_code == 201 else None


def _post_form(endpoint, **fields) -> int | None:
    answer = requests.post(f"{endpoint.url}/comments", data=comment_fields(**fields), allow_redirects=False,
                           timeout=10)
    if answer.status_code != 303:
        return None  # e.g. the "check and send" page: nothing stored
    return -1  # stored; the form does not say which id


def _linkback(endpoint, source: str, n: int) -> int:
    key = linkback_key(OPEN, source)
    return endpoint.store.add(NewEntry(thread=OPEN, kind="webmention", source_url=source,
                                       verification="queued", dedupe_key=key, ip_hash=f"{n:064x}")).id


def test_spam_corpus(start_endpoint, peer: Peer) -> None:
    endpoint = start_endpoint(**SETTINGS)
    rng = random.Random(14)
    target = f"{SITEURL}/{OPEN}"
    spam_ids: list[int] = []
    refused_spam = 0

    def spam(result: int | None) -> None:
        nonlocal refused_spam
        if result is None or result == -1:
            refused_spam += result is None
            assert result is None, "a spam form post without a token was stored"
        else:
            spam_ids.append(result)

    for n in range(50):  # pharmacy, casino, loan words; a careful bot with an aged, valid token
        spam(_post_json(endpoint, name=f"Deals {n}", email=f"bot{n}@mail.example", body=rng.choice(PHARMA),
                        form_token=_aged_token(endpoint)))
    for n in range(40):  # a dumb bot posting the plain form without a token
        spam(_post_form(endpoint, name=f"John {n}", body=f"{rng.choice(FARM_WORDS)} http://site{n}.example"))
    for n in range(30):  # forged tokens
        forged = f"1700000000.{n}.forged"
        spam(_post_json(endpoint, name=f"Anna {n}", body=rng.choice(FARM_WORDS), form_token=forged))
    for n in range(30):  # a bot that fetches a token and posts at once
        issued = requests.get(f"{endpoint.url}/api/form-token", params={"thread": OPEN}, timeout=10)
        token = issued.json()["token"]
        spam(_post_json(endpoint, name=f"Mike {n}", body=rng.choice(FARM_WORDS) + "!", form_token=token))
    replayed = _aged_token(endpoint, 120)
    for n in range(20):  # one token replayed (the first use passes the token check)
        body = f"{rng.choice(FARM_WORDS)} {n}"
        spam(_post_json(endpoint, name=f"Kate {n}", body=body, form_token=replayed))
    for n in range(20):  # link farms with an aged token: more links than ENGAGEMENT_MAX_LINKS
        links = " ".join(f"https://shop{n}-{i}.example/item" for i in range(rng.randint(4, 9)))
        spam(_post_json(endpoint, name=f"Links {n}", body=f"{rng.choice(FARM_WORDS)}: {links}",
                        form_token=_aged_token(endpoint)))
    hidden_styles = ["display:none", "visibility:hidden", "font-size:0", "position:absolute;left:-9999px"]
    for n in range(10):  # linkbacks from pages that hide their link to us
        style = hidden_styles[n % len(hidden_styles)]
        url = peer.page(f"/hidden/{n}", f'<html><body><p>Casual text.</p><div style="{style}">'
                                        f'<a href="{target}">x</a></div></body></html>')
        spam_ids.append(_linkback(endpoint, url, n))

    legit_ids: list[int] = []
    for n in range(40):  # people, each taking their time (an aged token), some with a link or two
        legit_ids.append(_post_json(endpoint, name=f"Reader {n}", email=f"reader{n}@example.org",
                                    body=LEGIT[n % len(LEGIT)] + f" ({n})", form_token=_aged_token(endpoint)))
    for n in range(10):  # real blogs linking to the article where readers see it
        url = peer.page(f"/post/{n}", linking_page(target, title=f"Thoughts on customer care {n}"))
        legit_ids.append(_linkback(endpoint, url, 100 + n))
    assert None not in legit_ids, "a legitimate comment was refused"

    settings = endpoint.config.engagement
    verify_queued(endpoint.store, settings, Manifest(endpoint.config.threads_manifest))

    spam_pending = sum(endpoint.store.require(i).status == "pending" for i in spam_ids)
    spam_total = len(spam_ids) + refused_spam
    legit_spam = [i for i in legit_ids if endpoint.store.require(i).status == "spam"]
    kept_out = spam_total - spam_pending
    print(f"\nspam corpus: {spam_total} spam, {spam_pending} reached the pending queue, {kept_out} never did "
          f"({100 * kept_out / spam_total:.1f} %; {refused_spam} refused at the form, "
          f"{len(spam_ids) - spam_pending} kept as spam); "
          f"legitimate: {len(legit_ids)}, marked spam: {len(legit_spam)}")
    assert spam_total == 200 and len(legit_ids) == 50
    assert not legit_spam
    # Measured 97.5 %. What still reaches a person: the casino offers (no link, so only the ambiguous
    # moderation word holds them) and the first use of the replayed token (a valid, patient token on
    # a bland comment; only its second use gives the robot away). Akismet, when on, is the next line.
    assert kept_out / spam_total >= 0.90
