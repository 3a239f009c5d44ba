"""What every request handler shares: the site's configuration, the store and the threads manifest.

Kept apart from the application factory (:mod:`.app`) so the blueprints can import it while the
factory imports the blueprints: data flows from the factory into this context, never back.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.settings import EngagementSettings, SiteConfig
from pelican.plugins.engagement.store import Store

EXTENSION = "engagement"


@dataclass(frozen=True)
class EndpointContext:
    """What every request handler needs, built once per application."""

    config: SiteConfig
    store: Store
    manifest: Manifest
    secret: str
    origins: frozenset[str]

    @property
    def settings(self) -> EngagementSettings:
        return self.config.engagement

    def public_url(self, path: str) -> str:
        """An absolute link to ``path`` on this endpoint, from ENGAGEMENT_ENDPOINT_URL.

        Never from the request's ``Host`` (or a proxy's ``X-Forwarded-Host``): a sender could forge
        it and have our answers point other programs at a host of its choosing. Without a
        configured URL the link stays relative to the endpoint.
        """
        return self.settings.ENDPOINT_URL.rstrip("/") + path

    def thread_url(self, thread: str) -> str:
        """The public address of a thread's article (from the manifest, else from SITEURL)."""
        known = self.manifest.get(thread)
        if known is not None:
            return known.url
        return f"{self.config.site_url}/{thread}"



def endpoint_context() -> EndpointContext:
    """The current application's :class:`EndpointContext` (inside a request)."""
    return current_app.extensions[EXTENSION]
