# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How the plugins that download artefacts check a file before it is placed, and their shared options.

    Keep in sync with DOWNLOAD_SPEC in plugins/module_utils/_download.py.
    """

    DOCUMENTATION = r'''
notes:
  - B(Verified files.) Each file is written beside its target in O(dest) and placed only after it passed every
    check. The answer must be HTTP 200 (206 for a resumed part) with the whole body its C(Content-Length) announced;
    an HTML page (a proxy's error page, a login wall) never counts as the file, nor does a JSON or XML document or
    plain text in place of a video, an audio file or an image; a media file or image must not be empty; the size the
    vendor lists for the file, where it lists one, must match; and O(checksum) must match where it is set.
  - A file that fails a check stays out of O(dest) (a file already there is left as it was) and the task fails
    naming the file and the reason, never the signed URL. Run the task again to retry it.
  - B(Interrupted transfers.) A body that breaks off (connection reset, closed early) is asked for again, from the
    byte where it stopped when the server accepts ranges (C(Accept-Ranges) bytes) and from the start otherwise,
    within the same retry time as the requests.
  - B(Redirects.) Up to five redirects are followed, only to http and https URLs. One from https to plain http is
    refused unless O(allow_http_download=true).
  - B(Files on disk.) A O(dest) that cannot be created or written (read-only, full, over a file size limit, a name
    the file system cannot hold) fails the task with the reason the operating system gives. A name from the server
    longer than 255 bytes is shortened (its extension and a short hash of the whole name are kept); one with a
    control character is refused.
options:
  checksum:
    description:
      - What the files must hash to, as C(<algorithm>:<hexdigest>) like the O(ansible.builtin.get_url#module:checksum)
        option of M(ansible.builtin.get_url), for example C(sha256:9f86d0...). Any algorithm of Python's
        C(hashlib.algorithms_guaranteed) except the C(shake) ones.
      - A string is allowed when the task brings exactly one file; the task fails before any download otherwise.
      - A dict maps file names (as they are named in O(dest)) to checksums, for a task that brings several files;
        files it does not name are not checked this way, and a name that the task did not bring fails the task.
      - A file whose checksum differs is not saved and the task fails.
    type: raw
  allow_http_download:
    description:
      - Allow downloads over plain http while the API is reached over https. That is a redirect from an https URL to
        an http one, and for the plugins whose download URLs come from the vendor's answers, such a URL listed with
        C(http://).
      - Over plain http anyone on the path can read or replace the file; the checks above do not detect a replaced
        file unless O(checksum) is set.
    type: bool
    default: false
'''
