# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.office_phone.exceptions import BillImportError
from trytond.modules.regulation_base.exceptions import ApprovalError
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

USER = ['regulation_base.group_regulation', 'office_phone.group_office_phone']
ADMIN = USER + ['office_phone.group_office_phone_admin']
FINANCE = USER + ['office_phone.group_office_phone_finance']
PERIOD = dt.date(2026, 3, 1)
HEADER = 'line,start,dialled,duration,cost\n'


def csv_bill(rows, header=HEADER):
    return (header + ''.join(','.join(str(v) for v in r) + '\n'
            for r in rows)).encode('utf-8')


class OfficePhoneTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Office Phone module"
    module = 'office_phone'

    @property
    def _skip_company_rule(self):
        # a pattern without company applies to every company
        return super()._skip_company_rule | {
            ('office.phone.pattern', 'company'),
            }

    # Fixtures

    def _org(self):
        """A company with a sales team (head, two members), the admin & HR
        office, finance, the general manager, a register and a contact."""
        pool = Pool()
        Set = pool.get('office.phone.set')
        Line = pool.get('office.phone.line')
        Party = pool.get('party.party')
        company = create_company()
        org = {'company': company}
        with set_company(company):
            org['head'] = head = create_staff(company, "Head Li", None,
                'middle')
            org['sales'] = sales = create_department(
                company, "Sales", head=head)
            head.department = sales
            head.start_date = dt.date(2020, 1, 1)
            head.save()
            org['office'] = office = create_department(company, "Office")
            org['clerk'] = create_staff(company, "Clerk Chen", sales)
            org['sun'] = create_staff(company, "Sun Li", sales)
            org['hr'] = create_staff(company, "HR Zhou", office)
            org['cashier'] = create_staff(company, "Cashier Qian", office)
            org['gm'] = create_staff(company, "GM Zhao", office, 'senior')
            org['tech'] = create_staff(company, "Tech Wu", office)
            org['tech'].phone_technician = True
            org['tech'].save()
            assign_role(company, 'admin_hr', org['hr'])
            assign_role(company, 'finance', org['cashier'])
            assign_role(company, 'general_manager', org['gm'])
            for key, groups in [('head', USER), ('clerk', USER),
                    ('sun', USER), ('hr', ADMIN), ('cashier', FINANCE),
                    ('gm', USER)]:
                org['user_' + key] = create_user(key, org[key], groups)
            org['set'], = Set.create([{
                        'company': company.id, 'code': 'TEL-001',
                        'model': 'Panasonic KX-TS208',
                        'department': sales.id,
                        'purchase_price': Decimal('180.00'),
                        'state': 'in_use'}])
            with patch.object(Pool().get('ir.date'), 'today',
                    return_value=dt.date(2026, 1, 1)):
                org['line'], org['internal'], org['public'] = Line.create([{
                            'company': company.id, 'number': '021-5555 0001',
                            'kind': 'external', 'department': sales.id,
                            'holder': org['clerk'].id,
                            'set': org['set'].id,
                            }, {
                            'company': company.id, 'number': '8001',
                            'kind': 'internal', 'department': sales.id,
                            'holder': org['sun'].id,
                            }, {
                            'company': company.id, 'number': '021-5555 0009',
                            'kind': 'external', 'department': sales.id,
                            }])
            party, = Party.create([{
                        'name': "Shanghai Client Co.",
                        'contact_mechanisms': [('create', [{
                                        'type': 'phone',
                                        'value': '021-6666 1234'}])],
                        }])
        return org

    def _import(self, org, rows, total=None, **kwargs):
        Bill = Pool().get('office.phone.bill')
        if total is None:
            total = sum(Decimal(str(r[4])) for r in rows)
        return Bill.import_file(
            org['company'], PERIOD, 'China Telecom', total, csv_bill(rows),
            **kwargs)

    def _month(self, org):
        "A month of calls: business, premium, private, chatting"
        return [
            ('02155550001', '2026-03-02 09:00:00', '02166661234', 120,
                '0.60'),
            ('02155550001', '2026-03-03 10:00:00', '16812345', 60, '3.00'),
            ('02155550001', '2026-03-04 11:00:00', '13900001111', 300,
                '1.20'),
            ('8001', '2026-03-05 12:00:00', '8002', 1500, '0.00'),
            ('8001', '2026-03-05 13:00:00', '8002', 60, '0.00'),
            ('02155550009', '2026-03-06 14:00:00', '16001234567', 30,
                '1.00'),
            ('02155550001', '2026-03-07 15:00:00', '110', 30, '0.00'),
            ]

    # OP-1

    @with_transaction()
    def test_register_holder_history(self):
        "OP-1: register of sets and lines keeps who held which line when"
        pool = Pool()
        Line = pool.get('office.phone.line')
        org = self._org()
        line = org['line']
        self.assertEqual(
            [(h.employee, h.start_date, h.end_date) for h in line.holders],
            [(org['clerk'], dt.date(2026, 1, 1), None)])
        with patch.object(pool.get('ir.date'), 'today',
                return_value=dt.date(2026, 3, 16)):
            Line.change([line], {'holder': org['sun'].id})
        line = Line(line.id)
        self.assertEqual(line.holder_at(dt.date(2026, 3, 15)), org['clerk'])
        self.assertEqual(line.holder_at(dt.date(2026, 3, 16)), org['sun'])
        self.assertEqual(len(line.holders), 2)
        # a fax line has a named keeper
        with self.assertRaises(UserError):
            Line.create([{'company': org['company'].id, 'number': '8009',
                        'kind': 'fax', 'department': org['sales'].id}])
        self.assertEqual(org['set'].lines, (line,))

    # OP-2

    @with_transaction()
    def test_line_request_chain(self):
        "OP-2: a line change is approved by the head, the admin & HR office"
        " and the head of the organisation before it is done"
        pool = Pool()
        Request = pool.get('office.phone.line.request')
        Approval = pool.get('regulation.approval')
        Line = pool.get('office.phone.line')
        org = self._org()
        with as_user(org['user_clerk']):
            request, = Request.create([{
                        'employee': org['clerk'].id,
                        'department': org['sales'].id,
                        'action': 'add', 'new_number': '021-5555 0002',
                        'line_kind': 'external', 'holder': org['clerk'].id,
                        'reason': "New sales assistant",
                        }])
            Request.submit([request])
            # nothing is done before the approval
            with self.assertRaises(AccessButtonError):
                Request.do([request])
        self.assertEqual(request.state, 'waiting')
        with self.assertRaises(ApprovalError):
            Request.do([request])
        for key in ['head', 'hr', 'gm']:
            approval, = [a for a in Request(request.id).approvals
                if a.state == 'pending']
            self.assertEqual(approval.approver, org[key])
            with as_user(org['user_' + key]):
                Approval.approve([Approval(approval.id)])
        request = Request(request.id)
        self.assertEqual(request.state, 'approved')
        with as_user(org['user_hr']):
            Request.do([request])
        request = Request(request.id)
        self.assertEqual(request.state, 'done')
        self.assertEqual(request.line.holder, org['clerk'])
        self.assertEqual(len(request.line.holders), 1)
        # the register is not changed around the request (OP-2, OP-11)
        with as_user(org['user_hr']):
            with self.assertRaises(AccessError):
                Line.write([Line(org['line'].id)], {'number': '021-1'})
            with self.assertRaises(AccessError):
                Line.write([Line(org['line'].id)], {'holder': None})

    # OP-3

    @with_transaction()
    def test_share_designated_by_team_head(self):
        "OP-3: the team head designates the shared phone; the borrower's"
        " dial log makes them responsible for the calls they logged"
        pool = Pool()
        Share = pool.get('office.phone.share')
        Dial = pool.get('office.phone.share.dial')
        Call = pool.get('office.phone.call')
        org = self._org()
        with as_user(org['user_head']):
            share, = Share.create([{
                        'line': org['line'].id, 'borrower': org['sun'].id,
                        'reason': "Sun's phone is broken",
                        'start_date': dt.date(2026, 3, 1),
                        'end_date': dt.date(2026, 3, 10)}])
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Share.designate([Share(share.id)])
        with as_user(org['user_head']):
            Share.designate([Share(share.id)])
        share = Share(share.id)
        self.assertEqual(share.state, 'designated')
        self.assertEqual(share.lender, org['clerk'])
        with as_user(org['user_sun']):
            Dial.create([{'share': share.id, 'date': dt.date(2026, 3, 4),
                        'number': '139 0000 1111', 'purpose': "Client"}])
            with self.assertRaises(UserError):
                Dial.create([{'share': share.id,
                            'date': dt.date(2026, 3, 20),
                            'number': '13900001111', 'purpose': "Late"}])
        # the clerk cannot log in somebody else's sharing
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                Dial.create([{'share': share.id,
                            'date': dt.date(2026, 3, 4),
                            'number': '1', 'purpose': "x"}])
        bill = self._import(org, self._month(org))
        logged, = Call.search([
                ('bill', '=', bill.id), ('dialled', '=', '13900001111')])
        self.assertEqual(logged.employee, org['sun'])
        self.assertEqual(logged.share, share)
        other, = Call.search([
                ('bill', '=', bill.id), ('dialled', '=', '16812345')])
        self.assertEqual(other.employee, org['clerk'])
        # the registration sheet
        Report = pool.get('office.phone.share.sheet', type='report')
        oext, content, _, name = Report.execute([share.id], {})
        self.assertEqual(oext, 'odt')
        self.assertTrue(content)

    # OP-4

    @with_transaction()
    def test_fault_only_authorised_technician(self):
        "OP-4: faults and repairs per set; only an authorised technician"
        " opens a set"
        pool = Pool()
        Fault = pool.get('office.phone.fault')
        org = self._org()
        with as_user(org['user_clerk']):
            fault, = Fault.create([{
                        'set': org['set'].id, 'line': org['line'].id,
                        'reporter': org['clerk'].id,
                        'description': "No dial tone"}])
            # the reporter cannot start the repair
            with self.assertRaises(AccessButtonError):
                Fault.start_repair([Fault(fault.id)])
        self.assertEqual(fault.set.state, 'faulty')
        with as_user(org['user_hr']):
            with self.assertRaises(UserError):
                Fault.start_repair([Fault(fault.id)])
            with self.assertRaises(UserError):
                Fault.write([Fault(fault.id)], {'technician': org['hr'].id})
            Fault.write([Fault(fault.id)], {'technician': org['tech'].id})
            Fault.start_repair([Fault(fault.id)])
            Fault.write([Fault(fault.id)], {
                    'repair_date': dt.date(2026, 3, 2), 'cause': 'wear',
                    'repair': "Cable replaced"})
            Fault.repaired([Fault(fault.id)])
        fault = Fault(fault.id)
        self.assertEqual(fault.state, 'repaired')
        self.assertEqual(fault.set.state, 'in_use')
        self.assertEqual(fault.penalties, ())
        self.assertEqual(org['set'].faults, (fault,))

    # OP-5

    def test_normalize_number(self):
        "OP-5: numbers typed by people match the carrier's digits"
        from trytond.modules.office_phone.phone import normalize_number
        for value, digits in [
                ('021-5555 1234', '02155551234'),
                ('+86 21 5555 1234', '2155551234'),
                ('0086 21 5555 1234', '2155551234'),
                # full-width digits of a Chinese input method
                ('０２１－５５５５１２３４', '02155551234'),
                ('', ''),
                ]:
            self.assertEqual(normalize_number(value), digits, value)

    @with_transaction()
    def test_import_reports_every_bad_row(self):
        "OP-5: every bad row is reported with its number, nothing written"
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        Call = pool.get('office.phone.call')
        org = self._org()
        rows = self._month(org) + [
            ('02155550001', 'yesterday', '139', 10, '1.00'),
            ('02155550001', '2026-03-09 10:00:00', '139', 'ten', '1.00'),
            ('02155550001', '2026-03-09 10:00:00', '139', 10, '-1'),
            ('02155550001', '2026-04-01 10:00:00', '139', 10, '1.00'),
            ('02155550001', '2026-03-02 09:00:00', '02166661234', 120,
                '0.60'),
            ('02155550001', '2026-03-09 10:00:00', '139', 10, '1.005'),
            ]
        with self.assertRaises(BillImportError) as cm:
            self._import(org, rows, total=Decimal(10))
        message = cm.exception.message
        for row in [9, 10, 11, 12, 13, 14]:
            self.assertIn('row %s:' % row, message)
        self.assertIn('row 2', message)  # the duplicate cites the first
        self.assertNotIn('row 8:', message)
        self.assertEqual(Bill.search([]), [])
        self.assertEqual(Call.search([]), [])
        with self.assertRaises(BillImportError):
            Bill.import_file(org['company'], PERIOD, 'China Telecom', 1,
                b'number,when\n1,2\n')

    @with_transaction()
    def test_parse_bill_fast_and_careful_paths_agree(self):
        "OP-5: the plain-file fast path and the row-by-row path give the"
        " same calls; any column order; the Chinese header in GBK"
        from trytond.modules.office_phone.bill_file import parse_bill
        plain = csv_bill([
                ('02155550001', '2026-03-02 09:00:00', '02166661234', 120,
                    '0.60'),
                ('02155550001', '2026-03-31 23:59:59', '16812345', 60,
                    '3'),
                ])
        rows = parse_bill(plain, PERIOD)
        self.assertEqual(rows[1].start, dt.datetime(2026, 3, 31, 23, 59, 59))
        self.assertEqual(rows[1].cost, Decimal('3'))
        # spaces, slashes, a country code and a blank line take the
        # careful path
        careful = ('line,start,dialled,duration,cost\n'
            '021-5555 0001, 2026/03/02 09:00:00 ,021-6666 1234,120,0.60\n'
            '\n'
            '02155550001,2026-03-31T23:59:59,0086 168 12345,60,3.00\n'
            ).encode('utf-8')
        self.assertEqual(parse_bill(careful, PERIOD), rows)
        reordered = ('费用,被叫号码,备注,开始时间,主叫号码,通话时长(秒)\r\n'
            '0.60,02166661234,客户,2026-03-02 09:00:00,02155550001,120\r\n'
            '3,16812345,,2026-03-31 23:59:59,02155550001,60\r\n'
            ).encode('gbk')
        self.assertEqual(parse_bill(reordered, PERIOD), rows)
        self.assertEqual(parse_bill(reordered, PERIOD, encoding='gbk'), rows)

    @with_transaction()
    def test_parse_bill_names_every_bad_row(self):
        "OP-5: the parser names each bad row, whichever path finds it"
        from trytond.modules.office_phone.bill_file import parse_bill
        bad = csv_bill([
                ('02155550001', '2026-03-02 09:00:00', '139', 10, '1.00'),
                ('02155550001', '2026-03-02 09:00:00+08:00', '139', 10,
                    '1.00'),
                ('02155550001', '2026-02-29 09:00:00', '139', 10, '1.00'),
                ('02155550001', '2026-03-03 09:00:00', '139', 10 ** 12,
                    '1.00'),
                ('02155550001', '2026-03-04 09:00:00', '139', 10, '1e999'),
                ('02155550001', '2026-03-05 09:00:00', '', 10, '1.00'),
                ('02155550001', '2026-03-02 09:00:00', '139', 20, '2.00'),
                ]) + b'02155550001,2026-03-06 09:00:00,%s,1,1\n' % (
                    b'1' * 200000)  # longer than a CSV field may be
        with self.assertRaises(BillImportError) as cm:
            parse_bill(bad, PERIOD)
        message = cm.exception.message
        self.assertNotIn('row 2:', message)
        for row in range(3, 10):
            self.assertIn('row %s:' % row, message)
        with self.assertRaises(BillImportError):
            parse_bill(b'\xff\xfe\x00', PERIOD, encoding='utf-8')
        with self.assertRaises(BillImportError):
            parse_bill(b'', PERIOD)
        self.assertEqual(parse_bill(csv_bill([]), PERIOD), [])

    @with_transaction()
    def test_import_gbk_and_reimport_without_duplicates(self):
        "OP-5: GBK files with Chinese headers; a re-import adds no duplicate"
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        org = self._org()
        rows = self._month(org)
        header = '主叫号码,开始时间,被叫号码,通话时长(秒),费用\n'
        data = (header + ''.join(','.join(map(str, r)) + '\n'
                for r in rows[:4])).encode('gbk')
        bill = Bill.import_file(
            org['company'], PERIOD, 'China Telecom', Decimal('7.80'), data)
        self.assertEqual(bill.call_count, 4)
        bill = self._import(org, rows)
        self.assertEqual(bill.call_count, len(rows))
        bill = self._import(org, rows)
        self.assertEqual(bill.call_count, len(rows))
        self.assertEqual(len(Bill.search([])), 1)

    @with_transaction()
    def test_large_import_queued_with_progress(self):
        "OP-5: a large file is imported in the queue; the bill shows the"
        " rows read and logs each import, a failed one with its bad rows"
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        Queue = pool.get('ir.queue')
        transaction = Transaction()
        org = self._org()
        rows = self._month(org)
        total = sum(Decimal(r[4]) for r in rows)
        with as_user(org['user_hr']):
            bill = Bill.queue_import(org['company'], PERIOD,
                'China Telecom', total, csv_bill(rows), filename='3.csv')
            bill = Bill(bill.id)
            self.assertEqual(bill.import_state, 'queued')
            self.assertEqual(
                (bill.call_count, bill.import_rows, bill.import_total),
                (0, 0, len(rows)))
            with self.assertRaises(BillImportError):
                self._import(org, rows)
            with self.assertRaises(UserError):
                Bill.reconcile([bill])
        tasks = list(transaction.tasks)
        transaction.tasks.clear()
        for task in tasks:
            Queue(task).run()
        bill = Bill(bill.id)
        self.assertEqual(bill.import_state, 'done')
        self.assertEqual(bill.call_count, len(rows))
        self.assertEqual(
            (bill.import_rows, bill.import_total), (len(rows), len(rows)))
        self.assertIsNone(bill.file)
        self.assertEqual(len(bill.import_log.splitlines()), 2)
        self.assertEqual(bill.imported_by, org['hr'])
        # a bad file fails in the queue: its rows are in the log
        with as_user(org['user_hr']):
            bill = Bill.queue_import(org['company'], PERIOD,
                'China Telecom', total, csv_bill(rows + [
                        ('02155550001', 'yesterday', '139', 10, '1.00')]))
        tasks = list(transaction.tasks)
        transaction.tasks.clear()
        for task in tasks:
            Queue(task).run()
        bill = Bill(bill.id)
        self.assertEqual(bill.import_state, 'failed')
        self.assertIn('row %s:' % (len(rows) + 2), bill.import_log)
        self.assertEqual(bill.call_count, len(rows))

    @with_transaction()
    def test_reconcile_reports_problems_and_states(self):
        "OP-5: unknown and suspended lines and a wrong total are reported;"
        " imported → reconciled → paid → assessed by the right roles"
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        Line = pool.get('office.phone.line')
        Summary = pool.get('office.phone.bill.line')
        org = self._org()
        Line.change([org['public']], {'state': 'suspended'})
        rows = self._month(org) + [
            ('02177770000', '2026-03-09 10:00:00', '02166661234', 10,
                '0.50')]
        bill = self._import(org, rows, total=Decimal('99.00'))
        self.assertEqual(bill.unknown_count, 1)
        self.assertEqual(bill.suspended_count, 1)
        self.assertEqual(bill.difference, Decimal('99.00') - bill.total)
        unknown, = Summary.search([
                ('bill', '=', bill.id), ('problem', '=', 'unknown_line')])
        self.assertEqual(unknown.line_number, '02177770000')
        # the employees and finance cannot import or reconcile
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessError):
                self._import(org, rows)
        with as_user(org['user_cashier']):
            with self.assertRaises(AccessButtonError):
                Bill.reconcile([Bill(bill.id)])
        with as_user(org['user_hr']):
            with self.assertRaises(UserWarning):
                Bill.reconcile([Bill(bill.id)])
            with self.assertRaises(AccessButtonError):
                Bill.pay([Bill(bill.id)])
        Warning = pool.get('res.user.warning')
        with as_user(org['user_hr']), patch.object(
                Warning, 'check', return_value=False):
            Bill.reconcile([Bill(bill.id)])
        self.assertEqual(Bill(bill.id).state, 'reconciled')
        self.assertEqual(Bill(bill.id).reconciled_by, org['hr'])
        with as_user(org['user_hr']):
            with self.assertRaises(BillImportError):
                self._import(org, rows)
            with self.assertRaises(AccessError):
                Bill.write([Bill(bill.id)], {'state': 'assessed'})
        with as_user(org['user_cashier']):
            Bill.pay([Bill(bill.id)])
            Bill.assess([Bill(bill.id)])
        bill = Bill(bill.id)
        self.assertEqual(
            (bill.state, bill.paid_by), ('assessed', org['cashier']))
        Report = pool.get('office.phone.bill.reconciliation', type='report')
        with as_user(org['user_hr']):
            oext, content, _, _ = Report.execute([bill.id], {})
        self.assertEqual(oext, 'odt')

    @with_transaction()
    def test_reminders_before_the_fifth(self):
        "OP-5: reminders before the 5th to whoever has not done their part"
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        org = self._org()
        with set_company(org['company']):
            # 2026-04-01 (Wednesday) is within 3 working days of the 5th
            reminded = Bill.remind(date=dt.date(2026, 4, 1))
            self.assertEqual(
                [(r, e) for r, e, _ in reminded], [('admin_hr', org['hr'])])
            self.assertEqual(Bill.remind(date=dt.date(2026, 3, 20)), [])
            bill = self._import(org, self._month(org))
            Bill.write([bill], {'carrier_total': bill.total})
            with patch.object(pool.get('res.user.warning'), 'check',
                    return_value=False):
                Bill.reconcile([bill])
            reminded = Bill.remind(date=dt.date(2026, 4, 1))
            self.assertEqual(
                [(r, e) for r, e, _ in reminded],
                [('finance', org['cashier'])])

    # OP-6

    @with_transaction()
    def test_screening_flags(self):
        "OP-6: premium patterns, private calls and chatting are flagged for"
        " the head; business contacts, allow-list and public numbers not"
        pool = Pool()
        Call = pool.get('office.phone.call')
        Allowed = pool.get('office.phone.line.allowed')
        org = self._org()
        Allowed.create([{'line': org['line'].id, 'number': '13800000000'}])
        rows = self._month(org) + [
            ('02155550001', '2026-03-08 10:00:00', '13800000000', 60,
                '0.30'),
            ('02155550001', '2026-03-08 11:00:00', '66661234', 60, '0.30'),
            ]
        bill = self._import(org, rows)
        flags = {c.dialled + '@' + c.start.strftime('%d%H'): c.flag
            for c in Call.search([('bill', '=', bill.id)])}
        self.assertEqual(flags, {
                '02166661234@0209': None,
                '16812345@0310': 'premium',
                '13900001111@0411': 'private',
                '8002@0512': 'chatting',
                '8002@0513': None,
                '16001234567@0614': 'premium',
                '110@0715': None,
                '13800000000@0810': None,
                '66661234@0811': None,
                })
        self.assertEqual(bill.flagged_count, 4)
        premium, = Call.search([('dialled', '=', '16812345')])
        self.assertEqual(premium.pattern.kind, 'sp168')
        self.assertEqual(premium.review, 'pending')

    # OP-7, OP-8

    def _reconciled(self, org, rows=None):
        Bill = Pool().get('office.phone.bill')
        bill = self._import(org, rows or self._month(org))
        with as_user(org['user_hr']):
            Bill.reconcile([Bill(bill.id)])
        return Bill(bill.id)

    @with_transaction()
    def test_premium_call_double_charge(self):
        "OP-7: a premium call costs the holder double its cost"
        Penalty = Pool().get('regulation.penalty')
        org = self._org()
        self._reconciled(org)
        penalty, = Penalty.search([
                ('employee', '=', org['clerk'].id),
                ('rule.code', '=', 'OP-7')])
        self.assertEqual(penalty.kind, 'double_charge')
        self.assertEqual(penalty.amount, Decimal('6.00'))
        self.assertEqual(penalty.state, 'draft')
        self.assertEqual(penalty.origin.dialled, '16812345')

    @with_transaction()
    def test_premium_call_split_over_team(self):
        "OP-7: nobody identified: the cost is split evenly over the team's"
        " members at that date, to the cent"
        Penalty = Pool().get('regulation.penalty')
        org = self._org()
        self._reconciled(org)
        parts = Penalty.search([('rule.code', '=', 'OP-7-T')],
            order=[('employee', 'ASC')])
        self.assertEqual(
            sorted(p.employee for p in parts),
            sorted([org['head'], org['clerk'], org['sun']]))
        self.assertEqual(sum(p.amount for p in parts), Decimal('1.00'))
        self.assertEqual(
            sorted(p.amount for p in parts),
            [Decimal('0.33'), Decimal('0.33'), Decimal('0.34')])

    @with_transaction()
    def test_private_and_chatting_penalties(self):
        "OP-8: a private call or chatting costs 2 conduct points and 1 CNY"
        Penalty = Pool().get('regulation.penalty')
        org = self._org()
        self._reconciled(org)
        private, = Penalty.search([
                ('clause', '=', 'OP-8'), ('employee', '=', org['clerk'].id)])
        chatting, = Penalty.search([
                ('clause', '=', 'OP-8'), ('employee', '=', org['sun'].id)])
        for penalty in [private, chatting]:
            self.assertEqual(
                (penalty.points, penalty.amount, penalty.department),
                (2, Decimal(1), org['sales']))

    @with_transaction()
    def test_head_reviews_and_confirms(self):
        "OP-6, OP-8: the department head reviews flagged calls; confirmed"
        " penalties reach the monthly deduction statement"
        pool = Pool()
        Call = pool.get('office.phone.call')
        Penalty = pool.get('regulation.penalty')
        Statement = pool.get('regulation.penalty.statement')
        org = self._org()
        self._reconciled(org)
        with as_user(org['user_head']):
            to_review = Call.search([('review', '=', 'pending')])
            self.assertEqual(len(to_review), 4)
            private, = [c for c in to_review if c.flag == 'private']
            premium, = [c for c in to_review
                if c.dialled == '16812345']
            Call.clear([private])
            Call.confirm_violation([premium])
        self.assertEqual(Call(private.id).review, 'cleared')
        self.assertEqual(
            [p.state for p in Call(private.id).penalties], ['cancelled'])
        self.assertEqual(
            [p.state for p in Call(premium.id).penalties], ['confirmed'])
        # a member cannot review the team's calls
        with as_user(org['user_sun']):
            with self.assertRaises(AccessError):
                Call.confirm_violation(
                    Call.search([('review', '=', 'pending')]))
        with set_company(org['company']), Transaction().set_context(
                month=Pool().get('ir.date').today()):
            line, = Statement.search([('employee', '=', org['clerk'].id)])
        self.assertEqual(line.double_charges, Decimal('6.00'))
        self.assertEqual(
            len(Penalty.search([('state', '=', 'confirmed')])), 1)

    # OP-9, OP-10, OP-11

    @with_transaction()
    def test_violations(self):
        "OP-9, OP-10, OP-11: unapproved use -2/1; careless damage at the"
        " purchase price and -5; unauthorised change -5/10, serious cases"
        " proposed for dismissal with the loss borne"
        pool = Pool()
        Incident = pool.get('office.phone.incident')
        org = self._org()
        values = {'employee': org['sun'].id, 'department': org['sales'].id,
            'set': org['set'].id}
        with as_user(org['user_hr']):
            incidents = Incident.create([
                    dict(values, kind='unapproved_use'),
                    dict(values, kind='damage'),
                    dict(values, kind='forwarding', serious=True,
                        loss=Decimal('500')),
                    ])
            Incident.report(incidents)
        with as_user(org['user_sun']):
            with self.assertRaises(AccessError):
                Incident.create([dict(values, kind='swap')])
        use, damage, forwarding = [Incident(i.id) for i in incidents]
        self.assertEqual(
            [(p.clause, p.points, p.amount) for p in use.penalties],
            [('OP-9', 2, Decimal(1))])
        self.assertEqual(
            [(p.clause, p.kind, p.points, p.amount)
                for p in damage.penalties],
            [('OP-10', 'compensation', 5, Decimal('180.00'))])
        self.assertEqual(sorted(
                (p.rule.code, p.points, p.amount)
                for p in forwarding.penalties), [
                ('OP-11', 5, Decimal(10)),
                ('OP-11-D', 0, Decimal(0)),
                ('OP-11-L', 0, Decimal(500)),
                ])

    @with_transaction()
    def test_fault_careless_damage(self):
        "OP-10, OP-11: a repair finding careless damage or an unauthorised"
        " opening drafts the penalty of the person responsible"
        pool = Pool()
        Fault = pool.get('office.phone.fault')
        org = self._org()
        faults = Fault.create([{
                    'company': org['company'].id,
                    'set': org['set'].id, 'reporter': org['clerk'].id,
                    'description': d, 'technician': org['tech'].id,
                    } for d in ["Dropped", "Opened"]])
        Fault.start_repair(faults)
        Fault.write([faults[0]], {'cause': 'careless',
                'responsible': org['clerk'].id,
                'repair_date': dt.date(2026, 3, 2)})
        Fault.write([faults[1]], {'cause': 'opened',
                'responsible': org['sun'].id,
                'repair_date': dt.date(2026, 3, 2)})
        Fault.repaired(faults)
        dropped, opened = [Fault(f.id) for f in faults]
        self.assertEqual(
            [(p.clause, p.employee, p.points, p.amount)
                for p in dropped.penalties],
            [('OP-10', org['clerk'], 5, Decimal('180.00'))])
        self.assertEqual(
            [(p.clause, p.employee, p.points, p.amount)
                for p in opened.penalties],
            [('OP-11', org['sun'], 5, Decimal(10))])

    # OP-12

    @with_transaction()
    def test_departure_handover(self):
        "OP-12: an employee is clear to leave once the phone is handed over;"
        " damage by the person is compensated at the purchase price"
        pool = Pool()
        Handover = pool.get('office.phone.handover')
        org = self._org()
        clerk = org['clerk']
        self.assertFalse(Handover.is_clear(clerk))
        self.assertTrue(Handover.is_clear(org['hr']))
        with as_user(org['user_hr']):
            handover, = Handover.create([{
                        'employee': clerk.id, 'department': org['sales'].id,
                        'set_returned': True, 'condition': 'damaged',
                        'set': org['set'].id, 'notes': "Cracked case"}])
            with self.assertRaises(UserError):
                Handover.do([Handover(handover.id)])
            Handover.write([Handover(handover.id)], {
                    'lines': [('add', [org['line'].id])]})
            Handover.do([Handover(handover.id)])
        handover = Handover(handover.id)
        self.assertEqual(handover.state, 'done')
        self.assertTrue(Handover.is_clear(clerk))
        self.assertEqual(handover.fault.set, org['set'])
        self.assertEqual(
            [(p.clause, p.kind, p.amount) for p in handover.penalties],
            [('OP-12', 'compensation', Decimal('180.00'))])
        with as_user(org['user_clerk']):
            with self.assertRaises(AccessButtonError):
                Handover.cancel([handover])

    # Access

    @with_transaction()
    def test_access_own_department_company(self):
        "OP-1, OP-6: employees see their own lines, calls and penalties,"
        " heads their department, the admin & HR office and finance all"
        pool = Pool()
        Line = pool.get('office.phone.line')
        Call = pool.get('office.phone.call')
        Bill = pool.get('office.phone.bill')
        Penalty = pool.get('regulation.penalty')
        org = self._org()
        bill = self._reconciled(org)
        with as_user(org['user_clerk']):
            self.assertEqual(Line.search([]), [org['line']])
            calls = Call.search([])
            self.assertTrue(calls)
            self.assertEqual({c.employee for c in calls}, {org['clerk']})
            self.assertEqual(
                {p.employee for p in Penalty.search([])}, {org['clerk']})
            with self.assertRaises(AccessError):
                Bill.read([bill.id], ['total'])
            with self.assertRaises(AccessError):
                Call.write(calls[:1], {'cost': 0})
        with as_user(org['user_head']):
            self.assertEqual(len(Line.search([])), 3)
            self.assertEqual(
                len(Call.search([])), bill.call_count)
        with as_user(org['user_gm']):
            self.assertEqual(Line.search([]), [])
            self.assertEqual(Call.search([]), [])
        for key in ['hr', 'cashier']:
            with as_user(org['user_' + key]):
                self.assertEqual(len(Call.search([])), bill.call_count)
                self.assertEqual(Bill.search([]), [bill])

    # RB-6

    @with_transaction()
    def test_not_in_force(self):
        "OP-6, RB-6: where the regulation is not in force nothing is flagged"
        " nor penalised"
        pool = Pool()
        Document = pool.get('regulation.document')
        Penalty = pool.get('regulation.penalty')
        Handover = pool.get('office.phone.handover')
        org = self._org()
        other = create_company()
        document, = Document.create([{
                    'name': "办公电话使用管理规定及流程", 'code': 'office_phone',
                    'effective_date': dt.date(2013, 3, 1),
                    'state': 'published',
                    'companies': [('add', [other.id])]}])
        bill = self._reconciled(org)
        self.assertEqual(bill.flagged_count, 0)
        self.assertEqual(Penalty.search([]), [])
        self.assertTrue(Handover.is_clear(org['clerk']))


del ModuleTestCase
