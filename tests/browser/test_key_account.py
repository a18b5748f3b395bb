# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end test of key_account in the sao web client (KA-1, KA-5).

A salesperson of the demo opens the parties, sees the tier of each key
account as a coloured tag in the list and filters the parties by tier.

    python -m unittest tests.browser.test_key_account
"""
import unittest

from .sao import screenshot_on_failure
from .test_web_client import WebClientTestCase, demo

DIAMOND = '北京华信电子科技有限公司'
GOLD = '广州粤海通信工程有限公司'


class KeyAccountWebClientTestCase(WebClientTestCase):
    "A salesperson sees and filters the tiers of the clients"

    # the tests of the base class run in their own module
    test_gm_logs_in_and_opens_approvals_to_do = None
    test_admin_hr_sees_published_register = None

    def open_parties(self):
        "Open Parties > Parties: the entry has the name of its menu"
        xpath = ("//div[@id='menu']//tbody/tr[.//div[contains(@class, "
            "'column-char')][@title='Parties']]")

        def parent(driver):
            rows = [r for r in driver.find_elements('xpath', xpath)
                if r.is_displayed()]
            return rows[0] if rows else False
        row = self.sao.wait(parent, message="no menu entry Parties")
        row.find_elements('css selector', 'span.expander')[0].click()

        def child(driver):
            rows = [r for r in driver.find_elements('xpath', xpath)
                if r.is_displayed()]
            return rows[1] if len(rows) > 1 else False
        row = self.sao.wait(child, message="no menu entry Parties > Parties")
        row.find_elements('css selector', 'div.column-char')[0].click()
        self.sao.wait_idle()

    @screenshot_on_failure
    def test_salesperson_sees_and_filters_tiers(self):
        """KA-1, KA-5: the salesperson 张伟 sees the tier of the registered
        key accounts on the parties and filters the parties by tier."""
        self.sao.login('zhang.wei', demo.PASSWORD)
        self.assert_no_dialog()
        self.open_parties()
        pane = self.sao.current_tab('Parties')
        self.assertIn('Key-Account Tier', self.sao.list_headers())
        self.sao.wait_for_text(DIAMOND, css='#tabcontent > .tab-pane.active')
        rows = self.sao.list_rows()
        diamond, = [r for r in rows if DIAMOND in r]
        self.assertIn('Diamond', diamond)
        # the tag is coloured: the cell of a Diamond is red ("danger")
        cells = pane.find_elements(
            'xpath', "//tr[.//td[contains(normalize-space(.), '%s')]]"
            "//td[contains(@class, 'danger')]" % DIAMOND)
        self.assertTrue(
            [c for c in cells if 'Diamond' in c.text],
            "the tier of %s is not shown as a red tag" % DIAMOND)

        # filter the parties by tier through the search box
        from selenium.webdriver.common.keys import Keys
        search = self.sao.visible(
            '#tabcontent > .tab-pane.active .filter-box input')
        search.clear()
        search.send_keys('Key-Account Tier: Diamond')
        search.send_keys(Keys.ENTER)

        def filtered(driver):
            try:
                rows = self.sao.list_rows()
            except Exception:  # the list is drawn again
                return False
            return len(rows) == 1 and DIAMOND in rows[0]
        self.sao.wait(filtered, message="filter by tier")
        self.assertNotIn(GOLD, '\n'.join(self.sao.list_rows()))

        # the party form shows the tier too
        self.sao.open_record(DIAMOND)
        self.sao.wait_for_text(
            'Diamond', css='#tabcontent > .tab-pane.active')
        self.assert_no_dialog()


del WebClientTestCase

if __name__ == '__main__':
    unittest.main()
