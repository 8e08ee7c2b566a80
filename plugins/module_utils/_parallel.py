# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bounded concurrency for modules that make many independent API calls in one run. Private to this collection.

Threads rather than processes or asyncio: the work is waiting for HTTP answers, the clients are synchronous,
and a thread pool of the standard library costs nothing to import compared with the calls it overlaps.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


class Outcome:
    """What one item gave: ``value``, or the ``error`` it raised (never both)."""

    __slots__ = ('item', 'value', 'error')

    def __init__(self, item, value=None, error=None):
        self.item = item
        self.value = value
        self.error = error


def run_each(function, items, workers):
    """Call ``function(item)`` for every item, at most ``workers`` at a time; return the Outcomes in item order.

    An exception of one item is kept in its Outcome and does not stop the others.
    """
    items = list(items)

    def guarded(item):
        try:
            return Outcome(item, value=function(item))
        except Exception as exc:  # pylint: disable=broad-except  # reported per item by the caller
            return Outcome(item, error=exc)

    if workers <= 1 or len(items) <= 1:
        return [guarded(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(guarded, items))
