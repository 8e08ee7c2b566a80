# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._ensure import (
    Field, MissingForCreate, RecreateNeeded, Resource, ensure,
)


class Thing(Resource):
    fields = {
        'name': Field(),
        'colour': Field(),
        'shape': Field(updatable=False),
        'size': Field(readable=False, updatable=False),
        'secret': Field(secret=True),
    }
    create_requires = ('colour',)
    label = 'thing t'

    def __init__(self, have):
        self.have = have
        self.calls = []

    def find(self):
        return None if self.have is None else dict(self.have)

    def create(self, want):
        self.calls.append(('create', dict(want)))
        return dict(want)

    def update(self, have, want, changed):
        self.calls.append(('update', sorted(changed)))
        return dict(have, **want)

    def delete(self, have):
        self.calls.append(('delete',))


PARAMS = dict(name='t', colour=None, shape=None, size=None, secret=None)


def params(**kw):
    return dict(PARAMS, **kw)


def test_create_and_diff():
    thing = Thing(None)
    changed, before, after, diff = ensure(thing, params(colour='red', secret='s'), 'present', False)
    assert changed and before is None
    assert thing.calls == [('create', {'name': 't', 'colour': 'red', 'secret': 's'})]
    assert after == {'name': 't', 'colour': 'red'}
    assert diff == {'before': {}, 'after': {'name': 't', 'colour': 'red'}}
    assert thing.action == 'create'


def test_check_mode_predicts_without_calls():
    thing = Thing(None)
    changed, dummy, after, dummy = ensure(thing, params(colour='red'), 'present', True)
    assert changed and after == {'name': 't', 'colour': 'red'} and thing.calls == []


def test_only_set_options_are_compared():
    thing = Thing({'name': 't', 'colour': 'red', 'shape': 'round'})
    changed = ensure(thing, params(), 'present', False)[0]
    assert not changed and thing.calls == []


def test_update_sends_the_changed_names():
    thing = Thing({'name': 't', 'colour': 'red', 'shape': 'round'})
    changed, before, after, diff = ensure(thing, params(colour='blue'), 'present', False)
    assert changed and thing.calls == [('update', ['colour'])]
    assert diff['before']['colour'] == 'red' and diff['after']['colour'] == 'blue'
    assert thing.action == 'update'


def test_write_only_fields_never_cause_a_change():
    thing = Thing({'name': 't', 'colour': 'red'})
    assert not ensure(thing, params(size='XL'), 'present', False)[0]


def test_fixed_field_needs_recreate():
    thing = Thing({'name': 't', 'colour': 'red', 'shape': 'round'})
    with pytest.raises(RecreateNeeded) as info:
        ensure(thing, params(shape='square'), 'present', False)
    assert info.value.fields == ['shape'] and thing.calls == []


def test_recreate_deletes_then_creates():
    thing = Thing({'name': 't', 'colour': 'red', 'shape': 'round'})
    changed = ensure(thing, params(colour='red', shape='square'), 'present', False, recreate=True)[0]
    assert changed and [c[0] for c in thing.calls] == ['delete', 'create'] and thing.action == 'recreate'


def test_missing_option_for_create_is_named():
    with pytest.raises(MissingForCreate) as info:
        ensure(Thing(None), params(), 'present', True)
    assert 'colour' in str(info.value) and 'thing t' in str(info.value)


def test_secret_change_is_detected_but_never_shown():
    thing = Thing({'name': 't', 'colour': 'red', 'secret': 'old'})
    changed, before, after, diff = ensure(thing, params(secret='new'), 'present', False)
    assert changed
    assert 'secret' not in before and 'secret' not in after
    assert 'old' not in str(diff) and 'new' not in str(diff).replace('after (secret changed)', '')
    assert 'secret' in diff['after_header']


def test_absent():
    thing = Thing({'name': 't', 'colour': 'red'})
    changed, before, after, diff = ensure(thing, params(), 'absent', False)
    assert changed and after is None and thing.calls == [('delete',)] and diff['after'] == {}
    gone = Thing(None)
    assert not ensure(gone, params(), 'absent', False)[0] and gone.calls == []
