# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('aftersales.request|check_sla',
                    "Flag and Escalate After-Sales SLA Breaches"),
                ('aftersales.request|generate_maintenance',
                    "Generate Periodic Maintenance Visits"),
                ])
