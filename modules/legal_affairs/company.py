# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta

ROLE = ('planning_operations_deputy', "Planning & Operations Deputy Manager")


class Role(metaclass=PoolMeta):
    __name__ = 'regulation.role'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if ROLE not in cls.role.selection:
            cls.role.selection = cls.role.selection + [ROLE]


class ChainStep(metaclass=PoolMeta):
    __name__ = 'regulation.approval.chain.step'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if ROLE not in cls.role.selection:
            cls.role.selection = cls.role.selection + [ROLE]
