"""HTTP Range requests on the routes that serve files (RFC 9110 section 14), as nginx answers them.

One range ``bytes=N-``, ``bytes=N-M`` or ``bytes=-S`` gives 206 with ``Content-Range``; a range that starts past the
end gives 416 with ``Content-Range: bytes */<total>``. A header that is malformed, lists several ranges, or comes with
``If-Range`` is ignored (200 with the whole body): the emulator sends no validator an ``If-Range`` could match.
"""
import re
from dataclasses import replace

from .vendors import html_page

RANGE = re.compile(r"bytes=[ \t]*(?:(\d+)[ \t]*-[ \t]*(\d*)|-[ \t]*(\d+))[ \t]*", re.IGNORECASE)
ACCEPT = ("Accept-Ranges", "bytes")


def span(header, total):
    """(first, last) byte positions (included) the header asks for; ``"unsatisfiable"``; None to ignore it."""
    found = RANGE.fullmatch(header or "")
    if not found:
        return None
    first, last, suffix = found.groups()
    if suffix is not None:
        if int(suffix) == 0 or total == 0:
            return "unsatisfiable"
        return max(total - int(suffix), 0), total - 1
    first = int(first)
    if last and int(last) < first:
        return None
    if first >= total:
        return "unsatisfiable"
    return first, min(int(last), total - 1) if last else total - 1


def apply(response, header, if_range):
    """The reply to a request with this ``Range`` header: ``response`` (a 200 of a file route) itself, a part, or 416."""
    if response.status != 200:
        return response
    total = response.length if response.length is not None else len(response.body)
    wanted = None if if_range else span(header, total)
    if wanted is None:
        return replace(response, headers=(*response.headers, ACCEPT))
    if wanted == "unsatisfiable":
        _close(response.body)
        return replace(html_page(416), headers=(("Content-Range", f"bytes */{total}"),))
    first, last = wanted
    return replace(
        response, status=206, body=_part(response.body, first, last + 1), length=last + 1 - first,
        headers=(*response.headers, ACCEPT, ("Content-Range", f"bytes {first}-{last}/{total}")),
    )


def _part(body, start, stop):
    """Bytes ``start`` to ``stop`` (excluded) of a body: sliced, seeked (a file) or skipped over (other iterables)."""
    if isinstance(body, bytes):
        # A HEAD reply has no bytes, only its length.
        return body[start:stop]
    if hasattr(body, "part"):
        return body.part(start, stop)

    def pieces():
        offset = 0
        try:
            for chunk in body:
                low, high = max(start - offset, 0), min(stop - offset, len(chunk))
                offset += len(chunk)
                if low < high:
                    yield chunk[low:high]
                if offset >= stop:
                    return
        finally:
            _close(body)
    return pieces()


def _close(body):
    """Release a body that will not be sent whole (a generator or an open file)."""
    close = getattr(body, "close", None)
    if close is not None:
        close()
