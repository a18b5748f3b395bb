# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Sourcing (PF-4), the contract (PF-5), the payment block of urgent
purchases (PF-3) and the chain overview of a purchase (PF-11)."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import in_force
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import PurchaseFlowError, SourcingError
from .requisition import STAGE_ORDER, STAGES


class CreatePurchase(metaclass=PoolMeta):
    __name__ = 'purchase.request.create_purchase'

    def transition_start(self):
        pool = Pool()
        Request = pool.get('purchase.request')
        Request.check_sourcing(
            [r for r in self.records if not r.purchase_line])
        return super().transition_start()


class PurchaseRequest(metaclass=PoolMeta):
    __name__ = 'purchase.request'

    @classmethod
    def check_sourcing(cls, requests):
        """PF-2, PF-4: an approved purchase plan, enough quotations and a
        justified choice before a request becomes a purchase.

        The requests of an urgent requisition are bought at once (PF-3).
        """
        Parameter = Pool().get('regulation.parameter')
        for request in requests:
            if not in_force('purchase_flow', request.company):
                continue
            if request.urgent_requisition:
                continue
            if (not request.promotion
                    and (not request.plan
                        or request.plan.state != 'approved')):
                raise SourcingError(gettext(
                        'purchase_flow.msg_request_plan',
                        request=request.rec_name))
            minimum = int(Parameter.get(
                    'purchase_min_quotations', request.company, default=3))
            received = [l for l in request.quotation_lines
                if l.quotation_state == 'received'
                and l.unit_price is not None]
            suppliers = {l.supplier for l in received}
            if len(suppliers) < minimum:
                raise SourcingError(gettext(
                        'purchase_flow.msg_request_quotations',
                        request=request.rec_name, count=len(suppliers),
                        minimum=minimum))
            chosen = request.best_quotation_line
            cheapest = min(l.unit_price for l in received)
            if (chosen and chosen.unit_price > cheapest
                    and not (request.choice_justification or '').strip()):
                raise SourcingError(gettext(
                        'purchase_flow.msg_request_justification',
                        request=request.rec_name,
                        supplier=chosen.supplier.rec_name))


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'
    payment_term_confirmed_by = employee_field(
        "Payment Terms Confirmed By",
        states=['quotation', 'confirmed', 'processing', 'done', 'cancelled'])
    delivery_method = fields.Selection([
            (None, ""),
            ('supplier', "Delivered by the Supplier"),
            ('carrier', "Carrier"),
            ('pickup', "Picked up by Us"),
            ], "Delivery Method",
        states={
            'readonly': ~Eval('state').in_(['draft', 'quotation']),
            },
        help="How the goods come (PF-5).")
    after_sales_terms = fields.Text(
        "After-Sales Terms",
        states={
            'readonly': ~Eval('state').in_(['draft', 'quotation']),
            },
        help="Warranty, returns and service the supplier commits to (PF-5).")
    chain_stage = fields.Function(fields.Selection(
            STAGES, "Stage"), 'get_chain_stage')
    chain_progress = fields.Function(
        fields.Float("Progress", digits=(1, 2)), 'get_chain_stage')
    requisitions = fields.Function(fields.Many2Many(
            'purchase.requisition', None, None, "Requisitions"),
        'get_requisitions')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'confirm_payment_term': {
                    'invisible': (
                        ~Eval('state').in_(['draft', 'quotation'])
                        | Eval('payment_term_confirmed_by')),
                    'readonly': ~Eval('payment_term'),
                    'icon': 'tryton-ok',
                    'depends': [
                        'state', 'payment_term_confirmed_by', 'payment_term'],
                    },
                })

    @classmethod
    def copy(cls, purchases, default=None):
        default = default.copy() if default else {}
        default.setdefault('payment_term_confirmed_by')
        return super().copy(purchases, default=default)

    @classmethod
    def check_modification(cls, mode, purchases, values=None, external=False):
        super().check_modification(
            mode, purchases, values=values, external=external)
        if (mode == 'write' and external and values
                and 'payment_term_confirmed_by' in values):
            raise AccessError(gettext(
                    'regulation_base.msg_approval_field_guarded',
                    field='payment_term_confirmed_by',
                    document=', '.join(r.rec_name for r in purchases[:5])))

    @classmethod
    def on_modification(cls, mode, purchases, field_names=None):
        "PF-5: a new payment term needs finance again"
        super().on_modification(mode, purchases, field_names=field_names)
        if (mode == 'write' and field_names and 'payment_term' in field_names
                and 'payment_term_confirmed_by' not in field_names):
            confirmed = [p for p in purchases if p.payment_term_confirmed_by]
            if confirmed:
                cls.write(confirmed, {'payment_term_confirmed_by': None})

    @classmethod
    @ModelView.button
    @set_employee('payment_term_confirmed_by')
    def confirm_payment_term(cls, purchases):
        "PF-5: finance confirms the payment terms"
        for purchase in purchases:
            if not purchase.payment_term:
                raise PurchaseFlowError(gettext(
                        'purchase_flow.msg_purchase_payment_term',
                        purchase=purchase.rec_name))

    @classmethod
    @ModelView.button
    def confirm(cls, purchases):
        "PF-5: confirmed payment terms, delivery and after-sales recorded"
        for purchase in purchases:
            if (purchase.state == 'quotation'
                    and in_force('purchase_flow', purchase.company)):
                purchase.check_contract()
        super().confirm(purchases)

    def check_contract(self):
        if not self.payment_term_confirmed_by:
            raise PurchaseFlowError(gettext(
                    'purchase_flow.msg_purchase_payment_term_confirmed',
                    purchase=self.rec_name))
        if not self.delivery_method or not (
                self.after_sales_terms or '').strip():
            raise PurchaseFlowError(gettext(
                    'purchase_flow.msg_purchase_contract_terms',
                    purchase=self.rec_name))

    def get_requisitions(self, name):
        RequisitionLine = Pool().get('purchase.requisition.line')
        return list({r.origin.requisition.id for l in self.lines
                for r in getattr(l, 'requests', [])
                if isinstance(r.origin, RequisitionLine)})

    @property
    def urgent_to_complete(self):
        "The urgent requisitions still to complete (PF-3)"
        Requisition = Pool().get('purchase.requisition')
        return [r for r in Requisition.browse(self.get_requisitions(None))
            if r.completion_state == 'to_complete']

    def get_chain_stage(self, name):
        "PF-11: the furthest stage reached by the purchase"
        if self.state in {'draft', 'quotation', 'cancelled'}:
            stage = 'negotiation'
        else:
            stage = 'contract'
            moves = [m for l in self.lines for m in l.moves
                if m.state != 'cancelled']
            if any(m.state == 'done' for m in moves):
                stage = 'receipt'
            inspected = [s for s in self.shipments
                if getattr(s, 'inspection_state', None) == 'passed']
            if inspected:
                stage = 'inspection'
            if (moves and all(m.state == 'done' for m in moves)
                    and all(s.state == 'done' for s in self.shipments)):
                stage = 'stock'
            if any(i.state in {'posted', 'paid'} for i in self.invoices):
                stage = 'reconciliation'
            if self.invoice_state == 'paid':
                stage = 'payment'
        if name == 'chain_progress':
            return (STAGE_ORDER.index(stage) + 1) / len(STAGE_ORDER)
        return stage
