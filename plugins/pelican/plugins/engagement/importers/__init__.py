"""Bring a blog's history along: WordPress (WXR 1.0–1.2) and Disqus exports into content and store.

Both importers read the export completely before they write anything, so a malformed file (reported
with the element and line) changes nothing. Every imported entry carries an idempotency key derived
from the export's own ids, so an interrupted run can simply be run again: what is already stored is
left alone (including any moderation done since), the rest is added.
"""

from __future__ import annotations

from pelican.plugins.engagement.importers.common import ImportFormatError, ImportSummary

__all__ = ["ImportFormatError", "ImportSummary"]
