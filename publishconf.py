"""Production settings: `make publish` and the CI build use these on top of pelicanconf.py."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://cxperience.example.org")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
# Its own folder: the strict build (`make ci-build`, `make publish`) never wipes the development
# site in output/ that `make run` may be serving, even when it fails half way. A server that builds
# in place and runs the endpoint names its folder (deploy/: OUTPUT_PATH=/srv/blog/output), so the
# endpoint, which reads this file too, finds the pages it updates.
OUTPUT_PATH = os.environ.get("OUTPUT_PATH", "output-ci")
DELETE_OUTPUT_DIRECTORY = True

ENGAGEMENT_ENDPOINT_URL = os.environ.get(
    "ENGAGEMENT_ENDPOINT_URL", "https://engage.cxperience.example.org"
)
# Production never fetches private or loopback addresses.
ENGAGEMENT_ALLOWED_PRIVATE_HOSTS = []
# The production/CI build renders embeds only from the committed snapshot (content/embeds.json):
# a post missing from it fails the strict build instead of being fetched from CI's network.
# Refresh the snapshot on a workstation with `engagement embeds refresh`.
ENGAGEMENT_EMBEDS_FETCH = False
