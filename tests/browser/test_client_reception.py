# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The reception request in the sao web client (CR-2, CR-3).

A salesperson fills in a reception request in the form and submits it; the
sales head approves it from "My Approvals to Do", each in their own browser
session, on the demo database.

    python -m unittest tests.browser.test_client_reception
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

DATABASE = 'zhidu_e2e_reception'
PURPOSE = 'E2E 客户来访洽谈'


class ClientReceptionWebTestCase(unittest.TestCase):
    "A reception request filed and approved in the web client (CR-2, CR-3)"

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
        cls.workdir = tempfile.mkdtemp(prefix='zhidu-e2e-reception-')
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

    def assert_no_dialog(self):
        self.assertEqual(self.sao.messages(), [])

    def open_row(self, text, cell=None, double=True):
        """Double-click the row showing text, on its cell showing cell (the
        list is wider than the tab; a Reference cell opens its target)"""
        from selenium.webdriver.common.action_chains import ActionChains
        xpath = ("//div[@id='tabcontent']/div[contains(@class, 'active')]"
            "//tbody/tr[td[contains(normalize-space(.), '%s')]]"
            "/td[contains(normalize-space(.), '%s')]" % (text, cell or text))
        target = self.sao.wait(
            lambda d: [e for e in d.find_elements('xpath', xpath)
                if e.is_displayed()],
            message="no row showing %r" % text)[0]
        if double:
            ActionChains(self.driver).double_click(target).perform()
        else:
            target.click()
        self.sao.wait_idle()

    def open_filter_tab(self, name):
        "Click the filter tab (act_window domain) named name"
        xpath = ("//div[@id='tabcontent']/div[contains(@class, 'active')]"
            "//ul[contains(@class, 'nav-tabs')]//a[contains(., '%s')]" % name)
        tab = self.sao.wait(
            lambda d: [e for e in d.find_elements('xpath', xpath)
                if e.is_displayed()],
            message="no filter tab %r" % name)[0]
        tab.click()
        self.sao.wait_idle()

    @screenshot_on_failure
    def test_submit_and_approve(self):
        """CR-2, CR-3: the salesperson fills in and submits the request, the
        sales head approves it from My Approvals to Do and the visit is
        approved."""
        sao = self.sao
        sao.login('zhang.wei', demo.PASSWORD)
        self.assert_no_dialog()
        sao.open_menu('Reception', 'Reception Visits')
        sao.current_tab('Reception Visits')
        sao.new_record()
        sao.fill_many2one('visit_class', 'Ordinary')
        sao.fill_many2one('party', '深圳鹏程')
        arrival = dt.datetime.combine(
            dt.date.today() + dt.timedelta(days=10), dt.time(10))
        sao.fill_datetime('arrival', arrival)
        sao.fill_datetime('departure', arrival + dt.timedelta(hours=4))
        sao.fill('purpose', PURPOSE)
        sao.add_line('Guests', '韩冰')
        sao.save()
        self.assert_no_dialog()
        number = sao.wait(lambda d: d.find_element('css selector',
                '#tabcontent > .tab-pane.active [name="number"]'
                ).get_attribute('value'), message="the visit has no number")
        sao.click_button('submit')
        sao.wait_for_text('Waiting for Approval',
            css='#tabcontent > .tab-pane.active')
        self.assert_no_dialog()

        # another person, another browser
        self.driver = new_driver()
        self.addCleanup(self.driver.quit)
        self.sao = sao = Sao(self.driver, self.server.url, DATABASE)

        # CR-3: the head of the sales department, who is the sales head,
        # decides once for both steps
        sao.login('sales_head', demo.PASSWORD)
        sao.open_menu('Regulations', 'My Approvals to Do')
        sao.current_tab('My Approvals to Do')
        sao.wait_for_text(number, css='#tabcontent > .tab-pane.active')
        # a double-click opens the visit (keyword_open): select the step
        # and switch to its form
        self.open_row(number, 'Department He', double=False)
        self.sao.visible(
            '#tabcontent > .tab-pane.active button#switch_').click()
        sao.wait_idle()
        sao.click_button('approve')
        self.assert_no_dialog()

        sao.open_menu('Reception', 'Reception Visits')
        sao.current_tab('Reception Visits')
        self.open_filter_tab('Approved')
        sao.wait_for_text(number, css='#tabcontent > .tab-pane.active')
        rows = sao.list_rows()
        self.assertTrue(any(number in row for row in rows), rows)


if __name__ == '__main__':
    unittest.main()
