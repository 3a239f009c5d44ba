"""The Bluesky link card's thumbnail: the article's image uploaded as a blob, or no thumbnail."""

from __future__ import annotations

from pelican.plugins.engagement.settings import SiteConfig, from_pelican
from pelican.plugins.engagement.social.bluesky import BlueskyClient
from pelican.plugins.engagement.social.syndicate import Syndicator

from tests.social.standin import APP_PASSWORD, HANDLE
from tests.support.sites import REPO


def _syndicator(standin, api, store) -> Syndicator:
    pelican = {"SITEURL": "http://127.0.0.1:8000", "ENGAGEMENT_BLUESKY_HANDLE": HANDLE,
               "ENGAGEMENT_BLUESKY_PDS": standin.base, "ENGAGEMENT_BLUESKY_APPVIEW": standin.base,
               "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"]}
    config = SiteConfig(REPO / "pelicanconf.py", pelican, from_pelican(pelican, environ={}))
    return Syndicator(config, store, api, dry_run=False)


def test_the_image_becomes_an_uploaded_blob(standin, api, store) -> None:
    session = BlueskyClient(api, pds=standin.base, appview=standin.base).create_session(HANDLE, APP_PASSWORD)
    blob = _syndicator(standin, api, store)._thumbnail(session, f"{standin.base}/images/card.png")
    assert blob is not None and blob["mimeType"] == "image/png" and blob["ref"]["$link"] in standin.blobs


def test_something_that_is_not_an_image_gives_no_thumbnail(standin, api, store) -> None:
    session = BlueskyClient(api, pds=standin.base, appview=standin.base).create_session(HANDLE, APP_PASSWORD)
    page = f"{standin.base}/avatars/not-an-image.png"
    assert _syndicator(standin, api, store)._thumbnail(session, page) is None
    assert standin.blobs == {}
