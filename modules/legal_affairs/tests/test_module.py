# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import (
    AccessError, DomainValidationError, RequiredValidationError)
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.legal_affairs.exceptions import CaseError, CourtMailError
from trytond.modules.regulation_base.exceptions import (
    ApprovalError, ApproverError)
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

REG = 'regulation_base.group_regulation'
LEGAL = 'legal_affairs.group_legal'


class LegalAffairsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Legal Affairs module"
    module = 'legal_affairs'

    def _org(self):
        """A head office with group legal, a branch with its legal officer,
        planning & operations leader and deputy, a sales department and a
        finance department."""
        pool = Pool()
        User = pool.get('res.user')
        hq = create_company("Group")
        branch = create_company("Branch")
        branch.parent = hq
        branch.save()
        org = {'hq': hq, 'company': branch}
        with set_company(hq):
            org['group_legal'] = create_staff(hq, "Group Legal Xu", None)
            assign_role(hq, 'legal_officer', org['group_legal'])
        with set_company(branch):
            org['sales_head'] = head = create_staff(
                branch, "Head Li", job_level='middle')
            org['sales'] = sales = create_department(
                branch, "Sales", head=head)
            head.department = sales
            head.save()
            org['finance'] = finance = create_department(branch, "Finance")
            org['ops'] = ops = create_department(branch, "Planning")
            org['clerk'] = create_staff(branch, "Clerk Chen", sales)
            org['contact'] = create_staff(branch, "Contact Zhou", sales)
            org['accountant'] = create_staff(branch, "Accountant Sun", finance)
            org['legal'] = create_staff(branch, "Legal Officer Wu", ops)
            org['ops_leader'] = create_staff(
                branch, "Ops Leader Ma", ops, 'senior')
            org['deputy'] = create_staff(branch, "Ops Deputy He", ops)
            org['mailroom'] = create_staff(branch, "Mail Clerk Lin", ops)
            assign_role(branch, 'legal_officer', org['legal'])
            assign_role(branch, 'planning_operations', org['ops_leader'])
            assign_role(branch, 'planning_operations_deputy', org['deputy'])
            for key in ['clerk', 'contact', 'accountant', 'sales_head',
                    'ops_leader', 'deputy', 'mailroom']:
                org['user_' + key] = create_user(key, org[key], [REG])
            org['user_legal'] = create_user('legal', org['legal'], [LEGAL])
        org['user_group_legal'] = create_user(
            'group_legal', org['group_legal'], [LEGAL])
        # group legal works for every branch
        User.write([org['user_group_legal']], {
                'companies': [('add', [branch.id])],
                'company_filter': 'all',
                })
        return org

    def _case(self, org, **values):
        pool = Pool()
        Case = pool.get('legal.case')
        Party = pool.get('party.party')
        counterparty, = Party.create([{'name': "Debtor Ltd"}])
        values = dict({
                'company': org['company'].id,
                'kind': 'filing',
                'department': org['sales'].id,
                'employee': org['clerk'].id,
                'counterparty': counterparty.id,
                'cause': "Unpaid invoices",
                'purpose': "Recover the debt",
                'desired_outcome': "Payment with interest",
                'amount': Decimal('120000'),
                'contact': org['contact'].id,
                'evidence': [('create', [{
                                'name': "Sales contract",
                                'date': dt.date(2026, 1, 5),
                                'original': True,
                                'custodian_department': org['sales'].id,
                                'custodian': org['contact'].id,
                                }])],
                }, **values)
        with as_user(org['user_clerk']):
            case, = Case.create([values])
        return Case(case.id)

    def _attach(self, records):
        Attachment = Pool().get('ir.attachment')
        Attachment.create([{
                    'name': 'copy.pdf', 'resource': str(r), 'data': b'%PDF',
                    } for r in records])

    def _approve_all(self, org, case):
        "The three approvers of LA-1 approve in turn"
        pool = Pool()
        Case = pool.get('legal.case')
        Approval = pool.get('regulation.approval')
        for login in ['user_legal', 'user_group_legal', 'user_ops_leader']:
            pending = [a for a in Case(case.id).approvals
                if a.state == 'pending']
            with as_user(org[login]):
                Approval.approve([Approval(pending[0].id)])
        return Case(case.id)

    @with_transaction()
    def test_application_chain(self):
        "LA-1: legal officer, then group legal and planning & operations"
        pool = Pool()
        Case = pool.get('legal.case')
        Approval = pool.get('regulation.approval')
        org = self._org()
        case = self._case(org)
        self.assertTrue(case.number)
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = Case(case.id)
        self.assertEqual(case.state, 'waiting')
        self.assertEqual(
            [(a.name, a.approver) for a in case.approvals],
            [("Legal Officer", org['legal']),
                ("Group Legal Department", org['group_legal']),
                ("Planning & Operations Leader", org['ops_leader'])])
        # nobody but the approver whose turn it is decides
        step = [a for a in case.approvals if a.state == 'pending'][0]
        for intruder in ['user_clerk', 'user_ops_leader', 'user_group_legal']:
            with as_user(org[intruder]):
                with self.assertRaises(ApproverError):
                    Approval.approve([Approval(step.id)])
        case = self._approve_all(org, case)
        self.assertEqual(case.state, 'approved')
        self.assertEqual(case.approval_state, 'approved')

    @with_transaction()
    def test_application_needs_evidence_and_contact(self):
        "LA-1, LA-4: no application without evidence and a contact person"
        pool = Pool()
        Case = pool.get('legal.case')
        org = self._org()
        case = self._case(org, evidence=[], contact=None)
        with as_user(org['user_clerk']):
            with self.assertRaises(CaseError):
                Case.submit([case])
            Case.write([case], {'contact': org['contact'].id})
            with self.assertRaises(CaseError):
                Case.submit([Case(case.id)])
        self.assertEqual(Case(case.id).state, 'draft')

    @with_transaction()
    def test_objection_in_writing(self):
        "LA-1: the legal officer objects in writing, the case goes back"
        pool = Pool()
        Case = pool.get('legal.case')
        Approval = pool.get('regulation.approval')
        org = self._org()
        case = self._case(org)
        with as_user(org['user_clerk']):
            Case.submit([case])
        step = [a for a in Case(case.id).approvals if a.state == 'pending'][0]
        with as_user(org['user_legal']):
            with self.assertRaises(ApprovalError):
                Approval.decide([Approval(step.id)], 'rejected', comment="")
            Approval.decide([Approval(step.id)], 'rejected',
                comment="The contract is not signed: settle first.")
        case = Case(case.id)
        self.assertEqual(case.state, 'draft')
        self.assertEqual(
            case.objection, "The contract is not signed: settle first.")

    @with_transaction()
    def test_major_case_meeting(self):
        "LA-1: a major case is prepared only after the departments met"
        pool = Pool()
        Case = pool.get('legal.case')
        org = self._org()
        case = self._case(org, major=True)
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = self._approve_all(org, case)
        with as_user(org['user_legal']):
            with self.assertRaises(CaseError):
                Case.prepare([case])
            Case.write([case], {
                    'meeting_date': dt.date(2026, 2, 1),
                    'meeting_minutes': "Sales, finance and legal agree.",
                    })
            Case.prepare([case])
        case = Case(case.id)
        self.assertEqual(case.state, 'preparation')
        self.assertEqual(case.prepared_by, org['legal'])

    @with_transaction()
    def test_preparation_opinion(self):
        "LA-2: filing needs a legal opinion, its author and expected outcome"
        pool = Pool()
        Case = pool.get('legal.case')
        Party = pool.get('party.party')
        org = self._org()
        case = self._case(org)
        self._attach(case.evidence)
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = self._approve_all(org, case)
        lawyer, = Party.create([{'name': "Outside Law Firm"}])
        with as_user(org['user_legal']):
            Case.prepare([case])
            with self.assertRaises(CaseError):
                Case.file([Case(case.id)])
            with self.assertRaises(RequiredValidationError):
                Case.write([case], {'opinion_source': 'outside'})
            Case.write([case], {
                    'opinion_source': 'outside',
                    'counsel': lawyer.id,
                    'opinion': "Strong claim on the signed contract.",
                    'expected_outcome': "Full recovery within 6 months.",
                    })
            Case.file([Case(case.id)])
        case = Case(case.id)
        self.assertEqual(case.state, 'proceedings')
        self.assertTrue(case.filing_date)
        self.assertEqual(case.filed_by, org['legal'])

    @with_transaction()
    def test_evidence_catalogue(self):
        "LA-3: each item has date, original, custodian; copies only"
        pool = Pool()
        Case = pool.get('legal.case')
        Evidence = pool.get('legal.case.evidence')
        Report = pool.get('legal.case.evidence_catalogue', type='report')
        org = self._org()
        case = self._case(org)
        item, = case.evidence
        self.assertEqual(
            (item.date, item.original, item.custodian_department,
                item.custodian),
            (dt.date(2026, 1, 5), True, org['sales'], org['contact']))
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = self._approve_all(org, case)
        with as_user(org['user_legal']):
            Case.prepare([case])
            Case.write([case], {
                    'opinion_source': 'internal',
                    'opinion': "Good", 'expected_outcome': "Win"})
            # no copy attached: refused
            with self.assertRaises(CaseError):
                Case.file([Case(case.id)])
        self._attach([item])
        self.assertEqual(Evidence(item.id).copies, 1)
        with as_user(org['user_legal']):
            Case.file([Case(case.id)])
        oext, content, _, name = Report.execute([case.id], {})
        self.assertEqual(oext, 'odt')
        self.assertTrue(content)
        # the custodian belongs to the custodian department
        with self.assertRaises(DomainValidationError):
            Evidence.write([Evidence(item.id)], {
                    'custodian': org['accountant'].id})
        # a date in the future is refused
        with self.assertRaises(CaseError):
            Evidence.write([Evidence(item.id)], {
                    'custodian': org['contact'].id,
                    'date': dt.date.today() + dt.timedelta(days=3)})

    @with_transaction()
    def test_contact_until_closed(self):
        "LA-4: one contact of the department, never removed while open"
        pool = Pool()
        Case = pool.get('legal.case')
        org = self._org()
        case = self._case(org)
        with as_user(org['user_clerk']):
            Case.submit([case])
        with as_user(org['user_clerk']):
            with self.assertRaises(RequiredValidationError):
                Case.write([Case(case.id)], {'contact': None})
            # the department may name another of its employees
            Case.write([Case(case.id)], {'contact': org['clerk'].id})
        self.assertEqual(Case(case.id).contact, org['clerk'])
        # the contact belongs to the department of the case
        with self.assertRaises(CaseError):
            Case.write([Case(case.id)], {'contact': org['accountant'].id})

    @with_transaction()
    def test_court_mail_routing(self):
        "LA-5: court mail goes to the legal officer, or the deputy if absent"
        pool = Pool()
        Mail = pool.get('legal.court.mail')
        Delegation = pool.get('regulation.delegation')
        org = self._org()
        values = {
            'company': org['company'].id,
            'court': "Xiamen Siming Court",
            'subject': "Summons",
            'received_by': org['mailroom'].id,
            }
        with as_user(org['user_mailroom']):
            mail, = Mail.create([values])
        mail = Mail(mail.id)
        self.assertEqual(mail.routed_to, org['legal'])
        self.assertIsNone(mail.absent_officer)
        # the legal officer is away: the deputy receives the next one
        today = dt.date.today()
        Delegation.create([{
                    'company': org['company'].id,
                    'employee': org['legal'].id,
                    'delegate': org['ops_leader'].id,
                    'start_date': today, 'end_date': today,
                    }])
        with as_user(org['user_mailroom']):
            other, = Mail.create([values])
        other = Mail(other.id)
        self.assertEqual(other.routed_to, org['deputy'])
        self.assertEqual(other.absent_officer, org['legal'])
        # the mail clerk cannot reroute it, only the recipient acknowledges
        with as_user(org['user_mailroom']):
            with self.assertRaises(AccessError):
                Mail.write([other], {'routed_to': org['clerk'].id})
            with self.assertRaises(AccessError):
                Mail.hand_over([other])
        with as_user(org['user_deputy']):
            Mail.hand_over([Mail(other.id)])
        other = Mail(other.id)
        self.assertEqual(other.state, 'handed_over')
        self.assertEqual(other.handed_over_by, org['deputy'])
        # the sales clerk sees no court mail
        with as_user(org['user_clerk']):
            self.assertEqual(Mail.search([]), [])

    @with_transaction()
    def test_court_mail_nobody(self):
        "LA-5: with neither legal officer nor deputy the intake is refused"
        pool = Pool()
        Mail = pool.get('legal.court.mail')
        Role = pool.get('regulation.role')
        org = self._org()
        Role.delete(Role.search([
                    ('role', 'in', ['legal_officer',
                            'planning_operations_deputy']),
                    ]))
        with self.assertRaises(CourtMailError):
            Mail.create([{
                        'company': org['company'].id,
                        'court': "Court", 'subject': "Summons",
                        'received_by': org['mailroom'].id,
                        }])

    @with_transaction()
    def test_response_approved_like_filing(self):
        "LA-5: responding to a suit goes through the filing chain"
        pool = Pool()
        Case = pool.get('legal.case')
        org = self._org()
        case = self._case(org, kind='response')
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = Case(case.id)
        self.assertEqual(
            [a.approver for a in case.approvals],
            [org['legal'], org['group_legal'], org['ops_leader']])
        case = self._approve_all(org, case)
        self.assertEqual(case.state, 'approved')

    @with_transaction()
    def test_deadline_reminder(self):
        "LA-5: court deadlines are reminded before they fall due"
        pool = Pool()
        Case = pool.get('legal.case')
        Deadline = pool.get('legal.case.deadline')
        org = self._org()
        case = self._case(org)
        with as_user(org['user_clerk']):
            Case.submit([case])
        today = dt.date(2026, 3, 2)  # a Monday
        soon, later = Deadline.create([{
                    'case': case.id, 'name': "Defence brief",
                    'due_date': dt.date(2026, 3, 4),
                    }, {
                    'case': case.id, 'name': "Appeal",
                    'due_date': dt.date(2026, 3, 30),
                    }])
        self.assertEqual(Deadline.remind(date=today), [soon])
        self.assertTrue(Deadline(soon.id).reminded)
        self.assertIsNone(Deadline(later.id).reminded)
        # reminded once only
        self.assertEqual(Deadline.remind(date=today), [])
        # only the legal officers record deadlines and hearings
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Deadline.create([{
                            'case': case.id, 'name': "Forged",
                            'due_date': dt.date(2026, 5, 1)}])

    @with_transaction()
    def test_hearing_judgment_closing(self):
        "LA-6: hearings, judgment and closing are recorded on the case"
        pool = Pool()
        Case = pool.get('legal.case')
        Hearing = pool.get('legal.case.hearing')
        org = self._org()
        case = self._case(org)
        self._attach(case.evidence)
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = self._approve_all(org, case)
        with as_user(org['user_legal']):
            Case.prepare([case])
            Case.write([case], {
                    'opinion_source': 'internal',
                    'opinion': "Good", 'expected_outcome': "Win"})
            Case.file([case])
            Hearing.create([{
                        'case': case.id,
                        'date': dt.datetime(2026, 4, 1, 9, 30),
                        'court': "Siming Court",
                        'summary': "First hearing, evidence exchanged.",
                        }])
            with self.assertRaises(CaseError):
                Case.judge([Case(case.id)])
            Case.write([case], {
                    'judgment_date': dt.date(2026, 5, 1),
                    'judgment_result': 'won',
                    'judgment': "The debtor pays 120,000.",
                    })
            Case.judge([case])
            with self.assertRaises(CaseError):
                Case.close([Case(case.id)])
            Case.write([case], {'closing_summary': "Paid in full."})
            Case.close([case])
        case = Case(case.id)
        self.assertEqual(case.state, 'closed')
        self.assertEqual(len(case.hearings), 1)
        self.assertEqual(case.closed_by, org['legal'])
        self.assertTrue(case.closing_date)
        # a closed case is frozen, even for its department
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Case.write([case], {'contact': org['clerk'].id})

    @with_transaction()
    def test_access_department_and_legal(self):
        "LA-1: legal sees every case, a department its own, nobody else"
        pool = Pool()
        Case = pool.get('legal.case')
        org = self._org()
        case = self._case(org)
        with as_user(org['user_legal']):
            self.assertEqual(Case.search([]), [case])
        with as_user(org['user_group_legal']):
            self.assertEqual(Case.search([]), [case])
        for login in ['user_clerk', 'user_contact', 'user_sales_head']:
            with as_user(org[login]):
                self.assertEqual(Case.search([]), [case])
        with as_user(org['user_accountant']):
            self.assertEqual(Case.search([]), [])
            with self.assertRaises(AccessError):
                Case.read([case.id], ['cause'])

    @with_transaction()
    def test_department_denials(self):
        "LA-2, LA-6: a department cannot do the legal officer's work"
        pool = Pool()
        Case = pool.get('legal.case')
        org = self._org()
        case = self._case(org)
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = self._approve_all(org, case)
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessButtonError):
                Case.prepare([Case(case.id)])
            with self.assertRaises(AccessError):
                Case.write([Case(case.id)], {'opinion': "Forged"})
            with self.assertRaises(AccessError):
                Case.write([Case(case.id)], {'state': 'closed'})
            with self.assertRaises(AccessError):
                Case.delete([Case(case.id)])
        self.assertEqual(Case(case.id).state, 'approved')

    @with_transaction()
    def test_not_in_force(self):
        "LA-1: not in force for a branch, a case is approved at once"
        pool = Pool()
        Case = pool.get('legal.case')
        Document = pool.get('regulation.document')
        org = self._org()
        document, = Document.create([{
                    'name': "Legal affairs", 'code': 'legal_affairs',
                    'version': '1', 'effective_date': dt.date(2020, 1, 1),
                    }])
        Document.discuss([document])
        Document.review([document])
        Document.approve([document])
        Document.publish([document])
        case = self._case(org)
        with as_user(org['user_clerk']):
            Case.submit([case])
        case = Case(case.id)
        self.assertEqual((case.state, case.approvals), ('approved', ()))

    @with_transaction()
    def test_application_report(self):
        "LA-1: the litigation application prints as an ODT form"
        pool = Pool()
        Report = pool.get('legal.case.application', type='report')
        org = self._org()
        case = self._case(org)
        oext, content, _, _ = Report.execute([case.id], {})
        self.assertEqual(oext, 'odt')
        self.assertTrue(content)


del ModuleTestCase
