# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Map every ``modules/<name>`` folder onto ``trytond.modules.<name>``.

A new module needs no edit here: any folder of ``modules/`` holding a
``tryton.cfg`` becomes a package and a ``trytond.modules`` entry point.
"""
import os
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
MODULES = sorted(
    p.parent.name for p in (HERE / 'modules').glob('*/tryton.cfg'))


def module_packages(name):
    root = HERE / 'modules' / name
    packages = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != '__pycache__']
        if '__init__.py' not in files:
            continue
        relative = Path(folder).relative_to(root)
        package = '.'.join(('trytond', 'modules', name) + relative.parts)
        packages[package] = str(Path('modules', name, *relative.parts))
    return packages


package_dir = {}
for name in MODULES:
    package_dir.update(module_packages(name))

setup(
    packages=sorted(package_dir),
    package_dir=package_dir,
    package_data={p: ['*.cfg', '*.xml', '*.fodt', '*.odt', '*.rst', '*.csv', '*.html',
            'view/*.xml', 'locale/*.po', 'icons/*.svg', 'doc/*.rst',
            'tests/*.rst', 'tests/*.csv', 'tests/*.cfg', 'tests/*.json']
        for p in package_dir},
    entry_points={
        'trytond.modules': [
            '%s = trytond.modules.%s' % (n, n) for n in MODULES],
        },
    )
