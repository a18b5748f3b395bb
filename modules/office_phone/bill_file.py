# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The carrier's call-detail file (OP-5): decoding, validation of every row
in one streaming pass, and the pattern screening of the dialled numbers
(OP-6).

``parse_bill(data, period, encoding=None)`` is the public entry point: it
returns the rows of a file or raises :class:`BillImportError` naming every
bad row (number and reason).  The import (``office.phone.bill.import_file``)
streams the same :class:`BillReader` into the database."""
import csv
import datetime as dt
import io
from collections import namedtuple
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext

from .exceptions import BillImportError
from .phone import normalize_number

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
PROGRESS_ROWS = 20000
#: the largest duration a database INTEGER holds
MAX_DURATION = 2 ** 31 - 1
CENT = Decimal('0.01')

#: a parsed call: row is the number of the row in the file (the header is
#: row 1), start a naive datetime, cost a Decimal of at most 2 decimals
Row = namedtuple('Row', ['row', 'line_number', 'start', 'dialled',
        'duration', 'cost'])


def month_bounds(date):
    start = date.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def call_error(period, start, dialled, duration, cost):
    """Return (message id, parameters) of the first rule a call breaks or
    None; the ORM and the import apply the same rules (OP-5)."""
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


def decode(data, encoding=None):
    """Return the text of the file: in encoding if given, else UTF-8 (with
    or without BOM) or GBK (read as its superset GB18030)"""
    if isinstance(data, memoryview):
        data = data.tobytes()
    if encoding:
        encoding = encoding.lower().replace('_', '-')
        encodings = [{'utf-8': 'utf-8-sig', 'utf8': 'utf-8-sig',
                    'gbk': 'gb18030', 'gb2312': 'gb18030'}.get(
                    encoding, encoding)]
    else:
        encodings = ['utf-8-sig', 'gb18030']
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise BillImportError(gettext('office_phone.msg_import_encoding'))


def header_index(header):
    "Return the index of each column of COLUMNS in the header row"
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


class BillReader:
    """Validate the rows of the text of a call-detail file in one pass.

    Iterating yields, for every good row, the tuple (row, line number,
    start as text 'YYYY-MM-DD HH:MM:SS', dialled, duration, cost as text,
    pattern, allowed) ready for the database: pattern and allowed are what
    screen(dialled) returns (None, False without screen).  Bad rows are
    collected in errors; once there is one, good rows are still validated
    (to list every bad row) but no longer yielded.  check() raises the
    error listing them."""

    def __init__(self, text, period, screen=None, progress=None):
        self.text = text
        self.first, self.end = month_bounds(period)
        self.screen = screen
        self.progress = progress
        self.errors = []
        self.count = 0
        # the number of rows, for the progress
        self.total = max(text.count('\n') - 1, 0)

    def error(self, row, key, **kwargs):
        # formatted by check(): gettext queries the database
        self.errors.append((row, key, kwargs)
            if len(self.errors) < MAX_ERRORS else None)

    def __iter__(self):
        reader = csv.reader(io.StringIO(self.text))
        try:
            header = next(reader)
        except StopIteration:
            raise BillImportError(gettext('office_phone.msg_import_empty'))
        i_line, i_start, i_dialled, i_duration, i_cost = header_index(header)
        width = max(i_line, i_start, i_dialled, i_duration, i_cost) + 1
        first = dt.datetime.combine(self.first, dt.time())
        end = dt.datetime.combine(self.end, dt.time())
        fromisoformat = dt.datetime.fromisoformat
        error = self.error
        errors = self.errors
        screen = self.screen
        progress = self.progress
        screened = {}
        costs = {}
        seen = {}
        count = 0
        row = 1
        while True:
            row += 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exception:
                # e.g. a NUL character or a quote left open
                error(row, 'msg_import_csv', error=str(exception))
                continue
            try:
                line_raw = values[i_line]
                start_raw = values[i_start]
                dialled_raw = values[i_dialled]
                duration_raw = values[i_duration]
                cost_raw = values[i_cost]
            except IndexError:
                if values and (len(values) > 1 or values[0].strip()):
                    error(row, 'msg_import_columns', count=len(values),
                        expected=width)
                continue
            if line_raw.isdigit() and line_raw[:4] != '0086':
                line_number = line_raw
            else:
                line_number = normalize_number(line_raw)
                if not line_number:
                    error(row, 'msg_import_line', value=line_raw)
                    continue
            start_text = start_raw.strip()
            if '/' in start_text:
                start_text = start_text.replace('/', '-')
            try:
                start = fromisoformat(start_text)
            except ValueError:
                start = None
            if start is None or start.tzinfo is not None:
                error(row, 'msg_import_start', value=start_raw)
                continue
            if len(start_text) != 19 or start_text[10] != ' ':
                start_text = start.isoformat(' ')
            if dialled_raw.isdigit() and dialled_raw[:4] != '0086':
                dialled = dialled_raw
            else:
                dialled = normalize_number(dialled_raw)
            try:
                duration = int(duration_raw)
            except ValueError:
                error(row, 'msg_import_duration', value=duration_raw)
                continue
            if duration > MAX_DURATION:
                error(row, 'msg_import_duration', value=duration_raw)
                continue
            cost = costs.get(cost_raw)
            if cost is None:
                try:
                    value = Decimal(cost_raw.strip())
                    # an exponent too large to quantize is no amount
                    value.quantize(CENT)
                except InvalidOperation:
                    error(row, 'msg_import_cost', value=cost_raw)
                    continue
                cost = costs[cost_raw] = (value, format(value, 'f'))
            value, cost_text = cost
            if not (first <= start < end) or not dialled or (
                    duration < 0) or not value.is_finite() or value < 0 or (
                    value != value.quantize(CENT)):
                key, kwargs = call_error(
                    self.first, start, dialled, duration, value)
                error(row, key, **kwargs)
                continue
            key = hash((line_number, start_text, dialled))
            other = seen.get(key)
            if other is not None:
                error(row, 'msg_import_duplicate', other=other)
                continue
            seen[key] = row
            count += 1
            if progress and not count % PROGRESS_ROWS:
                progress(count, self.total)
            if errors:
                # keep validating to list every bad row
                continue
            if screen:
                match = screened.get(dialled)
                if match is None:
                    match = screened[dialled] = screen(dialled)
                pattern, allowed = match
            else:
                pattern, allowed = None, False
            yield (row, line_number, start_text, dialled, duration,
                cost_text, pattern, allowed)
        self.count = count
        if progress:
            progress(count, count)

    def check(self):
        "Raise the BillImportError listing the bad rows if there are any"
        if not self.errors:
            return
        shown = [gettext('office_phone.msg_import_row', row=row,
                reason=gettext('office_phone.' + key, **kwargs))
            for row, key, kwargs in filter(None, self.errors)]
        if len(self.errors) > len(shown):
            shown.append(gettext('office_phone.msg_import_more',
                    count=len(self.errors) - len(shown)))
        raise BillImportError(gettext(
                'office_phone.msg_import_errors',
                count=len(self.errors), errors='\n'.join(shown)))


def parse_bill(data, period, encoding=None):
    """Return the calls of the call-detail file data (bytes) for the month
    of period as a list of Row, or raise BillImportError naming every bad
    row by its number and reason (OP-5).

    encoding is the encoding of data; by default UTF-8 (with or without
    BOM) then GBK are tried."""
    reader = BillReader(decode(data, encoding), period)
    rows = [Row(row, line_number, dt.datetime.fromisoformat(start), dialled,
            duration, Decimal(cost))
        for row, line_number, start, dialled, duration, cost, _, _
        in reader]
    reader.check()
    return rows
