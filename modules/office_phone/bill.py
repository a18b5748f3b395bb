# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Monthly bill (OP-5), call screening (OP-6) and the sanctions of the
monthly check (OP-7, OP-8)."""
import csv
import datetime as dt
import io
import logging
import re
import time
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from sql import Cast, For, Literal, Null, Table
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.operators import BinaryOperator, Exists, Like, Not

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.company import CompanyReport
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import in_force
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import BillError, BillImportError, ReconciliationWarning
from .phone import (
    REGULATION, PenaltyMaker, check_head, current_employee, normalize_number,
    today)

logger = logging.getLogger(__name__)

#: the columns of the carrier's call-detail file, in order, with the
#: header names accepted for each (English and the carriers' Chinese)
COLUMNS = [
    ('line', {'line', 'line number', '主叫号码', '号码', '计费号码'}),
    ('start', {'start', 'start date-time', 'start datetime', '开始时间',
            '通话开始时间', '起始时间'}),
    ('dialled', {'dialled', 'dialled number', 'number', 'called number',
            '被叫号码', '对方号码'}),
    ('duration', {'duration', 'duration (s)', 'seconds', '通话时长',
            '时长(秒)', '通话时长(秒)'}),
    ('cost', {'cost', 'amount', '费用', '话费', '金额'}),
    ]
#: bad rows listed in the error message (the count gives the rest)
MAX_ERRORS = 50
#: rows between two progress reports
PROGRESS_ROWS = 100000
CENT = Decimal('0.01')

PATTERN_KINDS = [
    ('premium', "Premium-Rate"),
    ('information', "Information Fee (信息费)"),
    ('sp168', "168 Number"),
    ('top_up', "QQ or Game Top-Up"),
    ('allowed', "Allowed (Business)"),
    ]
FLAGS = [
    (None, ''),
    ('premium', "Premium-Rate Service"),
    ('private', "Private Call"),
    ('chatting', "Chatting on Internal Line"),
    ]
PROBLEMS = [
    (None, ''),
    ('unknown_line', "Line Unknown to the Register"),
    ('suspended_line', "Suspended or Closed Line"),
    ]
REVIEWS = [
    (None, ''),
    ('pending', "To Review"),
    ('cleared', "Business Call"),
    ('confirmed', "Violation Confirmed"),
    ]


class Regexp(BinaryOperator):
    "POSIX regular expression match (SQLite through a Python function)"
    __slots__ = ()

    @property
    def _operator(self):
        return '~' if backend.name == 'postgresql' else 'REGEXP'


def _sqlite_regexp(pattern, value):
    if value is None:
        return False
    return re.search(pattern, value) is not None


def month_bounds(date):
    start = date.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def call_error(period, start, dialled, duration, cost):
    """Return (message id, parameters) of the first rule a call breaks or
    None; the ORM and the bulk import apply the same rules (OP-5)."""
    if not dialled:
        return 'msg_call_dialled_missing', {}
    if duration < 0:
        return 'msg_call_duration_negative', {'duration': duration}
    if not cost.is_finite() or cost < 0:
        return 'msg_call_cost_negative', {'cost': cost}
    if cost != cost.quantize(CENT):
        return 'msg_call_cost_cents', {'cost': cost}
    if period:
        first, end = month_bounds(period)
        if not (first <= start.date() < end):
            return 'msg_call_outside_period', {
                'start': start, 'period': first.strftime('%Y-%m')}
    return None


class Pattern(DeactivableMixin, ModelSQL, ModelView):
    "Call screening pattern"
    __name__ = 'office.phone.pattern'
    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Leave empty for every company.")
    kind = fields.Selection(PATTERN_KINDS, "Kind", required=True, sort=False)
    match = fields.Selection([
            ('prefix', "Prefix"),
            ('regexp', "Regular Expression"),
            ], "Match", required=True, sort=False)
    pattern = fields.Char(
        "Pattern", required=True,
        help="A prefix of the dialled number (digits only) or a regular "
        "expression on it.")
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def default_match(cls):
        return 'prefix'

    @classmethod
    def default_kind(cls):
        return 'premium'

    @classmethod
    def validate_fields(cls, patterns, field_names):
        super().validate_fields(patterns, field_names)
        for pattern in patterns:
            if pattern.match == 'prefix':
                if not re.fullmatch(r'\d+', pattern.pattern or ''):
                    raise BillError(gettext(
                            'office_phone.msg_pattern_prefix',
                            pattern=pattern.pattern, name=pattern.name))
            else:
                try:
                    re.compile(pattern.pattern)
                except re.error:
                    raise BillError(gettext(
                            'office_phone.msg_pattern_regexp',
                            pattern=pattern.pattern, name=pattern.name))

    def sql_match(self, column):
        if self.match == 'prefix':
            return Like(column, self.pattern + '%')
        return Regexp(column, self.pattern)

    def matches(self, number):
        if self.match == 'prefix':
            return number.startswith(self.pattern)
        return re.search(self.pattern, number) is not None

    @classmethod
    def for_company(cls, company):
        return cls.search([('company', 'in', [int(company), None])])


class Bill(Workflow, ModelSQL, ModelView):
    "Office phone bill"
    __name__ = 'office.phone.bill'
    _rec_name = 'number'
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    period = fields.Date(
        "Month", required=True, readonly=True,
        help="The first day of the billed month.")
    carrier = fields.Char("Carrier", required=True, readonly=True)
    carrier_total = fields.Numeric(
        "Carrier's Total", digits=(16, 2), required=True, readonly=True)
    total = fields.Numeric("Total of Calls", digits=(16, 2), readonly=True)
    difference = fields.Function(
        fields.Numeric("Difference", digits=(16, 2)), 'get_difference')
    call_count = fields.Integer("Calls", readonly=True)
    unknown_count = fields.Integer(
        "Calls on Unknown Lines", readonly=True)
    suspended_count = fields.Integer(
        "Calls on Suspended Lines", readonly=True)
    flagged_count = fields.Integer("Flagged Calls", readonly=True)
    filename = fields.Char("File", readonly=True)
    calls = fields.One2Many(
        'office.phone.call', 'bill', "Calls", readonly=True)
    imported_by = employee_field("Imported By")
    reconciled_by = employee_field(
        "Reconciled By", states=['reconciled', 'paid', 'assessed'])
    paid_by = employee_field("Paid By", states=['paid', 'assessed'])
    assessed_by = employee_field("Assessed By", states=['assessed'])
    state = fields.Selection([
            ('imported', "Imported"),
            ('reconciled', "Reconciled"),
            ('paid', "Paid"),
            ('assessed', "Assessed"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_unique', Unique(t, t.company, t.carrier, t.period),
                'office_phone.msg_bill_period_unique'),
            ]
        cls._order = [('period', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('imported', 'reconciled'),
            ('reconciled', 'paid'),
            ('paid', 'assessed'),
            }
        cls._buttons.update({
                'reconcile': {
                    'invisible': Eval('state') != 'imported',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'reconciled',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'assess': {
                    'invisible': Eval('state') != 'paid',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'imported'

    def get_rec_name(self, name):
        return '%s %s' % (self.period.strftime('%Y-%m'), self.carrier)

    def get_difference(self, name):
        return (self.carrier_total or 0) - (self.total or 0)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'assessed', 'muted', '')),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'office_phone', 'sequence_bill'))
            values['number'] = sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, bills, values=None, external=False):
        super().check_modification(
            mode, bills, values=values, external=external)
        if mode == 'write' and external and 'state' in (values or {}):
            raise AccessError(gettext(
                    'office_phone.msg_state_guarded',
                    record=', '.join(b.rec_name for b in bills[:5])))
        if mode == 'delete':
            for bill in bills:
                if bill.state != 'imported':
                    raise AccessError(gettext(
                            'office_phone.msg_bill_delete',
                            bill=bill.rec_name))

    # Import (OP-5)

    @classmethod
    def decode(cls, data):
        "Return the text of the file: UTF-8 (with or without BOM) or GBK"
        if isinstance(data, memoryview):
            data = data.tobytes()
        for encoding in ['utf-8-sig', 'gb18030']:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise BillImportError(gettext('office_phone.msg_import_encoding'))

    @classmethod
    def _header(cls, header):
        "Return the index of each column in the header row"
        names = [(h or '').strip().lower() for h in header]
        index = {}
        for column, aliases in COLUMNS:
            for i, name in enumerate(names):
                if name in aliases:
                    index[column] = i
                    break
            else:
                raise BillImportError(gettext(
                        'office_phone.msg_import_header',
                        column=column, header=', '.join(header),
                        expected=', '.join(c for c, _ in COLUMNS)))
        return [index[c] for c, _ in COLUMNS]

    @classmethod
    def import_file(cls, company, period, carrier, carrier_total, data,
            filename=None, progress=None):
        """Import the carrier's call-detail file for period (OP-5).

        Every bad row is reported with its row number and reason and
        nothing is written; a re-import of the same period adds only the
        calls not already imported.  The rows go to the database in bulk
        (COPY on PostgreSQL) with the checks of the ORM: model access, the
        record rules on the bill and call_error on every row.
        Return the bill.
        """
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Company = pool.get('company.company')
        transaction = Transaction()
        company = Company(int(company))
        period = period.replace(day=1)
        carrier = (carrier or '').strip()
        if transaction.user:
            with check_access():
                ModelAccess.check(cls.__name__, 'create')
                ModelAccess.check('office.phone.call', 'create')
                # the company rule of the user
                Company.read([company.id], ['id'])
                User = pool.get('res.user')
                if company not in User(transaction.user).companies:
                    raise AccessError(gettext(
                            'office_phone.msg_import_company',
                            company=company.rec_name))
        try:
            carrier_total = Decimal(str(carrier_total))
        except InvalidOperation:
            carrier_total = Decimal(-1)
        if not carrier_total.is_finite() or carrier_total < 0:
            raise BillImportError(gettext(
                    'office_phone.msg_import_total', total=carrier_total))

        with without_check_access():
            bills = cls.search([
                    ('company', '=', company.id),
                    ('carrier', '=', carrier),
                    ('period', '=', period),
                    ])
        if bills:
            bill, = bills
            if bill.state != 'imported':
                raise BillImportError(gettext(
                        'office_phone.msg_import_bill_closed',
                        bill=bill.rec_name,
                        state=dict(cls.fields_get(['state'])['state'][
                                'selection'])[bill.state]))
            if backend.name == 'postgresql':
                # Wait for an import of the same bill in progress instead
                # of failing with "Service Unavailable" (ModelSQL.lock uses
                # NOWAIT and gives up after a few short retries); once it
                # commits, the serialization failure retries this import,
                # which then adds only the missing calls.
                table = cls.__table__()
                transaction.connection.cursor().execute(*table.select(
                        table.id, where=table.id == bill.id,
                        for_=For('UPDATE')))
            else:
                cls.lock([bill])
        else:
            bill = None

        text = cls.decode(data)
        started = time.monotonic()
        cursor = transaction.connection.cursor()
        # a bad file leaves nothing behind, even when the caller goes on
        cursor.execute('SAVEPOINT office_phone_import')
        try:
            bill = cls._import(bill, company, period, carrier,
                carrier_total, text, filename, progress)
        except BillImportError:
            cursor.execute('ROLLBACK TO SAVEPOINT office_phone_import')
            raise
        cursor.execute('RELEASE SAVEPOINT office_phone_import')
        logger.info("bill %s: %d calls imported in %.1fs",
            bill.rec_name, bill.call_count, time.monotonic() - started)
        return cls(bill.id)

    @classmethod
    def _import(cls, bill, company, period, carrier, carrier_total, text,
            filename, progress):
        with without_check_access():
            if not bill:
                bill, = cls.create([{
                            'company': company.id,
                            'period': period,
                            'carrier': carrier,
                            'carrier_total': carrier_total,
                            'filename': filename,
                            'state': 'imported',
                            }])
                fresh = True
            else:
                fresh = not bill.call_count
            employee = current_employee()
            cls.write([bill], {
                    'carrier_total': carrier_total,
                    'filename': filename,
                    'imported_by': employee.id if employee else None,
                    })
            started = time.monotonic()
            cls._load(bill, text, fresh, progress=progress)
            loaded = time.monotonic()
            cls.screen([bill])
            screened = time.monotonic()
            cls.update_totals([bill])
            logger.info("bill %s: load %.2fs, screen %.2fs, totals %.2fs",
                bill.rec_name, loaded - started, screened - loaded,
                time.monotonic() - screened)
        return cls(bill.id)

    @classmethod
    def _register(cls, bill):
        "Return what the import needs to know of the register"
        pool = Pool()
        Line = pool.get('office.phone.line')
        History = pool.get('office.phone.line.holder')
        Share = pool.get('office.phone.share')
        Dial = pool.get('office.phone.share.dial')
        cursor = Transaction().connection.cursor()
        line = Line.__table__()
        cursor.execute(*line.select(
                line.id, line.normalized, line.department, line.state,
                where=line.company == bill.company.id))
        lines = {n: (i, d, s) for i, n, d, s in cursor}
        history = History.__table__()
        holders = defaultdict(list)
        cursor.execute(*history.join(
                line, condition=history.line == line.id).select(
                history.line, history.start_date, history.end_date,
                history.employee,
                where=line.company == bill.company.id))
        for line_id, start, end, employee in cursor:
            holders[line_id].append((start, end, employee))
        first, end = month_bounds(bill.period)
        share = Share.__table__()
        dial = Dial.__table__()
        cursor.execute(*dial.join(
                share, condition=dial.share == share.id).select(
                share.line, dial.date, dial.normalized, share.borrower,
                share.id,
                where=(share.company == bill.company.id)
                & share.state.in_(['designated', 'closed'])
                & (dial.date >= first) & (dial.date < end)))
        dials = {}
        for line_id, date, number, borrower, share_id in cursor:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            dials[(line_id, date, number)] = (borrower, share_id)
        return lines, holders, dials

    @classmethod
    def _load(cls, bill, text, fresh, progress=None):
        """Validate every row and write the calls in bulk.

        Raise BillImportError listing the bad rows; the transaction is then
        rolled back, so nothing is written."""
        pool = Pool()
        Call = pool.get('office.phone.call')
        transaction = Transaction()
        lines, holders, dials = cls._register(bill)
        period = bill.period
        first, end = month_bounds(period)
        reader = csv.reader(io.StringIO(text))
        try:
            header = next(reader)
        except StopIteration:
            raise BillImportError(gettext('office_phone.msg_import_empty'))
        i_line, i_start, i_dialled, i_duration, i_cost = cls._header(header)
        width = max(i_line, i_start, i_dialled, i_duration, i_cost) + 1
        errors = []
        seen = {}
        holder_cache = {}
        user = transaction.user
        now = dt.datetime.now()
        company = bill.company.id

        def error(row, key, **kwargs):
            # formatted once the COPY is over: gettext queries the database
            errors.append((row, key, kwargs) if len(errors) < MAX_ERRORS
                else None)

        def holder(line_id, date):
            key = (line_id, date)
            if key not in holder_cache:
                found = None
                for start, stop, employee in holders.get(line_id, ()):
                    if start <= date and (not stop or stop >= date):
                        found = employee
                        break
                holder_cache[key] = found
            return holder_cache[key]

        writer = Call._bulk_writer(bill, fresh)
        count = 0
        for row, values in enumerate(reader, 2):
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) < width:
                error(row, 'msg_import_columns', count=len(values),
                    expected=width)
                continue
            line_raw = values[i_line]
            line_number = normalize_number(line_raw)
            if not line_number:
                error(row, 'msg_import_line', value=line_raw)
                continue
            start_raw = values[i_start].strip().replace('/', '-')
            try:
                start = dt.datetime.fromisoformat(start_raw)
            except ValueError:
                error(row, 'msg_import_start', value=values[i_start])
                continue
            dialled = normalize_number(values[i_dialled])
            try:
                duration = int(values[i_duration])
            except ValueError:
                error(row, 'msg_import_duration', value=values[i_duration])
                continue
            try:
                cost = Decimal(values[i_cost].strip())
            except InvalidOperation:
                error(row, 'msg_import_cost', value=values[i_cost])
                continue
            if not (first <= start.date() < end) or not dialled or (
                    duration < 0) or not cost.is_finite() or cost < 0 or (
                    cost != cost.quantize(CENT)):
                key, kwargs = call_error(
                    period, start, dialled, duration, cost)
                error(row, key, **kwargs)
                continue
            key = hash((line_number, start, dialled))
            if key in seen:
                error(row, 'msg_import_duplicate', other=seen[key])
                continue
            seen[key] = row
            if errors:
                # keep validating to list every bad row, write nothing
                continue
            known = lines.get(line_number)
            share = employee = department = problem = line_id = None
            if known:
                line_id, department, state = known
                if state != 'active':
                    problem = 'suspended_line'
                date = start.date()
                borrowed = dials.get((line_id, date, dialled))
                if borrowed:
                    employee, share = borrowed
                else:
                    employee = holder(line_id, date)
            else:
                problem = 'unknown_line'
            writer.add((bill.id, company, line_id, line_number, department,
                    employee, share, start, period, dialled, duration, cost,
                    problem, user, now))
            count += 1
            if progress and not count % PROGRESS_ROWS:
                progress(count)
        if errors:
            writer.abort()
            shown = [gettext('office_phone.msg_import_row', row=row,
                    reason=gettext('office_phone.' + key, **kwargs))
                for row, key, kwargs in filter(None, errors)]
            if len(errors) > len(shown):
                shown.append(gettext('office_phone.msg_import_more',
                        count=len(errors) - len(shown)))
            raise BillImportError(gettext(
                    'office_phone.msg_import_errors',
                    count=len(errors), errors='\n'.join(shown)))
        writer.close()
        if progress:
            progress(count)
        return count

    # Screening (OP-6)

    @classmethod
    def screen(cls, bills):
        """Flag the premium-rate, private and chatting calls of bills for
        the department head's review, in a few set-based updates."""
        pool = Pool()
        Call = pool.get('office.phone.call')
        Line = pool.get('office.phone.line')
        Allowed = pool.get('office.phone.line.allowed')
        Pattern = pool.get('office.phone.pattern')
        Parameter = pool.get('regulation.parameter')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        call = Call.__table__()
        line = Line.__table__()
        allowed = Allowed.__table__()
        if backend.name == 'sqlite':
            transaction.connection.create_function(
                'REGEXP', 2, _sqlite_regexp, deterministic=True)
        for bill in bills:
            cursor.execute(*call.update(
                    [call.flag, call.pattern, call.review],
                    [Null, Null, Null],
                    where=(call.bill == bill.id)))
            if not in_force(REGULATION, bill.company, bill.period):
                continue
            patterns = Pattern.for_company(bill.company)
            charged = [p for p in patterns if p.kind != 'allowed']
            allowed_patterns = [p for p in patterns if p.kind == 'allowed']
            where = call.bill == bill.id
            internal = line.select(line.id,
                where=(line.company == bill.company.id)
                & (line.kind == 'internal'))
            if charged:
                condition = Literal(False)
                case = []
                for pattern in charged:
                    match = pattern.sql_match(call.dialled)
                    condition |= match
                    case.append((match, pattern.id))
                cursor.execute(*call.update(
                        [call.flag, call.pattern, call.review],
                        ['premium', Cast(Case(*case), 'INTEGER'), 'pending'],
                        where=where & condition))
            # chatting: long calls on internal lines or to a number of the
            # register (a colleague)
            minutes = Parameter.get(
                'phone_chat_max_minutes', bill.company, date=bill.period,
                default=10)
            register = line.select(line.normalized,
                where=line.company == bill.company.id)
            cursor.execute(*call.update(
                    [call.flag, call.review], ['chatting', 'pending'],
                    where=where & (call.flag == Null)
                    & (call.duration > int(minutes * 60))
                    & (call.line.in_(internal)
                        | call.dialled.in_(register))))
            # private: to no business contact, no allow-list, no colleague;
            # one anti-join on a table of the numbers allowed (for one line
            # or, with an empty line, for every line)
            numbers = [(n, None) for n in cls._business_numbers(
                    bill.company)]
            cursor.execute(*line.select(line.normalized,
                    where=line.company == bill.company.id))
            numbers.extend((n, None) for n, in cursor)
            cursor.execute(*allowed.join(
                    line, condition=allowed.line == line.id).select(
                    allowed.normalized, allowed.line,
                    where=line.company == bill.company.id))
            numbers.extend(cursor)
            table = cls._numbers_table(numbers)
            known = table.select(Literal(1),
                where=(table.number == call.dialled)
                & ((table.line == Null) | (table.line == call.line)))
            condition = (where & (call.flag == Null) & (call.line != Null)
                & Not(call.line.in_(internal))
                & ~Exists(known))
            for pattern in allowed_patterns:
                condition &= Not(pattern.sql_match(call.dialled))
            cursor.execute(*call.update(
                    [call.flag, call.review], ['private', 'pending'],
                    where=condition))
            cursor.execute('DROP TABLE %s' % table)

    @classmethod
    def _business_numbers(cls, company):
        """Return the normalized numbers of the business contacts: the
        phone, mobile and fax contact mechanisms of the parties, with and
        without their area code."""
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        table = Mechanism.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.value,
                where=table.type.in_(['phone', 'mobile', 'fax'])
                & (table.active == Literal(True))))
        numbers = set()
        for value, in cursor:
            number = normalize_number(value)
            if not number:
                continue
            numbers.add(number)
            if number.startswith('0') and len(number) >= 10:
                # the local number without its area code (3 or 4 digits)
                numbers.add(number[3:])
                numbers.add(number[4:])
        return numbers

    @classmethod
    def _numbers_table(cls, numbers):
        "Return a temporary table of the (number, line) pairs"
        name = 'office_phone_screen_%s' % id(numbers)
        cursor = Transaction().connection.cursor()
        cursor.execute('CREATE TEMPORARY TABLE %s '
            '(number VARCHAR, line INTEGER)' % name)
        table = Table(name)
        for sub in grouped_slice(sorted(set(numbers), key=str), 500):
            cursor.execute(*table.insert(
                    [table.number, table.line], [list(n) for n in sub]))
        cursor.execute('CREATE INDEX %s_number ON %s (number)' % (name, name))
        return table

    @classmethod
    def update_totals(cls, bills):
        "Store the reconciliation figures of bills (OP-5)"
        Call = Pool().get('office.phone.call')
        call = Call.__table__()
        cursor = Transaction().connection.cursor()
        to_write = []
        for bill in bills:
            cursor.execute(*call.select(
                    Count(call.id),
                    Coalesce(Sum(call.cost), 0),
                    Count(call.id, filter_=call.problem == 'unknown_line'),
                    Count(call.id, filter_=call.problem == 'suspended_line'),
                    Count(call.id, filter_=call.flag != Null),
                    where=call.bill == bill.id))
            count, total, unknown, suspended, flagged = cursor.fetchone()
            to_write.extend(([bill], {
                        'call_count': count,
                        'total': Decimal(str(total or 0)).quantize(CENT),
                        'unknown_count': unknown or 0,
                        'suspended_count': suspended or 0,
                        'flagged_count': flagged or 0,
                        }))
        if to_write:
            with without_check_access():
                cls.write(*to_write)

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('reconciled')
    @set_employee('reconciled_by')
    def reconcile(cls, bills):
        """The admin & HR office checks the bill against the register and
        the carrier's total, then the flagged calls get draft penalties
        for the department heads (OP-5, OP-7, OP-8)."""
        Warning = Pool().get('res.user.warning')
        for bill in bills:
            problems = []
            if bill.difference:
                problems.append(gettext(
                        'office_phone.msg_reconcile_difference',
                        total=bill.total, carrier_total=bill.carrier_total,
                        difference=bill.difference))
            if bill.unknown_count:
                problems.append(gettext(
                        'office_phone.msg_reconcile_unknown',
                        count=bill.unknown_count))
            if bill.suspended_count:
                problems.append(gettext(
                        'office_phone.msg_reconcile_suspended',
                        count=bill.suspended_count))
            if problems:
                key = Warning.format('office_phone_reconcile', [bill])
                if Warning.check(key):
                    raise ReconciliationWarning(key, gettext(
                            'office_phone.msg_reconcile_problems',
                            bill=bill.rec_name,
                            problems='\n'.join(problems)))
        cls.draft_penalties(bills)

    @classmethod
    def draft_penalties(cls, bills):
        """Draft the penalties of the flagged calls, each citing its clause:
        OP-7 premium call: double its cost to the person responsible, or
        its cost split evenly over the team's members when nobody can be
        identified; OP-8 private call or chatting: points and fine."""
        pool = Pool()
        Call = pool.get('office.phone.call')
        Employee = pool.get('company.employee')
        Penalty = pool.get('regulation.penalty')
        maker = PenaltyMaker()
        members_cache = {}

        def members(department, date):
            key = (department, date)
            if key not in members_cache:
                members_cache[key] = Employee.search([
                        ('department', '=', department),
                        ['OR', ('start_date', '=', None),
                            ('start_date', '<=', date)],
                        ['OR', ('end_date', '=', None),
                            ('end_date', '>=', date)],
                        ], order=[('id', 'ASC')])
            return members_cache[key]

        date = today()
        for bill in bills:
            if not in_force(REGULATION, bill.company, bill.period):
                continue
            calls = Call.search([
                    ('bill', '=', bill.id),
                    ('review', '=', 'pending'),
                    ('department', '!=', None),
                    ], order=[('id', 'ASC')])
            for sub in grouped_slice(calls, 500):
                sub = Call.browse(sub)
                existing = {str(p.origin) for p in Penalty.search([
                            ('origin', 'in', [str(c) for c in sub]),
                            ])}
                for call in sub:
                    if str(call) in existing:
                        continue
                    description = call.rec_name
                    department = call.department
                    if call.flag == 'premium' and call.employee:
                        maker.add('OP-7', bill.company, date, department,
                            call, employee=call.employee,
                            amount=call.cost * 2, description=description)
                    elif call.flag == 'premium':
                        team = members(department.id, call.start.date())
                        if not team:
                            maker.add('OP-7-T', bill.company, date,
                                department, call, amount=call.cost,
                                description=description)
                        for member, part in zip(team, Penalty.split_amount(
                                    call.cost, len(team))):
                            maker.add('OP-7-T', bill.company, date,
                                department, call, employee=member,
                                amount=part, description=description)
                    else:
                        maker.add('OP-8', bill.company, date, department,
                            call, employee=call.employee,
                            description=description)
                maker.create()

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    @set_employee('paid_by')
    def pay(cls, bills):
        "Finance pays the reconciled bill (OP-5)"

    @classmethod
    @ModelView.button
    @Workflow.transition('assessed')
    @set_employee('assessed_by')
    def assess(cls, bills):
        "The assessed departments are notified of their flagged calls"

    # Reminders (OP-5)

    @classmethod
    def remind(cls, date=None):
        """Cron: before the due day (the 5th) remind the admin & HR office
        to import and reconcile last month's bill and finance to pay it.

        Return the list of (role, employee, bill or None) reminded."""
        pool = Pool()
        Company = pool.get('company.company')
        Calendar = pool.get('regulation.calendar.day')
        Parameter = pool.get('regulation.parameter')
        Role = pool.get('regulation.role')
        date = date or today()
        context = Transaction().context
        if context.get('company') is not None:
            companies = [Company(context['company'])]
        else:
            companies = Company.search([])
        reminded = []
        for company in companies:
            if not in_force(REGULATION, company, date):
                continue
            day = int(Parameter.get(
                    'phone_bill_due_day', company, date=date, default=5))
            days = int(Parameter.get(
                    'phone_bill_reminder_days', company, date=date,
                    default=3))
            due = date.replace(day=min(day, 28))
            # the deadline is the last working day before the due day
            deadline = Calendar.add_working_days(company, due, -1)
            window = Calendar.add_working_days(company, deadline, -days)
            if not (window <= date <= deadline):
                continue
            period = (date.replace(day=1) - dt.timedelta(days=1)).replace(
                day=1)
            bills = cls.search([
                    ('company', '=', company.id),
                    ('period', '=', period),
                    ])
            todo = []
            if not bills or any(b.state == 'imported' for b in bills):
                todo.append(('admin_hr', bills[0] if bills else None))
            for bill in bills:
                if bill.state == 'reconciled':
                    todo.append(('finance', bill))
            for role, bill in todo:
                try:
                    employee = Role.holder(role, company, date)
                except Exception:
                    logger.warning(
                        "no %s in %s to remind", role, company.rec_name)
                    continue
                cls._send_reminder(employee, role, bill, period, deadline)
                reminded.append((role, employee, bill))
        return reminded

    @classmethod
    def _send_reminder(cls, employee, role, bill, period, deadline):
        from email.message import EmailMessage

        from trytond import config
        from trytond.sendmail import send_message_transactional
        email = employee.party.email if employee.party else None
        if not email:
            return
        msg = EmailMessage()
        msg['From'] = config.get('email', 'from')
        msg['To'] = email
        msg['Subject'] = gettext(
            'office_phone.msg_reminder_subject',
            period=period.strftime('%Y-%m'))
        msg.set_content(gettext(
                'office_phone.msg_reminder_%s' % role,
                period=period.strftime('%Y-%m'), deadline=deadline,
                bill=bill.rec_name if bill else ''))
        send_message_transactional(msg)


class _BulkWriter:
    "Write call rows with COPY (PostgreSQL) or executemany (SQLite)"
    columns = ['bill', 'company', 'line', 'line_number', 'department',
        'employee', 'share', 'start', 'period', 'dialled', 'duration',
        'cost', 'problem', 'create_uid', 'create_date']
    chunk = 10000

    def __init__(self, table_name, fresh):
        self.table_name = table_name
        self.fresh = fresh
        self.cursor = Transaction().connection.cursor()
        self.rows = []
        self.aborted = False
        if fresh:
            self.target = table_name
        else:
            # a re-import goes through a temporary table first
            self.target = 'office_phone_call_import'
            self.cursor.execute(
                'CREATE TEMPORARY TABLE %s AS SELECT %s FROM "%s" '
                'WHERE 1 = 0' % (self.target, ', '.join(
                        '"%s"' % c for c in self.columns), table_name))
        self.copy = None
        if backend.name == 'postgresql':
            self._copy_cm = self.cursor.copy('COPY "%s" (%s) FROM STDIN' % (
                    self.target, ', '.join('"%s"' % c for c in self.columns)))
            self.copy = self._copy_cm.__enter__()

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self):
        if not self.rows or self.aborted:
            self.rows = []
            return
        if self.copy is not None:
            buffer = []
            for (bill, company, line, line_number, department, employee,
                    share, start, period, dialled, duration, cost, problem,
                    user, now) in self.rows:
                buffer.append('%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s'
                    '\t%s\t%s\t%s\t%s\n' % (
                        bill, company, _n(line), line_number,
                        _n(department), _n(employee), _n(share), start,
                        period, dialled, duration, cost, _n(problem), user,
                        now))
            self.copy.write(''.join(buffer))
        else:
            rows = [(bill, company, line, line_number, department, employee,
                    share, start.isoformat(' '), period.isoformat(), dialled,
                    duration, str(cost), problem, user, now.isoformat(' '))
                for (bill, company, line, line_number, department, employee,
                    share, start, period, dialled, duration, cost, problem,
                    user, now) in self.rows]
            self.cursor.executemany(
                'INSERT INTO "%s" (%s) VALUES (%s)' % (
                    self.target,
                    ', '.join('"%s"' % c for c in self.columns),
                    ', '.join('?' * len(self.columns))), rows)
        self.rows = []

    def abort(self):
        self.aborted = True
        self.rows = []
        if self.copy is not None:
            try:
                self._copy_cm.__exit__(None, None, None)
            except Exception:
                pass
            self.copy = None

    def close(self):
        self.flush()
        if self.copy is not None:
            self._copy_cm.__exit__(None, None, None)
            self.copy = None
        if not self.fresh:
            columns = ', '.join('"%s"' % c for c in self.columns)
            # the calls already imported (same line, start and number)
            # are not added again
            self.cursor.execute(
                'INSERT INTO "%(table)s" (%(columns)s) '
                'SELECT %(columns)s FROM %(temp)s AS i '
                'WHERE NOT EXISTS (SELECT 1 FROM "%(table)s" AS c '
                'WHERE c.bill = i.bill AND c.line_number = i.line_number '
                'AND c.start = i.start AND c.dialled = i.dialled)' % {
                    'table': self.table_name, 'columns': columns,
                    'temp': self.target})
            self.cursor.execute('DROP TABLE %s' % self.target)


def _n(value):
    return '\\N' if value is None else value


class Call(ModelSQL, ModelView):
    "Office phone call"
    __name__ = 'office.phone.call'
    bill = fields.Many2One(
        'office.phone.bill', "Bill", required=True, ondelete='CASCADE',
        readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    line = fields.Many2One(
        'office.phone.line', "Line", readonly=True,
        help="Empty when the number is unknown to the register.")
    line_number = fields.Char("Line Number", required=True, readonly=True)
    department = fields.Many2One(
        'company.department', "Department", readonly=True)
    employee = fields.Many2One(
        'company.employee', "Person Responsible", readonly=True,
        help="The holder of the line at the time of the call, or the "
        "borrower who logged the number while sharing it.")
    share = fields.Many2One(
        'office.phone.share', "Sharing", readonly=True)
    start = fields.DateTime("Start", required=True, readonly=True)
    period = fields.Date("Month", required=True, readonly=True)
    dialled = fields.Char("Dialled Number", required=True, readonly=True)
    duration = fields.Integer("Duration (s)", required=True, readonly=True)
    cost = fields.Numeric(
        "Cost", digits=(16, 2), required=True, readonly=True)
    problem = fields.Selection(PROBLEMS, "Problem", readonly=True)
    flag = fields.Selection(FLAGS, "Flag", readonly=True)
    pattern = fields.Many2One(
        'office.phone.pattern', "Pattern", readonly=True)
    review = fields.Selection(REVIEWS, "Review", readonly=True)
    penalties = fields.One2Many(
        'regulation.penalty', 'origin', "Penalties", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.bill, Index.Range())),
                Index(t,
                    (t.department, Index.Range()),
                    (t.review, Index.Equality(cardinality='low')),
                    where=t.flag != Null),
                })
        cls._order = [('start', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'clear': {
                    'invisible': Eval('review') != 'pending',
                    'icon': 'tryton-cancel',
                    'depends': ['review'],
                    },
                'confirm_violation': {
                    'invisible': Eval('review') != 'pending',
                    'icon': 'tryton-ok',
                    'depends': ['review'],
                    },
                })

    def get_rec_name(self, name):
        return '%s → %s %s' % (
            self.line_number, self.dialled,
            self.start.strftime('%Y-%m-%d %H:%M') if self.start else '')

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('line_number', operator, operand, *extra),
            ('dialled', operator, operand, *extra),
            ]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('review') == 'pending', 'danger',
                    If(Eval('problem'), 'warning', ''))),
            ]

    @classmethod
    def validate_fields(cls, calls, field_names):
        super().validate_fields(calls, field_names)
        for call in calls:
            error = call_error(
                call.bill.period if call.bill else None, call.start,
                call.dialled, call.duration, call.cost)
            if error:
                key, kwargs = error
                raise BillImportError(gettext(
                        'office_phone.msg_call_invalid',
                        call=call.rec_name,
                        reason=gettext('office_phone.' + key, **kwargs)))

    @classmethod
    def check_modification(cls, mode, calls, values=None, external=False):
        super().check_modification(
            mode, calls, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            raise AccessError(gettext(
                    'office_phone.msg_call_readonly',
                    call=', '.join(c.rec_name for c in calls[:5])))

    @classmethod
    def _bulk_writer(cls, bill, fresh):
        return _BulkWriter(cls._table, fresh)

    @classmethod
    @ModelView.button
    def clear(cls, calls):
        """The department head accepts flagged calls as business calls:
        their draft penalties are cancelled (OP-6)."""
        Penalty = Pool().get('regulation.penalty')
        for call in calls:
            check_head(call.department, call)
        penalties = [p for c in calls for p in c.penalties
            if p.state == 'draft']
        if penalties:
            Penalty.cancel(penalties)
        cls.write(calls, {'review': 'cleared'})

    @classmethod
    @ModelView.button
    def confirm_violation(cls, calls):
        """The department head confirms the violation: its penalties are
        confirmed and go to the monthly deduction statement (OP-7, OP-8)."""
        Penalty = Pool().get('regulation.penalty')
        for call in calls:
            check_head(call.department, call)
        penalties = [p for c in calls for p in c.penalties
            if p.state == 'draft']
        if penalties:
            Penalty.confirm(penalties)
        cls.write(calls, {'review': 'confirmed'})


class _SummaryMixin:
    __slots__ = ()
    bill = fields.Many2One('office.phone.bill', "Bill")
    company = fields.Many2One('company.company', "Company")
    period = fields.Date("Month")
    department = fields.Many2One('company.department', "Department")
    calls = fields.Integer("Calls")
    duration = fields.Integer("Duration (s)")
    cost = fields.Numeric("Cost", digits=(16, 2))
    flagged = fields.Integer("Flagged Calls")
    flagged_cost = fields.Numeric("Flagged Cost", digits=(16, 2))
    problems = fields.Integer("Calls with Problems")

    @classmethod
    def _columns(cls, call):
        return [
            Min(call.id).as_('id'),
            call.bill.as_('bill'),
            Max(call.company).as_('company'),
            Max(call.period).as_('period'),
            Count(call.id).as_('calls'),
            Sum(call.duration).as_('duration'),
            Sum(call.cost).as_('cost'),
            Count(call.id, filter_=call.flag != Null).as_('flagged'),
            Coalesce(Sum(call.cost, filter_=call.flag != Null), 0).as_(
                'flagged_cost'),
            Count(call.id, filter_=call.problem != Null).as_('problems'),
            ]


class LineSummary(_SummaryMixin, ModelSQL, ModelView):
    "Bill reconciliation per line"
    __name__ = 'office.phone.bill.line'
    line_number = fields.Char("Line Number")
    line = fields.Many2One('office.phone.line', "Line")
    problem = fields.Selection(PROBLEMS, "Problem")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('line_number', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Call = Pool().get('office.phone.call')
        call = Call.__table__()
        return call.select(*cls._columns(call),
            call.line_number.as_('line_number'),
            Max(call.line).as_('line'),
            Max(call.department).as_('department'),
            Max(call.problem).as_('problem'),
            group_by=[call.bill, call.line_number])


class DepartmentSummary(_SummaryMixin, ModelSQL, ModelView):
    "Bill reconciliation per department"
    __name__ = 'office.phone.bill.department'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('period', 'DESC'), ('department', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Call = Pool().get('office.phone.call')
        call = Call.__table__()
        return call.select(*cls._columns(call),
            call.department.as_('department'),
            group_by=[call.bill, call.department])


class ReconciliationReport(CompanyReport):
    "Monthly reconciliation per department"
    __name__ = 'office.phone.bill.reconciliation'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Summary = pool.get('office.phone.bill.department')
        context = super().get_context(records, header, data)
        with without_check_access():
            summaries = Summary.search([
                    ('bill', 'in', [r.id for r in records]),
                    ])
        by_bill = defaultdict(list)
        for summary in summaries:
            by_bill[summary.bill.id].append(summary)
        context['summaries'] = lambda bill: by_bill.get(bill.id, [])
        return context


class ImportStart(ModelView):
    "Import phone bill"
    __name__ = 'office.phone.bill.import.start'
    company = fields.Many2One('company.company', "Company", required=True)
    period = fields.Date(
        "Month", required=True, help="Any day of the billed month.")
    carrier = fields.Char("Carrier", required=True)
    carrier_total = fields.Numeric(
        "Carrier's Total", digits=(16, 2), required=True,
        help="The total printed on the carrier's bill.")
    file = fields.Binary("Call-Detail File (CSV)", required=True,
        filename='filename')
    filename = fields.Char("File Name")
    bill = fields.Many2One('office.phone.bill', "Bill", readonly=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_period(cls):
        first = today().replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1)


class Import(Wizard):
    "Import phone bill"
    __name__ = 'office.phone.bill.import'
    start = StateView(
        'office.phone.bill.import.start',
        'office_phone.bill_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    open_ = StateAction('office_phone.act_bill_form')

    def transition_import_(self):
        Bill = Pool().get('office.phone.bill')
        bill = Bill.import_file(
            self.start.company, self.start.period, self.start.carrier,
            self.start.carrier_total, self.start.file,
            filename=self.start.filename)
        self.start.bill = bill
        return 'open_'

    def do_open_(self, action):
        action['res_id'] = [self.start.bill.id]
        action['views'].reverse()
        return action, {}
