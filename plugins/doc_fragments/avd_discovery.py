# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How modules that manage SIP accounts find them on a server that cannot list them (Q-AVD-48)."""

    # Keep in sync with DISCOVERY_SPEC in plugins/module_utils/_avd_accounts.py.
    DOCUMENTATION = r'''
options:
  discovery_gap:
    description:
      - B(Discovery of SIP accounts.) The API cannot list or search accounts; it reads one account by its integer
        id. When an account is neither pinned by its id nor found through the cache of this machine (O(cache_dir)),
        the module discovers the server's accounts once in the run, by reading ids 1, 2, 3, ... several at a time
        until O(discovery_gap) ids in a row past the highest id seen (found, cached or pinned) are absent, and
        caches every account it found.
      - The server gives new accounts ascending ids, so the gaps are the ids of deleted accounts. An account that
        lies beyond a run of more than O(discovery_gap) deleted ids is missed; creating it then fails with the
        server's 40021 (number taken) and a message that says so. Pin its id (C(account_id)) or raise this value.
      - Cost, in reads of one account each, roughly the highest account id plus O(discovery_gap); see the
        collection's design notes for times. V(0) turns discovery off, as it was before; without an id or a cached
        record an account is then taken to be absent.
      - If not set, the value of the E(AVD_DISCOVERY_GAP) environment variable is used.
    type: int
    default: 100
  discovery_limit:
    description:
      - The highest account id discovery reads, whatever O(discovery_gap) says; a bound on the calls one run makes.
      - If not set, the value of the E(AVD_DISCOVERY_LIMIT) environment variable is used.
    type: int
    default: 100000
  concurrency:
    description:
      - How many API calls the module has in flight at once (discovery reads, and for modules that manage many
        objects, reads and writes of different objects). Each is a keep-alive connection of its own.
      - If not set, the value of the E(AVD_CONCURRENCY) environment variable is used.
    type: int
    default: 8
'''
