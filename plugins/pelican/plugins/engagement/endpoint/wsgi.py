"""The application for gunicorn: ``gunicorn 'pelican.plugins.engagement.endpoint.wsgi:app'``.

It reads the settings file named by ``ENGAGEMENT_SETTINGS`` (default ``pelicanconf.py`` in the
working directory), the same file the build uses, so a site has one configuration.
"""

from __future__ import annotations

import os

from pelican.plugins.engagement.endpoint.app import create_app
from pelican.plugins.engagement.settings import load_site

app = create_app(load_site(os.environ.get("ENGAGEMENT_SETTINGS", "pelicanconf.py")))
