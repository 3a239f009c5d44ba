"""The ``engagement`` command. Each group of subcommands lives in its own module here.

Every command reads the site's settings file (``--settings``, default ``pelicanconf.py`` in the
current folder, or ``ENGAGEMENT_SETTINGS``), so the CLI, the endpoint and the build share one
configuration.
"""

from __future__ import annotations

import click

from engagement.cli import (
    check_cmd,
    config_cmd,
    data_cmd,
    deploy_cmd,
    embeds_cmd,
    import_cmd,
    linkbacks_cmd,
    moderate_cmd,
    rebuild_cmd,
    serve_cmd,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pelican-engagement")
def main() -> None:
    """Comments, linkbacks and social cases for a Pelican site."""


main.add_command(config_cmd.settings_command)
main.add_command(check_cmd.check_command)
main.add_command(import_cmd.import_group)
main.add_command(deploy_cmd.deploy_command)
main.add_command(serve_cmd.serve_command)
main.add_command(moderate_cmd.moderate_group)
main.add_command(data_cmd.export_command)
main.add_command(data_cmd.forget_command)
main.add_command(linkbacks_cmd.send_command)
main.add_command(linkbacks_cmd.worker_command)
main.add_command(rebuild_cmd.rebuild_command)
main.add_command(embeds_cmd.embeds_group)
