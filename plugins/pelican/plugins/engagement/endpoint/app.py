"""The WSGI application: an app factory that reads the site's configuration and wires the parts.

The endpoint keeps no state of its own besides the store, so any number of instances (gunicorn
workers, several hosts on one PostgreSQL) can run side by side. The same factory serves
``engagement serve`` (Werkzeug's server, for development), gunicorn
(``pelican.plugins.engagement.endpoint.wsgi``) and the tests.
"""

from __future__ import annotations

import hashlib
import logging

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.endpoint import (
    admin,
    comments,
    errors,
    fast_read,
    inputs,
    linkbacks,
    openapi,
    security,
    subscriptions,
)
from pelican.plugins.engagement.endpoint.context import EXTENSION, EndpointContext
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Store

log = logging.getLogger(__name__)


class ReaderSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, without building its signer for requests that carry no cookie.

    Only the admin log-in uses the session; readers (every thread read and comment) never send
    the cookie, and Flask would otherwise derive the signing key on each of their requests.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def create_app(config: SiteConfig, *, store: Store | None = None) -> Flask:
    """Build the endpoint for one site. ``store`` overrides the configured database (tests)."""
    settings = config.engagement
    store = store or Store.open(config.database_url)
    secret = settings.SECRET_KEY or store.secret_key()
    manifest = Manifest(config.threads_manifest)
    if not config.threads_manifest.is_file():
        log.warning(
            "threads manifest %s not found: every comment will be refused until the site is built",
            config.threads_manifest,
        )

    app = Flask(__name__, template_folder="templates")
    app.config.update(
        MAX_CONTENT_LENGTH=settings.MAX_BODY_BYTES,
        MAX_FORM_MEMORY_SIZE=settings.MAX_BODY_BYTES,
        # The session cookie only ever carries the admin log-in; derive its key from our secret so
        # that it is never the raw key used for IP hashes.
        SECRET_KEY=hashlib.sha256(f"admin-session:{secret}".encode()).hexdigest(),
        SESSION_COOKIE_NAME="engagement_admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.ENDPOINT_URL.startswith("https://"),
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.session_interface = ReaderSessionInterface()
    app.extensions[EXTENSION] = EndpointContext(
        config=config,
        store=store,
        manifest=manifest,
        secret=secret,
        origins=security.allowed_origins(config.site_url, settings.ALLOWED_ORIGINS),
    )
    if settings.TRUSTED_PROXIES:
        n = settings.TRUSTED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]
    # Outermost: a cached thread read is answered before Flask (fast_read.py), the rest passes on.
    app.wsgi_app = fast_read.FastThreadReads(app, app.wsgi_app)  # type: ignore[method-assign]
    errors.register(app)
    app.before_request(inputs.refuse_nul_in_address)
    app.after_request(security.add_security_headers)
    register_blueprints(app)
    from pelican.plugins.engagement.social import worker as social_worker

    social_worker.start(app, config, store)  # Mastodon/Bluesky backfeed, when configured
    return app


def register_blueprints(app: Flask) -> None:
    """Every part of the endpoint; a new protocol adds its blueprint here."""
    app.register_blueprint(comments.blueprint)
    app.register_blueprint(comments.api)
    app.register_blueprint(subscriptions.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(admin.api)
    app.register_blueprint(linkbacks.blueprint)
    app.register_blueprint(openapi.blueprint)
