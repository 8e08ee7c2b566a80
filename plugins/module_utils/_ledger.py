# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Records of objects an API cannot list, kept on the machine that runs the modules. Private to this collection.

The AVD API has no call to list SIP accounts or to read file permits back. What this collection created
or applied is written down here (one JSON file per server, private to its owner, next to the token
cache) so that a later run on the same machine can find the object again. A record is a hint, never a
proof: modules read the object back wherever the API allows it and say so in their results.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

from ansible_collections.rtcops.conference.plugins.module_utils._token_cache import _Lock, _private, default_cache_dir


class Ledger:

    def __init__(self, server_url, directory=None, vendor='avd'):
        self.directory = os.path.join(directory or default_cache_dir(), 'records')
        digest = hashlib.sha256(server_url.rstrip('/').encode('utf-8')).hexdigest()[:40]
        self.path = os.path.join(self.directory, '%s-%s.json' % (vendor, digest))

    def _load(self):
        try:
            if not _private(self.path):
                return {}
            with open(self.path) as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, kind, key):
        return self.entries(kind).get(key)

    def entries(self, kind):
        """Every record of ``kind``, as ``{key: value}``; empty when the file is missing or unreadable."""
        return self._entries_of(self._load(), kind)

    def change(self, kind, puts=None, forgets=(), replace=False):
        """Record ``puts``, drop ``forgets`` (or, with ``replace``, every other key) in one write.

        Returns False when the record could not be written; a record is a cache, so the run still succeeds.
        """
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
        except OSError:
            return False
        with _Lock(self.path + '.lock'):
            data = self._load()
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
                os.replace(temp, self.path)
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
