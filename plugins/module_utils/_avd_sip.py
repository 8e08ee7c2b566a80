# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SIP gateway look-ups shared by the gateway and account modules. Private to this collection."""

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdError

GATE_ABSENT_CODE = 40020


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
