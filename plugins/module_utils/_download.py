# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Streaming a download to disk with its checksum. Private to this collection."""

from __future__ import annotations

import hashlib
import os
import tempfile


def safe_file_name(name):
    """``name`` reduced to a plain file name: no directory part, no leading dots."""
    name = os.path.basename(str(name).replace('\\', '/')).lstrip('.')
    if not name:
        raise ValueError('not a usable file name')
    return name


def plain_file_name(name):
    """Whether ``name`` can be used as it is: no directory part, not hidden, not empty."""
    try:
        return safe_file_name(name) == name
    except ValueError:
        return False


def store_stream(chunks, directory, name, check_mode=False):
    """Bring a download to ``directory/name`` unless the file there already holds the same bytes.

    Returns a dict with ``name``, ``path``, ``sha256``, ``size``, ``changed`` and ``before`` (the SHA-256 of the
    file that was there, or None). The bytes go to a temporary file in ``directory`` first, so the file appears
    complete or not at all, and memory use does not grow with its size. In check mode the stream is only hashed.
    """
    name = safe_file_name(name)
    path = os.path.join(directory, name)
    before = file_sha256(path) if os.path.isfile(path) else None
    digest = hashlib.sha256()
    size = 0
    if check_mode:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
        sha256 = digest.hexdigest()
        return dict(name=name, path=path, sha256=sha256, size=size, changed=before != sha256, before=before)
    os.makedirs(directory, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=directory, prefix='.part-')
    try:
        with os.fdopen(handle, 'wb') as stream:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                stream.write(chunk)
        sha256 = digest.hexdigest()
        if before == sha256:
            os.unlink(temp)
        else:
            os.chmod(temp, 0o666 & ~current_umask())
            os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return dict(name=name, path=path, sha256=sha256, size=size, changed=before != sha256, before=before)


class Downloads:
    """The files one task brings into its ``dest``, with what the result and the diff say about them."""

    def __init__(self, directory, check_mode=False):
        self.directory = directory
        self.check_mode = check_mode
        self.files = []  # as the result shows them
        self._before = {}

    def store(self, chunks, name, **extra):
        stored = store_stream(chunks, self.directory, name, self.check_mode)
        before = stored.pop('before')
        if before is not None:
            self._before[stored['name']] = before
        stored.update(extra)
        self.files.append(stored)
        return stored

    @property
    def changed(self):
        return any(f['changed'] for f in self.files)

    def diff(self):
        """The ``files`` parts of a diff: SHA-256 by file name, before and after."""
        return dict(self._before), dict((f['name'], f['sha256']) for f in self.files)


def current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def file_sha256(path, chunk_size=1024 * 1024):
    digest = hashlib.sha256()
    with open(path, 'rb') as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b''):
            digest.update(chunk)
    return digest.hexdigest()
