"""How paxvet treats CPython's cyclic garbage collector: one place for every tuning of it.

Reference counting frees almost everything paxvet allocates; the cyclic collector only finds reference
cycles, yet its passes walk every tracked object of the generations they cover. Three patterns made those
passes the cost, each measured by a benchmark:

- building millions of small objects at once (parsing a watchlist, mapping a manifest): `paused_gc`;
- a server's start-up objects, walked again by every full collection: `settle_heap`;
- a process that holds the Screener (the active lists' records, prepared names, tokens and candidate
  index: about 1.5 million objects for the real lists) while it screens traveller after traveller:
  `hold_long_lived`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Generation-1 collections between two full ones, at least (CPython's default is 10). About 7 million
# container allocations: with the lists loaded, a full collection costs ~150 ms of CPU.
FULL_COLLECTION_EVERY = 1000


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector while a burst builds many small objects (a watchlist's entries, a
    manifest's segments and rows): with it on, its passes re-walk everything built so far and a large
    list or manifest is read several times slower. Reference counting still frees what the burst drops;
    the collector runs again as soon as it is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle_heap() -> None:
    """Put what start-up built (modules, the web app, SQLAlchemy's and Jinja's structures: ~130,000
    objects) out of the collector's reach. Otherwise every full collection walks all of it again: about
    75 ms of CPU, 200-400 ms of wall time on a busy machine, during which every request in flight in that
    worker waits (bench/web.py). For a server's own process only: frozen objects are never collected, so a
    process that builds and drops many apps (a test session) must not call it."""
    gc.collect()
    gc.freeze()


def hold_long_lived() -> None:
    """Make full collections rare in a process that now holds a large structure for as long as it runs
    (called when the Screener is built).

    CPython 3.11 runs a full collection once the objects promoted since the last one pass a quarter of
    the long-lived ones. A worker screening manifests promotes each file's working set (rows, views,
    findings) whenever a young collection happens to run, so with the lists loaded a full collection came
    every dozen files, ~150 ms each: 9 % of the pipeline's CPU (bench/pipeline.py). Those passes found
    almost nothing (about 400 objects per 40,000 travellers screened): cycles that outlive the young
    generations are rare here. Full collections still run, at least every FULL_COLLECTION_EVERY young
    ones, so such cycles are still freed.

    One full collection now moves the structure (built with the collector paused) to the old generation
    at once and counts it as long-lived, instead of young collections walking it on the way."""
    gc.collect()
    young, middle, full = gc.get_threshold()
    if full < FULL_COLLECTION_EVERY:
        gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
