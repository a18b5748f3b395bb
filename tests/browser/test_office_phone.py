# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The monthly phone bill in the sao web client (OP-5, OP-6, OP-7).

On the demo database (last month's bill imported and reconciled by the
admin & HR office), the sales head opens the flagged calls to review, finds
the 168 call and the internal chat of the demo, and confirms the draft
penalty of the 168 call; the admin & HR office imports a second carrier's
bill through the import wizard and sees its calls.

    python -m unittest tests.browser.test_office_phone
"""
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
import unittest

from .. import tools_server
from .sao import (
    BrowserUnavailable, Sao, browser_paths, new_driver, screenshot_on_failure)
from .test_web_client import _unavailable, demo

DATABASE = 'zhidu_e2e_office_phone'
ACTIVE = "//div[@id='tabcontent']/div[contains(@class, 'active')]"


class OfficePhoneWebTestCase(unittest.TestCase):
    "The department head reviews the flagged calls (OP-6, OP-7)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            browser_paths()
        except BrowserUnavailable as exception:
            _unavailable(str(exception))
        sao_root = tools_server.find_sao_root()
        if not sao_root:
            _unavailable("the sao web client is not installed under var/")
        started = time.monotonic()
        cls.workdir = tempfile.mkdtemp(prefix='zhidu-e2e-office-phone-')
        cls.addClassCleanup(cls._remove_workdir)
        config = tools_server.write_config(
            cls.workdir, port=tools_server.free_port(), web_root=sao_root)
        tools_server.create_database(config, DATABASE)
        tools_server.load_demo(config, DATABASE, language='en')
        cls.server = tools_server.TrytondServer(config, DATABASE)
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()
        sys.stderr.write('[e2e database and server ready in %.0f s] ' % (
                time.monotonic() - started))

    @classmethod
    def _remove_workdir(cls):
        if os.environ.get('ZHIDU_E2E_KEEP'):
            sys.stderr.write('[e2e files kept in %s] ' % cls.workdir)
        else:
            shutil.rmtree(cls.workdir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.driver = new_driver()
        self.addCleanup(self.driver.quit)
        self.sao = Sao(self.driver, self.server.url, DATABASE)

    def open_row(self, text, cell):
        """Double-click the row showing text, on its visible cell showing
        cell (the list is wider than the tab)"""
        from selenium.webdriver.common.action_chains import ActionChains
        xpath = (ACTIVE + "//tbody/tr[td[contains(normalize-space(.), '%s')]]"
            "/td[contains(normalize-space(.), '%s')]" % (text, cell))
        target = self.sao.wait(
            lambda d: [e for e in d.find_elements('xpath', xpath)
                if e.is_displayed() and e.size['width']],
            message="no row showing %r" % text)[0]
        ActionChains(self.driver).double_click(target).perform()
        self.sao.wait_idle()

    def state(self):
        "The selected text of the state selection of the open form"
        return self.driver.execute_script(
            "for (const s of document.querySelectorAll("
            "'#tabcontent > .tab-pane.active select')) {"
            "  if ([...s.options].some(o => o.text == 'Confirmed')) {"
            "    return s.options[s.selectedIndex].text; } }"
            "return null;")

    @screenshot_on_failure
    def test_review_flagged_calls(self):
        """OP-6, OP-7: the sales head sees the demo's flagged calls to
        review and confirms the draft penalty of the 168 call."""
        sao = self.sao
        sao.login('sales_head', demo.PASSWORD)
        self.assertEqual(sao.messages(), [])
        sao.open_menu('Regulations', 'Office Phones', 'Calls')
        sao.current_tab('Calls')
        # "To Review" is the first filter tab
        active = '#tabcontent > .tab-pane.active'
        sao.wait_for_text('16880123', css=active)
        rows = sao.list_rows()
        self.assertTrue(any('16880123' in r for r in rows), rows)
        self.assertTrue(any('8103' in r for r in rows), rows)
        # after-sales calls are not on the sales head's list
        self.assertFalse(any('13926001234' in r for r in rows), rows)

        sao.open_menu('Regulations', 'Penalties')
        sao.current_tab('Penalties')
        sao.wait_for_text('28.00', css=active)
        self.open_row('28.00', '张伟')
        sao.wait(lambda d: self.state() == 'Draft',
            message="the penalty is not a draft")
        sao.click_button('confirm')
        sao.wait(lambda d: self.state() == 'Confirmed',
            message="the penalty is not confirmed")
        self.assertEqual(sao.messages(), [])

    @screenshot_on_failure
    def test_import_bill_in_wizard(self):
        """OP-5, OP-6: the admin & HR office imports a carrier's
        call-detail file (GBK, Chinese header) through the import wizard;
        the bill opens with its calls and the 168 call flagged."""
        sao = self.sao
        first = (dt.date.today().replace(day=1)
            - dt.timedelta(days=1)).replace(day=1)
        path = os.path.join(self.workdir, '话单.csv')
        with open(path, 'w', encoding='gbk', newline='') as file:
            file.write('主叫号码,开始时间,被叫号码,通话时长(秒),费用\r\n')
            for day, dialled, seconds, cost in [
                    (2, '02166661234', 75, '0.20'),
                    (3, '16812399', 40, '2.00'),
                    (4, '13800138000', 130, '0.30'),
                    ]:
                file.write('020-88880102,%s 10:00:00,%s,%s,%s\r\n' % (
                        first.replace(day=day), dialled, seconds, cost))
        sao.login('hr', demo.PASSWORD)
        sao.open_menu('Regulations', 'Office Phones', 'Import Bill')
        upload = sao.wait(
            lambda d: [e for e in d.find_elements(
                    'css selector', '.modal.in input[type=file], '
                    '#tabcontent > .tab-pane.active input[type=file]')],
            message="no file input")[0]
        upload.send_keys(path)
        sao.wait(lambda d: any(
                e.get_attribute('value') == '话单.csv'
                for e in d.find_elements('css selector', '[name=filename]')),
            message="the file is not selected")
        # typed after the upload, which redraws the form
        sao.fill('carrier', '中国联通\t')
        sao.fill('carrier_total', '2.50\t')
        sao.wait(lambda d: any(e.get_attribute('value') == '2.50'
                for e in d.find_elements(
                    'css selector', '.modal.in [name=carrier_total]')),
            message="the carrier's total is not kept")
        button, = [b for b in self.driver.find_elements(
                'css selector', '.modal.in .modal-footer button')
            if b.get_attribute('textContent').strip() == 'Import']
        button.click()
        sao.wait_idle()
        active = '#tabcontent > .tab-pane.active'
        sao.wait_for_text('16812399', css=active)
        rows = sao.list_rows()
        self.assertEqual(len([r for r in rows if '020-88880102' in r
                    or '02088880102' in r]), 3, rows)
        self.assertTrue(any('16812399' in r and 'Premium' in r
                for r in rows), rows)
        self.assertEqual(sao.messages(), [])


if __name__ == '__main__':
    unittest.main()
