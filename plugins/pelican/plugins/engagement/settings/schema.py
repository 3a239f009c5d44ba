"""Every ``ENGAGEMENT_*`` setting in one place: its type, default, validation and documentation.

The plugin, the endpoint and the CLI all read a site's ``pelicanconf.py``/``publishconf.py``, so a
site has one configuration. Settings are read once into a frozen :class:`EngagementSettings`; no
module reads the raw Pelican dictionary on its own. ``engagement settings`` prints this table, and
the README's configuration reference is generated from the same descriptions.

A few values may come from the environment (the variable has the setting's name and wins over the
file), because secrets and database URLs differ per deployment and should not be committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PREFIX = "ENGAGEMENT_"


class SettingsError(ValueError):
    """A setting has the wrong type or value; the message names the setting and says what to do."""


def _setting(default: Any, doc: str, *, env: bool = False, choices: tuple[str, ...] = ()) -> Any:
    if isinstance(default, list | dict):
        def factory(value=default):
            return (type(value)(value))
        return field(default_factory=factory, metadata={"doc": doc, "env": env, "choices": choices})
    return field(default=default, metadata={"doc": doc, "env": env, "choices": choices})


@dataclass(frozen=True)
class EngagementSettings:
    """Typed view of the ``ENGAGEMENT_*`` settings (names here are without the prefix)."""

    # --- storage -------------------------------------------------------------------------------
    DATABASE_URL: str = _setting(
        "sqlite:///engagement.sqlite3",
        "SQLAlchemy URL of the comment store. A relative SQLite path is relative to the folder of "
        "the settings file. Use postgresql+psycopg://user@host/db for larger sites.",
        env=True,
    )
    EXPORT_PATH: str = _setting(
        "",
        "When set, the build reads comments and mentions from this JSON export (written by "
        "`engagement export`) instead of the database, so a CI build needs no database.",
        env=True,
    )

    ARCHIVE_PATH: str = _setting(
        "",
        "A public export (the `engagement export` format) of comments and linkbacks kept from an "
        "earlier site, committed with the content and merged into every build (relative to the "
        "settings file's folder). Its entries never enter the database.",
    )

    # --- endpoint --------------------------------------------------------------------------------
    ENDPOINT_URL: str = _setting(
        "http://127.0.0.1:8001",
        "Public base URL of the engagement endpoint; forms, pingback, trackback and webmention "
        "discovery in the pages point here. Empty disables the interactive parts.",
    )
    ALLOWED_ORIGINS: list[str] = _setting(
        [],
        "Extra origins (besides SITEURL's) whose pages may call the JSON API (CORS).",
    )
    SECRET_KEY: str = _setting(
        "",
        "Key for hashing client IPs and signing tokens. When empty the store generates one and "
        "keeps it in its own meta table, so every endpoint instance on one database agrees.",
        env=True,
    )
    ADMIN_TOKEN: str = _setting(
        "",
        "Secret token for the moderation web page and API. Empty disables the admin page.",
        env=True,
    )
    THREADS_MANIFEST: str = _setting(
        "",
        "Path of the manifest of articles (and whether each accepts comments) that the build "
        "writes and the endpoint reads. Default: OUTPUT_PATH/engagement/threads.json.",
        env=True,
    )
    MAX_BODY_BYTES: int = _setting(64 * 1024, "Largest request body the endpoint reads.")
    TRUSTED_PROXIES: int = _setting(
        0,
        "Reverse proxies in front of the endpoint whose X-Forwarded-For/-Proto/-Host headers to "
        "trust (rate limits key on the client address): the client is the X-Forwarded-For element "
        "this many places from the right, the one the nearest proxy appended with 1, never what "
        "the client sent itself. 0: use the connecting address.",
        env=True,
    )

    # --- comments --------------------------------------------------------------------------------
    COMMENTS: bool = _setting(True, "Accept and show reader comments.")
    COMMENTS_CLOSE_AFTER_DAYS: int = _setting(
        0, "Close comments this many days after an article's date (0: never)."
    )
    COMMENT_MAX_LENGTH: int = _setting(10_000, "Longest comment text, in characters.")
    COMMENT_MAX_DEPTH: int = _setting(5, "Deepest reply nesting; deeper replies attach to depth N.")
    COMMENTS_PER_PAGE: int = _setting(
        100, "Top-level comments shown per page of a long thread; the rest are paginated."
    )
    COMMENT_COLLAPSE_REPLIES: int = _setting(
        10, "A top-level comment with more replies than this (replies to replies included) shows "
        "them folded behind “Show N replies”; a permalink into them unfolds them. 0: never fold."
    )
    COMMENT_FEED_ITEMS: int = _setting(
        50, "Newest comments listed in the site-wide comments feed and in each article's feed."
    )
    COMMENT_JSONLD_ITEMS: int = _setting(
        1, "Comments listed as schema.org Comment items in an article's JSON-LD (the first ones on "
        "the page; commentCount always counts all). Each item repeats the comment's text on every "
        "page load, and Google's Article structured data reads no comment, so one item shows the "
        "structure and commentCount the size. 0: none."
    )
    AUTO_APPROVE_RETURNING: bool = _setting(
        False, "Approve a comment at once when the same e-mail already has an approved comment."
    )
    RATE_LIMIT: int = _setting(5, "Comments one client may post per RATE_LIMIT_WINDOW seconds.")
    RATE_LIMIT_WINDOW: int = _setting(60, "Window of RATE_LIMIT, in seconds.")
    THREAD_RATE_LIMIT: int = _setting(
        30, "Comments one thread accepts per hour from all clients together."
    )
    # --- spam rules (checked in this order; the strongest verdict wins: spam > hold) -----------
    MAX_LINKS: int = _setting(
        2,
        "Hold a comment for moderation when it has more links than this (its text and its website "
        "together), as WordPress's comment_max_links. A negative number turns the rule off.",
    )
    LINK_FARM_WORDS: int = _setting(
        2,
        "A comment over MAX_LINKS with fewer words of its own than this per link (the text apart "
        "from the addresses: “Great post: url url url url”) is a link farm: spam, not held. 0: off.",
    )
    LINKS_AND_MODERATION_SPAM: bool = _setting(
        True,
        "A comment over MAX_LINKS that also matches MODERATION_KEYS is spam, not held (two "
        "signals together, as a combined spam score would weigh them).",
    )
    MODERATION_KEYS: list[str] = _setting(
        [],
        "Words, names, e-mail addresses or domains that hold a comment for moderation (even from a "
        "returning commenter) when found in its name, e-mail, website or text; one per item, case "
        "does not matter, whole words only.",
    )
    DISALLOWED_KEYS: list[str] = _setting(
        [],
        "Words, author names, e-mail addresses, client hashes (as the moderation page shows them) "
        "and link domains that mark a comment or linkback as spam (kept in the spam tab, never "
        "published, recoverable). Domains also match their subdomains.",
    )
    FORM_TOKEN: str = _setting(
        "check",
        "The signed, timestamped form token (see “Spam rules” in the README). check: a forged or "
        "too-fast or replayed token marks the comment spam, an expired one is refused, a missing one "
        "is let through to the other rules; require: besides, a form post without a token gets a "
        "“check and send” page and a JSON post without one is refused (recommended once robots "
        "find the form); off: tokens are ignored.",
        choices=("off", "check", "require"),
    )
    FORM_TOKEN_MIN_SECONDS: int = _setting(
        3, "A comment sent sooner than this after its form token was issued is marked spam."
    )
    FORM_TOKEN_MAX_AGE: int = _setting(
        86400, "Seconds a form token stays valid; an older one is refused with the comment echoed."
    )
    AKISMET_KEY: str = _setting(
        "",
        "Akismet API key. Empty (the default) leaves Akismet off. When set, every comment and "
        "linkback is sent to Akismet (a third party) with the reader's name, e-mail, website, text, "
        "IP address and user agent, and moderators' spam/not-spam decisions are reported back. Say "
        "so in your privacy policy.",
        env=True,
    )
    AKISMET_URL: str = _setting(
        "https://rest.akismet.com",
        "Base URL of the Akismet REST API (change only for a compatible service or a test stand-in).",
    )
    AKISMET_TIMEOUT: float = _setting(
        4.0, "Seconds before an Akismet call gives up; the entry is then held for a person."
    )
    NOTIFY_BATCH_MINUTES: int = _setting(
        15,
        "At most one e-mail to NOTIFY_EMAIL per this many minutes, with the count of new entries "
        "and the first few (spam counted, not listed). 0: one e-mail per entry.",
    )
    REBUILD_ON_APPROVE: bool = _setting(
        True, "Re-render the affected pages at once when an entry is approved or removed."
    )

    # --- e-mail ----------------------------------------------------------------------------------
    SMTP_HOST: str = _setting("", "SMTP server for notifications; empty disables e-mail.", env=True)
    SMTP_PORT: int = _setting(25, "SMTP port.")
    SMTP_USERNAME: str = _setting("", "SMTP user name (optional).", env=True)
    SMTP_PASSWORD: str = _setting("", "SMTP password (optional).", env=True)
    SMTP_STARTTLS: bool = _setting(False, "Use STARTTLS.", env=True)
    MAIL_FROM: str = _setting("", "From address of notification e-mails.")
    NOTIFY_EMAIL: str = _setting("", "Editor address told about every new comment or mention.")
    REPLY_NOTIFICATIONS: bool = _setting(
        True, "Offer readers e-mail notice of replies (double opt-in)."
    )

    # --- linkbacks -------------------------------------------------------------------------------
    TRACKBACKS: bool = _setting(True, "Accept TrackBack pings.")
    PINGBACKS: bool = _setting(True, "Accept Pingback XML-RPC calls.")
    WEBMENTIONS: bool = _setting(True, "Accept Webmentions.")
    WEBMENTION_AUTO_APPROVE: bool = _setting(
        False, "Approve webmentions whose source verified, without moderation."
    )
    HEADERS_FILE: str = _setting(
        "",
        "When set (e.g. \"_headers\" for Netlify or Cloudflare Pages), the build writes this file in "
        "OUTPUT_PATH with each open article's Link rel=webmention and X-Pingback headers.",
    )
    NGINX_HEADERS_MAP: str = _setting(
        "",
        "When set (e.g. \"engagement/headers.nginx\"), the build writes the same headers as nginx "
        "map blocks to this path in OUTPUT_PATH; deploy/nginx/site.conf includes it (reload nginx "
        "after a build that adds articles).",
        env=True,
    )
    LINKBACK_RATE_LIMIT: int = _setting(
        20, "Trackbacks, pingbacks and webmentions one client may send per LINKBACK_RATE_WINDOW."
    )
    LINKBACK_SOURCE_RATE_LIMIT: int = _setting(
        10, "Linkbacks whose source is on one host, per LINKBACK_RATE_WINDOW, from all clients."
    )
    LINKBACK_RATE_WINDOW: int = _setting(3600, "Window of the two linkback limits, in seconds.")
    LINKBACK_VERIFY_ATTEMPTS: int = _setting(
        3, "Tries to verify a source that fails for a passing reason (timeout, 5xx) before giving up."
    )
    PINGBACK_FAULT_DETAIL: bool = _setting(
        False,
        "Answer pingbacks whose source failed with the spec's fault codes 16, 17 and 50. Off (as in "
        "WordPress since CVE-2013-0235) they get the generic fault 0, so the endpoint cannot be "
        "used to probe other hosts.",
    )
    AVATARS_PATH: str = _setting(
        "avatars",
        "Folder (relative to the content folder) where mention authors' photos are stored after "
        "download; the build copies them to OUTPUT_PATH/engagement/avatars/. Never hot-linked.",
    )
    ALLOWED_PRIVATE_HOSTS: list[str] = _setting(
        [],
        "Hosts the guarded fetch may reach although they resolve to private or loopback "
        "addresses. For local development and tests only; empty in production.",
        env=True,
    )
    FETCH_TIMEOUT: float = _setting(5.0, "Seconds before an outbound fetch gives up.")
    FETCH_MAX_BYTES: int = _setting(1024 * 1024, "Largest response body an outbound fetch reads.")
    FETCH_MAX_REDIRECTS: int = _setting(5, "Redirects an outbound fetch follows.")

    # --- embeds and cases ------------------------------------------------------------------------
    EMBEDS: bool = _setting(True, "Turn social links on a line of their own into static cards.")
    EMBEDS_SNAPSHOT: str = _setting(
        "embeds.json",
        "JSON snapshot of fetched embeds, relative to the content folder; commit it.",
    )
    EMBEDS_FETCH: bool = _setting(
        True, "Fetch embeds missing from the snapshot at build time (off: offline builds)."
    )
    EMBEDS_INTERACTIVE: bool = _setting(
        False, "Offer the platform's own embed after a click (loads third-party code then)."
    )
    EMBEDS_META_TOKEN: str = _setting(
        "", "Meta app token for Facebook/Instagram/Threads oEmbed; empty: link cards.", env=True
    )
    EMBEDS_PROVIDERS: dict[str, str] = _setting(
        {},
        "Extra oEmbed providers, checked before the built-in table: URL pattern (shell-style, "
        "'*' matches anything) → oEmbed endpoint URL.",
    )
    EMBEDS_MEDIA_PATH: str = _setting(
        "embeds-media",
        "Folder (relative to the content folder) of the images embed cards show, downloaded with "
        "the snapshot; commit it with the snapshot. Copied to OUTPUT_PATH/engagement/media.",
    )
    EMBEDS_MEDIA_MAX_BYTES: int = _setting(5 * 1024 * 1024, "Largest image an embed card downloads.")
    GALLERY: bool = _setting(
        True, "Write the case gallery pages (all cases, per brand, platform and verdict)."
    )
    GALLERY_PATH: str = _setting("cases", "Folder (and URL prefix) of the case gallery pages.")
    GALLERY_PER_PAGE: int = _setting(
        50, "Cases per gallery page; longer listings continue on page/2/, page/3/, … (like the index)."
    )
    RESPONSE_GOAL: str = _setting(
        "2 hours",
        "The site's response-time goal ('2 hours', '45 min', 'PT2H'). A case's response-time badge "
        "and the gallery's chart grade each reply against it: within the goal (green), within "
        "RESPONSE_GOAL_SLACK times the goal (amber), or beyond that (red).",
    )
    RESPONSE_GOAL_SLACK: int = _setting(
        3, "How many times the goal a reply may take before it counts as beyond the goal (>= 1)."
    )

    # --- syndication (POSSE) and backfeed ---------------------------------------------------------
    MASTODON_INSTANCE: str = _setting(
        "",
        "Base URL of the Mastodon instance of the site's account (https://mastodon.example); "
        "empty: articles are not posted to Mastodon.",
        env=True,
    )
    MASTODON_TOKEN: str = _setting(
        "",
        "Access token of the site's Mastodon account (scope write:statuses; add read:statuses to "
        "read long threads in full, read:blocks and read:mutes to have the backfeed skip people the "
        "account blocks or mutes). Only from the environment: a settings file that sets it is "
        "refused.",
        env=True,
    )
    BLUESKY_HANDLE: str = _setting(
        "",
        "Handle (or DID) of the site's Bluesky account; empty: articles are not posted to Bluesky.",
        env=True,
    )
    BLUESKY_APP_PASSWORD: str = _setting(
        "",
        "An app password of that account (Settings → Privacy and security → App passwords). "
        "Only from the environment: a settings file that sets it is refused.",
        env=True,
    )
    BLUESKY_PDS: str = _setting(
        "https://bsky.social",
        "The account's PDS (where posts are written; bsky.social for accounts hosted by Bluesky).",
        env=True,
    )
    BLUESKY_APPVIEW: str = _setting(
        "https://public.api.bsky.app",
        "The public AppView the backfeed reads threads, likes and reposts from (no credentials).",
        env=True,
    )
    SYNDICATION_TEMPLATE: str = _setting(
        "{title}\n\n{summary}\n\n{url}\n\n{hashtags}",
        "Text of a syndicated post: {title}, {summary}, {url}, {hashtags} (the article's tags as "
        "#hashtags). The summary is shortened to fit (Mastodon 500 characters, Bluesky 300).",
    )
    SYNDICATE_MAX_AGE_DAYS: int = _setting(
        7,
        "`engagement syndicate` posts only articles dated within this many days (an old article "
        "is not news); name older ones with --thread. 0: any age.",
    )
    BACKFEED_AUTO_APPROVE: bool = _setting(
        False,
        "Publish replies, likes and reposts read back from Mastodon and Bluesky without moderation.",
    )
    BACKFEED_INTERVAL: int = _setting(
        3600,
        "Seconds between backfeed runs of the endpoint's worker (0: only `engagement backfeed`).",
    )
    BACKFEED_DAYS: int = _setting(
        60,
        "Posts syndicated more than this many days ago are no longer read back (conversations end, "
        "and every post costs API calls per run); `engagement backfeed --all` reads them all. "
        "0: always read every post.",
    )

    # --- publishing ------------------------------------------------------------------------------
    MINIFY_ASSETS: bool = _setting(
        True, "Publish CSS and JavaScript minified (rcssmin; tdewolff/minify for JS): the plugin's "
        "static files and the theme's static .css/.js; the sources stay as written. False: publish "
        "them as written, comments and all, to debug styles or scripts in the browser."
    )
    MINIFY_HTML: bool = _setting(
        False, "True: publish HTML pages minified (minify-html, as `hugo --minify`): whitespace "
        "collapsed, attribute quotes dropped where HTML allows it; comments (the fast update's "
        "markers, the TrackBack RDF), closing tags and `<pre>`, `<textarea>` and script contents "
        "kept; every page the build writes and every page the fast update rewrites. Off by default: "
        "it saves about 4 % of an article's bytes but only about 1 % once gzip-compressed, and costs "
        "a build about 3 CPU-ms a page; `engagement check` then reports HTML problems on line 1."
    )
    DEPLOY_TARGET: str = _setting(
        "",
        "Where `engagement deploy` (and `make publish`) copies the output: an rsync destination "
        "(user@host:/var/www/site/ over SSH, or a local folder) or an S3-compatible bucket "
        "(s3://bucket/prefix, through boto3: pip install 'pelican-engagement[s3]'). Empty: "
        "deploying is not configured.",
        env=True,
    )
    DEPLOY_DELETE: bool = _setting(
        True, "Remove files from the target that the build no longer produces."
    )
    DEPLOY_S3_ENDPOINT_URL: str = _setting(
        "",
        "Endpoint of an S3-compatible store (MinIO, Cloudflare R2, DigitalOcean Spaces…) for an "
        "s3:// DEPLOY_TARGET; empty for Amazon S3 itself.",
        env=True,
    )
    DEPLOY_ON_APPROVE: bool = _setting(
        False,
        "After a moderation action changed pages, push exactly the changed files to DEPLOY_TARGET "
        "(after the answer, retried with back-off until the target takes them; "
        "`engagement deploy --pending` lists what waits).",
    )
    DEPLOY_PURGE_COMMAND: str = _setting(
        "",
        "A command run after each push of changed files, with their absolute URLs on standard "
        "input one per line (a CDN's purge tool, or curl to its API). Empty: no purge.",
    )
    PAGE_UPDATES: str = _setting(
        "inline",
        "Who updates the pages after a moderation action: inline (the process that took the "
        "action; one endpoint instance) or worker (the action records a job and one `engagement "
        "worker`, holding a lease in the store, updates and deploys; several instances).",
        choices=("inline", "worker"),
    )
