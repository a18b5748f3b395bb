# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class KeyAccountError(UserError):
    pass


class TierValidationError(ValidationError):
    pass


class OwnershipError(ValidationError):
    pass


class ScorecardError(UserError):
    pass


class SurveyError(ValidationError):
    pass
