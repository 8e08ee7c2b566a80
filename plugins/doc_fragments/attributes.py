# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """What this collection adds to ansible-core's attribute descriptions (ansible.builtin.action_common_attributes,
    which a module extends before this fragment): the platform, and the support of the attributes that are the same
    for a whole kind of module."""

    # A module that extends this fragment sets `support` (and `details`) of check_mode and diff_mode itself.
    DOCUMENTATION = r'''
attributes:
  platform:
    platforms: posix
'''

    INFO_MODULE = r'''
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: N/A
    details: The module only reads.
  platform:
    platforms: posix
'''

    # The plugins that download artefacts: an action plugin with a module of the same name; the descriptions come
    # from ansible.builtin.action_common_attributes.flow.
    DOWNLOAD = r'''
attributes:
  action:
    support: full
    details: The module does the API work and the download; the action plugin places the files in O(dest) on the controller.
  async:
    support: partial
    details:
      - >-
        When the task runs on the controller (C(hosts: localhost), C(delegate_to: localhost), or any local connection),
        which is the usual case, the module writes into O(dest) itself and C(async)/C(poll) work, also with
        M(ansible.builtin.async_status).
      - >-
        On another host, a task with C(async) that downloads files fails: the files of a background job there cannot
        be fetched afterwards.
  bypass_host_loop:
    support: none
'''
