# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The controller half of the plugins that download artefacts. Private to this collection.

The module of the same name does the API work and the waiting, and streams the files to disk. When the task runs
on the controller (a local connection, the usual case), the module writes into ``dest`` itself; that is also how
``async`` works. On a managed host it writes into a temporary directory there, and this action brings every file
to ``dest`` on the controller: into a temporary file next to the target, checked against the module's SHA-256,
then renamed, so a file in ``dest`` is always complete. Either way a file already in ``dest`` with the same
checksum is left as it is (``changed: false``).
"""

from __future__ import annotations

import functools
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.rtcops.conference.plugins.module_utils._download import (
    FILE_OPTIONS, DownloadError, PartFile, apply_local_attributes, file_sha256, local_attributes_problem, safe_file_name,
)


class DownloadAction(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True
    module_name = None  # the FQCN of the module of the same name
    dest_required = True  # False: without dest the module runs as it is and nothing is downloaded
    mode_option = 'mode'  # the option holding the files' mode (anyrtc_recording: file_mode, its mode is the recording's)

    def _destination(self):
        dest = self._task.args.get('dest')
        if not isinstance(dest, str) or not dest.strip():
            raise AnsibleActionFail('dest is required: the directory on the controller that receives the files')
        dest = os.path.abspath(os.path.expanduser(dest))
        if os.path.exists(dest) and not os.path.isdir(dest):
            raise AnsibleActionFail('dest must be a directory, %s is not one' % dest)
        return dest

    def _store(self, remote_path, local_path, sha256, attributes):
        with PartFile(local_path) as part:
            part.stream.close()
            self._connection.fetch_file(remote_path, part.name)
            if file_sha256(part.name) != sha256:
                raise AnsibleActionFail('%s changed on its way to the controller (SHA-256 differs)' % os.path.basename(local_path))
            part.place(functools.partial(apply_local_attributes, **attributes))

    def _on_controller(self):
        """Whether the module runs on the controller itself, and can write into ``dest`` directly."""
        return getattr(self._connection, 'transport', None) == 'local'

    def _run_module(self, result, args, task_vars, wrap_async):
        result.update(self._execute_module(module_name=self.module_name, module_args=args, task_vars=task_vars,
                                           wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # not used since Ansible 2.7
        wrap_async = self._task.async_val and not self._connection.has_native_async
        args = dict(self._task.args)
        if not self.dest_required and args.get('dest') is None:
            return self._run_module(result, args, task_vars, wrap_async)
        try:
            dest = self._destination()
        except AnsibleActionFail as exc:
            result.update(failed=True, msg=str(exc))
            return result
        if self._on_controller():
            # The module writes into dest itself and judges each file there, so its result is final: this is also
            # what makes async work, where nothing runs on the controller after the job has been started.
            args['dest'] = dest
            return self._run_module(result, args, task_vars, wrap_async)
        if wrap_async:
            result.update(failed=True, msg='async needs this task to run on the controller (for example with delegate_to: '
                                           'localhost): the files of a background job cannot be fetched from %s afterwards'
                                           % task_vars.get('inventory_hostname', 'the managed host'))
            return result
        return self._run_staged(result, args, task_vars, dest)

    def _run_staged(self, result, args, task_vars, dest):
        """The module downloads into a temporary directory on the managed host; the files are fetched from there."""
        # mode, owner and group belong to the files in dest on the controller, not to the managed host's staging copies.
        attributes = dict((option, args.pop(self.mode_option if option == 'mode' else option, None)) for option in FILE_OPTIONS)
        problem = local_attributes_problem(**attributes)
        if problem:
            result.update(failed=True, msg=problem)
            return result
        remote_tmp = self._make_tmp_path()
        try:
            args['dest'] = self._connection._shell.join_path(remote_tmp, 'downloads')
            module_result = self._execute_module(module_name=self.module_name, module_args=args, task_vars=task_vars)
            result.update(module_result)
            if module_result.get('failed'):
                return result
            files, before, after = [], {}, {}
            for produced in module_result.get('files', []):
                local_path = os.path.join(dest, safe_file_name(produced['name']))
                try:
                    present = file_sha256(local_path) if os.path.isfile(local_path) else None
                except OSError as exc:
                    raise AnsibleActionFail('cannot read %s in %s: %s' % (produced['name'], dest, exc.strerror or exc))
                if present is not None:
                    before[produced['name']] = present
                after[produced['name']] = produced['sha256']
                changed = present != produced['sha256']
                if changed and not self._task.check_mode:
                    self._store(produced['path'], local_path, produced['sha256'], attributes)
                elif present is not None:
                    changed = apply_local_attributes(local_path, check_mode=self._task.check_mode, **attributes)
                files.append(dict(produced, path=local_path, changed=changed))
            diff = module_result.get('diff') or {}
            own_before = dict((k, v) for k, v in (diff.get('before') or {}).items() if k != 'files')
            own_after = dict((k, v) for k, v in (diff.get('after') or {}).items() if k != 'files')
            # Every file is new in the empty staging directory, so the module's own change (a recording stopped,
            # a snapshot taken) is read from the rest of its diff; a module that produced no file says it plainly.
            own_changed = bool(module_result.get('changed')) and (not files or own_before != own_after)
            result.update(files=files, dest=dest, changed=own_changed or any(f['changed'] for f in files),
                          diff={'before': dict(own_before, files=before), 'after': dict(own_after, files=after)})
        except OSError as exc:  # chmod or chown refused on the controller (not the owner, not root)
            result.update(failed=True, msg='cannot set mode, owner or group of a file in %s: %s' % (dest, exc.strerror or exc))
        except (AnsibleActionFail, DownloadError, ValueError) as exc:
            # DownloadError: the controller's file system refused a file (read-only, full, a name it cannot hold).
            result.update(failed=True, msg=str(exc))
        finally:
            self._remove_tmp_path(remote_tmp)
        return result
