"""Pure logic of the AVC module: resolutions and the checks made before any request."""
import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._avd_avc import AVC_OPTIONS, check_params, resolution


def params(**given):
    values = dict((name, spec.get('default')) for name, spec in AVC_OPTIONS.items())
    values['room_id'] = '50000000000'
    values.update(given)
    return values


def video(**given):
    return dict(dict(video_name='16_video1', zorder=0, x=0.0, y=0.0, w=1.0, h=1.0), **given)


@pytest.mark.parametrize('value, expected', [
    ('1280*720', '1280*720'), ('1280 * 720', '1280*720'), (' 1920x1080 ', '1920*1080'),
    ('1280', None), ('0*720', None), ('hd', None), (None, None), ('1280*720*3', None),
])
def test_resolution(value, expected):
    assert resolution(value) == expected


def test_good_parameters_pass():
    assert check_params(params(max_video_number=4, layout_mode=2, video_resolution='1280 * 720',
                               videos=[video(), video(video_name='6_video1', x=0.7, w=0.3, h=0.3)])) is None
    assert check_params(params(state='stopped')) is None


@pytest.mark.parametrize('given, message', [
    (dict(room_id=' '), 'room_id must not be empty'),
    (dict(video_resolution='1280 by 720'), "video_resolution must be width*height, for example 1280*720, not '1280 by 720'"),
    (dict(video_framerate=0), 'video_framerate must be a positive integer, not 0'),
    (dict(videos=[]), 'videos must hold at least one video (the API cannot select none)'),
    (dict(videos=[video(h=1.5)]), 'videos[0].h must be a fraction of the picture between 0 and 1, not 1.5'),
    (dict(videos=[video(), video(video_name=' ')]), 'videos[1].video_name must not be empty'),
    (dict(videos=[video(), video()]), 'videos lists a video_name more than once'),
    (dict(state='stopped', layout_mode=1, focus_video='v'), 'layout_mode, focus_video cannot be set with state=stopped'),
])
def test_bad_parameters_are_named(given, message):
    assert check_params(params(**given)) == message
