"""The engagement endpoint: a Flask (WSGI) application that receives comments and serves moderation.

``create_app(config)`` builds it for one site; ``pelican.plugins.engagement.endpoint.wsgi:app`` is the
module-level application for gunicorn. See README, "Running the endpoint", for the routes.
"""

from __future__ import annotations

from pelican.plugins.engagement.endpoint.app import create_app

__all__ = ["create_app"]
