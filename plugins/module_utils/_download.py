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


def save_stream(chunks, directory, name):
    """Write ``chunks`` to ``directory/name`` through a temporary file; return (path, sha256, size).

    The file appears complete or not at all, and memory use does not grow with its size.
    """
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, safe_file_name(name))
    digest = hashlib.sha256()
    size = 0
    handle, temp = tempfile.mkstemp(dir=directory, prefix='.part-')
    try:
        with os.fdopen(handle, 'wb') as stream:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                stream.write(chunk)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return path, digest.hexdigest(), size


def file_sha256(path, chunk_size=1024 * 1024):
    digest = hashlib.sha256()
    with open(path, 'rb') as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b''):
            digest.update(chunk)
    return digest.hexdigest()
