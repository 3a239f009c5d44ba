"""Development settings: `make run` and `make html` build with these.

SITEURL is the address `make run` serves, so links, feeds and the trackback/webmention targets in
the pages work locally exactly as they will in production (see publishconf.py).
"""

AUTHOR = "CXperience Blog"
SITENAME = "CXperience"
SITESUBTITLE = "Social customer service: the beauties, the beasts and the lessons"
SITEURL = "http://127.0.0.1:8000"
SITE_LANGUAGE = "en"

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

DIRECT_TEMPLATES = ["index", "authors", "categories", "tags", "archives"]
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

# The engagement plugin lives in plugins/ and is installed (editable) by `make`.
PLUGINS = ["engagement"]

# Author profiles (bio and social links) shown in the author box and on author pages.
AUTHORS_BIO = {
    "matthew-thomas": {
        "name": "Matthew Thomas",
        "bio": (
            "Matthew is the Lead Author & Editor of CXperience Blog. Matthew established the "
            "CXperience blog to create a source for news and discussion about some of the issues, "
            "challenges, news, and ideas relating to Customer Experience."
        ),
        "links": [
            ("Twitter", "https://twitter.com/CXperienceBlog"),
            ("Facebook", "https://www.facebook.com/CXperienceBlog"),
        ],
    },
}

# --- engagement plugin (see README, "Configuration reference") ---------------------------------
ENGAGEMENT_ENDPOINT_URL = "http://127.0.0.1:8001"
ENGAGEMENT_DATABASE_URL = "sqlite:///var/engagement.sqlite3"
# Local development only: lets the endpoint verify sources served on this machine.
ENGAGEMENT_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1", "localhost"]
