# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Media players: reading one back, and the calls that bring it to a state. Private to this collection.

What the API cannot tell, and how this file copes:

* players cannot be listed (Q-AVD-56): a player is found by the ``play_id`` the user gives, else by this machine's
  record of the player it created under that room and name; the record is read back before use and dropped when
  the server no longer knows the player (40081);
* ``status`` has no documented values (Q-AVD-56), so whether a player is paused is never read from it: the record
  of the last pause or resume this machine sent is the only knowledge, and without it the wanted one is sent again
  (both are harmless when already so) without reporting a change;
* which file plays now is not stated either: it is the file the player last started (the latest ``updated`` of
  ``play_files``, the later one in the list on a tie).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, api_payload

PLAYER_EXISTS_CODE = 40080
NO_SUCH_PLAYER_CODE = 40081
NO_MEDIA_CODE = 40084
LEDGER_KIND = 'media_players'
CODECS = ['pcma', 'pcmu', 'opus', 'g722']
MEDIA_FACTS = ('width', 'height', 'duration', 'has_video', 'has_audio')


def record_key(room_id, name):
    return '%s/%s' % (room_id, name)


def server_path(url, server_url):
    """What /media/play takes for ``url``: a server path or a stream URL as given; an /attachment link of this server
    (avd_upload's download_url) becomes the server path it serves. None when ``url`` is neither."""
    url = url.strip()
    if url.startswith('/'):
        return url
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    server = urlsplit(server_url)
    if (parts.scheme, parts.netloc) == (server.scheme, server.netloc) and parts.path.rstrip('/').endswith('/attachment'):
        files = parse_qs(parts.query).get('file')
        if files and files[0].startswith('/'):
            return files[0]
    return url


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def current_file(files):
    """The file the player started last; None when it has played nothing."""
    best = None
    for position, entry in enumerate(files):
        if isinstance(entry, dict) and entry.get('url'):
            rank = (_int(entry.get('updated')), position)
            if best is None or rank >= best[0]:
                best = (rank, entry['url'])
    return best[1] if best else None


def read_player(client, room_id, play_id, url):
    """The player as the server describes it, or None when the room has no such player.

    ``url`` only fills the parameter the call requires (Q-AVD-34); the answer describes the whole player.
    """
    try:
        body = client.call('/media/get_media_info', {'room_id': room_id, 'play_id': play_id, 'url': url})
    except AvdApiError as exc:
        if exc.code == NO_SUCH_PLAYER_CODE:
            return None
        if exc.code == NO_MEDIA_CODE:  # the player exists and has played nothing yet
            return {'play_id': play_id, 'url': None, 'files': [], 'status': None}
        raise
    data = api_payload(body)
    # Q-AVD-06: a list in the example, whose closing bracket says object.
    items = [data] if isinstance(data, dict) else [item for item in (data or []) if isinstance(item, dict)]
    item = next((entry for entry in items if str(entry.get('play_id')) == play_id), items[0] if items else {})
    files = item.get('play_files') or []
    files = [files] if isinstance(files, dict) else [entry for entry in files if isinstance(entry, dict)]
    player = {'play_id': play_id, 'url': current_file(files), 'files': files, 'status': item.get('status')}
    for key in ('name', 'user_id', 'created'):
        if item.get(key) not in (None, ''):
            player[key] = item[key] if key == 'created' else str(item[key])
    return player


def media_facts(body):
    """The facts of the started file from a play/switch/replay answer (Q-AVD-05: nested in data, or not)."""
    data = api_payload(body)
    return dict((key, data[key]) for key in MEDIA_FACTS if isinstance(data, dict) and key in data)
