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

    def hashed():
        nonlocal size
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            yield chunk

    if check_mode:
        for dummy in hashed():
            pass
    else:
        with PartFile(path) as part:
            for chunk in hashed():
                part.stream.write(chunk)
            if before != digest.hexdigest():
                part.place()
    sha256 = digest.hexdigest()
    return dict(name=name, path=path, sha256=sha256, size=size, changed=before != sha256, before=before)


class Downloads:
    """The files one task brings into its ``dest``, with what the result and the diff say about them.

    ``records`` (a Ledger) is for artefacts that never change once produced, such as the files of a finished
    recording: what each URL gave is written down, and a file still in ``dest`` with that SHA-256 is not downloaded
    again.
    """

    RECORDS = 'downloads'

    def __init__(self, directory, check_mode=False, records=None):
        self.directory = directory
        self.check_mode = check_mode
        self.records = records
        self.files = []  # as the result shows them
        self._before = {}

    @staticmethod
    def _key(url):
        # A download URL may carry a signature; the record keeps only its hash.
        return hashlib.sha256(url.encode('utf-8')).hexdigest()

    def reuse(self, url, name, **extra):
        """The entry for the file already in ``dest`` when it is what ``url`` gave before, else None."""
        if self.records is None:
            return None
        record = self.records.get(self.RECORDS, self._key(url))
        path = os.path.join(self.directory, safe_file_name(name))
        if not isinstance(record, dict) or not os.path.isfile(path) or os.path.getsize(path) != record.get('size'):
            return None
        sha256 = file_sha256(path)
        if sha256 != record.get('sha256'):
            return None
        entry = dict(name=os.path.basename(path), path=path, sha256=sha256, size=record['size'], changed=False,
                     downloaded=False)
        entry.update(extra, url=url)
        self._before[entry['name']] = sha256
        self.files.append(entry)
        return entry

    def store(self, chunks, name, url=None, **extra):
        stored = store_stream(chunks, self.directory, name, self.check_mode)
        before = stored.pop('before')
        if before is not None:
            self._before[stored['name']] = before
        if url is not None:
            stored['url'] = url
            if self.records is not None and not self.check_mode:
                self.records.put(self.RECORDS, self._key(url), {'sha256': stored['sha256'], 'size': stored['size']})
        if self.records is not None:
            stored['downloaded'] = True
        stored.update(extra)
        self.files.append(stored)
        return stored

    @property
    def changed(self):
        return any(f['changed'] for f in self.files)

    def diff(self):
        """The ``files`` parts of a diff: SHA-256 by file name, before and after."""
        return dict(self._before), dict((f['name'], f['sha256']) for f in self.files)


class PartFile:
    """A temporary file next to ``path``: written through ``stream``, then placed onto ``path`` or dropped.

    Whoever reads ``path`` sees the old file or the complete new one, never a part; the new file gets the mode a
    file created under the current umask would have (``mkstemp`` makes it 0600).
    """

    def __init__(self, path):
        self.path = path
        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        handle, self.name = tempfile.mkstemp(dir=directory, prefix='.part-')
        self.stream = os.fdopen(handle, 'wb')

    def place(self):
        self.stream.close()
        os.chmod(self.name, 0o666 & ~current_umask())
        os.replace(self.name, self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stream.close()
        if os.path.exists(self.name):
            os.unlink(self.name)


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
