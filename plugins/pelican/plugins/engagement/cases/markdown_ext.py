"""Find case blocks and social-post URLs in Markdown, with their file and line.

A Python-Markdown preprocessor sees the source lines before anything else changes them (it runs
before the ``meta`` extension strips the header, so list index + 1 is the file's line number). It
replaces each ```` ```case ```` block and each post URL alone on a line with a placeholder element
and records what it found; the cards are rendered later, with the site's templates, once every
article is read (:mod:`pelican.plugins.engagement.cases.render`). Pelican's Markdown reader is subclassed only
to tell the preprocessor which file it is reading and to hand what it found to the article.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from pelican.plugins.engagement.build import EngagementBuildError, state
from pelican.plugins.engagement.cases.blocks import Case, CaseError, parse_case, unique_anchors
from pelican.plugins.engagement.events.blocks import EventError, parse_event
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

logger = logging.getLogger(__name__)

CASES_KEY = "engagement_cases"
EMBEDS_KEY = "engagement_embeds"
EVENTS_KEY = "engagement_events"  # rendered by pelican.plugins.engagement.events.render
CARDS_KEY = "engagement_case_cards"  # set by pelican.plugins.engagement.cases.render: anchor → card HTML
CASE_SLOT = "data-engagement-case-slot"
EMBED_SLOT = "data-engagement-embed-slot"
GALLERY_SLOT = "data-engagement-gallery-slot"
EVENT_SLOT = "data-engagement-event-slot"
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
_BARE_URL = re.compile(r"^ {0,3}<?(?P<url>https?://[^\s<>]+?)>?\s*$")


def slot_html(attribute: str, number: int) -> str:
    """The placeholder element, exactly as it stands in the HTML until the cards replace it."""
    return f'<div {attribute}="{number}"></div>'


@dataclass(frozen=True)
class EmbedRef:
    """A post URL alone on a line: where it was written, for warnings about it."""

    url: str
    source: str
    line: int


@dataclass
class Found:
    """What one read of one file found."""

    source: str = "<markdown>"
    cases: list[Case] = field(default_factory=list)
    embeds: list[EmbedRef] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)  # events.blocks.Event


class BlocksPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: BlocksExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        found = self.extension.found
        out: list[str] = []
        index = 0
        while index < len(lines):
            fence = _FENCE.match(lines[index])
            if fence:
                end = _closing_fence(lines, index, fence["fence"])
                if fence["info"].lower() == "case":
                    if end is None:
                        raise CaseError(found.source, index + 1, "", "this case block is never closed")
                    found.cases.append(parse_case(lines[index + 1:end], index + 2, found.source))
                    out += ["", self._slot(CASE_SLOT, len(found.cases) - 1), ""]
                elif fence["info"].lower() == "event":
                    if end is None:
                        raise EventError(found.source, index + 1, "", "this event block is never closed")
                    found.events.append(parse_event(lines[index + 1:end], index + 2, found.source))
                    out += ["", self._slot(EVENT_SLOT, len(found.events) - 1), ""]
                elif fence["info"].lower() == "case-gallery":
                    # The article's own gallery: an overview of every case in it, by verdict.
                    out += ["", self._slot(GALLERY_SLOT, index + 1), ""]
                else:  # someone else's fenced block (code): copy it untouched
                    out += lines[index:(len(lines) if end is None else end + 1)]
                index = len(lines) if end is None else end + 1
                continue
            url = self._post_url(lines, index)
            if url:
                found.embeds.append(EmbedRef(url, found.source, index + 1))
                out += [self._slot(EMBED_SLOT, len(found.embeds) - 1)]
            else:
                out.append(lines[index])
            index += 1
        return out

    def _slot(self, attribute: str, number: int) -> str:
        return self.md.htmlStash.store(slot_html(attribute, number))

    def _post_url(self, lines: list[str], index: int) -> str:
        """The URL if this line is a post URL on its own, between blank lines (a paragraph)."""
        is_post = self.extension.is_post_url
        if is_post is None:
            return ""
        bare = _BARE_URL.match(lines[index])
        if not bare:
            return ""
        alone = (index == 0 or not lines[index - 1].strip()) and (
            index + 1 >= len(lines) or not lines[index + 1].strip())
        return bare["url"] if alone and is_post(bare["url"]) else ""


def _closing_fence(lines: list[str], start: int, opening: str) -> int | None:
    for index in range(start + 1, len(lines)):
        text = lines[index].strip()
        if text and set(text) == {opening[0]} and len(text) >= len(opening):
            return index
    return None


class BlocksExtension(Extension):
    """Registers the preprocessor; ``found`` is reset by the reader before each file."""

    def __init__(self, is_post_url: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self.is_post_url = is_post_url
        self.found = Found()

    def extendMarkdown(self, md: Markdown) -> None:
        # Priority 29: after whitespace normalisation (30), before ``meta`` (27) and fenced code (25).
        md.preprocessors.register(BlocksPreprocessor(md, self), "engagement_blocks", 29)


def display_path(source_path: str) -> str:
    """The path as a person types it: relative to the working folder when inside it."""
    relative = os.path.relpath(source_path)
    return source_path if relative.startswith("..") else relative


class PostMatcher:
    """Is this URL a post some provider can embed? (A class, not a lambda: Pelican may pickle.)"""

    def __init__(self, configured: dict[str, str]) -> None:
        from pelican.plugins.engagement.cases.providers import site_providers

        self.extra = site_providers(configured)

    def __call__(self, url: str) -> bool:
        from pelican.plugins.engagement.cases.providers import match

        return match(url, self.extra) is not None


class EngagementMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader plus case blocks and post embeds (see the module docstring)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        ours = state(settings).settings
        self.extension = BlocksExtension(PostMatcher(ours.EMBEDS_PROVIDERS) if ours.EMBEDS else None)
        self._shared: Markdown | None = None
        self._meta: Preprocessor | None = None

    def _markdown(self) -> Markdown:
        """One Markdown instance for every file this reader reads, reset between files.

        Pelican builds a new one per file, and loading the extensions again was a tenth of the
        reading time. ``reset()`` is Python-Markdown's way to reuse an instance; Pelican's
        ``_parse_metadata`` unregisters the ``meta`` preprocessor (for the summary), so it is put
        back here.
        """
        if self._shared is None:
            # The extension goes into this instance only. Pelican hands ``self.settings`` to the
            # metadata objects it creates, and may pickle them into its cache, so the settings must
            # not keep a reference to the extension afterwards.
            markdown = self.settings["MARKDOWN"]
            extensions = markdown.get("extensions", [])
            markdown["extensions"] = [*extensions, self.extension]
            try:
                self._shared = Markdown(**markdown)
            finally:
                markdown["extensions"] = extensions
            try:  # (a Registry, not a dict: it has no get())
                self._meta = self._shared.preprocessors["meta"]
            except KeyError:
                self._meta = None
        self._shared.reset()
        if self._meta is not None and "meta" not in self._shared.preprocessors:
            self._shared.preprocessors.register(self._meta, "meta", 27)
        return self._shared

    def _read_markdown(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Pelican's ``MarkdownReader.read``, with the shared instance."""
        self._source_path = source_path
        self._md = self._markdown()
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        return content, metadata

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        self.extension.found = Found(source=display_path(source_path))
        try:
            content, metadata = self._read_markdown(source_path)
        except CaseError as error:
            state(self.settings).extras.setdefault("case_errors", []).append(str(error))
            logger.error("%s", error)
            raise EngagementBuildError(str(error)) from None
        found = self.extension.found
        self.extension.found = Found()
        metadata[CASES_KEY] = unique_anchors(found.cases)
        metadata[EMBEDS_KEY] = found.embeds
        metadata[EVENTS_KEY] = found.events
        return content, metadata


def use_reader(readers: Any) -> None:
    """``readers_init``: read Markdown files with :class:`EngagementMarkdownReader`."""
    for extension in MarkdownReader.file_extensions:
        current = readers.reader_classes.get(extension)
        if current is MarkdownReader:
            readers.reader_classes[extension] = EngagementMarkdownReader
