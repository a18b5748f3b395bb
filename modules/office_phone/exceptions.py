# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class PhoneError(ValidationError):
    pass


class BillImportError(UserError):
    pass


class BillError(UserError):
    pass


class ReconciliationWarning(UserWarning):
    pass
