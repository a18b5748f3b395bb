# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Races on the production stack (PostgreSQL, gunicorn with 2 workers).

Two JSON-RPC clients start the same decision at the same instant (a
barrier), so the two requests run in the two workers at once.  Skipped on
the SQLite pass.

    ZHIDU_PRODUCTION_TESTS=1 python -m unittest tests.test_concurrency
"""
import datetime as dt
import threading
import time

from .load.rpc import RPCError, ServerError
from .load.runner import bill_file, import_bill
from .load.setup_data import APPROVER, DELEGATE
from .load.stack import StackTestCase, client, setup_data

TRIALS = 100


def race(*calls):
    """Run the calls at the same instant in threads; return their outcomes:
    ('ok', result) or ('error', RPCError) or ('server', ServerError)"""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, function, args):
        barrier.wait()
        try:
            outcomes[index] = ('ok', function(*args))
        except RPCError as exception:
            outcomes[index] = ('error', exception)
        except ServerError as exception:
            outcomes[index] = ('server', exception)
    threads = [threading.Thread(target=run, args=(i, f, a))
        for i, (f, *a) in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


class ConcurrencyTestCase(StackTestCase):
    "Two users act on the same record at once"

    def test_two_approvers_decide_same_step(self):
        "RB-2: 100 times two approvers decide one step at once: one decision"
        setup_data(self.stack, 'delegation')
        pairs = setup_data(self.stack, 'approvals', TRIALS)
        self.assertEqual(len(pairs), TRIALS)
        # the head and the colleague they delegated to, each on a session
        head = client(self.stack, APPROVER)
        delegate = client(self.stack, DELEGATE)
        admin = client(self.stack, 'admin')
        results = []
        for approval, request in pairs:
            outcomes = race(
                (head.model, 'regulation.approval', 'approve', [approval]),
                (delegate.model, 'regulation.approval', 'approve',
                    [approval]))
            kinds = sorted(kind for kind, _ in outcomes)
            self.assertNotIn('server', kinds, outcomes)
            self.assertEqual(kinds, ['error', 'ok'], outcomes)
            error = next(e for k, e in outcomes if k == 'error')
            self.assertEqual(error.name, 'UserError', error)
            results.append(approval)
        # every step decided once, and the chain went one step further once
        approvals = admin.model('regulation.approval', 'search_read',
            [('origin', 'in', ['office.phone.line.request,%s' % r
                        for _, r in pairs])],
            0, None, None, ['origin', 'state', 'decided_by', 'sequence'])
        by_origin = {}
        for row in approvals:
            by_origin.setdefault(row['origin'], []).append(row)
        self.assertEqual(len(by_origin), TRIALS)
        for origin, rows in by_origin.items():
            states = [r['state'] for r in rows]
            self.assertEqual(states.count('approved'), 1, rows)
            self.assertEqual(states.count('pending'), 1, rows)
        for session in [head, delegate, admin]:
            session.close()

    def test_two_imports_of_same_bill(self):
        "OP-5: two imports of one bill at once: one bill, no duplicate call"
        hr = [client(self.stack, 'hr') for _ in range(2)]
        numbers = [line['number'] for line in hr[0].model(
                'office.phone.line', 'search_read',
                [('kind', '!=', 'internal')], 0, None, None, ['number'])]
        self.assertTrue(numbers)
        period = dt.date(2025, 3, 1)
        rows = 400
        data, total = bill_file(numbers, rows, period)
        company = hr[0].context['company']
        for trial in range(3):
            carrier = 'race %s %s' % (time.time(), trial)
            outcomes = race(*[(import_bill,
                        c, company, period, carrier, data, total)
                    for c in hr])
            kinds = [k for k, _ in outcomes]
            self.assertNotIn('server', kinds, outcomes)
            self.assertIn('ok', kinds, outcomes)
            for kind, error in outcomes:
                if kind == 'error':
                    # the bill of the same period created at the same time
                    self.assertEqual(error.name, 'UserError', error)
            bills = hr[0].model('office.phone.bill', 'search_read',
                [('carrier', '=', carrier)], 0, None, None,
                ['call_count'])
            self.assertEqual(len(bills), 1, bills)
            calls = hr[0].model('office.phone.call', 'search_count',
                [('bill', '=', bills[0]['id'])])
            self.assertEqual(calls, rows)
            # importing again adds nothing, even twice at once
            outcomes = race(*[(import_bill,
                        c, company, period, carrier, data, total)
                    for c in hr])
            self.assertEqual([k for k, _ in outcomes], ['ok', 'ok'],
                outcomes)
            calls = hr[0].model('office.phone.call', 'search_count',
                [('bill', '=', bills[0]['id'])])
            self.assertEqual(calls, rows)
        for session in hr:
            session.close()

    def test_penalty_confirmation_races_edit(self):
        "RB-3: an edit racing the confirmation of a penalty fails cleanly"
        penalties = setup_data(self.stack, 'penalties', 20)
        confirmer = client(self.stack, 'admin')
        editor = client(self.stack, 'admin')
        edited = 0
        for penalty in penalties:
            outcomes = race(
                (confirmer.model, 'regulation.penalty', 'confirm',
                    [penalty]),
                (editor.model, 'regulation.penalty', 'write', [penalty],
                    {'description': 'edited %s' % penalty}))
            (confirm, _), (edit, error) = outcomes
            self.assertEqual(confirm, 'ok', outcomes)
            self.assertIn(edit, {'ok', 'error'}, outcomes)
            row, = editor.model('regulation.penalty', 'read', [penalty],
                ['state', 'description'])
            self.assertEqual(row['state'], 'confirmed')
            if edit == 'ok':
                # the edit came first: it is kept, not lost
                self.assertEqual(row['description'], 'edited %s' % penalty)
                edited += 1
            else:
                self.assertIn(error.name, {'AccessError', 'UserError'},
                    error)
                self.assertNotEqual(
                    row['description'], 'edited %s' % penalty)
        # a confirmed penalty refuses edits afterwards
        with self.assertRaises(RPCError) as context:
            editor.model('regulation.penalty', 'write', [penalties[0]],
                {'description': 'too late'})
        self.assertEqual(context.exception.name, 'UserError')
        self.assertIn('confirmed', context.exception.message)
        confirmer.close()
        editor.close()
