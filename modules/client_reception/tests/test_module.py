# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class ClientReceptionTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Client Reception module"
    module = 'client_reception'

    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('reception.class', 'company'),
            }


del ModuleTestCase
