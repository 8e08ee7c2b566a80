# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The attributes every module of this collection documents."""

    # A module that extends this fragment sets `support` (and `details`) of each attribute.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
'''

    INFO_MODULE = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The module only reads.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: The module only reads.
'''

    # The plugins that download artefacts: an action plugin with a module of the same name.
    DOWNLOAD = r'''
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details: The module does the API work and the download; the action plugin places the files in O(dest) on the controller.
  async:
    description: Supports being used with the C(async) keyword.
    support: partial
    details:
      - >-
        When the task runs on the controller (C(hosts: localhost), C(delegate_to: localhost), or any local connection),
        which is the usual case, the module writes into O(dest) itself and C(async)/C(poll) work, also with
        M(ansible.builtin.async_status).
      - >-
        On another host, a task with C(async) that downloads files fails: the files of a background job there cannot
        be fetched afterwards.
'''
