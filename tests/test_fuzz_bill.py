# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Property-based fuzzing of the office phone bill parser (OP-5, issue 9).

10,000 generated call-detail files go through the parser itself (decode and
row validation, the bulk writer replaced by a recorder): each either parses
and hands every row to the writer, or raises a UserError naming the row or
the file and writes nothing.  A bounded number go through the whole import
(``Bill.import_file`` as the office phone administrator) and leave the
database as it was when refused.

Hypothesis runs derandomized (the same cases at every run, no example
database) so that CI is deterministic.
"""
import csv
import datetime as dt
import io
import os
import time
from decimal import Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from trytond.exceptions import UserError
from trytond.modules.regulation_base.tests import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .hardening import ROOT, SuiteTestCase
from .test_bad_input import BILL_MODELS, PERIOD, counts, phone_org

# hypothesis keeps its files under var/, not in the repository
set_hypothesis_home_dir(ROOT / 'var' / 'cache' / 'hypothesis')

#: cases through the parser, and through the whole import
PARSER_CASES = int(os.environ.get('ZHIDU_FUZZ_CASES', 10000))
IMPORT_CASES = max(PARSER_CASES // 50, 20)

#: exceptions of the parser that are known bugs (exception class, text of
#: its message), see KNOWN_PARSER_BUGS in test_bad_input.py: counted, not
#: failed, so that the fuzzing goes on looking for new ones; none today
KNOWN_CRASHES = []

HEADERS = [
    ['line', 'start', 'dialled', 'duration', 'cost'],
    ['主叫号码', '开始时间', '被叫号码', '通话时长(秒)', '费用'],
    ['Cost', 'Line', 'Start', 'Dialled', 'Duration'],
    ]
FORMATS = ['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y-%m-%dT%H:%M',
    '%d/%m/%Y %H:%M', '%Y-%m-%d', '%Y-%m-%d %H:%M:%S+08:00']
MARCH = dt.datetime(2026, 3, 1)


def known_crash(exception):
    return any(isinstance(exception, kind) and text in str(exception)
        for kind, text in KNOWN_CRASHES)


texts = st.text(max_size=12)
# values the parser accepts ...
valid = [
    st.sampled_from(['02155550001', '021-5555 0001', '+86 21 5555 0001',
            '008602155550001', '8001', '02177770000']),
    st.tuples(st.integers(0, 31 * 86400 - 1), st.sampled_from(FORMATS[:2])
        ).map(lambda t: (MARCH + dt.timedelta(seconds=t[0])).strftime(t[1])),
    st.integers(100, 10 ** 12).map(str),
    st.integers(0, 100000).map(str),
    st.decimals(min_value=0, max_value=1000, places=2).map(str),
    ]
# ... and values it must refuse (or accept) without crashing
invalid = [
    st.one_of(
        st.sampled_from(['', ' ', "'; DROP TABLE x; --",
                '=cmd|\' /C calc\'!A0', '@SUM(A1)', '\t=1+1']),
        texts),
    st.one_of(
        st.tuples(st.integers(-4 * 86400, 35 * 86400), st.sampled_from(
                FORMATS)).map(lambda t: (
                    MARCH + dt.timedelta(seconds=t[0])).strftime(t[1])),
        st.sampled_from(['2026-02-30 10:00:00', '=NOW()', '']),
        texts),
    st.one_of(st.sampled_from(['', '+', '=HYPERLINK("x")']), texts),
    st.one_of(
        st.integers(-100, 10 ** 9).map(str),
        st.sampled_from(['1_000', ' 60 ', '6e1', '@SUM(A1)', '-0', '-1']),
        texts),
    st.one_of(
        st.decimals(min_value=-10, max_value=10000, places=2).map(str),
        st.decimals(min_value=0, max_value=10, places=3).map(str),
        st.sampled_from(['NaN', 'sNaN', '-Infinity', '-0', ' 1.00 ',
                '=1+1', '1,5', '', '-0.01']),
        texts),
    ]
good_rows = st.tuples(*valid).map(list)


@st.composite
def mutated_rows(draw):
    "A good row with one value replaced by a bad one"
    row = draw(good_rows)
    index = draw(st.integers(0, 4))
    row[index] = draw(invalid[index])
    return row


rows = st.one_of(
    st.lists(good_rows, max_size=8),
    st.lists(st.one_of(good_rows, good_rows, mutated_rows(),
            st.lists(texts, max_size=7)), max_size=8))
headers = st.one_of(st.sampled_from(HEADERS * 6),
    st.lists(texts, max_size=6))


@st.composite
def files(draw):
    "A call-detail file as bytes"
    if draw(st.integers(0, 49)) == 0:
        return draw(st.binary(max_size=300))
    header = draw(headers)
    body = draw(rows)
    output = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(output, lineterminator=draw(
                st.sampled_from(['\r\n'] * 5 + ['\n'] * 5 + ['\r'])))
        writer.writerow(header)
        writer.writerows(body)
    else:  # no quoting: the commas and quotes of the values break rows
        output.write('\n'.join(','.join(r) for r in [header] + body))
        if draw(st.integers(0, 4)) == 0:  # truncated
            text = output.getvalue()
            output = io.StringIO(text[:draw(st.integers(0, len(text)))])
    text = output.getvalue()
    encoding = draw(st.sampled_from(['utf-8'] * 4 + ['utf-8-sig', 'gb18030',
                'gbk', 'utf-16']))
    return text.encode(encoding, errors='replace')


def parse(data):
    """Run the bill parser on data: decode, check the header and every row
    and return the calls, writing nothing.  The one place to adapt when the
    parser's API changes."""
    from trytond.modules.office_phone.bill_file import parse_bill
    return parse_bill(data, PERIOD)


ROW_OR_FILE = r'(?i)row \d+|file|header|column'


class FuzzBillTestCase(SuiteTestCase):
    "Fuzz the office phone bill parser"

    @with_transaction()
    def test_fuzz_parser(self):
        "OP-5: 10,000 generated files: no crash, no partial write"
        pool = Pool()
        Call = pool.get('office.phone.call')
        phone_org()
        stats = {'parsed': 0, 'refused': 0, 'known': 0, 'calls': 0}
        before = Call.search([], count=True)

        @settings(max_examples=PARSER_CASES, derandomize=True,
            database=None, deadline=None, print_blob=True,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck))
        @given(files())
        def check(data):
            try:
                rows = parse(data)
            except UserError as exception:
                stats['refused'] += 1
                self.assertRegex(exception.message, ROW_OR_FILE)
                return
            except Exception as exception:
                if known_crash(exception):
                    stats['known'] += 1
                    return
                raise
            stats['parsed'] += 1
            stats['calls'] += len(rows)
            for row in rows:
                self.assertEqual(row.start.date().replace(day=1), PERIOD)
                self.assertGreaterEqual(row.duration, 0)
                self.assertGreaterEqual(row.cost, 0)
                self.assertTrue(row.dialled)
                self.assertTrue(row.line_number)
        started = time.monotonic()
        check()
        # the parser writes nothing, whatever the file
        self.assertEqual(Call.search([], count=True), before)
        total = sum(stats[k] for k in ['parsed', 'refused', 'known'])
        self.assertGreaterEqual(total, PARSER_CASES)
        # the generator reaches both outcomes
        self.assertTrue(stats['parsed'] and stats['refused'], stats)
        print('\nfuzz parser: %s cases in %.1fs: %s' % (
                total, time.monotonic() - started, stats), flush=True)

    @with_transaction()
    def test_fuzz_import(self):
        "OP-5: generated files through the whole import: refused ones write "
        "nothing"
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        Call = pool.get('office.phone.call')
        org = phone_org()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        stats = {'imported': 0, 'refused': 0, 'known': 0}

        @settings(max_examples=IMPORT_CASES, derandomize=True,
            database=None, deadline=None, print_blob=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck))
        @given(files())
        def check(data):
            before = counts(*BILL_MODELS)
            cursor.execute('SAVEPOINT fuzz_case')
            try:
                with as_user(org['user']):
                    bill = Bill.import_file(
                        org['company'], PERIOD, 'Fuzz Telecom',
                        Decimal('1.00'), data)
                stats['imported'] += 1
                self.assertEqual(bill.call_count, Call.search(
                        [('bill', '=', bill.id)], count=True))
            except UserError as exception:
                stats['refused'] += 1
                self.assertRegex(exception.message, ROW_OR_FILE)
                self.assertEqual(counts(*BILL_MODELS), before)
            except Exception as exception:
                if not known_crash(exception):
                    raise
                stats['known'] += 1
            finally:
                cursor.execute('ROLLBACK TO SAVEPOINT fuzz_case')
                transaction.counter += 1
                self.assertEqual(counts(*BILL_MODELS), before)
        check()
        self.assertTrue(stats['imported'] and stats['refused'], stats)
        print('\nfuzz import: %s' % stats, flush=True)
