# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.hr_approval.exceptions import RequestError
from trytond.modules.hr_approval.office_phone import phone_blockers
from trytond.modules.regulation_base.exceptions import ApproverError
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

REG = 'regulation_base.group_regulation'
HR = 'hr_approval.group_hr'


class HrApprovalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test HR Approval module"
    module = 'hr_approval'

    def _org(self):
        company = create_company()
        org = {'company': company}
        with set_company(company):
            org['vp'] = create_staff(company, "VP Wang", job_level='senior')
            org['head'] = create_staff(company, "Head Li", job_level='middle')
            org['sales'] = sales = create_department(
                company, "Sales", head=org['head'], vp=org['vp'])
            org['service'] = service = create_department(
                company, "Service", head=org['vp'], vp=org['vp'])
            org['office'] = office = create_department(company, "Office")
            for key in ['vp', 'head']:
                org[key].department = sales
                org[key].save()
            org['clerk'] = create_staff(company, "Clerk Chen", sales)
            org['other'] = create_staff(company, "Other Sun", service)
            for key, name, role in [
                    ('gm', "GM Zhao", 'general_manager'),
                    ('hr', "HR Liu", 'admin_hr'),
                    ('ed', "Director Qian", 'executive_director'),
                    ('chairman', "Chairman Zhou", 'chairman'),
                    ]:
                org[key] = create_staff(company, name, office, 'senior')
                assign_role(company, role, org[key])
            for key in ['vp', 'head', 'clerk', 'other', 'gm', 'ed',
                    'chairman']:
                org['user_' + key] = create_user(key, org[key], [REG])
            org['user_hr'] = create_user('hr', org['hr'], [HR])
        return org

    def _request(self, org, kind, login='user_clerk', **values):
        Request = Pool().get('hr.request')
        values = dict({
                'company': org['company'].id,
                'kind': kind,
                'employee': org[login[5:]].id,
                'department': org['sales'].id,
                'job_level': 'staff',
                }, **values)
        with as_user(org[login]):
            request, = Request.create([values])
        return Request(request.id)

    def _submit(self, org, request, login='user_clerk'):
        Request = Pool().get('hr.request')
        with as_user(org[login]):
            Request.submit([request])
        return Request(request.id)

    def _chain(self, org, kind, job_level, **values):
        "Submit a request and return the keys of its approvers"
        request = self._request(org, kind, job_level=job_level, **values)
        request = self._submit(org, request)
        self.assertEqual(request.state, 'waiting')
        keys = {org[k].id: k for k in ['head', 'vp', 'gm', 'hr', 'ed',
                'chairman']}
        return request, [keys[a.approver.id] for a in request.approvals]

    def _approve_all(self, org, request):
        pool = Pool()
        Request = pool.get('hr.request')
        Approval = pool.get('regulation.approval')
        while True:
            pending = [a for a in Request(request.id).approvals
                if a.state == 'pending']
            if not pending:
                break
            login = {org[k].id: 'user_' + k for k in ['head', 'vp', 'gm',
                    'hr', 'ed', 'chairman']}[pending[0].approver.id]
            with as_user(org[login]):
                Approval.approve([Approval(pending[0].id)])
        return Request(request.id)

    def _complete(self, org, request):
        Request = Pool().get('hr.request')
        with as_user(org['user_hr']):
            Request.complete([Request(request.id)])
        return Request(request.id)

    @with_transaction()
    def test_recruitment(self):
        "HR-1: department head, VP, GM approve; the HR office files it"
        pool = Pool()
        Request = pool.get('hr.request')
        Approval = pool.get('regulation.approval')
        org = self._org()
        request = self._request(
            org, 'recruitment', position="Sales rep", headcount=0)
        with as_user(org['user_clerk']):
            with self.assertRaises(RequestError):
                Request.submit([request])
        request, keys = self._chain(org, 'recruitment', 'staff', headcount=2)
        self.assertEqual(keys, ['head', 'vp', 'gm'])
        # the GM cannot decide before the head and the VP
        gm_step = request.approvals[-1]
        with as_user(org['user_gm']):
            with self.assertRaises(ApproverError):
                Approval.approve([Approval(request.approvals[0].id)])
        self.assertEqual(Approval(gm_step.id).state, 'waiting')
        request = self._approve_all(org, request)
        self.assertEqual(request.state, 'approved')
        with as_user(org['user_head']):
            with self.assertRaises(AccessButtonError):
                Request.complete([request])
        request = self._complete(org, request)
        self.assertEqual(request.state, 'done')
        self.assertEqual(request.completed_by, org['hr'])

    @with_transaction()
    def test_interview_chains(self):
        "HR-2: the interview chain follows the level of the position"
        org = self._org()
        for job_level, expected in [
                ('staff', ['hr', 'head', 'gm']),
                ('middle', ['hr', 'head', 'gm']),
                ('senior', ['hr', 'gm', 'ed', 'chairman']),
                ]:
            request, keys = self._chain(
                org, 'interview', job_level, candidate="Candidate Ma")
            self.assertEqual(keys, expected, job_level)
        request = self._complete(org, self._approve_all(org, request))
        self.assertEqual(request.state, 'done')

    @with_transaction()
    def test_appointment_chains(self):
        "HR-3: staff by head, VP, GM; managers by VP, GM; seniors chairman"
        org = self._org()
        for job_level, expected in [
                ('staff', ['head', 'vp', 'gm']),
                ('middle', ['vp', 'gm']),
                ('senior', ['chairman']),
                ]:
            for kind in ['appointment', 'removal']:
                request, keys = self._chain(
                    org, kind, job_level, subject=org['clerk'].id)
                self.assertEqual(keys, expected, (kind, job_level))
        request, _ = self._chain(org, 'appointment', 'staff',
            subject=org['clerk'].id, new_job_level='middle',
            new_position="Team leader")
        request = self._complete(org, self._approve_all(org, request))
        self.assertEqual(request.state, 'done')
        self.assertEqual(
            (request.subject.job_level, request.subject.position),
            ('middle', "Team leader"))

    @with_transaction()
    def test_appointment_veto(self):
        "HR-3: the admin & HR office vetoes an appointment, with a reason"
        pool = Pool()
        Request = pool.get('hr.request')
        org = self._org()
        request, _ = self._chain(
            org, 'appointment', 'staff', subject=org['clerk'].id)
        with as_user(org['user_head']):
            with self.assertRaises(AccessButtonError):
                Request.veto([request])
            with self.assertRaises(AccessError):
                Request.write([request], {'veto_reason': "Forged"})
        with as_user(org['user_hr']):
            with self.assertRaises(RequestError):
                Request.veto([Request(request.id)])
            Request.write([request], {
                    'veto_reason': "Under disciplinary review."})
            Request.veto([Request(request.id)])
        request = Request(request.id)
        self.assertEqual(request.state, 'vetoed')
        self.assertEqual(request.vetoed_by, org['hr'])
        self.assertFalse(
            [a for a in request.approvals if a.state == 'pending'])
        # no veto on a transfer
        transfer, _ = self._chain(org, 'transfer', 'staff',
            subject=org['clerk'].id, new_department=org['service'].id)
        with as_user(org['user_hr']):
            with self.assertRaises(AccessButtonError):
                Request.veto([transfer])

    @with_transaction()
    def test_transfer_chains(self):
        "HR-4: staff via head and GM; seniors via GM and chairman"
        org = self._org()
        for job_level, expected in [
                ('staff', ['head', 'gm']),
                ('senior', ['gm', 'chairman']),
                ]:
            request, keys = self._chain(org, 'transfer', job_level,
                subject=org['clerk'].id, new_department=org['service'].id)
            self.assertEqual(keys, expected, job_level)
        request, _ = self._chain(org, 'transfer', 'staff',
            subject=org['clerk'].id, new_department=org['service'].id)
        request = self._complete(org, self._approve_all(org, request))
        self.assertEqual(request.subject.department, org['service'])
        # a transfer within the same department is refused
        same = self._request(org, 'transfer', subject=org['clerk'].id,
            department=org['service'].id, new_department=org['service'].id)
        with self.assertRaises(RequestError):
            self._submit(org, same)

    @with_transaction()
    def test_onboarding_chain(self):
        "HR-5: HR first interview, department manager, VP, then GM"
        org = self._org()
        request, keys = self._chain(
            org, 'onboarding', 'staff', candidate="New Hire Guo")
        self.assertEqual(keys, ['hr', 'head', 'vp', 'gm'])
        request = self._complete(org, self._approve_all(org, request))
        self.assertEqual(request.state, 'done')

    @with_transaction()
    def test_resignation_handover(self):
        "HR-6: manager, VP, GM, HR; no departure before the hand-over"
        pool = Pool()
        Request = pool.get('hr.request')
        Line = pool.get('hr.request.handover')
        org = self._org()
        request, keys = self._chain(org, 'resignation', 'staff',
            subject=org['clerk'].id, effective_date=dt.date(2026, 6, 30),
            handover=[('create', [{'name': "Laptop"}])])
        self.assertEqual(keys, ['head', 'vp', 'gm', 'hr'])
        request = self._approve_all(org, request)
        with as_user(org['user_hr']):
            with self.assertRaises(RequestError):
                Request.complete([request])
        self.assertEqual(Request(request.id).state, 'approved')
        Line.write(list(request.handover), {'done': True})
        # an asset module (office_phone) blocks through the hook
        with patch.object(Request, '_handover_blockers',
                return_value=["phone kept"]):
            with as_user(org['user_hr']):
                with self.assertRaises(RequestError):
                    Request.complete([Request(request.id)])
        request = self._complete(org, request)
        self.assertEqual(request.state, 'done')
        self.assertEqual(request.subject.end_date, dt.date(2026, 6, 30))

    @with_transaction()
    def test_resignation_phone_bridge(self):
        "HR-6: the office phone (OP-12) must be handed over before leaving"
        org = self._org()
        request = self._request(org, 'resignation', subject=org['clerk'].id)

        class Kept:
            @classmethod
            def is_clear(cls, employee):
                return False

        class Clear:
            @classmethod
            def is_clear(cls, employee):
                return True

        self.assertEqual(len(phone_blockers([request], Kept)), 1)
        self.assertEqual(phone_blockers([request], Clear), [])

    @with_transaction()
    def test_dismissal_reason(self):
        "HR-7: a dismissal needs a reason, then VP, HR and GM approve"
        pool = Pool()
        Request = pool.get('hr.request')
        org = self._org()
        request = self._request(
            org, 'dismissal', login='user_head', subject=org['clerk'].id)
        with as_user(org['user_head']):
            with self.assertRaises(RequestError):
                Request.submit([request])
            Request.write([request], {'reason': "  "})
            with self.assertRaises(RequestError):
                Request.submit([Request(request.id)])
        self.assertEqual(Request(request.id).state, 'draft')
        request, keys = self._chain(org, 'dismissal', 'staff',
            subject=org['clerk'].id, reason="Repeated absence (3 days).")
        self.assertEqual(keys, ['head', 'vp', 'hr', 'gm'])
        request = self._complete(org, self._approve_all(org, request))
        self.assertTrue(request.subject.end_date)

    @with_transaction()
    def test_probation(self):
        "HR-8: reminder before the end, manager, HR, VP, GM, then filed"
        pool = Pool()
        Request = pool.get('hr.request')
        Employee = pool.get('company.employee')
        org = self._org()
        today = dt.date(2026, 3, 2)  # Monday
        Employee.write([org['clerk']], {
                'probation_end': dt.date(2026, 3, 10)})
        Employee.write([org['other']], {
                'probation_end': dt.date(2026, 6, 30)})
        created, = Request.remind_probation(date=today)
        self.assertEqual(
            (created.kind, created.subject, created.state,
                created.probation_end),
            ('probation', org['clerk'], 'draft', dt.date(2026, 3, 10)))
        # reminded once
        self.assertEqual(Request.remind_probation(date=today), [])
        # the employee applies
        with as_user(org['user_clerk']):
            Request.submit([created])
        request = Request(created.id)
        self.assertEqual(
            [a.approver for a in request.approvals],
            [org['head'], org['hr'], org['vp'], org['gm']])
        request = self._complete(org, self._approve_all(org, request))
        self.assertIsNone(request.subject.probation_end)

    @with_transaction()
    def test_access(self):
        "HR-1: a department sees its own requests, HR all, others none"
        pool = Pool()
        Request = pool.get('hr.request')
        org = self._org()
        request, _ = self._chain(org, 'recruitment', 'staff', headcount=1)
        with as_user(org['user_other']):
            self.assertEqual(Request.search([]), [])
            with self.assertRaises(AccessError):
                Request.read([request.id], ['reason'])
        for login in ['user_clerk', 'user_head', 'user_vp', 'user_hr',
                'user_gm']:
            with as_user(org[login]):
                self.assertEqual(Request.search([]), [request], login)
        # the requester cannot approve through the fields
        with as_user(org['user_clerk']):
            for values in [{'state': 'approved'}, {'notice': "Filed"},
                    {'completed_by': org['clerk'].id}]:
                with self.assertRaises(AccessError):
                    Request.write([Request(request.id)], values)
            with self.assertRaises(AccessError):
                Request.delete([Request(request.id)])

    @with_transaction()
    def test_not_in_force(self):
        "HR-1: not in force, a request is approved at once"
        pool = Pool()
        Document = pool.get('regulation.document')
        org = self._org()
        document, = Document.create([{
                    'name': "Personnel", 'code': 'hr_approval',
                    'version': '1', 'effective_date': dt.date(2020, 1, 1),
                    }])
        Document.discuss([document])
        Document.review([document])
        Document.approve([document])
        Document.publish([document])
        request = self._request(org, 'recruitment', headcount=1)
        request = self._submit(org, request)
        self.assertEqual((request.state, request.approvals), ('approved', ()))


del ModuleTestCase
