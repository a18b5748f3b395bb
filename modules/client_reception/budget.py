# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Monthly reception budgets per department (CR-4) and the reception cost
per department and month (CR-6)."""
import datetime as dt
from decimal import Decimal

from sql import Literal
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.company import CompanyReport
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import BudgetError

#: the visit states that take from the budget
COUNTED = ['waiting', 'approved', 'done', 'feedback', 'archived']


def month_bounds(date):
    start = date.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


class Budget(ModelSQL, ModelView):
    "Reception budget"
    __name__ = 'reception.budget'
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    department = fields.Many2One(
        'company.department', "Department", required=True,
        ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    month = fields.Date(
        "Month", required=True, help="The first day of the month.")
    amount = fields.Numeric("Budget", digits=(16, 2), required=True)
    note = fields.Char("Note", help="e.g. the line of the annual plan.")
    committed = fields.Function(fields.Numeric(
            "Committed", digits=(16, 2),
            help="Estimates of the requests not yet costed and actual "
            "costs of the others."), 'get_amounts')
    remaining = fields.Function(fields.Numeric(
            "Remaining", digits=(16, 2)), 'get_amounts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('department_month_unique',
                Unique(t, t.company, t.department, t.month),
                'client_reception.msg_budget_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.department, Index.Range()), (t.month, Index.Range())))
        cls._order = [
            ('month', 'DESC'), ('department', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_amount(cls):
        return Decimal(0)

    def get_rec_name(self, name):
        return '%s %s' % (
            self.department.rec_name, self.month.strftime('%Y-%m'))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('month'):
            values['month'] = values['month'].replace(day=1)
        return values

    @classmethod
    def validate_fields(cls, budgets, field_names):
        super().validate_fields(budgets, field_names)
        for budget in budgets:
            if budget.amount is not None and budget.amount < 0:
                raise BudgetError(gettext(
                        'client_reception.msg_budget_negative',
                        budget=budget.rec_name))

    @classmethod
    def consumption(cls, company, department, date, exclude=None):
        """Return what the visits of department take from its budget for
        the month of date: their actual costs once recorded, otherwise
        their estimate (CR-4)."""
        Visit = Pool().get('reception.visit')
        start, end = month_bounds(date)
        exclude = [v.id for v in exclude or [] if v.id is not None]
        visits = Visit.search([
                ('company', '=', int(company)),
                ('department', '=', int(department)),
                ('state', 'in', COUNTED),
                ('arrival', '>=', dt.datetime.combine(start, dt.time())),
                ('arrival', '<', dt.datetime.combine(end, dt.time())),
                ('id', 'not in', exclude),
                ])
        return sum((v.budget_consumption() for v in visits), Decimal(0))

    @classmethod
    def remaining_for(cls, company, department, date, exclude=None):
        """Return what remains of the budget of department for the month of
        date; a month without budget has none (CR-4)."""
        budgets = cls.search([
                ('company', '=', int(company)),
                ('department', '=', int(department)),
                ('month', '=', date.replace(day=1)),
                ], limit=1)
        amount = budgets[0].amount if budgets else Decimal(0)
        return amount - cls.consumption(
            company, department, date, exclude=exclude)

    @classmethod
    def get_amounts(cls, budgets, names):
        result = {n: {} for n in names}
        for budget in budgets:
            committed = cls.consumption(
                budget.company, budget.department, budget.month)
            if 'committed' in result:
                result['committed'][budget.id] = committed
            if 'remaining' in result:
                result['remaining'][budget.id] = budget.amount - committed
        return result


class CostMonthlyContext(ModelView):
    "Reception cost period"
    __name__ = 'reception.cost.monthly.context'
    company = fields.Many2One('company.company', "Company", required=True)
    from_month = fields.Date("From Month")
    to_month = fields.Date("To Month")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_month(cls):
        today = Pool().get('ir.date').today()
        return today.replace(month=1, day=1)


class CostMonthly(ModelSQL, ModelView):
    "Reception cost per department and month"
    __name__ = 'reception.cost.monthly'
    company = fields.Many2One('company.company', "Company")
    department = fields.Many2One('company.department', "Department")
    month = fields.Date("Month")
    visits = fields.Integer("Visits")
    estimate = fields.Numeric("Estimate", digits=(16, 2))
    actual = fields.Numeric("Actual Cost", digits=(16, 2))
    over_cap_count = fields.Integer("Over-Cap Items")
    over_cap_amount = fields.Numeric("Over-Cap Amount", digits=(16, 2))
    budget = fields.Function(fields.Numeric(
            "Budget", digits=(16, 2)), 'get_budget')
    over_cap_costs = fields.Function(fields.Many2Many(
            'reception.visit.cost', None, None, "Over-Cap Costs"),
        'get_over_cap_costs')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('month', 'ASC'), ('department', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Visit = pool.get('reception.visit')
        Cost = pool.get('reception.visit.cost')
        visit = Visit.__table__()
        cost = Cost.__table__()
        context = Transaction().context
        month = cls.month.sql_cast(DateTrunc('month', visit.arrival))
        where = (visit.company == context.get('company', -1)) & (
            visit.state.in_(COUNTED))
        if context.get('from_month'):
            where &= visit.arrival >= dt.datetime.combine(
                context['from_month'].replace(day=1), dt.time())
        if context.get('to_month'):
            where &= visit.arrival < dt.datetime.combine(
                month_bounds(context['to_month'])[1], dt.time())
        # Group on a column of a sub-query: PostgreSQL does not match two
        # date_trunc expressions whose 'month' literal is a parameter.
        lines = visit.join(cost, 'LEFT', condition=cost.visit == visit.id
            ).select(
            visit.id.as_('visit'),
            visit.company.as_('company'),
            visit.department.as_('department'),
            month.as_('month'),
            cost.estimate.as_('estimate'),
            cost.amount.as_('amount'),
            cost.over_cap.as_('over_cap'),
            where=where)
        over = lines.over_cap == Literal(True)
        return lines.select(
            Min(lines.visit).as_('id'),
            lines.company.as_('company'),
            lines.department.as_('department'),
            lines.month.as_('month'),
            Count(lines.visit, distinct=True).as_('visits'),
            Coalesce(Sum(lines.estimate), 0).as_('estimate'),
            Coalesce(Sum(lines.amount), 0).as_('actual'),
            Sum(Case((over, 1), else_=0)).as_('over_cap_count'),
            Coalesce(Sum(Case((over, lines.amount), else_=0)), 0).as_(
                'over_cap_amount'),
            group_by=[lines.company, lines.department, lines.month])

    def get_rec_name(self, name):
        return '%s %s' % (
            self.department.rec_name if self.department else '',
            self.month.strftime('%Y-%m') if self.month else '')

    def get_budget(self, name):
        Budget = Pool().get('reception.budget')
        budgets = Budget.search([
                ('company', '=', self.company.id),
                ('department', '=', self.department.id),
                ('month', '=', self.month),
                ], limit=1)
        return budgets[0].amount if budgets else None

    def get_over_cap_costs(self, name):
        Cost = Pool().get('reception.visit.cost')
        start, end = month_bounds(self.month)
        return [c.id for c in Cost.search([
                    ('over_cap', '=', True),
                    ('visit.company', '=', self.company.id),
                    ('visit.department', '=', self.department.id),
                    ('visit.state', 'in', COUNTED),
                    ('visit.arrival', '>=',
                        dt.datetime.combine(start, dt.time())),
                    ('visit.arrival', '<',
                        dt.datetime.combine(end, dt.time())),
                    ])]


class OverCapReport(CompanyReport):
    "Monthly over-cap report per department (CR-6)"
    __name__ = 'reception.cost.over_cap.report'
