# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end test of hr_approval in the sao web client (HR-6).

    python -m unittest tests.browser.test_hr_approval
"""
import unittest

from . import test_web_client as base
from .sao import screenshot_on_failure


class HrApprovalWebTestCase(base.BrowserTestCase):
    "The general manager approves a resignation in the web client"

    @screenshot_on_failure
    def test_gm_approves_resignation(self):
        """HR-6: the general manager opens the resignation of 孙浩 approved by
        his manager and the VP, approves it, and the request moves on to
        the admin & HR office (马丽)."""
        self.sao.login('gm', base.demo.PASSWORD)
        self.assert_no_dialog()
        self.sao.open_menu('Regulations', 'Personnel', 'Personnel Requests')
        self.sao.current_tab('Personnel Requests')
        self.click_tab('All')
        self.sao.wait_for_text('孙浩', css='#tabcontent > .tab-pane.active')
        rows = [r for r in self.sao.list_rows() if '孙浩' in r]
        self.assertEqual(len(rows), 1, rows)
        self.assertIn('Resignation', rows[0])
        self.assertIn('张志强', rows[0])

        self.sao.open_menu('Regulations', 'My Approvals to Do')
        self.sao.current_tab('My Approvals to Do')
        self.sao.wait_for_text('孙浩', css='#tabcontent > .tab-pane.active')
        rows = [r for r in self.sao.list_rows() if '孙浩' in r]
        self.assertEqual(len(rows), 1, rows)
        self.open_in_form('孙浩')
        self.sao.click_button('approve')
        self.assert_no_dialog()
        self.sao.wait_for_text(
            'Approved', css='#tabcontent > .tab-pane.active')

        self.sao.open_menu('Regulations', 'Personnel', 'Personnel Requests')
        self.sao.current_tab('Personnel Requests')
        self.click_tab('All')
        self.sao.wait_for_text('马丽', css='#tabcontent > .tab-pane.active')

        def resignation_rows(driver):
            # the list may still show the row read before the approval
            rows = [r for r in self.sao.list_rows() if '孙浩' in r]
            return rows if rows and '马丽' in rows[0] else False
        rows = self.sao.wait(
            resignation_rows, message="the resignation row never showed 马丽")
        self.assertEqual(len(rows), 1, rows)
        self.assertIn('马丽', rows[0])
        self.assertIn('Waiting for Approval', rows[0])


if __name__ == '__main__':
    unittest.main()
