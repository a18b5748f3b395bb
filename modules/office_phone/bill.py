# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Monthly bill (OP-5), call screening (OP-6) and the sanctions of the
monthly check (OP-7, OP-8)."""
import datetime as dt
import logging
import re
import time
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from sql import Cast, Column, For, Literal, Null, Table
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Substring
from sql.operators import Exists, Not

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

from .bill_file import CENT, BillReader, call_error, decode, month_bounds
from .exceptions import BillError, BillImportError, ReconciliationWarning
from .phone import (
    REGULATION, DocumentMixin, PenaltyMaker, check_head, current_employee,
    normalize_number, today)

logger = logging.getLogger(__name__)

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

    @property
    def regexp(self):
        "The regular expression of the pattern"
        if self.match == 'prefix':
            return '^' + re.escape(self.pattern)
        return self.pattern

    def matches(self, number):
        return re.search(self.regexp, number) is not None

    @classmethod
    def matcher(cls, patterns):
        """Return a function telling whether any of patterns matches a
        number, with one regular expression when they can be joined"""
        regexps = [p.regexp for p in patterns]
        if not regexps:
            return lambda number: False
        # numbered back-references would change in the union
        if not any(re.search(r'\\\d|\(\?P?[=(]', r) for r in regexps):
            try:
                union = re.compile('|'.join('(?:%s)' % r for r in regexps))
            except re.error:
                pass
            else:
                return lambda number: union.search(number) is not None
        regexps = [re.compile(r) for r in regexps]
        return lambda number: any(r.search(number) for r in regexps)

    @classmethod
    def for_company(cls, company):
        return cls.search([('company', 'in', [int(company), None])])


class Bill(DocumentMixin, Workflow, ModelSQL, ModelView):
    "Office phone bill"
    __name__ = 'office.phone.bill'
    _number_sequence = 'sequence_bill'
    _delete_states = {'imported'}
    _delete_error = ('msg_bill_delete', 'bill')
    _workflow_guarded = {
        'state', 'imported_by', 'reconciled_by', 'paid_by', 'assessed_by'}
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
    file = fields.Binary(
        "File to Import", filename='filename', readonly=True,
        help="The call-detail file waiting for its import in the queue.")
    import_state = fields.Selection([
            (None, ''),
            ('queued', "In Progress"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "Import", readonly=True, sort=False,
        help="Large files are imported in the background: refresh the bill "
        "to follow the rows read.")
    import_rows = fields.Function(
        fields.Integer("Rows Read"), 'get_progress')
    import_total = fields.Function(
        fields.Integer("Rows in File"), 'get_progress')
    import_log = fields.Text(
        "Import Log", readonly=True,
        help="Each import of the bill: when, by whom, the rows read and the "
        "calls added, or the bad rows of a failed import.")
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
                    'invisible': ((Eval('state') != 'imported')
                        | (Eval('import_state') == 'queued')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'import_state'],
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
    def default_state():
        return 'imported'

    def get_rec_name(self, name):
        return '%s %s' % (self.period.strftime('%Y-%m'), self.carrier)

    @classmethod
    def get_progress(cls, bills, names):
        Progress = Pool().get('office.phone.bill.progress')
        progress = Progress.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {b.id: None for b in bills} for n in names}
        for sub in grouped_slice(bills, 500):
            cursor.execute(*progress.select(
                    progress.bill, progress.rows, progress.total,
                    where=progress.bill.in_([b.id for b in sub])))
            for bill, rows, total in cursor:
                if 'import_rows' in result:
                    result['import_rows'][bill] = rows
                if 'import_total' in result:
                    result['import_total'][bill] = total
        return result

    def get_difference(self, name):
        return (self.carrier_total or 0) - (self.total or 0)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'assessed', 'muted', '')),
            ]

    # Import (OP-5)

    @classmethod
    def import_file(cls, company, period, carrier, carrier_total, data,
            filename=None, progress=None, queued=False, log=True):
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
            if not queued:
                if bill.import_state == 'queued':
                    raise BillImportError(gettext(
                            'office_phone.msg_import_queued',
                            bill=bill.rec_name))
                if backend.name == 'postgresql':
                    # Wait for an import of the same bill in progress
                    # instead of failing with "Service Unavailable"
                    # (ModelSQL.lock uses NOWAIT and gives up after a few
                    # short retries); once it commits, the serialization
                    # failure retries this import, which then adds only the
                    # missing calls.
                    table = cls.__table__()
                    transaction.connection.cursor().execute(*table.select(
                            table.id, where=table.id == bill.id,
                            for_=For('UPDATE')))
                else:
                    cls.lock([bill])
            # else the queued state guards the bill (a row lock would stop
            # the progress, which refers to the bill, being written)
        else:
            bill = None

        text = decode(data)
        started = time.monotonic()
        cursor = transaction.connection.cursor()
        # a bad file leaves nothing behind, even when the caller goes on
        cursor.execute('SAVEPOINT office_phone_import')
        try:
            calls_before = (bill.call_count or 0) if bill else 0
            bill, rows = cls._import(bill, company, period, carrier,
                carrier_total, text, filename, progress)
        except BillImportError:
            cursor.execute('ROLLBACK TO SAVEPOINT office_phone_import')
            raise
        cursor.execute('RELEASE SAVEPOINT office_phone_import')
        seconds = time.monotonic() - started
        logger.info("bill %s: %d calls imported in %.1fs",
            bill.rec_name, bill.call_count, seconds)
        bill = cls(bill.id)
        if log:
            employee = current_employee()
            cls.log_import(bill, gettext('office_phone.msg_import_log_done',
                    rows=rows, calls=bill.call_count - calls_before,
                    seconds=round(seconds, 1),
                    employee=employee.rec_name if employee else ''),
                import_state='done', file=None)
            cls._set_progress(bill.id, rows, rows, own=True)
        return cls(bill.id)

    @classmethod
    def log_import(cls, bill, message, **values):
        "Add a dated line to the import log of bill"
        line = '%s %s' % (
            dt.datetime.now().strftime('%Y-%m-%d %H:%M'), message)
        with without_check_access():
            cls.write([bill], dict(values,
                    import_log='\n'.join(filter(None,
                            [bill.import_log, line]))))

    @classmethod
    def queue_import(cls, company, period, carrier, carrier_total, data,
            filename=None):
        """Keep the file on the bill and import it in the queue (worker),
        the bill showing the rows read (OP-5).  Return the bill."""
        text = decode(data)
        with without_check_access():
            bills = cls.search([
                    ('company', '=', int(company)),
                    ('carrier', '=', (carrier or '').strip()),
                    ('period', '=', period.replace(day=1)),
                    ])
        if bills and bills[0].import_state == 'queued':
            raise BillImportError(gettext(
                    'office_phone.msg_import_queued', bill=bills[0].rec_name))
        # an empty import checks the access, the company and the total
        # and creates the bill
        bill = cls.import_file(company, period, carrier, carrier_total,
            text.split('\n', 1)[0].encode('utf-8'), filename=filename,
            log=False)
        employee = current_employee()
        cls.log_import(bill, gettext('office_phone.msg_import_log_queued',
                rows=max(text.count('\n') - 1, 0),
                employee=employee.rec_name if employee else ''),
            file=data, filename=filename, import_state='queued')
        cls._set_progress(
            bill.id, 0, max(text.count('\n') - 1, 0), own=True)
        cls.__queue__.run_import([bill])
        return bill

    @classmethod
    def run_import(cls, bills):
        """Import the files queued on bills, writing the rows read on the
        bill as the import goes; bad rows are logged on the bill"""
        for bill in bills:
            if bill.import_state != 'queued' or not bill.file:
                continue
            try:
                cls.import_file(bill.company, bill.period,
                    bill.carrier, bill.carrier_total, bill.file,
                    filename=bill.filename, queued=True,
                    progress=lambda count, total, bill_id=bill.id: (
                        cls._set_progress(bill_id, count, total)))
            except BillImportError as exception:
                cls.log_import(cls(bill.id), exception.message,
                    file=None, import_state='failed')

    @classmethod
    def _set_progress(cls, bill_id, count, total, own=False):
        """Write the rows read of the import of the bill: in a transaction
        of its own (own=False), so the user sees them while the import goes
        on; only PostgreSQL takes a write beside the import's (SQLite has
        one writer at a time).  They go in a table of their own: the bill
        row belongs to the import's transaction."""
        Progress = Pool().get('office.phone.bill.progress')
        if not own and backend.name != 'postgresql':
            return
        progress = Progress.__table__()
        transaction = Transaction()

        def write(cursor):
            cursor.execute(*progress.update(
                    [progress.rows, progress.total], [count, total],
                    where=progress.bill == bill_id))
            if not cursor.rowcount:
                cursor.execute(*progress.insert(
                        [progress.bill, progress.rows, progress.total],
                        [[bill_id, count, total]]))
        if own:
            write(transaction.connection.cursor())
            return
        try:
            with transaction.new_transaction() as other:
                cursor = other.connection.cursor()
                # never wait for the import's own locks
                cursor.execute("SET LOCAL lock_timeout = '1s'")
                write(cursor)
        except (backend.DatabaseOperationalError,
                backend.DatabaseIntegrityError):
            # the progress only informs: the bill may not be committed yet
            # or be locked by the import
            logger.debug("no progress written on bill %s", bill_id)

    @classmethod
    def _import(cls, bill, company, period, carrier, carrier_total, text,
            filename, progress):
        with without_check_access():
            started = time.monotonic()
            raw, numbers, rows = cls._load_raw(
                company, period, text, progress=progress)
            loaded = time.monotonic()
            if not bill:
                bill, = cls.create([{
                            'company': company.id,
                            'period': period,
                            'carrier': carrier,
                            'carrier_total': carrier_total,
                            'state': 'imported',
                            }])
            employee = current_employee()
            with without_check_access():
                # the stamp only the import writes (_workflow_guarded)
                cls.write([bill], {
                        'carrier_total': carrier_total,
                        'filename': filename,
                        'imported_by': employee.id if employee else None,
                        })
            cls._insert_calls(bill, raw, numbers)
            inserted = time.monotonic()
            cls.update_totals([bill])
            logger.info("bill %s: parse and load %.2fs, "
                "resolve, screen and insert %.2fs, totals %.2fs",
                bill.rec_name, loaded - started, inserted - loaded,
                time.monotonic() - inserted)
        return cls(bill.id), rows

    @classmethod
    def _load_raw(cls, company, period, text, progress=None):
        """Validate every row of text in one streaming pass and load the
        good rows into a temporary table (COPY on PostgreSQL, executemany
        on SQLite); return the table and the set of the dialled numbers.

        Raise BillImportError listing the bad rows (the caller rolls back
        to its savepoint, so nothing is written)."""
        cursor = Transaction().connection.cursor()
        name = 'office_phone_import_raw'
        cursor.execute('DROP TABLE IF EXISTS %s' % name)
        cursor.execute('CREATE TEMPORARY TABLE %s (line_number VARCHAR, '
            'start TIMESTAMP, dialled VARCHAR, duration INTEGER, '
            'cost NUMERIC)' % name)
        reader = BillReader(text, period, progress=progress)
        columns = '(line_number, start, dialled, duration, cost)'
        insert = 'INSERT INTO %s %s VALUES (?, ?, ?, ?, ?)' % (name, columns)
        for rows in reader.chunks():
            if rows is None:
                cursor.execute('DELETE FROM %s' % name)
            elif backend.name == 'postgresql':
                # validated values: digits, date-times and amounts
                with cursor.copy('COPY %s %s FROM STDIN' % (name, columns)
                        ) as copy:
                    copy.write('\n'.join(map('\t'.join, rows)) + '\n')
            else:
                cursor.executemany(insert, rows)
        reader.check()
        cls._analyze(name)
        return Table(name), reader.numbers, reader.count

    @classmethod
    def _register(cls, bill):
        """Return temporary tables of what the import needs to know of the
        register: lines (normalized number, line, department, state, kind,
        holder when one holder kept the line all the month) and dials
        (line, date, number, borrower, share) of the sharings"""
        pool = Pool()
        Line = pool.get('office.phone.line')
        History = pool.get('office.phone.line.holder')
        Share = pool.get('office.phone.share')
        Dial = pool.get('office.phone.share.dial')
        cursor = Transaction().connection.cursor()
        company = bill.company.id
        first, end = month_bounds(bill.period)
        last = end - dt.timedelta(days=1)
        line = Line.__table__()
        history = History.__table__()
        cursor.execute(*history.join(
                line, condition=history.line == line.id).select(
                history.line, history.start_date, history.end_date,
                history.employee,
                where=(line.company == company)
                & (history.start_date <= last)
                & ((history.end_date == Null) | (history.end_date >= first))))
        holders = defaultdict(list)
        for line_id, start, stop, employee in cursor:
            if isinstance(start, str):
                start = dt.date.fromisoformat(start)
                stop = stop and dt.date.fromisoformat(stop)
            holders[line_id].append((start, stop, employee))
        cursor.execute(*line.select(
                line.normalized, line.id, line.department, line.state,
                line.kind,
                where=(line.company == company) & (line.normalized != Null)))
        rows = {}
        for number, line_id, department, state, kind in cursor:
            periods = holders.get(line_id, [])
            holder, mixed = None, bool(periods)
            if len(periods) == 1:
                start, stop, employee = periods[0]
                if start <= first and (not stop or stop >= last):
                    holder, mixed = employee, False
            rows[number] = (
                number, line_id, department, state, kind, holder, mixed)
        lines = cls._temporary_table('office_phone_import_line',
            ['normalized VARCHAR', 'line INTEGER', 'department INTEGER',
                'state VARCHAR', 'kind VARCHAR', 'holder INTEGER',
                'mixed BOOLEAN'],
            list(rows.values()), index='normalized')
        share = Share.__table__()
        dial = Dial.__table__()
        query = dial.join(share, condition=dial.share == share.id).select(
            share.line, dial.date, dial.normalized, Max(share.borrower),
            Max(share.id),
            where=(share.company == company)
            & share.state.in_(['designated', 'closed'])
            & (dial.date >= first) & (dial.date < end),
            group_by=[share.line, dial.date, dial.normalized])
        cursor.execute(*query)
        rows = cursor.fetchall()
        if not rows:
            return lines, None
        dials = cls._temporary_table('office_phone_import_dial',
            ['line INTEGER', 'date DATE', 'number VARCHAR',
                'borrower INTEGER', 'share INTEGER'],
            rows, index='line, date, number')
        return lines, dials

    @classmethod
    def _temporary_table(cls, name, columns, rows, index=None):
        "Return a new temporary table name of columns filled with rows"
        cursor = Transaction().connection.cursor()
        cursor.execute('DROP TABLE IF EXISTS %s' % name)
        cursor.execute('CREATE TEMPORARY TABLE %s (%s)' % (
                name, ', '.join(columns)))
        table = Table(name)
        fields = [Column(table, c.split()[0]) for c in columns]
        for sub in grouped_slice(rows, 500):
            sub = [list(r) for r in sub]
            if sub:
                cursor.execute(*table.insert(fields, sub))
        if index:
            cursor.execute('CREATE INDEX %s_index ON %s (%s)' % (
                    name, name, index))
        cls._analyze(name)
        return table

    @classmethod
    def _analyze(cls, name):
        "Give the planner the figures of the temporary table name"
        if backend.name == 'postgresql':
            # autovacuum never analyzes temporary tables
            Transaction().connection.cursor().execute('ANALYZE %s' % name)

    @classmethod
    def _insert_calls(cls, bill, raw, dialled):
        """Insert the calls of the raw table into bill with one INSERT …
        SELECT: line, department and person responsible at the time of the
        call (OP-5, OP-3), the problem of unknown and suspended lines, and
        the screening flags (OP-6); a call already in the bill (same line,
        start and dialled number) is not added again."""
        pool = Pool()
        Call = pool.get('office.phone.call')
        History = pool.get('office.phone.line.holder')
        Parameter = pool.get('regulation.parameter')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        company = bill.company
        lines, dials = cls._register(bill)
        call = Call.__table__()
        history = History.__table__()
        if backend.name == 'postgresql':
            day = Cast(raw.start, 'DATE')
        else:
            day = Substring(raw.start, 1, 10)
        holder = history.select(history.employee,
            where=(history.line == lines.line)
            & (history.start_date <= day)
            & ((history.end_date == Null) | (history.end_date >= day)),
            order_by=[history.start_date.desc, history.id.desc],
            limit=1)
        employee = Coalesce(lines.holder,
            Case((lines.mixed, holder), else_=Null))
        problem = Case(
            (lines.line == Null, 'unknown_line'),
            (lines.state != 'active', 'suspended_line'),
            else_=Null)
        query = raw.join(lines, 'LEFT',
            condition=lines.normalized == raw.line_number)
        temporary = [raw, lines]
        share = Literal(None)
        if dials:
            # the borrower who logged the number while sharing the line
            temporary.append(dials)
            query = query.join(dials, 'LEFT',
                condition=(dials.line == lines.line) & (dials.date == day)
                & (dials.number == raw.dialled))
            employee = Coalesce(dials.borrower, employee)
            share = dials.share
        if in_force(REGULATION, company, bill.period):
            minutes = Parameter.get(
                'phone_chat_max_minutes', company, date=bill.period,
                default=10)
            # left joins on unique keys: the conditions below cost
            # nothing to repeat
            numbers, allowed = cls._numbers_table(company, dialled)
            temporary.append(numbers)
            query = query.join(numbers, 'LEFT',
                condition=numbers.number == raw.dialled)
            private = ((lines.line != Null) & (lines.kind != 'internal')
                & Not(Coalesce(numbers.known, False)))
            if allowed:
                temporary.append(allowed)
                query = query.join(allowed, 'LEFT',
                    condition=(allowed.number == raw.dialled)
                    & (allowed.line == lines.line))
                private &= allowed.number == Null
            flag = Case(
                (numbers.pattern != Null, 'premium'),
                # chatting: long calls on internal lines or to a colleague
                ((raw.duration > int(minutes * 60))
                    & ((lines.kind == 'internal')
                        | Coalesce(numbers.colleague, False)),
                    'chatting'),
                # private: to no business contact, no allowed number, no
                # colleague
                (private, 'private'),
                else_=Null)
            review = Case((flag != Null, 'pending'), else_=Null)
            pattern = numbers.pattern  # set only for a premium flag
        else:
            flag = review = pattern = Literal(None)
        where = Literal(True)
        if bill.call_count:
            existing = call.select(Literal(1),
                where=(call.bill == bill.id)
                & (call.line_number == raw.line_number)
                & (call.start == raw.start) & (call.dialled == raw.dialled))
            where &= ~Exists(existing)
        now = dt.datetime.now()
        period = bill.period
        if backend.name == 'sqlite':
            now, period = now.isoformat(' '), period.isoformat()
        columns = [call.line, call.line_number, call.department,
            call.employee, call.share, call.start, call.dialled,
            call.duration, call.cost, call.problem, call.flag, call.pattern,
            call.review, call.bill, call.company, call.period,
            call.create_uid, call.create_date]
        cursor.execute(*call.insert(columns, query.select(
                    lines.line, raw.line_number, lines.department, employee,
                    share, raw.start, raw.dialled, raw.duration,
                    raw.cost, problem, flag, pattern, review,
                    Literal(bill.id), Literal(company.id), Literal(period),
                    Literal(transaction.user), Literal(now),
                    where=where)))
        for table in temporary:
            cursor.execute('DROP TABLE %s' % table._name)

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
    def _numbers_table(cls, company, dialled):
        """Return temporary tables of what the screening (OP-6) knows of the
        dialled numbers: numbers (number, the first charged pattern it
        matches, known: a business contact, a colleague or an allowed
        pattern, colleague: a number of the register) and allowed (number,
        line) the numbers allowed for one line, or None"""
        pool = Pool()
        Line = pool.get('office.phone.line')
        Allowed = pool.get('office.phone.line.allowed')
        Pattern = pool.get('office.phone.pattern')
        cursor = Transaction().connection.cursor()
        line = Line.__table__()
        allowed = Allowed.__table__()
        patterns = Pattern.for_company(company)
        charged = [(p.id, re.compile(p.regexp))
            for p in patterns if p.kind != 'allowed']
        # most numbers match no pattern: one search rules them out
        any_charged = Pattern.matcher(
            p for p in patterns if p.kind != 'allowed')
        any_allowed = Pattern.matcher(
            p for p in patterns if p.kind == 'allowed')
        business = cls._business_numbers(company)
        cursor.execute(*line.select(line.normalized,
                where=(line.company == company.id)
                & (line.normalized != Null)))
        register = {n for n, in cursor}
        rows = []
        for number in dialled:
            pattern = None
            if any_charged(number):
                pattern = next(
                    (i for i, r in charged if r.search(number)), None)
            colleague = number in register
            known = colleague or number in business or any_allowed(number)
            if pattern or known:
                rows.append((number, pattern, known, colleague))
        numbers = cls._temporary_table('office_phone_import_number',
            ['number VARCHAR', 'pattern INTEGER', 'known BOOLEAN',
                'colleague BOOLEAN'],
            rows, index='number')
        cursor.execute(*allowed.join(
                line, condition=allowed.line == line.id).select(
                allowed.normalized, allowed.line,
                where=(line.company == company.id)
                & (allowed.normalized != Null),
                group_by=[allowed.normalized, allowed.line]))
        rows = cursor.fetchall()
        if not rows:
            return numbers, None
        return numbers, cls._temporary_table('office_phone_import_allowed',
            ['number VARCHAR', 'line INTEGER'], rows, index='number, line')

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
            if bill.import_state == 'queued':
                raise BillError(gettext(
                        'office_phone.msg_import_queued', bill=bill.rec_name))
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


class BillProgress(ModelSQL):
    "Office phone bill import progress"
    __name__ = 'office.phone.bill.progress'
    bill = fields.Many2One(
        'office.phone.bill', "Bill", required=True, ondelete='CASCADE')
    rows = fields.Integer("Rows Read")
    total = fields.Integer("Rows in File")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('bill_unique', Unique(t, t.bill),
                'office_phone.msg_bill_progress_unique'),
            ]


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
        """Import small files at once, queue the large ones (OP-5)"""
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        Parameter = pool.get('regulation.parameter')
        start = self.start
        limit = Parameter.get(
            'phone_bill_queue_rows', start.company, date=start.period,
            default=50000)
        data = bytes(start.file)
        if data.count(b'\n') > limit:
            bill = Bill.queue_import(
                start.company, start.period, start.carrier,
                start.carrier_total, data, filename=start.filename)
        else:
            bill = Bill.import_file(
                start.company, start.period, start.carrier,
                start.carrier_total, data, filename=start.filename)
        self.start.bill = bill
        return 'open_'

    def do_open_(self, action):
        action['res_id'] = [self.start.bill.id]
        action['views'].reverse()
        return action, {}
