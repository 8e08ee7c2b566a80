# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""File permits, which the API cannot read back (Q-AVD-64). Private to this collection.

What a machine knows of them is its own record of what it applied or deleted. A permit the record does not hold is
**unknown**: the server may or may not hold it, and no call can tell. Unknown is never reported as a change (a fresh
runner re-applying an unchanged environment must not show drift), and it is said distinctly in results and plans.
"""

from __future__ import annotations

import hashlib
import time

LEDGER_KIND = 'file_permits'

IN_SYNC = 'in_sync'  # the record holds what is wanted; nothing is sent
UNKNOWN = 'unknown'  # the record cannot tell; see plan()
APPLIED = 'applied'  # applied because force=true asked for it
DELETED = 'deleted'  # deleted, because the record held it or force=true asked for it


def normalize_cert(cert):
    return cert.strip()


def fingerprint(cert):
    return hashlib.sha256(normalize_cert(cert).encode('utf-8')).hexdigest()


def plan(state, recorded, force):
    """Return ``(send, changed, status, recorded_after)`` for a certificate that is ``recorded`` or not.

    An unknown certificate that should be present is applied anyway (applying one the server holds is assumed
    harmless, the documents are silent), so every runner converges; it is not called a change, since it may be
    none. An unknown one that should be absent is not sent: the answer to deleting a certificate the server does
    not hold is not documented, and may be an error. ``force`` sends and reports a change in both cases.
    """
    if state == 'present':
        if force:
            return True, True, APPLIED, True
        if recorded:
            return False, False, IN_SYNC, True
        return True, False, UNKNOWN, True
    if force or recorded:
        return True, True, DELETED, False
    return False, False, UNKNOWN, False


def send(client, cert, state):
    """Apply or delete ``cert``; an AvdError names the call."""
    client.add_secret(cert)  # an exception text may quote the URL, which carries it
    if state == 'present':
        # Assumed harmless to repeat, so a lost answer is retried.
        client.call('/app/apply_file_permit', {'licence_cert': cert}, write=True, idempotent=True)
    else:
        client.call('/app/delete_file_permit', {'licence_cert': cert}, write=True, idempotent=False)


def record_value():
    return {'applied_at': int(time.time())}
