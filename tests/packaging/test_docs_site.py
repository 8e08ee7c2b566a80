"""The docs site: antsibull-docs and Sphinx build it offline with the guides of docs/docsite, without a warning of the collection's own.

The site is left in .build/docsite/build/html, where the publishing workflow (.github/workflows/docs.yml) takes it from.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from ci_sanity import file_lock  # tools/ is on sys.path (conftest.py)

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / '.build' / 'docsite'
HTML = SITE / 'build' / 'html'
COLLECTION_HTML = HTML / 'collections' / 'rtcops' / 'conference'
EXTRA_DOCS = ROOT / 'docs' / 'docsite' / 'extra-docs.yml'
GUIDES = ROOT / 'docs' / 'docsite' / 'rst'

# Offline, Sphinx has no inventory of docs.ansible.com (intersphinx_mapping = {}), so the links antsibull-docs
# writes to pages there stay unresolved. These are those pages' labels; any other warning is the collection's own.
ANSIBLE_DOCS_LABELS = frozenset({'action_plugins', 'common_return_values', 'ansible_configuration_settings'})
# ansible-core's own plugins (M(ansible.builtin.get_url) and the like) are documented on docs.ansible.com too.
ANSIBLE_DOCS_LABEL_PREFIX = 'ansible_collections.ansible.builtin.'
UNDEFINED_LABEL = re.compile(r": WARNING: undefined label: '(?P<label>[^']+)' \[ref\.ref\]$")


def is_offline_ansible_docs_link(warning: str) -> bool:
    """Whether a Sphinx warning line is only an unresolved link into docs.ansible.com."""
    match = UNDEFINED_LABEL.search(warning.rstrip())

    if not match:
        return False

    label = match.group('label')

    return label in ANSIBLE_DOCS_LABELS or label.startswith(ANSIBLE_DOCS_LABEL_PREFIX)


@pytest.mark.parametrize(('warning', 'offline_link'), [
    ("x/avd_room_module.rst:9: WARNING: undefined label: 'common_return_values' [ref.ref]", True),
    ("x/avd_upload_module.rst:9: WARNING: undefined label: 'ansible_collections.ansible.builtin.get_url_module' [ref.ref]", True),
    # A link to a page of this collection that does not exist is the collection's fault.
    ("x/avd_room_module.rst:9: WARNING: undefined label: 'ansible_collections.rtcops.conference.avd_rom_module' [ref.ref]", False),
    ("x/docsite/quickstart.rst:9: WARNING: undefined label: 'quickstart_emulator' [ref.ref]", False),
    ("x/docsite/quickstart.rst:12: WARNING: Title underline too short.", False),
    ("x/docsite/quickstart.rst: WARNING: document isn't included in any toctree [toc.not_included]", False),
])
def test_only_links_into_docs_ansible_com_are_forgiven(warning, offline_link):
    assert is_offline_ansible_docs_link(warning) is offline_link


def test_lint_collection_docs(run):
    # --plugin-docs: the plugins' and the role's documentation too, not only docs/docsite; --check-extra-docs-refs: the
    # guides' references to plugins; dependent: references to ansible.builtin are checked as well.
    # --skip-rstcheck halves the time: the site build below renders the same RST with Sphinx, which fails on its warnings.
    run(['antsibull-docs', 'lint-collection-docs', '--plugin-docs', '--check-extra-docs-refs',
         '--validate-collection-refs', 'dependent', '--skip-rstcheck', '.'])


def build_site(run) -> list[str]:
    """Build the site from scratch into SITE; return Sphinx's warnings."""
    shutil.rmtree(SITE, ignore_errors=True)
    SITE.mkdir(mode=0o755, parents=True)  # antsibull-docs refuses a destination others may write to
    run(['antsibull-docs', 'sphinx-init', '--use-current', '--fail-on-error', '--dest-dir', SITE,
         '--project', 'rtcops.conference', '--copyright', 'rtcops.conference contributors',
         '--title', 'rtcops.conference', '--html-short-title', 'rtcops.conference', 'rtcops.conference'])

    # The default conf.py fetches inventories of docs.python.org and docs.ansible.com, which are out of reach here.
    with open(SITE / 'conf.py', 'a', encoding='utf-8') as conf:
        conf.write('\nintersphinx_mapping = {}\n')

    rst = SITE / 'rst'
    rst.mkdir(mode=0o755, exist_ok=True)
    # The same two steps as the build.sh that sphinx-init writes, but Sphinx without -W: the warnings are sorted below.
    run(['antsibull-docs', '--config-file', SITE / 'antsibull-docs.cfg', 'collection', '--cleanup', 'everything',
         '--fail-on-error', '--use-current', '--dest-dir', rst, 'rtcops.conference'])
    warnings_file = SITE / 'warnings.txt'
    run(['sphinx-build', '-M', 'html', rst, SITE / 'build', '-c', SITE, '-q', '--keep-going', '-w', warnings_file])

    return [line for line in warnings_file.read_text(encoding='utf-8').splitlines() if 'WARNING' in line or 'ERROR' in line]


def test_docs_site_builds_with_the_guides(run):
    # Another run in this checkout (a developer's, a second pytest) waits rather than building into the same tree.
    with file_lock(ROOT / '.build' / 'docsite.lock'):
        warnings = build_site(run)

    own = [line for line in warnings if not is_offline_ansible_docs_link(line)]
    assert not own, 'Sphinx warnings of the collection:\n' + '\n'.join(own)

    # Every guide listed in extra-docs.yml is a page of the site, and every guide on disk is listed.
    sections = yaml.safe_load(EXTRA_DOCS.read_text(encoding='utf-8'))['sections']
    listed = {toctree_entry for section in sections for toctree_entry in section['toctree']}
    on_disk = {path.stem for path in GUIDES.glob('*.rst')}
    assert listed == on_disk
    missing_pages = sorted(name for name in listed if not (COLLECTION_HTML / 'docsite' / f'{name}.html').is_file())
    assert not missing_pages

    # The module pages are there, and the index links to the guides.
    assert (COLLECTION_HTML / 'avd_room_module.html').is_file()
    index = (COLLECTION_HTML / 'index.html').read_text(encoding='utf-8')
    assert all(f'docsite/{name}.html' in index for name in listed)
