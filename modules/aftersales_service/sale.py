# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The contract terms of after-sales service on the sale (AS-2, AS-10)."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'
    _service_states = {
        'readonly': Eval('state').in_(['cancelled']),
        }
    warranty_months = fields.Integer(
        "Warranty (Months)", states=_service_states,
        help="The contract's warranty period; empty for the product's.")
    installation_deadline = fields.Date(
        "Installation Deadline", states=_service_states,
        help="Installation and commissioning must be done by then (AS-10).")
    service_start = fields.Date(
        "Service Start", states=_service_states,
        help="Start of the maintenance contract (sale date when empty).")
    service_end = fields.Date(
        "Service End", states=_service_states,
        help="End of the maintenance contract: a full check is made in its "
        "last month (AS-10).")
    maintenance_months = fields.Integer(
        "Maintenance Every (Months)", states=_service_states,
        help="Periodic maintenance visits are generated on this schedule.")
    service_requests = fields.One2Many(
        'aftersales.request', 'sale', "Service Requests", readonly=True)
    del _service_states


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'
    warranty_months = fields.Integer(
        "Warranty (Months)",
        help="The default warranty period of the product (AS-2).")
