"""Options and helpers shared by the CLI modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from pelican.plugins.engagement.settings import SettingsError, SiteConfig, load_site
from pelican.plugins.engagement.store import Store

settings_option = click.option(
    "--settings",
    "settings_file",
    default="pelicanconf.py",
    envvar="ENGAGEMENT_SETTINGS",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The site's Pelican settings file (also ENGAGEMENT_SETTINGS).",
)


def load_config(settings_file: str) -> SiteConfig:
    """Load the site settings, turning a bad setting into a clean CLI error."""
    try:
        return load_site(settings_file)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def open_store(config: SiteConfig) -> Store:
    return Store.open(config.database_url)


def with_site(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: add ``--settings`` and pass the loaded :class:`SiteConfig` as ``config``."""

    @settings_option
    @click.pass_context
    def wrapper(ctx: click.Context, settings_file: str, **kwargs: Any) -> Any:
        return ctx.invoke(func, config=load_config(settings_file), **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper
