# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request budgets shared by every task on one machine. Private to this collection.

A vendor's rate limit counts the requests of an App ID, whatever process sends them, while every Ansible task is its
own process and a play runs several at once (forks, parallel pipelines). A budget keeps the moments of the last
requests of one key in a small JSON file under the cache directory, read and written under an exclusive lock
(fcntl.flock), so that all of them together stay within the limit:

* anyRTC allows 10 requests per second per App ID (``RequestBudget(limit=10, window=1)``);
* Wilddog allows one snapshot every 30 seconds (``limit=1, window=30``).

The file name is a hash of the key (which holds the App ID), and the file holds only times, so neither the App ID
nor a credential can be read from it. The lock is held only to read and write the file, never while waiting.
A file that cannot be read is replaced (with one warning); a directory that cannot be written leaves the budget in
the process, where it still keeps this task within the limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time

from ansible_collections.rtcops.conference.plugins.module_utils._token_cache import _Lock, _private, default_cache_dir

# A request is in flight from the moment its slot is taken until ``settle`` records when its answer came; the server
# counts it at some moment in between, so while in flight it counts as sent at every moment, and afterwards as sent
# when its answer came, the latest moment the server can have counted it. This margin covers clock resolution only.
ARRIVAL_MARGIN = 0.05
# A slot whose task died before settling it is taken as settled this long after it was taken (a call with its retries
# ends well before).
LONGEST_FLIGHT = 90.0
IN_FLIGHT_POLL = 0.5


class BudgetExhausted(Exception):
    """Waiting for the next slot would take longer than the caller allows; ``wait`` is how long it would take."""

    def __init__(self, message, wait):
        super().__init__(message)
        self.wait = wait


def _times(value):
    if not isinstance(value, list) or not all(isinstance(m, (int, float)) and not isinstance(m, bool) for m in value):
        raise ValueError('not a list of times')
    return [float(m) for m in value]


# Not ansible.module_utils.api.rate_limit: it spaces the calls of one process, while this budget is the App ID's,
# shared by every task of the machine through a locked file.
class RequestBudget:
    """At most ``limit`` requests in any ``window`` seconds for one key, across the processes of this machine."""

    def __init__(self, vendor, key, limit, window, directory=None, warn=None, clock=time.time, sleep=time.sleep):
        self.vendor = vendor
        self.limit = limit
        self.window = float(window)
        self.directory = os.path.join(directory or default_cache_dir(), 'budgets')
        digest = hashlib.sha256(json.dumps([vendor, key]).encode('utf-8')).hexdigest()[:40]
        self.path = os.path.join(self.directory, '%s-%s.json' % (vendor, digest))
        self._warn = warn
        self._warned = False
        self._clock = clock
        self._sleep = sleep
        self._local = {'sent': [], 'open': []}  # this process's requests, when the file cannot be used
        self._shared = True
        self._pending = []  # slots this process took and has not settled

    def _warn_once(self, text):
        if self._warn is not None and not self._warned:
            self._warned = True
            self._warn(text)

    def _load(self):
        """``{'sent': [answered at], 'open': [taken at, still in flight]}``."""
        try:
            if not os.path.exists(self.path):
                return {'sent': [], 'open': []}
            if not _private(self.path):
                self._warn_once('the %s request budget %s is not private to its owner; it is replaced'
                                % (self.vendor, self.path))
                return {'sent': [], 'open': []}
            with open(self.path) as handle:
                data = json.load(handle)
            return {'sent': _times(data.get('sent')), 'open': _times(data.get('open', []))}
        except (OSError, ValueError, AttributeError) as exc:
            self._warn_once('the %s request budget %s could not be read (%s); it starts afresh' % (self.vendor, self.path, exc))
            return {'sent': [], 'open': []}

    def _save(self, state):
        handle, temp = tempfile.mkstemp(dir=self.directory, prefix='.tmp-')  # mkstemp creates 0600
        try:
            with os.fdopen(handle, 'w') as stream:
                json.dump(state, stream)
            os.replace(temp, self.path)  # not AnsibleModule.atomic_move: the lookup and action plugins have no module
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def _current(self, state, now):
        """The state without what no longer counts. The clock is read under the lock, after every moment written
        before: a moment in the future means the wall clock was set back, and it cannot tell anything."""
        return {'sent': sorted(m for m in state['sent'] if now - self.window < m <= now),
                'open': sorted(m for m in state['open'] if now - LONGEST_FLIGHT < m <= now)}

    def _claim(self, state):
        """Take a slot now (returns 0.0) or return the seconds until one may be free."""
        now = self._clock()
        state = self._current(state, now)
        if len(state['sent']) + len(state['open']) < self.limit:
            state['open'].append(now)
            self._pending.append(now)
            return 0.0, state
        if len(state['open']) >= self.limit:  # in flight, they may arrive at any moment: look again soon
            return min(self.window / 20, IN_FLIGHT_POLL), state
        return state['sent'][-(self.limit - len(state['open']))] + self.window + ARRIVAL_MARGIN - now, state

    def _claim_shared(self):
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            with _Lock(self.path + '.lock'):
                wait, state = self._claim(self._load())
                if wait <= 0:
                    self._save(state)
            return wait
        except OSError as exc:
            self._fall_back(exc)
            return None

    def _fall_back(self, exc):
        self._shared = False
        self._warn_once('the %s request budget cannot be kept in %s (%s): only the requests of this task are counted'
                        % (self.vendor, self.directory, exc.strerror or exc))

    def settle(self):
        """Record the slots taken since the last call as answered now (or given up)."""
        pending, self._pending = self._pending, []
        if not pending:
            return

        def settled(state):
            now = self._clock()
            state = {'sent': list(state['sent']), 'open': list(state['open'])}
            for moment in pending:
                if moment in state['open']:
                    state['open'].remove(moment)
                    state['sent'].append(now)
            return self._current(state, now)

        if self._shared:
            try:
                with _Lock(self.path + '.lock'):
                    self._save(settled(self._load()))
                return
            except OSError as exc:
                self._fall_back(exc)
        self._local = settled(self._local)

    def take(self, max_wait=None):
        """Wait until a request may be sent and count it; returns the seconds waited. Call ``settle`` once answered.

        Raises BudgetExhausted instead of waiting when the next slot is more than ``max_wait`` seconds away.
        """
        waited = 0.0
        while True:
            wait = self._claim_shared() if self._shared else None
            if wait is None:
                wait, self._local = self._claim(self._local)
            if wait <= 0:
                return waited
            if max_wait is not None and waited + wait > max_wait:
                raise BudgetExhausted('the next request is allowed in %.1f s' % wait, wait)
            self._sleep(wait)
            waited += wait
