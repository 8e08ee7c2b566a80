# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import threading
import time

from ansible_collections.rtcops.conference.plugins.module_utils._parallel import run_each


def test_results_keep_the_order_of_the_items_and_errors_stay_with_their_item():
    def work(item):
        if item == 3:
            raise ValueError('three')
        return item * 10

    outcomes = run_each(work, range(6), workers=3)
    assert [o.item for o in outcomes] == list(range(6))
    assert [o.value for o in outcomes if o.error is None] == [0, 10, 20, 40, 50]
    assert str(outcomes[3].error) == 'three' and outcomes[3].value is None


def test_no_more_than_workers_run_at_once():
    running = []
    peak = []
    lock = threading.Lock()

    def work(item):
        with lock:
            running.append(item)
            peak.append(len(running))
        time.sleep(0.01)
        with lock:
            running.remove(item)

    run_each(work, range(20), workers=4)
    assert max(peak) <= 4
