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

# The server counts a request when it arrives, a little after the moment kept here; waiting this much longer than the
# window keeps two requests of different processes from arriving closer together than the server allows.
ARRIVAL_MARGIN = 0.05


class BudgetExhausted(Exception):
    """Waiting for the next slot would take longer than the caller allows; ``wait`` is how long it would take."""

    def __init__(self, message, wait):
        super().__init__(message)
        self.wait = wait


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
        self._local = []  # the moments of this process's requests when the file cannot be used
        self._shared = True

    def _warn_once(self, text):
        if self._warn is not None and not self._warned:
            self._warned = True
            self._warn(text)

    def _load(self):
        try:
            if not os.path.exists(self.path):
                return []
            if not _private(self.path):
                self._warn_once('the %s request budget %s is not private to its owner; it is replaced'
                                % (self.vendor, self.path))
                return []
            with open(self.path) as handle:
                moments = json.load(handle).get('sent')
            if not isinstance(moments, list) or not all(isinstance(m, (int, float)) and not isinstance(m, bool) for m in moments):
                raise ValueError('not a list of times')
        except (OSError, ValueError, AttributeError) as exc:
            self._warn_once('the %s request budget %s could not be read (%s); it starts afresh' % (self.vendor, self.path, exc))
            return []
        return [float(m) for m in moments]

    def _save(self, moments):
        handle, temp = tempfile.mkstemp(dir=self.directory, prefix='.tmp-')  # mkstemp creates 0600
        try:
            with os.fdopen(handle, 'w') as stream:
                json.dump({'sent': moments}, stream)
            os.replace(temp, self.path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def _recent(self, moments, now):
        # A moment in the future means the wall clock was set back: it cannot tell anything about the window.
        return sorted(m for m in moments if now - self.window < m <= now)

    def _claim(self, moments, now):
        """Take a slot now (returns 0.0) or return the seconds until the oldest slot of the window frees one."""
        moments = self._recent(moments, now)
        if len(moments) < self.limit:
            moments.append(now)
            return 0.0, moments
        return moments[-self.limit] + self.window + ARRIVAL_MARGIN - now, moments

    def _claim_shared(self, now):
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            with _Lock(self.path + '.lock'):
                wait, moments = self._claim(self._load(), now)
                if wait <= 0:
                    self._save(moments)
            return wait
        except OSError as exc:
            self._shared = False
            self._warn_once('the %s request budget cannot be kept in %s (%s): only the requests of this task are counted'
                            % (self.vendor, self.directory, exc.strerror or exc))
            return None

    def take(self, max_wait=None):
        """Wait until a request may be sent and count it; returns the seconds waited.

        Raises BudgetExhausted instead of waiting when the next slot is more than ``max_wait`` seconds away.
        """
        waited = 0.0
        while True:
            now = self._clock()
            wait = self._claim_shared(now) if self._shared else None
            if wait is None:
                wait, self._local = self._claim(self._local, now)
            if wait <= 0:
                return waited
            if max_wait is not None and waited + wait > max_wait:
                raise BudgetExhausted('the next request is allowed in %.1f s' % wait, wait)
            self._sleep(wait)
            waited += wait
