# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Penalty(metaclass=PoolMeta):
    __name__ = 'regulation.penalty'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + [
            'office.phone.call', 'office.phone.fault',
            'office.phone.incident', 'office.phone.handover']
