"""``GET /openapi.yaml``: the endpoint's API description, as kept in the package.

Serving the same file the repository keeps (``endpoint/openapi.yaml``) means clients and the
schemathesis run in the tests read exactly what is documented, never a copy that drifted.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask import Blueprint, Response

blueprint = Blueprint("openapi", __name__)

#: RFC 9512's media type for YAML.
MEDIA_TYPE = "application/yaml"


@cache
def document() -> bytes:
    """The OpenAPI document's bytes (read once per process)."""
    return files(__package__).joinpath("openapi.yaml").read_bytes()


@blueprint.get("/openapi.yaml")
def openapi() -> Response:
    response = Response(document(), content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
