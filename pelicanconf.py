"""Development settings: `make run` and `make html` build with these.

SITEURL is the address `make run` serves, so links, feeds and the trackback/webmention targets in
the pages work locally exactly as they will in production (see publishconf.py). The Makefile sets
DEV_SITEURL and DEV_ENDPOINT_URL from its PORT and ENDPOINT_PORT, so `make run PORT=8100
ENDPOINT_PORT=8101` gives pages that point at the ports being served.
"""

import os
from pathlib import Path

AUTHOR = "CXperience Blog"
SITENAME = "CXperience"
SITESUBTITLE = "Social customer service: the beauties, the beasts and the lessons"
SITEURL = os.environ.get("DEV_SITEURL") or "http://127.0.0.1:8000"

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"
DEFAULT_PAGINATION = 10
SUMMARY_MAX_LENGTH = 50

# Absolute URLs everywhere: canonical links, feeds and linkback targets need them.
RELATIVE_URLS = False
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_SAVE_AS = "tags/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds: Atom and RSS for the whole site, per category and per author.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
AUTHOR_FEED_ATOM = "feeds/author/{slug}.atom.xml"
AUTHOR_FEED_RSS = "feeds/author/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = None

DIRECT_TEMPLATES = ["index", "authors", "categories", "tags", "archives", "search"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
# Static full-text search (plugins/site_search.py): Pagefind indexes the built site at the end of
# every build into output/pagefind/; the search page loads its UI from there (no server, no CDN).
SEARCH_INDEX = True
TEMPLATE_PAGES = {"404.html": "404.html"}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}

# The engagement plugin lives in plugins/ and is installed (editable) by `make`; site_feeds.py and
# site_search.py next to it are this site's own small plugins (valid RSS guids; the search index).
# The engagement plugin publishes its own and the theme's CSS and JS minified (ENGAGEMENT_MINIFY_ASSETS).
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["engagement", "site_feeds", "site_search"]

# Author profiles, keyed by author slug: the bio box under each article and the author pages show
# them. "bio" is plain text (escaped); "type" is the schema.org type in the article's JSON-LD (Person
# unless said otherwise); "links" are (network, URL) pairs shown as "<name> on <network>".
AUTHORS_BIO = {
    "matthew-thomas": {
        "name": "Matthew Thomas",
        "bio": (
            "Matthew is the Lead Author & Editor of CXperience Blog. Matthew established the "
            "CXperience blog to create a source for news and discussion about some of the issues, "
            "challenges, news, and ideas relating to Customer Experience."
        ),
        # Seed 003 says "Matthew Thomas on Twitter" and "… on Facebook" but gives no handle or URL.
        # We do not guess one: add ("Twitter", "https://…") here once the real profile URL is known.
        "links": [],
    },
    # The two team bylines are the editors' own choice for seeds that carry no author (see each
    # article's Note); their profiles say only what the seeds say.
    "cxperience-editors": {
        "name": "CXperience Editors",
        "type": "Organization",
        "bio": "The CXperience editorial team. Articles whose original text carried no byline appear here.",
        "links": [],
    },
    "smchat-team": {
        "name": "SMChat Team",
        "type": "Organization",
        "bio": (
            "The hosts of #SMChat (Social Media Chat) and its monthly Customer Service feature; "
            "the original post introduced one of its sessions and carried no byline."
        ),
        "links": [],
    },
}

# Share links under each article are plain links (no third-party script). Mastodon has no central
# share URL, so the link opens Share₂Fedi's page (?text=…), where readers name their own server. Point
# this at a self-hosted Share₂Fedi (or any page taking ?text=) to avoid the public instance.
MASTODON_SHARE_URL = "https://s2f.kytta.dev/"
OG_LOCALE = "en_GB"

# --- engagement plugin (see README, "Configuration reference") ---------------------------------
ENGAGEMENT_ENDPOINT_URL = os.environ.get("DEV_ENDPOINT_URL") or "http://127.0.0.1:8001"
ENGAGEMENT_DATABASE_URL = "sqlite:///var/engagement.sqlite3"
# Local development only: lets the endpoint verify sources served on this machine.
ENGAGEMENT_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1", "localhost"]
# The old site's linkbacks (the seed's one trackback), kept as a public export merged into builds.
ENGAGEMENT_ARCHIVE_PATH = str(Path(__file__).resolve().parent / "content" / "engagement-archive.json")
