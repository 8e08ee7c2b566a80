# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Keeping credentials out of every text this collection shows. Private to this collection."""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

MASK = '********'

# Credentials that the vendors' APIs carry in query strings (AVD token/secret_key/password, Wilddog token,
# Topvdn client_token); an exception from the HTTP library quotes the whole URL.
_QUERY_SECRET = re.compile(r'(?i)((?:^|[?&;\s"\'])(?:token|secret_key|password|client_token|access_token)=)[^&#\s"\']*')


def redact(text, secrets=()):
    """Return ``text`` with secret query-string values and every known secret value masked."""
    if text is None:
        return None
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, str(text))
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        for form in (secret, quote_plus(secret), quote(secret, safe='')):
            text = text.replace(form, MASK)
    return text
