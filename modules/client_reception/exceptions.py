# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class VisitError(UserError):
    pass


class VisitValidationError(ValidationError):
    pass


class BudgetError(ValidationError):
    pass
