# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end test of expense_claim in the sao web client (EX-1).

    python -m unittest tests.browser.test_expense_claim
"""
import unittest

from . import test_web_client as base
from .sao import screenshot_on_failure


class ExpenseClaimWebTestCase(base.BrowserTestCase):
    "The general manager co-signs an expense claim in the web client"

    @screenshot_on_failure
    def test_gm_cosigns_claim(self):
        """EX-1: the general manager finds the trip claim of 张伟 co-signed by
        the sales head in "My Approvals to Do", approves it as company
        leader and the claim is approved, ready for payment."""
        self.sao.login('gm', base.demo.PASSWORD)
        self.assert_no_dialog()
        self.sao.open_menu('Regulations', 'My Approvals to Do')
        self.sao.current_tab('My Approvals to Do')
        self.sao.wait_for_text(
            'Company Leader', css='#tabcontent > .tab-pane.active')
        rows = [r for r in self.sao.list_rows() if 'Company Leader' in r]
        self.assertEqual(len(rows), 1, rows)
        self.assertIn('张伟', rows[0])

        self.open_in_form('Company Leader')
        self.sao.click_button('approve')
        self.assert_no_dialog()
        self.sao.wait_for_text(
            'Approved', css='#tabcontent > .tab-pane.active')

        self.sao.open_menu('Regulations', 'Expenses', 'Expense Claims')
        self.sao.current_tab('Expense Claims')
        self.click_tab('All')
        self.sao.wait_for_text('张伟', css='#tabcontent > .tab-pane.active')
        rows = [r for r in self.sao.list_rows() if '张伟' in r]
        self.assertEqual(len(rows), 1, rows)
        self.assertIn('Approved', rows[0])
        self.assertIn('Bank Transfer', rows[0])


if __name__ == '__main__':
    unittest.main()
