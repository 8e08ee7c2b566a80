# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A token cache shared by the processes of one user. Private to this collection.

Every Ansible task runs in its own process, so without a cache a play of fifty AVD tasks would ask the
server for fifty tokens. The cache is one small JSON file per server and credential pair:

* its name is a SHA-256 over the server URL and the credentials, so neither the access key nor the
  secret key can be read from the file name or the file;
* the directory is created 0700 and the files 0600; a file that is not owned by the current user or is
  readable by anybody else is ignored and never trusted;
* a token the server rejects with 40003 is discarded (only if no other process has replaced it yet)
  and a new one is fetched under an exclusive lock, so concurrent tasks fetch it once.

Trade-off: the token itself lies on disk in clear text, readable by the owner of the cache, until it
expires on the server. Whoever can read the user's files can already read the secret key from the
playbook variables or environment in most set-ups; where that is not so, turn the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: work without the lock
    fcntl = None


def default_cache_dir():
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'rtcops.conference')


class TokenCache:

    def __init__(self, directory=None, vendor='avd'):
        self.directory = os.path.join(directory or default_cache_dir(), 'tokens')
        self.vendor = vendor

    def _path(self, key):
        digest = hashlib.sha256(json.dumps([self.vendor] + list(key)).encode('utf-8')).hexdigest()
        return os.path.join(self.directory, '%s-%s.json' % (self.vendor, digest[:40]))

    def _ensure_directory(self):
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        if not _private(self.directory):
            raise OSError('token cache directory %s is not private to its owner' % self.directory)

    def _read(self, path):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
        except OSError:
            return None
        try:
            if not _private(path, os.fstat(fd)):
                return None
            with os.fdopen(fd, 'r') as handle:
                fd = None
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        finally:
            if fd is not None:
                os.close(fd)
        return entry.get('token') if isinstance(entry, dict) else None

    def _write(self, path, token):
        handle, temp = tempfile.mkstemp(dir=self.directory, prefix='.tmp-')  # mkstemp creates 0600
        try:
            with os.fdopen(handle, 'w') as stream:
                json.dump({'token': token, 'obtained': int(time.time())}, stream)
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def get_or_create(self, key, fetch):
        """Return the cached token for ``key``, or call ``fetch()`` once and keep its result."""
        try:
            self._ensure_directory()
        except OSError:
            return fetch()
        path = self._path(key)
        token = self._read(path)
        if token:
            return token
        with _Lock(path + '.lock'):
            token = self._read(path)  # another process may have fetched it while we waited
            if not token:
                token = fetch()
                try:
                    self._write(path, token)
                except OSError:
                    pass
        return token

    def discard(self, key, rejected):
        path = self._path(key)
        with _Lock(path + '.lock'):
            if self._read(path) == rejected:
                try:
                    os.unlink(path)
                except OSError:
                    pass


def _private(path, st=None):
    st = st or os.stat(path)
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


class _Lock:

    def __init__(self, path):
        self.path = path
        self.fd = None

    def __enter__(self):
        if fcntl is not None:
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            except OSError:
                self.fd = None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
        return False
