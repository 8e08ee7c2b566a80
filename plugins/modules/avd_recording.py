#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_recording
short_description: Start, stop and archive mixed-screen recordings of an AVD conference server
version_added: 0.1.0
description:
  - Starts a mixed-screen recording of the meeting in progress in a room, stops it, and downloads the files it
    produced into O(dest) on the controller; or deletes every recording of a room, or one recording file (O(file)).
  - B(What the API can tell.) It has no call that lists the recordings running in a room, and a room has one mixed
    recording at a time. Starting in a room that already records answers "already recording" (40040) without the
    running recording's id; stopping in a room that does not record answers "not recording" (40041). The module
    reports both as C(changed=false).
  - B(The room's recording.) The module remembers, under O(cache_dir), the id of the mixed recording it last started
    in each room. Without O(record_id), a task on the same machine uses that recording - starting again is no change
    (check mode too), and stopping waits for it, transcodes it and downloads its files. From another machine, or for
    a recording started elsewhere, give O(record_id) (RV(record.record_id) of the start) to wait, transcode or
    download.
  - B(Waiting.) With O(wait=true), stopping waits until the recording's status is "stopped" before the files are
    listed and downloaded (the server writes them while it stops); a recording that stops abnormally fails the task.
    A wait (stop, transcoding, desktop files) that took more than 30 seconds is reported in a warning, such as
    C(the transcoding of recording 442bf6e5... took 95 s), since the task shows nothing while it waits. A wait that
    reaches O(wait_timeout) fails the task saying what did not finish, after how long, and the last status read;
    raise O(wait_timeout), or run the task with C(async) and C(poll), for recordings that take longer.
  - B(Lost answers.) The id of a started recording is written under O(cache_dir) before anything else can fail,
    so a re-run of a stop that failed while waiting, transcoding or downloading resumes with it. Before a start is
    sent, the room is marked as possibly recording. When the answer to a start is lost, the API offers no way to read
    a running recording without its id; the module sends the start once more, which the server refuses with 40040
    if the first one arrived (a room holds one mixed recording), and reports the recording as running with
    RV(record.record_id) null and a warning. Stopping that room from the same machine without O(record_id) then finds
    the recording among the room's finished recordings (the one that was not listed before) and archives it. A stop
    whose answer was lost is settled by reading the recording's status.
  - Files are streamed to disk, checked by SHA-256 and written into O(dest) atomically; a file already there with
    the same checksum is left alone. The files of a finished recording never change, so each download is recorded
    (URL hash, SHA-256 and size, under O(cache_dir)); a file still in O(dest) with the SHA-256 recorded for its
    URL is not downloaded again. On a managed host, where the files are fetched through a temporary directory,
    they are downloaded every time and compared on the controller.
  - This is an action plugin with a module of the same name. On the controller the module writes into O(dest)
    itself; on another host it downloads into a temporary directory there and the action fetches the files.
  - B(Layout of a running recording.) With O(state=started) and the O(record_id) of a running recording, O(videos),
    O(audio_user_ids) and O(audio_mixer_users) are applied with the documented layout updates when they differ from
    the ones last applied from this machine. The API cannot read a layout back, so that record (kept under
    O(cache_dir)) is what they are compared with; a machine without it applies them once.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Room whose meeting is recorded.
    type: str
    required: true
  kind:
    description:
      - V(mix) records the mixed screen; V(desktop) records a user's shared desktop.
      - A room has at most one desktop recording, which the API neither names by an id nor reports a status for;
        it is addressed by the room and O(name), and its files are those the server lists for O(name) once stopped.
      - With V(desktop), only O(name), O(enable_realtime_transcode) and O(resource_id) apply to a start.
    type: str
    choices: [mix, desktop]
    default: mix
  resource_id:
    description:
      - With O(kind=desktop), the video stream whose desktop is recorded.
    type: str
  state:
    description:
      - V(started) starts a recording unless one runs already; the room must have a meeting in progress.
      - V(stopped) stops O(record_id), or every mixed recording of the room when O(record_id) is not given.
      - V(absent) deletes every finished recording of the room and its files on the server, or with O(file) that
        one file alone.
    type: str
    choices: [started, stopped, absent]
    default: started
  record_id:
    description:
      - Id of the recording, as RV(record.record_id) returned it when it started.
      - Needed to wait for a stop, transcode it and download its files, unless this machine started the room's
        recording (see the description).
    type: str
  file:
    description:
      - With O(state=absent), delete only this recording file of the room (C(/room/delete_record)); the room's other
        files and recordings stay. Without it, O(state=absent) deletes every recording of the room (C(/room/del_record)).
      - The server path of the file, such as C(/home/data/recorder/files/test/20200622/50000000000-...mp4), that is the
        C(file) parameter of the download URLs the recording info lists (RV(rtcops.conference.avd_recording_info#module:mix)).
        A whole download URL is accepted too; its C(file) parameter is used.
      - The API documents this call only as a fragment (a request example and its answers, Q-AVD-18), so its
        parameters are inferred from that example. A file the server does not have (vendor code 40094 "no such record")
        is no change; the task reports a change only when the server deleted the file.
      - Any file of a finished recording of the room can be named, whatever O(kind); options of a start, O(record_id),
        O(resource_id), O(dest) and O(transcode) do not apply and are refused.
    type: str
  wait:
    description:
      - With O(state=stopped), wait until the recording has stopped before returning.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the recording to stop.
    type: int
    default: 300
  poll_interval:
    description:
      - Seconds between two status reads while waiting.
    type: int
    default: 2
  transcode:
    description:
      - With O(state=stopped), transcode the stopped recording (C(/room/record/transfer)) and wait
        until the transcoding is done (C(/transcode/query)) before its files are listed and downloaded.
      - For recordings that were not transcoded in real time. A recording already transcoded is left as it is.
    type: bool
    default: false
  dest:
    description:
      - Directory on the controller that receives the files of the stopped recording O(record_id).
      - Files are named as on the server. Created if missing.
    type: path
  name:
    description: Name of the recording; required with O(kind=desktop).
    type: str
  user_id:
    description: Id of the user the recording is created for; recordings can later be looked up by it.
    type: str
  file_name:
    description: Name of the mixed MP4 file and of the mixed MP3 file.
    type: str
  enable_audio_record:
    description: Also produce a separate audio file; when V(false) only the MP4 file is produced.
    type: bool
  enable_realtime_transcode:
    description:
      - Transcode in real time while recording.
      - With O(kind=desktop) it is always sent as V(true) and V(false) is refused before anything is sent. Without
        real-time transcoding the server lists no file of a desktop recording, and the API gives no record id by which
        it could be transcoded after the stop.
    type: bool
  enable_transcode:
    description: Force transcoding.
    type: bool
  enable_individual_record:
    description: Split the recording into one audio/video file per user.
    type: bool
  enable_save_mix:
    description: Keep the mixed file when real-time transcoded video is split per user.
    type: bool
  enable_backup:
    description: Keep a backup source file; effective only with real-time transcoding.
    type: bool
  enable_osdts_record:
    description: Record the watermark set with O(osds); needs O(videos).
    type: bool
  disable_user_name:
    description: Name the per-user files by user id only.
    type: bool
  marking_video_by_id:
    description: Tell video streams apart by camera id, for users with several cameras.
    type: bool
  video_resolution:
    description: Resolution of the recording, for example V(1280*720).
    type: str
  video_bitrate:
    description: Bitrate of the recording (the documents state no unit).
    type: int
  video_framerate:
    description: Frame rate of the recording, for example V(25).
    type: int
  video_level:
    description: Video level; the server records V(low) when it is not set.
    type: str
    choices: [low, middle, high]
  videos:
    description:
      - Layout of the recorded video, one entry per stream with C(video_name), C(zorder), C(x), C(y), C(w), C(h).
    type: list
    elements: dict
  osds:
    description:
      - Watermarks, with the keys C(osdts) (timestamp), C(osdtxts) (texts) and C(osdimgs) (JPG images on the server).
    type: dict
  audio_user_ids:
    description:
      - Users whose audio is recorded. Given, the recording is audio only (MP3, no MP4).
    type: list
    elements: str
  audio_mixer_users:
    description:
      - Users whose audio is mixed in and their channel, entries C({user_id, channel}) with channel 0 (both), 1 (left)
        or 2 (right).
    type: list
    elements: dict
  audio_file_type:
    description: Container of the audio file; V(wav) needs O(audio_codec=pcm), V(mp3) needs O(audio_codec=aac).
    type: str
    choices: [mp3, wav]
  audio_codec:
    description: Codec of the audio file.
    type: str
    choices: [aac, pcm]
  audio_channels:
    description: 1 for mono, 2 for stereo.
    type: int
    choices: [1, 2]
  audio_samples:
    description: Sample rate; V(pcm) supports 8000 and 16000, V(aac) 16000, 32000, 44100 and 48000.
    type: int
  audio_data_exporter_address:
    description: Real-time RTP/UDP export of the audio, with the keys C(mixer_audio) and C(single_audios).
    type: dict
extends_documentation_fragment:
  - rtcops.conference.avd
  - rtcops.conference.download
  - rtcops.conference.download.file_mode
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
  - ansible.builtin.action_common_attributes.flow
  - rtcops.conference.attributes.DOWNLOAD
attributes:
  check_mode:
    support: partial
    details:
      - Nothing is started, stopped or deleted. Whether a recording runs can only be read for a known recording,
        O(record_id) or the one this machine last started in the room; without either, starting and stopping are
        reported as changes. Without O(record_id), a stop is predicted from the remembered recording alone (one
        started elsewhere after it is not seen).
      - A stop of a room whose recording is not known, with O(transcode) or O(dest), is predicted as a change with no
        files, without waiting; a real run fails there unless a start from this machine ran first. This is what
        makes a check-mode play that starts a recording (only predicted, so not on the server and without record id)
        and then stops and archives it succeed.
      - With O(file), the room's recording files are read (C(/room/get_record) over all time) to predict whether the
        file would be deleted.
  diff_mode:
    support: full
    details:
      - Shows the recording's status before and after, and the SHA-256 of each downloaded file.
      - With O(file), the file and whether it is present on the server before and after.
seealso:
  - module: rtcops.conference.avd_room
'''

EXAMPLES = r'''
- name: Stop the room's recording at the end of the event and archive its files (same machine that started it)
  rtcops.conference.avd_recording:
    room_id: "20250000001"
    state: stopped
    dest: archive/recordings/
  register: rec  # rec.files: paths on the controller with their sha256

- name: Record the all-hands
  rtcops.conference.avd_recording:
    room_id: "20250000001"
    state: started
    video_resolution: "1280*720"
    videos:
      - {video_name: speaker, zorder: 0, x: 0, y: 0, w: 1, h: 1}
  register: rec

- name: At the end, stop it and archive its files
  rtcops.conference.avd_recording:
    room_id: "20250000001"
    record_id: "{{ rec.record.record_id }}"
    state: stopped
    dest: archive/recordings/
  register: archived   # archived.files: paths with sha256

- name: Clear the room's recordings from the server
  rtcops.conference.avd_recording:
    room_id: "20250000001"
    state: absent

- name: Delete one file of a finished recording, keeping the others
  rtcops.conference.avd_recording:
    room_id: "20250000001"
    state: absent
    file: /home/data/recorder/files/test/20200622/20250000001-21521EBC-C7C9-4509-8E72-A0FDEB219DBE-2020-06-22-15-29-54.mp4
'''

RETURN = r'''
record:
  description: The recording the task acted on.
  returned: always
  type: dict
  contains:
    record_id:
      description:
        - Id of the recording; null when the server did not say (already running, a start whose answer was lost,
          or check mode).
      type: str
      sample: 442bf6e51239417dbfcd15e8d2f988e9
    status:
      description:
        - Status of the recording as last read, V(started), V(recording), V(stopped), V(stopped abnormally) or
          V(stopping); null when it could not be read.
      type: str
      sample: stopped
files:
  description: The files downloaded into O(dest); empty without O(dest).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: File name.
      type: str
      sample: 12345678980-f27a75034aca49168986d88a7b869ab0-2021-12-01-10-16-51.mp4
    path:
      description: Path of the file on the controller.
      type: str
      sample: /srv/archive/recordings/12345678980-f27a75034aca49168986d88a7b869ab0-2021-12-01-10-16-51.mp4
    sha256:
      description: SHA-256 of the file.
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    size:
      description: Size in bytes.
      type: int
      sample: 3653210
    url:
      description: Where the server offers the file.
      type: str
      sample: https://avd.example.com:9610/attachment?file=/home/data/recorder/files/x.mp4
    changed:
      description: Whether this file in O(dest) was written.
      type: bool
      sample: true
    downloaded:
      description:
        - Whether the file was downloaded; V(false) when the file in O(dest) is the one downloaded from the same URL
          before (same SHA-256).
      type: bool
      sample: false
dest:
  description: The directory on the controller, as an absolute path.
  returned: when O(dest) is set
  type: str
  sample: /srv/archive/recordings
'''

import posixpath
import time
from urllib.parse import parse_qs, urlsplit

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import (
    AvdApiError, AvdError, AvdOutcomeUnknown, api_payload,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._download import (
    DOWNLOAD_SPEC, FILE_MODE_SPEC, Checksums, DownloadError, Downloads, FileAttributes,
)
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger
from ansible_collections.rtcops.conference.plugins.module_utils._waiting import Waiting

ALREADY_RECORDING = 40040
NOT_RECORDING = 40041
STATUS_NAMES = {0: 'started', 1: 'recording', 2: 'stopped', 3: 'stopped abnormally', 4: 'stopping'}
RUNNING = (0, 1)  # Q-AVD-58: 0 and 1 are equivalent
TRANSCODING = 1  # /transcode/query status
TRANSCODED = 2
TRANSCODE_FAILED = 3
START_OPTIONS = (
    'name', 'user_id', 'file_name', 'enable_audio_record', 'enable_realtime_transcode', 'enable_transcode',
    'enable_individual_record', 'enable_save_mix', 'enable_backup', 'enable_osdts_record', 'disable_user_name',
    'marking_video_by_id', 'video_resolution', 'video_bitrate', 'video_framerate', 'video_level', 'videos', 'osds',
    'audio_user_ids', 'audio_mixer_users', 'audio_file_type', 'audio_codec', 'audio_channels', 'audio_samples',
    'audio_data_exporter_address',
)
# Options /room/mix_record/update_layout and update_audio_layout can change on a running recording.
LAYOUT_OPTIONS = ('videos', 'audio_user_ids', 'audio_mixer_users')
DESKTOP_OPTIONS = ('name', 'enable_realtime_transcode')
LAYOUT_KIND = 'recording_layouts'
STARTED_KIND = 'started_recordings'  # room id -> record id of the mixed recording this machine last started there
# room id -> {} or {'known': [record ids]}: a start was sent there and its answer never arrived (see room_entry)
UNSETTLED_KIND = 'unsettled_recording_starts'
NO_SUCH_RECORD = 40090
NO_SUCH_FILE = 40094  # Q-AVD-18: /room/delete_record's "no such record"
AAC_SAMPLES = (16000, 32000, 44100, 48000)
PCM_SAMPLES = (8000, 16000)


def server_path(text):
    """The server path named by ``text``: the text itself, or the ``file`` parameter of a download URL."""
    if '://' in text:
        text = (parse_qs(urlsplit(text).query).get('file') or [''])[0]
    return posixpath.normpath(text) if text.startswith('/') else None


def validate_file(module):
    """Deleting one file takes the room and the file only."""
    p = module.params
    if p['state'] != 'absent':
        module.fail_json(msg='file applies only to state=absent: it names the recording file to delete')
    path = server_path(p['file'].strip())
    if path is None:
        module.fail_json(msg='file must be the server path of a recording file, starting with /, or a download URL '
                             'with a file parameter; got %s' % p['file'])
    unused = [n for n in START_OPTIONS + ('record_id', 'resource_id', 'dest') if p[n] is not None]
    if p['transcode']:
        unused.append('transcode')
    if unused:
        module.fail_json(msg='%s do not apply when deleting one file (file)' % ', '.join(unused))
    p['file'] = path


def validate(module):
    """The documented rules between start options (Q-AVD-27), checked before anything is sent."""
    p = module.params
    if p['file'] is not None:
        return validate_file(module)
    try:
        Checksums(p['checksum'])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    codec, container = p['audio_codec'], p['audio_file_type']
    if container == 'wav' and codec not in (None, 'pcm'):
        module.fail_json(msg='audio_file_type=wav needs audio_codec=pcm')
    if container in (None, 'mp3') and codec == 'pcm':
        module.fail_json(msg='audio_codec=pcm needs audio_file_type=wav')
    effective_codec = codec or ('pcm' if container == 'wav' else 'aac')
    allowed = PCM_SAMPLES if effective_codec == 'pcm' else AAC_SAMPLES
    if p['audio_samples'] is not None and p['audio_samples'] not in allowed:
        module.fail_json(msg='audio_samples must be one of %s with audio_codec=%s, got %s'
                         % (', '.join(map(str, allowed)), effective_codec, p['audio_samples']))
    if p['enable_osdts_record'] and not p['videos']:
        module.fail_json(msg='enable_osdts_record needs videos: the server records the watermark only with a layout')
    if p['video_resolution'] is not None:
        p['video_resolution'] = p['video_resolution'].replace(' ', '')  # Q-AVD-26: the documents write 1280*720
    if p['kind'] == 'desktop':
        if not p['name']:
            module.fail_json(msg='kind=desktop needs name: the desktop recording and its files are found by it')
        mix_only = [n for n in START_OPTIONS + ('record_id', 'transcode')
                    if n not in DESKTOP_OPTIONS and p[n] not in (None, False)]
        if mix_only:
            module.fail_json(msg='%s apply only to kind=mix' % ', '.join(mix_only))
        if p['state'] == 'absent':
            module.fail_json(msg='state=absent deletes every recording of the room; use it with kind=mix')
        if p['state'] == 'started' and p['enable_realtime_transcode'] is False:
            module.fail_json(msg='kind=desktop needs enable_realtime_transcode=true (the default for desktop recordings): '
                                 'without real-time transcoding the server lists no file of a desktop recording, and the '
                                 'API gives no record_id by which it could be transcoded after the stop')
    elif p['resource_id'] is not None:
        module.fail_json(msg='resource_id applies only to kind=desktop')
    for name in ('wait_timeout', 'poll_interval'):
        if p[name] <= 0:
            module.fail_json(msg='%s must be a positive number of seconds, got %s' % (name, p[name]))


def status_of(client, record_id):
    body = client.call('/room/record/status', {'record_id': record_id})
    try:
        return int(body.get('record_status'))
    except (TypeError, ValueError):
        return None


def poll(module, call, waited_for, did_not, read):
    """Call ``read()`` every poll_interval until it returns ``(value, state)`` with a value that is not None.

    Gives up at wait_timeout with an error saying what did not happen, the last ``state`` read and what to do about it.
    The module cannot show progress while it waits, so a long wait is summed up in a warning afterwards.
    """
    p = module.params
    waiting = Waiting(module)
    while True:
        value, state = read()
        if value is not None:
            waiting.done(waited_for)
            return value
        if not waiting.allows(p['poll_interval']):
            raise AvdError(waiting.timed_out(did_not, state), call)
        time.sleep(p['poll_interval'])


def wait_stopped(module, client, record_id):
    def read():
        status = status_of(client, record_id)
        if status == 3:
            raise AvdError('recording %s stopped abnormally (record_status 3)' % record_id, '/room/record/status')
        return (status if status == 2 else None), 'record_status %s' % status

    return poll(module, '/room/record/status', 'the stop of recording %s' % record_id,
                'recording %s did not stop' % record_id, read)


def transcode(module, client, record_id):
    """Transcode a stopped recording unless that is done already, and wait for it; True when it was started."""
    p = module.params
    params = {'room_id': p['room_id'], 'record_id': record_id}
    status = _int(client.call('/transcode/query', params).get('status'))
    if status == TRANSCODED:
        return False
    if module.check_mode:
        return True
    started = False
    if status != TRANSCODING:
        client.call('/room/record/transfer', params, write=True, idempotent=True)
        started = True
        module.done.update(changed=True, record={'record_id': record_id, 'status': 'stopped'})

    def read():
        status = _int(client.call('/transcode/query', params).get('status'))
        if status == TRANSCODE_FAILED:
            raise AvdError('transcoding recording %s failed (status 3)' % record_id, '/transcode/query')
        return (True if status == TRANSCODED else None), 'status %s' % status

    poll(module, '/transcode/query', 'the transcoding of recording %s' % record_id,
         'the transcoding of recording %s did not finish' % record_id, read)
    return started


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def file_urls(client, room_id, record_id):
    """Download URLs of a finished recording and the size listed for each (or None), from /room/mix_record/get
    (Q-AVD-09: download_url or down_url)."""
    urls = {}
    entries = api_payload(client.call('/room/mix_record/get', {'room_id': room_id, 'record_id': record_id}))
    for entry in entries if isinstance(entries, list) else [entries]:
        if str(entry.get('record_id', record_id)) != record_id:
            continue
        for item in [entry] + list(entry.get('transcode_files') or []):
            listed_files(item, urls)
    return urls


def listed_files(item, urls):
    """Add the download URLs of ``item`` to ``urls`` with the size it lists for its file.

    A ``file_size`` describes the item's file only where the item is one file: the recording's own entry, which
    also holds ``transcode_files``, lists the size of the whole recording (5.3), and an item with a list of URLs
    (Q-AVD-09, /room/get_record) one size for all of them; such sizes are not compared.
    """
    listed = _as_list(item.get('download_url') or item.get('down_url'))
    size = item.get('file_size') if len(listed) == 1 and not item.get('transcode_files') else None
    for url in listed:
        if url and urls.get(url) is None:
            urls[url] = size


def _as_list(value):
    return value if isinstance(value, list) else [value]


def download(module, client, urls):
    """Every file of ``urls`` (URL: listed size) into dest, verified; a file recorded before and still in dest is not
    downloaded again."""
    p = module.params
    downloads = Downloads(p['dest'], module.check_mode, records=Ledger(p['server_url'], p['cache_dir']),
                          checksums=Checksums(p['checksum']), attributes=FileAttributes(module))
    try:
        downloads.checksums.expect_files(len(urls))
        for url, listed_size in urls.items():
            name = (parse_qs(urlsplit(url).query).get('file') or [urlsplit(url).path])[0].rsplit('/', 1)[-1]
            if downloads.reuse(url, name, listed_size):
                continue
            client.download_file(url, downloads, name, listed_size, p['allow_http_download'])
        downloads.finish()
    except DownloadError as exc:
        raise AvdError(str(exc), '/attachment')
    return downloads


def wanted_layout(params):
    return dict((name, params[name]) for name in LAYOUT_OPTIONS if params[name] is not None)


def update_layout(module, client, record_id):
    """Apply the layout options to a running recording when they differ from the ones last applied from here.

    The API cannot read a layout back, so the record kept on this machine (like the one of file permits) is
    what "differ" is judged against; a machine without it applies the layout once.
    """
    p = module.params
    wanted = wanted_layout(p)
    if not wanted:
        return False
    ledger = Ledger(p['server_url'], p['cache_dir'])
    applied = ledger.get(LAYOUT_KIND, record_id) or {}
    video = dict((k, v) for k, v in wanted.items() if k in ('videos', 'audio_user_ids'))
    audio = dict((k, v) for k, v in wanted.items() if k == 'audio_mixer_users')
    video_changed = bool(video) and any(applied.get(k) != v for k, v in video.items())
    audio_changed = bool(audio) and any(applied.get(k) != v for k, v in audio.items())
    if module.check_mode or not (video_changed or audio_changed):
        return video_changed or audio_changed
    if video_changed:
        client.call('/room/mix_record/update_layout', dict(video, room_id=p['room_id']), write=True, idempotent=True)
    if audio_changed:
        client.call('/room/mix_record/update_audio_layout', dict(audio, room_id=p['room_id'], record_id=record_id),
                    write=True, idempotent=True)
    ledger.put(LAYOUT_KIND, record_id, dict(applied, **wanted))
    return True


def room_entry(ledger, room_id):
    """What this machine recorded about the room's mixed recording: ``(record_id, unsettled)``.

    ``unsettled`` is a dict when a start was sent whose answer never arrived: a recording may run whose id the API
    will not tell. Its ``known`` list, once taken, holds the room's recordings that had finished while that one ran,
    so the recording can be told apart from them after it stops.
    """
    unsettled = ledger.get(UNSETTLED_KIND, room_id)
    if unsettled is not None:
        return None, unsettled if isinstance(unsettled, dict) else {}
    return ledger.get(STARTED_KIND, room_id) or None, None


def remembered(module, client, ledger):
    """The mixed recording this machine last started in the room and its status, while the server knows it.

    Q-AVD-40040: a room has one mixed recording at a time, and the API cannot list them, so this record is how a task
    without ``record_id`` finds "the room's recording" again. Returns ``(record_id, status, unsettled)``.
    """
    p = module.params
    record_id, unsettled = room_entry(ledger, p['room_id'])
    if not record_id:
        return None, None, unsettled
    try:
        return record_id, status_of(client, record_id), None
    except AvdApiError as exc:
        if exc.code != NO_SUCH_RECORD:
            raise
        if not module.check_mode:
            ledger.forget(STARTED_KIND, p['room_id'])
        return None, None, None


def finished_ids(client, room_id):
    """Ids of the room's recordings that /room/mix_record/get lists (those that have stopped)."""
    entries = api_payload(client.call('/room/mix_record/get', {'room_id': room_id}))
    return [str(entry['record_id']) for entry in _as_list(entries or []) if isinstance(entry, dict) and entry.get('record_id')]


def running_unknown(module, client, ledger, unsettled, changed):
    """A recording runs in the room after a start whose answer was lost; its id is unknown until it stops."""
    room_id = module.params['room_id']
    if not unsettled or 'known' not in unsettled:
        # The recording that start began is running, so it is not among the finished ones listed now.
        ledger.put(UNSETTLED_KIND, room_id, {'known': finished_ids(client, room_id)})
    module.warn('a mixed recording runs in room %s, most likely the one a start sent from this machine began when its '
                'answer was lost; the API does not tell its record_id. A stop of the room from this machine without '
                'record_id finds it among the room\'s recordings once it has stopped' % room_id)
    return changed, {'record_id': None, 'status': 'recording'}, None if changed else 'recording'


def start(module, client):
    p = module.params
    room_id = p['room_id']
    ledger = Ledger(p['server_url'], p['cache_dir'])
    record_id = p['record_id']
    unsettled = None
    if record_id:
        status = status_of(client, record_id)
    else:
        record_id, status, unsettled = remembered(module, client, ledger)
    before = STATUS_NAMES.get(status) if record_id else None
    if before in ('started', 'recording'):
        changed = update_layout(module, client, record_id)
        return changed, {'record_id': record_id, 'status': before}, before
    if module.check_mode:
        return True, {'record_id': None, 'status': 'recording'}, before
    params = dict((name, p[name]) for name in START_OPTIONS if p[name] is not None)
    params['room_id'] = room_id
    if unsettled is None:
        # Written before the start is sent: when its answer is lost, or this process ends first, the next run knows
        # that a recording may run whose id it was not told.
        ledger.put(UNSETTLED_KIND, room_id, {})
    lost_here = False
    try:
        try:
            body = client.call('/room/mix_record/start', params, write=True)
        except AvdOutcomeUnknown:
            # A room holds one mixed recording at a time, so a second start cannot make a second recording: the server
            # refuses it (40040) when the first one arrived. That refusal is the only read-back the API offers.
            lost_here = True
            try:
                body = client.call('/room/mix_record/start', params, write=True)
            except AvdOutcomeUnknown:
                raise AvdError('the answers to two starts in room %s were lost; whether a recording runs there is unknown. '
                               'Run the task again: a start in a room that records is refused (40040), which settles it'
                               % room_id, '/room/mix_record/start') from None
    except AvdApiError as exc:
        if exc.code == ALREADY_RECORDING and (lost_here or unsettled is not None):
            return running_unknown(module, client, ledger, unsettled, changed=lost_here)
        if unsettled is None:
            ledger.forget(UNSETTLED_KIND, room_id)
        if exc.code != ALREADY_RECORDING:
            raise
        module.warn('a mixed recording already runs in room %s; the API does not tell its record_id' % room_id)
        return False, {'record_id': None, 'status': 'recording'}, 'recording'
    record_id = body.get('record_id')
    ledger.forget(UNSETTLED_KIND, room_id)
    if not record_id:
        return True, {'record_id': None, 'status': None}, before
    ledger.put(STARTED_KIND, room_id, record_id)
    module.done.update(changed=True, record={'record_id': record_id, 'status': None})
    if wanted_layout(p):
        ledger.put(LAYOUT_KIND, record_id, wanted_layout(p))
    return True, {'record_id': record_id, 'status': STATUS_NAMES.get(status_of(client, record_id))}, before


def stop(module, client):
    p = module.params
    ledger = Ledger(p['server_url'], p['cache_dir'])
    needs_record = p['transcode'] or p['dest'] is not None
    record_id = p['record_id']
    if record_id:
        before = STATUS_NAMES.get(status_of(client, record_id))
    else:
        # Without record_id every mixed recording of the room is stopped; the one this machine started there, if
        # any, is the one waited for and downloaded.
        record_id, status, unsettled = remembered(module, client, ledger)
        before = STATUS_NAMES.get(status) if record_id else None
        if unsettled is not None:
            return stop_unsettled(module, client, ledger, unsettled)
        if not record_id and needs_record:
            if module.check_mode:
                # The recording a check-mode start earlier in the play would begin is not on the server, and the API
                # cannot tell whether another runs: the stop that would be sent is the prediction (see the notes).
                return True, {'record_id': None, 'status': 'stopped'}, None, None
            module.fail_json(msg='%s needs record_id: this machine started no recording in room %s that the server '
                                 'still knows, and the API cannot list them' % ('transcode' if p['transcode'] else 'dest', p['room_id']))
    known_stopped = bool(record_id) and before in ('stopped', 'stopped abnormally')
    if known_stopped and (p['record_id'] or module.check_mode):
        # Check mode without record_id: the room's one recording (40040) is taken to be the one known here.
        changed = False
    elif module.check_mode:
        return True, {'record_id': record_id, 'status': 'stopped'}, before, None
    else:
        params = {'room_id': p['room_id']}
        if p['record_id']:
            params['record_id'] = record_id

        def stop_arrived():
            # A stop whose answer was lost arrived when the recording no longer runs.
            return {} if status_of(client, record_id) not in RUNNING else None

        try:
            client.call('/room/mix_record/stop', params, write=True, idempotent=True,
                        verify=stop_arrived if record_id and not known_stopped else None)
            changed = True
            module.done.update(changed=True, record={'record_id': record_id, 'status': 'stopping'})
        except AvdApiError as exc:
            if exc.code != NOT_RECORDING:
                raise
            changed = False
        if changed and known_stopped:
            # What stopped was started elsewhere after the recording known here: its record_id is unknown.
            module.done['record'] = {'record_id': None, 'status': 'stopping'}
            if needs_record:
                module.fail_json(msg='stopped a recording of room %s that this machine did not start; without its '
                                     'record_id it cannot be waited for, transcoded or downloaded' % p['room_id'], **module.done)
            return True, {'record_id': None, 'status': 'stopping'}, before, None
    return archive(module, client, record_id, changed, before)


def stop_unsettled(module, client, ledger, unsettled):
    """Stop the room after a start whose answer was lost, and find that recording among the finished ones."""
    p = module.params
    room_id = p['room_id']
    needs_record = p['transcode'] or p['dest'] is not None
    if module.check_mode:
        return True, {'record_id': None, 'status': 'stopped'}, None, None
    lost = []

    def note_lost_answer():
        lost.append(True)
        return None  # the stop is sent again: it stops the same recordings or answers 40041

    try:
        client.call('/room/mix_record/stop', {'room_id': room_id}, write=True, idempotent=True, verify=note_lost_answer)
        changed = True
    except AvdApiError as exc:
        if exc.code != NOT_RECORDING:
            raise
        # After a lost answer, "not recording" most likely means that the first stop arrived.
        changed = bool(lost)
    if changed:
        module.done.update(changed=True, record={'record_id': None, 'status': 'stopping'})
    if 'known' not in unsettled:
        # The run that sent the start ended before it could list the room's earlier recordings, so nothing tells
        # the recording apart from them.
        ledger.forget(UNSETTLED_KIND, room_id)
        if needs_record:
            module.fail_json(msg='%s needs record_id: the answer to a start in room %s was lost, and which of the room\'s '
                                 'recordings it began cannot be told; find it with avd_recording_info'
                                 % ('transcode' if p['transcode'] else 'dest', room_id), **module.done)
        return changed, {'record_id': None, 'status': 'stopping' if changed else None}, None, None

    def read():
        found = [record_id for record_id in finished_ids(client, room_id) if record_id not in unsettled['known']]
        return found or None, 'not listed yet'

    if changed or needs_record:
        found = poll(module, '/room/mix_record/get', 'the stop of the recording in room %s' % room_id,
                     'the recording stopped in room %s was not listed' % room_id, read)
    else:
        found = read()[0] or []
    if len(found) > 1:
        module.fail_json(msg='%d recordings of room %s stopped since a start whose answer was lost (%s); give the '
                             'record_id of the one to archive' % (len(found), room_id, ', '.join(found)), **module.done)
    if not found:
        # Nothing ran: the start whose answer was lost did not begin a recording.
        ledger.forget(UNSETTLED_KIND, room_id)
        if needs_record:
            module.fail_json(msg='%s needs a recording: none ran in room %s (the start whose answer was lost did not '
                                 'begin one)' % ('transcode' if p['transcode'] else 'dest', room_id))
        return False, {'record_id': None, 'status': None}, None, None
    ledger.put(STARTED_KIND, room_id, found[0])
    ledger.forget(UNSETTLED_KIND, room_id)
    return archive(module, client, found[0], changed, 'recording' if changed else None)


def archive(module, client, record_id, changed, before):
    """Wait for a stopped recording, transcode it and download its files, as the options ask."""
    p = module.params
    status = before
    if record_id and (p['wait'] or p['dest'] is not None):
        status = STATUS_NAMES[wait_stopped(module, client, record_id)]
    elif record_id:
        status = STATUS_NAMES.get(status_of(client, record_id))
    before = {'status': before}
    if p['transcode'] and record_id and status == 'stopped':
        transcoded_now = transcode(module, client, record_id)
        before['transcoded'] = not transcoded_now
        changed = transcoded_now or changed
    files = download(module, client, file_urls(client, p['room_id'], record_id)) if p['dest'] is not None else None
    return changed, {'record_id': record_id, 'status': status}, before, files


def delete(module, client):
    room_id = module.params['room_id']
    entries = api_payload(client.call('/room/mix_record/get', {'room_id': room_id}))
    if not entries:
        return False
    if not module.check_mode:
        client.call('/room/del_record', {'room_id': room_id}, write=True, idempotent=True)
    return True


def room_files(client, room_id):
    """Server paths of the files of the room's finished recordings, of every kind (/room/get_record over all time:
    its lists hold each file, Q-AVD-09)."""
    # A day past now allows for a server clock ahead of this one.
    body = client.call('/room/get_record', {'room_id': room_id, 'record_start_time': 0,
                                            'record_end_time': int(time.time()) + 86400})
    urls = []
    for entry in _as_list(body.get('record_files') or []):
        files = entry.get('transcode_files')
        urls.extend(_as_list(entry.get('down_url') or []))
        if isinstance(files, dict):
            urls.extend(_as_list(files.get('down_url') or []))
    return set(path for path in (server_path(url) for url in urls if url) if path)


def delete_file(module, client):
    """Delete the recording file O(file); True when the server had it (in check mode, when it lists it)."""
    p = module.params
    if module.check_mode:
        return p['file'] in room_files(client, p['room_id'])

    def deleted():
        # A delete whose answer was lost arrived when the file is no longer listed.
        return {} if p['file'] not in room_files(client, p['room_id']) else None

    try:
        client.call('/room/delete_record', {'room_id': p['room_id'], 'url': p['file']}, write=True, verify=deleted)
    except AvdApiError as exc:
        if exc.code != NO_SUCH_FILE:
            raise
        return False
    return True


def start_desktop(module, client):
    p = module.params
    if module.check_mode:
        return True, {'record_id': None, 'status': 'recording'}, None
    # Without real-time transcoding a desktop recording never lists a file (validate() refuses false).
    params = {'room_id': p['room_id'], 'name': p['name'], 'enable_realtime_transcode': True, 'resource_id': p['resource_id']}
    try:
        client.call('/room/desktop_record/start', params, write=True)
    except AvdApiError as exc:
        if exc.code != ALREADY_RECORDING:
            raise
        return False, {'record_id': None, 'status': 'recording'}, 'recording'
    return True, {'record_id': None, 'status': 'recording'}, None


def desktop_files(module, client):
    """URLs of the desktop recording's files, once the server lists them (Q-AVD-38: no status to wait on)."""
    p = module.params

    def read():
        entries = api_payload(client.call('/room/desktop_record/get', {'room_id': p['room_id'], 'name': p['name']}))
        urls = {}
        for entry in _as_list(entries or []):
            listed_files(entry, urls)
        return (urls if urls or not p['wait'] else None), 'no file listed yet'

    return poll(module, '/room/desktop_record/get', 'the files of desktop recording %s' % p['name'],
                'desktop recording %s listed no file' % p['name'], read)


def stop_desktop(module, client):
    p = module.params
    changed = True
    if module.check_mode:
        return True, {'record_id': None, 'status': 'stopped'}, None, None
    try:
        client.call('/room/desktop_record/stop', {'room_id': p['room_id']}, write=True, idempotent=True)
        module.done.update(changed=True, record={'record_id': None, 'status': 'stopped'})
    except AvdApiError as exc:
        if exc.code != NOT_RECORDING:
            raise
        changed = False
    files = download(module, client, desktop_files(module, client)) if p['dest'] is not None else None
    return changed, {'record_id': None, 'status': 'stopped' if changed or (files and files.files) else None}, None, files


class RecordingModule(AvdModule):

    def add_path_info(self, kwargs):
        # AnsibleModule would describe the directory named by the result's 'dest' (owner, mode, its size...) as if
        # the task managed it; the result describes the recording and its files only.
        return kwargs


def run(module):
    p = module.params
    client = module.client
    validate(module)
    downloads = None
    desktop = p['kind'] == 'desktop'
    if p['state'] == 'started':
        changed, record, before = (start_desktop if desktop else start)(module, client)
    elif p['state'] == 'stopped':
        changed, record, before, downloads = (stop_desktop if desktop else stop)(module, client)
    elif p['file'] is not None:
        changed = delete_file(module, client)
        module.exit_json(changed=changed, record={'record_id': None, 'status': None}, files=[],
                         diff={'before': {'file': p['file'], 'present': changed}, 'after': {'file': p['file'], 'present': False}})
    else:
        changed = delete(module, client)
        record, before = {'record_id': None, 'status': None}, None
    before = before if isinstance(before, dict) else {'status': before}
    after = dict(before, status=record['status'])
    if 'transcoded' in before:
        after['transcoded'] = True
    result = dict(record=record, files=[])
    if p['dest'] is not None:
        result['dest'] = p['dest']
    if downloads is not None:
        before['files'], after['files'] = downloads.diff()
        changed = changed or downloads.changed
        result['files'] = downloads.files
    module.exit_json(changed=changed, diff={'before': before, 'after': after}, **result)


def main():
    module = RecordingModule(
        argument_spec=dict(
            room_id=dict(type='str', required=True),
            kind=dict(type='str', default='mix', choices=['mix', 'desktop']),
            resource_id=dict(type='str'),
            state=dict(type='str', default='started', choices=['started', 'stopped', 'absent']),
            record_id=dict(type='str'),
            file=dict(type='str'),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=300),
            poll_interval=dict(type='int', default=2),
            transcode=dict(type='bool', default=False),
            dest=dict(type='path'),
            name=dict(type='str'),
            user_id=dict(type='str'),
            file_name=dict(type='str'),
            enable_audio_record=dict(type='bool'),
            enable_realtime_transcode=dict(type='bool'),
            enable_transcode=dict(type='bool'),
            enable_individual_record=dict(type='bool'),
            enable_save_mix=dict(type='bool'),
            enable_backup=dict(type='bool'),
            enable_osdts_record=dict(type='bool'),
            disable_user_name=dict(type='bool'),
            marking_video_by_id=dict(type='bool'),
            video_resolution=dict(type='str'),
            video_bitrate=dict(type='int'),
            video_framerate=dict(type='int'),
            video_level=dict(type='str', choices=['low', 'middle', 'high']),
            videos=dict(type='list', elements='dict'),
            osds=dict(type='dict'),
            audio_user_ids=dict(type='list', elements='str'),
            audio_mixer_users=dict(type='list', elements='dict'),
            audio_file_type=dict(type='str', choices=['mp3', 'wav']),
            audio_codec=dict(type='str', choices=['aac', 'pcm']),
            audio_channels=dict(type='int', choices=[1, 2]),
            audio_samples=dict(type='int'),
            audio_data_exporter_address=dict(type='dict'),
            **dict(DOWNLOAD_SPEC, **FILE_MODE_SPEC)
        ),
        supports_check_mode=True,
        not_blank=('room_id', 'record_id', 'file'),
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
