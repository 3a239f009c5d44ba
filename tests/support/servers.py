"""Real HTTP servers on 127.0.0.1 for tests: a WSGI app, or a folder of static files."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Response


@contextmanager
def serve_wsgi(app: Callable[..., Any], host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` on a free port in a background thread; yields its base URL."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def static_app(folder: Path) -> Callable[..., Any]:
    """A WSGI app serving ``folder`` the way a static host does (``index.html`` for folders)."""

    def not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "/")
        index = folder / path.lstrip("/") / "index.html"
        if path.endswith("/") and index.is_file():
            return Response(index.read_bytes(), mimetype="text/html")(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    return SharedDataMiddleware(not_found, {"/": str(folder)})
