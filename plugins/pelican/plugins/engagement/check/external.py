"""External links, checked only on request: a CI runner may be offline, and other sites'
availability should not decide whether ours builds unless the editor asks.

Every request goes through the plugin's guarded fetch (:mod:`pelican.plugins.engagement.net`): no private
addresses, a deadline, a size cap. A ``HEAD`` is tried first; servers that refuse it get a ``GET``.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from pelican.plugins.engagement.check.pages import Reference
from pelican.plugins.engagement.check.report import Problem
from pelican.plugins.engagement.net import Fetcher, FetchError, FetchPolicy

#: Answers that mean "this server does not do HEAD", not "this page is gone".
HEAD_REFUSED = frozenset({400, 403, 405, 501})
WORKERS = 8


def probe(fetcher: Fetcher, url: str) -> str | None:
    """None when ``url`` answers with a success, else the reason it does not."""
    try:
        result = fetcher.request("HEAD", url)
        if result.status in HEAD_REFUSED:
            result = fetcher.request("GET", url)
    except FetchError as error:
        return error.reason
    if result.status >= 400:
        return f"HTTP {result.status}"
    return None


def check_external(urls: Mapping[str, tuple[str, Reference]], policy: FetchPolicy) -> list[Problem]:
    """Probe each URL once; ``urls`` maps the URL to (a page using it, the reference there)."""
    problems = []
    with Fetcher(policy) as fetcher, ThreadPoolExecutor(WORKERS) as pool:
        reasons = pool.map(lambda url: (url, probe(fetcher, url)), sorted(urls))
        for url, reason in reasons:
            if reason is not None:
                page, reference = urls[url]
                problems.append(Problem(page, reference.line, "external", f"{url}: {reason}"))
    return problems
