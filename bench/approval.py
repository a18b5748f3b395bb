#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cost of the approval engine against a plain state write (RB-2).

Submit and approve N documents through a three-step chain, and compare
with writing the final state on the same N documents directly.
It prints the ratio (target: at most 5x) for the backend of the
environment: SQLite by default, PostgreSQL with
TRYTOND_DATABASE__URI=postgresql://... (bench/run.sh starts a cluster).

Usage: python bench/approval.py [N]
"""
import os
import sys
import time

os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', ':memory:')


def main(count):
    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.regulation_base.tests import (
        as_user, assign_role, create_chain, create_department, create_staff,
        create_user)
    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module, with_transaction
    activate_module('regulation_base')

    @with_transaction()
    def run():
        pool = Pool()
        Tester = pool.get('regulation.test.approval')
        Approval = pool.get('regulation.approval')
        company = create_company()
        with set_company(company):
            head = create_staff(company, "Head")
            vp = create_staff(company, "VP")
            gm = create_staff(company, "GM")
            sales = create_department(company, "Sales", head=head, vp=vp)
            clerk = create_staff(company, "Clerk", sales)
            assign_role(company, 'general_manager', gm)
            users = [create_user(login, employee, [
                        'regulation_base.group_regulation'])
                for login, employee in [
                    ('head', head), ('vp', vp), ('gm', gm)]]
            create_chain('regulation.test.approval', [
                    {'name': "Head", 'approver': 'department_head'},
                    {'name': "VP", 'approver': 'department_vp'},
                    {'name': "GM", 'approver': 'role',
                        'role': 'general_manager'},
                    ])

            def documents():
                return Tester.create([{
                            'company': company.id, 'employee': clerk.id,
                            'name': str(i), 'amount': 100}
                        for i in range(count)])

            baseline_docs = documents()
            start = time.perf_counter()
            Tester.write(baseline_docs, {'state': 'waiting'})
            Tester.write(baseline_docs, {'state': 'approved'})
            baseline = time.perf_counter() - start

            docs = documents()
            start = time.perf_counter()
            Tester.submit(docs)
            for user in users:
                with as_user(user):
                    pending = Approval.search([('to_decide', '=', True)])
                    Approval.approve(pending)
            engine = time.perf_counter() - start
            assert all(d.state == 'approved' for d in Tester.browse(docs))
        backend = os.environ['TRYTOND_DATABASE__URI'].split(':')[0]
        print("%s: %d documents, plain state write %.3fs, submit + 3 "
            "approvals %.3fs, ratio %.1fx (target <= 5x)" % (
                backend, count, baseline, engine, engine / baseline))
    run()


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
