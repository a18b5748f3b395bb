# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import AccessError, RequiredValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.aftersales_service.exceptions import (
    ComplaintError, PartApprovalError, ReturnRuleError, ServiceError)
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

MAIL = 'trytond.sendmail.send_message_transactional'
DESK = ['aftersales_service.group_aftersales']
MANAGER = ['aftersales_service.group_aftersales_manager']
TECH = ['aftersales_service.group_aftersales_technician']
QUALITY = ['aftersales_service.group_aftersales_quality']
PURCHASING = ['aftersales_service.group_aftersales_purchasing']
# a Monday
MONDAY = dt.datetime(2026, 3, 9, 10, 0)


def set_parameter(code, value, company=None):
    Parameter = Pool().get('regulation.parameter')
    Parameter.create([{
                'code': code, 'name': code,
                'value': Decimal(str(value)),
                'company': company.id if company else None,
                'effective_date': dt.date(2000, 1, 1),
                }])


def set_state(record, state):
    "Force the state of a sale or an invoice as its workflow would"
    table = record.__class__.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update(
            [table.state], [state], where=table.id == record.id))


def mailed_to(send):
    return [c.args[0]['To'] for c in send.call_args_list]


class AftersalesServiceTestCase(CompanyTestMixin, ModuleTestCase):
    "Test After-Sales Service module"
    module = 'aftersales_service'
    extras = ['key_account']

    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('regulation.parameter', 'company'),
            }

    # Fixtures

    def _email(self, employee, address):
        Mechanism = Pool().get('party.contact_mechanism')
        Mechanism.create([{
                    'party': employee.party.id, 'type': 'email',
                    'value': address}])

    def _org(self):
        pool = Pool()
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company = create_company()
        org = {'company': company}
        with set_company(company):
            org['head'] = head = create_staff(
                company, "售后主管", None, 'middle')
            org['dept'] = dept = create_department(
                company, "售后服务部", head=head)
            head.department = dept
            head.save()
            self._email(head, 'head@example.com')
            for key, name, groups in [
                    ('desk', "服务台", DESK),
                    ('tech', "技术员甲", TECH),
                    ('tech2', "技术员乙", TECH),
                    ('quality', "质量员", QUALITY),
                    ('mr', "管理者代表", QUALITY),
                    ('buyer', "采购主管", PURCHASING),
                    ('manager', "售后经理", MANAGER),
                    ('gm', "总经理", []),
                    ]:
                employee = create_staff(company, name, dept)
                org[key] = employee
                org[key + '_user'] = create_user(
                    key, employee, groups=groups)
            self._email(org['gm'], 'gm@example.com')
            self._email(org['buyer'], 'buyer@example.com')
            assign_role(company, 'management_representative', org['mr'])
            assign_role(company, 'purchasing_head', org['buyer'])
            assign_role(company, 'general_manager', org['gm'])
            org['customer'], = Party.create([{
                        'name': "华东机械厂",
                        'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': 'client@example.com'}])],
                        }])
            org['supplier'], = Party.create([{'name': "配件供应商"}])
            unit, = Uom.search([('name', '=', 'Unit')])
            template, = Template.create([{
                        'name': "数控机床",
                        'default_uom': unit.id,
                        'type': 'goods',
                        'products': [('create', [{}])],
                        }])
            org['product'], = template.products
            part, = Template.create([{
                        'name': "主轴轴承",
                        'default_uom': unit.id,
                        'type': 'goods',
                        'products': [('create', [{}])],
                        }])
            org['part'], = part.products
        return org

    def _sale(self, org, sale_date, state='confirmed', **values):
        Sale = Pool().get('sale.sale')
        company = org['company']
        sale, = Sale.create([dict({
                        'company': company.id,
                        'party': org['customer'].id,
                        'currency': company.currency.id,
                        'sale_date': sale_date,
                        }, **values)])
        set_state(sale, state)
        return Sale(sale.id)

    def _request(self, org, received=MONDAY, **values):
        Request = Pool().get('aftersales.request')
        if 'sale' not in values:
            values.setdefault(
                'delivery_date', received.date() - dt.timedelta(days=30))
        request, = Request.create([dict({
                        'company': org['company'].id,
                        'customer': org['customer'].id,
                        'channel': 'phone',
                        'kind': 'repair',
                        'received': received,
                        'product': org['product'].id,
                        'serial': 'SN-001',
                        'fault': 'E42',
                        }, **values)])
        return request

    def _dispatch(self, org, request, technician=None, **values):
        Dispatch = Pool().get('aftersales.dispatch')
        dispatch, = Dispatch.create([dict({
                        'request': request.id,
                        'company': request.company.id,
                        'technician': (technician or org['tech']).id,
                        'planned': request.received + dt.timedelta(hours=2),
                        'arrived': request.received + dt.timedelta(hours=3),
                        'place': "苏州工厂",
                        'travel_cost': Decimal('320'),
                        'work_log': "更换主轴轴承, 试车正常",
                        }, **values)])
        return dispatch

    def _do_repair(self, org, request):
        "Take an answered free request through the work"
        Request = Pool().get('aftersales.request')
        Dispatch = Pool().get('aftersales.dispatch')
        Request.start([request])
        dispatch = self._dispatch(org, request)
        Dispatch.do([dispatch])
        Request.finish([request])
        return dispatch

    def _complaint(self, org, **values):
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        ModelData = pool.get('ir.model.data')
        complaint, = Complaint.create([dict({
                        'company': org['company'].id,
                        'customer': org['customer'].id,
                        'type': ModelData.get_id(
                            'aftersales_service', 'complaint_type_service'),
                        'date': MONDAY.date(),
                        'description': "客户反映主轴异响",
                        }, **values)])
        return complaint

    # AS-1

    @with_transaction()
    def test_request_register_channel_kind(self):
        "AS-1: every request is registered with its channel, kind, numbered"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            with as_user(org['desk_user']):
                request, = Request.create([{
                            'customer': org['customer'].id,
                            'channel': 'letter',
                            'kind': 'installation',
                            'urgency': 'urgent',
                            'product': org['product'].id,
                            'serial': 'SN-9',
                            }])
                self.assertTrue(request.number.startswith('AS'))
                self.assertEqual(request.registered_by, org['desk'])
                self.assertEqual(
                    Request.search([('channel', '=', 'letter')]), [request])
                for name in ['customer', 'channel', 'kind', 'urgency',
                        'received']:
                    self.assertTrue(getattr(Request, name).required, name)
                with self.assertRaises(AccessError):
                    Request.write([request], {'state': 'closed'})

    # AS-2

    @with_transaction()
    def test_in_warranty_free(self):
        "AS-2: a covered defect in warranty is repaired free without quotation"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            sale = self._sale(org, dt.date(2026, 1, 5), warranty_months=12)
            request = self._request(org, sale=sale.id, cause='manufacture')
            Request.answer([request])
            self.assertEqual(request.warranty, 'in')
            self.assertFalse(request.chargeable)
            self.assertEqual(request.delivery_date, dt.date(2026, 1, 5))
            self.assertEqual(request.warranty_end, dt.date(2027, 1, 5))
            Request.start([request])
            self.assertEqual(request.state, 'in_progress')

    @with_transaction()
    def test_out_of_warranty_quotation_accepted_before_work(self):
        "AS-2: out of warranty a quotation is accepted before work starts"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            sale = self._sale(org, dt.date(2024, 1, 5), warranty_months=12)
            request = self._request(org, sale=sale.id)
            Request.answer([request])
            self.assertEqual(request.warranty, 'out')
            self.assertTrue(request.chargeable)
            with self.assertRaises(ServiceError):
                Request.start([request])
            self.assertEqual(request.state, 'open')
            with self.assertRaises(ServiceError):
                Request.quote([request])
            request.quotation_parts = Decimal('1800')
            request.quotation_travel = Decimal('400')
            request.save()
            Request.quote([request])
            self.assertEqual(request.state, 'quoted')
            self.assertEqual(request.quotation_amount, Decimal('2200'))
            with self.assertRaises(ServiceError):
                Request.accept([request])
            request.accepted_by = "王工"
            request.save()
            Request.accept([request])
            Request.start([request])
            self.assertEqual(request.state, 'in_progress')

    @with_transaction()
    def test_warranty_period_contract_product_parameter(self):
        "AS-2: the contract's period wins over the product's and the default"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            # delivered 18 months before the request
            sale = self._sale(org, dt.date(2024, 9, 9))
            request = self._request(org, sale=sale.id)
            self.assertEqual(request.compute_warranty()[2], 'out')
            set_parameter('aftersales_warranty_months', 24)
            self.assertEqual(request.compute_warranty()[2], 'in')
            template = org['product'].template
            template.warranty_months = 6
            template.save()
            self.assertEqual(request.compute_warranty()[2], 'out')
            sale.warranty_months = 36
            sale.save()
            self.assertEqual(request.compute_warranty()[2], 'in')
            # a misuse is not covered even in warranty
            request.cause = 'misuse'
            request.save()
            Request.answer([request])
            self.assertEqual(request.warranty, 'in')
            self.assertTrue(request.chargeable)

    # AS-3

    @with_transaction()
    def test_sla_deadlines_in_working_hours(self):
        "AS-3: answer 24 h, quotation 48 h or urgent 8 h in working hours"
        pool = Pool()
        Request = pool.get('aftersales.request')
        CalendarDay = pool.get('regulation.calendar.day')
        org = self._org()
        company = org['company']
        with set_company(company):
            friday = dt.datetime(2026, 3, 13, 16, 0)
            old = self._sale(org, dt.date(2020, 1, 1))
            normal = self._request(org, received=friday, sale=old.id)
            urgent = self._request(
                org, received=friday, sale=old.id, urgency='urgent')
            Request.answer([normal, urgent])
            self.assertEqual(normal.answer_deadline,
                CalendarDay.add_working_hours(company, friday, 24))
            self.assertGreater(
                normal.answer_deadline, friday + dt.timedelta(hours=24))
            self.assertEqual(normal.quotation_deadline,
                CalendarDay.add_working_hours(company, friday, 48))
            self.assertEqual(urgent.quotation_deadline,
                CalendarDay.add_working_hours(company, friday, 8))
            set_parameter('aftersales_urgent_quotation_hours', 4)
            self.assertEqual(urgent.compute_deadlines()[1],
                CalendarDay.add_working_hours(company, friday, 4))

    @with_transaction()
    def test_sla_breach_flagged_and_escalated(self):
        "AS-3: the cron flags breached requests and e-mails the escalation"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            with as_user(org['desk_user']):
                late = self._request(
                    org, required_on_site=MONDAY + dt.timedelta(hours=4))
                fine = self._request(
                    org, required_on_site=MONDAY + dt.timedelta(days=30))
            Request.answer([late, fine])
            Request.write([late, fine], {
                    'answered': MONDAY + dt.timedelta(hours=1)})
            with patch(MAIL) as send:
                flagged = Request.check_sla(
                    now=MONDAY + dt.timedelta(hours=5))
            self.assertEqual(flagged, [late])
            self.assertTrue(late.breached)
            self.assertFalse(fine.breached)
            self.assertEqual(late.breaches, 'on_site')
            self.assertEqual(mailed_to(send), ['head@example.com'])
            # a breach is escalated once
            with patch(MAIL) as send:
                Request.check_sla(now=MONDAY + dt.timedelta(hours=6))
            send.assert_not_called()

    @with_transaction()
    def test_urgent_parts_six_hours(self):
        "AS-3: urgent spare parts are due 6 hours after they are requested"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            request = self._request(
                org, parts_urgent=True, parts_requested=MONDAY,
                parts_delivered=MONDAY + dt.timedelta(hours=7),
                required_on_site=MONDAY + dt.timedelta(days=3))
            Request.answer([request])
            self.assertEqual(
                request.parts_deadline, MONDAY + dt.timedelta(hours=6))
            self.assertIn('parts', request.sla_breaches(
                    now=MONDAY + dt.timedelta(hours=8)))
            request.parts_delivered = MONDAY + dt.timedelta(hours=5)
            request.save()
            self.assertNotIn('parts', request.sla_breaches(
                    now=MONDAY + dt.timedelta(hours=8)))

    @with_transaction()
    def test_monthly_on_time_rate(self):
        "AS-3: the monthly on-time rate is measured against the 95% target"
        Request = Pool().get('aftersales.request')
        org = self._org()
        company = org['company']
        with set_company(company):
            on_time = self._request(
                org, received=dt.datetime.now() - dt.timedelta(hours=1))
            late = self._request(
                org, received=dt.datetime.now() - dt.timedelta(days=20),
                required_on_site=dt.datetime.now() - dt.timedelta(days=19))
            Request.answer([on_time, late])
            today = dt.date.today()
            start = today - dt.timedelta(days=40)
            self.assertEqual(
                Request.on_time_rate(company, start, today),
                (1, 2, Decimal('50.0'), Decimal(95)))

    # AS-4

    @with_transaction()
    def test_dispatch_work_log_and_substitute_part(self):
        "AS-4: a dispatch logs work; a substitute part needs the approval"
        pool = Pool()
        Request = pool.get('aftersales.request')
        Dispatch = pool.get('aftersales.dispatch')
        Part = pool.get('aftersales.dispatch.part')
        org = self._org()
        with set_company(org['company']):
            request = self._request(org)
            Request.answer([request])
            dispatch = self._dispatch(org, request, work_log=None)
            with self.assertRaises(ServiceError):
                Dispatch.do([dispatch])
            self.assertEqual(dispatch.state, 'planned')
            other = self._dispatch(org, request)
            with self.assertRaises(PartApprovalError):
                Part.create([{
                            'dispatch': other.id,
                            'product': org['part'].id,
                            'quantity': 2,
                            'original': False,
                            }])
            Part.create([{
                        'dispatch': dispatch.id,
                        'product': org['part'].id,
                        'quantity': 2,
                        'original': False,
                        'customer_approval': "王工",
                        'approval_date': MONDAY.date(),
                        }])
            dispatch.work_log = "更换主轴轴承(替代品牌, 客户同意)"
            dispatch.save()
            Dispatch.do([dispatch])
            self.assertEqual(dispatch.state, 'done')
            self.assertEqual(dispatch.travel_cost, Decimal('320'))
            with self.assertRaises(AccessError):
                Dispatch.delete([dispatch])

    @with_transaction()
    def test_access_technician_desk_customer(self):
        "AS-4: technicians see their dispatches only; others see nothing"
        pool = Pool()
        Request = pool.get('aftersales.request')
        Dispatch = pool.get('aftersales.dispatch')
        User = pool.get('res.user')
        org = self._org()
        with set_company(org['company']):
            mine = self._request(org)
            other = self._request(org, serial='SN-002')
            Request.answer([mine, other])
            my_dispatch = self._dispatch(org, mine)
            self._dispatch(org, other, technician=org['tech2'])
            with as_user(org['tech_user']):
                self.assertEqual(Dispatch.search([]), [my_dispatch])
                self.assertEqual(Request.search([]), [mine])
                with self.assertRaises(AccessError):
                    Request.create([{
                                'customer': org['customer'].id,
                                'channel': 'phone', 'kind': 'repair'}])
                with self.assertRaises(AccessButtonError):
                    Request.finish([mine])
                Dispatch.do([my_dispatch])
            with as_user(org['desk_user']):
                self.assertEqual(len(Dispatch.search([])), 2)
                self.assertEqual(len(Request.search([])), 2)
                with self.assertRaises(AccessError):
                    Request.delete([mine])
            outsider, = User.create([{'login': 'client', 'name': "客户"}])
            outsider.company = org['company']
            outsider.companies = [org['company']]
            outsider.save()
            with as_user(outsider):
                with self.assertRaises(AccessError):
                    Request.search([])
                with self.assertRaises(AccessError):
                    Dispatch.search([])

    # AS-5

    @with_transaction()
    def test_close_needs_confirmed_report_and_survey(self):
        "AS-5: no closing without the confirmed service report and survey"
        pool = Pool()
        Request = pool.get('aftersales.request')
        Survey = pool.get('aftersales.survey')
        org = self._org()
        with set_company(org['company']):
            request = self._request(org)
            Request.answer([request])
            Request.start([request])
            with self.assertRaises(ServiceError):
                Request.finish([request])
            self._do_repair_after_start(org, request)
            self.assertEqual(request.state, 'done')
            with self.assertRaises(ServiceError):
                Request.close([request])
            with self.assertRaises(ServiceError):
                Request.confirm_report([request])
            request.report_summary = "更换主轴轴承, 设备恢复正常"
            request.report_confirmed_by = "王工"
            request.save()
            Request.confirm_report([request])
            with self.assertRaises(ServiceError):
                Request.close([request])
            self.assertEqual(request.state, 'done')
            Survey.create([{
                        'request': request.id,
                        'company': request.company.id,
                        'respondent': "王工",
                        'satisfaction': '5',
                        }])
            Request.close([request])
            self.assertEqual(request.state, 'closed')

    def _do_repair_after_start(self, org, request):
        Request = Pool().get('aftersales.request')
        Dispatch = Pool().get('aftersales.dispatch')
        dispatch = self._dispatch(org, request)
        Dispatch.do([dispatch])
        Request.finish([request])

    # AS-6

    @with_transaction()
    def test_repeat_repair_opens_quality_complaint(self):
        "AS-6: the same fault on the same serial again is a repeat repair"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            first = self._request(org)
            Request.answer([first])
            self._do_repair(org, first)
            self.assertFalse(first.repeat)
            other_fault = self._request(org, fault='E7')
            Request.answer([other_fault])
            self._do_repair(org, other_fault)
            self.assertFalse(other_fault.repeat)
            again = self._request(org)
            Request.answer([again])
            self._do_repair(org, again)
            self.assertEqual(again.repeat_of, first)
            self.assertTrue(again.complaint)
            self.assertTrue(again.complaint.quality)
            self.assertEqual(again.complaint.origin, again)
            self.assertEqual(again.complaint.customer, org['customer'])

    @with_transaction()
    def test_repeat_repair_window(self):
        "AS-6: a repair outside the configurable window is not a repeat"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            first = self._request(org)
            Request.answer([first])
            self._do_repair(org, first)
            Request.write([first], {
                    'finished': dt.datetime.now() - dt.timedelta(days=100)})
            again = self._request(org)
            Request.answer([again])
            self._do_repair(org, again)
            self.assertFalse(again.repeat)
            set_parameter('aftersales_repeat_days', 180)
            self.assertEqual(again.find_repeat_of(), first)

    # AS-7

    @with_transaction()
    def test_complaint_capa_verification(self):
        "AS-7: CAPA with owners and dates, verified by the representative"
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        CAPA = pool.get('sale.complaint.capa')
        org = self._org()
        with set_company(org['company']):
            with as_user(org['quality_user']):
                complaint = self._complaint(org, quality=True)
                Complaint.wait([complaint])
            with as_user(org['manager_user']):
                with self.assertRaises(ComplaintError):
                    Complaint.approve([complaint])
            self.assertEqual(complaint.state, 'waiting')
            with as_user(org['quality_user']):
                with self.assertRaises(AccessButtonError):
                    Complaint.approve([complaint])
                # only the management representative verifies
                with self.assertRaises(ComplaintError):
                    Complaint.verify([complaint])
            with as_user(org['mr_user']):
                with self.assertRaises(ComplaintError):
                    Complaint.verify([complaint])
                Complaint.write([complaint], {
                        'investigation': "现场检查主轴",
                        'root_cause': "轴承装配预紧力不足",
                        'responsibility': 'company',
                        })
                action, = CAPA.create([{
                            'complaint': complaint.id,
                            'kind': 'corrective',
                            'description': "重新装配并检测",
                            'owner': org['tech'].id,
                            'due_date': MONDAY.date(),
                            }])
                with self.assertRaises(ComplaintError):
                    Complaint.verify([complaint])
                with self.assertRaises(ComplaintError):
                    CAPA.write([action], {'done_date': MONDAY.date()})
                CAPA.write([action], {
                        'done_date': MONDAY.date(),
                        'result': "复测合格"})
                Complaint.verify([complaint])
            complaint = Complaint(complaint.id)
            self.assertEqual(complaint.verified_by, org['mr'])
            with as_user(org['manager_user']):
                Complaint.approve([complaint])
                self.assertEqual(complaint.state, 'approved')
                # the queue processes the approved complaint
                Complaint.process([complaint])
            self.assertEqual(complaint.state, 'done')

    @with_transaction()
    def test_complaint_escalation(self):
        "AS-7: a complaint is escalated to top management by e-mail"
        Complaint = Pool().get('sale.complaint')
        org = self._org()
        with set_company(org['company']):
            complaint = self._complaint(org)
            with as_user(org['desk_user']):
                with self.assertRaises(AccessButtonError):
                    Complaint.escalate([complaint])
            with as_user(org['quality_user']), patch(MAIL) as send:
                Complaint.escalate([complaint])
            self.assertTrue(complaint.escalated)
            self.assertEqual(mailed_to(send), ['gm@example.com'])

    # AS-8

    @with_transaction()
    def test_supplier_defect_routed_and_counted(self):
        "AS-8: a bought-in part's defect goes to purchasing and is counted"
        Complaint = Pool().get('sale.complaint')
        org = self._org()
        supplier = org['supplier']
        with set_company(org['company']):
            with self.assertRaises(RequiredValidationError):
                self._complaint(org, responsibility='supplier')
            defect = self._complaint(
                org, responsibility='supplier', supplier=supplier.id)
            cancelled = self._complaint(
                org, responsibility='supplier', supplier=supplier.id)
            Complaint.cancel([cancelled])
            self._complaint(org, responsibility='company')
            self._complaint(
                org, responsibility='supplier', supplier=supplier.id,
                date=dt.date(2025, 1, 1))
            with patch(MAIL) as send:
                Complaint.wait([defect])
            self.assertTrue(defect.routed_to_purchasing)
            self.assertEqual(mailed_to(send), ['buyer@example.com'])
            self.assertEqual(
                Complaint.supplier_defect_counts(
                    [supplier.id, org['customer'].id],
                    dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                {supplier.id: 1, org['customer'].id: 0})
            self.assertEqual(
                Complaint.supplier_defect_counts(
                    [supplier.id], dt.date(2025, 1, 1), dt.date(2026, 12, 31),
                    company=org['company'])[supplier.id], 2)
            with as_user(org['buyer_user']):
                self.assertEqual(
                    {c.responsibility for c in Complaint.search([])},
                    {'supplier'})

    # AS-9

    def _return_complaint(self, org, sale_date, **values):
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        Type = pool.get('sale.complaint.type')
        IrModel = pool.get('ir.model')
        sale = self._sale(org, sale_date)
        origin, = IrModel.search([('name', '=', 'sale.sale')])
        type_, = Type.create([{'name': "Sale", 'origin': origin.id}])
        complaint, = Complaint.create([dict({
                        'company': org['company'].id,
                        'customer': org['customer'].id,
                        'type': type_.id,
                        'origin': str(sale),
                        'date': dt.date(2026, 3, 10),
                        'actions': [('create', [{'action': 'sale_return'}])],
                        }, **values)])
        return complaint

    @with_transaction()
    def test_no_reason_return_rules(self):
        "AS-9: no-reason return within 7 days, intact, right and resalable"
        org = self._org()
        with set_company(org['company']):
            intact = dict(
                packaging_intact=True, quantity_right=True, resalable=True)
            complaint = self._return_complaint(org, dt.date(2026, 3, 5))
            with self.assertRaises(ReturnRuleError):
                complaint.check_return_rules()
            complaint.return_reason = 'no_reason'
            complaint.save()
            with self.assertRaises(ReturnRuleError):
                complaint.check_return_rules()
            ok = self._return_complaint(
                org, dt.date(2026, 3, 5), return_reason='no_reason', **intact)
            ok.check_return_rules()
            self.assertEqual(ok.return_freight, 'customer')
            for name in intact:
                values = dict(intact, **{name: False})
                bad = self._return_complaint(
                    org, dt.date(2026, 3, 5), return_reason='no_reason',
                    **values)
                with self.assertRaises(ReturnRuleError):
                    bad.check_return_rules()
            late = self._return_complaint(
                org, dt.date(2026, 3, 1), return_reason='no_reason', **intact)
            with self.assertRaises(ReturnRuleError):
                late.check_return_rules()
            set_parameter('aftersales_return_days', 10)
            late.check_return_rules()

    @with_transaction()
    def test_quality_return_unconditional_and_vat_fee(self):
        "AS-9: quality defects return unconditionally; 14% VAT invoice fee"
        org = self._org()
        with set_company(org['company']):
            quality = self._return_complaint(
                org, dt.date(2025, 1, 1), return_reason='quality')
            quality.check_return_rules()
            self.assertEqual(quality.return_freight, 'company')
            self.assertEqual(quality.return_fee_rate, Decimal(0))
            fee = self._return_complaint(
                org, dt.date(2026, 3, 5), return_reason='no_reason',
                vat_invoice_issued=True)
            self.assertEqual(fee.return_fee_rate, Decimal(14))
            fee.vat_original_returned = True
            fee.save()
            self.assertEqual(fee.return_fee_rate, Decimal(0))
            fee.vat_original_returned = False
            fee.save()
            set_parameter('aftersales_vat_return_fee', 10)
            self.assertEqual(fee.return_fee_rate, Decimal(10))

    # AS-10

    @with_transaction()
    def test_periodic_maintenance_and_full_check(self):
        "AS-10: maintenance visits on schedule and the last month's check"
        Request = Pool().get('aftersales.request')
        org = self._org()
        with set_company(org['company']):
            sale = self._sale(
                org, dt.date(2026, 1, 1), maintenance_months=3,
                service_start=dt.date(2026, 1, 1),
                service_end=dt.date(2026, 12, 31))
            self.assertEqual(
                Request.generate_maintenance(date=dt.date(2026, 2, 1)), [])
            created = Request.generate_maintenance(date=dt.date(2026, 3, 28))
            self.assertEqual(len(created), 1)
            self.assertEqual(created[0].kind, 'maintenance')
            self.assertEqual(
                created[0].required_on_site.date(), dt.date(2026, 4, 1))
            # not twice
            self.assertEqual(
                Request.generate_maintenance(date=dt.date(2026, 3, 29)), [])
            full, = Request.generate_maintenance(date=dt.date(2026, 12, 5))
            self.assertTrue(full.full_check)
            self.assertEqual(full.sale, sale)
            self.assertEqual(
                Request.generate_maintenance(date=dt.date(2026, 12, 6)), [])

    @with_transaction()
    def test_installation_training_and_deadline(self):
        "AS-10: installation by the contract's deadline and with training"
        pool = Pool()
        Request = pool.get('aftersales.request')
        Training = pool.get('aftersales.training')
        org = self._org()
        with set_company(org['company']):
            request = self._request(
                org, kind='installation',
                installation_deadline=MONDAY.date())
            Request.answer([request])
            Request.start([request])
            dispatch = self._dispatch(org, request)
            pool.get('aftersales.dispatch').do([dispatch])
            with self.assertRaises(ServiceError):
                Request.finish([request])
            Training.create([{
                        'request': request.id,
                        'date': MONDAY.date(),
                        'trainer': org['tech'].id,
                        'trainees': "操作工 3 人",
                        }])
            Request.finish([request])
            self.assertEqual(request.state, 'done')
            self.assertEqual(request.technician_signed_by, None)
            self.assertIn('installation', request.sla_breaches())

    # AS-11

    @with_transaction()
    def test_key_account_priority_and_progress_mail(self):
        "AS-11: the key-account tier sets the priority; progress e-mailed"
        pool = Pool()
        Request = pool.get('aftersales.request')
        Party = pool.get('party.party')
        org = self._org()
        with set_company(org['company']):
            request = self._request(org, urgency='urgent')
            plain = self._request(org)
            with patch.object(Party, 'key_account_priority',
                    lambda self, company=None: 3 if self == org['customer']
                    else 0), patch(MAIL) as send:
                Request.answer([request])
            self.assertEqual(request.priority, 31)
            self.assertEqual(mailed_to(send), ['client@example.com'])
            with patch(MAIL) as send:
                Request.answer([plain])
            self.assertEqual(plain.priority, 0)
            send.assert_not_called()

    @with_transaction()
    def test_key_account_complaint_count(self):
        "AS-11, KA-8: the yearly complaints of an account are the real ones"
        Complaint = Pool().get('sale.complaint')
        from trytond.modules.aftersales_service.key_account import (
            complaint_count)
        org = self._org()
        with set_company(org['company']):
            self._complaint(org)
            Complaint.cancel([self._complaint(org)])
            self._complaint(org, date=dt.date(2025, 6, 1))
            self.assertEqual(complaint_count(
                    org['customer'], org['company'],
                    dt.date(2026, 1, 1), dt.date(2026, 12, 31)), 1)

    # AS-12

    @with_transaction()
    def test_yearly_report(self):
        "AS-12: the yearly product and service report renders its figures"
        pool = Pool()
        Request = pool.get('aftersales.request')
        YearlyReport = pool.get('aftersales.yearly_report', type='report')
        from trytond.modules.aftersales_service.report import yearly_figures
        org = self._org()
        with set_company(org['company']):
            request = self._request(org)
            Request.answer([request])
            figures = yearly_figures(org['company'], 2026)
            self.assertEqual(figures['requests'], 1)
            self.assertEqual(figures['months'][2]['total'], 1)
            oext, content, _, name = YearlyReport.execute([], {
                    'company': org['company'].id, 'year': 2026})
            self.assertEqual(oext, 'odt')
            self.assertTrue(content)

    # RB-6

    @with_transaction()
    def test_not_in_force_changes_nothing(self):
        "AS-2, AS-5: where the regulation is not in force nothing is checked"
        pool = Pool()
        Request = pool.get('aftersales.request')
        Document = pool.get('regulation.document')
        org = self._org()
        other = create_company("Other")
        document, = Document.create([{
                    'name': "AS", 'code': 'aftersales_service',
                    'version': '1',
                    'effective_date': dt.date(2020, 1, 1),
                    'companies': [('add', [other.id])],
                    }])
        Document.discuss([document])
        Document.review([document])
        Document.approve([document])
        Document.publish([document])
        with set_company(org['company']):
            sale = self._sale(org, dt.date(2020, 1, 5))
            request = self._request(org, sale=sale.id)
            Request.answer([request])
            self.assertFalse(request.chargeable)
            Request.start([request])
            Request.finish([request])
            Request.close([request])
            self.assertEqual(request.state, 'closed')
            self.assertEqual(request.sla_breaches(), [])


del ModuleTestCase
