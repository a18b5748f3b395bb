# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Urgent purchases claimed against their requisition (EX-1, PF-3).

Registered only when purchase_flow is activated.  The claim is refused while
the requisition says it is not completed: ``purchase.requisition`` answers
through ``expense_claim_blocker()`` (see ClaimLine.check_origins).
"""
from trytond.pool import PoolMeta


class ClaimLine(metaclass=PoolMeta):
    __name__ = 'expense.claim.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['purchase.requisition']
