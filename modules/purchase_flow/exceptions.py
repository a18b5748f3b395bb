# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning


class RequisitionError(UserError):
    pass


class SourcingError(UserError):
    pass


class PurchaseFlowError(UserError):
    pass


class ReceiptError(UserError):
    pass


class SupplierWarning(UserWarning):
    pass
