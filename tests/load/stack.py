# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The production stack shared by the load, concurrency and fault tests.

``shared_stack()`` builds, once per process, what ``./run --production``
runs (scripts/production.py): a private PostgreSQL cluster in a temporary
folder, a database with every suite module and the demo data (English),
gunicorn with 2 trytond workers of 4 threads on a free 127.0.0.1 port,
trytond-cron and trytond-worker; it is removed at exit (ZHIDU_E2E_KEEP=1
keeps the files).

These tests need PostgreSQL (row locks, notifications, several processes
on one database): they run on the PostgreSQL pass of ./test (or with
ZHIDU_PRODUCTION_TESTS=1) and are skipped on the SQLite pass.
"""
import atexit
import importlib.util
import json
import os
import subprocess
import sys
import time
import unittest

from .rpc import Client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
PASSWORD = 'Zhidu-Demo-2026'
ADMIN_PASSWORD = 'admin'
DATABASE = 'zhidu_prod'

_SHARED = {}


def production_module():
    "Import scripts/production.py"
    if 'module' not in _SHARED:
        spec = importlib.util.spec_from_file_location('zhidu_production',
            os.path.join(ROOT, 'scripts', 'production.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _SHARED['module'] = module
    return _SHARED['module']


def skip_unless_postgresql():
    "Raise SkipTest on the SQLite pass of ./test"
    uri = os.environ.get('TRYTOND_DATABASE__URI', '')
    if os.environ.get('ZHIDU_PRODUCTION_TESTS', '') == '1':
        return
    if not uri.startswith('postgresql'):
        raise unittest.SkipTest("the production layout runs on PostgreSQL "
            "only: run on the PostgreSQL pass (./test --postgresql tests) "
            "or with ZHIDU_PRODUCTION_TESTS=1")
    try:
        production_module().pg_binary('initdb')
    except FileNotFoundError as exception:
        raise unittest.SkipTest(str(exception))


def shared_stack():
    """Return the running Stack of this process, built on first use.

    A failed set-up is raised again to every later caller."""
    if 'stack' in _SHARED:
        stack = _SHARED['stack']
        if isinstance(stack, Exception):
            raise stack
        return stack
    started = time.monotonic()
    production = production_module()
    if os.environ.get('ZHIDU_PRODUCTION_REUSE'):
        # development: FOLDER:PORT:GUNICORN_PID of a running stack
        folder, port, pid = os.environ['ZHIDU_PRODUCTION_REUSE'].split(':')
        cluster = production.Cluster(os.path.join(folder, 'pg'))
        stack = production.Stack(os.path.join(folder, 'stack'), cluster,
            database=DATABASE, port=int(port))
        stack.processes['gunicorn'] = _Running(int(pid))
        _SHARED['stack'] = stack
        return stack
    try:
        stack = production.temporary_stack(database=DATABASE, workers=2,
            threads=4, demo=True, language='en')
    except Exception as exception:
        _SHARED['stack'] = exception
        raise
    try:
        stack.start()
    except Exception as exception:
        stack.remove()
        _SHARED['stack'] = exception
        raise
    _SHARED['stack'] = stack
    atexit.register(stack.remove)
    sys.stderr.write('[production stack ready in %.0f s] ' % (
            time.monotonic() - started))
    return stack


class _Running:
    "A process started by someone else"

    def __init__(self, pid):
        self.pid = pid

    def poll(self):
        return None if os.path.exists('/proc/%s' % self.pid) else 0


def setup_data(stack, what, *args):
    "Run tests/load/setup_data.py on the stack's database, return its JSON"
    process = subprocess.run([sys.executable,
            os.path.join(ROOT, 'tests', 'load', 'setup_data.py'),
            stack.config_path, stack.database, what] + [str(a) for a in args],
        env=stack.environ(), cwd=ROOT, capture_output=True, text=True,
        timeout=600)
    if process.returncode:
        raise RuntimeError('setup_data %s failed:\n%s' % (
                what, process.stderr[-3000:]))
    return json.loads(process.stdout.strip().splitlines()[-1])


def client(stack, login='admin', password=None):
    "A logged-in JSON-RPC client of the stack"
    if password is None:
        password = ADMIN_PASSWORD if login == 'admin' else PASSWORD
    return Client(stack.url, stack.database, login, password)


class StackTestCase(unittest.TestCase):
    "A test case on the shared production stack (PostgreSQL only)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        skip_unless_postgresql()
        cls.stack = shared_stack()

    def assert_workers_alive(self):
        "The stack still runs all its processes"
        for name, process in self.stack.processes.items():
            self.assertIsNone(process.poll(), '%s exited, see %s' % (
                    name, self.stack.log_path(name)))


class Passwords(dict):
    "The password of each login: the admin's or the demo users' one"

    def __missing__(self, login):
        return ADMIN_PASSWORD if login == 'admin' else PASSWORD
