"""Reply-notice subscriptions in the store (SQLite and PostgreSQL): double opt-in and erasure."""

from __future__ import annotations

from pelican.plugins.engagement.moderation import subscriptions
from pelican.plugins.engagement.store import NewEntry, Store

THREAD = "2024/01/a/"


def _comment(store: Store, email: str = "ann@example.org") -> int:
    return store.add(NewEntry(thread=THREAD, author_name="Ann", author_email=email, body_source="x",
                              body_html="<p>x</p>", notify=True)).id


def test_new_address_starts_unconfirmed(store: Store) -> None:
    subscription = subscriptions.subscribe(store, "ann@example.org", THREAD, _comment(store))
    assert not subscription.confirmed
    assert subscriptions.replies_wanted(store, subscription.entry_id) == []


def test_confirming_turns_on_every_pending_subscription_of_the_address(store: Store) -> None:
    first = subscriptions.subscribe(store, "ann@example.org", THREAD, _comment(store))
    second = subscriptions.subscribe(store, "Ann@Example.org", THREAD, _comment(store))
    assert subscriptions.confirm(store, first.token).confirmed
    assert [s.id for s in subscriptions.replies_wanted(store, second.entry_id)] == [second.id]


def test_confirmed_address_needs_no_new_confirmation(store: Store) -> None:
    first = subscriptions.subscribe(store, "ann@example.org", THREAD, _comment(store))
    subscriptions.confirm(store, first.token)
    assert subscriptions.subscribe(store, "ann@example.org", THREAD, _comment(store)).confirmed


def test_unsubscribe_removes_every_subscription_of_the_address(store: Store) -> None:
    first = subscriptions.subscribe(store, "ann@example.org", THREAD, _comment(store))
    subscriptions.subscribe(store, "ann@example.org", THREAD, _comment(store))
    other = subscriptions.subscribe(store, "bob@example.org", THREAD, _comment(store, "bob@example.org"))
    assert subscriptions.unsubscribe(store, first.token) == "ann@example.org"
    assert subscriptions.find(store, first.token) is None
    assert subscriptions.find(store, other.token) is not None
    assert subscriptions.unsubscribe(store, first.token) is None


def test_unknown_token_confirms_nothing(store: Store) -> None:
    assert subscriptions.confirm(store, "no-such-token") is None


def test_forget_drops_the_address(store: Store) -> None:
    subscriptions.subscribe(store, "ann@example.org", THREAD, _comment(store))
    assert subscriptions.forget(store, "ANN@example.org") == 1
