"""Checks over a built site's output folder, for strict builds in CI.

``pelican --fatal warnings`` catches what Pelican notices while it writes; this package catches what
is only visible in the finished folder: links and anchors that point nowhere, images without
alternative text, pages that are not valid HTML, feeds that do not parse, embed cards rendered from a
missing snapshot, and (only on request, because CI may be offline) external links that are gone.

It reads nothing but the output folder and the site's URL, so any Pelican site can use it::

    engagement check output --site-url https://example.org
    # or from Python
    from pelican.plugins.engagement.check import check_output
    problems = check_output(Path("output"), site_url="https://example.org")
"""

from __future__ import annotations

from pelican.plugins.engagement.check.report import Problem
from pelican.plugins.engagement.check.runner import CheckOptions, check_output

__all__ = ["CheckOptions", "Problem", "check_output"]
