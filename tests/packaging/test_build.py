"""The collection builds into a tarball that installs, holds the product and nothing of the development set-up."""

import json
import os
import sys
import tarfile

import pytest

from rtcops_emulator import Emulator

# Every test here uses the one tarball: keep them on one xdist worker (tools/dev.py runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group('collection-build')

# Development files that must never be published (paths relative to the collection root).
DEV_FILES = ['.venv', '.build', '.ci', 'tools', 'tests/output', '.pytest_cache', '.gitignore', 'pytest.ini', 'requirements-dev.txt']
# Parts of the product that must be.
PRODUCT_FILES = ['plugins', 'meta/runtime.yml', 'emulator', 'LICENSE', 'requirements.txt', 'meta/execution-environment.yml']


@pytest.fixture(scope='module')
def tarball(tmp_path_factory, run):
    """The collection as `ansible-galaxy collection build` packs it."""
    dist = tmp_path_factory.mktemp('dist')
    run(['ansible-galaxy', 'collection', 'build', '--output-path', dist])
    tarballs = list(dist.glob('rtcops-conference-*.tar.gz'))
    assert len(tarballs) == 1, f'expected one tarball, found {tarballs}'

    return tarballs[0]


@pytest.fixture(scope='module')
def members(tarball):
    with tarfile.open(tarball) as tar:
        return [name.removeprefix('./') for name in tar.getnames()]


def only_collections_path(collections):
    """An environment in which Ansible sees no collection but those under ``collections``."""
    env = dict(os.environ)
    # Not the checkout, which tools/dev.py puts on both of these paths: ansible-galaxy would
    # find rtcops.conference already installed, ansible-doc would read the checkout's copy.
    env.pop('PYTHONPATH', None)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')

    return env


@pytest.fixture(scope='module')
def installed(tmp_path_factory, run, tarball):
    """A collections path the tarball was installed into."""
    collections = tmp_path_factory.mktemp('collections')
    env = only_collections_path(collections)
    run(['ansible-galaxy', 'collection', 'install', '--offline', '-p', collections, tarball], env=env)

    return collections


def contains(members, path):
    return any(name == path or name.startswith(path + '/') for name in members)


def test_tarball_leaves_out_development_files(members):
    leaked = [path for path in DEV_FILES if contains(members, path)]
    leaked += sorted({name for name in members if '__pycache__' in name.split('/')})

    assert not leaked, f'development files in the tarball: {leaked}'


def test_tarball_holds_the_product(members):
    missing = [path for path in PRODUCT_FILES if not contains(members, path)]

    assert not missing, f'missing from the tarball: {missing}'


def test_ansible_doc_reads_every_installed_module(installed, modules, run):
    names = [f'rtcops.conference.{name}' for name in modules]

    result = run(['ansible-doc', '-t', 'module', '--json', *names], env=only_collections_path(installed))
    docs = json.loads(result.stdout)
    unreadable = [name for name in names if not (docs.get(name) or {}).get('doc')]

    assert not unreadable, f'ansible-doc cannot read these installed modules: {unreadable}\n{result.stderr}'

    installed_root = str(installed / 'ansible_collections' / 'rtcops' / 'conference')
    elsewhere = [name for name in names if not docs[name]['doc']['filename'].startswith(installed_root)]

    assert not elsewhere, f'ansible-doc read these modules from outside the installed copy: {elsewhere}'


PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/rtcops.conference.avd:
      server_url: "{{ url }}"
      access_key: demo_access
      secret_key: demo_secret
      cache_dir: "{{ cache }}"
  tasks:
    - rtcops.conference.avd_sip_gate:
        name: hq-pbx
        url: 10.20.0.5:5060
      register: gate
    - ansible.builtin.assert:
        that: gate is changed and gate.sip_gate.gate_id == 1
"""


def test_installed_collection_works(installed, run, tmp_path):
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAY)
    env = only_collections_path(installed)
    env.update(ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'),
               ANSIBLE_REMOTE_TMP=str(tmp_path / 'tmp'))
    with Emulator() as emulator:
        run(['ansible-playbook', '-i', 'localhost,', '-e', 'url=%s' % emulator.url, '-e', 'cache=%s' % (tmp_path / 'cache'), playbook],
            env=env)
