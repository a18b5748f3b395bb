# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ServiceError(UserError):
    pass


class PartApprovalError(ValidationError):
    pass


class ComplaintError(UserError):
    pass


class ReturnRuleError(UserError):
    pass
