"""The case cards, gallery and home page at 375 and 1280 px, light and dark, for review (issue 13).

Builds the repository's own site (``content/``: the seed articles, whose cases are summaries) and
the invented example site of ``make screenshots`` (``docs/screenshots/example/``: full cases with
quotes and times), serves both on 127.0.0.1 and photographs, with that script's own capture code:

- ``home``: the real home page (the latest-cases strip, case counts in the summaries);
- ``seed-article``: the seed article with four summary cards;
- ``full-cases``: the example article with three full cases;
- ``gallery``: the example gallery (the response-time chart, the filters, the balanced grid);
- ``brand``: the example brand page.

Usage: ``.venv/bin/python docs/screenshots/review_cards.py [--out DIR]`` (default
``docs/screenshots/review/``). Never edit the pictures by hand; run this again.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_screenshots as shots  # noqa: E402  (the sibling script: its servers and capture)

#: (name, which site, path, max height in CSS pixels)
PAGES = (
    ("home", "real", "", 1800),
    ("seed-article", "real", "2016/02/beauties-and-beasts-of-social-customer-service/", 4200),
    ("full-cases", "example", "2026/03/glimmerbrew-week/", 3000),
    ("gallery", "example", "cases/", 3200),
    ("brand", "example", "cases/brand/glimmerbrew-coffee-co/", 1600),
)


def build_site(root: Path, content: Path, site_url: str, endpoint_url: str) -> Path:
    """One site built with ``make screenshots``' settings, from ``content``."""
    shutil.copytree(content, root / "content")
    settings = shots.write_settings(root, site_url, endpoint_url)
    return shots.build(settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "review")
    parser.add_argument("--png", action="store_true", help="PNG instead of WebP (to look at elsewhere)")
    parser.add_argument("--only", nargs="*", help="only these pages (names as in PAGES)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise here

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="review-cards-")))
        apps = {"real": shots.Later(), "example": shots.Later()}
        urls = {name: stack.enter_context(shots.serve(app))[0] for name, app in apps.items()}
        endpoint_url = "http://127.0.0.1:9"  # nothing answers: these pages must not need it
        apps["real"].app = shots.static_app(build_site(work / "real", shots.REPO / "content", urls["real"],
                                                       endpoint_url))
        apps["example"].app = shots.static_app(build_site(work / "example", shots.EXAMPLE, urls["example"],
                                                          endpoint_url))
        args.out.mkdir(parents=True, exist_ok=True)
        written = []
        with sync_playwright() as playwright:
            # As make_screenshots: every host but 127.0.0.1 resolves to nothing, and a stray
            # request is reported.
            browser = playwright.chromium.launch(executable_path=shots.CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
            try:
                for scheme in shots.SCHEMES:
                    for width in shots.WIDTHS:
                        context = browser.new_context(viewport={"width": width, "height": 900},
                                                      color_scheme=scheme, device_scale_factor=1)
                        context.on("request", shots._report_off_loopback)
                        page = context.new_page()
                        for name, site, path, height in PAGES:
                            if args.only and name not in args.only:
                                continue
                            page.goto(f"{urls[site]}/{path}", wait_until="load")
                            out = args.out / f"{name}-{width}-{scheme}.{'png' if args.png else 'webp'}"
                            shots.capture(page, out, "", height)
                            written.append(out)
                        context.close()
            finally:
                browser.close()
    total = sum(path.stat().st_size for path in written)
    print(f"{len(written)} pictures, {total / 1e6:.2f} MB -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
