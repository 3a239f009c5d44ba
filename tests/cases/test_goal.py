"""The response-time goal: three grades, and the words the badge shows."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.cases.goal import Goal
from pelican.plugins.engagement.settings import SettingsError, from_pelican


@pytest.mark.parametrize(("seconds", "grade"), [
    (60, "within"), (7200, "within"), (7201, "near"), (21600, "near"), (21601, "beyond"),
])
def test_grades_against_the_default_goal(seconds: int, grade: str) -> None:
    assert Goal(7200, 3).grade(seconds) == grade


def test_words_name_the_goal() -> None:
    goal = Goal(7200, 3)
    assert goal.words(600) == "within the 2-hour goal"
    assert goal.words(9000) == "over the 2-hour goal"
    assert goal.words(90000) == "over 3× the 2-hour goal"
    assert Goal(5400, 2).phrase == "the goal of 1 hour 30 minutes"


def test_goal_comes_from_the_settings() -> None:
    settings = {"ENGAGEMENT_RESPONSE_GOAL": "45 min", "ENGAGEMENT_RESPONSE_GOAL_SLACK": 2}
    goal = Goal.from_settings(from_pelican(settings))
    assert (goal.seconds, goal.limit, goal.text) == (2700, 5400, "45 minutes")


@pytest.mark.parametrize(("settings", "message"), [
    ({"ENGAGEMENT_RESPONSE_GOAL": "soon"}, "ENGAGEMENT_RESPONSE_GOAL: 'soon' is not a duration"),
    ({"ENGAGEMENT_RESPONSE_GOAL": "0 min"}, "must be longer than 0"),
    ({"ENGAGEMENT_RESPONSE_GOAL_SLACK": 0}, "ENGAGEMENT_RESPONSE_GOAL_SLACK must be 1 or more"),
])
def test_bad_goal_settings_are_refused(settings: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        from_pelican(settings)
