# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The bounded load test on the production stack (PostgreSQL only).

4 concurrent JSON-RPC clients, 40 requests each (lists, forms, approvals)
while a bill of 1000 calls is imported.  It prints requests/s and the
latency median/p95 per operation and asserts that every request succeeded
and nothing was lost, never a duration.  bench/load.py is the heavy
variant (1 and 8 clients, the p95 ratio).

    ZHIDU_PRODUCTION_TESTS=1 python -m unittest tests.load.test_load
"""
import datetime as dt
import sys

from .runner import format_figures, run_load
from .stack import Passwords, StackTestCase, client, setup_data

CLIENTS = 4
REQUESTS = 40
TIME_LIMIT = 300
IMPORT_ROWS = 1000


class LoadTestCase(StackTestCase):
    "Several clients at once on gunicorn with 2 workers"

    def test_bounded_load(self):
        "4 clients list, read and approve during a bill import: none lost"
        pairs = setup_data(self.stack, 'approvals', 4 * CLIENTS)
        approvals = [a for a, _ in pairs]
        period = dt.date(2025, 6, 1)
        figures = run_load(self.stack.url, self.stack.database, Passwords(),
            clients=CLIENTS, requests=REQUESTS, time_limit=TIME_LIMIT,
            approvals=approvals, import_rows=IMPORT_ROWS,
            carrier='load test', period=period)
        sys.stderr.write('\n' + format_figures(figures) + '\n')

        self.assertEqual(figures['errors'], [])
        self.assertEqual(figures['unfinished'], [])
        self.assertEqual(len(figures['models']), 7, figures['models'])
        # every request was answered: the fixed number per client, plus
        # the import
        self.assertEqual(figures['requests'], CLIENTS * REQUESTS + 1)
        # every approval is decided once and recorded
        self.assertEqual(sorted(figures['decided']), sorted(approvals))
        admin = client(self.stack)
        rows = admin.model('regulation.approval', 'read', approvals,
            ['state'])
        self.assertEqual({r['state'] for r in rows}, {'approved'})
        # the bill holds every call of the file, once
        bill = figures['bill']['id']
        hr = client(self.stack, 'hr')
        calls = hr.model('office.phone.call', 'search_count',
            [('bill', '=', bill)])
        self.assertEqual(calls, IMPORT_ROWS)
        self.assert_workers_alive()
        admin.close()
        hr.close()
