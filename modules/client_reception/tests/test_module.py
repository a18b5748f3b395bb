# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.regulation_base.exceptions import ApproverError
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

#: a Wednesday
TODAY = dt.date(2026, 6, 3)
EMAIL = 'trytond.ir.email_.send_message_transactional'


@contextmanager
def today(date=TODAY):
    Date = Pool().get('ir.date')
    with patch.object(Date, 'today', return_value=date):
        yield


class ClientReceptionTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Client Reception module"
    module = 'client_reception'

    @property
    def _skip_company_rule(self):
        # shared classes (no company) are for every company
        return super()._skip_company_rule | {
            ('reception.class', 'company'),
            }

    # Fixtures

    def _org(self):
        """A company with a sales department (head, VP), an R&D department,
        the admin & HR office and the company leaders, each with a user."""
        pool = Pool()
        Party = pool.get('party.party')
        ContactMechanism = pool.get('party.contact_mechanism')
        company = create_company()
        org = {'company': company}
        with set_company(company):
            for key, name, level in [
                    ('chairman', "Chairman Wang", 'senior'),
                    ('gm', "GM Zhang", 'senior'),
                    ('sales_vp', "Sales VP Liu", 'senior'),
                    ('ops_vp', "Ops VP Chen", 'senior'),
                    ('sales_head', "Sales Head Huang", 'middle'),
                    ('rnd_head', "R&D Head Lin", 'middle'),
                    ('hr', "HR Ma", 'middle'),
                    ]:
                org[key] = create_staff(company, name, job_level=level)
            org['sales_dept'] = create_department(
                company, "Sales", head=org['sales_head'], vp=org['sales_vp'])
            org['rnd_dept'] = create_department(
                company, "R&D", head=org['rnd_head'], vp=org['ops_vp'])
            org['hr_dept'] = create_department(
                company, "Admin & HR", head=org['hr'], vp=org['ops_vp'])
            for key, dept in [('sales_head', 'sales_dept'),
                    ('rnd_head', 'rnd_dept'), ('hr', 'hr_dept')]:
                org[key].department = org[dept]
                org[key].save()
            org['sales'] = create_staff(
                company, "Salesman Zhang Wei", org['sales_dept'])
            org['colleague'] = create_staff(
                company, "Saleswoman Li Na", org['sales_dept'])
            org['engineer'] = create_staff(
                company, "Engineer Luo", org['rnd_dept'])
            for role, key in [('chairman', 'chairman'),
                    ('general_manager', 'gm'), ('sales_vp', 'sales_vp'),
                    ('sales_head', 'sales_head'), ('admin_hr', 'hr')]:
                assign_role(company, role, org[key])
            staff = ['regulation_base.group_regulation',
                'client_reception.group_reception']
            admin = staff + ['client_reception.group_reception_admin']
            for key, groups in [
                    ('sales', staff), ('colleague', staff),
                    ('engineer', staff), ('rnd_head', staff),
                    ('sales_head', admin), ('hr', admin),
                    ('gm', ['regulation_base.group_regulation']),
                    ('chairman', ['regulation_base.group_regulation']),
                    ('sales_vp', ['regulation_base.group_regulation']),
                    ('ops_vp', ['regulation_base.group_regulation']),
                    ]:
                org['user_' + key] = create_user(key, org[key], groups)
            for key in ['sales', 'sales_head']:
                ContactMechanism.create([{
                            'party': org[key].party.id, 'type': 'email',
                            'value': '%s@example.com' % key}])
            org['client'], = Party.create([{'name': "Huaxin Electronics"}])
        for dept in ['sales_dept', 'rnd_dept']:
            for month in [TODAY.replace(day=1), dt.date(2026, 7, 1)]:
                self._budget(org, org[dept], month, Decimal(10000))
        return org

    def _budget(self, org, department, month, amount):
        Budget = Pool().get('reception.budget')
        budget, = Budget.create([{
                    'company': org['company'].id,
                    'department': department.id,
                    'month': month,
                    'amount': amount,
                    }])
        return budget

    def _class(self, code):
        Class = Pool().get('reception.class')
        visit_class, = Class.search([('code', '=', code)])
        return visit_class

    def _arrival(self, org, working_days, hour=10):
        Calendar = Pool().get('regulation.calendar.day')
        day = Calendar.add_working_days(org['company'], TODAY, working_days)
        return dt.datetime.combine(day, dt.time(hour))

    def _visit(self, org, code='C', days=5, costs=(), employee='sales',
            department='sales_dept', **values):
        Visit = Pool().get('reception.visit')
        arrival = values.pop('arrival', None) or self._arrival(org, days)
        visit_values = {
            'company': org['company'].id,
            'employee': org[employee].id,
            'department': org[department].id,
            'lead': org[employee].id,
            'party': org['client'].id,
            'visit_class': self._class(code).id,
            'purpose': "Product demonstration",
            'arrival': arrival,
            'departure': arrival + dt.timedelta(hours=6),
            'guests': [('create', [{
                            'name': "Liu Zong", 'title': "General Manager",
                            'gender': 'male', 'leader': True,
                            'email': 'liu@client.example',
                            }, {
                            'name': "Zhou Gong", 'title': "Engineer",
                            }])],
            'costs': [('create', [dict(c) for c in costs])],
            }
        visit_values.update(values)
        visit, = Visit.create([visit_values])
        return visit

    def _submit(self, visits):
        Visit = Pool().get('reception.visit')
        with today():
            Visit.submit(visits)
        return Visit.browse(visits)

    def _steps(self, visit):
        Visit = Pool().get('reception.visit')
        return [a.name for a in Visit(visit.id).approvals
            if a.state not in {'cancelled'}]

    def _approve_all(self, visit):
        pool = Pool()
        Approval = pool.get('regulation.approval')
        Visit = pool.get('reception.visit')
        with Transaction().set_user(0):
            for _ in range(10):
                pending = [a for a in Visit(visit.id).approvals
                    if a.state == 'pending']
                if not pending:
                    break
                with today():
                    Approval.approve(pending)
        return Visit(visit.id)

    # CR-1

    @with_transaction()
    def test_classes_standards(self):
        "CR-1: classes A-D with meal caps 150/130/100 and staff meals"
        org = self._org()
        company = org['company']
        caps = {c: self._class(c).get_meal_cap(company) for c in 'ABCD'}
        self.assertEqual(caps, {
                'A': Decimal(150), 'B': Decimal(130), 'C': Decimal(100),
                'D': None})
        self.assertEqual(self._class('D').meals, 'staff')
        self.assertEqual(
            {self._class(c).lodging for c in 'ABCD'}, {'guest'})
        self.assertTrue(self._class('A').chairman_confirms)
        self.assertFalse(self._class('D').sales_approval)
        self.assertEqual(
            [self._class(c).get_notice_days(company) for c in 'ABCD'],
            [3, 2, 1, 1])

    @with_transaction()
    def test_class_rename_and_parameter(self):
        "CR-1: a company renames a class; a parameter overrides its cap"
        pool = Pool()
        Class = pool.get('reception.class')
        Parameter = pool.get('regulation.parameter')
        org = self._org()
        company = org['company']
        level_1 = self._class('A')
        Class.write([level_1], {'name': "Level 1 Reception"})
        self.assertEqual(self._class('A').rec_name, "A - Level 1 Reception")
        Parameter.create([{
                    'code': 'reception_meal_cap_a', 'name': "A cap",
                    'type': 'amount', 'value': Decimal(180),
                    'company': company.id,
                    'effective_date': dt.date(2026, 7, 1)}])
        self.assertEqual(
            level_1.get_meal_cap(company, dt.date(2026, 6, 30)),
            Decimal(150))
        self.assertEqual(
            level_1.get_meal_cap(company, dt.date(2026, 7, 1)),
            Decimal(180))

    # CR-2

    @with_transaction()
    def test_lead_time_working_days(self):
        "CR-2: the notice of the class counts working days (weekends skip)"
        org = self._org()
        friday = dt.date(2026, 6, 5)
        # arriving on Tuesday: Monday and Tuesday are 2 working days
        visit = self._visit(
            org, 'A', arrival=dt.datetime(2026, 6, 9, 10))
        self.assertTrue(visit.is_late(friday))
        self.assertFalse(visit.is_late(dt.date(2026, 6, 4)))
        self.assertEqual(visit.notice_deadline(), dt.date(2026, 6, 4))
        c_visit = self._visit(
            org, 'C', arrival=dt.datetime(2026, 6, 8, 10))
        self.assertFalse(c_visit.is_late(friday))
        self.assertTrue(c_visit.is_late(dt.date(2026, 6, 8)))

    @with_transaction()
    def test_late_request_needs_reason(self):
        "CR-2: a late request needs an override reason and is flagged"
        Visit = Pool().get('reception.visit')
        org = self._org()
        visit = self._visit(org, 'C', days=0)
        with self.assertRaises(UserError) as cm:
            self._submit([visit])
        self.assertIn(visit.rec_name, cm.exception.message)
        visit = Visit(visit.id)
        self.assertEqual((visit.state, visit.late), ('draft', False))
        Visit.write([visit], {'late_reason': "The client called this morning"})
        visit, = self._submit([visit])
        self.assertEqual(visit.state, 'waiting')
        self.assertTrue(visit.late)
        self.assertEqual(visit.request_date, TODAY)
        self.assertIn("Admin & HR Office (Late Request)", self._steps(visit))
        on_time = self._visit(org, 'C', days=1)
        on_time, = self._submit([on_time])
        self.assertFalse(on_time.late)
        self.assertNotIn(
            "Admin & HR Office (Late Request)", self._steps(on_time))

    @with_transaction()
    def test_submit_without_guests_refused(self):
        "CR-2: a request without guests is refused and nothing is written"
        Visit = Pool().get('reception.visit')
        org = self._org()
        visit = self._visit(org, 'C', guests=[])
        with self.assertRaises(UserError):
            self._submit([visit])
        visit = Visit(visit.id)
        self.assertEqual(
            (visit.state, visit.request_date, visit.approvals),
            ('draft', None, ()))

    @with_transaction()
    def test_departure_before_arrival_refused(self):
        "CR-2: the departure cannot be before the arrival"
        org = self._org()
        arrival = self._arrival(org, 5)
        with self.assertRaises(UserError):
            self._visit(org, arrival=arrival,
                departure=arrival - dt.timedelta(hours=1))

    # CR-3

    @with_transaction()
    def test_chain_c_class(self):
        "CR-3: a C-class request goes to the department head then sales head"
        org = self._org()
        visit = self._visit(org, 'C')
        visit, = self._submit([visit])
        self.assertEqual(visit.state, 'waiting')
        self.assertEqual(self._steps(visit), ["Department Head", "Sales Head"])

    @with_transaction()
    def test_chain_a_class_chairman(self):
        "CR-3: the chairman confirms the itinerary of an A-class visit"
        org = self._org()
        visit = self._visit(
            org, 'A', employee='engineer', department='rnd_dept')
        visit, = self._submit([visit])
        self.assertEqual(self._steps(visit), [
                "Department Head", "Sales Head", "Chairman (Itinerary)"])
        self.assertEqual(
            [a.approver for a in visit.approvals],
            [org['rnd_head'], org['sales_head'], org['chairman']])
        visit = self._approve_all(visit)
        self.assertEqual(visit.state, 'approved')
        self.assertTrue(visit.approved)

    @with_transaction()
    def test_chain_d_class_above_standard(self):
        "CR-3: D class: the head only; above standard also the sales head"
        org = self._org()
        plain = self._visit(org, 'D', employee='engineer',
            department='rnd_dept', costs=[{
                    'kind': 'canteen_meal', 'persons': 4,
                    'estimate': Decimal(80)}])
        above = self._visit(org, 'D', employee='engineer',
            department='rnd_dept', costs=[{
                    'kind': 'outside_meal', 'persons': 4,
                    'estimate': Decimal(300)}])
        plain, above = self._submit([plain, above])
        self.assertEqual(self._steps(plain), [
                "Department Head", "VP in Charge (Canteen Meals)"])
        self.assertEqual(self._steps(above), [
                "Department Head", "Sales Head", "General Manager"])
        c_above = self._visit(org, 'C', costs=[{
                    'kind': 'canteen_meal', 'persons': 3,
                    'estimate': Decimal(330)}])
        self.assertTrue(c_above.above_standard)
        self.assertFalse(self._visit(org, 'C', costs=[{
                        'kind': 'canteen_meal', 'persons': 3,
                        'estimate': Decimal(300)}]).above_standard)

    @with_transaction()
    def test_chain_meals_gifts_lodging(self):
        "CR-3: canteen meals VP; outside, gifts, sightseeing GM; lodging VP"
        org = self._org()
        canteen = self._visit(org, 'C', costs=[{
                    'kind': 'canteen_meal', 'persons': 3,
                    'estimate': Decimal(60)}])
        outside = self._visit(org, 'C', costs=[{
                    'kind': 'outside_meal', 'persons': 3,
                    'estimate': Decimal(270)}])
        gift = self._visit(org, 'C', costs=[{
                    'kind': 'gift', 'estimate': Decimal(200)}])
        sightseeing = self._visit(org, 'C', costs=[{
                    'kind': 'sightseeing', 'estimate': Decimal(200)}])
        lodging = self._visit(org, 'C', costs=[{
                    'kind': 'lodging', 'estimate': Decimal(400)}])
        self._submit([canteen, outside, gift, sightseeing, lodging])
        base = ["Department Head", "Sales Head"]
        self.assertEqual(
            self._steps(canteen), base + ["VP in Charge (Canteen Meals)"])
        self.assertEqual(
            [a.approver for a in canteen.approvals][-1], org['sales_vp'])
        for visit in [outside, gift, sightseeing]:
            self.assertEqual(self._steps(visit), base + ["General Manager"])
        self.assertEqual(self._steps(lodging),
            base + ["Sales VP (Lodging Paid by the Company)"])

    @with_transaction()
    def test_only_approver_decides(self):
        "CR-3: the host cannot approve their own request nor write its state"
        pool = Pool()
        Visit = pool.get('reception.visit')
        Approval = pool.get('regulation.approval')
        org = self._org()
        visit = self._visit(org, 'C')
        visit, = self._submit([visit])
        step, = [a for a in visit.approvals if a.state == 'pending']
        with as_user(org['user_sales']):
            with self.assertRaises(ApproverError):
                Approval.approve([Approval(step.id)])
            with self.assertRaises(AccessError):
                Visit.write([Visit(visit.id)], {'state': 'approved'})
            with self.assertRaises(AccessError):
                Visit.write([Visit(visit.id)], {'late': True})
        with as_user(org['user_sales_head']):
            Approval.approve([Approval(step.id)])
        # the head of the sales department is the sales head: they decide
        # once for both steps
        visit = Visit(visit.id)
        self.assertEqual(visit.state, 'approved')
        self.assertEqual(
            [a.decided_by for a in visit.approvals],
            [org['sales_head'], org['sales_head']])

    @with_transaction()
    def test_unapproved_cost_flagged(self):
        "CR-3: an actual cost on a visit that was never approved is flagged"
        pool = Pool()
        Cost = pool.get('reception.visit.cost')
        org = self._org()
        visit = self._visit(org, 'C', costs=[{
                    'kind': 'canteen_meal', 'persons': 3,
                    'estimate': Decimal(60), 'amount': Decimal(66)}])
        cost, = visit.costs
        self.assertTrue(cost.unapproved)
        self.assertEqual(Cost.search([('unapproved', '=', True)]), [cost])
        visit, = self._submit([visit])
        visit = self._approve_all(visit)
        cost, = visit.costs
        self.assertEqual(visit.approval_state, 'approved')
        self.assertFalse(cost.unapproved)
        self.assertEqual(Cost.search([('unapproved', '=', True)]), [])

    @with_transaction()
    def test_approved_estimate_locked(self):
        "CR-3: once approved the estimate cannot change, the actual can"
        pool = Pool()
        Visit = pool.get('reception.visit')
        Cost = pool.get('reception.visit.cost')
        org = self._org()
        visit = self._visit(org, 'C', costs=[{
                    'kind': 'canteen_meal', 'persons': 3,
                    'estimate': Decimal(60)}])
        visit, = self._submit([visit])
        cost, = visit.costs
        with as_user(org['user_sales']):
            with self.assertRaises(AccessError):
                Cost.write([Cost(cost.id)], {'amount': Decimal(1)})
        visit = self._approve_all(visit)
        with as_user(org['user_sales']):
            with self.assertRaises(AccessError):
                Cost.write([Cost(cost.id)], {'estimate': Decimal(600)})
            with self.assertRaises(AccessError):
                Visit.write([Visit(visit.id)], {'purpose': "Other"})
            with self.assertRaises(AccessError):
                Cost.delete([Cost(cost.id)])
            Cost.write([Cost(cost.id)], {'amount': Decimal(75)})
        self.assertEqual(Cost(cost.id).amount, Decimal(75))

    # CR-4

    @with_transaction()
    def test_budget_remaining_and_escalation(self):
        "CR-4: estimate checked against the budget; overspending to the GM"
        pool = Pool()
        Budget = pool.get('reception.budget')
        org = self._org()
        arrival = dt.datetime(2026, 6, 24, 10)
        month = dt.date(2026, 6, 1)
        budget, = Budget.search([
                ('department', '=', org['sales_dept'].id),
                ('month', '=', month)])
        Budget.write([budget], {'amount': Decimal(1000)})
        first = self._visit(org, 'C', arrival=arrival, costs=[{
                    'kind': 'tickets', 'estimate': Decimal(700)}])
        first, = self._submit([first])
        self.assertFalse(first.over_budget)
        self.assertEqual(first.budget_remaining, Decimal(1000))
        self.assertEqual(Budget(budget.id).remaining, Decimal(300))
        second = self._visit(org, 'C', arrival=arrival, costs=[{
                    'kind': 'tickets', 'estimate': Decimal(400)}])
        second, = self._submit([second])
        self.assertTrue(second.over_budget)
        self.assertEqual(second.budget_remaining, Decimal(300))
        self.assertEqual(self._steps(second),
            ["Department Head", "Sales Head", "General Manager"])
        # a month without budget has none
        august = self._visit(org, 'C',
            arrival=dt.datetime(2026, 8, 12, 10), costs=[{
                    'kind': 'tickets', 'estimate': Decimal(1)}])
        august, = self._submit([august])
        self.assertTrue(august.over_budget)
        # actual costs replace the estimate once recorded
        first = self._approve_all(first)
        cost, = first.costs
        pool.get('reception.visit.cost').write([cost], {'amount': Decimal(50)})
        self.assertEqual(Budget(budget.id).committed, Decimal(450))

    @with_transaction()
    def test_budget_unique_and_positive(self):
        "CR-4: one budget per department and month, never negative"
        org = self._org()
        with self.assertRaises(UserError):
            self._budget(org, org['sales_dept'], dt.date(2026, 9, 1),
                Decimal(-1))
        with self.assertRaises(Exception):
            self._budget(org, org['sales_dept'], dt.date(2026, 6, 15),
                Decimal(5))

    # CR-5

    @with_transaction()
    def test_logistics_tasks(self):
        "CR-5: approval creates the logistics tasks, owned and due"
        org = self._org()
        visit = self._visit(org, 'C', need_restaurant=True,
            need_meeting_room=True, meeting_items=['fruit', 'projector'],
            need_photographer=True)
        visit, = self._submit([visit])
        visit = self._approve_all(visit)
        tasks = {t.kind: t for t in visit.tasks}
        self.assertEqual(
            set(tasks), {'restaurant', 'meeting_room', 'photographer'})
        self.assertEqual({t.owner for t in tasks.values()}, {org['hr']})
        self.assertEqual(tasks['meeting_room'].items, ('fruit', 'projector'))
        due_day = self._arrival(org, 4).date()
        self.assertEqual(
            {t.due.date() for t in tasks.values()}, {due_day})

    @with_transaction()
    def test_itinerary_sent_day_before(self):
        "CR-5: the itinerary goes to the guests' leader the day before arrival"
        pool = Pool()
        Visit = pool.get('reception.visit')
        org = self._org()
        visit = self._visit(org, 'C', arrival=dt.datetime(2026, 6, 4, 10),
            itinerary=[('create', [{
                            'start': dt.datetime(2026, 6, 4, 10),
                            'end': dt.datetime(2026, 6, 4, 12),
                            'activity': "Factory tour",
                            'location': "Plant 2"}])])
        later = self._visit(org, 'C', arrival=dt.datetime(2026, 6, 10, 10))
        self._submit([visit, later])
        self._approve_all(visit)
        self._approve_all(later)
        with patch(EMAIL) as send:
            self.assertEqual(Visit.send_itineraries(TODAY), [visit])
            self.assertEqual(Visit.send_itineraries(TODAY), [])
        msg, = [c.args[0] for c in send.call_args_list]
        self.assertEqual(msg['To'], 'Liu Zong <liu@client.example>')
        attachment, = msg.iter_attachments()
        self.assertTrue(attachment.get_filename().endswith('.odt'))
        self.assertTrue(Visit(visit.id).itinerary_sent)

    # CR-6

    @with_transaction()
    def test_meal_over_cap_flagged(self):
        "CR-6: the meal cost per person is compared with the class cap"
        pool = Pool()
        Cost = pool.get('reception.visit.cost')
        Monthly = pool.get('reception.cost.monthly')
        Report = pool.get('reception.cost.over_cap.report', type='report')
        org = self._org()
        visit = self._visit(org, 'B', arrival=dt.datetime(2026, 6, 24, 10),
            costs=[{'kind': 'outside_meal', 'persons': 4,
                    'estimate': Decimal(480), 'description': "Dinner"},
                {'kind': 'drinks', 'estimate': Decimal(500)}])
        visit, = self._submit([visit])
        visit = self._approve_all(visit)
        dinner = [c for c in visit.costs if c.kind == 'outside_meal'][0]
        drinks = [c for c in visit.costs if c.kind == 'drinks'][0]
        Cost.write([dinner], {'amount': Decimal(520)})
        Cost.write([drinks], {'amount': Decimal(900)})
        dinner, drinks = Cost(dinner.id), Cost(drinks.id)
        self.assertEqual(dinner.cap, Decimal(130))
        self.assertEqual(dinner.amount_per_person, Decimal(130))
        self.assertFalse(dinner.over_cap)
        Cost.write([dinner], {'amount': Decimal('520.04')})
        self.assertTrue(Cost(dinner.id).over_cap)
        # cigarettes and drinks are outside the cap
        self.assertFalse(drinks.over_cap)
        with Transaction().set_context(
                company=org['company'].id, from_month=dt.date(2026, 6, 1)):
            line, = Monthly.search([])
            self.assertEqual(
                (line.department, line.month, line.over_cap_count,
                    line.over_cap_amount, line.actual),
                (org['sales_dept'], dt.date(2026, 6, 1), 1,
                    Decimal('520.04'), Decimal('1420.04')))
            self.assertEqual(list(line.over_cap_costs), [Cost(dinner.id)])
            oext, content, _, _ = Report.execute([line.id], {})
        self.assertEqual(oext, 'odt')
        self.assertTrue(content)

    @with_transaction()
    def test_cap_follows_class_change(self):
        "CR-6: changing the class of a draft visit recomputes the caps"
        pool = Pool()
        Visit = pool.get('reception.visit')
        org = self._org()
        visit = self._visit(org, 'A', costs=[{
                    'kind': 'outside_meal', 'persons': 2,
                    'estimate': Decimal(280), 'amount': Decimal(280)}])
        cost, = visit.costs
        self.assertEqual((cost.cap, cost.over_cap), (Decimal(150), False))
        Visit.write([visit], {'visit_class': self._class('C').id})
        cost, = Visit(visit.id).costs
        self.assertEqual((cost.cap, cost.over_cap), (Decimal(100), True))
        with as_user(org['user_sales']):
            Cost = pool.get('reception.visit.cost')
            with self.assertRaises(AccessError):
                Cost.write([Cost(cost.id)], {'over_cap': False})

    # CR-7

    @with_transaction()
    def test_feedback_due_reminder_archive(self):
        "CR-7: feedback due in 2 working days, reminded, sales head archives"
        pool = Pool()
        Visit = pool.get('reception.visit')
        org = self._org()
        # departs on Friday 5 June: due on Tuesday 9 June
        visit = self._visit(org, 'C', arrival=dt.datetime(2026, 6, 5, 9),
            departure=dt.datetime(2026, 6, 5, 17), late_reason="Urgent")
        visit, = self._submit([visit])
        visit = self._approve_all(visit)
        self.assertEqual(visit.feedback_due, dt.date(2026, 6, 9))
        with as_user(org['user_colleague']):
            with self.assertRaises(AccessError):
                Visit.receive([Visit(visit.id)])
        with as_user(org['user_sales']):
            Visit.receive([Visit(visit.id)])
        with patch(EMAIL) as send:
            self.assertEqual(Visit.remind_feedback(dt.date(2026, 6, 8)), [])
            self.assertEqual(
                Visit.remind_feedback(dt.date(2026, 6, 9)), [visit])
            self.assertEqual(Visit.remind_feedback(dt.date(2026, 6, 10)), [])
        msg, = [c.args[0] for c in send.call_args_list]
        self.assertIn('sales@example.com', msg['To'])
        with as_user(org['user_sales']):
            with self.assertRaises(UserError):
                Visit.file_feedback([Visit(visit.id)])
            Visit.write([Visit(visit.id)], {
                    'feedback_satisfaction': 'satisfied',
                    'feedback_summary': "Interested in the ZD-100 terminal",
                    })
            with today(dt.date(2026, 6, 8)):
                Visit.file_feedback([Visit(visit.id)])
            with self.assertRaises(AccessButtonError):
                Visit.archive([Visit(visit.id)])
        visit = Visit(visit.id)
        self.assertEqual(
            (visit.state, visit.feedback_date),
            ('feedback', dt.date(2026, 6, 8)))
        with as_user(org['user_hr']):
            Visit.write([Visit(visit.id)], {
                    'follow_up_employee': org['colleague'].id})
            with self.assertRaises(AccessError):
                Visit.archive([Visit(visit.id)])
        with as_user(org['user_sales_head']):
            Visit.write([Visit(visit.id)], {
                    'follow_up_note': "Send the quotation next week"})
            Visit.archive([Visit(visit.id)])
        visit = Visit(visit.id)
        self.assertEqual(
            (visit.state, visit.archived_by, visit.follow_up_employee),
            ('archived', org['sales_head'], org['colleague']))

    # CR-8

    @with_transaction()
    def test_training_classes_weekly(self):
        "CR-8: every Friday next week's training classes go to the sales head"
        pool = Pool()
        Training = pool.get('reception.training')
        org = self._org()
        values = {
            'company': org['company'].id, 'party': org['client'].id,
            'leader_name': "Director Qian", 'leader_title': "Director",
            'trainee_level': "Engineers",
            }
        this_week, next_week, later = Training.create([
                dict(values, name="Gateway basics",
                    check_in=dt.date(2026, 6, 4), end=dt.date(2026, 6, 5)),
                dict(values, name="ZD-100 maintenance",
                    check_in=dt.date(2026, 6, 8), end=dt.date(2026, 6, 10)),
                dict(values, name="Advanced",
                    check_in=dt.date(2026, 6, 15), end=dt.date(2026, 6, 16)),
                ])
        friday = dt.date(2026, 6, 5)
        with patch(EMAIL) as send, Transaction().set_context(
                company=org['company'].id):
            self.assertEqual(Training.send_weekly(friday), [next_week])
        msg, = [c.args[0] for c in send.call_args_list]
        self.assertIn('sales_head@example.com', msg['To'])
        body = msg.get_body(('html',)).get_content()
        for text in ["ZD-100 maintenance", "Director Qian", "Director",
                "2026-06-08", "2026-06-10", "Engineers",
                "Huaxin Electronics"]:
            self.assertIn(text, body)
        self.assertNotIn("Advanced", body)
        self.assertTrue(Training(next_week.id).notified)
        with today(friday):
            self.assertEqual(
                Training.search([('next_week', '=', True)]), [next_week])
        with self.assertRaises(UserError):
            Training.create([dict(values, name="Bad",
                        check_in=dt.date(2026, 6, 9),
                        end=dt.date(2026, 6, 8))])

    # Access

    @with_transaction()
    def test_visibility(self):
        "CR access: hosts see their own, heads their department, office all"
        pool = Pool()
        Visit = pool.get('reception.visit')
        org = self._org()
        mine = self._visit(org, 'C')
        colleagues = self._visit(org, 'C', employee='colleague')
        rnd = self._visit(org, 'D', employee='engineer',
            department='rnd_dept')
        everyone = {mine, colleagues, rnd}
        for user, expected in [
                ('user_sales', {mine}),
                ('user_colleague', {colleagues}),
                ('user_engineer', {rnd}),
                ('user_rnd_head', {rnd}),
                ('user_sales_head', everyone),
                ('user_hr', everyone),
                ('user_gm', set()),
                ]:
            with self.subTest(user=user), as_user(org[user]):
                self.assertEqual(set(Visit.search([])), expected)
        with as_user(org['user_engineer']):
            with self.assertRaises(AccessError):
                Visit.read([mine.id], ['purpose'])
        # an approver sees the visits they decide
        self._submit([rnd])
        with as_user(org['user_rnd_head']):
            self.assertEqual(Visit.search([]), [rnd])
        with as_user(org['user_gm']):
            self.assertEqual(Visit.search([]), [])

    @with_transaction()
    def test_denials(self):
        "CR access: budgets, classes and reports are refused to hosts"
        pool = Pool()
        Budget = pool.get('reception.budget')
        Class = pool.get('reception.class')
        Monthly = pool.get('reception.cost.monthly')
        Visit = pool.get('reception.visit')
        org = self._org()
        visit = self._visit(org, 'C')
        with as_user(org['user_sales']):
            self.assertTrue(Budget.search([]))
            with self.assertRaises(AccessError):
                Budget.create([{'department': org['sales_dept'].id,
                            'month': dt.date(2026, 10, 1),
                            'amount': Decimal(1)}])
            with self.assertRaises(AccessError):
                Class.write([self._class('C')], {'name': "Cheap"})
            with self.assertRaises(AccessError):
                Monthly.search([])
            with self.assertRaises(AccessButtonError):
                Visit.archive([Visit(visit.id)])
        with as_user(org['user_gm']):
            with self.assertRaises(AccessError):
                Visit.create([{'purpose': "x"}])
        with as_user(org['user_hr']):
            Budget.create([{'department': org['sales_dept'].id,
                        'month': dt.date(2026, 10, 1),
                        'amount': Decimal(1)}])
        self._submit([visit])
        with as_user(org['user_sales']):
            with self.assertRaises(AccessError):
                Visit.delete([Visit(visit.id)])

    # RB-6

    @with_transaction()
    def test_not_in_force(self):
        "CR (RB-6): not in force for the company, the module changes nothing"
        pool = Pool()
        Document = pool.get('regulation.document')
        Visit = pool.get('reception.visit')
        org = self._org()
        document, = Document.create([{
                    'name': "Reception", 'code': 'client_reception',
                    'version': '1', 'effective_date': dt.date(2020, 1, 1),
                    }])
        Document.discuss([document])
        Document.review([document])
        Document.approve([document])
        Document.publish([document])
        visit = self._visit(org, 'C', days=0, costs=[{
                    'kind': 'outside_meal', 'persons': 2,
                    'estimate': Decimal(5000), 'amount': Decimal(5000)}])
        cost, = visit.costs
        self.assertEqual((cost.over_cap, cost.unapproved), (False, False))
        visit, = self._submit([visit])
        visit = Visit(visit.id)
        self.assertEqual(
            (visit.state, visit.late, visit.over_budget, visit.approvals),
            ('approved', False, False, ()))


del ModuleTestCase
