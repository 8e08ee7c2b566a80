"""galaxy-importer, the checks Galaxy and Automation Hub run on an upload, accepts the tarball without a warning."""

import json
import os

# galaxy-importer's settings (an INI file named by GALAXY_IMPORTER_CONFIG), for a machine without containers or network:
# - run_ansible_test: its ansible-test step always asks for --docker; tests/packaging/test_sanity.py runs sanity.
# - run_ansible_lint stays on, as on Galaxy: its lint (production profile, tests/ left out, run on the tarball as
#   published) is not test_lint.py's (the whole repository), and costs ~20 s of CPU.
IMPORTER_CONFIG = """\
[galaxy-importer]
run_ansible_test = False
run_ansible_lint = True
run_ansible_doc = True
check_changelog = True
ansible_local_tmp = {tmp}/ansible-tmp
tmp_root_dir = {tmp}
"""


def test_galaxy_importer_accepts_the_tarball(tmp_path, run, modules):
    dist = tmp_path / 'dist'
    run(['ansible-galaxy', 'collection', 'build', '--output-path', dist])
    tarball, = dist.glob('rtcops-conference-*.tar.gz')
    config = tmp_path / 'galaxy-importer.cfg'
    config.write_text(IMPORTER_CONFIG.format(tmp=tmp_path))
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=str(config))

    # It writes importer_result.json into its working directory.
    result = run(['python', '-m', 'galaxy_importer.main', tarball], cwd=tmp_path, env=env)

    # It logs what Galaxy would show the uploader as "WARNING: ..." and "ERROR: ..." lines, and exits 0 after warnings.
    complaints = [line for line in result.stdout.splitlines() if line.startswith(('WARNING', 'ERROR'))]

    assert not complaints, 'galaxy-importer complains:\n' + '\n'.join(complaints)

    imported = json.loads((tmp_path / 'importer_result.json').read_text(encoding='utf-8'))
    contents = {(item['content_type'], item['name']) for item in imported['contents']}
    missing = [name for name in modules if ('module', name) not in contents]

    assert not missing, f'galaxy-importer did not find these modules: {missing}'
    assert ('role', 'avd_environment') in contents
