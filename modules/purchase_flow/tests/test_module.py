# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import AccessError, ButtonActionException
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.purchase_flow.exceptions import (
    PurchaseFlowError, ReceiptError, RequisitionError, SourcingError,
    SupplierWarning)
from trytond.modules.regulation_base.exceptions import ApproverError
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

REG = 'regulation_base.group_regulation'
REQ = 'purchase_requisition.group_purchase_requisition'
PUR = 'purchase.group_purchase'
PREQ = 'purchase_request.group_purchase_request'
STOCK = 'stock.group_stock'
FIN = 'purchase_flow.group_purchase_finance'


def _today():
    return Pool().get('ir.date').today()


class PurchaseFlowTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Purchase Flow module"
    module = 'purchase_flow'

    def _org(self):
        pool = Pool()
        Location = pool.get('stock.location')
        company = create_company()
        org = {'company': company}
        with set_company(company):
            org['head'] = create_staff(company, "Head Li", job_level='middle')
            org['vp'] = create_staff(company, "VP Wang", job_level='senior')
            org['sales'] = sales = create_department(
                company, "Sales", head=org['head'], vp=org['vp'])
            org['head'].department = sales
            org['head'].save()
            org['office'] = office = create_department(company, "Office")
            org['clerk'] = create_staff(company, "Clerk Chen", sales)
            org['keeper'] = create_staff(company, "Keeper Zhou", office)
            org['gm'] = create_staff(company, "GM Zhao", office, 'senior')
            org['buyer'] = create_staff(company, "Buyer Wu", office)
            org['finance'] = create_staff(company, "Finance Sun", office)
            assign_role(company, 'general_manager', org['gm'])
            assign_role(company, 'warehouse_keeper', org['keeper'])
            assign_role(company, 'finance', org['finance'])
            assign_role(company, 'purchasing_head', org['buyer'])
            for key in ['head', 'vp', 'clerk', 'gm']:
                org['user_' + key] = create_user(key, org[key], [REG, REQ])
            org['user_keeper'] = create_user(
                'keeper', org['keeper'], [REG, REQ, STOCK])
            org['user_buyer'] = create_user(
                'buyer', org['buyer'], [REG, REQ, PUR, PREQ])
            org['user_finance'] = create_user(
                'finance', org['finance'], [REG, FIN])
            org['warehouse'], = Location.search([('code', '=', 'WH')])
            org['storage'], = Location.search([('code', '=', 'STO')])
            org['supplier_location'], = Location.search(
                [('code', '=', 'SUP')])
            org['product'] = self._product("Paper A4", Decimal('25'))
            org['toner'] = self._product("Toner", Decimal('300'))
            org['suppliers'] = [self._party(n) for n in [
                    "Suzhou Paper", "Dongguan Office", "Ningbo Supply"]]
        return org

    def _product(self, name, price):
        pool = Pool()
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': name, 'type': 'goods', 'purchasable': True,
                    'default_uom': unit.id, 'purchase_uom': unit.id,
                    'list_price': price,
                    'products': [('create', [{}])],
                    }])
        return template.products[0]

    def _party(self, name):
        Party = Pool().get('party.party')
        party, = Party.create([{
                    'name': name, 'addresses': [('create', [{}])]}])
        return party

    def _stock(self, org, product, quantity):
        Move = Pool().get('stock.move')
        move, = Move.create([{
                    'product': product.id, 'unit': product.default_uom.id,
                    'quantity': quantity,
                    'from_location': org['supplier_location'].id,
                    'to_location': org['storage'].id,
                    'unit_price': Decimal('1'),
                    'currency': org['company'].currency.id,
                    'company': org['company'].id,
                    'effective_date': _today(),
                    }])
        with Transaction().set_context(_skip_warnings=True):
            Move.do([move])

    def _requisition(self, org, lines, urgent=False, reason="Monthly need"):
        Requisition = Pool().get('purchase.requisition')
        with as_user(org['user_clerk']):
            requisition, = Requisition.create([{
                        'company': org['company'].id,
                        'employee': org['clerk'].id,
                        'department': org['sales'].id,
                        'warehouse': org['warehouse'].id,
                        'supply_date': _today() + dt.timedelta(days=10),
                        'reason': reason,
                        'urgent': urgent,
                        'lines': [('create', [{
                                        'product': p.id, 'quantity': q,
                                        'unit': p.default_uom.id,
                                        'unit_price': price,
                                        } for p, q, price in lines])],
                        }])
        return Requisition(requisition.id)

    def _decide(self, user, record, reject=False):
        Approval = Pool().get('regulation.approval')
        step, = [a for a in record.__class__(record.id).approvals
            if a.state == 'pending']
        with as_user(user):
            if reject:
                Approval.decide([Approval(step.id)], 'rejected', "No")
            else:
                Approval.approve([Approval(step.id)])

    @with_transaction()
    def test_requisition_chain(self):
        "PF-1, PF-2: head, VP, warehouse keeper then GM approve"
        pool = Pool()
        Requisition = pool.get('purchase.requisition')
        Line = pool.get('purchase.requisition.line')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 10, Decimal('25'))])
        with as_user(org['user_clerk']):
            Requisition.wait([requisition])
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.state, 'waiting')
        self.assertEqual(
            [a.approver for a in requisition.approvals],
            [org['head'], org['vp'], org['keeper'], org['gm']])
        # Tryton's approval button no longer bypasses the chain
        with self.assertRaises(Exception):
            Requisition.approve([requisition])
        with as_user(org['user_gm']):
            with self.assertRaises(ApproverError):
                self._decide(org['user_gm'], requisition)
        for key in ['head', 'vp']:
            self._decide(org['user_' + key], requisition)
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.approval_approver, org['keeper'])
        with as_user(org['user_keeper']):
            Line.write(list(requisition.lines), {'purchase_quantity': 10})
        self._decide(org['user_keeper'], requisition)
        self.assertEqual(Requisition(requisition.id).state, 'waiting')
        self._decide(org['user_gm'], requisition)
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.state, 'approved')
        Requisition.process([requisition])
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.state, 'processing')
        self.assertEqual(requisition.approval_state, 'approved')
        request, = requisition.lines[0].purchase_requests
        self.assertEqual(request.quantity, 10)

    @with_transaction()
    def test_requisition_reason(self):
        "PF-1: a requisition states its reason"
        Requisition = Pool().get('purchase.requisition')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 10, Decimal('25'))], reason='')
        with as_user(org['user_clerk']):
            with self.assertRaises(RequisitionError):
                Requisition.wait([requisition])
        self.assertEqual(Requisition(requisition.id).state, 'draft')

    @with_transaction()
    def test_keeper_sets_quantity(self):
        "PF-2: the warehouse keeper sees the stock and sets the quantity"
        pool = Pool()
        Requisition = pool.get('purchase.requisition')
        Line = pool.get('purchase.requisition.line')
        org = self._org()
        self._stock(org, org['toner'], 5)
        requisition = self._requisition(org, [
                (org['product'], 10, Decimal('25')),
                (org['toner'], 2, Decimal('300')),
                ])
        with as_user(org['user_clerk']):
            Requisition.wait([requisition])
        for key in ['head', 'vp']:
            self._decide(org['user_' + key], requisition)
        paper, toner = Requisition(requisition.id).lines
        self.assertEqual(paper.stock_quantity, 0)
        self.assertEqual(toner.stock_quantity, 5)
        # nobody else sets it, nor changes a submitted line
        for key in ['clerk', 'gm']:
            with as_user(org['user_' + key]):
                with self.assertRaises(AccessError):
                    Line.write([paper], {'purchase_quantity': 1})
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Line.write([paper], {'quantity': 100})
            with self.assertRaises(AccessError):
                Requisition.write([requisition], {'urgent': True})
        with as_user(org['user_keeper']):
            with self.assertRaises(RequisitionError):
                Line.write([paper], {'purchase_quantity': 11})
            Line.write([paper], {'purchase_quantity': 6})
            Line.write([toner], {'purchase_quantity': 0})
        self.assertTrue(Line(toner.id).closed)
        self._decide(org['user_keeper'], requisition)
        # once decided, the keeper no longer changes it
        with as_user(org['user_keeper']):
            with self.assertRaises(AccessError):
                Line.write([paper], {'purchase_quantity': 8})
        self._decide(org['user_gm'], requisition)
        Requisition.process([Requisition(requisition.id)])
        paper, toner = Requisition(requisition.id).lines
        request, = paper.purchase_requests
        self.assertEqual(request.quantity, 6)
        self.assertEqual(toner.purchase_requests, ())

    @with_transaction()
    def test_keeper_quantity_required(self):
        "PF-2: the warehouse keeper sets every quantity before deciding"
        Requisition = Pool().get('purchase.requisition')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 10, Decimal('25'))])
        with as_user(org['user_clerk']):
            Requisition.wait([requisition])
        for key in ['head', 'vp']:
            self._decide(org['user_' + key], requisition)
        with self.assertRaises(RequisitionError):
            self._decide(org['user_keeper'], requisition)

    @with_transaction()
    def test_requisition_rejected(self):
        "PF-2: a rejection sends the requisition back"
        Requisition = Pool().get('purchase.requisition')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 10, Decimal('25'))])
        with as_user(org['user_clerk']):
            Requisition.wait([requisition])
        self._decide(org['user_head'], requisition, reject=True)
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.state, 'rejected')
        self.assertEqual(requisition.lines[0].purchase_requests, ())

    @with_transaction()
    def test_requisition_visibility(self):
        "PF-1: requesters see their requisitions, approvers theirs"
        Requisition = Pool().get('purchase.requisition')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 10, Decimal('25'))])
        with as_user(org['user_keeper']):
            self.assertEqual(Requisition.search([]), [])
        with as_user(org['user_clerk']):
            self.assertEqual(Requisition.search([]), [requisition])
            Requisition.wait([requisition])
        for key in ['head', 'keeper', 'buyer']:
            with as_user(org['user_' + key]):
                self.assertEqual(Requisition.search([]), [requisition])
        with as_user(org['user_finance']):
            with self.assertRaises(AccessError):
                Requisition.search([])

    @with_transaction()
    def test_urgent_path(self):
        "PF-3: urgent, no stock: the supervisor approves, completed after"
        Requisition = Pool().get('purchase.requisition')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 2, Decimal('30'))], urgent=True)
        with as_user(org['user_clerk']):
            Requisition.wait([requisition])
        requisition = Requisition(requisition.id)
        self.assertEqual(
            [a.approver for a in requisition.approvals], [org['head']])
        self.assertIsNone(requisition.expense_claim_blocker())
        self._decide(org['user_head'], requisition)
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.state, 'approved')
        self.assertEqual(requisition.completion_state, 'to_complete')
        self.assertTrue(requisition.expense_claim_blocker())
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Requisition.write(
                    [requisition], {'completion_state': 'completed'})
            with self.assertRaises(RequisitionError):
                Requisition.complete([requisition])
            Requisition.write([requisition], {
                    'completion_note': "2 reams from the shop, 60 CNY"})
            Requisition.complete([requisition])
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.completion_state, 'completed')
        self.assertEqual(requisition.completed_by, org['clerk'])
        self.assertIsNone(requisition.expense_claim_blocker())

    @with_transaction()
    def test_urgent_limits(self):
        "PF-3: the urgent path only under the amount and without stock"
        Requisition = Pool().get('purchase.requisition')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 4, Decimal('25'))], urgent=True)
        with as_user(org['user_clerk']):
            with self.assertRaises(RequisitionError):
                Requisition.wait([requisition])
        self._stock(org, org['toner'], 1)
        requisition = self._requisition(
            org, [(org['toner'], 1, Decimal('50'))], urgent=True)
        with as_user(org['user_clerk']):
            with self.assertRaises(RequisitionError):
                Requisition.wait([requisition])
        self.assertEqual(Requisition(requisition.id).state, 'draft')

    @with_transaction()
    def test_not_in_force(self):
        "PF-2, PF-3: not in force, Tryton's requisition works as before"
        pool = Pool()
        Requisition = pool.get('purchase.requisition')
        Document = pool.get('regulation.document')
        org = self._org()
        document, = Document.create([{
                    'name': "Purchasing", 'code': 'purchase_flow',
                    'version': '1', 'effective_date': dt.date(2020, 1, 1),
                    }])
        Document.discuss([document])
        Document.review([document])
        Document.approve([document])
        Document.publish([document])
        requisition = self._requisition(
            org, [(org['product'], 40, Decimal('25'))], urgent=True,
            reason='')
        with as_user(org['user_clerk']):
            Requisition.wait([requisition])
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.state, 'approved')
        self.assertIsNone(requisition.completion_state)

    def _request(self, org, quantity=10):
        Request = Pool().get('purchase.request')
        request, = Request.create([{
                    'company': org['company'].id,
                    'product': org['product'].id,
                    'quantity': quantity,
                    'unit': org['product'].default_uom.id,
                    'warehouse': org['warehouse'].id,
                    }])
        return request

    def _plan(self, org, requests, approve=True):
        pool = Pool()
        Plan = pool.get('purchase.flow.plan')
        with as_user(org['user_buyer']):
            plan, = Plan.create([{
                        'company': org['company'].id,
                        'employee': org['buyer'].id,
                        'description': "November",
                        'requests': [('add', [r.id for r in requests])],
                        }])
            Plan.submit([plan])
        plan = Plan(plan.id)
        if approve:
            self.assertEqual([a.approver for a in plan.approvals],
                [org['gm'], org['finance']])
            self._decide(org['user_gm'], plan)
            self._decide(org['user_finance'], plan)
        return Plan(plan.id)

    def _quote(self, org, request, supplier, price):
        pool = Pool()
        Quotation = pool.get('purchase.request.quotation')
        quotation, = Quotation.create([{
                    'company': org['company'].id,
                    'supplier': supplier.id,
                    'lines': [('create', [{
                                    'request': request.id,
                                    'quantity': request.quantity,
                                    'unit': request.unit.id,
                                    'unit_price': price,
                                    'currency': org['company'].currency.id,
                                    }])],
                    }])
        Quotation.send([quotation])
        Quotation.receive([quotation])
        return quotation.lines[0]

    @with_transaction()
    def test_plan(self):
        "PF-2: the purchase plan goes to the GM and finance"
        pool = Pool()
        Plan = pool.get('purchase.flow.plan')
        Request = pool.get('purchase.request')
        org = self._org()
        request = self._request(org)
        with self.assertRaises(SourcingError):
            Request.check_sourcing([request])
        plan = self._plan(org, [request], approve=False)
        self.assertEqual(plan.state, 'waiting')
        with as_user(org['user_clerk']):
            self.assertEqual(Plan.search([]), [])
        with as_user(org['user_gm']):
            self.assertEqual(Plan.search([]), [plan])
        with as_user(org['user_finance']):
            with self.assertRaises(ApproverError):
                self._decide(org['user_finance'], plan)
        self._decide(org['user_gm'], plan)
        self._decide(org['user_finance'], plan)
        self.assertEqual(Plan(plan.id).state, 'approved')
        with as_user(org['user_buyer']):
            with self.assertRaises(AccessError):
                Plan.delete([plan])

    @with_transaction()
    def test_quotations(self):
        "PF-4: enough quotations, the choice justified when not the cheapest"
        Request = Pool().get('purchase.request')
        org = self._org()
        request = self._request(org)
        self._plan(org, [request])
        prices = [Decimal('24'), Decimal('22'), Decimal('23')]
        lines = []
        for supplier, price in zip(org['suppliers'][:2], prices):
            lines.append(self._quote(org, request, supplier, price))
        with self.assertRaises(SourcingError):
            Request.check_sourcing([Request(request.id)])
        lines.append(self._quote(org, request, org['suppliers'][2], prices[2]))
        Request.check_sourcing([Request(request.id)])
        Request.write([request], {'preferred_quotation_line': lines[0].id})
        with self.assertRaises(SourcingError):
            Request.check_sourcing([Request(request.id)])
        Request.write([request], {
                'choice_justification': "Delivers in 2 days, not 2 weeks"})
        Request.check_sourcing([Request(request.id)])

    @with_transaction()
    def test_min_quotations_parameter(self):
        "PF-4: the minimum number of quotations is a parameter"
        pool = Pool()
        Request = pool.get('purchase.request')
        Parameter = pool.get('regulation.parameter')
        org = self._org()
        Parameter.create([{
                    'code': 'purchase_min_quotations', 'name': "Quotations",
                    'value': Decimal(1), 'type': 'count',
                    'effective_date': dt.date(2020, 1, 1),
                    }])
        request = self._request(org)
        self._plan(org, [request])
        self._quote(org, request, org['suppliers'][0], Decimal('20'))
        Request.check_sourcing([Request(request.id)])

    def _purchase(self, org, state='quotation', quantity=10):
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        PaymentTerm = pool.get('account.invoice.payment_term')
        term, = PaymentTerm.create([{
                    'name': "30 days",
                    'lines': [('create', [{'type': 'remainder',
                                    'relativedeltas': [('create', [
                                                {'days': 30}])]}])],
                    }])
        with set_company(org['company']):
            purchase, = Purchase.create([{
                        'company': org['company'].id,
                        'party': org['suppliers'][0].id,
                        'invoice_address': (
                            org['suppliers'][0].addresses[0].id),
                        'payment_term': term.id,
                        'invoice_method': 'manual',
                        'warehouse': org['warehouse'].id,
                        'currency': org['company'].currency.id,
                        'delivery_date': _today(),
                        'lines': [('create', [{
                                        'product': org['product'].id,
                                        'quantity': quantity,
                                        'unit': org['product'].default_uom.id,
                                        'unit_price': Decimal('25'),
                                        }])],
                        }])
            Purchase.quote([purchase])
        return Purchase(purchase.id)

    @with_transaction()
    def test_payment_terms_confirmed(self):
        "PF-5: finance confirms the payment terms before the order"
        Purchase = Pool().get('purchase.purchase')
        org = self._org()
        purchase = self._purchase(org)
        self.assertEqual(purchase.state, 'quotation')
        with self.assertRaises(PurchaseFlowError):
            Purchase.confirm([purchase])
        with as_user(org['user_buyer']):
            with self.assertRaises(AccessButtonError):
                Purchase.confirm_payment_term([purchase])
            with self.assertRaises(AccessError):
                Purchase.write([purchase], {
                        'payment_term_confirmed_by': org['buyer'].id})
        with as_user(org['user_finance']):
            Purchase.confirm_payment_term([purchase])
        purchase = Purchase(purchase.id)
        self.assertEqual(purchase.payment_term_confirmed_by, org['finance'])
        # delivery method and after-sales terms are recorded
        with self.assertRaises(PurchaseFlowError):
            Purchase.confirm([purchase])
        Purchase.write([purchase], {
                'delivery_method': 'supplier',
                'after_sales_terms': "1 year warranty"})
        # a changed payment term needs finance again
        term, = Pool().get('account.invoice.payment_term').copy(
            [purchase.payment_term])
        Purchase.write([purchase], {'payment_term': term.id})
        self.assertIsNone(Purchase(purchase.id).payment_term_confirmed_by)
        with self.assertRaises(PurchaseFlowError):
            Purchase.confirm([Purchase(purchase.id)])
        with as_user(org['user_finance']):
            Purchase.confirm_payment_term([purchase])
        Purchase.confirm([Purchase(purchase.id)])
        self.assertIn(Purchase(purchase.id).state, {'confirmed', 'processing'})

    def _confirmed(self, org, quantity=10):
        Purchase = Pool().get('purchase.purchase')
        purchase = self._purchase(org, quantity=quantity)
        Purchase.write([purchase], {
                'delivery_method': 'supplier',
                'after_sales_terms': "1 year warranty",
                'delivery_date': _today() + dt.timedelta(days=3)})
        with as_user(org['user_finance']):
            Purchase.confirm_payment_term([purchase])
        Purchase.confirm([purchase])
        Purchase.process([purchase])
        return Purchase(purchase.id)

    def _shipment(self, org, purchase, **values):
        pool = Pool()
        ShipmentIn = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        moves = [m for l in purchase.lines for m in l.moves]
        shipment, = ShipmentIn.create([dict({
                        'company': org['company'].id,
                        'supplier': purchase.party.id,
                        'warehouse': org['warehouse'].id,
                        'warehouse_input': (
                            org['warehouse'].input_location.id),
                        'warehouse_storage': (
                            org['warehouse'].storage_location.id),
                        }, **values)])
        Move.write(moves, {'shipment': str(shipment)})
        return ShipmentIn(shipment.id)

    @with_transaction()
    def test_receipt_check(self):
        "PF-6: the receipt matches the order and the delivery note"
        pool = Pool()
        ShipmentIn = pool.get('stock.shipment.in')
        org = self._org()
        purchase = self._confirmed(org)
        self.assertEqual(purchase.chain_stage, 'contract')
        shipment = self._shipment(org, purchase)
        with as_user(org['user_keeper']):
            with self.assertRaises(ReceiptError):
                ShipmentIn.receive([shipment])
        ShipmentIn.write([shipment], {'delivery_note_amount': Decimal(250)})
        with as_user(org['user_keeper']):
            ShipmentIn.check_receipt([shipment])
            ShipmentIn.receive([shipment])
        self.assertEqual(ShipmentIn(shipment.id).state, 'received')
        self.assertEqual(ShipmentIn(shipment.id).questions, ())

    @with_transaction()
    def test_receipt_mismatch(self):
        "PF-6: a mismatch blocks the receipt and asks purchasing the same day"
        pool = Pool()
        ShipmentIn = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        Question = pool.get('purchase.flow.question')
        org = self._org()
        purchase = self._confirmed(org)
        shipment = self._shipment(
            org, purchase, delivery_note_amount=Decimal(250))
        move, = shipment.incoming_moves
        Move.write([move], {'quantity': 8})
        with as_user(org['user_keeper']):
            with self.assertRaises(ReceiptError):
                ShipmentIn.receive([shipment])
            ShipmentIn.check_receipt([shipment])
        question, = ShipmentIn(shipment.id).questions
        self.assertEqual(question.due_date, _today())
        self.assertEqual(question.state, 'open')
        self.assertIn('8', question.description)
        self.assertIn('200', question.description)
        with as_user(org['user_keeper']):
            with self.assertRaises(ReceiptError):
                ShipmentIn.receive([shipment])
            with self.assertRaises(AccessButtonError):
                Question.accept([question])
        with as_user(org['user_buyer']):
            with self.assertRaises(ReceiptError):
                Question.accept([question])
            Question.write([question], {
                    'answer': "Partial delivery, 2 follow next week; "
                    "the delivery note is corrected"})
            Question.accept([question])
        self.assertEqual(Question(question.id).answered_by, org['buyer'])
        with as_user(org['user_keeper']):
            ShipmentIn.receive([shipment])
        self.assertEqual(ShipmentIn(shipment.id).state, 'received')
        self.assertEqual(Pool().get('purchase.purchase')(
                purchase.id).chain_stage, 'receipt')

    def _control(self, org):
        Control = Pool().get('quality.control')
        control, = Control.create([{
                    'name': "Incoming goods",
                    'operations': ['stock.shipment.in:receive'],
                    'company': org['company'].id,
                    'points': [('create', [{
                                    'name': 'conforming',
                                    'string': "Conforming",
                                    'type_': 'boolean',
                                    }])],
                    }])
        return control

    def _inspect(self, shipment, conforming):
        pool = Pool()
        Control = pool.get('quality.control')
        Inspection = pool.get('quality.inspection')
        with set_company(shipment.company):
            inspections = Control.get_inspections([shipment], 'receive')
            Inspection.save(inspections)
        inspection, = inspections
        inspection.points = {'conforming': conforming}
        inspection.save()
        Inspection.process([inspection])
        return Inspection(inspection.id)

    @with_transaction()
    def test_inspection_passed(self):
        "PF-7: goods inspected at receipt; passed, they go to stock"
        pool = Pool()
        ShipmentIn = pool.get('stock.shipment.in')
        org = self._org()
        self._control(org)
        purchase = self._confirmed(org)
        shipment = self._shipment(
            org, purchase, delivery_note_amount=Decimal(250))
        with self.assertRaises(ButtonActionException):
            ShipmentIn.receive([shipment])
        self.assertEqual(self._inspect(shipment, True).state, 'passed')
        shipment = ShipmentIn(shipment.id)
        self.assertEqual(shipment.inspection_state, 'passed')
        ShipmentIn.receive([shipment])
        self.assertEqual(ShipmentIn(shipment.id).state, 'done')
        self.assertEqual(Pool().get('purchase.purchase')(
                purchase.id).chain_stage, 'stock')

    @with_transaction()
    def test_inspection_failed(self):
        "PF-7: failed goods are remedied and inspected again, or returned"
        pool = Pool()
        ShipmentIn = pool.get('stock.shipment.in')
        Inspection = pool.get('quality.inspection')
        org = self._org()
        self._control(org)
        purchase = self._confirmed(org)
        shipment = self._shipment(
            org, purchase, delivery_note_amount=Decimal(250))
        inspection = self._inspect(shipment, False)
        self.assertEqual(inspection.state, 'failed')
        with self.assertRaises(ReceiptError):
            ShipmentIn.receive([ShipmentIn(shipment.id)])
        # the alert resolved without a new inspection is not enough
        Alert = pool.get('quality.alert')
        alert, = inspection.alerts
        Alert.process([alert])
        Alert.resolve([alert])
        with self.assertRaises(ReceiptError):
            ShipmentIn.receive([ShipmentIn(shipment.id)])
        with as_user(org['user_buyer']):
            with self.assertRaises(AccessButtonError):
                ShipmentIn.return_goods([ShipmentIn(shipment.id)])
        with as_user(org['user_keeper']):
            ShipmentIn.return_goods([ShipmentIn(shipment.id)])
        self.assertEqual(ShipmentIn(shipment.id).state, 'cancelled')
        # a remedied delivery passes a new inspection
        purchase = self._confirmed(org)
        shipment = self._shipment(
            org, purchase, delivery_note_amount=Decimal(250))
        inspection = self._inspect(shipment, False)
        Inspection.pending([inspection])
        Inspection.write([inspection], {'points': {'conforming': True}})
        Inspection.process([inspection])
        ShipmentIn.receive([ShipmentIn(shipment.id)])
        self.assertEqual(ShipmentIn(shipment.id).state, 'done')

    @with_transaction()
    def test_supplier_evaluation(self):
        "PF-9: weighted scores from inspections, receipts, prices, ranking"
        pool = Pool()
        Evaluation = pool.get('purchase.flow.evaluation')
        ShipmentIn = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        org = self._org()
        self._control(org)
        # a good delivery, inspected and passed
        purchase = self._confirmed(org)
        shipment = self._shipment(
            org, purchase, delivery_note_amount=Decimal(250))
        self._inspect(shipment, True)
        ShipmentIn.receive([ShipmentIn(shipment.id)])
        # a short one, questioned, and failed at inspection
        purchase = self._confirmed(org)
        shipment = self._shipment(
            org, purchase, delivery_note_amount=Decimal(200))
        move, = shipment.incoming_moves
        Move.write([move], {'quantity': 8})
        ShipmentIn.check_receipt([shipment])
        self._inspect(ShipmentIn(shipment.id), False)
        start = _today() - dt.timedelta(days=30)
        end = _today() + dt.timedelta(days=30)
        evaluation, = Evaluation.evaluate(org['company'], start, end)
        self.assertEqual(evaluation.supplier, org['suppliers'][0])
        scores = {l.criterion.code: l.score for l in evaluation.lines}
        self.assertEqual(scores['quality'], Decimal(50))
        self.assertEqual(scores['delivery'], Decimal(50))
        self.assertEqual(scores['late'], Decimal(100))
        self.assertEqual(scores['price'], Decimal(100))
        self.assertIsNone(scores['cooperation'])
        # weights: quality 30, delivery 20, price 20, late 15 (of 85)
        self.assertEqual(evaluation.score, Decimal('70.59'))
        line, = [l for l in evaluation.lines
            if l.criterion.code == 'cooperation']
        line.score = Decimal(40)
        line.save()
        Evaluation.do([evaluation])
        evaluation = Evaluation(evaluation.id)
        self.assertEqual(evaluation.state, 'done')
        self.assertEqual(evaluation.score, Decimal('66.00'))
        self.assertEqual(evaluation.rank, 1)
        with as_user(org['user_buyer']):
            with self.assertRaises(AccessError):
                Evaluation.write([evaluation], {'score': 100})
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Evaluation.search([])

    @with_transaction()
    def test_evaluation_aftersales_defects(self):
        "PF-9, AS-8: after-sales defects of the supplier lower its quality"
        pool = Pool()
        Evaluation = pool.get('purchase.flow.evaluation')
        org = self._org()
        evaluation, = Evaluation.create([{
                    'company': org['company'].id,
                    'supplier': org['suppliers'][0].id,
                    'start_date': _today().replace(day=1),
                    'end_date': _today(),
                    }])
        # without aftersales_service nothing is counted
        self.assertEqual(evaluation.aftersales_defects(), 0)
        calls = []

        class Complaint:
            @classmethod
            def supplier_defect_counts(
                    cls, supplier_ids, start_date, end_date, company=None):
                calls.append((supplier_ids, start_date, end_date, company))
                return {supplier_ids[0]: 3}
        get = Pool.get

        def stub_get(self, name, type='model'):
            if name == 'sale.complaint':
                return Complaint
            return get(self, name, type=type)
        with patch.object(Pool, 'get', stub_get):
            self.assertEqual(evaluation.aftersales_defects(), 3)
            self.assertEqual(
                evaluation.get_scores()['quality'], Decimal(70))
        self.assertEqual(calls[-1:], [([org['suppliers'][0].id],
                    evaluation.start_date, evaluation.end_date,
                    org['company'].id)])

    @with_transaction()
    def test_supplier_warning(self):
        "PF-9: a supplier under the threshold is warned on new quotations"
        pool = Pool()
        Evaluation = pool.get('purchase.flow.evaluation')
        Quotation = pool.get('purchase.request.quotation')
        org = self._org()
        weak, good = org['suppliers'][:2]
        for supplier, score in [(weak, Decimal(45)), (good, Decimal(90))]:
            evaluation, = Evaluation.create([{
                        'company': org['company'].id,
                        'supplier': supplier.id,
                        'start_date': _today().replace(day=1),
                        'end_date': _today(),
                        }])
            Evaluation.write([evaluation], {
                    'score': score, 'state': 'done'})
        request = self._request(org)
        quotations = Quotation.create([{
                    'company': org['company'].id,
                    'supplier': s.id,
                    'lines': [('create', [{
                                    'request': request.id,
                                    'quantity': 10,
                                    'unit': request.unit.id,
                                    }])],
                    } for s in [weak, good]])
        self.assertEqual(quotations[0].supplier_score, Decimal(45))
        with as_user(org['user_buyer']):
            Quotation.send([quotations[1]])
            with self.assertRaises(SupplierWarning):
                Quotation.send([quotations[0]])
        self.assertEqual(Quotation(quotations[0].id).state, 'draft')

    @with_transaction()
    def test_promotion(self):
        "PF-10: the GM approves the purchasing funds of a weekly promotion"
        pool = Pool()
        Promotion = pool.get('purchase.flow.promotion')
        Request = pool.get('purchase.request')
        org = self._org()
        with as_user(org['user_buyer']):
            promotion, = Promotion.create([{
                        'company': org['company'].id,
                        'name': "Back to school",
                        'employee': org['buyer'].id,
                        'meeting_date': _today(),
                        'start_date': _today() + dt.timedelta(days=7),
                        'end_date': _today() + dt.timedelta(days=14),
                        'warehouse': org['warehouse'].id,
                        'lines': [('create', [{
                                        'product': org['product'].id,
                                        'promotion_price': Decimal('29'),
                                        'quantity': 200,
                                        'unit_cost': Decimal('21'),
                                        }])],
                        }])
            Promotion.submit([promotion])
        promotion = Promotion(promotion.id)
        self.assertEqual(promotion.funds, Decimal('4200.00'))
        self.assertEqual(
            [a.approver for a in promotion.approvals], [org['gm']])
        with as_user(org['user_buyer']):
            with self.assertRaises(ApproverError):
                self._decide(org['user_buyer'], promotion)
        self._decide(org['user_gm'], promotion)
        promotion = Promotion(promotion.id)
        self.assertEqual(promotion.state, 'approved')
        request, = promotion.lines[0].requests
        self.assertEqual(request.quantity, 200)
        # the GM approved the funds: no purchase plan, but quotations
        with self.assertRaises(SourcingError) as cm:
            Request.check_sourcing([request])
        self.assertIn('quotations', str(cm.exception))

    @with_transaction()
    def test_chain_overview(self):
        "PF-11: the stage of the whole chain on the requisition and purchase"
        pool = Pool()
        Requisition = pool.get('purchase.requisition')
        Line = pool.get('purchase.requisition.line')
        Request = pool.get('purchase.request')
        org = self._org()
        requisition = self._requisition(
            org, [(org['product'], 10, Decimal('25'))])
        self.assertEqual(requisition.chain_stage, 'need')
        self.assertEqual(requisition.chain_progress, 0.1)
        with as_user(org['user_clerk']):
            Requisition.wait([requisition])
        for key in ['head', 'vp']:
            self._decide(org['user_' + key], requisition)
        with as_user(org['user_keeper']):
            Line.write(list(requisition.lines), {'purchase_quantity': 10})
        for key in ['keeper', 'gm']:
            self._decide(org['user_' + key], requisition)
        Requisition.process([Requisition(requisition.id)])
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.chain_stage, 'plan')
        request, = requisition.lines[0].purchase_requests
        lines = [self._quote(org, request, s, p) for s, p in zip(
                org['suppliers'], [Decimal(24), Decimal(23), Decimal(22)])]
        self.assertEqual(Requisition(requisition.id).chain_stage, 'sourcing')
        Request.write([request], {'preferred_quotation_line': lines[2].id})
        self.assertEqual(
            Requisition(requisition.id).chain_stage, 'negotiation')
        purchase = self._confirmed(org)
        Request.write([request], {'purchase_line': purchase.lines[0].id})
        requisition = Requisition(requisition.id)
        self.assertEqual(requisition.purchases, (purchase,))
        self.assertEqual(requisition.chain_stage, 'contract')
        self.assertEqual(purchase.requisitions, (requisition,))
        self.assertEqual(requisition.chain_progress, 0.5)


del ModuleTestCase
