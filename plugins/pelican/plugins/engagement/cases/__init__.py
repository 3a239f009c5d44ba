"""Social examples in Markdown: case blocks and social-post embeds, rendered as static cards.

The modules, in the order a build uses them:

- :mod:`~pelican.plugins.engagement.cases.markdown_ext` — finds ```` ```case ```` blocks and post URLs alone
  on a line while Pelican reads Markdown (file and line known, so errors name both);
- :mod:`~pelican.plugins.engagement.cases.blocks` — parses and validates a case block;
- :mod:`~pelican.plugins.engagement.cases.providers`, :mod:`~pelican.plugins.engagement.cases.oembed` — which
  URLs are posts and how to fetch them (through the guarded :mod:`pelican.plugins.engagement.net`);
- :mod:`~pelican.plugins.engagement.cases.snapshot`, :mod:`~pelican.plugins.engagement.cases.library` — the
  committed snapshot and the build's lookup (snapshot first, fetch if allowed, link card and a warning
  otherwise);
- :mod:`~pelican.plugins.engagement.cases.cards` — a snapshot entry to card fields (text extracted,
  sanitized);
- :mod:`~pelican.plugins.engagement.cases.render` — cards into pages with the theme's templates.
"""
