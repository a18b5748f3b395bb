# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    phone_technician = fields.Boolean(
        "Authorised Phone Technician",
        help="Only authorised technicians may open a phone set (OP-4).")
