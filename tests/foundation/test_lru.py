"""The bounded mapping behind the answer and TED prediction caches."""

from __future__ import annotations

from foundation.lru import LeastRecentlyUsed


def test_past_its_size_the_value_used_longest_ago_goes_first():
    kept = LeastRecentlyUsed(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # now "b" is the oldest
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)


def test_putting_a_kept_key_again_replaces_it_and_makes_it_the_newest():
    kept = LeastRecentlyUsed(2)
    kept.put("a", 1)
    kept.put("b", 2)
    kept.put("a", 10)
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b")) == (10, None)


def test_cleared_it_keeps_nothing():
    kept = LeastRecentlyUsed(2)
    kept.put("a", 1)
    kept.clear()
    assert kept.get("a") is None
