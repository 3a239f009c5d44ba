"""Reading the ``ENGAGEMENT_*`` values of a Pelican settings dictionary (and the environment) into
a checked :class:`~pelican.plugins.engagement.settings.schema.EngagementSettings`.

Each value is coerced to its declared type, then checked against the others; a wrong one stops
with a :class:`SettingsError` that names the setting and says what to write instead.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from typing import Any

from pelican.plugins.engagement.settings.schema import PREFIX, EngagementSettings, SettingsError

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
                 "LINKBACK_SOURCE_RATE_LIMIT", "LINK_FARM_WORDS"):
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
