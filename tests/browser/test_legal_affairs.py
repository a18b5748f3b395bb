# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end test of legal_affairs in the sao web client (LA-1, LA-6).

    python -m unittest tests.browser.test_legal_affairs
"""
import unittest

from . import test_web_client as base
from .sao import screenshot_on_failure


class LegalAffairsWebTestCase(base.BrowserTestCase):
    "The legal officer follows the cases in the web client"

    @screenshot_on_failure
    def test_legal_officer_opens_cases(self):
        """LA-1, LA-6: the legal officer lists the cases of the group, finds
        the Shanghai suit waiting for them and opens the suit in court with
        its hearing."""
        self.sao.login('legal', base.demo.PASSWORD)
        self.assert_no_dialog()
        self.sao.open_menu('Regulations', 'Legal Affairs', 'Legal Cases')
        self.sao.current_tab('Legal Cases')
        self.click_tab('All')
        self.sao.wait_for_text(
            '杭州西湖数据服务有限公司', css='#tabcontent > .tab-pane.active')
        rows = self.sao.list_rows()
        waiting = [r for r in rows if '上海申达机电设备有限公司' in r]
        self.assertEqual(len(waiting), 1, rows)
        self.assertIn('Waiting for Approval', waiting[0])
        self.assertIn('何平', waiting[0])
        in_court = [r for r in rows if '杭州西湖数据服务有限公司' in r]
        self.assertEqual(len(in_court), 1, rows)
        self.assertIn('In Court', in_court[0])

        # LA-3: the evidence catalogue of the case
        self.sao.open_record('杭州西湖数据服务有限公司')
        self.click_tab('Evidence')
        self.sao.wait_for_text('验收单', css='#tabcontent > .tab-pane.active')
        self.assert_no_dialog()


if __name__ == '__main__':
    unittest.main()
