"""The moderation page's and ``engagement moderate stats``' questions to the store.

One of :class:`pelican.plugins.engagement.store.Store`'s query groups: counts per state, a
searchable queue, a person's history, counts per rule, and the small "last digest sent" fact the
batched editor e-mail keeps in ``meta``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.schema import STATUSES, entries, meta, moderation_log

#: Columns the moderation search looks in (author, e-mail, website, source URL, text).
SEARCHED = (entries.c.author_name, entries.c.author_email, entries.c.author_url, entries.c.source_url,
            entries.c.body_source, entries.c.blog_name, entries.c.title)


@dataclass(frozen=True)
class History:
    """How many earlier entries share an e-mail address or client hash, and how they were judged."""

    total: int = 0
    approved: int = 0
    spam: int = 0


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


class ModerationQueries(StoreBase):
    """Read-mostly queries for moderators (one of ``Store``'s query groups)."""

    def status_counts(self) -> dict[str, int]:
        """Entries per state, every state present (0 when none)."""
        query = select(entries.c.status, func.count()).group_by(entries.c.status)
        with self.read() as conn:
            found = dict(conn.execute(query).all())
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def search_queue(self, *, status: str, query: str = "", newest_first: bool = False,
                     limit: int = 50, offset: int = 0) -> tuple[list[Any], int]:
        """(rows of ``status`` matching ``query``, page by page; total matching)."""
        condition = [entries.c.status == status]
        text = query.strip()
        if text:
            pattern = _like(text)
            condition.append(or_(*(func.lower(column).like(pattern, escape="\\") for column in SEARCHED)))
        order = entries.c.created_at.desc() if newest_first else entries.c.created_at
        rows_query = (select(entries).where(*condition).order_by(order, entries.c.id)
                      .limit(limit).offset(offset))
        count_query = select(func.count()).select_from(entries).where(*condition)
        with self.read() as conn:
            return conn.execute(rows_query).all(), int(conn.execute(count_query).scalar_one())

    def histories(self, *, emails: Iterable[str] = (), ip_hashes: Iterable[str] = ()
                  ) -> tuple[dict[str, History], dict[str, History]]:
        """Per e-mail (lower-cased) and per client hash: entries, approved, spam (all states)."""
        emails = {e.lower() for e in emails if e}
        ip_hashes = {h for h in ip_hashes if h}
        approved = func.sum(case((entries.c.status == "approved", 1), else_=0))
        spam = func.sum(case((entries.c.status == "spam", 1), else_=0))
        by_email: dict[str, History] = {}
        by_client: dict[str, History] = {}
        with self.read() as conn:
            if emails:
                key = func.lower(entries.c.author_email)
                for value, total, ok, bad in conn.execute(
                    select(key, func.count(), approved, spam).where(key.in_(emails)).group_by(key)
                ):
                    by_email[value] = History(int(total), int(ok or 0), int(bad or 0))
            if ip_hashes:
                for value, total, ok, bad in conn.execute(
                    select(entries.c.ip_hash, func.count(), approved, spam)
                    .where(entries.c.ip_hash.in_(ip_hashes)).group_by(entries.c.ip_hash)
                ):
                    by_client[value] = History(int(total), int(ok or 0), int(bad or 0))
        return by_email, by_client

    def rule_stats(self, since: datetime) -> dict[str, Any]:
        """Entries created since ``since`` per state, and per rule that decided them."""
        recent = entries.c.created_at >= since
        with self.read() as conn:
            states = dict(conn.execute(
                select(entries.c.status, func.count()).where(recent).group_by(entries.c.status)
            ).all())
            reasons = conn.execute(
                select(entries.c.moderation_reason, entries.c.status)
                .where(recent, entries.c.moderation_reason.is_not(None))
            ).all()
            actions = dict(conn.execute(
                select(moderation_log.c.actor, func.count())
                .where(moderation_log.c.at >= since).group_by(moderation_log.c.actor)
            ).all())
        per_rule: dict[str, dict[str, int]] = {}
        for reason, status in reasons:
            rule = reason.split(":", 1)[0].strip()
            counts = per_rule.setdefault(rule, {})
            counts[status] = counts.get(status, 0) + 1
        return {"states": {s: int(states.get(s, 0)) for s in STATUSES}, "rules": per_rule,
                "actions_by_actor": {k: int(v) for k, v in actions.items()}}

    def created_since(self, since: datetime, *, limit: int = 5) -> tuple[int, dict[str, int], list[Any]]:
        """(count, count per state, first ``limit`` rows not marked spam) of entries since ``since``."""
        recent = entries.c.created_at > since
        with self.read() as conn:
            states = dict(conn.execute(
                select(entries.c.status, func.count()).where(recent).group_by(entries.c.status)
            ).all())
            first = conn.execute(
                select(entries).where(recent, entries.c.status != "spam")
                .order_by(entries.c.created_at, entries.c.id).limit(limit)
            ).all()
        return sum(states.values()), {k: int(v) for k, v in states.items()}, first

    def last_actions(self, entry_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The newest moderation-log row of each entry (who or which rule put it in its state)."""
        ids = list(entry_ids)
        if not ids:
            return {}
        query = (select(moderation_log).where(moderation_log.c.entry_id.in_(ids))
                 .order_by(moderation_log.c.id))
        with self.read() as conn:
            return {row.entry_id: dict(row._mapping) for row in conn.execute(query)}

    def claim_meta(self, key: str, value: str, *, unless_newer_than: str) -> str | None:
        """Set ``meta[key] = value`` unless it holds a value > ``unless_newer_than``; returns the
        previous value when set, None when another process got there first (one write lock)."""
        with self.write() as conn:
            previous = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
            if previous is not None and previous > unless_newer_than:
                return None
            if previous is None:
                conn.execute(meta.insert().values(key=key, value=value))
            else:
                conn.execute(meta.update().where(meta.c.key == key).values(value=value))
            return previous or ""
