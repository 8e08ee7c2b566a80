#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the comparison before an avd_upload costs on the network, for a 200 MB file already on the server.

1. No-op run: the server holds the same file. The sizes agree, so the server's copy is downloaded and hashed.
2. The local file has another size (one byte more), in check mode: the size from a HEAD request settles it, and
   nothing is downloaded.

Every byte between the module and the emulator goes through a counting TCP relay. Times are whole
``ansible-playbook`` runs, Ansible's start-up included. Run it with ``python3 tools/dev.py bench``. It prints
numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import socket
import socketserver
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_avd import MB, Bench, Emulator, play  # noqa: E402  pylint: disable=wrong-import-position


class CountingRelay(socketserver.ThreadingTCPServer):
    """Forwards every connection to ``target`` (host, port) and counts the bytes in each direction."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, target):
        super().__init__(('127.0.0.1', 0), RelayHandler)
        self.target = target
        self.lock = threading.Lock()
        self.sent = self.received = 0

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def count(self, sent=0, received=0):
        with self.lock:
            self.sent += sent
            self.received += received

    def reset(self):
        with self.lock:
            self.sent = self.received = 0


class RelayHandler(socketserver.BaseRequestHandler):

    def handle(self):
        upstream = socket.create_connection(self.server.target)
        pump = threading.Thread(target=self.copy, args=(upstream, self.request, 'received'), daemon=True)
        pump.start()
        self.copy(self.request, upstream, 'sent')
        pump.join()
        upstream.close()

    def copy(self, source, target, direction):
        try:
            while True:
                data = source.recv(1024 * 1024)
                if not data:
                    break
                target.sendall(data)
                self.server.count(**{direction: len(data)})
        except OSError:
            pass
        finally:
            try:
                target.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def upload_play(source, check_mode=False):
    task = '- rtcops.conference.avd_upload:\n    src: "%s"\n    storage_only_cluster: true' % source
    if check_mode:
        task += '\n  check_mode: true'
    return play([task])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--size-mb', type=int, default=200, help='size of the file on the server, in MB')
    args, dummy = parser.parse_known_args()  # tools/dev.py passes the same arguments to every benchmark
    size = args.size_mb * MB
    with tempfile.TemporaryDirectory(prefix='rtcops-bench-upload-') as work:
        bench = Bench(work)
        source = Path(work) / 'media' / 'recording.mp4'
        source.parent.mkdir()
        with open(source, 'wb') as handle:
            handle.truncate(size)  # sparse: the disk holds nothing, the module still reads every byte
        with Emulator(data_dir=str(Path(work) / 'emulator-data')) as emulator:
            relay = CountingRelay(('127.0.0.1', int(emulator.url.rsplit(':', 1)[1])))
            threading.Thread(target=relay.serve_forever, daemon=True).start()
            extra_vars = {'avd_server_url': relay.url, 'avd_cache_dir': Path(work) / 'cache'}
            bench.run('first-upload', upload_play(source), extra_vars)
            relay.reset()
            same = bench.run('no-op', upload_play(source), extra_vars)
            same_bytes = relay.sent + relay.received
            with open(source, 'ab') as handle:
                handle.write(b'\0')
            relay.reset()
            other = bench.run('other-size', upload_play(source, check_mode=True), extra_vars)
            other_bytes = relay.sent + relay.received
            relay.shutdown()
            relay.server_close()
    print('avd_upload of a %d MB file already on the server: %.1f MB over the network, %.2f s (no-op; the sizes agree, '
          'so the server copy is hashed)' % (size // MB, same_bytes / MB, same))
    print('avd_upload of a %d MB file whose size differs from the server copy, check mode: %d bytes over the network, '
          '%.2f s' % (size // MB, other_bytes, other))


if __name__ == '__main__':
    main()
