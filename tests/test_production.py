# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The production layout (./run --production, scripts/production.py):
PostgreSQL, gunicorn with 2 trytond workers, trytond-cron and
trytond-worker, and the cache invalidation between the workers.

Skipped on the SQLite pass of ./test.

    ZHIDU_PRODUCTION_TESTS=1 python -m unittest tests.test_production
"""
import configparser
import os
import signal
import subprocess
import time
import urllib.request

from .load.rpc import Client, RPCError
from .load.stack import (
    PASSWORD, ROOT, StackTestCase, client, production_module)

#: enough requests on new connections that both workers serve some
REQUESTS = 24
CACHE_MODELS = ['office.phone.line', 'sale.key_account', 'reception.visit',
    'regulation.penalty', 'expense.claim']


class ProductionTestCase(StackTestCase):
    "The processes of docker/compose.yaml, on this machine"

    def test_layout(self):
        "gunicorn runs 2 workers, trytond-cron and trytond-worker run too"
        self.assert_workers_alive()
        self.assertGreaterEqual(len(self.stack.worker_pids()), 2)
        for name in ['gunicorn', 'trytond-cron', 'trytond-worker']:
            self.assertIn(name, self.stack.processes)
        config = configparser.RawConfigParser()
        config.read(self.stack.config_path)
        self.assertEqual(config.get('cache', 'clean_timeout'), '0')
        self.assertEqual(config.get('queue', 'worker'), 'True')
        self.assertTrue(config.get('database', 'uri').startswith(
                'postgresql'))
        # the web client is served
        with urllib.request.urlopen(self.stack.url, timeout=30) as page:
            self.assertIn(b'<html', page.read().lower())

    def test_run_production_documented(self):
        "./run --help documents --production"
        process = subprocess.run([os.path.join(ROOT, 'run'), '--help'],
            capture_output=True, text=True, cwd=ROOT, timeout=60)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertIn('--production', process.stdout)
        self.assertIn('gunicorn', process.stdout)

    def second_server(self):
        """Start another gunicorn (1 process) on the stack's database and
        configuration; return its URL"""
        production = production_module()
        port = production.free_port()
        log = open(self.stack.log_path('second'), 'ab')
        self.addCleanup(log.close)
        process = subprocess.Popen([production.executable('gunicorn'),
                '--workers', '1', '--bind', '127.0.0.1:%s' % port,
                'trytond.application:app'], stdout=log,
            stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
            env=self.stack.environ(
                {'TRYTOND_DATABASE_NAMES': self.stack.database}))

        def stop():
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        self.addCleanup(stop)
        url = 'http://127.0.0.1:%s/' % port
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                return url
            except OSError:
                time.sleep(0.3)
        self.fail('the second server did not start')

    def test_cache_invalidation_between_workers(self):
        "A user removed from a group through one process is denied in all"
        login = 'aftersales_head'
        admin = client(self.stack)
        # the same user on the stack and on another server process
        user = client(self.stack, login)
        other = Client(self.second_server(), self.stack.database, login,
            PASSWORD)
        user_id = user.user_id
        # a model of which the user sees records through some groups only
        for model in CACHE_MODELS:
            accesses = admin.model('ir.model.access', 'search_read', [
                    ('model', '=', model),
                    ('perm_read', '=', True),
                    ], 0, None, None, ['group'])
            if any(a['group'] is None for a in accesses):
                continue
            groups = sorted({a['group'] for a in accesses
                    if a['group'] in user.context['groups']})
            if groups and user.model(model, 'search_count', []):
                break
        else:
            self.fail('no model to test with')

        def reads(session, count=REQUESTS):
            "Read on new connections: any worker may take each"
            outcomes = []
            for _ in range(count):
                session.close()
                try:
                    rows = session.model(model, 'search_read', [], 0, 1,
                        None, ['rec_name'])
                except RPCError as exception:
                    # read access denied
                    self.assertEqual(exception.name, 'UserError')
                    rows = []
                outcomes.append('visible' if rows else 'denied')
            return set(outcomes)

        try:
            # every process holds the access rights in its caches
            self.assertEqual(reads(user), {'visible'})
            self.assertEqual(reads(other, 3), {'visible'})

            admin.model('res.user', 'write', [user_id],
                {'groups': [('remove', groups)]})
            # denied at once in the other process and in every worker
            self.assertEqual(reads(other, 3), {'denied'})
            self.assertEqual(reads(user), {'denied'})
        finally:
            admin.model('res.user', 'write', [user_id],
                {'groups': [('add', groups)]})
        self.assertEqual(reads(other, 3), {'visible'})
        self.assertEqual(reads(user), {'visible'})
        for session in [admin, user, other]:
            session.close()
