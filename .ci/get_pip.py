"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test bootstraps pip into every virtual environment it creates by running
``~/.ansible/test/cache/get_pip_<version>.py``, which it downloads from a host this
machine cannot reach unless a copy is already cached there. tools/ci_sanity.py installs
this file as that cached copy, next to the pip wheel it fetched from PyPI.

Like the real get-pip.py, it runs pip straight out of the wheel (a wheel is an
importable zip archive) to install pip into the interpreter running it. The wheel
directory is the one this file lives in, so nothing is downloaded here.

ansible-test calls it as ``python quiet_pip.py [pip options] pip==X [--no-setuptools] [--no-wheel]``
with GET_PIP pointing at this file; quiet_pip.py runs it as ``__main__``.
"""

import glob
import os
import sys

# Options that only the real get-pip.py understands; pip itself would reject them.
GET_PIP_ONLY_OPTIONS = {'--no-setuptools', '--no-wheel'}


def main() -> None:
    """Install pip from the wheel cached beside this script."""
    cache_dir = os.path.dirname(os.path.abspath(__file__))
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    # The cache is shared by every ansible-core version's runs, so it may hold several pip wheels:
    # run the one asked for (pip==X), which supports the interpreter running this script.
    wanted = [arg.split('==', 1)[1] for arg in args if arg.startswith('pip==')]
    wheels = glob.glob(os.path.join(cache_dir, f'pip-{wanted[0] if wanted else "*"}-*.whl'))

    if not wheels:
        sys.exit(f'get_pip stand-in: no pip wheel for {" ".join(args)} in {cache_dir}; run tools/dev.py sanity to fetch it')

    # ansible-core 2.16 also asks for setuptools==X and wheel==Y: tools/ci_sanity.py caches those wheels here too.
    sys.path.insert(0, sorted(wheels)[-1])

    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    sys.exit(pip_main(['install', '--no-index', '--find-links', cache_dir] + args))


if __name__ == '__main__':
    main()
