"""One build's view of social posts: the snapshot first, then (if allowed) a guarded fetch.

A post that is in the snapshot renders from it, so a CI build needs no network and a post deleted
later still shows. A post that is missing is fetched when ``ENGAGEMENT_EMBEDS_FETCH`` is on, its
images downloaded next to the snapshot, and the snapshot rewritten. A post we can neither find nor
fetch becomes a plain link card and a WARNING naming the file and line (with ``--fatal warnings``
that stops the build, which is what a CI build wants).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

# Pelican installs its fatal-aware logger class when imported. Import it before creating our
# logger, so a warning here honours ``--fatal warnings`` even when the CLI imports us first.
import pelican.log  # noqa: F401
from pelican.plugins.engagement import __version__
from pelican.plugins.engagement.cases import cards, providers
from pelican.plugins.engagement.cases.images import dimensions
from pelican.plugins.engagement.cases.snapshot import Snapshot
from pelican.plugins.engagement.settings import EngagementSettings

if TYPE_CHECKING:  # the fetching side (requests, BeautifulSoup) is imported only when a post is fetched
    from pelican.plugins.engagement.net import Fetcher

logger = logging.getLogger(__name__)

MEDIA_URL_PATH = "engagement/media"


class CardMemo(Protocol):
    """Where cards outlive a build: Pelican's ``FileDataCacher`` (``CACHE_PATH``) fits."""

    def get_cached_data(self, filename: str, default: Any = None) -> Any: ...

    def cache_data(self, filename: str, data: Any) -> None: ...

    def save_cache(self) -> None: ...


def _fingerprint(entry: dict[str, Any]) -> str:
    """Identifies a snapshot entry and the code that turns it into a card (a new version rebuilds)."""
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{__version__}\n{text}".encode()).hexdigest()


class Library:
    """Snapshot + fetcher + memo for one build (or one CLI run).

    ``memo`` (optional) keeps the card fields of each snapshot entry between builds: reading a
    post's text out of its oEmbed HTML is the costly part, and the snapshot rarely changes.
    """

    def __init__(self, settings: EngagementSettings, content_path: str | Path,
                 memo: CardMemo | None = None) -> None:
        self.settings = settings
        self.memo = memo
        base = Path(content_path)
        self.snapshot = Snapshot(base / settings.EMBEDS_SNAPSHOT, base / settings.EMBEDS_MEDIA_PATH)
        self.extra_providers = providers.site_providers(settings.EMBEDS_PROVIDERS)
        self.used: set[str] = set()
        self._cards: dict[str, dict[str, Any]] = {}

    # --- lookup ------------------------------------------------------------------------------------
    def match(self, url: str) -> providers.Match | None:
        return providers.match(url, self.extra_providers)

    def card(self, url: str, source: str, line: int) -> dict[str, Any]:
        """The card for ``url``; ``source``/``line`` locate the reference for warnings."""
        if url in self._cards:
            return self._cards[url]
        found = self.match(url)
        entry = self.snapshot.get(url)
        reason = f"it is not in the snapshot {self.snapshot.path.name}"
        if entry is None and found is None:
            reason += " and no provider recognises the URL (see ENGAGEMENT_EMBEDS_PROVIDERS)"
        if entry is None and found is not None:
            gated = found.provider is not None and found.provider.needs_token
            if gated and not self.settings.EMBEDS_META_TOKEN:
                # Meta's endpoints need a token; without one a link card is the documented result.
                card = cards.link_card(url, found.platform)
                self._cards[url] = card
                return card
            if self.settings.EMBEDS_FETCH:
                from pelican.plugins.engagement.cases import oembed

                try:
                    entry = self.refresh(url, found)
                except oembed.EmbedError as error:
                    reason += f" and fetching failed: {error.reason}"
            else:
                reason += " and fetching is off (ENGAGEMENT_EMBEDS_FETCH = False)"
        if entry is None:
            logger.warning("%s:%d: embed %s: %s; showing a plain link card", source, line, url, reason)
            card = cards.link_card(url, found.platform if found else "")
        else:
            self.used.add(url)
            card = self._card_from_entry(url, entry)
            for item in card["media"]:
                item["size"] = dimensions(self.snapshot.media_dir / item["file"])
        self._cards[url] = card
        return card

    def _card_from_entry(self, url: str, entry: dict[str, Any]) -> dict[str, Any]:
        if self.memo is None:
            return cards.card_from_entry(url, entry)
        fingerprint = _fingerprint(entry)
        kept = self.memo.get_cached_data(url)
        if not (isinstance(kept, tuple) and len(kept) == 2 and kept[0] == fingerprint):
            kept = (fingerprint, cards.card_from_entry(url, entry))
            self.memo.cache_data(url, copy.deepcopy(kept))
        return copy.deepcopy(kept[1])

    # --- fetching ----------------------------------------------------------------------------------
    def fetcher(self, *, max_bytes: int | None = None) -> Fetcher:
        from pelican.plugins.engagement.net import Fetcher, FetchPolicy

        policy = FetchPolicy.from_settings(self.settings)
        if max_bytes is not None:
            policy = FetchPolicy.from_settings(self.settings, max_bytes=max_bytes)
        return Fetcher(policy)

    def refresh(self, url: str, found: providers.Match | None = None) -> dict[str, Any]:
        """Fetch ``url`` now, download its images, and store it in the snapshot."""
        from pelican.plugins.engagement.cases import oembed

        found = found or self.match(url)
        if found is None:
            raise oembed.EmbedError("not a post URL any provider knows")
        with self.fetcher() as fetcher:
            entry = oembed.fetch_entry(fetcher, url, found, token=self.settings.EMBEDS_META_TOKEN)
        entry["media"] = self._download_images(url, entry)
        self.snapshot.put(url, entry)
        return entry

    def _download_images(self, url: str, entry: dict[str, Any]) -> dict[str, str]:
        from pelican.plugins.engagement.cases import oembed

        saved: dict[str, str] = {}
        with self.fetcher(max_bytes=self.settings.EMBEDS_MEDIA_MAX_BYTES) as fetcher:
            for image in cards.image_urls(entry):
                try:
                    saved[image] = oembed.download(fetcher, image, self.snapshot.media_dir)
                except oembed.EmbedError as error:
                    logger.warning("embed %s: %s; the card is shown without it", url, error.reason)
        return saved

    # --- output ------------------------------------------------------------------------------------
    def save(self) -> None:
        if self.snapshot.changed:
            self.snapshot.save()
        if self.memo is not None:
            self.memo.save_cache()

    def copy_media(self, output_path: str | Path) -> int:
        """Copy the images of the cards this build used into ``output/engagement/media``."""
        target = Path(output_path) / MEDIA_URL_PATH
        copied = 0
        for url in sorted(self.used):
            for name in (self.snapshot.get(url) or {}).get("media", {}).values():
                source = self.snapshot.media_dir / name
                if source.is_file():
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target / name)
                    copied += 1
        return copied
