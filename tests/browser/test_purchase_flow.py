# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end test of purchase_flow in the sao web client (PF-2).

    python -m unittest tests.browser.test_purchase_flow
"""
import unittest

from . import test_web_client as base
from .sao import screenshot_on_failure


class PurchaseFlowWebTestCase(base.BrowserTestCase):
    "The warehouse keeper approves his step of a requisition"

    @screenshot_on_failure
    def test_keeper_approves_requisition(self):
        """PF-2: the warehouse keeper 高峰 finds the requisition of 张伟, whose
        quantities to buy he has set from the stock, in "My Approvals to
        Do", approves it and the requisition goes on to the general
        manager."""
        self.sao.login('warehouse', base.demo.PASSWORD)
        self.assert_no_dialog()
        self.sao.open_menu('Regulations', 'My Approvals to Do')
        self.sao.current_tab('My Approvals to Do')
        self.sao.wait_for_text(
            'Warehouse Keeper', css='#tabcontent > .tab-pane.active')
        rows = [r for r in self.sao.list_rows() if 'Warehouse Keeper' in r]
        self.assertEqual(len(rows), 1, rows)
        self.assertIn('张伟', rows[0])

        self.open_in_form('Warehouse Keeper')
        self.sao.click_button('approve')
        self.assert_no_dialog()
        self.sao.wait_for_text(
            'Approved', css='#tabcontent > .tab-pane.active')

        self.sao.open_menu('Purchases', 'Requisitions')
        self.sao.current_tab('Requisitions')
        self.click_tab('All')
        self.sao.wait_for_text('张伟', css='#tabcontent > .tab-pane.active')
        rows = [r for r in self.sao.list_rows() if '张伟' in r]
        self.assertEqual(len(rows), 1, rows)
        # the general manager decides next
        self.assertIn('张志强', rows[0])
        self.assertIn('Waiting', rows[0])


if __name__ == '__main__':
    unittest.main()
