# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Faults on the production stack (PostgreSQL only, skipped on SQLite):
a gunicorn worker killed in the middle of a request, PostgreSQL restarted
under load, a scheduled action that fails.

    ZHIDU_PRODUCTION_TESTS=1 python -m unittest tests.test_faults
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg

from .load.rpc import RPCError, ServerError
from .load.setup_data import APPROVER
from .load.stack import ROOT, StackTestCase, client, setup_data


class FaultsTestCase(StackTestCase):
    "The stack recovers from failures without manual steps"

    def connect(self):
        "A psycopg connection to the stack's database"
        env = self.stack.cluster.environ()
        return psycopg.connect(host=env['PGHOST'], port=env['PGPORT'],
            user=env['PGUSER'], dbname=self.stack.database)

    def approval_states(self, request):
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute('SELECT sequence, state '
                    'FROM regulation_approval WHERE origin = %s '
                    'ORDER BY sequence, id',
                    ('office.phone.line.request,%s' % request,))
                return cursor.fetchall()
        finally:
            connection.close()

    def test_worker_killed_mid_request(self):
        "A worker killed mid-request: rolled back, an error, a retry works"
        (approval, request), = setup_data(self.stack, 'approvals', 1)
        before = self.approval_states(request)
        self.assertEqual([s for _, s in before][:2], ['pending', 'waiting'])
        head = client(self.stack, APPROVER)

        # hold the next step so that the decision blocks half-way: the
        # step decided is written, the next one waits for our lock
        blocker = self.connect()
        cursor = blocker.cursor()
        cursor.execute('SELECT id FROM regulation_approval '
            'WHERE origin = %s AND id != %s FOR UPDATE',
            ('office.phone.line.request,%s' % request, approval))
        outcome = []

        def approve():
            try:
                outcome.append(('ok', head.model(
                            'regulation.approval', 'approve', [approval])))
            except (RPCError, ServerError) as exception:
                outcome.append(('error', exception))
        thread = threading.Thread(target=approve)
        thread.start()
        try:
            self.wait_for_lock_waiter()
            workers = self.stack.worker_pids()
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
            thread.join(timeout=60)
        finally:
            blocker.rollback()
            blocker.close()
        self.assertFalse(thread.is_alive())
        (kind, error), = outcome
        self.assertEqual(kind, 'error')
        self.assertIsInstance(error, ServerError)

        # the killed transaction is rolled back: nothing was decided
        self.wait_no_transaction()
        self.assertEqual(self.approval_states(request), before)

        # gunicorn started new workers; the same session retries
        self.stack.wait_workers(exclude=workers)
        head.model('regulation.approval', 'approve', [approval])
        states = [s for _, s in self.approval_states(request)]
        self.assertEqual(states[:2], ['approved', 'pending'])
        self.assert_workers_alive()
        head.close()

    def wait_for_lock_waiter(self, timeout=60):
        "Wait until a backend of the database waits for a lock"
        connection = self.connect()
        connection.autocommit = True
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = %s AND wait_event_type = 'Lock'",
                        (self.stack.database,))
                    if cursor.fetchone()[0]:
                        return
                time.sleep(0.05)
            self.fail('the request never waited for the lock')
        finally:
            connection.close()

    def wait_no_transaction(self, timeout=60):
        "Wait until no other backend is in a transaction"
        connection = self.connect()
        connection.autocommit = True
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid != pg_backend_pid() "
                        "AND (state LIKE 'idle in transaction%%' "
                        "OR wait_event_type = 'Lock')",
                        (self.stack.database,))
                    if not cursor.fetchone()[0]:
                        return
                time.sleep(0.1)
        finally:
            connection.close()

    def test_postgresql_restart_under_load(self):
        "PostgreSQL restarted under load: the server recovers by itself"
        clients = [client(self.stack, APPROVER) for _ in range(3)]
        stop = threading.Event()
        outcomes = []
        lock = threading.Lock()

        def load(session):
            while not stop.is_set():
                session.close()
                try:
                    session.model('regulation.approval', 'search_read',
                        [('state', '=', 'pending')], 0, 20, None,
                        ['rec_name'])
                    result = 'ok'
                except (RPCError, ServerError) as exception:
                    result = exception.__class__.__name__
                with lock:
                    outcomes.append((time.monotonic(), result))
                time.sleep(0.05)
        threads = [threading.Thread(target=load, args=(c,))
            for c in clients]
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)
            self.stack.cluster.restart(mode='fast')
            restarted = time.monotonic()
            time.sleep(5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
        self.assertTrue([r for t, r in outcomes if t < restarted])
        # after the restart every worker answers again
        after = [r for t, r in outcomes if t > restarted + 2]
        self.assertTrue(after)
        for session in clients:
            for _ in range(6):
                session.close()
                session.model('regulation.approval', 'search_read',
                    [], 0, 5, None, ['rec_name'])
            session.close()
        self.assertEqual(set(after), {'ok'}, after)
        # and writes go through: a decision and the cache notifications
        (approval, _), = setup_data(self.stack, 'approvals', 1)
        head = client(self.stack, APPROVER)
        head.model('regulation.approval', 'approve', [approval])
        head.close()
        self.assert_workers_alive()

    def run_cron_failure(self, kind):
        process = subprocess.run([sys.executable,
                os.path.join(ROOT, 'tests', 'load', 'cron_failure.py'),
                self.stack.database, kind],
            env=self.stack.environ(), cwd=ROOT, capture_output=True,
            text=True, timeout=600)
        self.assertEqual(process.returncode, 0, process.stderr[-3000:])
        return json.loads(process.stdout.strip().splitlines()[-1]), \
            process.stderr

    def test_cron_failure_retried_and_reported(self):
        "A failing scheduled action is rescheduled and reported in Errors"
        for kind, text in [
                ('user', 'the reminder cannot be sent'),
                ('unexpected', 'mail server unreachable'),
                # the mail server refuses the mail sent at commit
                ('mail', 'Connection refused')]:
            with self.subTest(kind=kind):
                result, log = self.run_cron_failure(kind)
                # not dropped: still active and called again later
                self.assertTrue(result['active'])
                self.assertTrue(result['rescheduled'], result)
                # the run went on with the next due action
                self.assertTrue(result['other_ran'], result)
                # reported to the administrator (Administration > Errors)
                error, = result['errors']
                self.assertIn(text, error['message'])
                self.assertEqual(error['state'], 'open')
        # "Solve" runs the action again, through the queue: trytond-worker
        admin = client(self.stack)
        admin.model('ir.error', 'process', [error['id']])
        admin.model('ir.error', 'solve', [error['id']])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = self.stack.cluster.psql(self.stack.database,
                "SELECT count(*) FROM ir_queue "
                "WHERE finished_at IS NOT NULL "
                "AND data->>'model' = 'ir.cron' "
                "AND data->>'method' = 'run_once'")
            if int(done):
                break
            time.sleep(0.5)
        else:
            self.fail('the queued run was not done by trytond-worker, '
                'see %s' % self.stack.log_path('trytond-worker'))
        admin.close()
