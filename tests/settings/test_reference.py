"""The README's configuration reference is generated from settings.py and kept in step."""

from __future__ import annotations

from pathlib import Path

from pelican.plugins.engagement.cli.config_cmd import replace_reference

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_reference_lists_every_setting_as_settings_py_describes_it() -> None:
    text = README.read_text("utf-8")
    assert replace_reference(text) == text, (
        "README.md's configuration reference is out of date: "
        "run `.venv/bin/engagement settings --write-readme README.md`"
    )
