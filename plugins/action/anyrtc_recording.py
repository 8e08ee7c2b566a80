# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.plugin_utils._download_action import DownloadAction


class ActionModule(DownloadAction):
    """Starts or stops anyRTC cloud recordings (module anyrtc_recording); the files of a stop go into ``dest``."""

    module_name = 'rtcops.conference.anyrtc_recording'
    dest_required = False
    mode_option = 'file_mode'
