"""A deploying site's builds name exactly the files they changed; --changed-since pushes those."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement import deploy
from pelican.plugins.engagement.cli import main

from tests.comments.helpers import make_site, tree_bytes
from tests.deploy.test_on_approve import settings_file


def build_record(output: Path) -> dict:
    return json.loads((output / "engagement" / "build.json").read_text("utf-8"))


def test_a_site_that_does_not_deploy_writes_no_manifest(tmp_path: Path) -> None:
    output = make_site(tmp_path).build()
    assert not (output / "engagement" / "build.json").exists()


def test_a_full_build_lists_what_it_changed_since_the_previous_one(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_DEPLOY_TARGET=str(tmp_path / "www"))
    first = build_record(site.build())
    site.comment("first-post", "New since the last build")

    second = build_record(site.build())

    assert first["previous"] is None and second["previous"] == first["id"]
    assert {"2024/01/first-post/index.html", "index.html",
            "feeds/comments/2024/01/first-post.atom.xml"} <= set(second["written"])
    assert "2024/02/second-post/index.html" not in second["written"]
    assert second["removed"] == []


def test_a_full_build_lists_the_files_it_no_longer_writes(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_DEPLOY_TARGET=str(tmp_path / "www"))
    comment = site.comment("first-post", "Soon gone")
    site.build()
    site.store.delete(comment.id, actor="test")

    record = build_record(site.build())

    assert "feeds/comments/2024/01/first-post.atom.xml" in record["removed"]


@pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync (CI installs it)")
def test_deploy_changed_since_pushes_only_the_difference(tmp_path: Path) -> None:
    www = tmp_path / "www"
    site = make_site(tmp_path, ENGAGEMENT_DEPLOY_TARGET=str(www))
    output = site.build()
    deployed = build_record(output)["id"]
    deploy.deploy_all(output, site.config().engagement)
    site.comment("second-post", "Arrived after the deploy")
    site.build()

    result = CliRunner().invoke(main, ["deploy", "--changed-since", deployed,
                                       "--settings", str(settings_file(site))])

    assert result.exit_code == 0, result.output
    assert "push 2024/02/second-post/index.html" in result.output
    assert "2024/01/first-post/index.html" not in result.output
    assert tree_bytes(www) == tree_bytes(output)


def test_an_unknown_build_id_is_a_clear_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_DEPLOY_TARGET=str(tmp_path / "www"))
    site.build()
    result = CliRunner().invoke(main, ["deploy", "--changed-since", "20200101T000000-abcdef",
                                       "--settings", str(settings_file(site))])
    assert result.exit_code == 1
    assert "no manifest of build '20200101T000000-abcdef'" in result.output
