# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end tests: the demo database in the sao web client.

The browser tests share one throw-away SQLite database with every suite
module (modules/*/tryton.cfg) activated and scripts/demo_data.py loaded,
served with trytond and the sao client on a free 127.0.0.1 port
(tools_server.shared_server), and drive headless Chromium with Selenium as
the demo users would.

Needs Debian's chromium and chromium-driver, the selenium package and sao
(scripts/install.sh --system-deps).  Without them the tests are skipped, or
fail when the CI environment variable is set.  On failure a screenshot is
saved into var/screenshots/; ZHIDU_E2E_KEEP=1 keeps the database and the
logs of the run (the path is printed).

    python -m unittest tests.browser.test_web_client
"""
import importlib.util
import os
import unittest

from .. import tools_server
from .sao import (
    BrowserUnavailable, Sao, browser_paths, new_driver, screenshot_on_failure)

DATABASE = 'zhidu_e2e'


def _demo_data():
    "Import scripts/demo_data.py for its constants"
    spec = importlib.util.spec_from_file_location(
        'zhidu_demo_data', tools_server.DEMO_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = _demo_data()


def _in_ci():
    return os.environ.get('CI', '').lower() not in {'', '0', 'false', 'no'}


def _unavailable(reason):
    "Fail in CI, skip elsewhere"
    if _in_ci():
        raise AssertionError(
            "browser tests cannot run in CI: %s" % reason)
    raise unittest.SkipTest(reason)


class BrowserTestCase(unittest.TestCase):
    """A test case driving the demo database in the web client; every
    browser test case of the process shares the same server and database,
    so a test changes only the documents it is about."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            browser_paths()
        except BrowserUnavailable as exception:
            _unavailable(str(exception))
        sao_root = tools_server.find_sao_root()
        if not sao_root:
            _unavailable("the sao web client is not installed under var/ "
                "(scripts/install.sh installs it; ZHIDU_SAO_ROOT overrides)")
        cls.server = tools_server.shared_server(DATABASE, web_root=sao_root)
        cls.logins = cls.server.logins

    def setUp(self):
        super().setUp()
        self.driver = new_driver()
        self.addCleanup(self.driver.quit)
        self.sao = Sao(self.driver, self.server.url, DATABASE)

    def assert_no_dialog(self):
        "No wizard (module configuration) nor error dialog is open"
        self.assertEqual(self.sao.messages(), [])

    def click_tab(self, name):
        """Click the tab (a domain tab of a list or a notebook page) named
        name in the active tab and wait for the client"""
        xpath = ("//div[@id='tabcontent']/div[contains(@class, 'active')]"
            "//ul[contains(@class, 'nav-tabs')]//a[starts-with("
            "normalize-space(.), '%s')]" % name)
        tab = self.sao.wait(lambda d: [a for a in d.find_elements(
                        'xpath', xpath) if a.is_displayed()],
            message="no tab %r" % name)[0]
        tab.click()
        self.sao.wait_idle()

    def open_in_form(self, text):
        """Select the row of the active list showing text and switch to the
        form: a list with keyword_open (My Approvals to Do) does not open
        its form on a double-click"""
        self.sao.open_record(text)
        switch = self.sao.visible(
            '#tabcontent > .tab-pane.active button#switch_')
        switch.click()
        self.sao.wait_idle()


class WebClientTestCase(BrowserTestCase):
    "The demo users in the sao web client (RB-1, RB-2, RB-5)"

    @screenshot_on_failure
    def test_gm_logs_in_and_opens_approvals_to_do(self):
        """RB-1, RB-2: the general manager of the head office logs in through
        the login form and opens Regulations > My Approvals to Do."""
        self.sao.login('gm', demo.PASSWORD)
        self.assert_no_dialog()
        # RB-1: the user acts as the GM employee of the head office
        self.sao.wait_for_text('张志强', css='#user-preferences')
        self.sao.wait_for_text(demo.HEAD_OFFICE, css='#user-preferences')

        self.sao.open_menu('Regulations', 'My Approvals to Do')
        self.sao.current_tab('My Approvals to Do')
        self.assert_no_dialog()
        headers = self.sao.list_headers()
        for header in ['Document', 'Step', 'Approver', 'State']:
            self.assertIn(header, headers)
        # RB-2: only the steps waiting for the GM are listed (the module
        # demos leave some for him)
        for row in self.sao.list_rows():
            self.assertIn('张志强', row)
            self.assertIn('To Decide', row)

    @screenshot_on_failure
    def test_admin_hr_sees_published_register(self):
        """RB-5: the admin & HR office opens the Regulation Register and finds
        the seed's regulations published and the R&D proposals in draft."""
        self.sao.login('hr', demo.PASSWORD)
        self.assert_no_dialog()

        self.sao.open_menu('Regulations', 'Regulation Register')
        pane = self.sao.current_tab('Regulation Register')
        published = [p[1] for p in demo.PUBLISHED]
        self.sao.wait_for_text(published[0], css='#tabcontent > '
            '.tab-pane.active')
        self.assert_no_dialog()
        rows = self.sao.list_rows()
        for title in published:
            self.assertTrue(
                any(title in row and 'Published' in row for row in rows),
                "%s is not listed as published in %s" % (title, pane.text))
        drafts = [row for row in rows if 'Draft' in row]
        self.assertGreaterEqual(len(drafts), len(demo.RND_DRAFTS))
        self.assertTrue(any('研发实验室管理制度' in row for row in drafts))


if __name__ == '__main__':
    unittest.main()
