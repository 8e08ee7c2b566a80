# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Keeping credentials out of every text this collection shows. Private to this collection.

A secret reaches messages in more shapes than the one the user typed: a vault's block scalar adds a trailing newline
that the collection strips before use, a URL carries it percent-encoded, a JSON body or ``repr`` (which exception
texts of the standard library use, for example http.client's ``Invalid header value b'...\\n'``) escapes its control
characters, and HTTP Basic authentication sends ``user:secret`` in Base64 (the anyRTC client passes that header value
as one more secret). ``redact`` masks every one of those shapes.

Every non-empty secret is masked, however short: a one-character password makes messages hard to read, but a
message that shows it would be worse. Only the lines of a multi-line secret, which are masked on their own as well,
must be long enough (``MIN_LINE``) to identify the secret rather than mask words of the message around it.
"""

from __future__ import annotations

import functools
import json
import re
from urllib.parse import quote, quote_plus

MASK = '********'

# A line of a multi-line secret shorter than this could be an ordinary word of a message (or a lone '-----' of a
# PEM block); the whole secret is masked in any case.
MIN_LINE = 6

# Credentials that the vendors' APIs carry in query strings (AVD token/secret_key/password, Wilddog token,
# Topvdn client_token); an exception from the HTTP library quotes the whole URL.
_QUERY_SECRET = re.compile(r'(?i)((?:^|[?&;\s"\'])(?:token|secret_key|password|client_token|access_token)=)[^&#\s"\']*')

# The connection options that hold a credential sent in an HTTP header or a URL, in any of the collection's plugins.
CREDENTIAL_OPTIONS = ('token', 'secret_key', 'client_token', 'customer_secret')


@functools.lru_cache(maxsize=256)
def secret_forms(secret):
    """Every shape in which ``secret`` may appear in a message, longest first (so that a longer one is masked whole)."""
    text = str(secret)
    bases = set((text, text.strip()))
    bases.update(line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_LINE)
    forms = set()
    for base in bases:
        if not base:
            continue
        forms.update((
            base,
            quote(base, safe=''),
            quote(base),  # keeps '/', as URL paths and urllib's defaults do
            quote_plus(base),
            json.dumps(base)[1:-1],
            json.dumps(base, ensure_ascii=False)[1:-1],
            repr(base)[1:-1],
            repr(base.encode('utf-8'))[2:-1],
        ))
    forms.discard('')
    return tuple(sorted(forms, key=len, reverse=True))


def redact(text, secrets=()):
    """Return ``text`` with secret query-string values and every known secret value, in every form, masked."""
    if text is None:
        return None
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, str(text))
    forms = set()
    for secret in secrets:
        if secret:
            forms.update(secret_forms(str(secret)))
    for form in sorted(forms, key=len, reverse=True):
        if '%' in form:
            # Percent-encoding may come back with lower-case hex digits from another library.
            text = re.sub(re.escape(form), MASK, text, flags=re.IGNORECASE)
        else:
            text = text.replace(form, MASK)
    return text


def credential_problem(option, value):
    """The message for a credential that cannot be sent as it is (without its value), or None.

    Tokens and keys are printable ASCII without spaces; anything else inside one would make http.client refuse the
    header (quoting the value in its exception) or the server refuse the credential, after a request or several.
    """
    if any(character.isspace() for character in value):
        return ('%s must not contain spaces or line breaks (surrounding whitespace is removed, whitespace inside '
                'cannot be part of a credential)' % option)
    if not all(' ' < character < '\x7f' for character in value):
        return '%s must hold only printable ASCII characters (it has a control or non-ASCII character)' % option
    return None


def tidy_credentials(module, options=CREDENTIAL_OPTIONS):
    """Strip the surrounding whitespace of each credential option of ``module`` and fail, naming the option, when
    one cannot be a credential; before that, mask every form of its value in whatever the module returns.

    A vault's block scalar (``token: |``) or a file read into a variable ends with a newline that is never part of a
    token. AnsibleModule masks a ``no_log`` value only exactly as given, so the stripped value and its encoded
    forms are added to ``no_log_values`` too.
    """
    for name in options:
        value = module.params.get(name)
        if not isinstance(value, str):
            continue
        module.no_log_values.update(secret_forms(value))
        cleaned = value.strip()
        # An empty value is left to the module's own rules (for some modules it means "not given").
        problem = credential_problem(name, cleaned) if cleaned else None
        if problem:
            module.fail_json(msg=problem)
        module.params[name] = cleaned
