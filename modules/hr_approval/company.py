# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    probation_end = fields.Date(
        "End of Probation",
        help="The employee applies for confirmation before this date.")
    position = fields.Char("Position")
