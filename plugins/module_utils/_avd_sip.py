# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SIP gateways: look-ups shared by the gateway, account and environment modules, and the gateway entity. Private to
this collection."""

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, AvdError
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import AlreadyExists, Field, Resource

GATE_ABSENT_CODE = 40020
GATE_URL_TAKEN_CODE = 40019


def normalize_gate(raw):
    # Q-AVD-47: the gateway id is gate_id in create/list answers and id in the read answer.
    gate_id = raw.get('gate_id', raw.get('id'))
    return {'gate_id': int(gate_id) if gate_id is not None else None, 'name': raw.get('name'), 'url': raw.get('url')}


def list_gates(client):
    body = client.call('/sip/gate/list')
    gates = body.get('sip_gates', body.get('sip_gares')) or []  # Q-AVD-08: the table spells it sip_gares
    if isinstance(gates, dict):
        gates = [gates]
    return [normalize_gate(gate) for gate in gates]


class DuplicateGateName(AvdError):

    def __init__(self, name, gates):
        super().__init__('%d SIP gateways are named %s (gate_id %s); the name must identify one gateway. Rename or '
                         'delete the extra ones, or use sip_gate_id.'
                         % (len(gates), name, ', '.join(str(g['gate_id']) for g in gates)))
        self.gates = gates


def find_gate_by_name(gates, name):
    matches = [gate for gate in gates if gate['name'] == name]
    if len(matches) > 1:
        raise DuplicateGateName(name, matches)
    return matches[0] if matches else None


class SipGate(Resource):
    """A gateway, identified by its name; ``gates`` is a list read once for many gateways (None: list on find)."""

    fields = {'name': Field(), 'url': Field()}
    create_requires = ('url',)

    def __init__(self, client, name, gates=None):
        self.client = client
        self.name = name
        self.gates = gates
        self.label = 'SIP gateway %s' % name

    def find(self):
        return find_gate_by_name(list_gates(self.client) if self.gates is None else self.gates, self.name)

    def _find_by_url(self, url):
        # The server keeps gateway urls unique, so the url identifies a gateway whose create answer was lost.
        for gate in list_gates(self.client):
            if gate['url'] == url:
                return gate
        return None

    def create(self, want):
        try:
            body = self.client.call('/sip/gate/create', {'name': want['name'], 'url': want['url']}, write=True,
                                    verify=lambda: self._find_by_url(want['url']))
        except AvdApiError as exc:
            if exc.code != GATE_URL_TAKEN_CODE:
                raise
            holder = self._find_by_url(want['url'])
            if holder is not None and holder['name'] == self.name:
                raise AlreadyExists(holder)  # another run created this very gateway meanwhile
            if holder is not None:
                exc.args = ('%s; it belongs to SIP gateway %s (gate_id %s)' % (exc, holder['name'], holder['gate_id']),)
            raise
        return normalize_gate(body)

    def update(self, have, want, changed):
        # Q-AVD-52: the update call replaces name and url together.
        state = dict(have, **want)
        self.client.call('/sip/gate/update', {'sip_gate_id': have['gate_id'], 'name': state['name'], 'url': state['url']},
                         write=True, idempotent=True)
        return state

    def delete(self, have):
        try:
            self.client.call('/sip/gate/del', {'sip_gate_id': have['gate_id']}, write=True, idempotent=True)
        except AvdApiError as exc:
            if exc.code != GATE_ABSENT_CODE:
                raise
