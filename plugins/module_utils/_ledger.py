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
        return self._load().get(kind, {}).get(key)

    def _change(self, kind, key, value):
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
        except OSError:
            return False
        with _Lock(self.path + '.lock'):
            data = self._load()
            entries = data.setdefault(kind, {})
            if value is None:
                if entries.pop(key, None) is None:
                    return True
            else:
                entries[key] = value
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

    def put(self, kind, key, value):
        """Record ``value``; returns False when the record could not be written (the run still succeeds)."""
        return self._change(kind, key, value)

    def forget(self, kind, key):
        return self._change(kind, key, None)
