"""paxvet.heap: the collector's tunings leave it in the state each promises."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from paxvet.heap import FULL_COLLECTION_EVERY, hold_long_lived, paused_gc


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)


def test_paused_gc_pauses_and_resumes() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_gc_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_paused_gc_resumes_after_an_error() -> None:
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_hold_long_lived_makes_full_collections_rare_but_keeps_the_young_ones(
    thresholds: tuple[int, int, int],
) -> None:
    gc.set_threshold(700, 10, 10)
    hold_long_lived()
    assert gc.get_threshold() == (700, 10, FULL_COLLECTION_EVERY)
    assert gc.isenabled()


def test_hold_long_lived_never_lowers_a_higher_setting(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(500, 20, FULL_COLLECTION_EVERY * 5)
    hold_long_lived()
    assert gc.get_threshold() == (500, 20, FULL_COLLECTION_EVERY * 5)


def test_hold_long_lived_runs_one_full_collection(thresholds: tuple[int, int, int]) -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    full_before = gc.get_stats()[2]["collections"]
    del first, second
    hold_long_lived()
    assert gone() is None  # the cycle was freed
    assert gc.get_stats()[2]["collections"] == full_before + 1
