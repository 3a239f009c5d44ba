"""Options, helpers and the error type shared by the CLI modules.

A command that could not do its job raises :class:`CommandFailed`: click prints ``Error: …`` on one
line of standard error and the command exits with status 1, never with a traceback. The plugin's
own errors, which carry a sentence for people (a bad setting, an unknown entry, pages built with
other settings, a store that does not answer), become one through :func:`as_failure`, which the
``engagement`` group applies to every subcommand; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from pelican.plugins.engagement.settings import SettingsError, SiteConfig, load_site

if TYPE_CHECKING:
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


class CommandFailed(click.ClickException):
    """The command could not do its job: one line ``Error: …`` on standard error, exit status 1."""

    exit_code = 1


def _expected_errors() -> tuple[type[BaseException], ...]:
    """The plugin's error types whose message is written for people (imported when needed)."""
    from sqlalchemy.exc import OperationalError

    from pelican.plugins.engagement.comments.entries import RenderError
    from pelican.plugins.engagement.comments.splice import SpliceError
    from pelican.plugins.engagement.deploy import DeployError
    from pelican.plugins.engagement.importers.common import ImportFormatError
    from pelican.plugins.engagement.moderation.actions import ModerationError
    from pelican.plugins.engagement.store import StoreError

    return (SettingsError, StoreError, ModerationError, SpliceError, RenderError, DeployError,
            ImportFormatError, OperationalError, OSError)


def as_failure(error: BaseException) -> CommandFailed | None:
    """The one-line failure for an error with a message for people; None for anything else (a bug)."""
    if isinstance(error, CommandFailed):
        return error
    if not isinstance(error, _expected_errors()):
        return None
    return CommandFailed(_one_line(error))


def _one_line(error: BaseException) -> str:
    from sqlalchemy.exc import OperationalError

    if isinstance(error, OperationalError):
        # The driver's own first line ("connection to server at … failed: Connection refused"),
        # without SQLAlchemy's statement dump and background link.
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "unknown reason"
        return f"the comment store cannot be used: {reason}"
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return " ".join(str(error).split()) or type(error).__name__


def load_config(settings_file: str) -> SiteConfig:
    """Load the site settings, turning a bad setting into a clean CLI error."""
    try:
        return load_site(settings_file)
    except SettingsError as error:
        raise CommandFailed(str(error)) from None


def open_store(config: SiteConfig) -> Store:
    # Imported here: SQLAlchemy and the store cost a short command about a quarter of a second,
    # and `engagement export` reads the database without them (export_stream.py).
    from pelican.plugins.engagement.store import Store

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
