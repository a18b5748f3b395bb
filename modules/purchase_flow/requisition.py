# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Requisitions through the approval chain (PF-1, PF-2, PF-3) and the
purchasing head's purchase plan (PF-2)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.currency.fields import Monetary
from trytond.modules.regulation_base import (
    ApprovalMixin, ApprovalWorkflowMixin, in_force)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import RequisitionError

#: requisition fields the requester may not change once submitted
_LOCKED = {
    'company', 'employee', 'department', 'lines', 'urgent', 'reason',
    'need', 'supply_date', 'warehouse', 'currency'}
KEEPER = 'warehouse_keeper'


def _today():
    return Pool().get('ir.date').today()


def _only_quantities(actions, line_ids):
    '''Tell whether One2Many actions only write the quantities to buy
    (the client adds the lines it writes back again)'''
    for action in actions:
        if action[0] == 'add' and set(action[1]) <= line_ids:
            continue
        if action[0] == 'write' and all(
                set(v) <= {'purchase_quantity'} for v in action[2::2]):
            continue
        return False
    return True


class Requisition(ApprovalMixin, metaclass=PoolMeta):
    __name__ = 'purchase.requisition'
    _approval_regulation = 'purchase_flow'
    _approval_material_fields = {'urgent'}

    _draft = {'readonly': Eval('state') != 'draft'}
    department = fields.Many2One(
        'company.department', "Department", states=_draft,
        domain=[('company', '=', Eval('company', -1))],
        help="The department that needs the goods; its head and VP approve.")
    need = fields.Selection([
            ('stock', "Stock Level"),
            ('sales', "Sales Need"),
            ('other', "Other"),
            ], "Need", required=True, states=_draft, sort=False,
        help="Where the need comes from (PF-1).")
    reason = fields.Text(
        "Reason", states=_draft, help="Why the goods are needed (PF-1).")
    urgent = fields.Boolean(
        "Urgent", states=_draft,
        help="No stock and under the urgent amount: a supervisor approves, "
        "the goods are bought at once and the requisition is completed "
        "afterwards (PF-3).")
    completion_state = fields.Selection([
            (None, ""),
            ('to_complete', "To Complete"),
            ('completed', "Completed"),
            ], "Completion", readonly=True, sort=False,
        help="An urgent requisition must be completed after the purchase "
        "before it is reimbursed or paid (PF-3).")
    completion_note = fields.Text(
        "Completion Note",
        states={
            'invisible': ~Eval('urgent', False),
            'readonly': Eval('completion_state') != 'to_complete',
            },
        help="What was bought, from whom and for how much.")
    completed_by = employee_field("Completed By", states=['completed'])
    completed_by.states = {
        'invisible': Eval('completion_state') != 'completed',
        }
    completed_by.depends = {'completion_state'}
    chain_stage = fields.Function(fields.Selection(
            'get_chain_stages', "Stage"), 'get_chain_stage')
    chain_progress = fields.Function(
        fields.Float("Progress", digits=(1, 2)), 'get_chain_stage')
    purchases = fields.Function(fields.Many2Many(
            'purchase.purchase', None, None, "Purchases"), 'get_purchases')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the chain decides: Tryton's approval buttons stay for the
        # requisitions approved at once (regulation not in force)
        for name in ['approve', 'reject']:
            button = cls._buttons[name]
            button['invisible'] = (
                button['invisible'] | (Eval('approval_state') == 'pending'))
            button['depends'] = list(button['depends']) + ['approval_state']
        cls._buttons.update({
                'complete': {
                    'invisible': Eval('completion_state') != 'to_complete',
                    'icon': 'tryton-ok',
                    'depends': ['completion_state'],
                    },
                })

    @classmethod
    def default_need(cls):
        return 'stock'

    @classmethod
    def default_urgent(cls):
        return False

    @classmethod
    def default_department(cls):
        Employee = Pool().get('company.employee')
        employee = cls.default_employee()
        if employee:
            employee = Employee(employee)
            if employee.department:
                return employee.department.id

    @fields.depends('employee', 'department')
    def on_change_employee(self):
        try:
            super().on_change_employee()
        except AttributeError:
            pass
        if self.employee and self.employee.department:
            self.department = self.employee.department

    # Approval (PF-2)

    def approval_amount(self):
        return self.total_amount

    def _approval_environment(self):
        env = super()._approval_environment()
        env['urgent'] = bool(self.urgent)
        return env

    @classmethod
    def _approval_approved(cls, requisitions):
        cls.approve(requisitions)

    @classmethod
    def _approval_rejected(cls, requisitions):
        cls.reject(requisitions)

    @classmethod
    def _approval_advance(cls, requisitions, previous=None):
        "PF-2: the warehouse keeper sets the quantity to buy before deciding"
        for requisition in requisitions:
            approval = (previous or {}).get(requisition.id)
            if (approval and approval.step and approval.step.approver == 'role'
                    and approval.step.role == KEEPER):
                for line in requisition.lines:
                    if line.purchase_quantity is None:
                        raise RequisitionError(gettext(
                                'purchase_flow'
                                '.msg_requisition_keeper_quantity',
                                line=line.rec_name))
        super()._approval_advance(requisitions, previous=previous)

    @classmethod
    def check_modification(
            cls, mode, requisitions, values=None, external=False):
        super().check_modification(
            mode, requisitions, values=values, external=external)
        if mode == 'write' and external and values:
            locked = _LOCKED & set(values)
            line_ids = {l.id for r in requisitions for l in r.lines}
            if 'lines' in locked and _only_quantities(
                    values['lines'], line_ids):
                # the keeper's quantities, checked on the lines
                locked.discard('lines')
            if locked:
                for requisition in requisitions:
                    if requisition.state != 'draft':
                        raise AccessError(gettext(
                                'purchase_flow.msg_requisition_locked',
                                requisition=requisition.rec_name))
            guarded = {'completion_state', 'completed_by'} & set(values)
            if guarded:
                raise AccessError(gettext(
                        'regulation_base.msg_approval_field_guarded',
                        field=', '.join(sorted(guarded)),
                        document=', '.join(
                            r.rec_name for r in requisitions[:5])))

    @classmethod
    def copy(cls, requisitions, default=None):
        default = default.copy() if default else {}
        default.setdefault('completion_state')
        default.setdefault('completion_note')
        default.setdefault('completed_by')
        return super().copy(requisitions, default=default)

    def check_submit(self):
        "PF-1, PF-3: a reason, and the urgent path only without stock"
        Parameter = Pool().get('regulation.parameter')
        if not (self.reason or '').strip():
            raise RequisitionError(gettext(
                    'purchase_flow.msg_requisition_reason',
                    requisition=self.rec_name))
        if not self.urgent:
            return
        maximum = Parameter.get(
            'purchase_urgent_max_amount', self.company,
            default=Decimal(100))
        total = self.on_change_with_total_amount() or Decimal(0)
        if total >= Decimal(str(maximum)):
            raise RequisitionError(gettext(
                    'purchase_flow.msg_requisition_urgent_amount',
                    requisition=self.rec_name, amount=total,
                    maximum=maximum))
        for line in self.lines:
            if line.product and line.product.type == 'goods':
                if (line.stock_quantity or 0) > 0:
                    raise RequisitionError(gettext(
                            'purchase_flow.msg_requisition_urgent_stock',
                            line=line.rec_name,
                            quantity=line.stock_quantity))

    @classmethod
    @ModelView.button
    def wait(cls, requisitions):
        for requisition in requisitions:
            if (requisition.state == 'draft'
                    and in_force('purchase_flow', requisition.company)):
                requisition.check_submit()
        super().wait(requisitions)
        submitted = [r for r in cls.browse([r.id for r in requisitions])
            if r.state == 'waiting']
        if submitted:
            cls.approval_submit(submitted)

    @classmethod
    @ModelView.button
    @ApprovalMixin.required
    def approve(cls, requisitions):
        super().approve(requisitions)
        urgent = [r for r in cls.browse([r.id for r in requisitions])
            if r.urgent and r.state == 'approved'
            and in_force('purchase_flow', r.company)]
        if urgent:
            with without_check_access():
                cls.write(urgent, {'completion_state': 'to_complete'})

    @classmethod
    @ModelView.button
    def reject(cls, requisitions):
        for requisition in requisitions:
            if requisition.approval_state == 'pending':
                raise RequisitionError(gettext(
                        'purchase_flow.msg_requisition_chain_running',
                        requisition=requisition.rec_name))
        super().reject(requisitions)

    @classmethod
    @ModelView.button
    def draft(cls, requisitions):
        super().draft(requisitions)
        cls.approval_reset(requisitions)

    @classmethod
    @ModelView.button
    @set_employee('completed_by')
    def complete(cls, requisitions):
        "PF-3: complete the urgent requisition after the purchase"
        for requisition in requisitions:
            if requisition.completion_state != 'to_complete':
                continue
            if not (requisition.completion_note or '').strip():
                raise RequisitionError(gettext(
                        'purchase_flow.msg_requisition_completion_note',
                        requisition=requisition.rec_name))
        cls.write([r for r in requisitions
                if r.completion_state == 'to_complete'],
            {'completion_state': 'completed'})

    def keeper_to_decide(self, employees):
        "Tell whether the warehouse keeper's step is pending for employees"
        for approval in self.approvals:
            if (approval.state == 'pending' and approval.step
                    and approval.step.approver == 'role'
                    and approval.step.role == KEEPER
                    and approval.approver.id in employees):
                return True
        return False

    def expense_claim_blocker(self):
        "PF-3: an urgent purchase is claimed only once completed"
        if self.completion_state == 'to_complete':
            return gettext(
                'purchase_flow.msg_requisition_not_completed',
                requisition=self.rec_name)

    # Chain overview (PF-11)

    @classmethod
    def get_chain_stages(cls):
        return STAGES

    def get_purchases(self, name):
        return list({r.purchase.id for l in self.lines
                for r in l.purchase_requests if r.purchase})

    def get_chain_stage(self, name):
        if self.state in {'draft', 'waiting', 'rejected', 'cancelled'}:
            stage = 'need'
        else:
            stage = 'plan'
            purchases = self.get_purchases('purchases')
            requests = [r for l in self.lines for r in l.purchase_requests]
            if any(r.quotation_lines for r in requests):
                stage = 'sourcing'
            if any(r.preferred_quotation_line for r in requests):
                stage = 'negotiation'
            if purchases:
                Purchase = Pool().get('purchase.purchase')
                stage = min(
                    (p.chain_stage for p in Purchase.browse(purchases)),
                    key=STAGE_ORDER.index)
        if name == 'chain_progress':
            return (STAGE_ORDER.index(stage) + 1) / len(STAGE_ORDER)
        return stage


STAGES = [
    ('need', "Need"),
    ('plan', "Plan"),
    ('sourcing', "Sourcing"),
    ('negotiation', "Negotiation"),
    ('contract', "Contract"),
    ('receipt', "Receipt"),
    ('inspection', "Inspection"),
    ('stock', "Stock"),
    ('reconciliation', "Reconciliation"),
    ('payment', "Payment"),
    ]
STAGE_ORDER = [s for s, _ in STAGES]


class RequisitionLine(metaclass=PoolMeta):
    __name__ = 'purchase.requisition.line'
    stock_quantity = fields.Function(
        fields.Float("On Hand", digits='unit',
            help="The quantity in the warehouse today."),
        'get_stock_quantities')
    forecast_quantity = fields.Function(
        fields.Float("Forecast", digits='unit',
            help="The quantity expected in the warehouse at the supply "
            "date."),
        'get_stock_quantities')
    purchase_quantity = fields.Float(
        "Quantity to Buy", digits='unit',
        states={
            'readonly': Eval('purchase_requisition_state') != 'waiting',
            },
        help="Set by the warehouse keeper from the stock: "
        "0 closes a line covered by stock (PF-2).")
    closed = fields.Function(
        fields.Boolean("Covered by Stock"), 'get_closed')

    @classmethod
    def get_stock_quantities(cls, lines, names):
        pool = Pool()
        Product = pool.get('product.product')
        result = {n: {l.id: None for l in lines} for n in names}
        today = _today()
        by_key = {}
        for line in lines:
            requisition = line.requisition
            if (not line.product or line.product.type != 'goods'
                    or not requisition.warehouse):
                continue
            by_key.setdefault(
                (requisition.warehouse.id, requisition.supply_date),
                []).append(line)
        for (warehouse, supply_date), sub_lines in by_key.items():
            products = list({l.product.id for l in sub_lines})
            dates = {'stock_quantity': today,
                'forecast_quantity': max(supply_date or today, today)}
            for name in names:
                with Transaction().set_context(
                        stock_date_end=dates[name], forecast=False):
                    quantities = Product.products_by_location(
                        [warehouse], with_childs=True,
                        grouping_filter=(products,))
                for line in sub_lines:
                    quantity = quantities.get(
                        (warehouse, line.product.id), 0)
                    result[name][line.id] = line.product.default_uom.round(
                        quantity)
        return result

    def get_closed(self, name):
        return (self.purchase_quantity is not None
            and self.purchase_quantity <= 0)

    def compute_request(self):
        "PF-2: buy what the warehouse keeper set; nothing for a closed line"
        pool = Pool()
        Uom = pool.get('product.uom')
        if self.closed:
            return
        request = super().compute_request()
        if request and self.purchase_quantity is not None:
            request.computed_quantity = self.purchase_quantity
            request.quantity = Uom.compute_qty(
                self.unit, self.purchase_quantity, request.unit, round=True)
        return request

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        "Only the warehouse keeper at their step changes a submitted line"
        pool = Pool()
        User = pool.get('res.user')
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        submitted = [l for l in lines if l.requisition.state != 'draft']
        if not submitted:
            return
        if mode == 'write' and values and set(values) <= {
                'purchase_quantity'}:
            employees = set(User.acting_employees())
            for line in submitted:
                if not line.requisition.keeper_to_decide(employees):
                    raise AccessError(gettext(
                            'purchase_flow.msg_requisition_line_keeper',
                            line=line.rec_name))
            return
        raise AccessError(gettext(
                'purchase_flow.msg_requisition_locked',
                requisition=submitted[0].requisition.rec_name))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if 'purchase_quantity' in field_names:
            for line in lines:
                quantity = line.purchase_quantity
                if (quantity is not None
                        and not (0 <= quantity <= line.quantity)):
                    raise RequisitionError(gettext(
                            'purchase_flow.msg_requisition_purchase_quantity',
                            line=line.rec_name))

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default else {}
        default.setdefault('purchase_quantity')
        return super().copy(lines, default=default)


class PurchaseRequest(metaclass=PoolMeta):
    __name__ = 'purchase.request'
    plan = fields.Many2One(
        'purchase.flow.plan', "Purchase Plan", readonly=True,
        ondelete='SET NULL',
        help="The purchase plan the GM and finance approved (PF-2).")
    choice_justification = fields.Text(
        "Choice Justification",
        help="Why the preferred quotation is not the cheapest (PF-4).")

    @property
    def promotion(self):
        "The promotion whose funds the GM approved, if any (PF-10)"
        PromotionLine = Pool().get('purchase.flow.promotion.line')
        if isinstance(self.origin, PromotionLine):
            return self.origin.promotion

    @property
    def urgent_requisition(self):
        "The urgent requisition the request comes from, if any (PF-3)"
        RequisitionLine = Pool().get('purchase.requisition.line')
        if isinstance(self.origin, RequisitionLine):
            requisition = self.origin.requisition
            if requisition.urgent:
                return requisition


class Plan(ApprovalWorkflowMixin, ModelSQL, ModelView):
    "Purchase Plan"
    __name__ = 'purchase.flow.plan'
    _rec_name = 'number'
    _approval_regulation = 'purchase_flow'
    _approval_material_fields = {'requests'}

    _draft = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    employee = fields.Many2One(
        'company.employee', "Purchasing Head", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True, states=_draft)
    description = fields.Char("Description", states=_draft)
    requests = fields.One2Many(
        'purchase.request', 'plan', "Purchase Requests", states=_draft,
        add_remove=[
            ('company', '=', Eval('company', -1)),
            ('plan', '=', None),
            ('purchase_line', '=', None),
            ])
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'get_currency')
    total = fields.Function(Monetary(
            "Estimated Total", currency='currency', digits='currency'),
        'get_total')
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting"),
            ('approved', "Approved"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        # cancelled before submission only, and drafted again
        cls._transitions.discard(('waiting', 'cancelled'))
        cls._transitions.add(('cancelled', 'draft'))
        cls._buttons['submit']['readonly'] = ~Eval('requests', [])
        cls._buttons['draft']['invisible'] = ~Eval('state').in_(
            ['waiting', 'cancelled'])
        cls._buttons['cancel']['invisible'] = Eval('state') != 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return _today()

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    def get_currency(self, name):
        return self.company.currency.id if self.company else None

    def get_total(self, name):
        total = Decimal(0)
        for request in self.requests:
            price = None
            origin = request.origin
            if getattr(origin, 'unit_price', None) is not None:
                price = origin.unit_price
            if request.best_quotation_line:
                price = request.best_quotation_line.unit_price
            if price is not None:
                total += price * Decimal(str(request.quantity or 0))
        return self.company.currency.round(total) if self.company else total

    def approval_amount(self):
        return self.total

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
            values['number'] = Sequence(ModelData.get_id(
                    'purchase_flow', 'sequence_plan')).get()
        return values

    @classmethod
    def check_modification(cls, mode, plans, values=None, external=False):
        super().check_modification(
            mode, plans, values=values, external=external)
        if mode == 'delete':
            for plan in plans:
                if plan.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'purchase_flow.msg_plan_delete',
                            plan=plan.rec_name))
        if mode == 'write' and external and values and 'requests' in values:
            for plan in plans:
                if plan.state != 'draft':
                    raise AccessError(gettext(
                            'purchase_flow.msg_plan_locked',
                            plan=plan.rec_name))

    @classmethod
    def copy(cls, plans, default=None):
        default = default.copy() if default else {}
        default.setdefault('number')
        default.setdefault('requests')
        default.setdefault('date', cls.default_date())
        return super().copy(plans, default=default)
