# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import json
import tracemalloc

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.rtcops.conference.plugins.module_utils import _avd_client
from ansible_collections.rtcops.conference.plugins.module_utils import _http
from ansible_collections.rtcops.conference.plugins.module_utils import _avd_upload
from ansible_collections.rtcops.conference.plugins.modules import avd_upload

MIB = 1024 * 1024
SERVER = 'http://avd.invalid:9610'


def run_module(capsys, **args):
    base = dict(server_url=SERVER, access_key='ak', secret_key='sk-do-not-show')
    base.update(args)
    with patch_module_args(base):
        with pytest.raises(SystemExit) as exit_info:
            avd_upload.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)


class FakeServer:
    """Replaces the client's file calls: ``files`` maps server paths to their bytes."""

    def __init__(self, monkeypatch, files=None, upload_answer=None, lose_answer=False, head=True):
        self.files = dict(files or {})
        self.uploads = []
        self.downloads = []
        self.heads = []
        self.upload_answer = upload_answer
        self.lose_answer = lose_answer
        server = self

        def attachment_chunks(client, server_file, chunk_size=MIB):
            server.downloads.append(server_file)
            if server_file not in server.files:
                return None
            data = server.files[server_file]
            return iter([data[i:i + 3] for i in range(0, len(data), 3)] or [b''])

        def upload(client, local_path, server_dir, filename, storage_only_cluster=False, verify=None):
            server.uploads.append((local_path, server_dir, filename, storage_only_cluster))
            with open(local_path, 'rb') as stream:
                server.files[server_dir.rstrip('/') + '/' + filename] = stream.read()
            if server.lose_answer:
                return verify()
            return server.upload_answer or {'ret': 0, 'msg': 'success',
                                            'download_url': 'https://cdn.invalid/attachment?file=%s/%s' % (server_dir, filename)}

        def server_size(client, server_file):
            # head=False: a server that does not tell sizes (no HEAD, or no Content-Length).
            server.heads.append(server_file)
            return len(server.files[server_file]) if head and server_file in server.files else None

        monkeypatch.setattr(_avd_client.AvdClient, 'attachment_chunks', attachment_chunks)
        monkeypatch.setattr(_avd_upload, 'server_size', server_size)
        monkeypatch.setattr(avd_upload, 'server_size', server_size)
        monkeypatch.setattr(_avd_client.AvdClient, 'upload', upload)

        def no_api_call(*args, **kwargs):
            raise AssertionError('the upload module must not call the sdkapi (no token is documented for uploads)')

        monkeypatch.setattr(_avd_client.AvdClient, 'call', no_api_call)
        monkeypatch.setattr(_avd_client.AvdClient, 'token', no_api_call)


def write(path, data):
    path.write_bytes(data)
    return str(path)


def sparse(path, size):
    with open(path, 'wb') as stream:
        stream.truncate(size)
    return str(path)


# -- validation -----------------------------------------------------------------------------------


def test_missing_src_is_named(tmp_path, capsys):
    rc, out = run_module(capsys, src=str(tmp_path / 'nope.png'))
    assert rc == 1
    assert out['msg'].startswith('src ')
    assert 'does not exist' in out['msg']


def test_directory_src_is_refused(tmp_path, capsys):
    folder = tmp_path / 'pictures.png'
    folder.mkdir()
    rc, out = run_module(capsys, src=str(folder))
    assert rc == 1
    assert out['msg'].startswith('src ') and 'not a regular file' in out['msg']


@pytest.mark.parametrize('name', ['notes.txt', 'clip.jpeg', 'archive.png.zip', 'README'])
def test_unsupported_extension_is_refused(tmp_path, capsys, monkeypatch, name):
    server = FakeServer(monkeypatch)
    rc, out = run_module(capsys, src=write(tmp_path / name, b'x'))
    assert rc == 1
    assert out['msg'].startswith('src ')
    for extension in ('png', 'jpg', 'mp3', 'mp4', 'avi'):
        assert extension in out['msg']
    assert server.uploads == [] and server.downloads == []


@pytest.mark.parametrize('name', ['LOGO.PNG', 'photo.Jpg', 'song.mp3', 'talk.MP4', 'old.avi'])
def test_supported_extensions_in_any_case(tmp_path, capsys, monkeypatch, name):
    FakeServer(monkeypatch)
    rc, out = run_module(capsys, src=write(tmp_path / name, b'content'))
    assert rc == 0, out
    assert out['changed'] is True


def test_file_over_50_mib_needs_storage_only_cluster(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch)
    src = sparse(tmp_path / 'big.mp4', 50 * MIB + 1)
    rc, out = run_module(capsys, src=src)
    assert rc == 1
    assert 'storage_only_cluster' in out['msg']
    assert server.uploads == [] and server.downloads == []


def test_file_of_exactly_50_mib_is_accepted(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch)
    rc, out = run_module(capsys, src=sparse(tmp_path / 'edge.mp4', 50 * MIB), _ansible_check_mode=True)
    assert rc == 0, out
    assert out['size'] == 52428800
    assert server.uploads == []


def test_large_file_with_storage_only_cluster(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch)
    src = sparse(tmp_path / 'big.mp4', 50 * MIB + 1)
    rc, out = run_module(capsys, src=src, storage_only_cluster=True)
    assert rc == 0, out
    assert server.uploads == [(src, '/opt/3tee/resources', 'big.mp4', True)]


@pytest.mark.parametrize('path', ['opt/3tee/resources', 'resources', '~/resources'])
def test_relative_path_is_refused(tmp_path, capsys, monkeypatch, path):
    server = FakeServer(monkeypatch)
    rc, out = run_module(capsys, src=write(tmp_path / 'a.png', b'x'), path=path)
    assert rc == 1
    assert out['msg'].startswith('path ') and 'absolute' in out['msg']
    assert server.uploads == []


# -- idempotence ----------------------------------------------------------------------------------


def test_identical_file_is_not_sent(tmp_path, capsys, monkeypatch):
    data = b'\x89PNG fake image bytes' * 10
    server = FakeServer(monkeypatch, files={'/opt/3tee/resources/logo.png': data})
    rc, out = run_module(capsys, src=write(tmp_path / 'logo.png', data))
    assert rc == 0, out
    assert out['changed'] is False
    assert server.uploads == []
    assert out['dest'] == '/opt/3tee/resources/logo.png'
    assert out['checksum'] == hashlib.sha256(data).hexdigest()
    assert out['size'] == len(data)
    assert out['download_url'] == SERVER + '/attachment?file=/opt/3tee/resources/logo.png'
    expected = {'dest': '/opt/3tee/resources/logo.png', 'checksum': hashlib.sha256(data).hexdigest()}
    assert out['diff']['before'] == out['diff']['after'] == expected


def test_different_file_of_the_same_size_is_compared_by_checksum_and_uploaded(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch, files={'/srv/media/intro.mp4': b'old video'})
    src = write(tmp_path / 'intro.mp4', b'new video')
    rc, out = run_module(capsys, src=src, path='/srv/media/')
    assert rc == 0, out
    assert out['changed'] is True
    assert server.downloads == ['/srv/media/intro.mp4']
    assert server.uploads == [(src, '/srv/media', 'intro.mp4', False)]
    # The server's answer is returned verbatim, even on another host (Q-AVD-12).
    assert out['download_url'] == 'https://cdn.invalid/attachment?file=/srv/media/intro.mp4'
    assert out['diff']['before'] == {'dest': '/srv/media/intro.mp4', 'checksum': hashlib.sha256(b'old video').hexdigest()}
    assert out['diff']['after'] == {'dest': '/srv/media/intro.mp4', 'checksum': hashlib.sha256(b'new video').hexdigest()}


def test_file_of_another_size_is_uploaded_without_downloading_the_server_copy(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch, files={'/srv/media/intro.mp4': b'old'})
    src = write(tmp_path / 'intro.mp4', b'new video')
    rc, out = run_module(capsys, src=src, path='/srv/media/')
    assert rc == 0, out
    assert out['changed'] is True
    assert server.heads == ['/srv/media/intro.mp4']
    assert server.downloads == []
    assert server.uploads == [(src, '/srv/media', 'intro.mp4', False)]
    assert out['diff']['before'] == {'dest': '/srv/media/intro.mp4', 'size': 3}
    assert out['diff']['after'] == {'dest': '/srv/media/intro.mp4', 'size': 9,
                                    'checksum': hashlib.sha256(b'new video').hexdigest()}


def test_check_mode_with_another_size_downloads_nothing(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch, files={'/opt/3tee/resources/a.mp4': b'x' * 1000})
    rc, out = run_module(capsys, src=write(tmp_path / 'a.mp4', b'x' * 999), _ansible_check_mode=True)
    assert rc == 0, out
    assert out['changed'] is True
    assert server.downloads == [] and server.uploads == []


def test_server_without_sizes_is_compared_by_downloading(tmp_path, capsys, monkeypatch):
    data = b'same bytes'
    server = FakeServer(monkeypatch, files={'/opt/3tee/resources/a.png': data}, head=False)
    rc, out = run_module(capsys, src=write(tmp_path / 'a.png', data))
    assert rc == 0, out
    assert out['changed'] is False
    assert server.downloads == ['/opt/3tee/resources/a.png']


def test_result_has_no_file_attributes_of_a_local_namesake(tmp_path, capsys, monkeypatch):
    # 'dest' is a path on the server; a local file of that name must not lend its owner, mode or size.
    namesake = tmp_path / 'srv'
    namesake.mkdir()
    FakeServer(monkeypatch)
    rc, out = run_module(capsys, src=write(tmp_path / 'a.png', b'abc'), path=str(namesake))
    assert rc == 0, out
    assert out['dest'] == str(namesake / 'a.png')
    assert out['size'] == 3
    (namesake / 'a.png').write_bytes(b'a longer local file')
    rc, out = run_module(capsys, src=write(tmp_path / 'a.png', b'abc'), path=str(namesake))
    assert rc == 0, out
    assert out['size'] == 3
    assert not set(out) & {'uid', 'gid', 'owner', 'group', 'mode', 'state'}


def test_missing_server_file_is_uploaded_with_no_before_checksum(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch)
    rc, out = run_module(capsys, src=write(tmp_path / 'song.mp3', b'la la'))
    assert rc == 0, out
    assert out['changed'] is True
    assert len(server.uploads) == 1
    assert out['diff']['before'] == {'dest': '/opt/3tee/resources/song.mp3'}


def test_check_mode_predicts_without_uploading(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch, files={'/opt/3tee/resources/a.jpg': b'other'})
    rc, out = run_module(capsys, src=write(tmp_path / 'a.jpg', b'mine'), _ansible_check_mode=True)
    assert rc == 0, out
    assert out['changed'] is True
    assert server.uploads == []
    assert server.files['/opt/3tee/resources/a.jpg'] == b'other'
    assert out['download_url'] == SERVER + '/attachment?file=/opt/3tee/resources/a.jpg'


def test_check_mode_identical(tmp_path, capsys, monkeypatch):
    FakeServer(monkeypatch, files={'/opt/3tee/resources/a.jpg': b'same'})
    rc, out = run_module(capsys, src=write(tmp_path / 'a.jpg', b'same'), _ansible_check_mode=True)
    assert rc == 0 and out['changed'] is False


def test_force_uploads_identical_file_without_downloading_it(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch, files={'/opt/3tee/resources/a.png': b'same'})
    rc, out = run_module(capsys, src=write(tmp_path / 'a.png', b'same'), force=True)
    assert rc == 0, out
    assert out['changed'] is True
    assert len(server.uploads) == 1
    assert server.downloads == []


def test_lost_answer_is_settled_by_hashing_the_server_file(tmp_path, capsys, monkeypatch):
    server = FakeServer(monkeypatch, lose_answer=True)
    rc, out = run_module(capsys, src=write(tmp_path / 'a.png', b'arrived'))
    assert rc == 0, out
    assert out['changed'] is True
    assert out['download_url'] == SERVER + '/attachment?file=/opt/3tee/resources/a.png'
    assert server.downloads == ['/opt/3tee/resources/a.png', '/opt/3tee/resources/a.png']


def test_secret_key_not_in_output(tmp_path, capsys, monkeypatch):
    FakeServer(monkeypatch)
    rc, out = run_module(capsys, src=write(tmp_path / 'a.png', b'x'))
    assert 'sk-do-not-show' not in json.dumps(out)


# -- hashing --------------------------------------------------------------------------------------


def test_sha256_file_known_vector(tmp_path):
    # FIPS 180-2 test vector for "abc".
    digest, size = _avd_upload.sha256_file(write(tmp_path / 'abc.png', b'abc'))
    assert digest == 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    assert size == 3


def test_sha256_file_memory_does_not_grow_with_size(tmp_path):
    src = sparse(tmp_path / 'big.mp4', 64 * MIB)
    tracemalloc.start()
    try:
        digest, size = _avd_upload.sha256_file(src)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert size == 64 * MIB
    assert digest == hashlib.sha256(bytes(64 * MIB)).hexdigest()
    assert peak < 8 * MIB


def test_sha256_chunks_matches_whole_and_stops_past_limit():
    data = b'0123456789' * 1000
    chunks = [data[i:i + 7] for i in range(0, len(data), 7)]
    assert _avd_upload.sha256_chunks(iter(chunks)) == hashlib.sha256(data).hexdigest()

    closed = []

    def generator():
        try:
            yield from chunks
        finally:
            closed.append(True)

    assert _avd_upload.sha256_chunks(generator(), limit=100) is None
    assert closed == [True]


# -- the size from a HEAD request -----------------------------------------------------------------


class HeadOnlySession:
    """An HTTP session answering every request with ``answer`` (status, headers), or raising it."""

    def __init__(self, answer):
        self.answer = answer
        self.sent = []

    def request(self, method, url, body=None, headers=None):
        self.sent.append((method, url))
        if isinstance(self.answer, Exception):
            raise self.answer
        status, answer_headers = self.answer
        client = self

        class Answer:
            def __init__(self):
                self.status = status
                self.headers = answer_headers
                client.closed = False

            @staticmethod
            def read():
                raise AssertionError('read() takes the Content-Length of a HEAD answer for a body to hold in memory')

            @staticmethod
            def chunks(size):
                client.closed = True
                return iter(())

        return Answer()


@pytest.mark.parametrize('answer, size', [
    ((200, {'Content-Length': '209715200'}), 209715200),
    ((200, {'Content-Length': '0'}), 0),
    ((200, {}), None),  # chunked or unknown length: no size
    ((200, {'Content-Length': 'many'}), None),
    ((404, {'Content-Length': '146'}), None),  # an error page's length is not the file's
    ((405, {'Content-Length': '157'}), None),  # no HEAD on this server
    ((302, {'Content-Length': '0', 'Location': 'http://elsewhere.invalid/'}), None),
    (_http.TransportError('connection refused', sent=False), None),
])
def test_server_size_counts_only_a_200_with_a_length(answer, size):
    session = HeadOnlySession(answer)
    client = _avd_client.AvdClient(SERVER, token='t')
    client.http = session
    assert _avd_upload.server_size(client, '/opt/3tee/resources/a.mp4') == size
    assert session.sent == [('HEAD', SERVER + '/attachment?file=/opt/3tee/resources/a.mp4')]
    assert client.requests == 1
    if not isinstance(answer, Exception):
        assert session.closed
