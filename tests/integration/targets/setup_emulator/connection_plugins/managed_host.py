# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A local connection that does not say it is one: tasks run on this machine, but the download plugins treat the
host as a managed host and take that path (stage the files there, fetch them to the controller). Test use only;
nothing here can reach a second machine."""

from __future__ import annotations

DOCUMENTATION = """
    name: managed_host
    short_description: run on this machine as if it were a managed host (tests)
    description:
        - The builtin local connection under another transport name, for the integration tests of the download plugins.
    author: rtcops developers (@rtcops)
    extends_documentation_fragment:
        - connection_pipelining
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):

    transport = 'managed_host'
