# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A service request registered and dispatched in the sao web client
(AS-1, AS-4).

徐明 of the service desk registers a customer's call, answers it, starts the
work and dispatches the technician 孙浩, who then sees the dispatch in his
own list.

    python -m unittest tests.browser.test_aftersales_service
"""
import unittest

from .sao import Sao, new_driver, screenshot_on_failure
from .test_web_client import DATABASE, BrowserTestCase, demo

CUSTOMER = '杭州西湖数据服务有限公司'
SERIAL = 'E2E-SN-0815'  # the dispatch finds its request by serial
PANE = '#tabcontent > .tab-pane.active'


class AftersalesServiceWebTestCase(BrowserTestCase):
    "The desk registers and dispatches a request in the web client"

    def field_input(self, field):
        """Return the input of the widget of field in the dialog or the tab
        once it is editable (the new record is loaded)"""
        css = ('.modal.in input[name="%s"], .modal.show input[name="%s"], '
            '%s input[name="%s"]' % (field, field, PANE, field))

        def editable(driver):
            for element in driver.find_elements('css selector', css):
                try:
                    if (element.is_displayed() and element.is_enabled()
                            and not element.get_attribute('readonly')):
                        return element
                except Exception:  # drawn again
                    continue
            return False
        return self.sao.wait(editable, message="%s not editable" % field)

    def fill_many2one(self, field, text):
        """Type text into the Many2One field and let sao complete it: a
        single match is set at once, several open the search dialog where
        the first row is chosen"""
        from selenium.webdriver.common.keys import Keys
        element = self.field_input(field)
        element.clear()
        element.send_keys(text)
        element.send_keys(Keys.TAB)
        self.sao.wait_idle()

        def dialog_rows(driver):
            return [r for r in driver.find_elements(
                    'css selector', '.modal.in tbody tr, .modal.show tbody tr')
                if r.is_displayed()]
        try:
            rows = self.sao.wait(dialog_rows, timeout=6)
        except Exception:  # completed without the search dialog
            rows = []
        if rows:
            # select the row, then OK
            cells = [c for c in rows[0].find_elements('css selector', 'td')
                if c.is_displayed() and c.size['width']]
            cells[-1].click()
            self.sao.click_button('OK')
            self.sao.wait(lambda d: not dialog_rows(d),
                message="the search dialog stays open")

    def fill_char(self, field, text):
        element = self.field_input(field)
        element.clear()
        element.send_keys(text)

    @screenshot_on_failure
    def test_desk_registers_and_dispatches(self):
        """AS-1, AS-4: the desk registers a request, answers it and
        dispatches the technician, who sees it among his dispatches."""
        sao = self.sao
        sao.login('aftersales_head', demo.PASSWORD)
        self.assert_no_dialog()
        sao.open_menu('After-Sales Service', 'Service Requests')
        sao.current_tab('Service Requests')
        sao.visible(PANE + ' button#new_').click()
        sao.wait_idle()
        self.fill_many2one('customer', CUSTOMER)
        # technical support is free: no quotation to wait for
        from selenium.webdriver.support.ui import Select
        Select(sao.visible(PANE + ' select[name="kind"]')
            ).select_by_visible_text('Technical Support')
        self.fill_char('serial', SERIAL)
        self.fill_char('fault', 'E42')
        sao.visible(PANE + ' button#save').click()
        sao.wait_idle()
        self.assert_no_dialog()
        sao.click_button('answer')
        self.assert_no_dialog()
        sao.wait_for_text('Answered', css=PANE)
        sao.click_button('start')
        self.assert_no_dialog()
        sao.wait_for_text('In Progress', css=PANE)

        sao.open_menu('After-Sales Service', 'Dispatches')
        sao.current_tab('Dispatches')
        sao.visible(PANE + ' button#new_').click()
        sao.wait_idle()
        self.fill_many2one('request', SERIAL)
        self.fill_many2one('technician', '孙浩')
        self.fill_char('place', '杭州市西湖区')
        sao.visible(PANE + ' button#save').click()
        sao.wait_idle()
        self.assert_no_dialog()

        # the technician, in his own browser, sees the dispatch
        self.driver = new_driver()
        self.addCleanup(self.driver.quit)
        self.sao = sao = Sao(self.driver, self.server.url, DATABASE)
        sao.login('sun.hao', demo.PASSWORD)
        sao.open_menu('After-Sales Service', 'Dispatches')
        sao.current_tab('Dispatches')
        # his planned dispatches: only the new one (the demo's are done)
        sao.wait_for_text('杭州市西湖区', css=PANE)
        rows = sao.list_rows()
        self.assertEqual(len(rows), 1, rows)
        self.assertIn('孙浩', rows[0])


del BrowserTestCase

if __name__ == '__main__':
    unittest.main()
