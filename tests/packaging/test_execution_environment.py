"""execution-environment.yml makes a build context holding this collection, with nothing else to install.

No container engine runs here, so the image is not built: `ansible-builder create` writes the Containerfile and its
context, and the steps of the image's galaxy and builder stages that concern the collection are repeated on this
machine (the collection install from the context, ansible-builder's own dependency introspection).
"""

import os
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_ansible_builder_creates_a_context_with_the_collection(tmp_path, run):
    # The definition names the tarball relative to itself (dist/), as `ansible-galaxy collection build --output-path
    # dist` beside it writes it; a copy of the definition in tmp_path keeps the checkout clean.
    definition = tmp_path / 'execution-environment.yml'
    shutil.copy(ROOT / 'execution-environment.yml', definition)
    run(['ansible-galaxy', 'collection', 'build', '--output-path', tmp_path / 'dist'])
    tarball, = (tmp_path / 'dist').glob('rtcops-conference-*.tar.gz')
    context = tmp_path / 'context'

    run(['ansible-builder', 'create', '--file', definition, '--context', context, '--output-filename', 'Containerfile'])

    containerfile = (context / 'Containerfile').read_text(encoding='utf-8')
    base_image = yaml.safe_load(definition.read_text(encoding='utf-8'))['images']['base_image']['name']

    assert f'ARG EE_BASE_IMAGE="{base_image}"' in containerfile
    assert 'ansible-galaxy collection install' in containerfile

    # A galaxy.yml version that the definition does not name leaves the tarball out of the context (ansible-builder
    # only warns), and the image build would fail.
    copied = context / '_build' / 'collections' / tarball.name

    assert copied.is_file(), f'{tarball.name} (the version in galaxy.yml) is not in the context: execution-environment.yml names another'

    # The image's galaxy stage: `ansible-galaxy collection install -r requirements.yml` in the context's _build/.
    # Seeing only the empty target path: tools/dev.py puts the checkout on the collection paths, where
    # ansible-galaxy would find rtcops.conference installed already and skip it.
    collections = tmp_path / 'collections'
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')
    env.pop('PYTHONPATH', None)
    run(['ansible-galaxy', 'collection', 'install', '--offline', '-r', 'requirements.yml', '-p', collections], cwd=context / '_build', env=env)
    manifest = collections / 'ansible_collections' / 'rtcops' / 'conference' / 'MANIFEST.json'

    assert manifest.is_file(), 'the requirements of the context did not install rtcops.conference'

    # The image's builder stage: what ansible-builder's introspection would pip- and dnf-install for the collection.
    introspected = run(['python', context / '_build' / 'scripts' / 'introspect.py', 'introspect', collections])

    assert yaml.safe_load(introspected.stdout) == {'python': [], 'system': []}
