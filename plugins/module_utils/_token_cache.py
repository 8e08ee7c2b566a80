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
  and a new one is fetched under an exclusive lock, so concurrent tasks fetch it once;
* a file that cannot be used (not JSON, not an object with a token string, unreadable) never fails a
  task: it is reported in a warning naming the file and replaced, atomically, by the next token fetched.
  It is not kept aside like a corrupt record file (``_ledger.py``): it holds nothing a new token does not
  give back, and a copy might hold a credential;
* a cache that cannot be used at all (its directory cannot be created or is not private) is reported
  in a warning, and the task works without it.

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

from ansible.module_utils.common.warnings import warn as module_warning

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: work without the lock
    fcntl = None

_WARNED = set()  # the warnings this process gave already: a play's task or a loop reads the same file many times


def warn_once(warn, text):
    if text not in _WARNED:
        _WARNED.add(text)
        warn(text)


def default_cache_dir():
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'rtcops.conference')


class TokenCache:

    def __init__(self, directory=None, vendor='avd', warn=module_warning):
        """``warn`` shows a warning: by default in the result of the module that runs, a lookup passes its own."""
        self.directory = os.path.join(directory or default_cache_dir(), 'tokens')
        self.vendor = vendor
        self.warn = warn

    def _path(self, key):
        digest = hashlib.sha256(json.dumps([self.vendor] + list(key)).encode('utf-8')).hexdigest()
        return os.path.join(self.directory, '%s-%s.json' % (self.vendor, digest[:40]))

    def _ensure_directory(self):
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        if not _private(self.directory):
            raise OSError('token cache directory %s is not private to its owner' % self.directory)

    def _read(self, path):
        """The token in the file at ``path``, or None when there is none that can be trusted."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._unusable(path, 'cannot be read (%s)' % (exc.strerror or exc))
            return None
        try:
            if not _private(path, os.fstat(fd)):
                return None
            with os.fdopen(fd, 'rb') as handle:
                fd = None
                entry = json.loads(handle.read().decode('utf-8'))
        except OSError as exc:
            self._unusable(path, 'cannot be read (%s)' % (exc.strerror or exc))
            return None
        except ValueError:  # UnicodeDecodeError is one
            self._unusable(path, 'is not JSON')
            return None
        finally:
            if fd is not None:
                os.close(fd)
        token = entry.get('token') if isinstance(entry, dict) else None
        if not isinstance(token, str) or not token:
            self._unusable(path, 'holds no token (%s)' % _shape(entry))
            return None
        return token

    def _unusable(self, path, problem):
        warn_once(self.warn, 'The token cache file %s %s; it is ignored and replaced by the next token fetched.'
                  % (path, problem))

    def _write(self, path, token):
        handle, temp = tempfile.mkstemp(dir=self.directory, prefix='.tmp-')  # mkstemp creates 0600
        try:
            with os.fdopen(handle, 'w') as stream:
                json.dump({'token': token, 'obtained': int(time.time())}, stream)
            os.replace(temp, path)  # not AnsibleModule.atomic_move: the avd_token lookup has no module
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def get_or_create(self, key, fetch):
        """Return the cached token for ``key``, or call ``fetch()`` once and keep its result."""
        try:
            self._ensure_directory()
        except OSError as exc:
            warn_once(self.warn, 'The token cache cannot be used (%s); each task fetches its own token. Fix the '
                      'directory or set token_cache to false.' % (exc.strerror or exc))
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


def _shape(value):
    """What a JSON value is, for a message that must not show it (a cache file may hold a credential)."""
    if isinstance(value, dict):
        return 'an object without a token string'
    return 'a JSON %s' % {list: 'array', str: 'string', bool: 'boolean', type(None): 'null'}.get(type(value), 'number')


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
