# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How the plugins that wait (recordings, transcoding, snapshots) speak about their waits. Private to this collection.

A module runs as one process whose output Ansible shows only at the end, so it cannot print progress while it
waits: a long wait is summed up in a warning afterwards, and a wait that ran out says how long it waited, for what,
and what to do about it.
"""

from __future__ import annotations

import time

# Beyond this many seconds a task that showed nothing owes the user a word on where the time went.
LONG_WAIT = 30


class Waiting:
    """The waits of one task: what they were for, and how long they took in all."""

    def __init__(self, module, wait_timeout=None):
        self.module = module
        self.wait_timeout = module.params['wait_timeout'] if wait_timeout is None else wait_timeout
        self.started = time.monotonic()
        self.ends = self.started + self.wait_timeout

    def allows(self, seconds):
        """Whether a pause of ``seconds`` still ends within wait_timeout."""
        return time.monotonic() + seconds <= self.ends

    def timed_out(self, did_not, state=None):
        """The message for a wait that ran out: ``did_not`` says what did not happen, ``state`` what was last seen."""
        return '%s within wait_timeout=%d s%s; raise wait_timeout or run the task with async/poll' % (
            did_not, self.wait_timeout, ' (%s)' % state if state not in (None, '') else '')

    def done(self, what):
        """Sum up a long wait in a warning once it is over."""
        waited = time.monotonic() - self.started
        if waited > LONG_WAIT:
            self.module.warn('%s took %d s' % (what, waited))
