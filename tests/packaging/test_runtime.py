"""meta/runtime.yml agrees with plugins/modules, and every module carries its documentation."""

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# Each vendor has an action group and a connection doc fragment of the same name; its modules start with it.
VENDORS = ('avd', 'anyrtc', 'wilddog', 'netless', 'topvdn')


def vendor_of(name):
    return next((vendor for vendor in VENDORS if name.startswith(vendor + '_')), None)


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


def test_every_module_is_in_its_vendor_action_group(modules):
    groups = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))['action_groups']
    without_vendor = sorted(name for name in modules if vendor_of(name) is None)

    assert not without_vendor, f'modules named after no vendor: {without_vendor}'

    for vendor in sorted({vendor_of(name) for name in modules}):
        group = set(groups.get(vendor, []))
        vendor_modules = {name for name in modules if vendor_of(name) == vendor}

        assert not vendor_modules - group, f'missing from action_groups.{vendor}: {sorted(vendor_modules - group)}'
        assert not group - vendor_modules, f'action_groups.{vendor} names no module file: {sorted(group - vendor_modules)}'


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

        fragment = f'rtcops.conference.{vendor_of(name)}'

        if fragment not in fragments:
            problems.append(f'{name}: does not extend the {fragment} doc fragment')

    assert not problems, 'module documentation problems:\n' + '\n'.join(problems)
