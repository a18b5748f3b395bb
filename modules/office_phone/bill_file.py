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
import re
from collections import namedtuple
from decimal import Decimal, InvalidOperation
from operator import itemgetter

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
#: the most digits of a phone number (E.164 allows 15, with room for the
#: carriers' prefixes)
MAX_NUMBER = 32
#: the most characters of a bad value repeated in an error message
MAX_SHOWN = 40
CENT = Decimal('0.01')

#: a parsed call, in the order of the file: line_number and dialled are
#: normalized numbers, start a naive datetime, duration the seconds, cost
#: a Decimal of at most 2 decimals
Row = namedtuple('Row', ['line_number', 'start', 'dialled', 'duration',
        'cost'])


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
    """Validate every row of the text of a call-detail file in one pass.

    chunks() yields lists of the good rows as tuples of text (line number,
    start 'YYYY-MM-DD HH:MM:SS', dialled, duration, cost) ready for the
    database, or None: "forget the rows yielded so far" (the fast path
    found a row it does not take; the careful path starts again).  Bad
    rows are collected in errors; once there is one, rows are still
    validated (to list every bad row) but no longer yielded.  check()
    raises the error listing them.  numbers is the set of the dialled
    numbers, for the screening."""
    chunk = 20000

    def __init__(self, text, period, progress=None):
        self.text = text
        self.first, self.end = month_bounds(period)
        self.progress = progress
        self.errors = []
        self.numbers = set()
        self.count = 0
        # the number of rows, for the progress
        self.total = max(text.count('\n') - 1, 0)

    def error(self, row, key, **kwargs):
        # formatted by check(): gettext queries the database; a huge bad
        # value is shown by its start
        kwargs = {k: v[:MAX_SHOWN] + '…'
            if isinstance(v, str) and len(v) > MAX_SHOWN else v
            for k, v in kwargs.items()}
        self.errors.append((row, key, kwargs)
            if len(self.errors) < MAX_ERRORS else None)

    def _header(self):
        "Return the header row and the text after it"
        reader = csv.reader(io.StringIO(self.text, newline=''))
        try:
            header = next(reader)
        except StopIteration:
            raise BillImportError(gettext('office_phone.msg_import_empty'))
        except csv.Error as exception:
            raise BillImportError(gettext('office_phone.msg_import_row',
                    row=1, reason=gettext('office_phone.msg_import_csv',
                        error=str(exception))))
        return header, header_index(header)

    def chunks(self):
        header, index = self._header()
        count = 0
        for rows in self._fast(header, index):
            if rows is None:
                break
            count += len(rows)
            if self.progress:
                self.progress(count, self.total)
            yield rows
        else:
            self.count = count
            return
        if count:
            yield None
        yield from self._careful(index)

    def _fast_regexp(self, header, index):
        """Return the regular expression of a row of plain values: digits,
        a date-time of the month, an amount of at most 2 decimals"""
        first = self.first
        days = (self.end - first).days
        day = {28: '(?:0[1-9]|1[0-9]|2[0-8])', 29: '(?:0[1-9]|[12][0-9])',
            30: '(?:0[1-9]|[12][0-9]|30)', 31: '(?:0[1-9]|[12][0-9]|3[01])',
            }[days]
        patterns = [
            '((?!0086)[0-9]{1,%d})' % MAX_NUMBER,
            '(%04d-%02d-%s (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])' % (
                first.year, first.month, day),
            '((?!0086)[0-9]{1,%d})' % MAX_NUMBER,
            '([0-9]{1,9})',
            '([0-9]{1,12}(?:\\.[0-9]{1,2})?)',
            ]
        columns = [None] * len(header)
        for i, pattern in zip(index, patterns):
            columns[i] = pattern
        regexp = ','.join(c or '[^,"\\r\\n]*' for c in columns)
        return re.compile('^%s\\r?$' % regexp, re.MULTILINE)

    def _fast(self, header, index):
        """Yield the rows of a file of plain values, checked with one
        regular expression per piece of text (C speed), or None at the
        first piece with a row it does not take"""
        text = self.text
        regexp = self._fast_regexp(header, index)
        # the order of the groups (the file's) to the order of COLUMNS
        position = [index[i] for i in range(5)]
        ranks = sorted(range(5), key=lambda i: position[i])
        order = itemgetter(*[ranks.index(i) for i in range(5)])
        key = itemgetter(0, 1, 2)
        start = text.find('\n') + 1
        if not start:
            # one line or other line endings (CR only): the careful path
            yield None
            return
        seen = set()
        numbers = self.numbers
        size = 64 * self.chunk
        while start < len(text):
            stop = text.find('\n', start + size)
            stop = len(text) if stop < 0 else stop + 1
            piece = text[start:stop]
            rows = regexp.findall(piece)
            if len(rows) != piece.rstrip('\r\n').count('\n') + 1:
                yield None
                return
            if ranks != [0, 1, 2, 3, 4]:
                rows = list(map(order, rows))
            keys = set(map(hash, map(key, rows)))
            before = len(seen)
            seen |= keys
            if len(keys) != len(rows) or len(seen) != before + len(keys):
                yield None  # a duplicate: the careful path names it
                return
            numbers.update(map(itemgetter(2), rows))
            yield rows
            start = stop

    def _careful(self, index):
        """Yield the rows validated one by one, listing every bad row with
        its number and reason"""
        reader = csv.reader(io.StringIO(self.text, newline=''))
        next(reader)
        i_line, i_start, i_dialled, i_duration, i_cost = index
        width = max(index) + 1
        first = dt.datetime.combine(self.first, dt.time())
        end = dt.datetime.combine(self.end, dt.time())
        fromisoformat = dt.datetime.fromisoformat
        error = self.error
        errors = self.errors
        progress = self.progress
        numbers = self.numbers
        costs = {}
        seen = {}
        rows = []
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
            line_number = normalize_number(line_raw)
            if not line_number:
                error(row, 'msg_import_line', value=line_raw)
                continue
            if len(line_number) > MAX_NUMBER:
                error(row, 'msg_import_number_long', value=line_raw,
                    digits=MAX_NUMBER)
                continue
            start_text = start_raw.strip().replace('/', '-')
            try:
                start = fromisoformat(start_text)
            except ValueError:
                start = None
            if start is None or start.tzinfo is not None:
                error(row, 'msg_import_start', value=start_raw)
                continue
            start_text = start.isoformat(' ')
            dialled = normalize_number(dialled_raw)
            if len(dialled) > MAX_NUMBER:
                error(row, 'msg_import_number_long', value=dialled_raw,
                    digits=MAX_NUMBER)
                continue
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
            if errors:
                # keep validating to list every bad row
                continue
            numbers.add(dialled)
            rows.append((line_number, start_text, dialled, str(duration),
                    cost_text))
            if len(rows) >= self.chunk:
                if progress:
                    progress(count, self.total)
                yield rows
                rows = []
        if rows and not errors:
            yield rows
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
    rows = []
    for chunk in reader.chunks():
        if chunk is None:
            rows = []
        else:
            rows.extend(chunk)
    reader.check()
    return [Row(line_number, dt.datetime.fromisoformat(start), dialled,
            int(duration), Decimal(cost))
        for line_number, start, dialled, duration, cost in rows]
