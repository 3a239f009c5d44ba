"""Pelican engagement plugin: social case cards, galleries, comments and linkbacks.

Enable it the Pelican 4.5+ way (``PLUGINS = ["engagement"]``, or by installing the package, which
declares a ``pelican.plugins`` entry point). ``register()`` only wires signals; the work lives in
the modules named after what they do.
"""

from __future__ import annotations

__version__ = "0.1.0"


def register() -> None:
    """Connect the plugin's handlers to Pelican's signals."""
    from pelican import signals

    from engagement import build, threads

    signals.initialized.connect(build.configure)
    signals.generator_init.connect(build.add_template_fallback)
    signals.article_generator_finalized.connect(threads.collect)
    signals.finalized.connect(threads.write_manifest)

    from engagement.linkbacks import avatars as linkback_avatars
    from engagement.linkbacks import pages as linkback_pages

    signals.article_generator_finalized.connect(linkback_pages.attach)
    signals.finalized.connect(linkback_avatars.copy_to_output)
    signals.finalized.connect(linkback_pages.write_headers_file)

    from engagement import galleries
    from engagement.embeds import markdown_ext as case_markdown
    from engagement.embeds import render as case_render

    signals.readers_init.connect(case_markdown.use_reader)
    signals.article_generator_finalized.connect(case_render.render_generator)
    signals.page_generator_finalized.connect(case_render.render_generator)
    signals.get_generators.connect(galleries.get_generators)

    from engagement import assets
    from engagement import pages as comment_pages

    signals.article_generator_finalized.connect(comment_pages.attach)
    signals.content_written.connect(comment_pages.page_written)
    signals.finalized.connect(comment_pages.finish)
    signals.finalized.connect(assets.copy_to_output)
