# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Checks of the repository tooling: installer, scripts, Docker files."""
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ['scripts/install.sh', 'run', 'test', '.ci/run',
    'docker/entrypoint.sh']


def read(path):
    return (ROOT / path).read_text()


class InstallStepsTestCase(unittest.TestCase):
    "Test the installation and deployment files"

    def test_scripts_syntax(self):
        "The shell scripts are executable and parse"
        for script in SCRIPTS:
            with self.subTest(script=script):
                path = ROOT / script
                self.assertTrue(os.access(path, os.X_OK), script)
                shell = 'bash'
                if read(script).startswith('#!/bin/sh'):
                    shell = 'sh'
                process = subprocess.run([shell, '-n', str(path)],
                    capture_output=True, text=True)
                self.assertEqual(process.returncode, 0, process.stderr)

    def test_dockerfile_uses_install_script(self):
        "The Dockerfile installs with scripts/install.sh like ./run"
        dockerfile = read('docker/Dockerfile')
        self.assertRegex(
            dockerfile, r'(?m)^FROM python:3\.11-slim-bookworm\b')
        self.assertRegex(dockerfile, r'(?m)^RUN scripts/install\.sh\b')
        self.assertIn('scripts/install.sh', read('run'))
        self.assertIn('scripts/install.sh', read('test'))
        self.assertRegex(read('.ci/run'), r'(?m)^(exec )?\./test\b')

    def test_compose_services(self):
        "docker/compose.yaml defines the database and the trytond services"
        text = read('docker/compose.yaml')
        try:
            import yaml
        except ImportError:
            yaml = None
        if yaml:
            compose = yaml.safe_load(text)
            services = set(compose['services'])
            volumes = set(compose['volumes'])
            web = ' '.join(compose['services']['trytond']['command'])
        else:
            # No PyYAML in the venv: check the top-level keys by hand.
            block = re.search(r'(?ms)^services:\n(.*?)^\S', text).group(1)
            services = set(re.findall(r'(?m)^  ([\w-]+):\s*$', block))
            block = re.search(r'(?ms)^volumes:\n(.*)', text).group(1)
            volumes = set(re.findall(r'(?m)^  ([\w-]+):\s*$', block))
            web = text
        self.assertLessEqual(
            {'postgres', 'trytond', 'trytond-cron', 'trytond-worker'},
            services)
        self.assertLessEqual({'pgdata', 'filestore'}, volumes)
        self.assertIn('gunicorn', web)
        self.assertIn('trytond.application:app', web)
        self.assertRegex(text, r'image: postgres:15\b')
        self.assertRegex(text, r'TRYTOND_CACHE__CLEAN_TIMEOUT: "0"')
        self.assertRegex(text, r'"127\.0\.0\.1:8000:8000"')

    def test_sao_pin(self):
        "web/package.json pins sao to one exact version"
        package = json.loads(read('web/package.json'))
        version = package['dependencies']['tryton-sao']
        self.assertRegex(version, r'^\d+\.\d+\.\d+$')
        self.assertIn('web/package.json', read('scripts/install.sh'))

    def test_trytond_conf(self):
        "trytond.conf parses and serves on the loopback"
        config = configparser.ConfigParser(interpolation=None)
        config.read(ROOT / 'trytond.conf')
        self.assertEqual(config['database']['uri'], 'sqlite://')
        self.assertEqual(config['web']['listen'], '127.0.0.1:8000')
        self.assertTrue(config['web']['root'])

    def test_lint_config(self):
        "flake8 and isort use Tryton's settings"
        flake8 = configparser.ConfigParser()
        flake8.read(ROOT / '.flake8')
        self.assertEqual(
            flake8['flake8']['ignore'], 'E123,E124,E126,E128,E741,W503')
        isort = configparser.ConfigParser()
        isort.read(ROOT / '.isort.cfg')
        self.assertEqual(isort['settings']['multi_line_output'], '4')
        self.assertEqual(isort['settings']['known_first_party'], 'trytond')

    def test_run_options(self):
        "./run --help succeeds and an unknown option is refused"
        process = subprocess.run([str(ROOT / 'run'), '--help'],
            capture_output=True, text=True)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertIn('--postgres', process.stdout)
        process = subprocess.run([str(ROOT / 'run'), '--bogus'],
            capture_output=True, text=True)
        self.assertEqual(process.returncode, 2)

    @unittest.skipIf(sys.prefix == sys.base_prefix, "not in a virtualenv")
    @unittest.skipUnless(shutil.which('sha256sum'), "no sha256sum")
    def test_install_idempotent(self):
        "A second scripts/install.sh does nothing and is fast"
        env = dict(os.environ, ZHIDU_VENV=sys.prefix)
        for key in ['ZHIDU_FORCE_INSTALL', 'ZHIDU_SYSTEM_DEPS']:
            env.pop(key, None)
        if not (ROOT / 'var' / 'sao' / '.installed').exists():
            env['ZHIDU_NO_WEB'] = '1'
        command = [str(ROOT / 'scripts' / 'install.sh')]
        # The first run may have work to do (a module was added since).
        first = subprocess.run(command, env=env, capture_output=True,
            text=True, timeout=600)
        self.assertEqual(first.returncode, 0, first.stdout + first.stderr)
        start = time.monotonic()
        second = subprocess.run(command, env=env, capture_output=True,
            text=True, timeout=600)
        duration = time.monotonic() - start
        self.assertEqual(second.returncode, 0, second.stdout + second.stderr)
        self.assertIn('python packages up to date', second.stdout)
        self.assertNotIn('pip install', second.stdout)
        self.assertNotIn('installing sao', second.stdout)
        self.assertLess(duration, 30)


if __name__ == '__main__':
    unittest.main()
