"""Every refusal the endpoint gives: one exception, answered as JSON or as a readable page.

A reader who posted the plain HTML form (JavaScript off) must see a page that says what went wrong
and leads back to the article; the script that posts JSON needs ``{"error", "field"}`` to show the
message next to the right input. Which of the two a request gets depends on the route (the JSON API
lives under ``/api/``) or, elsewhere, on what the client accepts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field

from flask import Flask, Request, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


@dataclass
class Refusal(Exception):
    """A request we will not carry out, with the message a person reads and the HTTP status.

    ``field`` names the form input at fault (for the script to highlight), ``back_url`` is where the
    readable page links to (normally the article), ``headers`` carries e.g. ``Retry-After``.
    """

    status: int
    message: str
    field: str | None = None
    back_url: str | None = None
    headers: Mapping[str, str] = dc_field(default_factory=dict)
    #: The reader's text, shown again on the refusal page so that nothing typed is lost.
    echo: str | None = None

    def __str__(self) -> str:
        return f"{self.status}: {self.message}"


def wants_json(req: Request) -> bool:
    """JSON for the API routes and for clients that prefer it; a page for browsers' form posts."""
    if req.path.startswith(("/api/", "/admin/api/")) or req.blueprint in {"api", "admin_api"}:
        return True
    best = req.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def refusal_response(refusal: Refusal) -> Response:
    if wants_json(request):
        response = jsonify({"error": refusal.message, "field": refusal.field})
    else:
        body = render_template(
            "engagement_endpoint/refusal.html",
            status=refusal.status,
            message=refusal.message,
            back_url=refusal.back_url,
            echo=refusal.echo,
        )
        response = Response(body, mimetype="text/html")
    response.status_code = refusal.status
    for name, value in refusal.headers.items():
        response.headers[name] = value
    return response


#: Plain-language messages for errors Werkzeug raises before our code runs.
_HTTP_MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "The request is too large.",
    415: "Send the comment as JSON (Content-Type: application/json) or as a web form.",
}


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = _HTTP_MESSAGES.get(status) or error.description or error.name
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if status == 413 and limit:
        message = f"The request is larger than the {limit:,} bytes we accept. Please shorten your comment."
    refusal = Refusal(status, message)
    response = refusal_response(refusal)
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _unexpected(error: Exception) -> Response:
    log.exception("unexpected error answering %s %s", request.method, request.path)
    return refusal_response(
        Refusal(500, "Something went wrong on our side. Please try again in a moment.")
    )


def register(app: Flask) -> None:
    """Install the handlers that turn refusals and HTTP errors into JSON or a page."""
    app.register_error_handler(Refusal, refusal_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
