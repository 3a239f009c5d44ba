"""The discovery headers as nginx ``map`` blocks (``ENGAGEMENT_NGINX_HEADERS_MAP``).

nginx cannot read Netlify's ``_headers`` file, and ``add_header`` takes no per-path table; a ``map``
from ``$uri`` to the header value can be that table. ``deploy/nginx/site.conf`` includes the file at
``http`` level and sends ``add_header Link $engagement_webmention_link`` (an empty value sends no
header), so only open articles announce the endpoint, exactly as in ``_headers``.

``$uri`` is the decoded, normalised path, and after nginx's ``index`` lookup it is the path of the
``index.html`` file, so each article gets both keys. Values are quoted for nginx's parser: ``"`` and
``\\`` are escaped; keys are literal, but in a value a ``$`` would be read as a variable, so it is
percent-encoded (the same URL).
"""

from __future__ import annotations

from urllib.parse import unquote

#: Header name → the nginx variable ``site.conf`` sends it from.
VARIABLES = {"Link": "engagement_webmention_link", "X-Pingback": "engagement_pingback"}

HEADER = (
    "# Written by the engagement plugin at build time (ENGAGEMENT_NGINX_HEADERS_MAP): the Link\n"
    "# rel=\"webmention\" and X-Pingback headers of each open article, for deploy/nginx/site.conf.\n"
    "# Do not edit; rebuild the site and reload nginx instead.\n"
)


def quote(text: str) -> str:
    """``text`` as one double-quoted nginx token that nginx reads back verbatim."""
    if any(ord(char) < 0x20 or char == "\x7f" for char in text):
        raise ValueError(f"control character in {text!r}: it cannot be written to an nginx map")
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def uri_keys(thread_key: str) -> list[str]:
    """The ``$uri`` values under which nginx serves an article (decoded, with its index file)."""
    path = "/" + unquote(thread_key.lstrip("/"))
    keys = [path]
    if path.endswith("/"):
        keys.append(path + "index.html")
    return keys


def _value(text: str) -> str:
    # Values may hold variables in nginx; a URL never needs a literal "$".
    return quote(text.replace("$", "%24"))


def nginx_maps(headers: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """One ``map $uri $variable { … }`` block per header in :data:`VARIABLES`.

    ``headers`` is :func:`pelican.plugins.engagement.linkbacks.pages.discovery_headers`' answer.
    Every block is written, even an empty one, so ``site.conf`` never names an unknown variable.
    """
    blocks = [HEADER]
    for name, variable in VARIABLES.items():
        lines = [f"map $uri ${variable} {{", '    default "";']
        for key, pairs in headers:
            for header, value in pairs:
                if header == name:
                    lines.extend(f"    {quote(uri)} {_value(value)};" for uri in uri_keys(key))
        lines.append("}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
