# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import (
    AccessError, DomainValidationError, RequiredValidationError)
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.expense_claim.exceptions import ClaimError
from trytond.modules.regulation_base.exceptions import ApproverError
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

REG = 'regulation_base.group_regulation'
FIN = 'expense_claim.group_expense_finance'


class ExpenseClaimTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Expense Claim module"
    module = 'expense_claim'

    def _org(self):
        company = create_company()
        org = {'company': company}
        with set_company(company):
            org['head'] = create_staff(company, "Head Li", job_level='middle')
            org['sales'] = sales = create_department(
                company, "Sales", head=org['head'])
            org['head'].department = sales
            org['head'].save()
            org['office'] = office = create_department(company, "Office")
            org['clerk'] = create_staff(company, "Clerk Chen", sales)
            org['other'] = create_staff(company, "Other Sun", office)
            org['gm'] = create_staff(company, "GM Zhao", office, 'senior')
            org['cashier'] = create_staff(company, "Cashier Wu", office)
            assign_role(company, 'general_manager', org['gm'])
            for key in ['head', 'clerk', 'other', 'gm']:
                org['user_' + key] = create_user(key, org[key], [REG])
            org['user_cashier'] = create_user(
                'cashier', org['cashier'], [FIN])
        return org

    def _request(self, org, approve=True):
        pool = Pool()
        Request = pool.get('expense.request')
        Approval = pool.get('regulation.approval')
        with as_user(org['user_clerk']):
            request, = Request.create([{
                        'company': org['company'].id,
                        'employee': org['clerk'].id,
                        'department': org['sales'].id,
                        'description': "Client visit to Shanghai",
                        'amount': Decimal('1500'),
                        }])
            Request.submit([request])
        request = Request(request.id)
        if approve:
            step, = [a for a in request.approvals if a.state == 'pending']
            with as_user(org['user_head']):
                Approval.approve([Approval(step.id)])
        return Request(request.id)

    def _claim(self, org, request=None, **line):
        pool = Pool()
        Claim = pool.get('expense.claim')
        Category = pool.get('expense.category')
        travel, = Category.search([('code', '=', 'travel')])
        line = dict({
                'category': travel.id,
                'description': "Train tickets",
                'amount': Decimal('553.00'),
                'invoice_number': "31000123",
                'stamps': True,
                }, **line)
        with as_user(org['user_clerk']):
            claim, = Claim.create([{
                        'company': org['company'].id,
                        'employee': org['clerk'].id,
                        'department': org['sales'].id,
                        'request': request.id if request else None,
                        'lines': [('create', [line])],
                        }])
        return Claim(claim.id)

    def _attach(self, claim):
        Attachment = Pool().get('ir.attachment')
        Attachment.create([{
                    'name': 'receipt.jpg', 'resource': str(l),
                    'data': b'jpg'} for l in claim.lines])

    @with_transaction()
    def test_prior_approval(self):
        "EX-1: report first: no claim without the head's prior approval"
        pool = Pool()
        Claim = pool.get('expense.claim')
        Approval = pool.get('regulation.approval')
        org = self._org()
        request = self._request(org, approve=False)
        self.assertEqual(
            [a.approver for a in request.approvals], [org['head']])
        # nobody else approves the request
        step, = [a for a in request.approvals if a.state == 'pending']
        with as_user(org['user_gm']):
            with self.assertRaises(ApproverError):
                Approval.approve([Approval(step.id)])
        claim = self._claim(org)
        self._attach(claim)
        with as_user(org['user_clerk']):
            with self.assertRaises(ClaimError):
                Claim.submit([claim])
        # a request still waiting does not count either
        with self.assertRaises(DomainValidationError):
            Claim.write([claim], {'request': request.id})
        with as_user(org['user_head']):
            Approval.approve([Approval(step.id)])
        Claim.write([claim], {'request': request.id})
        with as_user(org['user_clerk']):
            Claim.submit([Claim(claim.id)])
        self.assertEqual(Claim(claim.id).state, 'waiting')

    @with_transaction()
    def test_cosign_chain_and_payment(self):
        "EX-1: co-signed by the department manager and the company leader"
        pool = Pool()
        Claim = pool.get('expense.claim')
        Approval = pool.get('regulation.approval')
        org = self._org()
        claim = self._claim(org, self._request(org))
        self._attach(claim)
        with as_user(org['user_clerk']):
            Claim.submit([claim])
        claim = Claim(claim.id)
        self.assertEqual(
            [a.approver for a in claim.approvals], [org['head'], org['gm']])
        self.assertEqual(claim.total, Decimal('553.00'))
        for login in ['user_head', 'user_gm']:
            step, = [a for a in Claim(claim.id).approvals
                if a.state == 'pending']
            with as_user(org['user_clerk']):
                with self.assertRaises(ApproverError):
                    Approval.approve([Approval(step.id)])
            with as_user(org[login]):
                Approval.approve([Approval(step.id)])
        claim = Claim(claim.id)
        self.assertEqual(claim.state, 'approved')
        # only finance pays
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessButtonError):
                Claim.pay([claim])
            with self.assertRaises(AccessError):
                Claim.write([claim], {'state': 'paid'})
        with as_user(org['user_cashier']):
            Claim.pay([Claim(claim.id)])
        claim = Claim(claim.id)
        self.assertEqual(claim.state, 'paid')
        self.assertEqual(claim.paid_by, org['cashier'])
        self.assertTrue(claim.payment_date)

    @with_transaction()
    def test_invoice_stamps_receipt(self):
        "EX-1: a formal invoice number, its stamps and the receipt attached"
        pool = Pool()
        Claim = pool.get('expense.claim')
        Line = pool.get('expense.claim.line')
        org = self._org()
        request = self._request(org)
        claim = self._claim(org, request, invoice_number=None)
        self._attach(claim)
        with as_user(org['user_clerk']):
            with self.assertRaises(ClaimError):
                Claim.submit([claim])
        Line.write(list(claim.lines), {
                'invoice_number': "31000123", 'stamps': False})
        with as_user(org['user_clerk']):
            with self.assertRaises(ClaimError):
                Claim.submit([Claim(claim.id)])
        no_receipt = self._claim(org, request)
        with as_user(org['user_clerk']):
            with self.assertRaises(ClaimError):
                Claim.submit([no_receipt])
        Line.write(list(claim.lines), {'stamps': True})
        with as_user(org['user_clerk']):
            Claim.submit([Claim(claim.id)])
        self.assertEqual(Claim(claim.id).state, 'waiting')
        # a negative amount is refused
        with self.assertRaises(ClaimError):
            self._claim(org, request, amount=Decimal('-5'))

    @with_transaction()
    def test_bank_transfer_default(self):
        "EX-1: bank transfer by default, cash needs a reason"
        pool = Pool()
        Claim = pool.get('expense.claim')
        org = self._org()
        claim = self._claim(org, self._request(org))
        self._attach(claim)
        self.assertEqual(claim.payment_method, 'bank')
        with self.assertRaises(RequiredValidationError):
            Claim.write([claim], {'payment_method': 'cash'})
        Claim.write([claim], {
                'payment_method': 'cash', 'cash_reason': "Supplier has no "
                "bank account"})
        with as_user(org['user_clerk']):
            Claim.submit([Claim(claim.id)])
        self.assertEqual(Claim(claim.id).state, 'waiting')

    @with_transaction()
    def test_urgent_purchase_origin(self):
        "EX-1, PF-3: no claim for an urgent purchase not yet completed"
        pool = Pool()
        Claim = pool.get('expense.claim')
        Line = pool.get('expense.claim.line')
        Origin = pool.get('expense.test.origin')
        org = self._org()
        purchase, = Origin.create([{'name': "REQ-7", 'completed': False}])
        claim = self._claim(org, self._request(org))
        self._attach(claim)
        Line.write(list(claim.lines), {'origin': str(purchase)})
        with as_user(org['user_clerk']):
            with self.assertRaises(ClaimError):
                Claim.submit([claim])
        Origin.write([purchase], {'completed': True})
        with as_user(org['user_clerk']):
            Claim.submit([Claim(claim.id)])
        self.assertEqual(Claim(claim.id).state, 'waiting')

    @with_transaction()
    def test_access(self):
        "EX-1: own and team claims only; lines frozen after submission"
        pool = Pool()
        Claim = pool.get('expense.claim')
        Line = pool.get('expense.claim.line')
        org = self._org()
        claim = self._claim(org, self._request(org))
        self._attach(claim)
        with as_user(org['user_clerk']):
            Claim.submit([claim])
        with as_user(org['user_other']):
            self.assertEqual(Claim.search([]), [])
            with self.assertRaises(AccessError):
                Claim.read([claim.id], ['total'])
        for login in ['user_clerk', 'user_head', 'user_gm', 'user_cashier']:
            with as_user(org[login]):
                self.assertEqual(Claim.search([]), [claim], login)
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Line.write(list(Claim(claim.id).lines), {
                        'amount': Decimal('9999')})
            with self.assertRaises(AccessError):
                Claim.delete([Claim(claim.id)])

    @with_transaction()
    def test_not_in_force(self):
        "EX-1: not in force, a claim needs no prior approval"
        pool = Pool()
        Claim = pool.get('expense.claim')
        Document = pool.get('regulation.document')
        org = self._org()
        document, = Document.create([{
                    'name': "Expenses", 'code': 'expense_claim',
                    'version': '1', 'effective_date': dt.date(2020, 1, 1),
                    }])
        Document.discuss([document])
        Document.review([document])
        Document.approve([document])
        Document.publish([document])
        claim = self._claim(org, stamps=False)
        with as_user(org['user_clerk']):
            Claim.submit([claim])
        claim = Claim(claim.id)
        self.assertEqual((claim.state, claim.approvals), ('approved', ()))


del ModuleTestCase
