# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payables (PF-8): the supplier invoice reconciled with the receipts,
purchasing then the GM approve the payment, bank transfer by default, and
the payment block of urgent purchases (PF-3)."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.regulation_base import ApprovalMixin, in_force
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import PurchaseFlowError


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'
    mismatch_reason = fields.Text(
        "Mismatch Reason",
        states={
            'invisible': Eval('type') != 'in',
            'readonly': Eval('state') != 'draft',
            },
        help="Why the invoice differs from the goods received and the "
        "supplier's terms, and how it was corrected (PF-8).")

    def payable_mismatches(self):
        """PF-8: what differs from the receipts and the order's terms.

        Return a list of translated lines; empty when all matches.
        """
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        Uom = pool.get('product.uom')
        mismatches = []
        if self.type != 'in':
            return mismatches
        purchases = set()
        for line in self.lines:
            origin = getattr(line, 'origin', None)
            if not isinstance(origin, PurchaseLine):
                continue
            purchases.add(origin.purchase)
            if line.unit_price != origin.unit_price:
                mismatches.append(gettext(
                        'purchase_flow.msg_payable_price',
                        product=origin.rec_name, price=line.unit_price,
                        ordered=origin.unit_price))
            if origin.product and origin.product.type == 'goods':
                received = sum(
                    Uom.compute_qty(m.unit, m.quantity, origin.unit)
                    for m in origin.moves if m.state == 'done')
                invoiced = sum(
                    Uom.compute_qty(l.unit, l.quantity, origin.unit)
                    for l in origin.invoice_lines
                    if l != line and l.invoice
                    and l.invoice.state in {'posted', 'paid'})
                quantity = Uom.compute_qty(
                    line.unit, line.quantity, origin.unit)
                due = origin.unit.round(received - invoiced)
                if origin.unit.round(quantity) != due:
                    mismatches.append(gettext(
                            'purchase_flow.msg_payable_quantity',
                            product=origin.rec_name, quantity=quantity,
                            received=due))
        for purchase in purchases:
            if (purchase.payment_term
                    and self.payment_term != purchase.payment_term):
                mismatches.append(gettext(
                        'purchase_flow.msg_payable_terms',
                        purchase=purchase.rec_name,
                        terms=purchase.payment_term.rec_name))
        return mismatches

    @classmethod
    def post(cls, invoices):
        """PF-8: a supplier invoice matches the receipts or says why;
        PF-3: an urgent purchase is paid once its requisition is done"""
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        for invoice in invoices:
            if (invoice.type != 'in' or invoice.state != 'draft'
                    or not in_force('purchase_flow', invoice.company)):
                continue
            for line in invoice.lines:
                origin = getattr(line, 'origin', None)
                if isinstance(origin, PurchaseLine):
                    pending = origin.purchase.urgent_to_complete
                    if pending:
                        raise PurchaseFlowError(gettext(
                                'purchase_flow.msg_invoice_urgent',
                                invoice=invoice.rec_name,
                                requisition=pending[0].rec_name))
            mismatches = invoice.payable_mismatches()
            if mismatches and not (invoice.mismatch_reason or '').strip():
                raise PurchaseFlowError(gettext(
                        'purchase_flow.msg_payable_mismatch',
                        invoice=invoice.rec_name,
                        mismatches='\n'.join(mismatches)))
        super().post(invoices)


class Payment(ApprovalMixin, metaclass=PoolMeta):
    __name__ = 'account.payment'
    _approval_regulation = 'purchase_flow'
    _approval_material_fields = {'amount', 'party', 'settlement'}

    settlement = fields.Selection([
            ('bank_transfer', "Bank Transfer"),
            ('cash', "Cash"),
            ], "Settlement", required=True, sort=False,
        states={'readonly': Eval('state') != 'draft'},
        help="Bank transfer is the rule; cash needs a reason (PF-8).")
    cash_reason = fields.Text(
        "Cash Reason",
        states={
            'invisible': Eval('settlement') != 'cash',
            'required': (Eval('settlement') == 'cash')
            & (Eval('state') != 'draft'),
            'readonly': Eval('state') != 'draft',
            })

    @classmethod
    def default_settlement(cls):
        return 'bank_transfer'

    def approval_requester(self):
        return self.submitted_by

    def approval_amount(self):
        return self.amount

    def _approval_environment(self):
        env = super()._approval_environment()
        env['kind'] = self.kind
        return env

    @classmethod
    def _approval_approved(cls, payments):
        cls.approve(payments)

    @classmethod
    def _approval_rejected(cls, payments):
        cls.draft(payments)

    @classmethod
    @ModelView.button
    def submit(cls, payments):
        "PF-8: purchasing then the GM approve a payable"
        for payment in payments:
            if (payment.state == 'draft' and payment.settlement == 'cash'
                    and not (payment.cash_reason or '').strip()
                    and in_force('purchase_flow', payment.company)):
                raise PurchaseFlowError(gettext(
                        'purchase_flow.msg_payment_cash_reason',
                        payment=payment.rec_name))
        super().submit(payments)
        payables = [p for p in cls.browse([p.id for p in payments])
            if p.state == 'submitted' and p.kind == 'payable']
        if payables:
            cls.approval_submit(payables)

    @classmethod
    @ModelView.button
    def approve(cls, payments):
        for payment in payments:
            if (payment.kind == 'payable'
                    and payment.approval_state != 'approved'):
                ApprovalMixin.required(lambda cls, records: None)(
                    cls, [payment])
        super().approve(payments)

    @classmethod
    @ModelView.button
    def draft(cls, payments):
        super().draft(payments)
        cls.approval_reset(payments)
