# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Working-day calendar per company (RB-4)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import CalendarError

#: the hours of a working day when no parameter says otherwise
DEFAULT_DAY_START = 9
DEFAULT_DAY_HOURS = 8


class CalendarDay(ModelSQL, ModelView):
    "Calendar exception"
    __name__ = 'regulation.calendar.day'
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    kind = fields.Selection([
            ('holiday', "Holiday"),
            ('working', "Make-up Working Day"),
            ], "Kind", required=True,
        help="A holiday on a weekday or a working day on a weekend (调休).")
    name = fields.Char("Name", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_date_unique', Unique(t, t.company, t.date),
                'regulation_base.msg_calendar_day_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'holiday'

    @classmethod
    def _exceptions(cls, company, start, end):
        "Return {date: is_working} for the exceptions of company in range"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.date, table.kind,
                where=(table.company == int(company))
                & (table.date >= start) & (table.date <= end)))
        return {d if isinstance(d, dt.date) else dt.date.fromisoformat(d):
            k == 'working' for d, k in cursor}

    @classmethod
    def is_working_day(cls, company, date):
        exceptions = cls._exceptions(company, date, date)
        if date in exceptions:
            return exceptions[date]
        return date.weekday() < 5

    @classmethod
    def working_days(cls, company, start, end):
        "Return the working days from start to end included"
        exceptions = cls._exceptions(company, start, end)
        days, day = [], start
        while day <= end:
            if exceptions.get(day, day.weekday() < 5):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    @classmethod
    def add_working_days(cls, company, date, days):
        """Return the date days working days after date (before if negative).

        Adding 0 returns date itself when it is a working day, otherwise the
        next working day.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        # Look far enough ahead for the longest holidays (Spring Festival)
        span = dt.timedelta(days=remaining * 2 + 30)
        if step > 0:
            exceptions = cls._exceptions(company, date, date + span)
        else:
            exceptions = cls._exceptions(company, date - span, date)

        def working(day):
            return exceptions.get(day, day.weekday() < 5)
        if remaining == 0:
            while not working(date):
                date += dt.timedelta(days=1)
            return date
        while remaining:
            date += dt.timedelta(days=step)
            if working(date):
                remaining -= 1
        return date

    @classmethod
    def count_working_days(cls, company, start, end):
        "Return the number of working days after start up to end included"
        if end <= start:
            return -len(cls.working_days(
                    company, end + dt.timedelta(days=1), start))
        return len(cls.working_days(
                company, start + dt.timedelta(days=1), end))

    @classmethod
    def _day_hours(cls, company):
        Parameter = Pool().get('regulation.parameter')
        start = Parameter.get(
            'working_day_start_hour', company, default=DEFAULT_DAY_START)
        hours = Parameter.get(
            'working_day_hours', company, default=DEFAULT_DAY_HOURS)
        return int(start), int(hours)

    @classmethod
    def add_working_hours(cls, company, moment, hours):
        """Return the moment after hours working hours from moment.

        A working day runs from the parameter working_day_start_hour for
        working_day_hours hours (09:00 to 17:00 by default).
        """
        if hours < 0:
            raise CalendarError(gettext(
                    'regulation_base.msg_calendar_negative_hours',
                    hours=hours))
        start_hour, day_hours = cls._day_hours(company)
        remaining = dt.timedelta(hours=float(hours))
        day = moment.date()
        opening = dt.datetime.combine(day, dt.time(start_hour))
        closing = opening + dt.timedelta(hours=day_hours)
        if not cls.is_working_day(company, day) or moment >= closing:
            current = None
        else:
            current = max(moment, opening)
        while True:
            if current is None:
                day = cls.add_working_days(
                    company, day + dt.timedelta(days=1), 0)
                current = dt.datetime.combine(day, dt.time(start_hour))
            closing = dt.datetime.combine(day, dt.time(start_hour)) + (
                dt.timedelta(hours=day_hours))
            available = closing - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = None

    @classmethod
    def deadline_passed(cls, company, start, days, now=None):
        "Tell whether days working days after start have passed at now"
        Date = Pool().get('ir.date')
        now = now or Date.today()
        if isinstance(start, dt.datetime):
            start = start.date()
        return now > cls.add_working_days(company, start, days)
