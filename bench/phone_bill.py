#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cost of the office phone bill import and screening (OP-5, OP-6).

Generate a bill of ROWS calls on LINES lines, import and screen it through
the module (``office.phone.bill.import_file``: validation of every row,
register look-up, holder at call time, dedupe, flags), then load the same
file the raw way in the same run: on PostgreSQL ``COPY`` plus one set-based
``UPDATE`` for the pattern flags, on SQLite ``executemany`` plus the same
``UPDATE``.  It prints both times, the ratio (target: at most 3x) and the
peak memory of the process (target: under 1 GB).

The module's cost (measured 2026-11-27, 2 shared cores, 100,000 rows on
2,000 lines): SQLite 1.43 s (3.0x, was 3.88 s, 12.1x), PostgreSQL 6.9 s
(15.8x, was 16.5 s, 28.8x); 1,000,000 rows on PostgreSQL 55.7 s (9.3x,
402 MB).  Parsing and loading the raw rows cost about the baseline on
both; on PostgreSQL most of the rest is the per-row check of the 7
foreign keys of office_phone_call (EXPLAIN ANALYZE: 0.22 s of plan, 0.94 s
of foreign-key triggers for 20,000 rows), which the raw table has not.

Usage::

    python bench/phone_bill.py [ROWS] [LINES]          # SQLite, in memory
    bench/pg.sh .venv/bin/python bench/phone_bill.py 1000000 2000

The backend comes from the environment (TRYTOND_DATABASE__URI); bench/pg.sh
starts a throw-away PostgreSQL cluster and sets it.
"""
import csv
import datetime as dt
import io
import os
import random
import resource
import sys
import time
from decimal import Decimal

if 'PGHOST' in os.environ:
    os.environ.setdefault('TRYTOND_DATABASE__URI', 'postgresql://')
    os.environ.setdefault('DB_NAME', 'bench_phone_bill')
os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', ':memory:')

PERIOD = dt.date(2026, 3, 1)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(rows, lines, contacts, seed=8):
    "Return the CSV bytes of a month of calls"
    rng = random.Random(seed)
    out = io.StringIO()
    out.write('line,start,dialled,duration,cost\n')
    start = dt.datetime(2026, 3, 1)
    seconds = 31 * 24 * 3600
    premium = ['16812345', '16001234567', '12590888', '16018888']
    for i in range(rows):
        if rng.random() < 0.001:
            line = '0219%07d' % rng.randrange(10 ** 6)  # unknown line
        else:
            line = lines[rng.randrange(len(lines))]
        # unique per line: one call per line and second at most
        moment = start + dt.timedelta(seconds=(i * 7919) % seconds)
        draw = rng.random()
        if draw < 0.6:
            dialled = contacts[rng.randrange(len(contacts))]
        elif draw < 0.99:
            dialled = '13%09d' % rng.randrange(10 ** 9)
        else:
            dialled = premium[rng.randrange(len(premium))]
        duration = rng.randrange(5, 1800)
        cost = Decimal(duration // 60 + 1) * Decimal('0.10')
        out.write('%s,%s,%s,%d,%s\n' % (
                line, moment.strftime('%Y-%m-%d %H:%M:%S'), dialled,
                duration, cost))
    return out.getvalue().encode('utf-8')


def baseline(data, prefixes):
    """Load the file raw: COPY (PostgreSQL) or executemany (SQLite) into a
    plain table, then one UPDATE flagging the pattern prefixes."""
    from trytond import backend
    from trytond.transaction import Transaction
    connection = Transaction().connection
    cursor = connection.cursor()
    cursor.execute('CREATE TABLE bench_raw_call (id SERIAL PRIMARY KEY, '
        'line VARCHAR, start TIMESTAMP, dialled VARCHAR, duration INTEGER, '
        'cost NUMERIC, flag VARCHAR)'
        if backend.name == 'postgresql' else
        'CREATE TABLE bench_raw_call (id INTEGER PRIMARY KEY, line VARCHAR, '
        'start TIMESTAMP, dialled VARCHAR, duration INTEGER, cost NUMERIC, '
        'flag VARCHAR)')
    condition = ' OR '.join("dialled LIKE '%s%%'" % p for p in prefixes)
    started = time.perf_counter()
    if backend.name == 'postgresql':
        with cursor.copy('COPY bench_raw_call (line, start, dialled, '
                'duration, cost) FROM STDIN WITH (FORMAT csv, HEADER true)'
                ) as copy:
            for i in range(0, len(data), 1 << 20):
                copy.write(data[i:i + (1 << 20)])
    else:
        reader = csv.reader(io.StringIO(data.decode('utf-8')))
        next(reader)
        cursor.executemany('INSERT INTO bench_raw_call (line, start, '
            'dialled, duration, cost) VALUES (?, ?, ?, ?, ?)', reader)
    cursor.execute("UPDATE bench_raw_call SET flag = 'premium' WHERE %s"
        % condition)
    return time.perf_counter() - started


def main(rows, line_count):
    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.regulation_base.tests import (
        create_department, create_staff)
    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module, with_transaction
    from trytond.transaction import Transaction
    activate_module('office_phone')

    @with_transaction()
    def run():
        pool = Pool()
        Line = pool.get('office.phone.line')
        Bill = pool.get('office.phone.bill')
        Party = pool.get('party.party')
        Pattern = pool.get('office.phone.pattern')
        Employee = pool.get('company.employee')
        company = create_company()
        started = time.perf_counter()
        with set_company(company), Transaction().set_context(
                _check_access=False):
            departments = [create_department(company, "Team %d" % i)
                for i in range(20)]
            holder = create_staff(company, "Template")
            employees = []
            for i in range(0, line_count, 500):
                employees.extend(Employee.copy(
                        [holder] * min(500, line_count - i)))
            numbers = ['0215%07d' % i for i in range(line_count)]
            for i in range(0, line_count, 500):
                Line.create([{
                            'company': company.id,
                            'number': numbers[j],
                            'kind': 'external',
                            'department': departments[j % 20].id,
                            'holder': employees[j].id,
                            'start_date': dt.date(2026, 1, 1),
                            } for j in range(i, min(i + 500, line_count))])
            contacts = ['0216%07d' % i for i in range(1000)]
            Party.create([{
                        'name': 'Client %d' % i,
                        'contact_mechanisms': [('create', [{
                                        'type': 'phone',
                                        'value': contacts[i]}])],
                        } for i in range(len(contacts))])
            print("setup: %d lines, %d contacts in %.1fs" % (
                    line_count, len(contacts), time.perf_counter() - started))
            data = generate(rows, numbers, contacts)
            print("file: %d rows, %.1f MB" % (rows, len(data) / 2 ** 20))
            prefixes = [p.pattern for p in Pattern.search([
                        ('match', '=', 'prefix')])] + ['168']
            rss = peak_mb()

            def progress(count, total):
                print("  … %d/%d rows" % (count, total), file=sys.stderr)
            started = time.perf_counter()
            bill = Bill.import_file(company, PERIOD, 'China Telecom',
                Decimal(0), data, progress=progress)
            module = time.perf_counter() - started
            assert bill.call_count == rows, bill.call_count
            module_rss = peak_mb()
            raw = baseline(data, prefixes)
        backend = os.environ['TRYTOND_DATABASE__URI'].split(':')[0]
        print("%s: %d rows on %d lines" % (backend, rows, line_count))
        print("  module import + screening: %.2fs (%.0f rows/s), "
            "%d flagged, %d unknown" % (
                module, rows / module, bill.flagged_count,
                bill.unknown_count))
        print("  raw baseline (%s + 1 UPDATE): %.2fs (%.0f rows/s)" % (
                'COPY' if backend == 'postgresql' else 'executemany', raw,
                rows / raw))
        print("  ratio %.2fx (target <= 3x)" % (module / raw))
        print("  peak memory %.0f MB (%.0f MB before the import; "
            "target < 1024 MB)" % (module_rss, rss))
    run()


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
