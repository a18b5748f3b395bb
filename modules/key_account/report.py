# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Monthly key-account report and revenue graph (KA-9)."""
import datetime as dt
from decimal import Decimal

from sql import Literal
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import DateTrunc

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.company import CompanyReport
from trytond.pool import Pool
from trytond.transaction import Transaction

from .account import SALE_STATES
from .scorecard import month_bounds


class Monthly(ModelSQL, ModelView):
    "Key-account monthly revenue"
    __name__ = 'sale.key_account.monthly'
    company = fields.Many2One('company.company', "Company", readonly=True)
    key_account = fields.Many2One(
        'sale.key_account', "Key Account", readonly=True)
    tier = fields.Many2One(
        'sale.key_account.tier', "Tier", readonly=True)
    month = fields.Date("Month", readonly=True)
    revenue = fields.Numeric("Revenue", digits=(16, 2), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('revenue', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Sale = pool.get('sale.sale')
        account = KeyAccount.__table__()
        sale = Sale.__table__()
        context = Transaction().context
        month = cls.month.sql_cast(DateTrunc('month', sale.sale_date))
        where = (account.state == 'registered') & sale.state.in_(SALE_STATES)
        if context.get('from_date'):
            where &= sale.sale_date >= context['from_date']
        if context.get('to_date'):
            where &= sale.sale_date <= context['to_date']
        # the month is computed in a sub-query: PostgreSQL does not match
        # the parameters of the same expression in SELECT and GROUP BY
        lines = account.join(sale, condition=(
                (sale.party == account.party)
                & (sale.company == account.company))).select(
            sale.id.as_('sale'),
            sale.create_date.as_('create_date'),
            account.company.as_('company'),
            account.id.as_('key_account'),
            account.tier.as_('tier'),
            month.as_('month'),
            Coalesce(sale.untaxed_amount_cache, 0).as_('amount'),
            where=where)
        return lines.select(
            Min(lines.sale).as_('id'),
            Literal(0).as_('create_uid'),
            Max(lines.create_date).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            lines.company.as_('company'),
            lines.key_account.as_('key_account'),
            lines.tier.as_('tier'),
            lines.month.as_('month'),
            Sum(lines.amount).as_('revenue'),
            group_by=[lines.company, lines.key_account, lines.tier,
                lines.month])


class MonthlyContext(ModelView):
    "Key-account monthly context"
    __name__ = 'sale.key_account.monthly.context'
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")

    @classmethod
    def default_from_date(cls):
        today = Pool().get('ir.date').today()
        return dt.date(today.year, 1, 1)


class KeyAccountReport(CompanyReport):
    "Monthly key-account report (KA-9)"
    __name__ = 'sale.key_account.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        month = (data or {}).get('month') or Transaction().context.get(
            'report_month')
        if not month:
            today = Date.today()
            month = (today.replace(day=1) - dt.timedelta(days=1))
        if isinstance(month, str):
            month = dt.date.fromisoformat(month)
        start, end = month_bounds(month)
        context['month'] = start
        context['lines'] = lines = cls.lines(records, start, end)
        context['total_revenue'] = sum(
            (l['revenue'] for l in lines), Decimal(0))
        context['total_receivable'] = sum(
            (l['receivable'] for l in lines), Decimal(0))
        return context

    @classmethod
    def lines(cls, accounts, start, end):
        """Return per account: tier, revenue of the month and of the year
        to date, visits, complaints of the year and receivable."""
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Visit = pool.get('sale.key_account.visit')
        Survey = pool.get('sale.key_account.survey')
        Party = pool.get('party.party')
        year_start = dt.date(start.year, 1, 1)
        result = []
        for account in accounts:
            company = account.company
            with Transaction().set_context(date=end):
                revenue = cls._revenue(account, start, end)
                ytd = cls._revenue(account, year_start, end)
            visits = Visit.search([
                    ('key_account', '=', account.id),
                    ('state', '=', 'done'),
                    ('date', '>=', start),
                    ('date', '<=', end),
                    ], count=True)
            complaints = sum(s.complaints or 0 for s in Survey.search([
                        ('key_account', '=', account.id),
                        ('state', '=', 'done'),
                        ('campaign.year', '=', start.year),
                        ]))
            with Transaction().set_context(company=company.id):
                receivable = Party(account.party.id).receivable or Decimal(0)
            result.append({
                    'account': KeyAccount(account.id),
                    'tier': account.tier.rec_name if account.tier else '',
                    'revenue': revenue,
                    'revenue_ytd': ytd,
                    'visits': visits,
                    'complaints': complaints,
                    'receivable': receivable,
                    })
        return result

    @classmethod
    def _revenue(cls, account, start, end):
        from .account import revenue_query
        cursor = Transaction().connection.cursor()
        cursor.execute(*revenue_query(
                account.company, start, end, [account.party.id]))
        row = cursor.fetchone()
        return Decimal(str(row[1])) if row and row[1] is not None else (
            Decimal(0))
