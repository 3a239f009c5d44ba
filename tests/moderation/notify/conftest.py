"""Fixtures: the built test site and the endpoint served on loopback."""

from tests.support.endpoint import built_site, endpoint, start_endpoint

__all__ = ["built_site", "endpoint", "start_endpoint"]
