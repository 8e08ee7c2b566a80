# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Options every plugin shares, through ansible-playbook against the emulator: the file options of the downloads
(mode, owner, group), a TLS client certificate (client_cert, client_key), and a server_url that looks wrong."""

from __future__ import annotations

import base64
import json
import os
import pwd
import stat
from pathlib import Path

import pytest

from rtcops_emulator import Emulator

REPO = Path(__file__).resolve().parents[2]
COVER = REPO / 'playbooks' / 'files' / 'welcome.png'


def _managed_host_plugins():
    """The directory of the managed_host connection plugin (the local connection under another name)."""
    found = sorted((REPO / 'tests' / 'integration').glob('**/connection_plugins/managed_host.py'))
    assert found, 'the managed_host connection plugin of the integration tests is missing'
    return str(found[0].parent)


def _write_play(tmp_path, name, tasks, variables):
    play = [{'name': name, 'hosts': 'localhost', 'gather_facts': False,
             'vars': dict(variables, ansible_python_interpreter='{{ ansible_playbook_python }}'), 'tasks': tasks}]
    path = tmp_path / ('%s.json' % name.replace(' ', '-'))
    # JSON is YAML: no quoting rules to get wrong for modes like '0600'.
    path.write_text(json.dumps(play, indent=1))
    return str(path)


def _results(run, prefix='RESULT '):
    """The registered results the play printed with debug, by name."""
    found = {}
    for line in run.output.splitlines():
        if line.strip().startswith('"msg": "%s' % prefix):
            text = json.loads(line.strip()[len('"msg": '):].rstrip(','))
            name, dummy, value = text[len(prefix):].partition('=')
            found[name] = json.loads(value)
    return found


def _show(*names):
    return [{'name': 'Show %s' % name, 'ansible.builtin.debug': {'msg': 'RESULT %s={{ %s | to_json }}' % (name, name)}}
            for name in names]


def _cover_task(name, register, dest, check_mode=False, connection=None, **options):
    task = {'name': name, 'rtcops.conference.topvdn_snapshot': dict({'client_id': 10000415, 'dest': dest}, **options),
            'register': register, 'check_mode': check_mode}
    if connection:
        task['vars'] = {'ansible_connection': connection}
    return task


def test_downloads_take_mode_owner_and_group(ansible, emulator, tmp_path):
    token = 'cover-token-1'
    emulator_control = {'client_id': 10000415, 'client_token': token,
                        'cover_image': base64.b64encode(COVER.read_bytes()).decode()}
    local, managed = str(tmp_path / 'local'), str(tmp_path / 'managed')
    tasks = [{'name': 'A camera with a cover', 'no_log': True, 'ansible.builtin.uri': {
        'url': emulator.url + '/_emulator/topvdn/devices', 'method': 'POST', 'body_format': 'json', 'body': emulator_control}}]
    covers = [
        _cover_task('New file with mode 0600', 'first', local, mode='0600'),
        _cover_task('Same file, same mode', 'same', local, mode='0600'),
        _cover_task('Only the mode differs, check mode', 'predicted', local, check_mode=True, mode='0640'),
        {'name': 'Mode after check mode', 'ansible.builtin.stat': {'path': local + '/10000415-cover.png'}, 'register': 'after_check'},
        _cover_task('Only the mode differs', 'mode_only', local, mode='0640'),
        _cover_task('Only the mode differs, again', 'mode_again', local, mode='0640'),
        _cover_task('Another owner by name, group by id', 'owner', local, owner='nobody', group='0'),
        _cover_task('No file options: the file is left as it is', 'untouched', local),
        _cover_task('Managed host: new file, symbolic mode', 'managed_first', managed, connection='managed_host',
                    mode='u=rw,g=r,o='),
        _cover_task('Managed host: again', 'managed_same', managed, connection='managed_host', mode='u=rw,g=r,o='),
        _cover_task('Managed host: only the mode, check mode', 'managed_predicted', managed, check_mode=True,
                    connection='managed_host', mode='0600'),
        _cover_task('Managed host: only the mode', 'managed_mode', managed, connection='managed_host', mode='0600'),
        _cover_task('Managed host: an unknown owner', 'managed_bad_owner', managed, connection='managed_host',
                    owner='no-such-user-here'),
    ]
    covers[-1]['ignore_errors'] = True
    tasks.append({'name': 'Topvdn connection', 'block': covers, 'module_defaults': {
        'group/rtcops.conference.topvdn': {'api_url': emulator.url, 'client_token': token}}})
    tasks += _show('first', 'same', 'predicted', 'after_check', 'mode_only', 'mode_again', 'owner', 'untouched',
                   'managed_first', 'managed_same', 'managed_predicted', 'managed_mode', 'managed_bad_owner')
    play = _write_play(tmp_path, 'file options', tasks, {})
    run = ansible('ansible-playbook', ['-i', 'localhost,', '-c', 'local', play], 'file-options',
                  env={'ANSIBLE_CONNECTION_PLUGINS': _managed_host_plugins()})
    assert run.rc == 0, run.output[-3000:]
    results = _results(run)

    assert results['first']['changed'] and results['first']['files'][0]['changed']
    assert not results['same']['changed']
    assert results['predicted']['changed'], 'check mode predicts the change of mode'
    assert results['after_check']['stat']['mode'] == '0600', 'check mode changed nothing'
    assert results['mode_only']['changed'] and results['mode_only']['files'][0]['changed']
    assert not results['mode_again']['changed']
    assert results['owner']['changed']
    assert not results['untouched']['changed']
    for name in ('first', 'mode_only', 'owner'):
        assert 'mode' not in results[name] and 'owner' not in results[name], 'no attributes of dest in the result'
    placed = os.stat(os.path.join(local, '10000415-cover.png'))
    assert stat.S_IMODE(placed.st_mode) == 0o640
    assert placed.st_uid == pwd.getpwnam('nobody').pw_uid and placed.st_gid == 0

    assert results['managed_first']['changed']
    assert not results['managed_same']['changed']
    assert results['managed_predicted']['changed']
    assert results['managed_mode']['changed']
    assert stat.S_IMODE(os.stat(os.path.join(managed, '10000415-cover.png')).st_mode) == 0o600
    assert results['managed_bad_owner']['failed'] and 'owner' in results['managed_bad_owner']['msg']


@pytest.fixture(name='mtls_emulator')
def fixture_mtls_emulator(credentials, tmp_path_factory):
    emu = Emulator(require_client_cert=True, cert_dir=str(tmp_path_factory.mktemp('emulator-mtls')),
                   access_key=credentials['access_key'], secret_key=credentials['secret_key'],
                   data_dir=str(tmp_path_factory.mktemp('emulator-mtls-data')))
    emu.start()
    yield emu
    emu.stop()


def test_client_certificate_for_a_server_behind_mutual_tls(ansible, mtls_emulator, credentials, tmp_path):
    connection = {'server_url': mtls_emulator.url, 'access_key': credentials['access_key'],
                  'secret_key': credentials['secret_key'], 'ca_path': mtls_emulator.ca_cert, 'token_cache': False}
    missing = str(tmp_path / 'absent.pem')
    tasks = [
        {'name': 'With the client certificate from the environment', 'register': 'with_cert',
         'environment': {'AVD_CLIENT_CERT': mtls_emulator.client_cert, 'AVD_CLIENT_KEY': mtls_emulator.client_key},
         'rtcops.conference.avd_licence_info': connection},
        {'name': 'Without it', 'register': 'without_cert', 'ignore_errors': True,
         'rtcops.conference.avd_licence_info': connection},
        {'name': 'A certificate file that does not exist', 'register': 'missing_cert', 'ignore_errors': True,
         'rtcops.conference.avd_licence_info': dict(connection, client_cert=missing)},
        {'name': 'The CA certificate where the client certificate belongs', 'register': 'not_a_pair', 'ignore_errors': True,
         'rtcops.conference.avd_licence_info': dict(connection, client_cert=mtls_emulator.ca_cert)},
        {'name': 'The lookup with the certificate', 'ansible.builtin.set_fact': {'token_length': (
            "{{ lookup('rtcops.conference.avd_token', server_url=%r, access_key=%r, secret_key=%r, ca_path=%r, "
            "client_cert=%r, client_key=%r, token_cache=false) | length }}"
            % (mtls_emulator.url, credentials['access_key'], credentials['secret_key'], mtls_emulator.ca_cert,
               mtls_emulator.client_cert, mtls_emulator.client_key))}},
    ]
    tasks += _show('with_cert', 'without_cert', 'missing_cert', 'not_a_pair', 'token_length')
    play = _write_play(tmp_path, 'client certificate', tasks, {})
    run = ansible('ansible-playbook', ['-i', 'localhost,', '-c', 'local', play], 'client-certificate')
    assert run.rc == 0, run.output[-3000:]
    results = _results(run)
    assert not results['with_cert'].get('failed'), results['with_cert']
    assert results['with_cert']['licence']['max_users'] == 500
    assert results['without_cert']['failed']
    assert 'client_cert' in results['without_cert']['msg'], results['without_cert']['msg']
    assert 'gave up after' not in results['without_cert']['msg'], 'a refused certificate is not retried'
    assert results['missing_cert']['failed'] and results['missing_cert']['msg'].startswith('client_cert %s' % missing)
    assert results['not_a_pair']['failed'] and 'client_cert' in results['not_a_pair']['msg']
    assert int(results['token_length']) > 0


def test_a_server_url_that_looks_wrong_is_named(ansible, emulator, credentials, tmp_path):
    connection = {'access_key': credentials['access_key'], 'secret_key': credentials['secret_key'], 'token_cache': False}
    tasks = [
        {'name': 'The API path included', 'register': 'with_api_path', 'ignore_errors': True,
         'rtcops.conference.avd_licence_info': dict(connection, server_url=emulator.url + '/sdkapi/v2/')},
        {'name': 'Another service at that address (an HTML page answers)', 'register': 'html_answer', 'ignore_errors': True,
         'rtcops.conference.avd_licence_info': dict(connection, server_url=emulator.url + '/portal')},
        {'name': 'A Topvdn api_url with its API path', 'register': 'topvdn_api_path', 'ignore_errors': True,
         'rtcops.conference.topvdn_snapshot': {'api_url': emulator.url + '/v2', 'client_id': 1, 'client_token': 'x',
                                               'dest': str(tmp_path / 'covers')}},
    ]
    tasks += _show('with_api_path', 'html_answer', 'topvdn_api_path')
    play = _write_play(tmp_path, 'server url', tasks, {})
    run = ansible('ansible-playbook', ['-i', 'localhost,', '-c', 'local', play], 'server-url-hints')
    assert run.rc == 0, run.output[-3000:]
    results = _results(run)
    refused = results['with_api_path']
    assert refused['failed'] and refused['msg'].startswith('server_url ')
    assert 'use %s,' % emulator.url in refused['msg'], refused['msg']
    html = results['html_answer']
    assert html['failed'] and 'HTML page' in html['msg'] and 'check server_url' in html['msg'], html['msg']
    assert '/sdkapi/v2' in html['msg']
    topvdn = results['topvdn_api_path']
    assert topvdn['failed'] and topvdn['msg'].startswith('api_url ') and '/v2' in topvdn['msg'], topvdn['msg']
