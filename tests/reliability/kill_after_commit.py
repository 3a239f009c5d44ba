"""The endpoint as gunicorn serves it, SIGKILLed the moment a comment's ``201`` is about to go out.

Flask calls ``start_response`` after the view returned, so the comment (and its idempotency key) is
committed; killing the whole process group there (master and every worker, no shutdown code) loses
exactly the answer, as a crashed worker or a killed container would. For
``tests/reliability/test_retry_after_kill.py`` only: ``gunicorn --pythonpath REPO
tests.reliability.kill_after_commit:app``.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable
from typing import Any

from pelican.plugins.engagement.endpoint.wsgi import app as endpoint


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if status.startswith("201"):
            os.killpg(os.getpgrp(), signal.SIGKILL)
        return start_response(status, headers, exc_info)

    return endpoint(environ, start)
