"""meta/runtime.yml agrees with plugins/modules, and every module carries its documentation."""

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

AVD_FRAGMENT = 'rtcops.conference.avd'


def module_docs(path: Path) -> dict:
    """The DOCUMENTATION, EXAMPLES and RETURN strings a module file assigns, read without importing it."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    docs = {}

    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ('DOCUMENTATION', 'EXAMPLES', 'RETURN'):
                    docs[target.id] = node.value.value

    return docs


def test_avd_action_group_lists_every_avd_module(modules):
    runtime = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))
    group = set(runtime['action_groups']['avd'])
    avd_modules = {name for name in modules if name.startswith('avd_')}

    assert not avd_modules - group, f'avd_ modules missing from action_groups.avd: {sorted(avd_modules - group)}'
    assert not group - avd_modules, f'action_groups.avd names no avd_ module file: {sorted(group - avd_modules)}'


def test_modules_are_documented(modules):
    problems = []

    for name, path in modules.items():
        docs = module_docs(path)
        missing = [key for key in ('DOCUMENTATION', 'EXAMPLES', 'RETURN') if key not in docs]

        if missing:
            problems.append(f'{name}: no {", ".join(missing)}')
            continue

        try:
            documentation = yaml.safe_load(docs['DOCUMENTATION'])
            examples = yaml.safe_load(docs['EXAMPLES'])
            yaml.safe_load(docs['RETURN'])  # may be empty, but must be YAML
        except yaml.YAMLError as ex:
            problems.append(f'{name}: invalid YAML: {ex}')
            continue

        if not isinstance(documentation, dict) or documentation.get('module') != name:
            problems.append(f'{name}: DOCUMENTATION is not a mapping with `module: {name}`')
            continue

        if not examples:
            problems.append(f'{name}: EXAMPLES is empty')

        fragments = documentation.get('extends_documentation_fragment') or []
        fragments = [fragments] if isinstance(fragments, str) else fragments

        if name.startswith('avd_') and AVD_FRAGMENT not in fragments:
            problems.append(f'{name}: does not extend the {AVD_FRAGMENT} doc fragment')

    assert not problems, 'module documentation problems:\n' + '\n'.join(problems)
