# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Uploads to ``/uploadfile``, compared with the server's copy by SHA-256. Shared by avd_upload and avd_environment.
Private to this collection."""

from __future__ import annotations

import hashlib
import os
import posixpath


ALLOWED_EXTENSIONS = ('png', 'jpg', 'mp3', 'mp4', 'avi')
MAX_BOX_SIZE = 50 * 1024 * 1024  # the documents' "<=50M"; larger files must use storage_only_cluster
CHUNK_SIZE = 1024 * 1024


def sha256_file(path, chunk_size=CHUNK_SIZE):
    """SHA-256 hex digest and size of a local file, read chunk by chunk."""
    digest = hashlib.sha256()
    size = 0
    with open(path, 'rb') as stream:
        while True:
            chunk = stream.read(chunk_size)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def sha256_chunks(chunks, limit=None):
    """SHA-256 hex digest of an iterable of byte strings.

    Returns None when more than ``limit`` bytes arrive: such a file cannot equal one of ``limit`` bytes, and
    the rest of it need not be downloaded (closing the generator closes the response).
    """
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if limit is not None and size > limit:
                return None
            digest.update(chunk)
    finally:
        close = getattr(chunks, 'close', None)
        if close is not None:
            close()
    return digest.hexdigest()


def upload_problem(params, where=''):
    """Return an error message naming the option at fault, or None."""
    src = params['src']
    name = where + 'src'
    if not os.path.exists(src):
        return '%s %s does not exist' % (name, src)
    if not os.path.isfile(src):
        return '%s %s is not a regular file' % (name, src)
    extension = os.path.splitext(src)[1][1:].lower()
    if extension not in ALLOWED_EXTENSIONS:
        return ('%s %s has %s; the server accepts only files ending in %s'
                % (name, src, 'the extension .%s' % extension if extension else 'no extension', ', '.join(ALLOWED_EXTENSIONS)))
    size = os.path.getsize(src)
    if size > MAX_BOX_SIZE and not params['storage_only_cluster']:
        return ('%s %s is %d bytes, larger than the 50 MiB (%d bytes) the server accepts on the box; set '
                '%sstorage_only_cluster=true to store it in the cluster (cluster deployments only)'
                % (name, src, size, MAX_BOX_SIZE, where))
    if not params['path'].startswith('/'):
        return '%spath must be an absolute directory on the server, got %s' % (where, params['path'])
    return None


def server_checksum(client, dest, limit=None):
    """SHA-256 of the server's file, or None when it has none (or, with ``limit``, a larger one)."""
    chunks = client.attachment_chunks(dest)
    if chunks is None:
        return None
    return sha256_chunks(chunks, limit)


def server_size(client, dest):
    """Size of the server's file, or None when the server does not tell it without a download."""
    return client.attachment_size(dest)


def same_on_server(client, dest, checksum, size):
    """Whether the server holds this very file, and the SHA-256 of the server's file when it was read.

    The size comes first: a file of another size is a different file, and is not downloaded to prove it.
    Returns ``(same, server_sha256)``; ``server_sha256`` is None when the server has no such file or it was not
    downloaded.
    """
    if server_size(client, dest) not in (None, size):
        return False, None
    server_sha256 = server_checksum(client, dest, limit=size)
    return server_sha256 == checksum, server_sha256


def server_path(params):
    """Where the server stores ``params['src']``: the directory ``path`` and the file's own name."""
    return posixpath.join(posixpath.normpath(params['path']), os.path.basename(params['src']))


def upload_verifier(client, dest, checksum, size, download_url):
    """The read-back for an upload whose answer was lost: it arrived if the server now holds this very file."""

    def verify():
        if same_on_server(client, dest, checksum, size)[0]:
            return {'download_url': download_url}
        return None

    return verify
