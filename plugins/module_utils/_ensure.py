# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one engine that decides create, update or delete for every declarative module.

Private to this collection. A module describes its entity once (``Field`` per option) and supplies a
``Resource`` with four verbs; the engine reads, compares only the options the user set, skips every write
in check mode while predicting the result, and records before/after for ``--diff`` without secrets.
"""

from __future__ import annotations


class Field:
    """How one option of an entity behaves on the server.

    ``readable``: the read call returns it, so drift can be seen.
    ``updatable``: the update call accepts it; a difference in a readable field that is not updatable
    needs the entity to be recreated.
    ``secret``: compared when readable, never shown in results or diffs.
    """

    def __init__(self, readable=True, updatable=True, secret=False, normalize=None):
        self.readable = readable
        self.updatable = updatable
        self.secret = secret
        self.normalize = normalize or (lambda value: value)


class Resource:
    """What a module supplies to the engine. Every state dict is keyed by the module's option names."""

    fields = {}
    action = None
    label = 'object'  # names the entity in messages, e.g. "SIP gateway hq-pbx"
    create_requires = ()  # options that must be set when the entity has to be created

    def find(self):
        """Return the current state, or None when the entity does not exist."""
        raise NotImplementedError

    def create(self, want):
        """Create the entity; return its state as read back."""
        raise NotImplementedError

    def update(self, have, want, changed):
        """Apply ``want`` (which holds every option the user set) to ``have``; return the new state."""
        raise NotImplementedError

    def delete(self, have):
        raise NotImplementedError

    def predict(self, have, want):
        """The state check mode reports: ``have`` (possibly None) with ``want`` applied."""
        state = dict(have or {})
        state.update(want)
        return state


class AlreadyExists(Exception):
    """``create()`` was answered that the entity exists: another run created it meanwhile (forks of one play, two
    pipelines). ``state`` is the entity as read back; the engine then compares and updates it like a found one."""

    def __init__(self, state):
        super().__init__('already exists')
        self.state = state


class MissingForCreate(Exception):

    def __init__(self, label, options):
        super().__init__('%s must be set to create %s' % (', '.join(options), label))
        self.options = options


class RecreateNeeded(Exception):

    def __init__(self, fields):
        super().__init__(fields)
        self.fields = fields


def wanted(fields, params):
    """The options the user set: only those are compared and written."""
    return dict((name, fields[name].normalize(params[name])) for name in fields if params.get(name) is not None)


def differences(fields, have, want):
    """Names of the set options whose readable value differs from the server's."""
    return sorted(name for name, value in want.items()
                  if fields[name].readable and fields[name].normalize(have.get(name)) != value)


def public(fields, state):
    if state is None:
        return None
    return dict((k, v) for k, v in state.items() if not (k in fields and fields[k].secret))


def plan(resource, want, have, state, recreate=False):
    """What ensure() does to ``have`` for ``want``: ``(action, changed_names)``.

    ``action`` is None, 'create', 'update', 'recreate' or 'delete'; ``changed_names`` the set options that differ.
    Raises RecreateNeeded when a field that cannot be updated differs and ``recreate`` is false.
    """
    fields = resource.fields
    if state == 'absent':
        return ('delete' if have is not None else None), []
    if have is None:
        return 'create', []
    changed_names = differences(fields, have, want)
    fixed = [name for name in changed_names if not fields[name].updatable]
    if fixed and not recreate:
        raise RecreateNeeded(fixed)
    if fixed:
        return 'recreate', changed_names
    return ('update' if changed_names else None), changed_names


def ensure(resource, params, state, check_mode, recreate=False):
    """Bring the entity to ``state`` ('present' or 'absent'); return (changed, before, after, diff).

    ``before``/``after`` are the public states (None when absent); ``diff`` is Ansible's diff dict.
    ``resource.action`` tells what was done (or would be, in check mode): None, 'create', 'update',
    'recreate' or 'delete'.
    """
    fields = resource.fields
    want = wanted(fields, params)
    have = resource.find()
    resource.action = None
    action, changed_names = plan(resource, want, have, state, recreate)
    try:
        after = _apply(resource, action, have, want, changed_names, check_mode)
    except AlreadyExists as exc:
        # A racing run created it first (only a real run creates): converge on it instead of failing.
        have = exc.state
        action, changed_names = plan(resource, want, have, state, recreate)
        after = _apply(resource, action, have, want, changed_names, check_mode)
    resource.action = action
    changed = action is not None
    changed_secrets = [name for name in changed_names if fields[name].secret]

    before_public, after_public = public(fields, have), public(fields, after)
    diff = {'before': before_public or {}, 'after': after_public or {}}
    if changed_secrets:
        # The values stay hidden on both sides; the header is the only place that says they change.
        diff['before_header'] = 'before'
        diff['after_header'] = 'after (%s changed)' % ', '.join(changed_secrets)
    return changed, before_public, after_public, diff


def _require(resource, want):
    missing = [name for name in resource.create_requires if name not in want]
    if missing:
        raise MissingForCreate(resource.label, missing)


def _create(resource, want, check_mode):
    _require(resource, want)
    return resource.predict(None, want) if check_mode else resource.create(want)


def _apply(resource, action, have, want, changed_names, check_mode):
    """Do ``action`` (in check mode, predict it); return the state after it, None when the entity is absent."""
    if action == 'delete':
        if not check_mode:
            resource.delete(have)
        return None
    if action == 'recreate':
        _require(resource, want)
        if not check_mode:
            resource.delete(have)
        return _create(resource, want, check_mode)
    if action == 'create':
        return _create(resource, want, check_mode)
    if action == 'update':
        return resource.predict(have, want) if check_mode else resource.update(have, want, changed_names)
    return have
