"""Unit tests on every supported ansible-core: the support matrix runs them on 2.16 too.

``ansible.module_utils.testing.patch_module_args`` (how the tests hand arguments to a module)
came with ansible-core 2.19; older releases read them from ``basic._ANSIBLE_ARGS``, which is
what this stand-in patches. It is installed only where ansible-core lacks the real one.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
import types
from unittest import mock

from ansible.module_utils import basic


@contextlib.contextmanager
def _patch_module_args(args=None):
    """Expose ``args`` to AnsibleModule instances created within this context (ansible-core < 2.19)."""
    if not isinstance(args, (dict, type(None))):
        raise TypeError('The `args` arg must be a dict or None.')

    with mock.patch.object(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode()):
        yield


if importlib.util.find_spec('ansible.module_utils.testing') is None:
    _testing = types.ModuleType('ansible.module_utils.testing')
    _testing.patch_module_args = _patch_module_args
    sys.modules[_testing.__name__] = _testing
