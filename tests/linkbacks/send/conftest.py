"""The sender's tests reuse the linkback tests' second site ("the peer")."""

from tests.linkbacks.conftest import peer  # noqa: F401  (a fixture)
