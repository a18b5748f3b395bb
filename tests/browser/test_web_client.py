# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end tests: the demo database in the sao web client.

The class builds a throw-away SQLite database with every suite module
(modules/*/tryton.cfg) activated, loads scripts/demo_data.py into it, serves
it with trytond and the sao client on a free 127.0.0.1 port, and drives
headless Chromium with Selenium as the demo users would.

Needs Debian's chromium and chromium-driver, the selenium package and sao
(scripts/install.sh --system-deps).  Without them the tests are skipped, or
fail when the CI environment variable is set.  On failure a screenshot is
saved into var/screenshots/; ZHIDU_E2E_KEEP=1 keeps the database and the
logs of the run (the path is printed).

    python -m unittest tests.browser.test_web_client
"""
import importlib.util
import os
import shutil
import sys
import tempfile
import time
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


class WebClientTestCase(unittest.TestCase):
    "The demo users in the sao web client (RB-1, RB-2, RB-5)"

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

        started = time.monotonic()
        cls.workdir = tempfile.mkdtemp(prefix='zhidu-e2e-')
        cls.addClassCleanup(cls._remove_workdir)
        config = tools_server.write_config(
            cls.workdir, port=tools_server.free_port(), web_root=sao_root)
        tools_server.create_database(config, DATABASE)
        cls.logins = tools_server.load_demo(config, DATABASE, language='en')
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
        "No wizard (module configuration) nor error dialog is open"
        self.assertEqual(self.sao.messages(), [])

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
        # RB-2: no document waits for the GM in the demo
        self.assertEqual(self.sao.list_rows(), [])

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
