# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Penalty ledger (RB-3): rules, penalties, conduct score, statements."""
import csv
import datetime as dt
import io
from decimal import Decimal

from sql import Literal, Null, Window
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Rank

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.company import CompanyReport
from trytond.modules.company.model import employee_field, set_employee
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .approval import WorkflowGuardMixin
from .exceptions import PenaltyError
from .tools import spreadsheet_text

KINDS = [
    ('fine', "Fine"),
    ('double_charge', "Double Charge"),
    ('compensation', "Compensation"),
    ('dismissal', "Dismissal Proposal"),
    ]


class PenaltyRule(DeactivableMixin, ModelSQL, ModelView):
    "Penalty rule"
    __name__ = 'regulation.penalty.rule'
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Leave empty for every company.")
    document = fields.Many2One('regulation.document', "Regulation")
    clause = fields.Char("Clause", required=True, help="e.g. OP-8")
    points = fields.Integer(
        "Conduct Points", required=True,
        help="Points taken from the team's monthly conduct score.")
    fine = fields.Numeric(
        "Fine", digits=(16, 2), required=True,
        help="Amount per occurrence; for a double charge or a compensation "
        "the amount is computed from the source document.")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_company_unique', Unique(t, t.code, t.company),
                'regulation_base.msg_penalty_rule_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_points(cls):
        return 0

    @classmethod
    def default_fine(cls):
        return Decimal(0)

    @classmethod
    def default_kind(cls):
        return 'fine'

    def get_rec_name(self, name):
        return '[%s] %s' % (self.code, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        for rule in rules:
            if (rule.fine or 0) < 0 or (rule.points or 0) < 0:
                raise PenaltyError(gettext(
                        'regulation_base.msg_penalty_rule_negative',
                        rule=rule.rec_name))

    @classmethod
    def get(cls, code, company=None):
        "Return the rule with code for company (its own first)"
        if company is None:
            company = Transaction().context.get('company')
        rules = cls.search([
                ('code', '=', code),
                ('company', 'in', [company, None]),
                ], order=[('company', 'ASC NULLS LAST')], limit=1)
        if not rules:
            raise PenaltyError(gettext(
                    'regulation_base.msg_penalty_rule_missing', code=code))
        return rules[0]


class Penalty(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Penalty"
    _workflow_guarded = {'state', 'confirmed_by', 'decided_by'}
    __name__ = 'regulation.penalty'
    _rec_name = 'number'
    _states = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    employee = fields.Many2One(
        'company.employee', "Employee", states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty for a team penalty.")
    department = fields.Many2One(
        'company.department', "Team", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    rule = fields.Many2One(
        'regulation.penalty.rule', "Rule", required=True, states=_states,
        ondelete='RESTRICT')
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    clause = fields.Char("Clause", states=_states)
    points = fields.Integer("Conduct Points", required=True, states=_states)
    amount = fields.Numeric(
        "Amount", digits=(16, 2), required=True, states=_states)
    origin = fields.Reference(
        "Source", selection='get_origins', states=_states)
    description = fields.Text("Description", states=_states)
    appeal_reason = fields.Text("Appeal Reason", readonly=True)
    confirmed_by = employee_field(
        "Confirmed By", states=['confirmed', 'appealed', 'upheld'])
    decided_by = employee_field("Appeal Decided By", states=[
            'upheld', 'cancelled'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('appealed', "Appealed"),
            ('upheld', "Upheld"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.department, Index.Range()),
                    (t.date, Index.Range())),
                Index(t, (t.origin, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('draft', 'cancelled'),
            ('confirmed', 'appealed'),
            ('appealed', 'upheld'),
            ('appealed', 'cancelled'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'appealed']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'appeal': {
                    'invisible': Eval('state') != 'confirmed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'uphold': {
                    'invisible': Eval('state') != 'appealed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _get_origins(cls):
        "Return the models that may be the source of a penalty"
        return []

    @classmethod
    def get_origins(cls):
        Model = Pool().get('ir.model')
        names = cls._get_origins()
        return [(None, '')] + [(m.name, m.string)
            for m in Model.search([('name', 'in', names)])]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_points(cls):
        return 0

    @classmethod
    def default_amount(cls):
        return Decimal(0)

    @fields.depends('rule')
    def on_change_rule(self):
        if self.rule:
            self.kind = self.rule.kind
            self.clause = self.rule.clause
            self.points = self.rule.points
            self.amount = self.rule.fine

    @fields.depends('employee', 'department')
    def on_change_employee(self):
        if self.employee and self.employee.department:
            self.department = self.employee.department

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'cancelled', 'muted', '')),
            ]

    @classmethod
    def validate_fields(cls, penalties, field_names):
        super().validate_fields(penalties, field_names)
        for penalty in penalties:
            if (penalty.amount or 0) < 0 or (penalty.points or 0) < 0:
                raise PenaltyError(gettext(
                        'regulation_base.msg_penalty_negative',
                        penalty=penalty.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'regulation_base', 'sequence_penalty'))
            values['number'] = sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, penalties, values=None, external=False):
        super().check_modification(
            mode, penalties, values=values, external=external)
        if mode == 'delete':
            for penalty in penalties:
                if penalty.state != 'draft':
                    raise AccessError(gettext(
                            'regulation_base.msg_penalty_delete',
                            penalty=penalty.rec_name))
        elif mode == 'write' and external:
            for penalty in penalties:
                if penalty.state != 'draft':
                    raise AccessError(gettext(
                            'regulation_base.msg_penalty_modify',
                            penalty=penalty.rec_name))

    @classmethod
    def copy(cls, penalties, default=None):
        default = default.copy() if default else {}
        default.setdefault('number')
        default.setdefault('confirmed_by')
        default.setdefault('decided_by')
        default.setdefault('appeal_reason')
        return super().copy(penalties, default=default)

    @classmethod
    def _check_manager(cls, penalties):
        """Only the head of the team (or a parent team) or a penalty
        manager decides a penalty."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        transaction = Transaction()
        if transaction.user == 0:
            return
        user = User(transaction.user)
        manager = Group(ModelData.get_id(
                'regulation_base', 'group_penalty_admin'))
        if manager in user.groups:
            return
        for penalty in penalties:
            if not any(e.is_head_of(penalty.department)
                    for e in user.employees):
                raise AccessError(gettext(
                        'regulation_base.msg_penalty_not_head',
                        penalty=penalty.rec_name,
                        department=penalty.department.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    @set_employee('confirmed_by')
    def confirm(cls, penalties):
        cls.lock(penalties)
        cls._check_manager(penalties)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    @set_employee('decided_by')
    def cancel(cls, penalties):
        cls._check_manager(penalties)

    @classmethod
    @ModelView.button_action('regulation_base.wizard_penalty_appeal')
    def appeal(cls, penalties):
        pass

    @classmethod
    def lodge_appeal(cls, penalties, reason):
        """The penalised employee (or their head) appeals with a reason"""
        pool = Pool()
        User = pool.get('res.user')
        if not (reason or '').strip():
            raise PenaltyError(gettext(
                    'regulation_base.msg_penalty_appeal_reason'))
        if Transaction().user:
            user = User(Transaction().user)
            cls._check_manager([p for p in penalties
                    if not p.employee or p.employee not in user.employees])
        with without_check_access():
            cls._appeal(penalties)
            cls.write(penalties, {'appeal_reason': reason})

    @classmethod
    @Workflow.transition('appealed')
    def _appeal(cls, penalties):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('upheld')
    @set_employee('decided_by')
    def uphold(cls, penalties):
        cls._check_manager(penalties)

    @classmethod
    def split_amount(cls, amount, count):
        """Split amount in count parts that sum exactly, the first parts
        taking the extra cents."""
        if count <= 0:
            return []
        cents = int((Decimal(amount) * 100).quantize(Decimal(1)))
        base, extra = divmod(cents, count)
        return [Decimal(base + (1 if i < extra else 0)) / 100
            for i in range(count)]


class AppealStart(ModelView):
    "Appeal penalty"
    __name__ = 'regulation.penalty.appeal.start'
    reason = fields.Text("Reason", required=True)


class Appeal(Wizard):
    "Appeal penalty"
    __name__ = 'regulation.penalty.appeal'
    start = StateView(
        'regulation.penalty.appeal.start',
        'regulation_base.penalty_appeal_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Appeal", 'appeal', 'tryton-ok', default=True),
            ])
    appeal = StateTransition()

    def transition_appeal(self):
        Penalty = Pool().get('regulation.penalty')
        penalties = [p for p in self.records if p.state == 'confirmed']
        Penalty.lodge_appeal(penalties, self.start.reason)
        return 'end'


def _month_bounds(month):
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


class PeriodContext(ModelView):
    "Penalty period"
    __name__ = 'regulation.penalty.period.context'
    company = fields.Many2One('company.company', "Company", required=True)
    month = fields.Date("Month", required=True, help="Any day of the month.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_month(cls):
        month = Transaction().context.get('month')
        return month or Pool().get('ir.date').today().replace(day=1)


class _PeriodMixin:
    __slots__ = ()

    @classmethod
    def _period(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        month = context.get('month') or Date.today()
        if isinstance(month, str):
            month = dt.date.fromisoformat(month)
        return context.get('company') or -1, _month_bounds(month)


class ConductScore(_PeriodMixin, ModelSQL, ModelView):
    "Team conduct score"
    __name__ = 'regulation.penalty.conduct_score'
    company = fields.Many2One('company.company', "Company")
    department = fields.Many2One('company.department', "Team")
    penalties = fields.Integer("Penalties")
    points = fields.Integer("Points Lost")
    score = fields.Numeric("Score", digits=(16, 2))
    rank = fields.Integer("Rank")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('rank', 'ASC'), ('department', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Department = pool.get('company.department')
        Penalty = pool.get('regulation.penalty')
        Parameter = pool.get('regulation.parameter')
        department = Department.__table__()
        penalty = Penalty.__table__()
        company, (start, end) = cls._period()
        base = Parameter.get(
            'conduct_base_score', company if company >= 0 else None,
            date=start, default=100)
        counted = penalty.state.in_(['confirmed', 'upheld'])
        join = department.join(penalty, 'LEFT',
            condition=(penalty.department == department.id)
            & counted
            & (penalty.date >= start) & (penalty.date < end))
        points = Coalesce(Sum(penalty.points), 0)
        score = Literal(base) - points
        return join.select(
            department.id.as_('id'),
            department.company.as_('company'),
            department.id.as_('department'),
            Count(penalty.id).as_('penalties'),
            points.as_('points'),
            score.as_('score'),
            Rank(window=Window([], order_by=[points.asc])).as_('rank'),
            where=(department.company == company)
            & (department.active == Literal(True)),
            group_by=[department.id, department.company])


class Statement(_PeriodMixin, ModelSQL, ModelView):
    "Monthly deduction statement"
    __name__ = 'regulation.penalty.statement'
    company = fields.Many2One('company.company', "Company")
    employee = fields.Many2One('company.employee', "Employee")
    department = fields.Many2One('company.department', "Department")
    fines = fields.Numeric("Fines (成长赞助)", digits=(16, 2))
    double_charges = fields.Numeric("Double Charges", digits=(16, 2))
    compensations = fields.Numeric("Compensations", digits=(16, 2))
    total = fields.Numeric("Total", digits=(16, 2))
    points = fields.Integer("Points")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('total', 'DESC'), ('employee', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Penalty = pool.get('regulation.penalty')
        Employee = pool.get('company.employee')
        penalty = Penalty.__table__()
        employee = Employee.__table__()
        company, (start, end) = cls._period()

        def total(kind):
            return Coalesce(Sum(Case(
                        (penalty.kind == kind, penalty.amount),
                        else_=Literal(0))), Literal(0))
        return penalty.join(employee,
            condition=penalty.employee == employee.id).select(
            penalty.employee.as_('id'),
            penalty.company.as_('company'),
            penalty.employee.as_('employee'),
            employee.department.as_('department'),
            total('fine').as_('fines'),
            total('double_charge').as_('double_charges'),
            total('compensation').as_('compensations'),
            Sum(penalty.amount).as_('total'),
            Sum(penalty.points).as_('points'),
            where=(penalty.company == company)
            & penalty.state.in_(['confirmed', 'upheld'])
            & (penalty.employee != Null)
            & (penalty.date >= start) & (penalty.date < end),
            group_by=[penalty.employee, penalty.company,
                employee.department])

    @classmethod
    def to_csv(cls, statements):
        """Return the payroll CSV of statements as bytes (UTF-8 with BOM);
        the names are neutralised against formula injection"""
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow([
                'employee_code', 'employee', 'department', 'fines',
                'double_charges', 'compensations', 'total'])
        cent = Decimal('0.01')

        def amount(value):
            return str(Decimal(str(value or 0)).quantize(cent))
        for line in statements:
            writer.writerow([
                    spreadsheet_text(line.employee.party.code),
                    spreadsheet_text(line.employee.rec_name),
                    spreadsheet_text(
                        line.department.rec_name if line.department else ''),
                    amount(line.fines), amount(line.double_charges),
                    amount(line.compensations), amount(line.total)])
        return ('\ufeff' + output.getvalue()).encode('utf-8')


class StatementReport(CompanyReport):
    __name__ = 'regulation.penalty.statement.report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        company, (start, end) = Statement._period()
        context['month'] = start
        context['total'] = sum((r.total or 0 for r in records), Decimal(0))
        return context


class StatementExportStart(ModelView):
    "Export deduction statement"
    __name__ = 'regulation.penalty.statement.export.start'
    company = fields.Many2One('company.company', "Company", required=True)
    month = fields.Date("Month", required=True)
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)


class StatementExport(Wizard):
    "Export deduction statement for payroll"
    __name__ = 'regulation.penalty.statement.export'
    start = StateView(
        'regulation.penalty.statement.export.start',
        'regulation_base.penalty_statement_export_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Export", 'export', 'tryton-save', default=True),
            ])
    export = StateTransition()

    def transition_export(self):
        Statement = Pool().get('regulation.penalty.statement')
        month = self.start.month.replace(day=1)
        with Transaction().set_context(
                company=self.start.company.id, month=month):
            statements = Statement.search([])
            self.start.file = Statement.to_csv(statements)
        self.start.filename = 'deductions-%s.csv' % month.strftime('%Y-%m')
        return 'start'

    def default_start(self, fields):
        values = {}
        for name in ['company', 'month', 'file', 'filename']:
            value = getattr(self.start, name, None)
            if value is not None:
                values[name] = getattr(value, 'id', value)
        return values
