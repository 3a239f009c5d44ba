"""Every ``ENGAGEMENT_*`` setting in one place: its type, default, validation and documentation.

The plugin, the endpoint and the CLI all read a site's ``pelicanconf.py``/``publishconf.py``, so a
site has one configuration. Settings are read once into a frozen :class:`EngagementSettings`; no
module reads the raw Pelican dictionary on its own. ``engagement settings`` prints this table, and
the README's configuration reference is generated from the same descriptions.

A few values may come from the environment (the variable has the setting's name and wins over the
file), because secrets and database URLs differ per deployment and should not be committed.

The schema (every setting, its type, default and description) is :mod:`.schema`; reading and
checking a site's values, :mod:`.validate`; a site as the CLI and the endpoint see it, :mod:`.site`.
"""

from pelican.plugins.engagement.settings.schema import (
    PREFIX,
    EngagementSettings,
    SettingsError,
)
from pelican.plugins.engagement.settings.site import (
    SiteConfig,
    database_url,
    documentation,
    load_site,
    threads_manifest_path,
)
from pelican.plugins.engagement.settings.validate import (
    from_pelican,
)

__all__ = [
    "PREFIX",
    "EngagementSettings",
    "SettingsError",
    "SiteConfig",
    "database_url",
    "documentation",
    "from_pelican",
    "load_site",
    "threads_manifest_path",
]
