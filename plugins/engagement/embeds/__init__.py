"""Social examples in Markdown: case blocks and social-post embeds, rendered as static cards.

The modules, in the order a build uses them:

- :mod:`~engagement.embeds.markdown_ext` — finds ```` ```case ```` blocks and post URLs alone on a
  line while Pelican reads Markdown (file and line known, so errors name both);
- :mod:`~engagement.embeds.cases` — parses and validates a case block;
- :mod:`~engagement.embeds.providers`, :mod:`~engagement.embeds.oembed` — which URLs are posts and
  how to fetch them (through the guarded :mod:`engagement.net`);
- :mod:`~engagement.embeds.snapshot`, :mod:`~engagement.embeds.library` — the committed snapshot
  and the build's lookup (snapshot first, fetch if allowed, link card and a warning otherwise);
- :mod:`~engagement.embeds.cards` — a snapshot entry to card fields (text extracted, sanitized);
- :mod:`~engagement.embeds.render` — cards into pages with the theme's templates.
"""
