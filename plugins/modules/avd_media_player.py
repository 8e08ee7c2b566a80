#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_media_player
short_description: Play a file or stream into a meeting room of an AVD conference server
version_added: 0.1.0
description:
  - Manage a media player of the AVD C(sdkapi/v2) API, a participant of a room that plays a file held by the server
    (for example one uploaded with M(rtcops.conference.avd_upload)) or a stream into the meeting.
  - A player is identified by O(room_id) and O(name). The API cannot list players and answers a second player of the
    same name with code 40080 without its id, so the module finds a player by O(play_id) when you give it, else by
    this machine's record of the player it created under that room and name (in O(cache_dir)). The record is only a
    cache; it is read back with C(/media/get_media_info) before use and dropped when the server no longer knows the
    player. A runner without the record (a fresh CI container) that is not given O(play_id) cannot find an existing
    player; its create is refused with 40080 and the task fails saying so. Keep the returned RV(player.play_id) and
    pass it as O(play_id) when several machines manage the same player.
  - B(What is compared.) The file or stream the player plays is read back (the one it started last) and changed with
    C(/media/play) when it has played nothing yet, else with C(/media/switch). O(user_id) is read back and compared;
    it can only be set when the player is created, so a difference fails the task.
  - B(What cannot be read back.) Whether a player is paused, because the values of the API's C(status) are not
    documented. The module remembers the last pause or resume it sent. When it knows nothing (no record, or a
    player it did not start), it sends the wanted C(/media/pause) or C(/media/resume) anyway, which is harmless when
    the player is already so, and does not report a change for it; RV(player.playback_verified) is then V(false).
    Playback that ended on its own (the end of the file) is not seen either, and a resume does not start it again;
    set O(restart=true) for that.
  - B(Playing again.) O(restart=true) plays the current file again from the start with C(/media/replay). The API
    cannot tell where a playback is or whether it has ended, so a restart is always a change, sent on every run
    where it is set; it is not sent when this task starts the file anyway (a new player, or a different O(url)),
    since that plays it from the start already.
  - O(replay_times) and O(enable_auto_close_stream) are sent with C(/media/play) only, when this task starts the
    player's first file; O(auto_publish_mock_audio) and O(player_out_audio_codec) only when it creates the player.
    None of them is read back or compared.
  - C(changed) means that the module created, started, switched, restarted, paused, resumed or closed the player.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room the player is in. The room must exist.
    type: str
    required: true
  name:
    description:
      - Name of the player in the room.
    type: str
    required: true
  play_id:
    description:
      - Id of an existing player, as returned in RV(player.play_id) when it was created.
      - When left out, the player this machine created under O(room_id) and O(name) is used, or a new one is created.
      - When the server no longer knows this id, V(stopped) and V(absent) are no change, and V(playing) and
        V(paused) create a new player, which has a new id.
    type: str
  url:
    description:
      - What the player plays. A path on the AVD server, for example C(/opt/3tee/resources/intro.mp4) (the
        RV(rtcops.conference.avd_upload#module:dest) of M(rtcops.conference.avd_upload)); a download link of this
        server for such a file (that module's RV(rtcops.conference.avd_upload#module:download_url)), which is turned
        into the path it serves; or a stream URL such as C(rtmp://live.example.com/app/stream).
      - Required when O(state=playing) or O(state=paused).
    type: str
  user_id:
    description:
      - Id of the user who creates the player. Set when the player is created; compared afterwards.
    type: str
  auto_publish_mock_audio:
    description:
      - Publish the player's audio as soon as it is created. Sent when the player is created only.
    type: bool
  player_out_audio_codec:
    description:
      - Audio codec of the player's output. Sent when the player is created only.
    type: str
    choices: [pcma, pcmu, opus, g722]
  replay_times:
    description:
      - How many times to play the file. V(0) (the server's default) plays it once, V(-1) loops forever, a larger
        number plays it that many times.
      - Sent with C(/media/play) only, when this task starts the player's first file.
    type: int
  enable_auto_close_stream:
    description:
      - Close the player's audio and video channel when a playback ends (the server's default is V(true)).
      - Sent with C(/media/play) only, when this task starts the player's first file.
    type: bool
  restart:
    description:
      - Play the file again from the start with C(/media/replay), for example after it has played to the end.
      - Only with O(state=playing). Always a change (see the description).
      - The document states the call's precondition, the playback has finished and the player still exists. What
        a server answers to the replay of a player that is still playing is not documented; when it refuses, the
        task fails with the vendor's code and message.
    type: bool
    default: false
  state:
    description:
      - V(playing) creates the player when needed, makes it play O(url) and resumes it when it is paused.
      - V(paused) does the same and pauses it.
      - V(stopped) and V(absent) stop the player with C(/media/stop), which also closes it and removes it from the
        room (the API has no call that stops playback and keeps the player). Both are no change when the player is
        not there.
    type: str
    choices: [playing, paused, stopped, absent]
    default: playing
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads the player and sends nothing else. Without O(play_id) and without this machine's record, a player that
        exists on the server cannot be found, and check mode predicts a create.
  diff_mode:
    support: full
    details:
      - The diff shows the player's id, name, owner, file and state (V(unknown) when whether it is paused is not
        known).
seealso:
  - module: rtcops.conference.avd_upload
  - module: rtcops.conference.avd_room
'''

EXAMPLES = r'''
- name: Upload the intro video
  rtcops.conference.avd_upload:
    src: files/intro.mp4
    path: /opt/3tee/resources/media
  register: intro

- name: Play it in the all-hands room, looping
  rtcops.conference.avd_media_player:
    room_id: "20250000001"
    name: intro
    url: "{{ intro.dest }}"
    replay_times: -1
  register: intro_player

- name: Pause it while the speaker talks
  rtcops.conference.avd_media_player:
    room_id: "20250000001"
    name: intro
    play_id: "{{ intro_player.player.play_id }}"
    url: "{{ intro.dest }}"
    state: paused

- name: Play the intro again from the start, once it has ended
  rtcops.conference.avd_media_player:
    room_id: "20250000001"
    name: intro
    play_id: "{{ intro_player.player.play_id }}"
    url: "{{ intro.dest }}"
    restart: true

- name: Relay a live stream instead
  rtcops.conference.avd_media_player:
    room_id: "20250000001"
    name: intro
    url: rtmp://live.example.com/app/stream

- name: Close the player at the end of the meeting
  rtcops.conference.avd_media_player:
    room_id: "20250000001"
    name: intro
    state: absent
'''

RETURN = r'''
player:
  description:
    - The player after the task; empty when it is absent. In check mode, the prediction.
  returned: always
  type: dict
  contains:
    room_id:
      description: Room of the player.
      type: str
      sample: "20250000001"
    name:
      description: Name of the player.
      type: str
      sample: intro
    play_id:
      description: Id of the player; null in check mode when the player would be created.
      type: str
      sample: 35455a12-b5ca-448f-9115-8e4b603baea0
    user_id:
      description: Creator of the player, when known.
      type: str
      sample: "16"
    url:
      description: The file or stream the player plays (the one it started last); null when it plays nothing.
      type: str
      sample: /opt/3tee/resources/media/intro.mp4
    state:
      description: V(playing), V(paused), V(idle) (created, nothing played) or V(unknown) (playing or paused).
      type: str
      sample: playing
    playback_verified:
      description:
        - V(false) when whether the player was paused could not be known (no record of this machine), so the task
          sent the wanted pause or resume without reporting a change (or, in check mode, would send it).
      type: bool
      sample: true
    files:
      description: The files the player has played, as C(/media/get_media_info) lists them (before this task's changes).
      type: list
      elements: dict
      sample: [{"url": "/opt/3tee/resources/media/intro.mp4", "play_count": 1, "duration": 113347}]
media:
  description:
    - What the server said of the file this task started (C(/media/play), C(/media/switch) or C(/media/replay));
      empty otherwise.
  returned: always
  type: dict
  sample: {"width": "960", "height": "540", "duration": 113347, "has_video": 1, "has_audio": 1}
calls:
  description: The write calls the task sent, in order (in check mode, the ones it would send).
  returned: always
  type: list
  elements: str
  sample: [/media/create, /media/play]
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError
from ansible_collections.rtcops.conference.plugins.module_utils._avd_media import (
    CODECS, LEDGER_KIND, NO_SUCH_PLAYER_CODE, PLAYER_EXISTS_CODE, media_facts, read_player, record_key, server_path,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger

PUBLIC = ('room_id', 'name', 'play_id', 'user_id', 'url', 'state')


class Player:
    """One run of the module: read, plan, and (unless in check mode) apply."""

    def __init__(self, module):
        self.module = module
        self.params = params = module.params
        self.client = module.client
        self.room_id = params['room_id']
        self.name = params['name']
        self.key = record_key(self.room_id, self.name)
        self.ledger = Ledger(params['server_url'], params['cache_dir'])
        record = self.ledger.get(LEDGER_KIND, self.key)
        self.record = record if isinstance(record, dict) else {}
        self.url = server_path(params['url'], params['server_url']) if params['url'] else None
        self.calls = []
        self.media = {}

    def remember(self, play_id, url, paused):
        if not self.module.check_mode:
            self.ledger.put(LEDGER_KIND, self.key, {'play_id': play_id, 'url': url, 'paused': paused})

    def forget(self):
        if not self.module.check_mode and self.record:
            self.ledger.forget(LEDGER_KIND, self.key)

    def write(self, path, params, **options):
        """Send (or in check mode only list) one write call."""
        self.calls.append(path)
        if self.module.check_mode:
            return None
        return self.client.call(path, dict(params, room_id=self.room_id), write=True, **options)

    def find(self):
        """The player, or None; ``(player, paused)`` with ``paused`` None when not known."""
        play_id = self.params['play_id'] or self.record.get('play_id')
        if not play_id:
            return None, None
        probe = self.url or self.record.get('url') or '/'
        player = read_player(self.client, self.room_id, str(play_id), probe)
        if player is None:
            if self.params['play_id']:
                return None, None
            self.forget()  # the recorded player was closed meanwhile
            self.record = {}
            return None, None
        if player.get('name') not in (None, self.name):
            self.module.fail_json(msg='play_id %s is the player %s of room %s, not %s'
                                  % (play_id, player['name'], self.room_id, self.name))
        known = self.record.get('paused') if self.record.get('play_id') == player['play_id'] else None
        return player, known if isinstance(known, bool) else None

    def create(self):
        p = self.params
        params = dict((key, p[key]) for key in ('user_id', 'auto_publish_mock_audio', 'player_out_audio_codec')
                      if p[key] is not None)
        params['name'] = self.name
        try:
            body = self.write('/media/create', params)
        except AvdApiError as exc:
            if exc.code != PLAYER_EXISTS_CODE:
                raise
            self.module.fail_json(
                msg='a player named %s already exists in room %s, and the API cannot tell its play_id (players cannot '
                    'be listed) nor has this machine a record of it. Set play_id to manage it.' % (self.name, self.room_id),
                call=exc.call, code=exc.code, vendor_msg=exc.vendor_msg)
        if body is None:
            return None
        play_id = body.get('play_id')
        if not play_id:
            self.module.fail_json(msg='AVD call /media/create answered success without a play_id', call='/media/create')
        # Recorded before anything else is sent: if playing fails, a re-run finds this player instead of creating one.
        self.remember(play_id, None, None)
        self.module.done = {'player': {'room_id': self.room_id, 'name': self.name, 'play_id': play_id}}
        return play_id

    def start(self, play_id, first):
        p = self.params
        if first:
            params = dict((key, p[key]) for key in ('replay_times', 'enable_auto_close_stream') if p[key] is not None)
            path = '/media/play'
        else:
            params, path = {}, '/media/switch'
        params.update(play_id=play_id, url=self.url)
        body = self.write(path, params, idempotent=True)
        if body is not None:
            self.media = media_facts(body)

    def run(self):
        p = self.params
        state = p['state']
        have, known_paused = self.find()
        before = self.describe(have, known_paused)
        if state in ('stopped', 'absent'):
            if have is not None:
                self.stop(have['play_id'])
            self.forget()
            return self.finish(before, None, have)

        if have is not None and p['user_id'] is not None and have.get('user_id') not in (None, p['user_id']):
            self.module.fail_json(msg='user_id of player %s is %s; the API sets it only when a player is created. '
                                      'Close the player (state=absent) to create it anew.' % (self.name, have['user_id']),
                                  fields=['user_id'])
        want_paused = state == 'paused'
        play_id = have['play_id'] if have else None
        verified = True
        if have is None:
            play_id = self.create()
        if have is None or have['url'] != self.url:
            self.start(play_id, first=have is None or have['url'] is None)
            if want_paused:
                self.write('/media/pause', {'play_id': play_id}, idempotent=True)
            changed = True
        elif p['restart']:
            # Where the playback is cannot be read, so a restart is never known to be unneeded.
            self.replay(play_id)
            changed = True
        elif known_paused is None:
            # Not known: send the wanted one, which changes nothing when it is so already (see the description).
            self.write('/media/pause' if want_paused else '/media/resume', {'play_id': play_id}, idempotent=True)
            changed, verified = False, False
        elif known_paused != want_paused:
            self.write('/media/pause' if want_paused else '/media/resume', {'play_id': play_id}, idempotent=True)
            changed = True
        else:
            changed = False
        self.remember(play_id, self.url, want_paused)
        after = {'room_id': self.room_id, 'name': self.name, 'play_id': play_id, 'url': self.url,
                 'state': 'paused' if want_paused else 'playing', 'playback_verified': verified,
                 'files': (have or {}).get('files', [])}
        user_id = (have or {}).get('user_id') or p['user_id']
        if user_id is not None:
            after['user_id'] = user_id
        return self.finish(before, after, have, changed)

    def replay(self, play_id):
        try:
            # Repeating a lost restart only restarts again.
            body = self.write('/media/replay', {'play_id': play_id, 'url': self.url}, idempotent=True)
        except AvdApiError as exc:
            self.module.fail_json(
                msg='%s. The API plays a file again only when its playback has finished and the player still exists; '
                    'this server refused to restart player %s.' % (exc, self.name),
                call=exc.call, code=exc.code, vendor_msg=exc.vendor_msg)
        if body is not None:
            self.media = media_facts(body)

    def stop(self, play_id):
        try:
            self.write('/media/stop', {'play_id': play_id}, idempotent=True)
        except AvdApiError as exc:
            if exc.code != NO_SUCH_PLAYER_CODE:  # closed meanwhile
                raise

    def describe(self, have, known_paused):
        if have is None:
            return None
        if have['url'] is None:
            state = 'idle'
        else:
            state = {True: 'paused', False: 'playing', None: 'unknown'}[known_paused]
        player = {'room_id': self.room_id, 'name': have.get('name', self.name), 'play_id': have['play_id'],
                  'url': have['url'], 'state': state, 'playback_verified': known_paused is not None,
                  'files': have['files']}
        if have.get('user_id') is not None:
            player['user_id'] = have['user_id']
        return player

    def finish(self, before, after, have, changed=None):
        if changed is None:
            changed = have is not None
        diff = {'before': self.public(before), 'after': self.public(after)}
        self.module.exit_json(changed=changed, player=after or {}, media=self.media, calls=self.calls, diff=diff)

    @staticmethod
    def public(player):
        return dict((key, player[key]) for key in PUBLIC if key in player) if player else {}


def main():
    module = AvdModule(
        argument_spec=dict(
            room_id=dict(type='str', required=True),
            name=dict(type='str', required=True),
            play_id=dict(type='str'),
            url=dict(type='str'),
            user_id=dict(type='str'),
            auto_publish_mock_audio=dict(type='bool'),
            player_out_audio_codec=dict(type='str', choices=CODECS),
            replay_times=dict(type='int'),
            enable_auto_close_stream=dict(type='bool'),
            restart=dict(type='bool', default=False),
            state=dict(type='str', default='playing', choices=['playing', 'paused', 'stopped', 'absent']),
        ),
        supports_check_mode=True,
        required_if=[('state', 'playing', ('url',)), ('state', 'paused', ('url',))],
        not_blank=('room_id', 'name', 'play_id', 'url', 'user_id'),
    )
    p = module.params
    if p['url'] is not None and server_path(p['url'], p['server_url']) is None:
        module.fail_json(msg='url must be a path on the AVD server (starting with /) or a URL with a scheme, such as '
                             'rtmp://host/app/stream or the download_url of avd_upload; got %s' % p['url'])
    if p['replay_times'] is not None and p['replay_times'] < -1:
        module.fail_json(msg='replay_times must be -1 (loop forever), 0 (play once) or a positive number of plays; got %d'
                             % p['replay_times'])
    if p['restart'] and p['state'] != 'playing':
        module.fail_json(msg='restart plays the file again, so it goes with state=playing only; got state=%s'
                             % p['state'])
    module.run(lambda: Player(module).run())


if __name__ == '__main__':
    main()
