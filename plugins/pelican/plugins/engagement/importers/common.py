"""What the WordPress and Disqus importers share: safe XML reading with line numbers, progress,
and writing entries (parents before replies) idempotently in short transactions.
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import select
from tqdm import tqdm

from pelican.plugins.engagement.store import NewEntry, Store
from pelican.plugins.engagement.store.schema import entries

#: Entries written per transaction: short enough that a running endpoint never waits long for the
#: SQLite write lock, and an interrupted run resumes from its idempotency keys.
BATCH = 500
GZIP_MAGIC = b"\x1f\x8b"


class ImportFormatError(ValueError):
    """The export is not what it should be; names the file, the line and the element."""

    def __init__(self, path: str | Path, line: int | None, element: str | None, message: str) -> None:
        self.path, self.line, self.element = str(path), line, element
        where = f"{path}, line {line}" if line else str(path)
        what = f"<{element}>: " if element else ""
        super().__init__(f"{where}: {what}{message}")


_NAMES: dict[str, str] = {}


def local_name(element: Any) -> str:
    """``wp:comment`` style name: a short prefix for the namespaces the importers know."""
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction
        return ""
    name = _NAMES.get(tag)
    if name is None:
        name = _NAMES[tag] = _short_name(tag)
    return name


def _short_name(tag: str) -> str:
    try:
        qname = etree.QName(tag)
    except ValueError:  # lxml keeps names that are no QName ("wp:" with an undeclared prefix)
        return tag
    namespace = qname.namespace or ""
    if namespace.startswith("http://wordpress.org/export/"):
        prefix = "excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"
    else:
        prefix = {
            "http://purl.org/rss/1.0/modules/content/": "content",
            "http://purl.org/dc/elements/1.1/": "dc",
            "http://wellformedweb.org/CommentAPI/": "wfw",
            "http://disqus.com/disqus-internals": "dsq",
        }.get(namespace, "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


#: Column sizes of the store (PostgreSQL refuses longer values; SQLite would keep them silently).
MAX_URL = 2048
MAX_EMAIL = 320


def fitting_email(value: str) -> str | None:
    """The address when it looks like one and fits the store, else None (it is private anyway)."""
    value = value.strip()
    return value if value and "@" in value and len(value) <= MAX_EMAIL else None


def text_of(element: Any) -> str:
    return (element.text or "") if element is not None else ""


@contextmanager
def progress_bar(total: int | None, description: str, enabled: bool) -> Iterator[tqdm]:
    with tqdm(total=total, desc=description, unit="B" if description.startswith("reading") else " entries",
              unit_scale=True, disable=not enabled, file=sys.stderr, leave=False) as bar:
        yield bar


def iterparse(path: Path, *, progress: bool = False) -> Iterator[tuple[str, Any]]:
    """(event, element) pairs of ``path``, parsed without entities, DTDs or network access.

    External entities and DTDs are the XML attacks (XXE, billion laughs); an export needs neither,
    so a document type declaration is refused outright. Syntax errors carry the line number.
    A gzip-compressed file (Disqus mails its exports as ``.xml.gz``) is read as it is.
    """
    path = Path(path)
    with path.open("rb") as raw, progress_bar(path.stat().st_size, f"reading {path.name}", progress) as bar:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        reader: Any = _CountingReader(raw, bar)
        if compressed:
            reader = gzip.GzipFile(fileobj=reader, mode="rb")
        events = etree.iterparse(
            reader, events=("start", "end"), resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
        )
        checked = False
        try:
            for event, element in events:
                if not checked:
                    checked = True
                    if element.getroottree().docinfo.doctype:
                        raise ImportFormatError(path, element.sourceline, None,
                                                "document type declarations are not allowed in an export")
                yield event, element
        except etree.XMLSyntaxError as error:
            raise ImportFormatError(path, error.lineno, None, f"not well-formed XML: {error.msg}") from None
        except (OSError, EOFError) as error:  # a damaged .gz
            raise ImportFormatError(path, None, None, f"cannot decompress: {error}") from None


class _CountingReader:
    """A file wrapper that advances the progress bar by the bytes lxml reads."""

    def __init__(self, raw: Any, bar: tqdm) -> None:
        self.raw, self.bar = raw, bar

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.bar.update(len(data))
        return data


def release(element: Any) -> None:
    """Free a processed element and its earlier siblings, so memory stays flat on big exports."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def parse_datetime(value: str, path: Path, element: Any, *, local_zone: Any = UTC) -> datetime | None:
    """WordPress (``2013-04-02 10:00:00``) or ISO 8601 (Disqus) time; None for WordPress's zero date."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ImportFormatError(path, element.sourceline, local_name(element),
                                f"{value!r} is not a date and time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_zone)
    return parsed.astimezone(UTC)


@dataclass
class ImportedEntry:
    """An entry to store, with the export's own ids for threading."""

    source_id: str
    parent_source_id: str | None
    entry: NewEntry


@dataclass
class ImportSummary:
    """What a run did, for the command's closing report."""

    added: int = 0
    already_present: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    files_written: list[str] = field(default_factory=list)
    files_kept: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)
    #: Things the editor should look at, one line each (a private post left out, a shortcode kept).
    details: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.files_written or self.files_kept:
            out.append(f"{len(self.files_written)} content file(s) written, "
                       f"{len(self.files_kept)} already there and kept")
        out.append(f"{self.added} entries added, {self.already_present} already imported")
        out += [f"skipped {count} {reason}" for reason, count in sorted(self.skipped.items())]
        out += [f"no article for {url}" for url in self.unmatched]
        out += self.details
        out += [f"note: {count} {note}" for note, count in sorted(self.notes.items())]
        return out


def parents_first(items: list[ImportedEntry]) -> list[ImportedEntry]:
    """Order entries so that every parent comes before its replies (then by date)."""
    by_id = {item.source_id: item for item in items}
    ordered: list[ImportedEntry] = []
    placed: set[str] = set()

    def place(item: ImportedEntry, trail: set[str]) -> None:
        if item.source_id in placed:
            return
        parent = by_id.get(item.parent_source_id or "")
        if parent is not None and parent.source_id not in trail:  # a cycle makes it top-level
            place(parent, trail | {item.source_id})
        placed.add(item.source_id)
        ordered.append(item)

    for item in sorted(items, key=lambda i: (i.entry.created_at or datetime.min.replace(tzinfo=UTC))):
        place(item, set())
    return ordered


def _existing_ids(connection: Any, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        query = select(entries.c.dedupe_key, entries.c.id).where(entries.c.dedupe_key.in_(chunk))
        found.update({key: entry_id for key, entry_id in connection.execute(query)})
    return found


def _batches(items: list[ImportedEntry]) -> Iterable[list[ImportedEntry]]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]


def _unique(items: list[ImportedEntry], summary: ImportSummary) -> list[ImportedEntry]:
    """The first of entries that share an idempotency key (an export listing one twice)."""
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.entry.dedupe_key in seen:
            summary.skipped["listed twice in the export"] += 1
            continue
        seen.add(item.entry.dedupe_key or "")
        unique.append(item)
    return unique


def save_entries(store: Store, items: list[ImportedEntry], summary: ImportSummary, *,
                 progress: bool = False) -> None:
    """Store ``items``; entries whose idempotency key is already stored are left as they are.

    A reply whose parent was not imported (spam, say) hangs from its nearest imported ancestor.
    """
    items = _unique(items, summary)
    parents = {item.source_id: item.parent_source_id for item in items}
    threads = {item.source_id: item.entry.thread for item in items}
    stored: dict[str, int] = {}

    def stored_ancestor(item: ImportedEntry) -> int | None:
        source_id, seen = item.parent_source_id, set()
        while source_id and source_id not in seen:
            if source_id in stored and threads[source_id] == item.entry.thread:
                return stored[source_id]
            seen.add(source_id)
            source_id = parents.get(source_id)
        return None

    ordered = parents_first(items)
    with progress_bar(len(ordered), "storing", progress) as bar:
        for batch in _batches(ordered):
            with store.write() as connection:
                existing = _existing_ids(connection, [i.entry.dedupe_key or "" for i in batch])
                for item in batch:
                    key = item.entry.dedupe_key or ""
                    if key in existing:
                        stored[item.source_id] = existing[key]
                        summary.already_present += 1
                    else:
                        item.entry.parent_id = stored_ancestor(item)
                        stored[item.source_id] = store.add(item.entry, connection=connection).id
                        summary.added += 1
                    bar.update(1)
