# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class ApprovalError(UserError):
    pass


class ApproverError(AccessError):
    pass


class ResolutionError(UserError):
    pass


class PenaltyError(ValidationError):
    pass


class PenaltyWarning(UserWarning):
    pass


class ParameterError(UserError):
    pass


class RegulationError(UserError):
    pass


class CalendarError(ValidationError):
    pass


class CronError(UserError):
    "An unexpected failure of a scheduled action, reported in ir.error"
    pass
