# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Expense claims (EX-1): report first, claim after."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import ApprovalWorkflowMixin, in_force
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import ClaimError


class Category(DeactivableMixin, ModelSQL, ModelView):
    "Expense Category"
    __name__ = 'expense.category'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))


class _DocumentMixin:
    "Numbering, defaults and delete guard of the expense documents"
    __slots__ = ()
    _sequence = None

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_department(cls):
        Employee = Pool().get('company.employee')
        employee_id = cls.default_employee()
        if employee_id:
            employee = Employee(employee_id)
            if employee.department:
                return employee.department.id

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
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'expense_claim', cls._sequence))
            values['number'] = sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for record in records:
                if record.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'expense_claim.msg_delete',
                            document=record.rec_name))

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default else {}
        default.setdefault('number')
        default.setdefault('date', cls.default_date())
        return super().copy(records, default=default)


class Request(_DocumentMixin, ApprovalWorkflowMixin, ModelSQL, ModelView):
    "Expense Request"
    __name__ = 'expense.request'
    _rec_name = 'number'
    _sequence = 'sequence_request'
    _approval_regulation = 'expense_claim'
    _approval_material_fields = {'amount', 'description', 'department'}

    _draft = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Many2One(
        'company.department', "Department", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True, states=_draft)
    description = fields.Text(
        "Purpose", required=True, states=_draft,
        help="What the expense is for, reported before it is spent.")
    amount = fields.Numeric(
        "Estimated Amount", digits=(16, 2), required=True, states=_draft)
    claims = fields.One2Many(
        'expense.claim', 'request', "Claims", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting for Approval"),
            ('approved', "Approved"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def approval_amount(self):
        return self.amount

    @classmethod
    def validate_fields(cls, requests, field_names):
        super().validate_fields(requests, field_names)
        for request in requests:
            if request.amount is not None and request.amount <= 0:
                raise ClaimError(gettext(
                        'expense_claim.msg_amount_positive',
                        document=request.rec_name))


class Claim(_DocumentMixin, ApprovalWorkflowMixin, ModelSQL, ModelView):
    "Expense Claim"
    __name__ = 'expense.claim'
    _rec_name = 'number'
    _sequence = 'sequence_claim'
    _approval_regulation = 'expense_claim'
    _approval_material_fields = {'lines', 'payment_method', 'request'}

    _draft = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Many2One(
        'company.department', "Department", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True, states=_draft)
    request = fields.Many2One(
        'expense.request', "Prior Approval", states=_draft,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('employee', '=', Eval('employee', -1)),
            ('state', '=', 'approved'),
            ],
        help="The expense request the department head approved before "
        "the money was spent.")
    lines = fields.One2Many(
        'expense.claim.line', 'claim', "Lines", states=_draft)
    total = fields.Function(
        fields.Numeric("Total", digits=(16, 2)), 'get_total')
    payment_method = fields.Selection([
            ('bank', "Bank Transfer"),
            ('cash', "Cash"),
            ], "Payment Method", required=True, states=_draft, sort=False)
    cash_reason = fields.Text(
        "Reason for Cash", states={
            'readonly': _draft['readonly'],
            'invisible': Eval('payment_method') != 'cash',
            'required': Eval('payment_method') == 'cash',
            })
    paid_by = employee_field("Paid By", states=['paid'])
    payment_date = fields.Date("Payment Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting for Approval"),
            ('approved', "Approved"),
            ('paid', "Paid"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                where=t.state.in_(['draft', 'waiting', 'approved'])))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions.add(('approved', 'paid'))
        cls._buttons.update({
                'pay': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_payment_method(cls):
        return 'bank'

    @classmethod
    def get_total(cls, claims, name):
        return {c.id: sum((l.amount or Decimal(0) for l in c.lines),
                Decimal(0)) for c in claims}

    def approval_amount(self):
        return self.total

    @classmethod
    def check_modification(cls, mode, claims, values=None, external=False):
        super().check_modification(
            mode, claims, values=values, external=external)
        if mode == 'write' and external and values:
            guarded = {'paid_by', 'payment_date', 'number'} & set(values)
            if guarded:
                raise AccessError(gettext(
                        'regulation_base.msg_approval_field_guarded',
                        field=', '.join(sorted(guarded)),
                        document=', '.join(r.rec_name for r in claims[:5])))

    @classmethod
    def copy(cls, claims, default=None):
        default = default.copy() if default else {}
        default.setdefault('paid_by')
        default.setdefault('payment_date')
        default.setdefault('request')
        return super().copy(claims, default=default)

    @classmethod
    @ModelView.button
    @ApprovalWorkflowMixin.submitting('waiting')
    def submit(cls, claims):
        "EX-1: report first, a complete invoice, then the co-signatures"
        ClaimLine = Pool().get('expense.claim.line')
        for claim in claims:
            if not claim.lines:
                raise ClaimError(gettext(
                        'expense_claim.msg_claim_no_line',
                        claim=claim.rec_name))
            if claim.payment_method == 'cash' and not (
                    claim.cash_reason or '').strip():
                raise ClaimError(gettext(
                        'expense_claim.msg_claim_cash_reason',
                        claim=claim.rec_name))
        enforced = [c for c in claims
            if in_force('expense_claim', c.company)]
        for claim in enforced:
            if (not claim.request or claim.request.state != 'approved'
                    or claim.request.employee != claim.employee):
                raise ClaimError(gettext(
                        'expense_claim.msg_claim_no_request',
                        claim=claim.rec_name))
        lines = [l for c in enforced for l in c.lines]
        ClaimLine.check_complete(lines)
        ClaimLine.check_origins(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    @set_employee('paid_by')
    def pay(cls, claims):
        "Finance pays the approved claim"
        Date = Pool().get('ir.date')
        cls.write(claims, {'payment_date': Date.today()})


class ClaimLine(ModelSQL, ModelView):
    "Expense Claim Line"
    __name__ = 'expense.claim.line'
    claim = fields.Many2One(
        'expense.claim', "Claim", required=True, ondelete='CASCADE')
    category = fields.Many2One(
        'expense.category', "Category", required=True)
    description = fields.Char("Description")
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    invoice_number = fields.Char(
        "Invoice Number", help="The number of the formal invoice (发票).")
    stamps = fields.Boolean(
        "Stamps Complete", help="The invoice carries all its stamps.")
    origin = fields.Reference(
        "Source", selection='get_origins',
        help="The reception visit or the urgent purchase the expense "
        "belongs to.")
    attachments_count = fields.Function(
        fields.Integer("Receipts",
            help="The delivery lists or receipts attached to the line."),
        'get_attachments_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('claim')

    @classmethod
    def default_stamps(cls):
        return False

    @classmethod
    def _get_origins(cls):
        "Return the models whose costs may be claimed"
        return []

    @classmethod
    def get_origins(cls):
        Model = Pool().get('ir.model')
        names = cls._get_origins()
        return [(None, '')] + [(m.name, m.string)
            for m in Model.search([('name', 'in', names)])]

    def get_rec_name(self, name):
        return '%s %s' % (
            self.category.rec_name if self.category else '',
            self.description or '')

    @classmethod
    def get_attachments_count(cls, lines, name):
        Attachment = Pool().get('ir.attachment')
        counts = {l.id: 0 for l in lines}
        for attachment in Attachment.search([
                    ('resource', 'in', [str(l) for l in lines]),
                    ]):
            counts[attachment.resource.id] += 1
        return counts

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if line.amount is not None and line.amount <= 0:
                raise ClaimError(gettext(
                        'expense_claim.msg_amount_positive',
                        document=line.rec_name))

    @classmethod
    def check_complete(cls, lines):
        "EX-1: a formal invoice with its stamps and the receipt attached"
        for line in lines:
            if not (line.invoice_number or '').strip():
                raise ClaimError(gettext(
                        'expense_claim.msg_line_invoice',
                        line=line.rec_name, claim=line.claim.rec_name))
            if not line.stamps:
                raise ClaimError(gettext(
                        'expense_claim.msg_line_stamps',
                        line=line.rec_name, claim=line.claim.rec_name))
            if not line.attachments_count:
                raise ClaimError(gettext(
                        'expense_claim.msg_line_receipt',
                        line=line.rec_name, claim=line.claim.rec_name))

    @classmethod
    def check_origins(cls, lines):
        """Refuse lines whose source document is not ready to be claimed.

        A source model tells why with ``expense_claim_blocker()``, returning
        a message or None; an urgent purchase answers while its requisition
        is not completed (PF-3).
        """
        for line in lines:
            origin = line.origin
            if origin and hasattr(origin, 'expense_claim_blocker'):
                blocker = origin.expense_claim_blocker()
                if blocker:
                    raise ClaimError(gettext(
                            'expense_claim.msg_line_origin',
                            line=line.rec_name, claim=line.claim.rec_name,
                            reason=blocker))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            for line in lines:
                if line.claim.state != 'draft':
                    raise AccessError(gettext(
                            'expense_claim.msg_line_modify',
                            claim=line.claim.rec_name))
