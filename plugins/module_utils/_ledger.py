# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Records of objects an API cannot list, kept on the machine that runs the modules. Private to this collection.

The AVD API has no call to list SIP accounts or to read file permits back. What this collection created
or applied is written down here (one JSON file per server, private to its owner, next to the token
cache) so that a later run on the same machine can find the object again. A record is a hint, never a
proof: modules read the object back wherever the API allows it and say so in their results.

A record file is only ever a cache, so whatever is in it never fails a task:

* a file that is not a JSON object (truncated by a full disk, edited by hand) is set aside as ``<file>.corrupt``,
  where whoever looks into the warning can still read it, and the next write starts a new one;
* a kind that is not an object, or an entry of a known kind without the shape its modules rely on, is left out and
  dropped at the next write of the file;
* a file that cannot be read (permissions) is left alone: the run works without records and does not write any, so
  that records it could not read are not overwritten;

each with a warning that names the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

from ansible.module_utils.common.warnings import warn as module_warning

from ansible_collections.rtcops.conference.plugins.module_utils._token_cache import (
    _Lock, _private, _shape, default_cache_dir, warn_once,
)


def _int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _dict(value):
    return isinstance(value, dict)


# The shape each known kind's entries must have for the code that reads them (_avd_accounts, _avd_room,
# _avd_permits, avd_recording, _download); entries of other kinds are taken as they are.
ENTRY_CHECKS = {
    'sip_accounts': lambda value: _dict(value) and _int(value.get('account_id'))
    and (value.get('sip_gate_id') is None or _int(value['sip_gate_id'])),
    'rooms': _dict,
    'file_permits': _dict,
    'recording_layouts': _dict,
    'started_recordings': lambda value: isinstance(value, str) and value != '' or _int(value),
    'downloads': lambda value: _dict(value) and isinstance(value.get('sha256'), str) and _int(value.get('size')),
}


class Unreadable(Exception):
    """The record file exists but cannot be read; it must not be overwritten either."""


class Ledger:

    def __init__(self, server_url, directory=None, vendor='avd', warn=module_warning):
        """``warn`` shows a warning: by default in the result of the module that runs."""
        self.directory = os.path.join(directory or default_cache_dir(), 'records')
        digest = hashlib.sha256(server_url.rstrip('/').encode('utf-8')).hexdigest()[:40]
        self.path = os.path.join(self.directory, '%s-%s.json' % (vendor, digest))
        self.warn = warn

    def _load(self, locked=False):
        """The records, every unusable part left out; raises Unreadable. ``locked``: the caller holds the lock."""
        try:
            with open(self.path, 'rb') as handle:
                st = os.fstat(handle.fileno())
                if not _private(self.path, st):
                    warn_once(self.warn, 'The record file %s is not private to its owner (readable or writable by '
                                         'others); it is ignored and replaced at the next write.' % self.path)
                    return {}
                raw = handle.read()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            warn_once(self.warn, 'The record file %s cannot be read (%s); this run works without the records it holds '
                                 'and keeps none.' % (self.path, exc.strerror or exc))
            raise Unreadable(self.path)
        try:
            data = json.loads(raw.decode('utf-8'))
        except ValueError:  # UnicodeDecodeError is one
            data = None
            problem = 'is not JSON'
        else:
            problem = None if isinstance(data, dict) else 'holds %s instead of an object' % _shape(data)
        if problem:
            self._set_aside(raw, problem, locked)
            return {}
        return self._usable(data)

    def _set_aside(self, raw, problem, locked):
        """Move a corrupt file to ``<file>.corrupt``, unless another process has replaced it meanwhile."""
        aside = self.path + '.corrupt'
        try:
            if locked:
                self._replace_if_unchanged(raw, aside)
            else:
                with _Lock(self.path + '.lock'):
                    self._replace_if_unchanged(raw, aside)
            fate = 'moved to %s' % aside
        except OSError:
            fate = 'left where it is'
        warn_once(self.warn, 'The record file %s %s; it was %s, and the records start anew.' % (self.path, problem, fate))

    def _replace_if_unchanged(self, raw, aside):
        with open(self.path, 'rb') as handle:
            if handle.read() != raw:
                return
        os.replace(self.path, aside)

    def _usable(self, data):
        dropped = []
        usable = {}
        for kind, entries in data.items():
            if not isinstance(entries, dict):
                dropped.append(kind)
                continue
            check = ENTRY_CHECKS.get(kind)
            kept = dict((key, value) for key, value in entries.items() if check is None or check(value))
            if len(kept) < len(entries):
                dropped.append('%d of %s' % (len(entries) - len(kept), kind))
            usable[kind] = kept
        if dropped:
            warn_once(self.warn, 'The record file %s holds records of an unexpected shape (%s); they are ignored and '
                                 'dropped at the next write.' % (self.path, ', '.join(sorted(dropped))))
        return usable

    def _readable(self):
        try:
            return self._load()
        except Unreadable:
            return {}

    def get(self, kind, key):
        return self.entries(kind).get(key)

    def entries(self, kind):
        """Every record of ``kind``, as ``{key: value}``; empty when the file is missing or unreadable."""
        return self._entries_of(self._readable(), kind)

    def change(self, kind, puts=None, forgets=(), replace=False):
        """Record ``puts``, drop ``forgets`` (or, with ``replace``, every other key) in one write.

        Returns False when the record could not be written; a record is a cache, so the run still succeeds.
        """
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
        except OSError:
            return False
        with _Lock(self.path + '.lock'):
            try:
                data = self._load(locked=True)
            except Unreadable:
                return False
            before = self._entries_of(data, kind)
            entries = {} if replace else dict(before)
            for key in forgets:
                entries.pop(key, None)
            entries.update(puts or {})
            if entries == before:
                return True
            data[kind] = entries
            temp = None
            try:
                handle, temp = tempfile.mkstemp(dir=self.directory, prefix='.tmp-')
                with os.fdopen(handle, 'w') as stream:
                    json.dump(data, stream, indent=1, sort_keys=True)
                os.replace(temp, self.path)  # not AnsibleModule.atomic_move: the lookup and action plugins have no module
            except OSError:
                if temp and os.path.exists(temp):
                    os.unlink(temp)
                return False
        return True

    @staticmethod
    def _entries_of(data, kind):
        entries = data.get(kind)
        return dict(entries) if isinstance(entries, dict) else {}

    def put(self, kind, key, value):
        """Record ``value``; returns False when the record could not be written (the run still succeeds)."""
        return self.change(kind, puts={key: value})

    def forget(self, kind, key):
        return self.change(kind, forgets=(key,))
