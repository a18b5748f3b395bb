# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class RegulationBaseTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Regulation Base module"
    module = 'regulation_base'

    @property
    def _skip_company_rule(self):
        # The parent of a branch is another company, not a scope; shared
        # configuration (empty company = every company) has an "own or
        # shared" rule instead of the strict one.
        return super()._skip_company_rule | {
            ('company.company', 'parent'),
            ('regulation.parameter', 'company'),
            ('regulation.approval.chain', 'company'),
            ('regulation.penalty.rule', 'company'),
            }


del ModuleTestCase
