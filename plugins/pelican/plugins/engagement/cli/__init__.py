"""The ``engagement`` command. Each group of subcommands lives in its own module here.

Every command reads the site's settings file (``--settings``, default ``pelicanconf.py`` in the
current folder, or ``ENGAGEMENT_SETTINGS``), so the CLI, the endpoint and the build share one
configuration.

Subcommand modules are imported only when their command runs: some pull in Pelican, lxml or the
HTML checker, and ``engagement moderate approve`` (an editor waiting for the page to update) should
not pay for them.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

#: name -> ("module:attribute", one-line help shown by ``engagement --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "settings": ("config_cmd:settings_command", "Print every ENGAGEMENT_* setting, or validate a file."),
    "serve": ("serve_cmd:serve_command", "Run the comment endpoint for development."),
    "moderate": ("moderate_cmd:moderate_group", "List, show, approve, reject, spam or delete entries."),
    "rebuild": ("rebuild_cmd:rebuild_command", "Re-render comments, counts and comment feeds of threads."),
    "export": ("data_cmd:export_command", "Write every comment and mention (all states) as JSON."),
    "forget": ("data_cmd:forget_command", "Delete every comment and subscription of an e-mail address."),
    "import": ("import_cmd:import_group", "Import an export, a WordPress WXR or a Disqus XML file."),
    "send": ("linkbacks_cmd:send_command", "Send webmentions/pingbacks/trackbacks for outbound links."),
    "worker": ("worker_cmd:worker_command", "Verify linkbacks; update and deploy pages (worker mode)."),
    "embeds": ("embeds_cmd:embeds_group", "Refresh or prune the snapshot of embedded social posts."),
    "check": ("check_cmd:check_command", "Check a built site: links, anchors, alt text, HTML, feeds."),
    "deploy": ("deploy_cmd:deploy_command", "Copy the built site to ENGAGEMENT_DEPLOY_TARGET."),
    "syndicate": ("social_cmd:syndicate_command", "Post new articles to Mastodon and Bluesky (POSSE)."),
    "backfeed": ("social_cmd:backfeed_command", "Read replies, likes and reposts back from the posts."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module the first time the subcommand is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        module = importlib.import_module(f"pelican.plugins.engagement.cli.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; an error that says what went wrong becomes one line, not a traceback."""
        try:
            return super().invoke(ctx)
        except click.ClickException:
            raise
        except Exception as error:
            from pelican.plugins.engagement.cli.common import as_failure

            failure = as_failure(error)
            if failure is None:
                raise
            raise failure from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pelican-engagement")
def main() -> None:
    """Comments, linkbacks and social cases for a Pelican site."""


@main.result_callback()
def _finish_background_work(*_results: object, **_options: object) -> None:
    """Before a command exits, let its background pushes (deploy on approve) make their attempt.

    Whatever fails stays queued in the store for the next push or ``engagement worker``.
    """
    import sys

    publisher = sys.modules.get("pelican.plugins.engagement.deploy.publisher")
    if publisher is not None:  # only commands that queued a push loaded it
        publisher.settle(timeout=60.0)
