# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import os

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._download import Downloads, plain_file_name, store_stream

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
