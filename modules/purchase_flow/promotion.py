# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Weekly promotions whose purchasing funds the GM approves (PF-10)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits
from trytond.modules.regulation_base import ApprovalWorkflowMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import PurchaseFlowError


class Promotion(ApprovalWorkflowMixin, ModelSQL, ModelView):
    "Promotion Plan"
    __name__ = 'purchase.flow.promotion'
    _approval_regulation = 'purchase_flow'
    _approval_material_fields = {'lines'}

    _draft = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    name = fields.Char("Name", required=True, states=_draft)
    employee = fields.Many2One(
        'company.employee', "Proposed By", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    meeting_date = fields.Date(
        "Weekly Meeting", required=True, states=_draft,
        help="The weekly meeting that set the promotion.")
    start_date = fields.Date("Start Date", required=True, states=_draft)
    end_date = fields.Date(
        "End Date", required=True, states=_draft,
        domain=[('end_date', '>=', Eval('start_date'))])
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, states=_draft,
        domain=[('type', '=', 'warehouse')])
    lines = fields.One2Many(
        'purchase.flow.promotion.line', 'promotion', "Products",
        states=_draft)
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'get_currency')
    funds = fields.Function(Monetary(
            "Purchasing Funds", currency='currency', digits='currency'),
        'get_funds')
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting"),
            ('approved', "Approved"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        # cancelled before submission only, and drafted again
        cls._transitions.discard(('waiting', 'cancelled'))
        cls._transitions.add(('cancelled', 'draft'))
        cls._buttons['submit']['readonly'] = ~Eval('lines', [])
        cls._buttons['draft']['invisible'] = ~Eval('state').in_(
            ['waiting', 'cancelled'])
        cls._buttons['cancel']['invisible'] = Eval('state') != 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    def get_currency(self, name):
        return self.company.currency.id if self.company else None

    def get_funds(self, name):
        total = sum((l.amount or Decimal(0) for l in self.lines), Decimal(0))
        return self.company.currency.round(total) if self.company else total

    def approval_amount(self):
        return self.funds

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'cancelled', 'muted', '')),
            ]

    @classmethod
    def check_modification(cls, mode, promotions, values=None,
            external=False):
        super().check_modification(
            mode, promotions, values=values, external=external)
        if mode == 'delete':
            for promotion in promotions:
                if promotion.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'purchase_flow.msg_promotion_delete',
                            promotion=promotion.rec_name))

    @classmethod
    @ModelView.button
    @ApprovalWorkflowMixin.submitting('waiting')
    def submit(cls, promotions):
        for promotion in promotions:
            if not promotion.lines:
                raise PurchaseFlowError(gettext(
                        'purchase_flow.msg_promotion_no_line',
                        promotion=promotion.rec_name))

    @classmethod
    @ApprovalWorkflowMixin.required
    @Workflow.transition('approved')
    def approve(cls, promotions):
        "PF-10: the approved funds become purchase requests"
        pool = Pool()
        Request = pool.get('purchase.request')
        requests = [l.get_request() for p in promotions for l in p.lines]
        Request.save([r for r in requests if r])


class PromotionLine(ModelSQL, ModelView):
    "Promotion Product"
    __name__ = 'purchase.flow.promotion.line'
    promotion = fields.Many2One(
        'purchase.flow.promotion', "Promotion", required=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True,
        domain=[('purchasable', '=', True)])
    promotion_price = Monetary(
        "Promotion Price", currency='currency', digits=price_digits,
        required=True, help="The selling price during the promotion.")
    quantity = fields.Float(
        "Supply", required=True, help="The quantity to buy for the promotion.")
    unit_cost = Monetary(
        "Purchase Price", currency='currency', digits=price_digits,
        required=True)
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    amount = fields.Function(Monetary(
            "Funds", currency='currency', digits='currency'),
        'on_change_with_amount')
    requests = fields.One2Many(
        'purchase.request', 'origin', "Purchase Requests", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('promotion')

    @fields.depends('promotion', '_parent_promotion.company')
    def on_change_with_currency(self, name=None):
        if self.promotion and self.promotion.company:
            return self.promotion.company.currency

    @fields.depends('quantity', 'unit_cost')
    def on_change_with_amount(self, name=None):
        if self.quantity is None or self.unit_cost is None:
            return None
        return Decimal(str(self.quantity)) * self.unit_cost

    def get_rec_name(self, name):
        return '%s @ %s' % (
            self.product.rec_name if self.product else '',
            self.promotion.rec_name)

    def get_request(self):
        Request = Pool().get('purchase.request')
        if self.requests:
            return
        product = self.product
        return Request(
            product=product,
            quantity=self.quantity,
            unit=product.purchase_uom,
            computed_quantity=self.quantity,
            computed_unit=product.purchase_uom,
            supply_date=self.promotion.start_date,
            company=self.promotion.company,
            warehouse=self.promotion.warehouse,
            origin=self,
            )


class PurchaseRequest(metaclass=PoolMeta):
    __name__ = 'purchase.request'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() | {'purchase.flow.promotion.line'}
