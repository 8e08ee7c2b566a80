"""Thread-safe state store with an optional JSON state file."""
import json
import os
import tempfile
import threading
from contextlib import contextmanager

STATE_FORMAT = 1


class StateStore:
    """Holds one JSON-serialisable dict per vendor.

    Every access goes through :meth:`transaction`, which holds one re-entrant lock; when a state file is
    configured, the state is written (atomic replace) at the end of every transaction that changed it.
    """

    def __init__(self, state_file=None):
        self._lock = threading.RLock()
        self._state_file = state_file
        self._defaults = {}
        self._data = {}
        self._saved = None

    def register(self, name, initial):
        """Add a vendor's initial state; state loaded from the file wins key by key."""
        with self._lock:
            self._defaults[name] = initial
            self._data[name] = {**_copy(initial), **self._load().get(name, {})}

    def _load(self):
        if not self._state_file or not os.path.exists(self._state_file):
            return {}
        with open(self._state_file, encoding="utf-8") as handle:
            document = json.load(handle)
        return document.get("vendors", {})

    @contextmanager
    def transaction(self, name):
        """Lock the store and yield the state dict of vendor ``name``; save afterwards if it changed."""
        with self._lock:
            try:
                yield self._data[name]
            finally:
                self._save()

    def reset(self):
        """Return every vendor to its initial state."""
        with self._lock:
            self._data = {name: _copy(initial) for name, initial in self._defaults.items()}
            self._save()

    def _save(self):
        if not self._state_file:
            return
        text = json.dumps({"format": STATE_FORMAT, "vendors": self._data}, ensure_ascii=False, sort_keys=True)
        if text == self._saved:
            return
        directory = os.path.dirname(os.path.abspath(self._state_file))
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".state-", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            output.write(text)
        os.replace(temporary, self._state_file)
        self._saved = text


def _copy(document):
    return json.loads(json.dumps(document))
