# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class OfficePhoneTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Office Phone module"
    module = 'office_phone'

    @property
    def _skip_company_rule(self):
        # a pattern without company applies to every company
        return super()._skip_company_rule | {
            ('office.phone.pattern', 'company'),
            }


del ModuleTestCase
