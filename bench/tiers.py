#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cost of the key-account tier recomputation against one SQL query (KA-3).

Create N parties with sales spread over two years (inserted with SQL, the
ORM is too slow for that many), recompute every tier through the module
(``sale.key_account.recompute``: revenue aggregation, candidates, tier
history) and compute the same tiers with one SQL aggregation query.
It runs twice: the first recomputation creates every candidate and its
history row; the second, after new sales for 1% of the parties, writes
only the changes (the scheduled, steady state).
It prints the ratios (target: at most 3x on PostgreSQL) and checks that
both give the same tiers.

Usage: python bench/tiers.py [N] [--postgresql]

--postgresql starts a throw-away cluster (as ./test does) unless
TRYTOND_DATABASE__URI already points to one.
"""
import argparse
import datetime as dt
import importlib.util
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_postgresql():
    spec = importlib.util.spec_from_file_location(
        'zhidu_run_tests', ROOT / 'scripts' / 'run_tests.py')
    run_tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_tests)
    cluster = run_tests.PostgresCluster()
    pg_dir = cluster.start()
    os.environ['TRYTOND_DATABASE__URI'] = 'postgresql://postgres@'
    os.environ['PGHOST'] = pg_dir
    os.environ['PGPORT'] = str(run_tests.PG_PORT)
    os.environ['PGUSER'] = 'postgres'
    os.environ['DB_NAME'] = 'bench_tiers'
    return cluster


def insert_parties(count):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Party = Pool().get('party.party')
    table = Party.__table__()
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    for start in range(0, count, 500):
        cursor.execute(*table.insert(
                [table.create_uid, table.create_date, table.name,
                    table.code, table.active],
                [[0, now, 'Client %d' % i, 'B%d' % i, True]
                    for i in range(start, min(start + 500, count))]))
    cursor.execute(*table.select(table.id, where=table.code.like('B%')))
    return [r for r, in cursor]


def insert_sales(company, parties, dates, rng, fraction=1.0):
    """Insert the sales of parties: a few a year, amounts spread so that
    every tier has clients"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Sale = Pool().get('sale.sale')
    table = Sale.__table__()
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    columns = [table.create_uid, table.create_date, table.company,
        table.currency, table.party, table.state, table.sale_date,
        table.untaxed_amount_cache, table.invoice_method,
        table.shipment_method, table.invoice_state, table.shipment_state]
    states = ['confirmed', 'processing', 'done', 'done', 'cancelled']
    rows, count = [], 0
    for party in parties:
        if fraction < 1 and rng.random() > fraction:
            continue
        # annual revenue: log-uniform from 1,000 to 10,000,000
        annual = 10 ** rng.uniform(3, 7)
        for _ in range(rng.randint(2, 6)):
            rows.append([0, now, company.id, company.currency.id, party,
                    rng.choice(states), rng.choice(dates),
                    Decimal(str(round(annual / 3, 2))), 'manual', 'manual',
                    'none', 'none'])
            count += 1
        if len(rows) >= 500:
            cursor.execute(*table.insert(columns, rows))
            rows = []
    if rows:
        cursor.execute(*table.insert(columns, rows))
    return count


def baseline(company, start, end, thresholds):
    "The tiers of every party with one aggregation query"
    from sql import Literal
    from sql.aggregate import Sum
    from sql.conditionals import Case, Coalesce

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Sale = Pool().get('sale.sale')
    sale = Sale.__table__()
    cursor = Transaction().connection.cursor()
    revenue = Sum(Coalesce(sale.untaxed_amount_cache, 0))
    tier = Case(*[(revenue >= Literal(float(v)), Literal(t.id))
            for v, t in thresholds], else_=Literal(None))
    cursor.execute(*sale.select(sale.party, tier,
            where=(sale.company == company.id)
            & sale.state.in_(['confirmed', 'processing', 'done'])
            & (sale.sale_date >= start) & (sale.sale_date <= end),
            group_by=[sale.party]))
    return {p: t for p, t in cursor if t is not None}


def module_tiers(company):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    KeyAccount = Pool().get('sale.key_account')
    table = KeyAccount.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.party, table.computed_tier,
            where=(table.company == company.id)
            & (table.computed_tier != None)))  # noqa: E711
    return dict(cursor)


def main(count, seed=2026):
    from trytond.modules.company.tests import create_company
    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module, with_transaction
    from trytond.transaction import Transaction
    activate_module('key_account')
    rng = random.Random(seed)

    @with_transaction()
    def run():
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Tier = pool.get('sale.key_account.tier')
        Change = pool.get('sale.key_account.change')
        company = create_company()
        start_date, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
        dates = [dt.date(2024, 1, 1) + dt.timedelta(days=d)
            for d in range(731)]
        started = time.perf_counter()
        parties = insert_parties(count)
        sales = insert_sales(company, parties, dates, rng)
        Transaction().commit()
        print("setup: %d parties, %d sales in %.1fs" % (
                len(parties), sales, time.perf_counter() - started))
        thresholds = Tier.thresholds(company, end)
        backend = os.environ['TRYTOND_DATABASE__URI'].split(':')[0]

        for label, new_fraction in [('first', 0), ('steady', 0.01)]:
            if new_fraction:
                insert_sales(company, parties, [dt.date(2025, 12, 1)], rng,
                    fraction=new_fraction)
                Transaction().commit()
            started = time.perf_counter()
            expected = baseline(company, start_date, end, thresholds)
            reference = time.perf_counter() - started
            histories = Change.search([], count=True)
            started = time.perf_counter()
            KeyAccount.recompute(company, start_date, end, date=end)
            module = time.perf_counter() - started
            written = Change.search([], count=True) - histories
            got = module_tiers(company)
            assert got == expected, (
                "tiers differ for %d parties" % len(
                    set(got.items()) ^ set(expected.items())))
            Transaction().commit()
            print("%s %s: %d tiered of %d parties, %d history rows, "
                "module %.3fs, one SQL query %.3fs, ratio %.1fx "
                "(target <= 3x)" % (backend, label, len(got), len(parties),
                    written, module, reference, module / reference))
    run()


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('count', nargs='?', type=int, default=100000)
    parser.add_argument('--postgresql', action='store_true')
    args = parser.parse_args()
    cluster = None
    if args.postgresql and not os.environ.get(
            'TRYTOND_DATABASE__URI', '').startswith('postgresql'):
        cluster = start_postgresql()
    os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    os.environ.setdefault('DB_NAME', ':memory:')
    try:
        main(args.count)
    finally:
        if cluster:
            cluster.stop()
    sys.exit(0)
