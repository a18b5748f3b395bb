# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Specialists' monthly KPI scorecard (KA-7)."""
import calendar
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import ScorecardError

#: item, parameter of its weight, default weight (%), visit kinds counted
ITEMS = [
    ('visit_plan', 'key_account_kpi_visit_weight', 40,
        ['visit', 'revisit', 'phone']),
    ('expansion', 'key_account_kpi_expansion_weight', 25, ['expansion']),
    ('site', 'key_account_kpi_site_weight', 20, ['site']),
    ('daily', 'key_account_kpi_daily_weight', 15, None),
    ]
ITEM_SELECTION = [
    ('visit_plan', "Next Month's Visit Plan"),
    ('expansion', "Expansion Plan"),
    ('site', "Clients Brought to Site"),
    ('daily', "Daily Work"),
    ]


def month_bounds(month):
    "Return the first and last day of the month of date"
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def last_working_day(company, month):
    "Return the last working day of the month of date for company"
    Calendar = Pool().get('regulation.calendar.day')
    _, day = month_bounds(month)
    while not Calendar.is_working_day(company, day):
        day -= dt.timedelta(days=1)
    return day


class Scorecard(Workflow, ModelSQL, ModelView):
    "Specialist's monthly scorecard"
    __name__ = 'sale.key_account.scorecard'
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    employee = fields.Many2One(
        'company.employee', "Specialist", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    month = fields.Date(
        "Month", required=True, states=_states,
        help="Any day of the month; the first day is kept.")
    due_date = fields.Function(fields.Date(
            "Due Date",
            help="The last working day of the month (KA-7)."),
        'get_due_date')
    lines = fields.One2Many(
        'sale.key_account.scorecard.line', 'scorecard', "Items",
        states=_states)
    score = fields.Function(fields.Numeric(
            "Score", digits=(16, 2)), 'get_score')
    submitted_date = fields.Date("Submitted On", readonly=True)
    late = fields.Boolean(
        "Late", readonly=True,
        help="Submitted after the last working day of the month.")
    reminded = fields.Boolean("Reminded", readonly=True)
    confirmed_by = employee_field("Confirmed By", states=['confirmed'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('confirmed', "Confirmed"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('employee_month_unique', Unique(t, t.employee, t.month),
                'key_account.msg_scorecard_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.month, Index.Range())))
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('submitted', 'confirmed'),
            }
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_late(cls):
        return False

    @classmethod
    def default_reminded(cls):
        return False

    @classmethod
    def default_employee(cls):
        User = Pool().get('res.user')
        user = User(Transaction().user)
        return user.employee.id if user.employee else None

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_lines(cls):
        return cls.new_lines(
            Transaction().context.get('company'),
            Pool().get('ir.date').today())

    @classmethod
    def new_lines(cls, company, date):
        "Return the values of the items with their weights (KA-7)"
        Parameter = Pool().get('regulation.parameter')
        lines = []
        for sequence, (item, code, weight, _) in enumerate(ITEMS, 1):
            lines.append({
                    'sequence': sequence,
                    'item': item,
                    'weight': Parameter.get(
                        code, company, date=date, default=weight),
                    })
        return lines

    def get_rec_name(self, name):
        return '%s %s' % (
            self.employee.rec_name if self.employee else '',
            self.month.strftime('%Y-%m') if self.month else '')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('month'):
            values['month'] = values['month'].replace(day=1)
        return values

    def get_due_date(self, name):
        if self.company and self.month:
            return last_working_day(self.company, self.month)

    @classmethod
    def get_score(cls, scorecards, name):
        return {s.id: sum((l.score or 0 for l in s.lines), Decimal(0))
            for s in scorecards}

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('late', False), 'warning', '')),
            ]

    @classmethod
    def check_modification(cls, mode, scorecards, values=None,
            external=False):
        super().check_modification(
            mode, scorecards, values=values, external=external)
        if mode == 'write' and external and values:
            guarded = {'state', 'late', 'submitted_date', 'reminded',
                'confirmed_by'} & set(values)
            if guarded:
                raise AccessError(gettext(
                        'key_account.msg_scorecard_field_guarded',
                        field=', '.join(sorted(guarded))))
        if mode == 'delete':
            for scorecard in scorecards:
                if scorecard.state != 'draft':
                    raise AccessError(gettext(
                            'key_account.msg_scorecard_delete',
                            scorecard=scorecard.rec_name))

    @classmethod
    @ModelView.button
    def compute(cls, scorecards):
        "Fill plan and actual from the visit plans and logs (KA-7)"
        pool = Pool()
        Visit = pool.get('sale.key_account.visit')
        Line = pool.get('sale.key_account.scorecard.line')
        to_save = []
        for scorecard in scorecards:
            start, end = month_bounds(scorecard.month)
            lines = {l.item: l for l in scorecard.lines}
            for values in cls.new_lines(scorecard.company, start):
                if values['item'] not in lines:
                    line = Line(scorecard=scorecard, **values)
                    lines[line.item] = line
            for item, _, _, kinds in ITEMS:
                line = lines[item]
                if kinds is None:
                    to_save.append(line)
                    continue
                base = [
                    ('employee', '=', scorecard.employee.id),
                    ('kind', 'in', kinds),
                    ]
                line.plan = Visit.search(base + [
                        ('planned_date', '>=', start),
                        ('planned_date', '<=', end),
                        ('state', '!=', 'cancelled'),
                        ], count=True)
                line.actual = Visit.search(base + [
                        ('date', '>=', start),
                        ('date', '<=', end),
                        ('state', '=', 'done'),
                        ], count=True)
                to_save.append(line)
        Line.save(to_save)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, scorecards):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, scorecards):
        "Due the last working day of the month (KA-7)"
        today = Pool().get('ir.date').today()
        cls.compute(scorecards)
        for scorecard in scorecards:
            if not scorecard.lines:
                raise ScorecardError(gettext(
                        'key_account.msg_scorecard_empty',
                        scorecard=scorecard.rec_name))
        for scorecard in scorecards:
            scorecard.submitted_date = today
            scorecard.late = today > scorecard.due_date
        cls.save(scorecards)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    @set_employee('confirmed_by')
    def confirm(cls, scorecards):
        pass

    @classmethod
    def remind(cls, date=None):
        """Cron: on the last working day of the month, prepare the
        scorecard of every specialist who has not submitted it and flag it
        reminded.  Return the scorecards reminded."""
        pool = Pool()
        Company = pool.get('company.company')
        Specialist = pool.get('sale.key_account-company.employee')
        date = date or pool.get('ir.date').today()
        context_company = Transaction().context.get('company')
        companies = ([Company(context_company)] if context_company
            else Company.search([]))
        reminded = []
        for company in companies:
            if date != last_working_day(company, date):
                continue
            month = date.replace(day=1)
            employees = {s.employee for s in Specialist.search([
                        ('key_account.state', '=', 'registered'),
                        ('employee.company', '=', company.id),
                        ])}
            existing = {s.employee: s for s in cls.search([
                        ('employee', 'in', [e.id for e in employees]),
                        ('month', '=', month),
                        ])}
            to_create = []
            for employee in employees:
                if employee not in existing:
                    to_create.append(cls(
                            company=company, employee=employee, month=month,
                            lines=cls.new_lines(company, month)))
            cls.save(to_create)
            cls.compute(to_create)
            due = [s for s in to_create + list(existing.values())
                if s.state == 'draft']
            if due:
                cls.write(due, {'reminded': True})
            reminded.extend(due)
        return reminded


class ScorecardLine(ModelSQL, ModelView):
    "Scorecard item"
    __name__ = 'sale.key_account.scorecard.line'
    scorecard = fields.Many2One(
        'sale.key_account.scorecard', "Scorecard", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    item = fields.Selection(ITEM_SELECTION, "Item", required=True)
    weight = fields.Numeric(
        "Weight (%)", digits=(16, 2), required=True,
        domain=[('weight', '>=', 0), ('weight', '<=', 100)])
    plan = fields.Integer(
        "Plan", domain=['OR', ('plan', '=', None), ('plan', '>=', 0)])
    actual = fields.Integer(
        "Actual",
        domain=['OR', ('actual', '=', None), ('actual', '>=', 0)])
    completion = fields.Function(fields.Numeric(
            "Completion Rate (%)", digits=(16, 2)), 'get_completion')
    score = fields.Function(fields.Numeric(
            "Score", digits=(16, 2)), 'get_completion')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('scorecard')
        cls._order = [('sequence', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_completion(cls, lines, names):
        result = {n: {} for n in names}
        for line in lines:
            if line.plan:
                rate = min(Decimal(line.actual or 0) / line.plan, Decimal(1))
            else:
                rate = Decimal(0)
            values = {
                'completion': (rate * 100).quantize(Decimal('0.01')),
                'score': (rate * (line.weight or 0)).quantize(
                    Decimal('0.01')),
                }
            for name in names:
                result[name][line.id] = values[name]
        return result
