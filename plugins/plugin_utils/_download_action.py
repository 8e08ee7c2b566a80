# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The controller half of the plugins that download artefacts. Private to this collection.

The module of the same name does the API work and the waiting, and streams the files into a temporary
directory on the host it runs on. This action then brings every file to ``dest`` on the controller: into a
temporary file next to the target, checked against the module's SHA-256, then renamed, so a file in ``dest``
is always complete. A file already in ``dest`` with the same checksum is left as it is (``changed: false``).
"""

from __future__ import annotations

import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.rtcops.conference.plugins.module_utils._download import file_sha256, safe_file_name


class DownloadAction(ActionBase):

    TRANSFERS_FILES = False
    module_name = None  # the FQCN of the module of the same name
    dest_required = True  # False: without dest the module runs as it is and nothing is downloaded

    def _destination(self):
        dest = self._task.args.get('dest')
        if not isinstance(dest, str) or not dest.strip():
            raise AnsibleActionFail('dest is required: the directory on the controller that receives the files')
        dest = os.path.abspath(os.path.expanduser(dest))
        if os.path.exists(dest) and not os.path.isdir(dest):
            raise AnsibleActionFail('dest must be a directory, %s is not one' % dest)
        return dest

    def _store(self, remote_path, local_path, sha256):
        directory = os.path.dirname(local_path)
        os.makedirs(directory, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=directory, prefix='.part-')
        os.close(handle)
        try:
            self._connection.fetch_file(remote_path, temp)
            if file_sha256(temp) != sha256:
                raise AnsibleActionFail('%s changed on its way to the controller (SHA-256 differs)' % os.path.basename(local_path))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
            os.replace(temp, local_path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # not used since Ansible 2.7
        if not self.dest_required and self._task.args.get('dest') is None:
            result.update(self._execute_module(module_name=self.module_name, module_args=self._task.args, task_vars=task_vars))
            return result
        try:
            dest = self._destination()
        except AnsibleActionFail as exc:
            result.update(failed=True, msg=str(exc))
            return result
        remote_tmp = self._make_tmp_path()
        try:
            args = dict(self._task.args)
            args['dest'] = self._connection._shell.join_path(remote_tmp, 'downloads')
            module_result = self._execute_module(module_name=self.module_name, module_args=args, task_vars=task_vars)
            result.update(module_result)
            if module_result.get('failed'):
                return result
            files, before, after = [], {}, {}
            for produced in module_result.get('files', []):
                local_path = os.path.join(dest, safe_file_name(produced['name']))
                present = file_sha256(local_path) if os.path.isfile(local_path) else None
                if present is not None:
                    before[produced['name']] = present
                after[produced['name']] = produced['sha256']
                changed = present != produced['sha256']
                if changed and not self._task.check_mode:
                    self._store(produced['path'], local_path, produced['sha256'])
                files.append(dict(produced, path=local_path, changed=changed))
            # A module may report a change of its own, for example the screenshots check mode would take.
            changed = bool(module_result.get('changed')) or any(f['changed'] for f in files)
            diff = module_result.get('diff') or {}
            result.update(files=files, dest=dest, changed=changed,
                          diff={'before': dict(diff.get('before') or {}, files=before), 'after': dict(diff.get('after') or {}, files=after)})
        except AnsibleActionFail as exc:
            result.update(failed=True, msg=str(exc))
        finally:
            self._remove_tmp_path(remote_tmp)
        return result
