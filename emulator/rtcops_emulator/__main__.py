"""Command line: ``python -m rtcops_emulator [options]`` runs the emulator until SIGTERM/SIGINT."""
import argparse
import json
import os
import signal
import sys
import threading

from .server import DEFAULT_MAX_BODY_SIZE, Emulator


def parse_arguments(argv):
    """The command-line options (mirroring the :class:`Emulator` constructor)."""
    parser = argparse.ArgumentParser(prog="python -m rtcops_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9610, help="port to bind, 0 for any free port (default 9610)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated CA and server certificate")
    parser.add_argument("--require-client-cert", action="store_true",
                        help="mutual TLS (implies --tls): refuse clients without a certificate signed by the CA; the ready "
                             "line names the client certificate and key it generated")
    parser.add_argument("--cert-dir", help="where the CA and server certificate are kept (default: a temporary directory)")
    parser.add_argument("--data-dir", help="where uploaded files are kept (default: STATE_FILE.data or a temporary directory)")
    parser.add_argument("--state-file", help="JSON file to load at start and rewrite after every change")
    parser.add_argument("--access-key", default="demo_access", help="AVD access_key accepted by /app/get_token")
    parser.add_argument("--secret-key", default="demo_secret", help="AVD secret_key accepted by /app/get_token")
    parser.add_argument("--token-ttl", type=float, default=7200, help="AVD token lifetime in seconds (default 7200)")
    parser.add_argument("--max-users", type=int, default=500, help="AVD licensed max_users (default 500)")
    parser.add_argument("--max-body-size", type=int, default=DEFAULT_MAX_BODY_SIZE,
                        help="largest request body in bytes, like nginx client_max_body_size (default 200 MiB)")
    parser.add_argument("--ready-file", help="also write the ready line to this file")
    return parser.parse_args(argv)


def main(argv=None):
    """Run in the foreground; print one JSON line ``{"url", "ca_cert"}`` once listening (with ``client_cert`` and
    ``client_key`` under ``--require-client-cert``)."""
    options = parse_arguments(argv)
    emulator = Emulator(
        host=options.host, port=options.port, tls=options.tls, cert_dir=options.cert_dir, data_dir=options.data_dir,
        state_file=options.state_file, access_key=options.access_key, secret_key=options.secret_key,
        token_ttl=options.token_ttl, max_users=options.max_users, max_body_size=options.max_body_size,
        require_client_cert=options.require_client_cert,
    )
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    emulator.start()
    try:
        ready = {"url": emulator.url, "ca_cert": emulator.ca_cert}
        if emulator.require_client_cert:
            ready.update(client_cert=emulator.client_cert, client_key=emulator.client_key)
        line = json.dumps(ready)
        if options.ready_file:
            # Written whole, then renamed, so a poller never reads half a line.
            with open(f"{options.ready_file}.tmp", "w", encoding="utf-8") as ready:
                ready.write(line + "\n")
            os.replace(f"{options.ready_file}.tmp", options.ready_file)
        print(line, flush=True)
        while not stop.wait(3600):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
