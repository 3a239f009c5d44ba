"""Pushing the files a page update changed: rsync to a folder and boto3 to an S3 stand-in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pelican.plugins.engagement.deploy import DeployError, rsync
from pelican.plugins.engagement.deploy.caching import (
    IMMUTABLE,
    REVALIDATE,
    STATIC,
    cache_control,
    content_type,
)
from pelican.plugins.engagement.deploy.rsync import RsyncTarget
from pelican.plugins.engagement.deploy.s3 import S3Target

from tests.support.s3 import S3StandIn, s3_standin

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync (CI installs it)")


def output_folder(root: Path) -> Path:
    output = root / "output"
    for relative, text in {"index.html": "home", "2024/01/post/index.html": "post",
                           "feeds/comments/2024/01/post.atom.xml": "<feed/>",
                           "engagement/cases.css": "a{}"}.items():
        (output / relative).parent.mkdir(parents=True, exist_ok=True)
        (output / relative).write_text(text, "utf-8")
    return output


@needs_rsync
def test_rsync_push_copies_listed_files_and_deletes_removed_ones(tmp_path: Path) -> None:
    output = output_folder(tmp_path)
    www = tmp_path / "www"
    RsyncTarget(str(www)).deploy_all(output)
    (output / "2024/01/post/index.html").write_text("post with a comment", "utf-8")
    (output / "index.html").write_text("home, changed but not listed", "utf-8")
    (output / "feeds/comments/2024/01/post.atom.xml").unlink()

    RsyncTarget(str(www)).push(output, ["2024/01/post/index.html", "feeds/comments/2024/01/post.atom.xml"])

    assert (www / "2024/01/post/index.html").read_text("utf-8") == "post with a comment"
    assert not (www / "feeds/comments/2024/01/post.atom.xml").exists()
    assert (www / "index.html").read_text("utf-8") == "home"  # only the listed files move


@needs_rsync
def test_rsync_push_to_a_missing_parent_is_a_deploy_error(tmp_path: Path) -> None:
    output = output_folder(tmp_path)
    with pytest.raises(DeployError, match="rsync failed"):
        RsyncTarget(str(tmp_path / "no" / "such" / "place")).push(output, ["index.html"])


@needs_rsync
def test_rsync_push_to_a_host_that_never_answers_gives_up(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A host that takes the connection and then says nothing fails the push (to be retried)
    instead of holding the page worker and its lease for ever."""
    output = output_folder(tmp_path)
    silent = tmp_path / "silent-ssh"
    silent.write_text("#!/bin/sh\nexec sleep 120\n", "utf-8")  # a remote shell that never speaks
    silent.chmod(0o755)
    monkeypatch.setenv("RSYNC_RSH", str(silent))
    monkeypatch.setattr(rsync, "PUSH_IO_TIMEOUT", 1)

    with pytest.raises(DeployError, match="rsync failed with exit status 30"):
        RsyncTarget("deploy@web.example.org:/var/www/blog/").push(output, ["index.html"])


def test_s3_push_sets_type_and_cache_control_and_deletes(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    output = output_folder(tmp_path)
    with s3_standin(monkeypatch) as s3:
        target = S3Target("s3://site/www", endpoint_url=s3.url)
        target.deploy_all(output)
        (output / "2024/01/post/index.html").write_text("post with a comment", "utf-8")
        (output / "feeds/comments/2024/01/post.atom.xml").unlink()

        target.push(output, ["2024/01/post/index.html", "feeds/comments/2024/01/post.atom.xml"])

        objects = s3.objects("site")
    page = objects["www/2024/01/post/index.html"]
    assert page["body"] == b"post with a comment"
    assert page["type"] == "text/html; charset=utf-8" and page["cache"] == REVALIDATE
    assert objects["www/engagement/cases.css"]["cache"] == STATIC
    assert "www/feeds/comments/2024/01/post.atom.xml" not in objects


def deny_deleting(s3: S3StandIn, bucket: str, key: str) -> None:
    """A bucket policy refusing ``s3:DeleteObject`` on one key: DeleteObjects then answers 200
    with that key under ``Errors`` (moto enforces bucket policies per key, as S3 does)."""
    s3.client().put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                       "Resource": f"arn:aws:s3:::{bucket}/{key}"}]}))


def test_s3_push_whose_deletion_is_refused_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = output_folder(tmp_path)
    with s3_standin(monkeypatch) as s3:
        target = S3Target("s3://site/www", endpoint_url=s3.url)
        target.deploy_all(output)
        deny_deleting(s3, "site", "www/feeds/comments/2024/01/post.atom.xml")
        (output / "feeds/comments/2024/01/post.atom.xml").unlink()
        (output / "index.html").unlink()

        with pytest.raises(DeployError, match=r"1 deletion\(s\) refused, e.g. "
                                              r"www/feeds/comments/2024/01/post.atom.xml: AccessDenied"):
            target.push(output, ["feeds/comments/2024/01/post.atom.xml", "index.html"])

        objects = s3.objects("site")
    assert "www/feeds/comments/2024/01/post.atom.xml" in objects  # refused: still served
    assert "www/index.html" not in objects  # the other deletion went through


def test_s3_full_deploy_uploads_only_what_differs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = output_folder(tmp_path)
    with s3_standin(monkeypatch) as s3:
        target = S3Target("s3://site", endpoint_url=s3.url)
        assert len(target.deploy_all(output)) == 4
        (output / "index.html").write_text("home again", "utf-8")
        (output / "engagement/cases.css").unlink()

        planned = target.deploy_all(output, dry_run=True)
        done = target.deploy_all(output)
        objects = s3.objects("site")
    assert planned == done == ["upload index.html", "delete engagement/cases.css"]
    assert objects["index.html"]["body"] == b"home again" and "engagement/cases.css" not in objects


def test_s3_outage_is_a_deploy_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = output_folder(tmp_path)
    with s3_standin(monkeypatch) as s3:
        s3.stop()
        try:
            with pytest.raises(DeployError, match="s3://site/"):
                S3Target("s3://site", endpoint_url=s3.url).push(output, ["index.html"])
        finally:
            s3.start()


@pytest.mark.parametrize(("path", "expected"), [
    ("2024/01/post/index.html", REVALIDATE),
    ("feeds/comments/x.atom.xml", REVALIDATE),
    ("2024/01/post/comments/index.json", REVALIDATE),
    ("engagement/cases.css", STATIC),
    ("engagement/avatars/3f2a9c1b77aa.webp", IMMUTABLE),
    ("pagefind/fragment/en_1a2b3c4d.pf_fragment", IMMUTABLE),
])
def test_cache_control_by_kind_of_file(path: str, expected: str) -> None:
    assert cache_control(path) == expected


def test_content_types_name_utf8_for_text() -> None:
    assert content_type("a/index.html") == "text/html; charset=utf-8"
    assert content_type("feeds/c.atom.xml") == "application/xml; charset=utf-8"
    assert content_type("x.png") == "image/png"
