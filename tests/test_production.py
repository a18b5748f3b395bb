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
import subprocess
import urllib.request

from .load.rpc import RPCError
from .load.stack import ROOT, StackTestCase, client

#: enough requests on new connections that both workers serve some
REQUESTS = 24
CACHE_MODELS = ['office.phone.line', 'sale.key_account', 'reception.visit',
    'regulation.penalty', 'expense.claim']


class ProductionTestCase(StackTestCase):
    "The processes of docker/compose.yaml, on this machine"

    def access_log_size(self):
        path = self.stack.log_path('access')
        return os.path.getsize(path) if os.path.exists(path) else 0

    def served_by(self, since):
        "The pids of the workers that served the RPC requests since"
        path = self.stack.log_path('access')
        if not os.path.exists(path):
            return set()
        with open(path) as file:
            file.seek(since)
            return {line.split()[0] for line in file
                if '/rpc/' in line}

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

    def test_cache_invalidation_between_workers(self):
        "A user removed from a group through one worker is denied in all"
        admin = client(self.stack)
        login = 'aftersales_head'
        user = client(self.stack, login)
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

        def reads():
            "Read on new connections; return the outcomes and the workers"
            start = self.access_log_size()
            outcomes = []
            for _ in range(REQUESTS):
                user.close()  # a new connection: any worker may take it
                try:
                    rows = user.model(model, 'search_read', [], 0, 1, None,
                        ['rec_name'])
                except RPCError as exception:
                    # read access denied
                    self.assertEqual(exception.name, 'UserError')
                    rows = []
                outcomes.append('visible' if rows else 'denied')
            return outcomes, self.served_by(start)

        try:
            # both workers hold the access rights in their caches
            outcomes, workers = reads()
            self.assertEqual(set(outcomes), {'visible'}, outcomes)
            self.assertGreaterEqual(len(workers), 2, workers)

            admin.close()
            admin.model('res.user', 'write', [user_id],
                {'groups': [('remove', groups)]})
            outcomes, workers = reads()
            self.assertGreaterEqual(len(workers), 2, workers)
            # denied from the first request on, whichever worker serves it
            self.assertEqual(set(outcomes), {'denied'}, outcomes)
        finally:
            admin.model('res.user', 'write', [user_id],
                {'groups': [('add', groups)]})
        outcomes, workers = reads()
        self.assertEqual(set(outcomes), {'visible'}, outcomes)
        admin.close()
        user.close()
