"""Every ``ENGAGEMENT_*`` setting in one place: its type, default, validation and documentation.

The plugin, the endpoint and the CLI all read a site's ``pelicanconf.py``/``publishconf.py``, so a
site has one configuration. Settings are read once into a frozen :class:`EngagementSettings`; no
module reads the raw Pelican dictionary on its own. ``engagement settings`` prints this table, and
the README's configuration reference is generated from the same descriptions.

A few values may come from the environment (the variable has the setting's name and wins over the
file), because secrets and database URLs differ per deployment and should not be committed.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
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
        10, "Comments listed as schema.org Comment items in an article's JSON-LD (the first ones on "
        "the page; commentCount always counts all). Each item repeats the comment's text, so a "
        "cap keeps long threads' pages light. 0: none."
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
        "Access token of the site's Mastodon account (scope write:statuses; add read:blocks and "
        "read:mutes to have the backfeed skip people the account blocks or mutes). Only from the "
        "environment: a settings file that sets it is refused.",
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


_FIELDS = {f.name: f for f in dataclasses.fields(EngagementSettings)}
#: Secrets that only the environment may provide (a settings file is committed).
ENV_ONLY = ("MASTODON_TOKEN", "BLUESKY_APP_PASSWORD")


def _type_of(name: str) -> Any:
    return typing.get_type_hints(EngagementSettings)[name]


def _coerce(name: str, value: Any, *, from_env: bool) -> Any:
    """Check (and, for environment strings, convert) one value against its declared type."""
    expected = _type_of(name)
    origin = typing.get_origin(expected)
    full = PREFIX + name
    if from_env:
        if expected is bool:
            lowered = value.strip().lower()
            if lowered not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise SettingsError(f"{full}={value!r} in the environment: use true or false")
            return lowered in {"1", "true", "yes", "on"}
        if expected is int or expected is float:
            try:
                return expected(value)
            except ValueError:
                raise SettingsError(f"{full}={value!r} in the environment: expected a number") from None
        if origin is list:
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
    if origin is list:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{full} must be a list of strings, got {value!r}")
        return list(value)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise SettingsError(f"{full} must be a whole number, got {value!r}")
    if isinstance(expected, type) and not isinstance(value, expected):
        raise SettingsError(f"{full} must be of type {expected.__name__}, got {value!r}")
    return value


def from_pelican(
    pelican_settings: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> EngagementSettings:
    """Read and validate the ``ENGAGEMENT_*`` values of a Pelican settings mapping.

    Unknown ``ENGAGEMENT_*`` names are an error, not silently ignored: a typo in a setting should
    stop the build rather than leave a feature quietly misconfigured.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for key, value in pelican_settings.items():
        if not key.startswith(PREFIX):
            continue
        name = key[len(PREFIX):]
        if name not in _FIELDS:
            close = [n for n in _FIELDS if n.startswith(name[:4])]
            hint = f" (did you mean {', '.join(PREFIX + n for n in close)}?)" if close else ""
            raise SettingsError(f"unknown setting {key}{hint}")
        values[name] = _coerce(name, value, from_env=False)
    for name, spec in _FIELDS.items():
        if spec.metadata["env"] and (PREFIX + name) in environ:
            values[name] = _coerce(name, environ[PREFIX + name], from_env=True)
    for name in ENV_ONLY:
        if name in values and (PREFIX + name) not in environ and values[name]:
            raise SettingsError(f"{PREFIX}{name} is a secret: set it in the environment, not in the "
                                "settings file (which is committed)")
    for name, value in values.items():
        choices = _FIELDS[name].metadata["choices"]
        if choices and value not in choices:
            raise SettingsError(f"{PREFIX}{name} must be one of {', '.join(choices)}; got {value!r}")
    settings = EngagementSettings(**values)
    _check_ranges(settings)
    return settings


def _check_ranges(settings: EngagementSettings) -> None:
    positive = ("COMMENT_MAX_LENGTH", "COMMENT_MAX_DEPTH", "COMMENTS_PER_PAGE", "COMMENT_FEED_ITEMS",
                "RATE_LIMIT_WINDOW",
                "MAX_BODY_BYTES", "FETCH_MAX_BYTES", "LINKBACK_RATE_WINDOW",
                "LINKBACK_VERIFY_ATTEMPTS")
    for name in positive:
        if getattr(settings, name) <= 0:
            raise SettingsError(f"{PREFIX}{name} must be greater than 0")
    for name in ("SYNDICATE_MAX_AGE_DAYS", "BACKFEED_INTERVAL", "BACKFEED_DAYS"):
        if getattr(settings, name) < 0:
            raise SettingsError(f"{PREFIX}{name} must not be negative")
    _check_social(settings)
    for name in ("RATE_LIMIT", "THREAD_RATE_LIMIT", "COMMENTS_CLOSE_AFTER_DAYS", "COMMENT_JSONLD_ITEMS",
                 "COMMENT_COLLAPSE_REPLIES",
                 "FETCH_MAX_REDIRECTS", "TRUSTED_PROXIES", "LINKBACK_RATE_LIMIT",
                 "LINKBACK_SOURCE_RATE_LIMIT"):
        if getattr(settings, name) < 0:
            raise SettingsError(f"{PREFIX}{name} must not be negative")
    if settings.FORM_TOKEN_MIN_SECONDS < 0 or settings.FORM_TOKEN_MAX_AGE <= settings.FORM_TOKEN_MIN_SECONDS:
        raise SettingsError(
            f"{PREFIX}FORM_TOKEN_MAX_AGE must be greater than {PREFIX}FORM_TOKEN_MIN_SECONDS, "
            "which must not be negative"
        )
    if settings.NOTIFY_BATCH_MINUTES < 0:
        raise SettingsError(f"{PREFIX}NOTIFY_BATCH_MINUTES must not be negative")
    if settings.AKISMET_TIMEOUT <= 0 or not settings.AKISMET_URL.startswith(("http://", "https://")):
        raise SettingsError(
            f"{PREFIX}AKISMET_URL must be an http(s) URL and {PREFIX}AKISMET_TIMEOUT greater than 0"
        )
    if settings.FETCH_TIMEOUT <= 0:
        raise SettingsError(f"{PREFIX}FETCH_TIMEOUT must be greater than 0")
    url = settings.ENDPOINT_URL
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(f"{PREFIX}ENDPOINT_URL must start with http:// or https://, got {url!r}")
    _check_embeds(settings)
    _check_deploy(settings)


def _check_social(settings: EngagementSettings) -> None:
    for name in ("MASTODON_INSTANCE", "BLUESKY_PDS", "BLUESKY_APPVIEW"):
        value = getattr(settings, name)
        if value and not value.startswith(("http://", "https://")):
            raise SettingsError(f"{PREFIX}{name} must be an http(s) URL such as https://mastodon.social, "
                                f"got {value!r}")
    try:
        settings.SYNDICATION_TEMPLATE.format(title="", summary="", url="", hashtags="")
    except (KeyError, IndexError, ValueError) as error:
        raise SettingsError(f"{PREFIX}SYNDICATION_TEMPLATE: {error!r} is not one of {{title}}, "
                            "{summary}, {url}, {hashtags}") from None
    if "{url}" not in settings.SYNDICATION_TEMPLATE:
        raise SettingsError(f"{PREFIX}SYNDICATION_TEMPLATE must contain {{url}} (the link to the article)")


def _check_deploy(settings: EngagementSettings) -> None:
    target = settings.DEPLOY_TARGET
    if target != target.strip() or any(c.isspace() for c in target):
        raise SettingsError(f"{PREFIX}DEPLOY_TARGET must not contain spaces, got {target!r}")
    if target.startswith("s3://") and not target[len("s3://"):].strip("/"):
        raise SettingsError(f"{PREFIX}DEPLOY_TARGET names no bucket: use s3://bucket or s3://bucket/prefix")
    if "://" in target and not target.startswith(("s3://", "rsync://")):
        raise SettingsError(
            f"{PREFIX}DEPLOY_TARGET must be an rsync destination (host:/path, a folder, rsync://…) "
            f"or s3://bucket, got {target!r}"
        )
    endpoint = settings.DEPLOY_S3_ENDPOINT_URL
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise SettingsError(f"{PREFIX}DEPLOY_S3_ENDPOINT_URL must be an http(s) URL, got {endpoint!r}")


def _check_embeds(settings: EngagementSettings) -> None:
    providers = settings.EMBEDS_PROVIDERS
    if not isinstance(providers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in providers.items()
    ):
        raise SettingsError(f"{PREFIX}EMBEDS_PROVIDERS must map URL patterns to endpoint URLs (strings)")
    for pattern, endpoint in providers.items():
        if not endpoint.startswith(("http://", "https://")):
            raise SettingsError(
                f"{PREFIX}EMBEDS_PROVIDERS[{pattern!r}] must be an http(s) endpoint URL, got {endpoint!r}"
            )
    if settings.EMBEDS_MEDIA_MAX_BYTES <= 0:
        raise SettingsError(f"{PREFIX}EMBEDS_MEDIA_MAX_BYTES must be greater than 0")
    if settings.GALLERY_PER_PAGE <= 0:
        raise SettingsError(f"{PREFIX}GALLERY_PER_PAGE must be greater than 0")
    gallery = settings.GALLERY_PATH.strip("/")
    if not gallery or ".." in gallery.split("/") or gallery != settings.GALLERY_PATH.rstrip("/"):
        raise SettingsError(
            f"{PREFIX}GALLERY_PATH must be a relative folder such as 'cases', got {settings.GALLERY_PATH!r}"
        )
    for name in ("EMBEDS_SNAPSHOT", "EMBEDS_MEDIA_PATH"):
        if not getattr(settings, name).strip():
            raise SettingsError(f"{PREFIX}{name} must not be empty")
    _check_response_goal(settings)


def _check_response_goal(settings: EngagementSettings) -> None:
    from pelican.plugins.engagement.cases.durations import DurationError, parse_duration

    try:
        goal = parse_duration(settings.RESPONSE_GOAL)
    except DurationError as error:
        raise SettingsError(f"{PREFIX}RESPONSE_GOAL: {error}") from None
    if goal <= 0:
        raise SettingsError(f"{PREFIX}RESPONSE_GOAL must be longer than 0, got {settings.RESPONSE_GOAL!r}")
    if settings.RESPONSE_GOAL_SLACK < 1:
        raise SettingsError(
            f"{PREFIX}RESPONSE_GOAL_SLACK must be 1 or more, got {settings.RESPONSE_GOAL_SLACK}"
        )


def database_url(settings: EngagementSettings, base_dir: str | Path) -> str:
    """The store URL with a relative SQLite path made absolute against the settings' folder."""
    url = settings.DATABASE_URL
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        path = Path(url[len(prefix):])
        if not path.is_absolute():
            return prefix + str((Path(base_dir) / path).resolve())
    return url


def documentation() -> list[tuple[str, str, str, str]]:
    """(name, type, default, description) for every setting, for the CLI and the README."""
    rows = []
    for name, spec in _FIELDS.items():
        default = spec.default
        if default is dataclasses.MISSING:
            default = spec.default_factory()  # type: ignore[misc]
        type_name = _type_of(name)
        shown_type = type_name.__name__ if isinstance(type_name, type) else str(type_name)
        if isinstance(type_name, types.GenericAlias):
            shown_type = str(type_name)
        doc = spec.metadata["doc"]
        if spec.metadata["env"]:
            doc += " (Environment variable wins.)"
        rows.append((PREFIX + name, shown_type, repr(default), doc))
    return rows


@dataclass(frozen=True)
class SiteConfig:
    """One site's configuration as the CLI and the endpoint see it: Pelican's and ours."""

    settings_file: Path
    pelican: Mapping[str, Any]
    engagement: EngagementSettings

    @property
    def base_dir(self) -> Path:
        return self.settings_file.parent

    @property
    def site_url(self) -> str:
        return str(self.pelican.get("SITEURL", "")).rstrip("/")

    @property
    def output_path(self) -> Path:
        return self.base_dir / str(self.pelican.get("OUTPUT_PATH", "output"))

    @property
    def database_url(self) -> str:
        return database_url(self.engagement, self.base_dir)

    @property
    def threads_manifest(self) -> Path:
        return threads_manifest_path(self.engagement, self.output_path)


def threads_manifest_path(settings: EngagementSettings, output_path: str | Path) -> Path:
    """Where the build writes (and the endpoint reads) the list of articles that take comments."""
    if settings.THREADS_MANIFEST:
        return Path(settings.THREADS_MANIFEST)
    return Path(output_path) / "engagement" / "threads.json"


def load_site(settings_file: str | Path) -> SiteConfig:
    """Read a site's Pelican settings file the way ``pelican -s`` does, and validate ours."""
    from pelican.settings import read_settings

    path = Path(settings_file).resolve()
    if not path.is_file():
        raise SettingsError(f"settings file {settings_file} not found")
    # Pelican resolves relative paths in the settings against the current directory when the
    # file is read from there; read it from its own folder so commands work from anywhere.
    cwd = Path.cwd()
    os.chdir(path.parent)
    try:
        pelican_settings = read_settings(str(path))
    finally:
        os.chdir(cwd)
    return SiteConfig(path, pelican_settings, from_pelican(pelican_settings))
