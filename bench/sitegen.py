"""The synthetic site every section measures: N articles of ~800 words, cases, embeds, comments.

The text is pseudo-random but seeded, so two runs (and two machines) build byte-identical
content. Each article carries case blocks and one social embed in the plugin's own syntax
(:mod:`bench.cases`), the embed answered from a snapshot written next to the content so no build
touches the network. Approved comments go into a real SQLite store through
:class:`pelican.plugins.engagement.store.Store`, with the HTML rendered once as the endpoint would.
"""

from __future__ import annotations

import random
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import cases

_VOCABULARY = (
    "customer service team brand reply complaint social media response time support agent "
    "tweet follower apology refund delivery parcel order account channel escalation empathy tone "
    "humour trust loyalty experience journey feedback review survey ticket queue weekend manager "
    "policy promise voice listen understand resolve quickly publicly privately message thread "
    "story lesson beauty beast praise outrage viral moment community conversation help desk "
    "airline bank retailer grocer telecom insurer courier store online mobile app website hours "
    "minutes days weeks fair honest human clear simple friendly rude slow late broken missing"
)
WORDS = tuple(_VOCABULARY.split())
CATEGORIES = ("Social Customer Service", "Case Studies", "Customer Experience", "Complaints",
              "Tools", "Teams", "Research", "Opinion")
TAGS = tuple(f"topic-{n}" for n in range(30))
AUTHORS = ("Matthew Thomas", "Ana Lopez", "Sam Okafor", "Li Wei", "Riya Patel")
COMMENT_TEXTS = (
    "Great write-up — we had the *same* problem with our courier last winter.",
    "I disagree a little: a public reply is not always the right move.\n\nSometimes a DM is kinder.",
    "Thanks! The part about **response time** matches what we measured: https://example.org/study",
    "> Understanding is underused\n\nSo true. Our agents now read the whole thread before replying.",
    "Could you share the template you use for apologies? `Hi {name}, …` feels robotic to me.",
)
FIRST_DATE = datetime(2010, 1, 4, 9, 30)
#: The article the page-weight and endpoint sections read: six cases and a 50-comment thread.
SHOWCASE_SLUG = "showcase-article"


@dataclass(frozen=True)
class Site:
    """A generated site on disk: its content folder, store and what it holds."""

    root: Path
    articles: int
    comments_per_article: int

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def database(self) -> Path:
        return self.root / "engagement.sqlite3"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"


@dataclass(frozen=True)
class ArticleSpec:
    slug: str
    title: str
    date: datetime
    cases: int

    @property
    def thread(self) -> str:
        """The thread key the plugin gives this article (``article.url``, see pelicanconf.py)."""
        return f"{self.date:%Y}/{self.date:%m}/{self.slug}/"


def article_specs(count: int, cases_per_article: int = 2) -> list[ArticleSpec]:
    """The articles of a site of ``count`` articles; the first is the showcase (six cases)."""
    specs = [ArticleSpec(SHOWCASE_SLUG, "Showcase: six cases and a long thread", FIRST_DATE, 6)]
    for n in range(1, count):
        date = FIRST_DATE + timedelta(days=n, hours=n % 7)
        specs.append(ArticleSpec(f"article-{n:05d}", f"Synthetic article {n}", date, cases_per_article))
    return specs


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def article_markdown(spec: ArticleSpec, index: int) -> str:
    """One article of about 800 words: headings, paragraphs, a list, links, cases, one embed."""
    rng = random.Random(index)
    tags = ", ".join(sorted(rng.sample(TAGS, 3)))
    header = [
        f"Title: {spec.title}",
        f"Date: {spec.date:%Y-%m-%d %H:%M}",
        f"Author: {AUTHORS[index % len(AUTHORS)]}",
        f"Category: {CATEGORIES[index % len(CATEGORIES)]}",
        f"Tags: {tags}",
        f"Slug: {spec.slug}",
        f"Summary: {_sentence(rng)}",
    ]
    body: list[str] = []
    for section in range(4):
        body.append(f"## {_sentence(rng)[:-1]}")
        body.append(_paragraph(rng, 5))
        body.append(_paragraph(rng, 4))
        if section == 1:
            body.append("\n".join(f"- {_sentence(rng)}" for _ in range(4)))
            body.append(f"See [the report](https://example.org/reports/{index}) for *details*.")
        if section == 2:
            body.append(cases.embed_line(index))
    for case in range(spec.cases):
        body.insert(2 + 2 * case, cases.case_block(index, case))
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"


def generate(root: Path, articles: int, comments_per_article: int, *,
             cases_per_article: int = 2, showcase_comments: int = 50) -> Site:
    """Write the site under ``root`` (replacing what was there) and fill its store."""
    if root.exists():
        shutil.rmtree(root)
    site = Site(root, articles, comments_per_article)
    folder = site.content / "articles"
    folder.mkdir(parents=True)
    specs = article_specs(articles, cases_per_article)
    for index, spec in enumerate(specs):
        (folder / f"{spec.slug}.md").write_text(article_markdown(spec, index), "utf-8")
    pages = site.content / "pages"
    pages.mkdir()
    (pages / "about.md").write_text("Title: About\n\nA synthetic site for `make bench`.\n", "utf-8")
    cases.write_snapshot(site.content, range(len(specs)))
    counts = {spec.thread: comments_per_article for spec in specs}
    counts[specs[0].thread] = max(showcase_comments, comments_per_article)
    fill_store(site.database_url, counts)
    return site


def fill_store(database_url: str, counts: dict[str, int]) -> None:
    """Store approved comments (``counts[thread]`` of them) through ``Store.import_``.

    The import path writes every entry in one transaction, about three times faster than one
    ``Store.add`` per comment, which matters for the 25,000 comments of the largest default site.
    """
    from pelican.plugins.engagement.store import Store

    rendered = _rendered_bodies()
    first = datetime(2024, 1, 1, tzinfo=UTC)
    records = []
    for thread, count in counts.items():
        for n in range(count):
            source, html = rendered[n % len(rendered)]
            when = (first + timedelta(minutes=n)).isoformat()
            records.append({
                "id": len(records) + 1, "uuid": str(uuid.UUID(int=len(records) + 1)), "thread": thread,
                "parent_id": None, "kind": "comment", "status": "approved",
                "author_name": f"Reader {n}", "author_email": f"reader{n}@example.org",
                "author_url": None, "author_photo": None, "title": None, "blog_name": None,
                "source_url": None, "mention_type": None, "body_source": source, "body_html": html,
                "created_at": when, "updated_at": when, "approved_at": when, "ip_hash": None,
                "notify": False, "verification": "none", "verify_attempts": 0, "verify_error": None,
                "verified_at": None, "dedupe_key": None,
            })
    store = Store.open(database_url)
    try:
        store.import_({"format": "engagement-export", "version": 1, "entries": records})
    finally:
        store.close()


def _rendered_bodies() -> list[tuple[str, str]]:
    """Each sample comment with its HTML, rendered once, as the endpoint stores it."""
    from pelican.plugins.engagement.markup import render_comment

    return [(text, render_comment(text)) for text in COMMENT_TEXTS]
