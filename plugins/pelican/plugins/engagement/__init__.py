"""Pelican engagement plugin: social case cards, galleries, comments and linkbacks.

A Pelican namespace plugin: installing the distribution puts it at ``pelican.plugins.engagement``,
where Pelican finds it with no ``PLUGINS`` setting (and ``PLUGINS = ["engagement"]`` names it when a
site lists its plugins). ``register()`` only wires signals; the work lives in the packages named
after the flows they serve.
"""

from __future__ import annotations

__version__ = "0.1.0"


def register() -> None:
    """Connect the plugin's handlers to Pelican's signals."""
    from pelican import signals
    from pelican.plugins.engagement import build
    from pelican.plugins.engagement.comments import threads

    signals.initialized.connect(build.configure)
    signals.generator_init.connect(build.add_template_fallback)
    signals.article_generator_finalized.connect(threads.collect)
    signals.finalized.connect(threads.write_manifest)

    from pelican.plugins.engagement.linkbacks import avatars as linkback_avatars
    from pelican.plugins.engagement.linkbacks import pages as linkback_pages

    signals.article_generator_finalized.connect(linkback_pages.attach)
    signals.finalized.connect(linkback_avatars.copy_to_output)
    signals.finalized.connect(linkback_pages.write_headers_file)
    signals.finalized.connect(linkback_pages.write_nginx_map)

    from pelican.plugins.engagement.cases import galleries
    from pelican.plugins.engagement.cases import markdown_ext as case_markdown
    from pelican.plugins.engagement.cases import render as case_render

    signals.readers_init.connect(case_markdown.use_reader)
    signals.article_generator_finalized.connect(case_render.render_generator)
    signals.page_generator_finalized.connect(case_render.render_generator)
    signals.get_generators.connect(galleries.get_generators)

    from pelican.plugins.engagement.events import render as event_render

    signals.article_generator_finalized.connect(event_render.render_generator)
    signals.page_generator_finalized.connect(event_render.render_generator)
    signals.finalized.connect(event_render.write_calendars)

    from pelican.plugins.engagement import assets
    from pelican.plugins.engagement.comments import attach as comment_pages

    signals.article_generator_finalized.connect(comment_pages.attach)
    signals.content_written.connect(comment_pages.page_written)
    signals.finalized.connect(comment_pages.finish)
    signals.finalized.connect(assets.copy_to_output)

    # After comment_pages.page_written (which only notes the path): the page on disk is minified
    # before finalized derives comment pages from it.
    from pelican.plugins.engagement import minify

    signals.content_written.connect(minify.page_written)

    # Which source file each page came from, so `engagement check` names the Markdown line to fix.
    from pelican.plugins.engagement import sources

    signals.article_generator_finalized.connect(sources.collect)
    signals.page_generator_finalized.connect(sources.collect)
    signals.finalized.connect(sources.write)

    # Last of the finalized handlers: the build's manifest covers every file the others wrote.
    from pelican.plugins.engagement.deploy import manifest

    signals.finalized.connect(manifest.record_build)
