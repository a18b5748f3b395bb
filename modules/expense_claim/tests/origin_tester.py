# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A test-only source document standing for an urgent purchase (PF-3)."""
from trytond.model import ModelSQL, fields
from trytond.pool import PoolMeta


class OriginTester(ModelSQL):
    "Expense Origin Tester"
    __name__ = 'expense.test.origin'
    name = fields.Char("Name")
    completed = fields.Boolean("Completed")

    def expense_claim_blocker(self):
        if not self.completed:
            return "requisition %s is not completed" % self.name


class ClaimLine(metaclass=PoolMeta):
    __name__ = 'expense.claim.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['expense.test.origin']
