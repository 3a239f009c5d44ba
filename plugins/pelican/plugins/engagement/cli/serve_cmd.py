"""``engagement serve``: the endpoint on Werkzeug's development server (``make run`` starts it).

Production runs the same application under gunicorn (``pelican.plugins.engagement.endpoint.wsgi:app``).
"""

from __future__ import annotations

import logging

import click

from pelican.plugins.engagement.cli.common import CommandFailed, with_site
from pelican.plugins.engagement.settings import SiteConfig


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option("--debug", is_flag=True, help="Werkzeug's debugger and reloader (never in production).")
@with_site
def serve_command(config: SiteConfig, host: str, port: int, debug: bool) -> None:
    """Run the comment endpoint for development (threaded, one process)."""
    from werkzeug.serving import run_simple

    from pelican.plugins.engagement.endpoint import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app(config)
    click.echo(f"Endpoint for {config.site_url or 'the site'} on http://{host}:{port}/ "
               f"(store: {config.database_url.split('://', 1)[0]}, threads: {config.threads_manifest})")
    try:
        run_simple(host, port, app, threaded=True, use_reloader=debug, use_debugger=debug)
    except OSError as error:  # most often: the port is taken (another `make run`?)
        raise CommandFailed(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
