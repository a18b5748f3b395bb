# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The receipt checked against the order and the delivery note (PF-6)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import WorkflowGuardMixin, in_force
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import ReceiptError


class ShipmentIn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'
    delivery_note = fields.Char(
        "Delivery Note",
        states={'readonly': Eval('state') != 'draft'},
        help="The number of the supplier's delivery note.")
    delivery_note_amount = fields.Numeric(
        "Delivery Note Amount", digits=(16, 2),
        states={'readonly': Eval('state') != 'draft'},
        help="The amount written on the delivery note; it must equal the "
        "amount of the goods received at the order's prices (PF-6).")
    questions = fields.One2Many(
        'purchase.flow.question', 'shipment', "Questions to Purchasing",
        readonly=True)
    inspection_state = fields.Function(fields.Selection([
                (None, ""),
                ('pending', "Pending"),
                ('passed', "Passed"),
                ('failed', "Failed"),
                ], "Inspection"), 'get_inspection_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'check_receipt': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-search',
                    'depends': ['state'],
                    },
                'return_goods': {
                    'invisible': ((Eval('state') != 'draft')
                        | (Eval('inspection_state') != 'failed')),
                    'icon': 'tryton-back',
                    'depends': ['state', 'inspection_state'],
                    },
                })

    def get_inspection_state(self, name):
        "PF-7: the state of the inspections made at receipt"
        states = {i.state for i in self.quality_inspections
            if 'stock.shipment.in:receive' in (i.control.operations or [])}
        for state in ['failed', 'pending', 'passed']:
            if state in states:
                return state

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default else {}
        default.setdefault('questions')
        default.setdefault('delivery_note')
        default.setdefault('delivery_note_amount')
        return super().copy(shipments, default=default)

    def receipt_mismatches(self):
        """PF-6: what differs from the orders and the delivery note.

        Return a list of translated lines; empty when all matches.
        """
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        Uom = pool.get('product.uom')
        Date = pool.get('ir.date')
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        mismatches = []
        amount = Decimal(0)
        for move in self.incoming_moves:
            if move.state == 'cancelled':
                continue
            amount += (move.unit_price or 0) * Decimal(str(move.quantity))
            line = move.origin
            if not isinstance(line, PurchaseLine):
                mismatches.append(gettext(
                        'purchase_flow.msg_receipt_not_ordered',
                        product=move.product.rec_name))
                continue
            if line.product != move.product:
                mismatches.append(gettext(
                        'purchase_flow.msg_receipt_product',
                        product=move.product.rec_name,
                        ordered=line.product.rec_name if line.product
                        else line.description))
                continue
            received = sum(Uom.compute_qty(m.unit, m.quantity, line.unit)
                for m in line.moves
                if m.state == 'done' and m != move)
            remaining = line.unit.round(line.quantity - received)
            quantity = line.unit.round(
                Uom.compute_qty(move.unit, move.quantity, line.unit))
            if quantity != remaining:
                mismatches.append(gettext(
                        'purchase_flow.msg_receipt_quantity',
                        product=move.product.rec_name,
                        quantity=quantity, ordered=remaining,
                        purchase=line.purchase.rec_name))
            due = line.delivery_date
            if due and today > due:
                mismatches.append(gettext(
                        'purchase_flow.msg_receipt_late',
                        product=move.product.rec_name, date=due,
                        purchase=line.purchase.rec_name))
        amount = self.company.currency.round(amount)
        if self.delivery_note_amount != amount:
            mismatches.append(gettext(
                    'purchase_flow.msg_receipt_amount',
                    note=self.delivery_note_amount, amount=amount))
        return mismatches

    @classmethod
    @ModelView.button
    def check_receipt(cls, shipments):
        """PF-6: check the goods against the orders; a mismatch opens a
        question to purchasing due the same day"""
        pool = Pool()
        Question = pool.get('purchase.flow.question')
        Date = pool.get('ir.date')
        questions = []
        for shipment in shipments:
            if shipment.delivery_note_amount is None:
                raise ReceiptError(gettext(
                        'purchase_flow.msg_receipt_note_amount',
                        shipment=shipment.rec_name))
            mismatches = shipment.receipt_mismatches()
            if not mismatches:
                continue
            if any(q.state == 'open' for q in shipment.questions):
                continue
            with Transaction().set_context(company=shipment.company.id):
                today = Date.today()
            questions.append(Question(
                    company=shipment.company,
                    shipment=shipment,
                    date=today,
                    due_date=today,
                    description='\n'.join(mismatches)))
        Question.save(questions)

    @classmethod
    @ModelView.button
    def receive(cls, shipments):
        "PF-6: a mismatch blocks the receipt until purchasing accepts it"
        for shipment in shipments:
            if (shipment.state != 'draft'
                    or not in_force('purchase_flow', shipment.company)):
                continue
            if shipment.delivery_note_amount is None:
                raise ReceiptError(gettext(
                        'purchase_flow.msg_receipt_note_amount',
                        shipment=shipment.rec_name))
            mismatches = shipment.receipt_mismatches()
            if mismatches and not any(
                    q.state == 'accepted' for q in shipment.questions):
                raise ReceiptError(gettext(
                        'purchase_flow.msg_receipt_mismatch',
                        shipment=shipment.rec_name,
                        mismatches='\n'.join(mismatches)))
            if shipment.inspection_state == 'failed':
                raise ReceiptError(gettext(
                        'purchase_flow.msg_receipt_inspection_failed',
                        shipment=shipment.rec_name))
        super().receive(shipments)
        # PF-7: goods that passed their inspection go to stock
        passed = [s for s in cls.browse([s.id for s in shipments])
            if s.state == 'received' and s.inspection_state == 'passed'
            and in_force('purchase_flow', s.company)]
        if passed:
            cls.do(passed)

    @classmethod
    @ModelView.button
    def return_goods(cls, shipments):
        "PF-7: goods that failed their inspection go back to the supplier"
        pool = Pool()
        Alert = pool.get('quality.alert')
        shipments = [s for s in shipments
            if s.state == 'draft' and s.inspection_state == 'failed']
        alerts = [a for s in shipments for i in s.quality_inspections
            for a in i.alerts if a.state in {'open', 'processing'}]
        to_process = [a for a in alerts if a.state == 'open']
        if to_process:
            Alert.process(to_process)
        if alerts:
            Alert.resolve(alerts)
        cls.cancel(shipments)


class ReceiptQuestion(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Receipt Question"
    __name__ = 'purchase.flow.question'
    _workflow_guarded = {'state', 'answered_by'}
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    shipment = fields.Many2One(
        'stock.shipment.in', "Supplier Shipment", required=True,
        readonly=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True, readonly=True)
    due_date = fields.Date(
        "Due Date", required=True, readonly=True,
        help="Purchasing answers the same day (PF-6).")
    description = fields.Text("Mismatch", required=True, readonly=True)
    answer = fields.Text(
        "Answer", states={'readonly': Eval('state') != 'open'})
    answered_by = employee_field(
        "Answered By", states=['accepted', 'refused'])
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue')
    state = fields.Selection([
            ('open', "Open"),
            ('accepted', "Accepted"),
            ('refused', "Refused"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'accepted'),
            ('open', 'refused'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    def get_rec_name(self, name):
        return '%s @ %s' % (self.shipment.rec_name, self.date)

    def get_overdue(self, name):
        Date = Pool().get('ir.date')
        with Transaction().set_context(company=self.company.id):
            return self.state == 'open' and Date.today() > self.due_date

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'open', 'danger', '')),
            ]

    @classmethod
    def check_modification(cls, mode, questions, values=None, external=False):
        super().check_modification(
            mode, questions, values=values, external=external)
        if external and mode == 'delete':
            raise AccessError(gettext('purchase_flow.msg_question_delete'))

    @classmethod
    def _check_answer(cls, questions):
        for question in questions:
            if not (question.answer or '').strip():
                raise ReceiptError(gettext(
                        'purchase_flow.msg_question_answer',
                        question=question.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    @set_employee('answered_by')
    def accept(cls, questions):
        "Purchasing accepts the difference: the goods may be received"
        cls._check_answer(questions)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    @set_employee('answered_by')
    def refuse(cls, questions):
        "Purchasing refuses the delivery: the goods go back"
        cls._check_answer(questions)
