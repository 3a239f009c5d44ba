"""ENGAGEMENT_DEPLOY_ON_APPROVE: an approval reaches the deploy target, and nothing else moves.

End to end on a real small site: build, deploy everything, approve a comment, and the target
then holds exactly what a full build would write, having received only the changed files.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement import deploy
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.deploy import publisher
from pelican.plugins.engagement.moderation.actions import moderate, moderate_many
from pelican.plugins.engagement.store import Store

from tests.comments.helpers import Site, make_site, thread_key, tree_bytes
from tests.deploy.test_push import deny_deleting
from tests.support.s3 import S3StandIn, s3_standin
from tests.support.sites import REPO, THEME

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync (CI installs it)")


def approved_site(tmp_path: Path, store_url: str | None = None, **settings: object) -> tuple[Site, Path]:
    """A built site with one comment waiting, deployed in full to a folder target."""
    www = Path(str(settings.pop("ENGAGEMENT_DEPLOY_TARGET", tmp_path / "www")))
    site = make_site(tmp_path, store_url, ENGAGEMENT_DEPLOY_ON_APPROVE=True,
                     ENGAGEMENT_DEPLOY_TARGET=str(www), **settings)
    site.comment("first-post", "Already there")
    output = site.build()
    deploy.deploy_all(output, site.config().engagement)
    return site, www


def site_files(folder: Path) -> dict[str, bytes]:
    """The site's files, without the build's own record (each build has its own id)."""
    files = tree_bytes(folder)
    files.pop("engagement/build.json", None)
    return files


def changed_between(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def record_pushes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every list of paths the publisher hands to the target (rsync's --files-from list, the S3
    target's PUTs and deletes), so a test can say no other file was uploaded."""
    pushes: list[list[str]] = []
    real_push = publisher.push

    def recording_push(output: Path, settings: object, paths: list[str]) -> None:
        pushes.append(sorted(paths))
        real_push(output, settings, paths)

    monkeypatch.setattr(publisher, "push", recording_push)
    return pushes


def test_approval_pushes_exactly_the_changed_files(store_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    site, www = approved_site(tmp_path, store_url)
    waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")
    before = site_files(www)
    pushes = record_pushes(monkeypatch)

    outcome = moderate(site.config(), site.store, waiting.id, "approve", actor="test")
    assert publisher.settle(30)

    after = site_files(www)
    assert after == site_files(site.build(tmp_path / "fresh"))  # byte-identical to a full build
    changed = changed_between(before, after)
    assert {"2024/01/first-post/index.html", "index.html",
            "feeds/comments/2024/01/first-post.atom.xml"} <= changed
    assert "2024/02/second-post/index.html" not in changed
    assert pushes == [sorted(changed)]  # one push, and no file sent that did not change
    assert "queued for" in outcome.rebuild
    assert site.store.pending_jobs() == []
    site.store.close()


def test_bulk_approval_is_one_push(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, www = approved_site(tmp_path)
    waiting = [site.comment(slug, f"Approve me {n}", minutes=3 + n, status="pending")
               for n in range(4) for slug in ("first-post", "second-post")]
    pushes: list[list[str]] = []
    real_queue = publisher.queue_push

    def queue_push(store, changed):
        pushes.append(list(changed))
        return real_queue(store, changed)

    monkeypatch.setattr(publisher, "queue_push", queue_push)
    moderate_many(site.config(), site.store, [e.id for e in waiting], "approve", actor="test")
    assert publisher.settle(30)

    assert len(pushes) == 1
    assert {"2024/01/first-post/index.html", "2024/02/second-post/index.html"} <= set(pushes[0])
    assert site_files(www) == site_files(site.build(tmp_path / "fresh"))
    assert site.store.pending_jobs() == []
    site.store.close()


def test_a_target_down_for_a_while_ends_up_identical(store_url: str, tmp_path: Path) -> None:
    host = tmp_path / "host"
    host.mkdir()
    site, _ = approved_site(tmp_path, store_url, ENGAGEMENT_DEPLOY_TARGET=str(host / "www"))
    config = site.config()
    host.rename(tmp_path / "host-down")  # rsync cannot reach the destination: every push fails
    waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")

    outcome = moderate(config, site.store, waiting.id, "approve", actor="test")
    publisher.settle(30)

    assert "Pages updated" in outcome.rebuild  # the moderation itself never fails for a push
    [job] = site.store.pending_jobs("push")
    assert job.attempts == 1 and "rsync failed" in (job.last_error or "")
    listed = CliRunner().invoke(main, ["deploy", "--pending", "--settings", str(settings_file(site))])
    assert "2024/01/first-post/index.html" in listed.output and "rsync failed" in listed.output

    (tmp_path / "host-down").rename(host)  # the target is back
    before = site_files(host / "www")
    rehearsed = CliRunner().invoke(main, ["deploy", "--retry", "--dry-run",
                                          "--settings", str(settings_file(site))])
    assert rehearsed.exit_code == 0 and "2024/01/first-post/index.html" in rehearsed.output
    assert site_files(host / "www") == before and len(site.store.pending_jobs("push")) == 1
    retried = CliRunner().invoke(main, ["deploy", "--retry", "--settings", str(settings_file(site))])

    assert retried.exit_code == 0, retried.output
    assert site.store.pending_jobs() == []
    assert site_files(host / "www") == site_files(config.output_path)
    park_drainer(site)
    site.store.close()


def park_drainer(site: Site) -> None:
    """Wake the background pusher once more, so it finds nothing waiting and sleeps until kicked.

    Left in its back-off after a failed push it would wake after the test, on a store that is gone
    (a PostgreSQL test schema is dropped).
    """
    publisher.kick(site.config(), site.store)
    assert publisher.settle(30)


def settings_file(site: Site) -> Path:
    """A settings file for the CLI naming the same site, store and target as ``site.config()``."""
    config = site.config()
    lines = [f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *  # noqa: F403",
             f"PATH = {str(site.content)!r}", f"OUTPUT_PATH = {str(config.output_path)!r}",
             f"THEME = {str(THEME)!r}", f"CACHE_PATH = {str(config.pelican['CACHE_PATH'])!r}"]
    lines += [f"{name} = {value!r}" for name, value in site.overrides.items()]
    path = site.root.parent / "sitesettings.py"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def bucket_files(s3: S3StandIn) -> dict[str, bytes]:
    """The bucket's objects as a site's files (without the build's own record)."""
    served = {key: item["body"] for key, item in s3.objects("site").items()}
    served.pop("engagement/build.json", None)
    return served


def s3_site(tmp_path: Path, s3: S3StandIn, store_url: str | None = None) -> Site:
    """A built site deploying to the stand-in's bucket, deployed there in full."""
    site = make_site(tmp_path, store_url, ENGAGEMENT_DEPLOY_ON_APPROVE=True,
                     ENGAGEMENT_DEPLOY_TARGET="s3://site", ENGAGEMENT_DEPLOY_S3_ENDPOINT_URL=s3.url)
    deploy.deploy_all(site.build(), site.config().engagement)
    return site


def test_approval_reaches_an_s3_target(store_url: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with s3_standin(monkeypatch) as s3:
        site = s3_site(tmp_path, s3, store_url)
        waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")
        before = bucket_files(s3)
        pushes = record_pushes(monkeypatch)

        moderate(site.config(), site.store, waiting.id, "approve", actor="test")
        assert publisher.settle(30)

        served = bucket_files(s3)
    assert served == site_files(site.build(tmp_path / "fresh"))
    assert pushes == [sorted(changed_between(before, served))]  # nothing else was uploaded
    site.store.close()


def test_an_s3_target_refusing_for_a_while_ends_up_identical(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with s3_standin(monkeypatch) as s3:
        site = s3_site(tmp_path, s3)
        config = site.config()
        waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")
        s3.stop()  # the store refuses connections
        try:
            outcome = moderate(config, site.store, waiting.id, "approve", actor="test")
            publisher.settle(30)
        finally:
            s3.start()  # back, with the objects it held (moto keeps them in this process)

        assert "Pages updated" in outcome.rebuild
        [job] = site.store.pending_jobs("push")
        assert job.attempts == 1 and "s3://site/" in (job.last_error or "")
        result = publisher.push_due(config, site.store, waiting_too=True)  # engagement deploy --retry

        assert result.error == "" and site.store.pending_jobs() == []
        served = bucket_files(s3)
        park_drainer(site)
    assert served == site_files(config.output_path)
    site.store.close()


def test_an_s3_deletion_refused_is_retried_until_it_is_done(store_url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A page the update removed, whose deletion the bucket refuses (DeleteObjects answers 200 and
    names the key under ``Errors``): the push failed, the job waits with the reason, and once the
    bucket allows it again the retry deletes it."""
    with s3_standin(monkeypatch) as s3:
        site = s3_site(tmp_path, s3, store_url)
        config = site.config()
        removed = "2024/01/first-post/index.html"
        (config.output_path / removed).unlink()  # as if the update had removed this page
        deny_deleting(s3, "site", removed)
        publisher.queue_push(site.store, [removed])

        failed = publisher.push_due(config, site.store)
        [job] = site.store.pending_jobs("push")
        s3.client().delete_bucket_policy(Bucket="site")
        retried = publisher.push_due(config, site.store, waiting_too=True)  # engagement deploy --retry
        served = bucket_files(s3)

    assert "1 deletion(s) refused" in failed.error and "AccessDenied" in (job.last_error or "")
    assert job.attempts == 1
    assert retried.error == "" and site.store.pending_jobs() == []
    assert removed not in served
    site.store.close()


def run_workers(database_url: str, holders: list[str], work: Callable[[str, Store], None]) -> None:
    """Run ``work(holder, store)`` for every holder at once, each with its own connections to the
    store (as separate `engagement worker` processes), and wait for them all."""
    stores = {holder: Store.open(database_url) for holder in holders}
    workers = [threading.Thread(target=work, args=item) for item in stores.items()]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for store in stores.values():
        store.close()


def test_two_workers_update_a_burst_of_approvals_once(store_url: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site, www = approved_site(tmp_path, store_url, ENGAGEMENT_PAGE_UPDATES="worker")
    config = site.config()
    burst = [site.comment("first-post", f"Comment {n}", minutes=n + 1, status="pending") for n in range(20)]
    for entry in burst:
        assert "page worker" in moderate(config, site.store, entry.id, "approve", actor="test").rebuild

    from pelican.plugins.engagement.comments import rebuild

    calls, running = [], threading.Lock()
    real = rebuild.rebuild_threads

    def counted(*args: object, **kwargs: object) -> object:
        assert running.acquire(blocking=False), "two workers updated pages at once"
        try:
            calls.append(args[1])
            return real(*args, **kwargs)
        finally:
            running.release()

    monkeypatch.setattr(rebuild, "rebuild_threads", counted)

    def work(holder: str, store: Store) -> None:
        for _ in range(200):  # bounded: about 10 s at most
            publisher.work_once(config, store, holder)
            if not store.pending_jobs():
                return
            threading.Event().wait(0.05)

    run_workers(site.database_url, ["worker-a", "worker-b"], work)

    assert calls == [[thread_key("first-post")]]  # twenty approvals, one page update
    assert site.store.pending_jobs() == []
    assert site_files(www) == site_files(site.build(tmp_path / "fresh"))
    site.store.close()
