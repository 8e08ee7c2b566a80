# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How the plugins that download artefacts check a file before it is placed, and their shared options (the
    file options mode, owner and group among them).

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
  owner:
    description:
      - The user (name or uid) who owns every file the task brings into O(dest); changing it usually needs root
        on the controller.
      - Not set, a file is owned by the user running the task.
    type: str
  group:
    description:
      - The group (name or gid) of every file the task brings into O(dest).
      - Not set, a file gets the group of the user running the task.
    type: str
'''

    # The mode of the files, apart because anyrtc_recording has a mode of its own and documents file_mode instead.
    FILE_MODE = r'''
options:
  mode:
    description:
      - The permissions every file the task brings into O(dest) gets, as with M(ansible.builtin.get_url) and
        M(ansible.builtin.copy), an octal number in quotes (V('0640')) or a symbolic mode (V(u=rw,g=r,o=)).
      - A new file gets them before it appears in O(dest). A file already there with the same checksum that only
        needs another mode, owner or group is a change (C(changed) in its entry of RV(files)); a re-run is not.
        Check mode predicts both without touching the file.
      - Not set, a new file gets the mode the umask gives it and a present one is left as it is.
    type: raw
'''
