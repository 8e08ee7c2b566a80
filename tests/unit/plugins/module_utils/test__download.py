# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._download import (
    Checksums, Chunks, DownloadError, Downloads, FileAbsent, Remote, StoreError, apply_local_attributes,
    content_type_problem, insecure_url_problem, local_attributes_problem, listed_size_range, parse_checksum, plain_file_name, redirect_problem, safe_file_name,
    store_stream,
)
from ansible_collections.rtcops.conference.plugins.module_utils._http import Deadline, RetryPolicy, TransportError

IMAGE = b'\x89PNG' + b'x' * 5000
OTHER = b'\xff\xd8' + b'y' * 300


def pieces(data, size=1000):
    return (data[i:i + size] for i in range(0, len(data), size))


def test_a_new_file_is_written_whole(tmp_path):
    stored = store_stream(pieces(IMAGE), str(tmp_path / 'new'), 'cover.png')
    assert (tmp_path / 'new' / 'cover.png').read_bytes() == IMAGE
    assert stored['sha256'] == hashlib.sha256(IMAGE).hexdigest()
    assert stored['size'] == len(IMAGE)
    assert stored['changed'] and stored['before'] is None
    assert os.listdir(str(tmp_path / 'new')) == ['cover.png']


def test_the_same_bytes_leave_the_file_alone(tmp_path):
    target = tmp_path / 'cover.png'
    target.write_bytes(IMAGE)
    os.utime(str(target), (1000000, 1000000))
    stored = store_stream(pieces(IMAGE), str(tmp_path), 'cover.png')
    assert not stored['changed']
    assert stored['before'] == stored['sha256']
    assert target.stat().st_mtime == 1000000
    assert os.listdir(str(tmp_path)) == ['cover.png']


def test_other_bytes_replace_the_file(tmp_path):
    (tmp_path / 'cover.png').write_bytes(OTHER)
    stored = store_stream(pieces(IMAGE), str(tmp_path), 'cover.png')
    assert stored['changed']
    assert stored['before'] == hashlib.sha256(OTHER).hexdigest()
    assert (tmp_path / 'cover.png').read_bytes() == IMAGE


def test_check_mode_reads_the_stream_and_writes_nothing(tmp_path):
    (tmp_path / 'cover.png').write_bytes(OTHER)
    stored = store_stream(pieces(IMAGE), str(tmp_path / 'cover-dir'), 'cover.png', check_mode=True)
    assert stored['changed'] and stored['sha256'] == hashlib.sha256(IMAGE).hexdigest()
    assert not (tmp_path / 'cover-dir').exists()
    stored = store_stream(pieces(IMAGE), str(tmp_path), 'cover.png', check_mode=True)
    assert stored['changed']
    assert (tmp_path / 'cover.png').read_bytes() == OTHER


def test_a_broken_stream_leaves_the_old_file_and_no_part(tmp_path):
    (tmp_path / 'cover.png').write_bytes(OTHER)

    def broken():
        yield IMAGE[:1000]
        raise OSError('connection reset')

    with pytest.raises(OSError):
        store_stream(broken(), str(tmp_path), 'cover.png')
    assert os.listdir(str(tmp_path)) == ['cover.png']
    assert (tmp_path / 'cover.png').read_bytes() == OTHER


def test_a_written_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        store_stream(pieces(IMAGE), str(tmp_path), 'cover.png')
    finally:
        os.umask(old)
    assert (tmp_path / 'cover.png').stat().st_mode & 0o777 == 0o640


def test_names_are_kept_inside_the_directory(tmp_path):
    stored = store_stream(pieces(IMAGE), str(tmp_path / 'd'), '../../etc/.passwd')
    assert stored['path'] == str(tmp_path / 'd' / 'passwd')
    assert not plain_file_name('../x.jpg')
    assert not plain_file_name('.hidden')
    assert plain_file_name('x.jpg')


def test_downloads_collect_the_diff_and_the_change(tmp_path):
    (tmp_path / 'a.png').write_bytes(IMAGE)
    downloads = Downloads(str(tmp_path))
    downloads.store(pieces(IMAGE), 'a.png', url='http://example.invalid/a.png')
    assert not downloads.changed
    downloads.store(pieces(OTHER), 'b.jpg')
    assert downloads.changed
    before, after = downloads.diff()
    assert before == {'a.png': hashlib.sha256(IMAGE).hexdigest()}
    assert after == {'a.png': hashlib.sha256(IMAGE).hexdigest(), 'b.jpg': hashlib.sha256(OTHER).hexdigest()}
    assert downloads.files[0]['url'] == 'http://example.invalid/a.png'
    assert 'before' not in downloads.files[0]


class MemoryRecords:
    """The two Ledger calls Downloads uses."""

    def __init__(self):
        self.entries = {}

    def get(self, kind, key):
        return self.entries.get((kind, key))

    def put(self, kind, key, value):
        self.entries[(kind, key)] = value
        return True


def test_a_recorded_download_still_in_dest_is_not_fetched_again(tmp_path):
    records = MemoryRecords()
    first = Downloads(str(tmp_path), records=records)
    first.store(pieces(IMAGE), 'a.mp4', url='https://avd.invalid/attachment?file=/x/a.mp4')
    assert first.files[0]['downloaded']
    assert all('avd.invalid' not in key for dummy, key in records.entries)  # only a hash of the URL is kept
    second = Downloads(str(tmp_path), records=records)
    entry = second.reuse('https://avd.invalid/attachment?file=/x/a.mp4', 'a.mp4')
    assert entry['sha256'] == hashlib.sha256(IMAGE).hexdigest()
    assert not entry['downloaded'] and not entry['changed'] and not second.changed
    assert second.diff()[0] == {'a.mp4': entry['sha256']}
    assert second.reuse('https://avd.invalid/attachment?file=/x/b.mp4', 'a.mp4') is None


def test_a_changed_or_missing_file_is_fetched_again(tmp_path):
    records = MemoryRecords()
    Downloads(str(tmp_path), records=records).store(pieces(IMAGE), 'a.mp4', url='https://avd.invalid/a.mp4')
    (tmp_path / 'a.mp4').write_bytes(IMAGE[:-1] + b'!')  # same size, other bytes
    assert Downloads(str(tmp_path), records=records).reuse('https://avd.invalid/a.mp4', 'a.mp4') is None
    (tmp_path / 'a.mp4').unlink()
    assert Downloads(str(tmp_path), records=records).reuse('https://avd.invalid/a.mp4', 'a.mp4') is None


def test_check_mode_records_nothing(tmp_path):
    records = MemoryRecords()
    Downloads(str(tmp_path), check_mode=True, records=records).store(pieces(IMAGE), 'a.mp4', url='https://avd.invalid/a.mp4')
    assert records.entries == {}


# -- sizes as vendors list them ----------------------------------------------------------------------------------


@pytest.mark.parametrize('listed, size', [
    ('3.484M', 3484000),            # M read as 10**6
    ('3.484M', int(3.484 * 2 ** 20)),  # M read as 2**20
    ('3.484M', 3484999),            # rounded up from 3.4845
    ('3.484M', 3483100),            # cut off rather than rounded
    ('0.004M', 4096),
    ('20.547 MB', 20547000),
    ('512K', 512 * 1024),
    ('1.5KiB', 1536),
    ('4096B', 4096),
    (4096, 4096),
])
def test_a_listed_size_accepts_both_readings_of_its_unit(listed, size):
    low, high = listed_size_range(listed)
    assert low <= size <= high


@pytest.mark.parametrize('listed, size', [
    ('3.484M', 1742000),   # half of it: a body cut short
    ('3.484M', 3700000),   # more than either reading allows
    ('0.004M', 100),       # a short Content-Length
    ('4096B', 4095),
    (4096, 4097),
])
def test_a_listed_size_refuses_what_is_clearly_another_size(listed, size):
    low, high = listed_size_range(listed)
    assert not low <= size <= high


@pytest.mark.parametrize('listed', [None, '', '   ', 'unknown', '3.484', '12', '-1M', True, -5])
def test_an_empty_or_unitless_size_says_nothing(listed):
    assert listed_size_range(listed) is None


# -- the checksum option -----------------------------------------------------------------------------------------


def test_a_checksum_is_algorithm_and_digest():
    digest = hashlib.sha1(b'x').hexdigest()
    assert parse_checksum('SHA1:' + digest.upper()) == ('sha1', digest)
    assert parse_checksum(' md5 : ' + hashlib.md5(b'x').hexdigest()) == ('md5', hashlib.md5(b'x').hexdigest())


@pytest.mark.parametrize('value, words', [
    ('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', '<algorithm>:<hexdigest>'),
    ('sha256:', '<algorithm>:<hexdigest>'),
    ('crc32:1234abcd', 'unknown algorithm crc32'),
    ('shake_128:00', 'unknown algorithm shake_128'),
    ('sha256:abc', 'a sha256 digest is 64 hexadecimal digits'),
    ('md5:' + 'z' * 32, 'a md5 digest is 32 hexadecimal digits'),
])
def test_a_bad_checksum_is_refused_naming_the_option(value, words):
    with pytest.raises(ValueError) as info:
        Checksums(value)
    assert str(info.value).startswith('checksum')
    assert words in str(info.value)


def test_checksums_by_file_name_name_the_file_in_their_message():
    with pytest.raises(ValueError, match=r'checksum\[a.mp4\]: unknown algorithm'):
        Checksums({'a.mp4': 'sha999:00'})
    with pytest.raises(ValueError, match='a string or a dict'):
        Checksums(['sha256:00'])


def test_a_single_checksum_fits_a_task_of_one_file_only():
    checksums = Checksums('sha256:' + hashlib.sha256(IMAGE).hexdigest())
    checksums.expect_files(1)
    with pytest.raises(DownloadError, match='brings 3 files; give a dict'):
        checksums.expect_files(3)
    assert not Checksums(None) and not Checksums('') and not Checksums({})


# -- content types, redirects, URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize('content_type, name', [
    ('text/html; charset=utf-8', 'a.mp4'),
    ('text/html', 'playlist.m3u8'),
    ('application/xhtml+xml', 'cover.jpg'),
    ('application/json', 'a.mp4'),
    ('text/plain', 'cover.png'),
    ('application/problem+json', 'a.ts'),
])
def test_an_error_page_is_not_the_file(content_type, name):
    assert content_type_problem(content_type, name)


@pytest.mark.parametrize('content_type, name', [
    ('application/octet-stream', 'a.mp4'),   # how AVD serves every file
    ('video/mp4', 'a.mp4'),
    ('audio/mpeg', 'a.mp3'),
    ('application/vnd.apple.mpegurl', 'index.m3u8'),
    ('text/plain', 'index.m3u8'),           # many storages serve playlists as text
    ('video/mp2t', 'seg-1.ts'),
    ('image/jpeg', 'x.jpg'),
    (None, 'x.jpg'),
])
def test_media_types_and_playlists_as_text_are_accepted(content_type, name):
    assert content_type_problem(content_type, name) is None


def test_redirects_stay_on_http_and_https():
    assert redirect_problem('https://a.example/x', 'https://b.example/y', False) is None
    assert redirect_problem('http://a.example/x', 'http://b.example/y', False) is None
    assert 'file: URL' in redirect_problem('https://a.example/x', 'file:///etc/passwd', True)
    assert 'allow_http_download' in redirect_problem('https://a.example/x', 'http://b.example/y?sig=s3cr3t', False)
    assert 's3cr3t' not in redirect_problem('https://a.example/x', 'http://b.example/y?sig=s3cr3t', False)
    assert redirect_problem('https://a.example/x', 'http://b.example/y', True) is None


def test_a_listed_http_url_is_refused_under_an_https_api():
    assert 'allow_http_download' in insecure_url_problem('https://api.example', 'http://files.example/a.mp4', False)
    assert insecure_url_problem('https://api.example', 'http://files.example/a.mp4', True) is None
    assert insecure_url_problem('http://api.example', 'http://files.example/a.mp4', False) is None
    assert insecure_url_problem('https://api.example', 'https://files.example/a.mp4', False) is None


def test_server_names_with_control_characters_are_refused_and_long_ones_shortened():
    with pytest.raises(ValueError, match='control character'):
        safe_file_name('a\x00b.mp4')
    long_one, other = 'x' * 400 + '.mp4', 'x' * 399 + 'y.mp4'
    assert len(safe_file_name(long_one).encode()) == 255 and safe_file_name(long_one).endswith('.mp4')
    assert safe_file_name(long_one) != safe_file_name(other)
    assert len(safe_file_name('é' * 200 + '.jpg').encode()) <= 255
    assert not plain_file_name(long_one)


# -- transfers ---------------------------------------------------------------------------------------------------


class Reply:
    """A response as the clients hand it over: status, headers, a body in chunks that may break off."""

    def __init__(self, status, body=b'', headers=None, cut_after=None, length=True):
        self.status = status
        self.headers = dict(headers or {})
        if length and status in (200, 206) and 'Content-Length' not in self.headers:
            self.headers['Content-Length'] = str(len(body))
        self.body = body
        self.cut_after = cut_after
        self.closed = False

    def chunks(self, size):
        sent = self.body if self.cut_after is None else self.body[:self.cut_after]
        for start in range(0, len(sent), 1000):
            yield sent[start:start + 1000]
        if self.cut_after is not None and self.cut_after < 0:
            raise TransportError('reading the answer failed: connection reset by peer', sent=True)

    def close(self):
        self.closed = True


class Server:
    """``open_at`` of a client: answers each request with the next reply, and keeps the headers it was sent."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.requests = []

    def __call__(self, url, headers):
        self.requests.append((url, dict(headers)))
        reply = self.replies.pop(0)
        return reply(url, headers) if callable(reply) else reply


class Clock:

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def policy(deadline=30.0):
    clock = Clock()
    return RetryPolicy(deadline=deadline, sleep=clock.sleep, clock=clock)


RECORDING = bytes(range(256)) * 40  # 10240 bytes
RANGED = {'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream'}


def partial(offset, body=RECORDING):
    return Reply(206, body[offset:], {'Content-Range': 'bytes %d-%d/%d' % (offset, len(body) - 1, len(body))})


def fetch(tmp_path, server, name='a.mp4', url='https://files.example/a.mp4?sig=s3cr3t', **options):
    downloads = Downloads(str(tmp_path), checksums=options.pop('checksums', None))
    remote = Remote(url, server, options.pop('retry', policy()), **options)
    return downloads.fetch(remote, name, url=url, listed_size=None), downloads


def test_a_body_cut_short_is_resumed_from_where_it_stopped(tmp_path):
    short = Reply(200, RECORDING, dict(RANGED, ETag='"v1"'), cut_after=4000)  # Content-Length announces it all
    server = Server(short, partial(4000))
    entry, dummy = fetch(tmp_path, server)
    assert (tmp_path / 'a.mp4').read_bytes() == RECORDING
    assert entry['sha256'] == hashlib.sha256(RECORDING).hexdigest() and entry['changed']
    assert server.requests[1][1] == {'Range': 'bytes=4000-', 'If-Range': '"v1"'}


def test_a_reset_transfer_is_resumed_too(tmp_path):
    class ResetAt3000(Reply):
        def chunks(self, size):
            yield RECORDING[:3000]
            raise TransportError('reading the answer failed: [Errno 104] Connection reset by peer', sent=True)

    server = Server(ResetAt3000(200, RECORDING, RANGED), partial(3000))
    fetch(tmp_path, server)
    assert (tmp_path / 'a.mp4').read_bytes() == RECORDING
    assert server.requests[1][1]['Range'] == 'bytes=3000-'


def test_without_ranges_a_broken_transfer_starts_over(tmp_path):
    server = Server(Reply(200, RECORDING, {}, cut_after=5000), Reply(200, RECORDING))
    fetch(tmp_path, server)
    assert (tmp_path / 'a.mp4').read_bytes() == RECORDING
    assert 'Range' not in server.requests[1][1]


def test_a_whole_file_answered_to_a_range_replaces_the_part(tmp_path):
    server = Server(Reply(200, RECORDING, RANGED, cut_after=5000), Reply(200, RECORDING, RANGED))
    entry, dummy = fetch(tmp_path, server)
    assert (tmp_path / 'a.mp4').read_bytes() == RECORDING and entry['size'] == len(RECORDING)


def test_a_part_that_starts_elsewhere_is_not_spliced_in(tmp_path):
    wrong = Reply(206, RECORDING[100:], {'Content-Range': 'bytes 100-10239/10240'})
    server = Server(Reply(200, RECORDING, RANGED, cut_after=5000), wrong, Reply(200, RECORDING))
    fetch(tmp_path, server)
    assert (tmp_path / 'a.mp4').read_bytes() == RECORDING
    assert wrong.closed and 'Range' not in server.requests[2][1]


def test_breaks_are_retried_within_the_deadline_only(tmp_path):
    (tmp_path / 'a.mp4').write_bytes(b'the good old file')
    server = Server(*[Reply(200, RECORDING, {}, cut_after=10) for dummy in range(100)])
    with pytest.raises(DownloadError) as info:
        fetch(tmp_path, server, retry=policy(deadline=5))
    assert 'a.mp4: the transfer broke off (the connection closed after 10 of 10240 bytes)' in str(info.value)
    assert 1 < len(server.requests) < 100
    assert os.listdir(str(tmp_path)) == ['a.mp4'] and (tmp_path / 'a.mp4').read_bytes() == b'the good old file'


def test_the_tasks_deadline_ends_the_attempts_to_finish_a_body(tmp_path):
    retry = policy(deadline=30)
    server = Server(*[Reply(200, RECORDING, {}, cut_after=10) for dummy in range(100)])
    task = Deadline(2, 'task_timeout', retry.clock)
    with pytest.raises(DownloadError) as info:
        fetch(tmp_path, server, retry=retry, deadline=task)
    assert 'task_timeout' in str(info.value)
    assert retry.clock() <= 2
    assert not os.path.exists(str(tmp_path / 'a.mp4'))


@pytest.mark.parametrize('reply, words', [
    (Reply(200, b'<html>502 Bad Gateway</html>', {'Content-Type': 'text/html'}), 'an HTML page (text/html)'),
    (Reply(500, b'oops'), 'the server answered HTTP 500'),
    (Reply(302, headers={'Location': 'file:///etc/passwd'}), 'redirected to a file: URL'),
    (Reply(302, headers={'Location': 'http://cdn.example/a.mp4?sig=s3cr3t'}), 'allow_http_download'),
    (Reply(302), 'HTTP 302 without a Location'),
    (Reply(200, b''), 'sent an empty file'),
])
def test_a_wrong_answer_is_never_placed_and_leaves_the_old_file(tmp_path, reply, words):
    (tmp_path / 'a.mp4').write_bytes(b'the good old file')
    with pytest.raises(DownloadError) as info:
        fetch(tmp_path, Server(reply))
    assert str(info.value).startswith('a.mp4: ') and words in str(info.value)
    assert 's3cr3t' not in str(info.value)
    assert os.listdir(str(tmp_path)) == ['a.mp4'] and (tmp_path / 'a.mp4').read_bytes() == b'the good old file'


def test_redirects_are_followed_a_bounded_number_of_times(tmp_path):
    server = Server(Reply(302, headers={'Location': '/moved/a.mp4'}), Reply(200, RECORDING))
    fetch(tmp_path, server)
    assert server.requests[1][0] == 'https://files.example/moved/a.mp4'
    loop = Server(*[Reply(301, headers={'Location': '/again'}) for dummy in range(10)])
    with pytest.raises(DownloadError, match='redirected more than 5 times'):
        fetch(tmp_path, loop)
    assert len(loop.requests) == 6


def test_a_missing_file_is_told_apart(tmp_path):
    with pytest.raises(FileAbsent):
        fetch(tmp_path, Server(Reply(404)))
    with pytest.raises(DownloadError, match=r'HTTP 404 \(gone\)') as info:
        fetch(tmp_path, Server(Reply(404)), absent=(), status_meanings={404: 'gone'})
    assert not isinstance(info.value, FileAbsent) and info.value.status == 404


def test_a_listed_http_url_is_not_even_requested(tmp_path):
    server = Server()
    with pytest.raises(DownloadError, match='allow_http_download'):
        fetch(tmp_path, server, url='http://files.example/a.mp4', api_url='https://api.example')
    assert server.requests == []


def test_a_listed_size_that_does_not_match_keeps_the_file_out(tmp_path):
    downloads = Downloads(str(tmp_path))
    with pytest.raises(DownloadError, match=r'a.mp4: the server lists its size as 0.010M, but 100 bytes came; it was not saved'):
        downloads.fetch(Chunks([RECORDING[:100]]), 'a.mp4', listed_size='0.010M')
    assert os.listdir(str(tmp_path)) == []
    entry = downloads.fetch(Chunks([RECORDING]), 'a.mp4', listed_size='0.010M')
    assert entry['size'] == len(RECORDING)


def test_the_users_checksum_decides(tmp_path):
    good = Checksums({'a.mp4': 'md5:' + hashlib.md5(RECORDING).hexdigest()})
    assert Downloads(str(tmp_path), checksums=good).store([RECORDING], 'a.mp4')['changed']
    corrupt = RECORDING[:50] + b'!' + RECORDING[51:]
    downloads = Downloads(str(tmp_path), checksums=good)
    with pytest.raises(DownloadError, match='a.mp4: its md5 is [0-9a-f]{32}, not %s as checksum says'
                       % hashlib.md5(RECORDING).hexdigest()):
        downloads.store([corrupt], 'a.mp4')
    assert (tmp_path / 'a.mp4').read_bytes() == RECORDING


def test_a_checksum_for_a_file_never_brought_fails_the_task(tmp_path):
    downloads = Downloads(str(tmp_path), checksums=Checksums({'b.mp4': 'sha256:' + '0' * 64}))
    downloads.store([RECORDING], 'a.mp4')
    with pytest.raises(DownloadError, match='checksum names b.mp4, which the task did not download'):
        downloads.finish()


def test_an_unverified_file_is_never_recorded_nor_reused(tmp_path):
    records = MemoryRecords()
    url = 'https://avd.invalid/attachment?file=/x/a.mp4'
    with pytest.raises(DownloadError):
        Downloads(str(tmp_path), records=records).fetch(Chunks([RECORDING[:100]]), 'a.mp4', url=url, listed_size='0.010M')
    assert records.entries == {}
    # A short file someone left there, and a record of it from an older version: the listed size refuses it.
    (tmp_path / 'a.mp4').write_bytes(RECORDING[:100])
    records.put(Downloads.RECORDS, Downloads._key(url), {'sha256': hashlib.sha256(RECORDING[:100]).hexdigest(), 'size': 100})
    assert Downloads(str(tmp_path), records=records).reuse(url, 'a.mp4', listed_size='0.010M') is None
    checked = Downloads(str(tmp_path), records=records, checksums=Checksums('sha256:' + hashlib.sha256(RECORDING).hexdigest()))
    assert checked.reuse(url, 'a.mp4') is None


# -- the file system ---------------------------------------------------------------------------------------------


def test_a_dest_that_is_a_file_is_a_clean_failure(tmp_path):
    (tmp_path / 'plain').write_bytes(b'x')
    with pytest.raises(StoreError) as info:
        store_stream([IMAGE], str(tmp_path / 'plain' / 'sub'), 'cover.png')
    assert str(info.value) == 'cannot create the directory %s: Not a directory' % (tmp_path / 'plain' / 'sub')


def test_a_name_the_file_system_cannot_hold_is_a_clean_failure(tmp_path):
    with pytest.raises(StoreError, match='control character'):
        store_stream([IMAGE], str(tmp_path), 'cover\x00.png')
    with pytest.raises(StoreError, match='embedded null byte'):
        store_stream([IMAGE], str(tmp_path / 'd\x00ir'), 'cover.png')
    with pytest.raises(StoreError, match='File name too long'):
        store_stream([IMAGE], str(tmp_path / ('d' * 300)), 'cover.png')


class FullDisk:
    """A part file's stream on a disk that fills up after ``room`` bytes."""

    def __init__(self, stream, room):
        self.stream = stream
        self.room = room

    def write(self, chunk):
        if len(chunk) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(chunk)
        return self.stream.write(chunk)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def test_a_full_disk_is_a_clean_failure_and_leaves_no_part(tmp_path, monkeypatch):
    from ansible_collections.rtcops.conference.plugins.module_utils import _download
    original = _download.PartFile.__init__

    def on_full_disk(self, path):
        original(self, path)
        self.stream = FullDisk(self.stream, 2000)

    monkeypatch.setattr(_download.PartFile, '__init__', on_full_disk)
    (tmp_path / 'cover.png').write_bytes(OTHER)
    with pytest.raises(StoreError) as info:
        store_stream(pieces(IMAGE), str(tmp_path), 'cover.png')
    assert str(info.value) == 'cannot write cover.png into %s: No space left on device' % tmp_path
    assert os.listdir(str(tmp_path)) == ['cover.png'] and (tmp_path / 'cover.png').read_bytes() == OTHER


FILE_SIZE_LIMIT = """
import resource, sys
from ansible_collections.rtcops.conference.plugins.module_utils._download import StoreError, store_stream
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    store_stream([b'x' * 10000], sys.argv[1], 'big.mp4')
except StoreError as exc:
    print(exc)
"""


def test_the_file_size_limit_is_a_message_not_a_killed_process(tmp_path):
    completed = subprocess.run([sys.executable, '-c', FILE_SIZE_LIMIT, str(tmp_path)], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), check=False, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == 'cannot write big.mp4 into %s: File too large' % tmp_path
    assert os.listdir(str(tmp_path)) == []


class RecordedAttributes:
    """Stands in for FileAttributes: records the paths it was applied to, and answers ``changes`` for a present file."""

    wanted = True

    def __init__(self, changes=False, mode=0o600):
        self.changes = changes
        self.mode = mode
        self.applied = []

    def apply(self, path):
        self.applied.append(os.path.basename(path))
        os.chmod(path, self.mode)
        return self.changes


def test_a_new_file_gets_its_attributes_before_it_is_placed(tmp_path):
    attributes = RecordedAttributes()
    downloads = Downloads(str(tmp_path), attributes=attributes)
    entry = downloads.store(pieces(IMAGE), 'cover.png')
    assert entry['changed']
    assert len(attributes.applied) == 1 and attributes.applied[0].startswith('.part-'), 'applied to the part file'
    assert oct((tmp_path / 'cover.png').stat().st_mode & 0o777) == oct(0o600)


@pytest.mark.parametrize('changes', [True, False])
def test_the_same_file_is_a_change_only_when_its_attributes_change(tmp_path, changes):
    (tmp_path / 'cover.png').write_bytes(IMAGE)
    attributes = RecordedAttributes(changes=changes)
    entry = Downloads(str(tmp_path), attributes=attributes).store(pieces(IMAGE), 'cover.png')
    assert attributes.applied == ['cover.png']
    assert entry['changed'] is changes


def test_check_mode_asks_the_attributes_of_a_present_file_only(tmp_path):
    (tmp_path / 'cover.png').write_bytes(IMAGE)
    attributes = RecordedAttributes(changes=True)
    downloads = Downloads(str(tmp_path), check_mode=True, attributes=attributes)
    assert downloads.store(pieces(IMAGE), 'cover.png')['changed']
    assert downloads.store(pieces(IMAGE), 'new.png')['changed']
    assert attributes.applied == ['cover.png']


def test_controller_attributes_change_the_mode_once(tmp_path):
    target = tmp_path / 'cover.png'
    target.write_bytes(IMAGE)
    os.chmod(str(target), 0o644)
    assert apply_local_attributes(str(target), mode='0600', check_mode=True)
    assert target.stat().st_mode & 0o777 == 0o644, 'check mode changes nothing'
    assert apply_local_attributes(str(target), mode='0600')
    assert target.stat().st_mode & 0o777 == 0o600
    assert not apply_local_attributes(str(target), mode='0600')
    assert apply_local_attributes(str(target), mode='g+r')
    assert target.stat().st_mode & 0o777 == 0o640
    assert not apply_local_attributes(str(target), owner=str(os.getuid()), group=str(os.getgid()))
    assert not apply_local_attributes(str(target))


def test_controller_attributes_are_checked_before_any_download():
    assert local_attributes_problem(None, None, None) is None
    assert local_attributes_problem('0640', str(os.getuid()), None) is None
    assert local_attributes_problem(None, 'no-such-user-here', None) == 'owner: no user no-such-user-here on the controller'
    assert local_attributes_problem(None, None, 'no-such-group-here') == 'group: no group no-such-group-here on the controller'
    assert local_attributes_problem('rw-everything', None, None).startswith('mode: rw-everything is neither an octal mode')
