"""The site's response-time goal, and how a reply's time compares with it.

``ENGAGEMENT_RESPONSE_GOAL`` (default 2 hours: seed 003 says a brand that does not answer "within
the first two hours" has lost the customer) and ``ENGAGEMENT_RESPONSE_GOAL_SLACK`` (N, default 3)
give three grades, used by the badge on a case card and by the gallery's chart:

- ``within``: the reply came within the goal;
- ``near``: later than the goal, but within N times the goal;
- ``beyond``: later than N times the goal.
"""

from __future__ import annotations

from dataclasses import dataclass

from pelican.plugins.engagement.cases.durations import human_duration, parse_duration
from pelican.plugins.engagement.settings import EngagementSettings

GRADES = ("within", "near", "beyond")


@dataclass(frozen=True)
class Goal:
    """The goal in seconds and the slack factor; templates call :meth:`grade` and :meth:`words`."""

    seconds: int
    slack: int = 3

    @classmethod
    def from_settings(cls, settings: EngagementSettings) -> Goal:
        return cls(parse_duration(settings.RESPONSE_GOAL), settings.RESPONSE_GOAL_SLACK)

    @property
    def text(self) -> str:
        """The goal in words: "2 hours"."""
        return human_duration(self.seconds)

    @property
    def limit(self) -> int:
        """Seconds after which a reply is beyond the goal."""
        return self.seconds * self.slack

    def grade(self, seconds: int) -> str:
        """One of :data:`GRADES` for a reply that took ``seconds``."""
        if seconds <= self.seconds:
            return "within"
        return "near" if seconds <= self.limit else "beyond"

    @property
    def phrase(self) -> str:
        """"the 2-hour goal" (or "the goal of 1 hour 30 minutes" when one unit will not do)."""
        parts = self.text.split()
        if len(parts) == 2:
            return f"the {parts[0]}-{parts[1].removesuffix('s')} goal"
        return f"the goal of {self.text}"

    def words(self, seconds: int) -> str:
        """The grade as a reader reads it on the badge (colour is never the only signal)."""
        grade = self.grade(seconds)
        if grade == "beyond":
            return f"over {self.slack}× {self.phrase}"
        return f"{'within' if grade == 'within' else 'over'} {self.phrase}"
