"""`engagement import`: the JSON shorthand, `wordpress` and `disqus`, against a site settings file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.store import NewEntry, Store

from tests.importers.exports import DisqusPost, disqus, write, wxr
from tests.importers.test_wordpress import blog


def site(tmp_path: Path) -> tuple[Path, str]:
    """A minimal site settings file with its own SQLite store; returns (settings, store URL)."""
    url = f"sqlite:///{tmp_path}/store.sqlite3"
    settings = tmp_path / "pelicanconf.py"
    settings.write_text(
        'SITEURL = "http://127.0.0.1:8000"\nPATH = "content"\nTIMEZONE = "UTC"\n'
        'ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"\nPAGE_URL = "{slug}/"\n'
        f'ENGAGEMENT_DATABASE_URL = "{url}"\n', "utf-8")
    (tmp_path / "content").mkdir()
    return settings, url


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_wordpress_import_writes_articles_and_reports_counts(tmp_path: Path) -> None:
    settings, url = site(tmp_path)
    export = write(tmp_path / "wp.xml", wxr("1.1", blog()))
    result = invoke("import", "wordpress", str(export), "--settings", str(settings))
    assert result.exit_code == 0, result.output
    assert "9 entries added, 0 already imported" in result.output
    assert "skipped 1 spam comments (use --include-spam)" in result.output
    assert (tmp_path / "content" / "articles" / "the-now-of-customer-service.md").is_file()
    assert len(Store.open(url).list(thread="2013/04/the-now-of-customer-service/")) == 8


def test_malformed_wordpress_export_is_a_clean_error_naming_the_line(tmp_path: Path) -> None:
    settings, _url = site(tmp_path)
    export = write(tmp_path / "wp.xml", wxr("1.2", blog()).replace("</wp:post_type>", "</wp:post_typ>", 1))
    result = invoke("import", "wordpress", str(export), "--settings", str(settings))
    assert result.exit_code == 1
    assert "wp.xml, line " in result.output and "not well-formed XML" in result.output


def test_json_file_is_the_default_subcommand(tmp_path: Path) -> None:
    source = Store.open(f"sqlite:///{tmp_path}/source.sqlite3")
    source.add(NewEntry(thread="2024/01/x/", author_name="Backed up", body_html="<p>hi</p>",
                        status="approved"))
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(source.export()), "utf-8")
    settings, url = site(tmp_path)
    first = invoke("import", str(backup), "--settings", str(settings))
    second = invoke("import", str(backup), "--settings", str(settings))
    assert first.exit_code == 0 and "1 entries added, 0 already present" in first.output
    assert "0 entries added, 1 already present" in second.output
    assert [e.author_name for e in Store.open(url).list()] == ["Backed up"]


def test_disqus_import_needs_a_built_site_first(tmp_path: Path) -> None:
    settings, _url = site(tmp_path)
    export = write(tmp_path / "d.xml", disqus({1: "http://127.0.0.1:8000/x/"}, [DisqusPost(1, thread=1)]))
    result = invoke("import", "disqus", str(export), "--settings", str(settings))
    assert result.exit_code == 1
    assert "build the site first" in result.output


def test_damaged_json_export_is_a_clean_error(tmp_path: Path) -> None:
    settings, _url = site(tmp_path)
    damaged = {"format": "engagement-export", "entries": [{"x": 1}]}
    backup = write(tmp_path / "backup.json", json.dumps(damaged))
    result = invoke("import", str(backup), "--settings", str(settings))
    assert result.exit_code == 1
    assert "not a valid engagement export" in result.output


def test_comments_on_pages_are_kept_and_mentioned(tmp_path: Path) -> None:
    settings, _url = site(tmp_path)
    export = write(tmp_path / "wp.xml", wxr("1.2", blog()))
    result = invoke("import", "wordpress", str(export), "--settings", str(settings))
    assert "note: 1 entries on pages: stored, but the theme shows comments on articles only" in result.output


def test_private_posts_are_left_out_unless_asked_for(tmp_path: Path) -> None:
    from tests.importers.exports import Post

    settings, _url = site(tmp_path)
    post = Post(5, "Salary bands", "salary-bands", status="private")
    export = write(tmp_path / "wp.xml", wxr("1.2", [post]))
    target = tmp_path / "content" / "articles" / "salary-bands.md"
    result = invoke("import", "wordpress", str(export), "--settings", str(settings))
    assert result.exit_code == 0, result.output
    assert "left out private post “Salary bands”" in result.output and not target.exists()
    result = invoke("import", "wordpress", str(export), "--include-private", "--settings", str(settings))
    assert result.exit_code == 0, result.output
    assert "Status: hidden\n" in target.read_text("utf-8")
