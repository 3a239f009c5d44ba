"""``make bench`` (``python -m bench``): generate, measure, print the table, update the docs."""

from __future__ import annotations

import sys

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
