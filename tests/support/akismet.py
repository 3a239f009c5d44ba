"""A stand-in Akismet server on loopback speaking its REST API (comment-check, submit-spam,
submit-ham), for the comment and the linkback tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from werkzeug.wrappers import Request, Response

from tests.support.servers import serve_wsgi

KEY = "abc123def456"


@dataclass
class StandIn:
    """Akismet's three calls; ``verdict`` picks comment-check's answer: true, false, slow, error, invalid."""

    url: str = ""
    verdict: str = "false"
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: submit-spam/submit-ham wait for this before answering (cleared by a test to hold them).
    reports_released: threading.Event = field(default_factory=threading.Event)

    def __call__(self, environ, start_response):
        request = Request(environ)
        form = request.form.to_dict()
        self.calls.append((request.path, form))
        if form.get("api_key") != KEY:
            return Response("invalid", headers={"X-akismet-debug-help": "bad key"})(environ, start_response)
        if request.path == "/1.1/comment-check":
            if self.verdict == "slow":
                time.sleep(6)  # well past the 1 s timeout the slow case sets
                return Response("false")(environ, start_response)
            if self.verdict == "error":
                return Response("oops", status=500)(environ, start_response)
            if self.verdict == "invalid":
                return Response("invalid", headers={"X-akismet-debug-help": "Empty user_ip"})(environ,
                                                                                            start_response)
            return Response(self.verdict)(environ, start_response)
        if request.path in ("/1.1/submit-spam", "/1.1/submit-ham"):
            self.reports_released.wait(30)
            return Response("Thanks for making the web a better place.")(environ, start_response)
        return Response("not found", status=404)(environ, start_response)


@pytest.fixture
def akismet() -> Iterator[StandIn]:
    stand_in = StandIn()
    stand_in.reports_released.set()
    with serve_wsgi(stand_in) as url:
        stand_in.url = url
        yield stand_in
