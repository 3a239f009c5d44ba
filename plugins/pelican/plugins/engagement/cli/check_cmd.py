"""``engagement check OUTPUT``: fail a CI build on broken links, missing alt text, invalid HTML,
unparsable feeds and embeds without a snapshot; ``--external`` also probes other sites' links.
"""

from __future__ import annotations

from pathlib import Path

import click

from pelican.plugins.engagement.check import CheckOptions, check_output
from pelican.plugins.engagement.check.validity import VALIDATORS, ValidatorUnavailable
from pelican.plugins.engagement.cli.common import CommandFailed, load_config
from pelican.plugins.engagement.net import FetchPolicy


def _site_options(settings_file: str | None, site_url: str | None) -> tuple[str, tuple[str, ...],
                                                                           FetchPolicy, Path | None]:
    """SITEURL, the endpoint URL (never followed), the fetch limits and the content folder."""
    if settings_file is None or not Path(settings_file).is_file():
        return (site_url or "").rstrip("/"), (), FetchPolicy(), None
    config = load_config(settings_file)
    endpoint = config.engagement.ENDPOINT_URL
    ignore = (endpoint.rstrip("/") + "/",) if endpoint else ()
    content = _shorter(Path(config.pelican["PATH"])) if config.pelican.get("PATH") else None
    return ((site_url or config.site_url).rstrip("/"), ignore, FetchPolicy.from_settings(config.engagement),
            content)


def _shorter(path: Path) -> Path:
    """``path`` relative to the current folder when it lies below it: what an editor clicks on."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


@click.command("check")
@click.argument("output", type=click.Path(file_okay=False, path_type=Path), default="output")
@click.option("--settings", "settings_file", envvar="ENGAGEMENT_SETTINGS", type=click.Path(dir_okay=False),
              default=None,
              help="Pelican settings file to read SITEURL and the endpoint URL from (e.g. publishconf.py). "
                   "Default: pelicanconf.py when it exists.")
@click.option("--site-url", default=None, help="The site's public URL; overrides SITEURL from the settings.")
@click.option("--ignore", multiple=True, metavar="URL_PREFIX",
              help="Never check URLs starting with this (repeatable).")
@click.option("--external", is_flag=True, help="Also check links to other sites (needs the network).")
@click.option("--validator", type=click.Choice(VALIDATORS), default="auto", show_default=True,
              help="HTML validator: vnu (Nu Html Checker, needs Java), html5lib (parse errors only), "
                   "auto (vnu when Java is there) or none.")
@click.option("--content", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The content folder the site was built from, to name the Markdown file and line of a "
                   "problem in an article. Default: PATH from the settings file.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
def check_command(output: Path, settings_file: str | None, site_url: str | None, ignore: tuple[str, ...],
                  external: bool, validator: str, content: Path | None, quiet: bool) -> None:
    """Check a built site in OUTPUT; exit status 1 when anything is broken.

    Internal links and anchors that point nowhere, images without an alt attribute, invalid HTML,
    feeds that do not parse and embed cards rendered without a snapshot entry are reported as
    FILE:LINE: KIND: MESSAGE, one per line. A link or image an article's Markdown holds is reported
    at its line there, followed by the built page's file and line.
    """
    if settings_file is None and Path("pelicanconf.py").is_file():
        settings_file = "pelicanconf.py"
    url, endpoint_ignore, policy, settings_content = _site_options(settings_file, site_url)
    options = CheckOptions(site_url=url, ignore=endpoint_ignore + ignore, external=external,
                           validator=validator, fetch_policy=policy, content=content or settings_content)

    def progress(message: str) -> None:
        if not quiet:
            click.echo(f"engagement check: {message}", err=True)

    try:
        problems = check_output(output, options, progress=progress)
    except (FileNotFoundError, ValidatorUnavailable) as error:
        raise CommandFailed(str(error)) from None
    for problem in problems:
        click.echo(str(problem))
    if problems:
        files = len({problem.path for problem in problems})
        raise CommandFailed(f"{len(problems)} problem(s) in {files} file(s) of {output}")
    if not quiet:
        click.echo(f"engagement check: {output} passed", err=True)
