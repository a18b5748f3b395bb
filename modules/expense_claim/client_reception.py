# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reception costs claimed against their visit (EX-1, CR-6).

Registered only when client_reception is activated.
"""
from trytond.pool import PoolMeta


class ClaimLine(metaclass=PoolMeta):
    __name__ = 'expense.claim.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['reception.visit']
