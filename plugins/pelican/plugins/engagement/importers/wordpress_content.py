"""The content files of a WordPress import: names by the site's slug rules, Pelican headers, bodies.

Every post selected for import gets its own file, named from its slug with the site's own
``SLUG_REGEX_SUBSTITUTIONS`` (a draft without ``post_name`` gets a slug from its title, as Pelican
would give it). Two posts never share a file: an export can repeat a post id (hand-edited and
merged exports exist) or a slug, so a name already taken gets ``-2``, ``-3`` … and a slug whose
article URL is already taken is suffixed the same way (two articles at one URL would overwrite
each other in the build). Existing files are kept (they may have been edited since), and the
summary says which.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pelican.plugins.engagement.importers.common import ImportSummary
from pelican.plugins.engagement.importers.markdown import convert
from pelican.plugins.engagement.importers.shortcodes import expand
from pelican.settings import DEFAULT_CONFIG
from pelican.tools.pelican_import import build_markdown_header
from pelican.utils import slugify

if TYPE_CHECKING:
    from pelican.plugins.engagement.importers.wordpress import WxrPost

#: A published post; ``private`` becomes ``Status: hidden`` when imported at all; any other state
#: (draft, pending, future) a Pelican draft.
PUBLISHED = "publish"
PRIVATE = "private"


@dataclass
class ContentFile:
    """Where one post goes."""

    post: WxrPost
    path: Path


def slug_rules(pelican_settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The site's slug substitutions (Pelican's defaults when the settings name none)."""
    rules = pelican_settings.get("SLUG_REGEX_SUBSTITUTIONS")
    return list(rules if rules is not None else DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def assign_slugs(posts: list[WxrPost], pelican_settings: Mapping[str, Any],
                 url_of: Callable[[WxrPost], str]) -> None:
    """Give every post a slug by the site's rules, unique among the article URLs it makes."""
    rules = slug_rules(pelican_settings)
    taken: set[tuple[str, str]] = set()
    for post in posts:
        if not post.slug:
            post.slug = slugify(post.title, regex_subs=rules) or f"post-{post.id}"
        base, number = post.slug, 1
        while (post.post_type, url_of(post)) in taken:
            number += 1
            post.slug = f"{base}-{number}"
        taken.add((post.post_type, url_of(post)))


def plan_files(posts: list[WxrPost], articles_dir: Path, pages_dir: Path) -> list[ContentFile]:
    """One file per post, ``slug.md``, suffixed ``-2``, ``-3`` … when the name is already taken."""
    planned: list[ContentFile] = []
    taken: set[Path] = set()
    for post in posts:
        folder = pages_dir if post.post_type == "page" else articles_dir
        path, number = folder / f"{post.slug}.md", 1
        while path in taken:
            number += 1
            path = folder / f"{post.slug}-{number}.md"
        taken.add(path)
        planned.append(ContentFile(post, path))
    return planned


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _status(post: WxrPost) -> str | None:
    if post.status == PUBLISHED:
        return None
    return "hidden" if post.status == PRIVATE else "draft"


def article_text(post: WxrPost, authors: Mapping[str, str]) -> tuple[str, list[str]]:
    """The Markdown file for one post or page (Pelican's header, then the body), and the names
    of the shortcodes left in it."""
    category = post.categories[0] if post.categories else ""
    tags = post.tags + post.categories[1:]  # Pelican has one category; the others become tags
    header = build_markdown_header(
        _one_line(post.title), post.date.strftime("%Y-%m-%d %H:%M"),
        _one_line(authors.get(post.author, post.author)), [category] if category else [],
        [_one_line(t) for t in tags], post.slug, status=_status(post),
    )
    extra = []
    if post.excerpt.strip():
        extra.append(f"Summary: {_one_line(convert(expand(post.excerpt).content))}")
    if not post.comments_open:
        extra.append("Comments: closed")
    if extra:
        header = header.rstrip("\n") + "\n" + "\n".join(extra) + "\n\n"
    body = expand(post.content)
    return header + convert(body.content), body.unknown


def write_content(files: list[ContentFile], authors: Mapping[str, str], summary: ImportSummary) -> None:
    """Write each planned file once; an existing file is kept. Shortcodes the conversion left in
    a post are reported once per shortcode, naming the posts."""
    unknown: dict[str, list[str]] = {}
    for planned in files:
        text, leftovers = article_text(planned.post, authors)
        for name in leftovers:
            unknown.setdefault(name, []).append(f"“{_one_line(planned.post.title)}” ({planned.path.name})")
        if planned.path.exists():
            summary.files_kept.append(str(planned.path))
            continue
        planned.path.parent.mkdir(parents=True, exist_ok=True)
        planned.path.write_text(text, "utf-8")
        summary.files_written.append(str(planned.path))
    for name, posts in sorted(unknown.items()):
        summary.details.append(f"shortcode [{name}] left as text (WordPress expanded it; edit it by hand) "
                               f"in {', '.join(posts)}")
