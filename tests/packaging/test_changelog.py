"""The changelog fragments and changelogs/changelog.yaml are valid for antsibull-changelog."""


def test_fragments_lint(run):
    run(['antsibull-changelog', 'lint'])


def test_changelog_yaml_lint(run):
    run(['antsibull-changelog', 'lint-changelog-yaml', 'changelogs/changelog.yaml'])
