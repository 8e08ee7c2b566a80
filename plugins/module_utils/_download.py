# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Verified downloads: a file is checked before it is placed into ``dest``. Private to this collection.

Every client reaches its files through ``Remote``, which follows redirects, judges the answer, and resumes or restarts
a transfer that broke off; ``Downloads`` writes it beside its target, checks it (the size the vendor lists, the
user's checksum) and only then places it and records it. Failures are ``DownloadError``s whose text names the file,
never a signed URL.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import re
import stat
import signal
import tempfile
from urllib.parse import urljoin, urlsplit

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.rtcops.conference.plugins.module_utils._http import TransportError, shown_url

CHUNK = 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
# The longest file name (in bytes) the usual file systems accept (NAME_MAX of ext4, XFS, btrfs, APFS).
NAME_MAX = 255

# The options every download plugin shares; keep in sync with plugins/doc_fragments/download.py.
DOWNLOAD_SPEC = dict(
    checksum=dict(type='raw'),
    allow_http_download=dict(type='bool', default=False),
    # The file options of ansible.builtin.get_url and copy, applied to every file the task brings; the mode is in
    # FILE_MODE_SPEC, as anyrtc_recording has a mode of its own (the recording's) and calls it file_mode.
    owner=dict(type='str'),
    group=dict(type='str'),
)
FILE_MODE_SPEC = dict(mode=dict(type='raw'))
FILE_OPTIONS = ('mode', 'owner', 'group')

# Files that are never text: an HTML page, a JSON envelope or plain text in their place is an error page.
BINARY_EXTENSIONS = frozenset(('.mp4', '.mp3', '.wav', '.webm', '.tms', '.m4a', '.aac', '.flv', '.ts',
                               '.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp'))
ERROR_PAGE_TYPES = frozenset(('text/html', 'application/xhtml+xml'))
TEXT_ANSWER_TYPES = frozenset(('application/json', 'text/json', 'application/xml', 'text/xml', 'text/plain'))

SIZE_UNITS = {'': 1, 'K': 1, 'M': 2, 'G': 3, 'T': 4}
SIZE_TEXT = re.compile(r'^\s*(\d+(?:\.(\d+))?)\s*([KMGT]?)(I?B)?\s*$', re.IGNORECASE)


class DownloadError(Exception):
    """A file that could not be brought to ``dest``; the text names the file and the reason. ``status``: the HTTP
    status that refused it, if one did."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class FileAbsent(DownloadError):
    """The server answered that it does not have the file (yet). ``content_type``: that answer's, which tells the
    vendor's "no such file" from another server's error page."""

    def __init__(self, message, status=None, content_type=None):
        super().__init__(message, status)
        self.content_type = content_type


class StoreError(DownloadError):
    """The file system refused to take the file (read-only, full, too large, a name it cannot hold)."""


# -- names --------------------------------------------------------------------------------------------------------


def safe_file_name(name):
    """``name`` reduced to a plain file name: no directory part, no leading dots, at most NAME_MAX bytes.

    A longer name (servers build names from user names and ids) is shortened, keeping its extension and adding 8 hex
    digits of its SHA-256 so that two long names stay apart. A name with a control character (NUL, a line break) is
    refused: no file system stores it faithfully.
    """
    name = os.path.basename(str(name).replace('\\', '/')).lstrip('.')
    if not name:
        raise ValueError('not a usable file name')
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        raise ValueError('the file name %r holds a control character' % name)
    encoded = name.encode('utf-8', 'surrogateescape')
    if len(encoded) > NAME_MAX:
        stem, extension = os.path.splitext(name)
        if len(extension.encode('utf-8', 'surrogateescape')) > 16:
            stem, extension = name, ''
        tag = '-' + hashlib.sha256(encoded).hexdigest()[:8] + extension
        room = NAME_MAX - len(tag.encode('utf-8', 'surrogateescape'))
        stem = stem.encode('utf-8', 'surrogateescape')[:room].decode('utf-8', 'ignore')
        name = stem + tag
    return name


def plain_file_name(name):
    """Whether ``name`` can be used as it is: no directory part, not hidden, not empty, not too long."""
    try:
        return safe_file_name(name) == name
    except ValueError:
        return False


# -- what a file is checked against -------------------------------------------------------------------------------


def listed_size_range(text):
    """``(low, high)``: the byte counts a size as a vendor lists it (``"3.484M"``) may stand for, or None if unknown.

    The unit is ambiguous (M may be 10**6 or 2**20 bytes) and the last digit may be rounded or cut off, so the range
    covers both readings of the unit and one unit of the last digit either way. A size without a unit, empty or in
    any other form says nothing certain and gives None.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int):
        return (text, text) if text >= 0 else None
    match = SIZE_TEXT.match(str(text))
    if not match or not (match.group(3) or match.group(4)):
        return None
    number, decimals, prefix = float(match.group(1)), len(match.group(2) or ''), match.group(3).upper()
    power = SIZE_UNITS[prefix]
    step = 10 ** -decimals
    if not prefix:  # plain bytes
        return (int(number), int(number)) if not decimals else None
    low = max(number - step, 0) * min(1000 ** power, 1024 ** power)
    high = (number + step) * max(1000 ** power, 1024 ** power)
    return (int(low), int(high + 1))


def parse_checksum(value, option='checksum'):
    """``(algorithm, hexdigest)`` of ``<algorithm>:<hexdigest>`` as ``ansible.builtin.get_url`` takes it.

    Raises ValueError with a message naming ``option``.
    """
    text = str(value).strip()
    algorithm, sep, digest = text.partition(':')
    algorithm, digest = algorithm.strip().lower(), digest.strip().lower()
    if not sep or not algorithm or not digest:
        raise ValueError('%s must be <algorithm>:<hexdigest> (for example sha256:9f86d0...), got %r' % (option, text))
    if algorithm not in hashlib.algorithms_guaranteed or algorithm.startswith('shake_'):
        raise ValueError('%s: unknown algorithm %s; use one of %s' % (option, algorithm, ', '.join(sorted(
            name for name in hashlib.algorithms_guaranteed if not name.startswith('shake_')))))
    length = hashlib.new(algorithm).digest_size * 2
    if len(digest) != length or any(character not in '0123456789abcdef' for character in digest):
        raise ValueError('%s: a %s digest is %d hexadecimal digits, got %r' % (option, algorithm, length, digest))
    return algorithm, digest


class Checksums:
    """The ``checksum`` option: one ``<algorithm>:<hexdigest>`` for a task that brings exactly one file, or a dict of
    them by file name (as named in ``dest``) for a task that brings several."""

    def __init__(self, value=None):
        self.single = None
        self.by_name = {}
        self.used = set()
        if value is None or value == '' or value == {}:
            return
        if isinstance(value, dict):
            for name, checksum in value.items():
                self.by_name[str(name)] = parse_checksum(checksum, 'checksum[%s]' % name)
        elif isinstance(value, (list, tuple)):
            raise ValueError('checksum must be a string or a dict by file name, got a list')
        else:
            self.single = parse_checksum(value)

    def __bool__(self):
        return self.single is not None or bool(self.by_name)

    def expect_files(self, count):
        """Refuse a single checksum for a task that brings ``count`` files, before any of them is fetched."""
        if self.single is not None and count != 1:
            raise DownloadError('checksum is a single <algorithm>:<hexdigest>, but the task brings %d files; give a '
                                'dict of checksums by file name instead' % count)

    def for_name(self, name):
        if self.single is not None:
            return self.single
        found = self.by_name.get(name)
        if found is not None:
            self.used.add(name)
        return found

    def unused(self):
        """The file names the dict names that the task did not bring."""
        return sorted(name for name in self.by_name if name not in self.used)


def download_options(params):
    """The parsed shared download options; raises ValueError with a message naming the option."""
    return Checksums(params.get('checksum'))


def content_type_problem(content_type, name):
    """Why an answer of ``content_type`` cannot be the file ``name``, or None.

    An HTML page is an error page or a login wall whatever the file. A JSON or XML document, or plain text, is one
    in place of a media file or an image (a vendor's error envelope); a playlist may come as text.
    """
    kind = (content_type or '').split(';')[0].strip().lower()
    if kind in ERROR_PAGE_TYPES:
        return 'the server sent an HTML page (%s), not the file' % kind
    if os.path.splitext(name)[1].lower() in BINARY_EXTENSIONS and (
            kind in TEXT_ANSWER_TYPES or kind.endswith(('+json', '+xml'))):
        return 'the server sent %s, not the file' % kind
    return None


def redirect_problem(current, target, allow_http):
    """Why a redirect from ``current`` to ``target`` must not be followed, or None."""
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ('http', 'https'):
        return 'the server redirected to a %s URL, which is never followed' % (scheme + ':' if scheme else 'relative')
    if scheme == 'http' and urlsplit(current).scheme.lower() == 'https' and not allow_http:
        return ('the server redirected from https to plain http (%s); set allow_http_download=true to accept that'
                % shown_url(target))
    return None


def insecure_url_problem(api_url, url, allow_http):
    """Why a download URL the vendor listed must not be used, or None: plain http while the API is reached over https."""
    if allow_http or not api_url:
        return None
    if urlsplit(api_url).scheme.lower() == 'https' and urlsplit(url).scheme.lower() == 'http':
        return ('the server lists it at a plain http URL (%s) while the API is reached over https; set '
                'allow_http_download=true to download it anyway' % shown_url(url))
    return None


# -- the transfer -------------------------------------------------------------------------------------------------


def _content_range_start(value):
    """The first byte of a ``Content-Range: bytes N-M/T`` header, or None."""
    match = re.match(r'^\s*bytes\s+(\d+)-\d+/(?:\d+|\*)\s*$', value or '')
    return int(match.group(1)) if match else None


def _content_range_total(value):
    match = re.match(r'^\s*bytes\s+\d+-\d+/(\d+)\s*$', value or '')
    return int(match.group(1)) if match else None


def _length(headers):
    value = (headers.get('Content-Length') or '').strip()
    return int(value) if value.isdigit() else None


class Remote:
    """A file on a server as a client reaches it.

    ``request(url, headers)`` sends one GET with the client's own retries (connection failures, 429, 5xx) and error
    wrapping, and returns the response once its headers arrived (``status``, ``headers``, ``chunks(size)``,
    ``close()``). ``retry`` (a RetryPolicy) bounds the attempts to finish a body that broke off: resumed with a
    ``Range`` request where the server accepts ranges, else started over.
    """

    def __init__(self, url, request, retry, allow_http=False, api_url=None, absent=(404,), status_meanings=None,
                 explain=None, deadline=None):
        self.url = url
        self.deadline = deadline  # the task's (an _http.Deadline), which also ends the attempts to finish a body
        self.status_meanings = status_meanings or {}
        self.explain = explain  # the vendor's words in an error answer's body, for the message
        self.request = request
        self.retry = retry
        self.allow_http = allow_http
        self.api_url = api_url
        self.absent = frozenset(absent)
        self.content_type = None

    def _get(self, name, offset=0, validator=None):
        """The response for the file from byte ``offset`` on, after following redirects."""
        headers = {}
        if offset:
            headers['Range'] = 'bytes=%d-' % offset
            if validator:
                headers['If-Range'] = validator
        url = self.url
        for dummy in range(MAX_REDIRECTS + 1):
            response = self.request(url, headers)
            if response.status not in REDIRECT_STATUSES:
                return response
            location = response.headers.get('Location')
            response.close()
            if not location:
                raise DownloadError('%s: the server answered HTTP %s without a Location' % (name, response.status))
            target = urljoin(url, location.strip())
            problem = redirect_problem(url, target, self.allow_http)
            if problem:
                raise DownloadError('%s: %s' % (name, problem))
            url = target
        raise DownloadError('%s: the server redirected more than %d times' % (name, MAX_REDIRECTS))

    def _judge(self, name, response, expected_status=200):
        """Raise unless ``response`` is the file; return the total length the headers announce, or None."""
        if response.status != expected_status:
            if response.status in self.absent:
                response.close()
                raise FileAbsent('%s: the server does not have it (HTTP %s)' % (name, response.status), response.status,
                                 content_type=response.headers.get('Content-Type'))
            words = self.explain(response) if self.explain is not None else None
            response.close()
            meaning = self.status_meanings.get(response.status)
            raise DownloadError('%s: the server answered HTTP %s%s%s' % (
                name, response.status, ' (%s)' % meaning if meaning else '', ': %s' % words if words else ''), response.status)
        self.content_type = (response.headers.get('Content-Type') or '').split(';')[0].strip() or None
        problem = content_type_problem(self.content_type, name)
        if problem:
            response.close()
            raise DownloadError('%s: %s' % (name, problem))
        if expected_status == 206:
            return _content_range_total(response.headers.get('Content-Range'))
        return _length(response.headers)

    def open(self, name):
        """Check the URL and start the transfer; raises FileAbsent when the server does not have the file."""
        problem = insecure_url_problem(self.api_url, self.url, self.allow_http)
        if problem:
            raise DownloadError('%s: %s' % (name, problem))
        response = self._get(name)
        total = self._judge(name, response)
        return _Transfer(self, response, total)

    def copy_to(self, sink, name, transfer=None):
        """Write the whole file into ``sink`` (``write(chunk)``, ``reset()``), resuming or restarting what broke off."""
        transfer = transfer or self.open(name)
        response, total = transfer.response, transfer.total
        accepts_ranges = (response.headers.get('Accept-Ranges') or '').strip().lower() == 'bytes'
        etag = (response.headers.get('ETag') or '').strip()
        validator = etag if etag and not etag.startswith('W/') else None
        offset = 0
        backoff = None
        while True:
            try:
                for chunk in response.chunks(CHUNK):
                    sink.write(chunk)
                    offset += len(chunk)
                if total is None or offset >= total:
                    return
                reason = 'the connection closed after %d of %d bytes' % (offset, total)
            except TransportError as exc:
                if not getattr(exc, 'transient', True):  # the task's time is up, or an answer too large: no repeat
                    raise DownloadError('%s: the transfer broke off: %s' % (name, exc))
                reason = str(exc)
            if backoff is None:  # the deadline counts from the first break
                backoff = self.retry.backoff(deadline=self.deadline)
            delay = backoff.next()
            if delay is None:
                raise DownloadError('%s: the transfer broke off (%s) and could not be completed: %s'
                                    % (name, reason, backoff.why_not()))
            self.retry.sleep(delay)
            resume = accepts_ranges and offset > 0
            response = self._get(name, offset if resume else 0, validator)
            if resume and response.status == 206 and _content_range_start(response.headers.get('Content-Range')) == offset:
                self._judge(name, response, 206)
                continue
            if resume and response.status != 200:
                # Not the part asked for (a range the server cannot serve, another part): the whole file once more.
                response.close()
                response = self._get(name)
            # A 200 to a range request is the whole file again (the file changed, or the server ignores ranges).
            total = self._judge(name, response)
            sink.reset()
            offset = 0
            accepts_ranges = (response.headers.get('Accept-Ranges') or '').strip().lower() == 'bytes'


class _Transfer:

    def __init__(self, remote, response, total):
        self.remote = remote
        self.response = response
        self.total = total


class Chunks:
    """A body already at hand (an iterable of bytes), for code and tests that need no transfer."""

    def __init__(self, chunks, content_type=None):
        self.chunks = chunks
        self.content_type = content_type

    def open(self, name):
        problem = content_type_problem(self.content_type, name)
        if problem:
            raise DownloadError('%s: %s' % (name, problem))
        return None

    def copy_to(self, sink, name, transfer=None):
        del name, transfer
        for chunk in self.chunks:
            sink.write(chunk)


# -- storing ------------------------------------------------------------------------------------------------------


class _Sink:
    """Where a transfer writes: the part file (none in check mode) and the digests."""

    def __init__(self, part, algorithm=None):
        self.part = part
        self.algorithm = algorithm
        self.reset()

    def reset(self):
        self.sha256 = hashlib.sha256()
        self.other = hashlib.new(self.algorithm) if self.algorithm and self.algorithm != 'sha256' else None
        self.size = 0
        if self.part is not None:
            self.part.rewind()

    def write(self, chunk):
        self.sha256.update(chunk)
        if self.other is not None:
            self.other.update(chunk)
        self.size += len(chunk)
        if self.part is not None:
            self.part.write(chunk)

    def digest(self, algorithm):
        return (self.other if self.other is not None and algorithm != 'sha256' else self.sha256).hexdigest()


def _reason(exc):
    """The operating system's words for a failure, without a traceback."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc)


def verify(name, size, listed_size=None, checksum=None, digest=None):
    """The reason why ``size`` bytes with ``digest(algorithm)`` are not the file the vendor and the user describe,
    or None."""
    if size == 0 and os.path.splitext(name)[1].lower() in BINARY_EXTENSIONS:
        return 'the server sent an empty file'
    bounds = listed_size_range(listed_size)
    if bounds is not None and not bounds[0] <= size <= bounds[1]:
        return 'the server lists its size as %s, but %d bytes came' % (listed_size, size)
    if checksum is not None:
        algorithm, expected = checksum
        actual = digest(algorithm)
        if actual != expected:
            return 'its %s is %s, not %s as checksum says' % (algorithm, actual, expected)
    return None


class Downloads:
    """The files one task brings into its ``dest``, with what the result and the diff say about them.

    Each file is written beside its target, verified, and only then placed (and recorded); a file that fails leaves
    ``dest`` as it was. ``records`` (a Ledger) is for artefacts that never change once produced, such as the files of
    a finished recording: what each URL gave is written down after it was verified and placed, and a file still in
    ``dest`` with that SHA-256 (and the size listed now, and the user's checksum) is not downloaded again.
    """

    RECORDS = 'downloads'

    def __init__(self, directory, check_mode=False, records=None, checksums=None, attributes=None):
        self.directory = directory
        self.check_mode = check_mode
        self.records = records
        self.checksums = checksums or Checksums()
        # A FileAttributes (mode, owner, group), or None: placed files keep what the umask gives them.
        self.attributes = attributes if attributes is not None and attributes.wanted else None
        self.files = []  # as the result shows them
        self._before = {}

    @staticmethod
    def _key(url):
        # A download URL may carry a signature; the record keeps only its hash.
        return hashlib.sha256(url.encode('utf-8')).hexdigest()

    def _path(self, name):
        try:
            name = safe_file_name(name)
        except ValueError as exc:
            raise StoreError('cannot store a file in %s: %s' % (self.directory, exc))
        return name, os.path.join(self.directory, name)

    def reuse(self, url, name, listed_size=None, **extra):
        """The entry for the file already in ``dest`` when it is what ``url`` gave before, else None."""
        if self.records is None:
            return None
        record = self.records.get(self.RECORDS, self._key(url))
        name, path = self._path(name)
        if not isinstance(record, dict) or not isinstance(record.get('size'), int):
            return None
        try:
            if not os.path.isfile(path) or os.path.getsize(path) != record['size']:
                return None
            checksum = self.checksums.for_name(name)
            sha256 = file_sha256(path)
            if checksum is not None and checksum[0] != 'sha256':
                matches = file_digest(path, checksum[0]) == checksum[1]
            else:
                matches = checksum is None or sha256 == checksum[1]
        except (OSError, ValueError) as exc:
            raise StoreError('cannot read %s in %s: %s' % (name, self.directory, _reason(exc)))
        if sha256 != record.get('sha256') or not matches or verify(name, record['size'], listed_size) is not None:
            return None
        changed = self.attributes is not None and self.attributes.apply(path)
        entry = dict(name=name, path=path, sha256=sha256, size=record['size'], changed=changed, downloaded=False)
        entry.update(extra, url=url)
        self._before[name] = sha256
        self.files.append(entry)
        return entry

    def fetch(self, source, name, url=None, listed_size=None, label='the file', **extra):
        """Bring ``source`` (a Remote, or Chunks) to ``dest/name`` unless the file there already holds the same
        bytes; ``name`` may be a function of the content type the server announced (messages call the file ``label``
        until then). Returns the file's entry.

        Raises FileAbsent when the server does not have the file, DownloadError (StoreError for the file system)
        when it cannot be brought.
        """
        if self.checksums.single is not None and self.files:
            raise DownloadError('checksum is a single <algorithm>:<hexdigest>, but the task brings more than one file; '
                                'give a dict of checksums by file name instead')
        transfer = source.open(name if isinstance(name, str) else label)
        if not isinstance(name, str):
            name = name(source.content_type)
        name, path = self._path(name)
        checksum = self.checksums.for_name(name)
        try:
            before = file_sha256(path) if os.path.isfile(path) else None
        except (OSError, ValueError) as exc:
            raise StoreError('cannot read %s in %s: %s' % (name, self.directory, _reason(exc)))
        if self.check_mode:
            sink = _Sink(None, checksum and checksum[0])
            source.copy_to(sink, name, transfer)
            problem = verify(name, sink.size, listed_size, checksum, sink.digest)
            if problem:
                raise DownloadError('%s: %s' % (name, problem))
            # A file that would be replaced or created is a change anyway; one that stays is judged by its attributes.
            attributes_changed = (self.attributes is not None and before == sink.sha256.hexdigest()
                                  and self.attributes.apply(path))
        else:
            with PartFile(path) as part:
                sink = _Sink(part, checksum and checksum[0])
                source.copy_to(sink, name, transfer)
                problem = verify(name, sink.size, listed_size, checksum, sink.digest)
                if problem:
                    raise DownloadError('%s: %s; it was not saved' % (name, problem))
                if before != sink.sha256.hexdigest():
                    # The attributes go onto the part file before the rename, so the file never shows in dest with
                    # the umask's mode (readable by others) when mode says otherwise.
                    part.place(self.attributes.apply if self.attributes is not None else None)
                    attributes_changed = False
                else:
                    attributes_changed = self.attributes is not None and self.attributes.apply(path)
        sha256 = sink.sha256.hexdigest()
        if before is not None:
            self._before[name] = before
        entry = dict(name=name, path=path, sha256=sha256, size=sink.size, changed=before != sha256 or attributes_changed)
        if url is not None:
            entry['url'] = url
            if self.records is not None and not self.check_mode:
                self.records.put(self.RECORDS, self._key(url), {'sha256': sha256, 'size': sink.size})
        if self.records is not None:
            entry['downloaded'] = True
        entry.update(extra)
        self.files.append(entry)
        return entry

    def store(self, chunks, name, url=None, **extra):
        """``fetch`` of a body already at hand."""
        return self.fetch(Chunks(chunks), name, url=url, **extra)

    def finish(self):
        """Fail when the ``checksum`` dict names a file the task did not bring (a typo would check nothing)."""
        unused = self.checksums.unused()
        if unused:
            raise DownloadError('checksum names %s, which the task did not download (it brought %s)'
                                % (', '.join(unused), ', '.join(f['name'] for f in self.files) or 'no file'))

    @property
    def changed(self):
        return any(f['changed'] for f in self.files)

    def diff(self):
        """The ``files`` parts of a diff: SHA-256 by file name, before and after."""
        return dict(self._before), dict((f['name'], f['sha256']) for f in self.files)


def store_stream(chunks, directory, name, check_mode=False):
    """Bring a body at hand to ``directory/name`` unless the file there already holds the same bytes.

    Returns a dict with ``name``, ``path``, ``sha256``, ``size``, ``changed`` and ``before`` (the SHA-256 of the file
    that was there, or None).
    """
    downloads = Downloads(directory, check_mode)
    entry = downloads.store(chunks, name)
    entry['before'] = downloads.diff()[0].get(entry['name'])
    return entry


def ignore_file_size_signal():
    """Past the file-size limit (``ulimit -f``) a write must fail with EFBIG, which becomes a message, rather than
    SIGXFSZ killing the process without one. CPython ignores SIGXFSZ at startup; this holds even where an embedding
    interpreter or a library installed a handler."""
    if hasattr(signal, 'SIGXFSZ'):
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        except ValueError:  # not the main thread: the main one set it already or stores nothing
            pass


class PartFile:
    """A temporary file next to ``path``: written through ``write``, then placed onto ``path`` or dropped.

    Whoever reads ``path`` sees the old file or the complete new one, never a part; the new file gets the mode a
    file created under the current umask would have (``mkstemp`` makes it 0600). Every failure of the file system
    is a StoreError naming the file and the reason.
    """

    def __init__(self, path):
        self.path = path
        self.name = None
        self.stream = None
        directory = os.path.dirname(path)
        ignore_file_size_signal()
        with self._failing('cannot create the directory %s' % directory):
            os.makedirs(directory, exist_ok=True)
        with self._failing('cannot write %s into %s' % (os.path.basename(path), directory)):
            handle, self.name = tempfile.mkstemp(dir=directory, prefix='.part-')
            self.stream = os.fdopen(handle, 'wb')

    def _failing(self, what):
        return _Failing(what)

    def write(self, chunk):
        with self._failing('cannot write %s into %s' % (os.path.basename(self.path), os.path.dirname(self.path))):
            self.stream.write(chunk)

    def rewind(self):
        with self._failing('cannot write %s into %s' % (os.path.basename(self.path), os.path.dirname(self.path))):
            self.stream.seek(0)
            self.stream.truncate()

    def place(self, prepare=None):
        """Rename the part file onto ``path``; ``prepare(part_path)`` runs before, on the part file (its attributes)."""
        with self._failing('cannot place %s into %s' % (os.path.basename(self.path), os.path.dirname(self.path))):
            self.stream.close()  # a full disk may only show when the buffer is flushed
            os.chmod(self.name, 0o666 & ~current_umask())
            if prepare is not None:
                prepare(self.name)
            # Not AnsibleModule.atomic_move: the action plugins place files on the controller without a module, and it
            # copies the old file's mode and owner onto the new one, undoing the mode, owner and group set just above.
            os.replace(self.name, self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.stream is not None:
            try:
                self.stream.close()
            except OSError:  # the write that failed already said why
                pass
        if self.name and os.path.exists(self.name):
            os.unlink(self.name)


class _Failing:
    """Turns a failure of the file system inside a ``with`` into a StoreError saying what could not be done."""

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, dummy_traceback):
        if isinstance(exc, (OSError, ValueError)) and not isinstance(exc, DownloadError):
            raise StoreError('%s: %s' % (self.what, _reason(exc))) from None
        return False


def current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def file_sha256(path, chunk_size=CHUNK):
    return file_digest(path, 'sha256', chunk_size)


def file_digest(path, algorithm, chunk_size=CHUNK):
    digest = hashlib.new(algorithm)
    with open(path, 'rb') as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b''):
            digest.update(chunk)
    return digest.hexdigest()


class FileAttributes:
    """The ``mode``, ``owner`` and ``group`` options, applied to each file the task brings, in a module.

    Uses AnsibleModule's own ``set_fs_attributes_if_different`` (what ansible.builtin.get_url and copy use): symbolic
    and octal modes, user and group names or ids, and in check mode a prediction without a change.
    """

    def __init__(self, module, mode_option='mode'):
        self.module = module
        self.params = dict(mode=module.params.get(mode_option), owner=module.params.get('owner'), group=module.params.get('group'))
        self.wanted = any(value is not None for value in self.params.values())

    def apply(self, path):
        """Give ``path`` the attributes asked for; whether that changed (in check mode: would change) it."""
        if not self.wanted:
            return False
        params = dict(self.params)
        file_args = self.module.load_file_common_arguments(params, path=path)
        return self.module.set_fs_attributes_if_different(file_args, False)


def local_attributes_problem(mode, owner, group):
    """Why ``mode``, ``owner`` or ``group`` cannot be applied on this machine, or None (checked before any download)."""
    if owner is not None and _lookup_id(owner, pwd.getpwnam) is None:
        return 'owner: no user %s on the controller' % owner
    if group is not None and _lookup_id(group, grp.getgrnam) is None:
        return 'group: no group %s on the controller' % group
    if mode is not None:
        try:
            _wanted_mode(os.stat('.'), mode)
        except ValueError as exc:
            return 'mode: %s' % exc
    return None


def apply_local_attributes(path, mode=None, owner=None, group=None, check_mode=False):
    """Give the controller's ``path`` the ``mode``, ``owner`` and ``group`` asked for; whether that changes it.

    For the action plugins, which place files on the controller after a module ran on a managed host: no
    AnsibleModule exists there, so this does with os.chown/os.chmod what its set_*_if_different do, same mode syntax.
    """
    status = os.lstat(path)
    uid = _lookup_id(owner, pwd.getpwnam) if owner is not None else -1
    gid = _lookup_id(group, grp.getgrnam) if group is not None else -1
    new_mode = _wanted_mode(status, mode) if mode is not None else None
    changed = (uid not in (-1, status.st_uid) or gid not in (-1, status.st_gid)
               or (new_mode is not None and new_mode != stat.S_IMODE(status.st_mode)))
    if changed and not check_mode:
        if uid not in (-1, status.st_uid) or gid not in (-1, status.st_gid):
            os.chown(path, uid, gid)
        if new_mode is not None:
            os.chmod(path, new_mode)
    return changed


def _lookup_id(name, by_name):
    text = str(name)
    if text.isdigit():
        return int(text)
    try:
        entry = by_name(text)
    except KeyError:
        return None
    return entry[2]


def _wanted_mode(status, mode):
    """The permission bits ``mode`` (octal string or int, or symbolic like u+rw,g-w) asks for on a file of ``status``."""
    if isinstance(mode, int):
        return mode
    text = str(mode).strip()
    if re.match(r'^[0-7]{1,4}$', text):
        return int(text, 8)
    try:
        # The parser of AnsibleModule itself (a classmethod since ansible-core 2.x): the same symbolic syntax as modules.
        return AnsibleModule._symbolic_mode_to_octal(status, text)  # pylint: disable=protected-access
    except ValueError as exc:
        raise ValueError('%s is neither an octal mode nor a symbolic one (u+rw,g-w): %s' % (text, exc))


class DownloadModule(AnsibleModule):
    """The AnsibleModule of a plugin that brings files into ``dest``: its result describes the files, not the directory."""

    def add_path_info(self, kwargs):
        # AnsibleModule would add the owner, mode and size of the directory named by the result's 'dest', as if the
        # task managed that directory (a file module's result); the files themselves are described under 'files'.
        return kwargs
