"""A small real site with one new article, syndicated to the stand-in platforms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from pelican.plugins.engagement.moderation.actions import moderate, refresh_pages
from pelican.plugins.engagement.settings import SiteConfig, from_pelican
from pelican.plugins.engagement.social.syndicate import syndicate
from pelican.plugins.engagement.store import Store

from tests.social.standin import HANDLE, StandIn
from tests.support.sites import REPO, build_site, site_settings, write_article

SLUG = "talk-to-us"


@dataclass
class SocialSite:
    root: Path
    content: Path
    store: Store
    overrides: dict[str, Any]
    key: str

    def config(self, root: Path | None = None) -> SiteConfig:
        settings = site_settings(root or self.root, self.content, **self.overrides)
        return SiteConfig(REPO / "pelicanconf.py", settings, from_pelican(settings))

    def build(self, root: Path | None = None) -> Path:
        return build_site(root or self.root, self.content, **self.overrides)

    def page(self, output: Path | None = None) -> BeautifulSoup:
        folder = output or self.root / "output"
        return BeautifulSoup((folder / self.key / "index.html").read_text("utf-8"), "html.parser")


def make_social_site(tmp_path: Path, store_url: str, standin: StandIn, *,
                     metadata: dict[str, str] | None = None, **extra: Any) -> SocialSite:
    """Build a site with a new article (yesterday, with ``metadata`` added) and an old one; the
    secrets must be in the environment (monkeypatch) before."""
    day = datetime.now(UTC) - timedelta(days=1)
    content = tmp_path / "content"
    write_article(content / "articles", SLUG, "What do *you* think?", title="Talk to us",
                  date=day.strftime("%Y-%m-%d %H:%M"),
                  extra={"Tags": "twitter, response time", "Summary": "Where the conversation happens.",
                         **(metadata or {})})
    write_article(content / "articles", "old-news", "Years ago.", date="2016-02-01 10:00")
    overrides = {
        "ENGAGEMENT_DATABASE_URL": store_url,
        "ENGAGEMENT_MASTODON_INSTANCE": standin.base,
        "ENGAGEMENT_BLUESKY_HANDLE": HANDLE,
        "ENGAGEMENT_BLUESKY_PDS": standin.base,
        "ENGAGEMENT_BLUESKY_APPVIEW": standin.base,
        "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"],
        **extra,
    }
    store = Store.open(store_url)
    social = SocialSite(tmp_path / "site", content, store, overrides, day.strftime(f"%Y/%m/{SLUG}/"))
    social.build()
    return social


def syndicated(site: SocialSite, standin: StandIn) -> dict[str, Any]:
    """Syndicate, update the pages, and give both posts the fixtures' conversation."""
    config = site.config()
    report = syndicate(config, site.store)
    refresh_pages(config, report.changed_threads)
    records = {s.platform: s for s in site.store.syndications()}
    standin.add_mastodon_conversation(records["mastodon"].remote_id)
    standin.add_bluesky_conversation(records["bluesky"].remote_id)
    return records


def approve_all(site: SocialSite) -> None:
    for entry in site.store.list(status="pending"):
        moderate(site.config(), site.store, entry.id, "approve", actor="test")
