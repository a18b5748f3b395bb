# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Key-account tiers (KA-1, KA-2, KA-4, KA-5)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import TierValidationError

LEVELS = [
    ('head_office', "Head Office"),
    ('branch', "Branch"),
    ('sub_branch', "Sub-Branch"),
    ]

VISUALS = [
    ('', ""),
    ('success', "Green"),
    ('warning', "Orange"),
    ('danger', "Red"),
    ('muted', "Grey"),
    ]

RECEPTION_CLASSES = [
    (None, ""),
    ('A', "A"),
    ('B', "B"),
    ('C', "C"),
    ('D', "D"),
    ]

#: the code of the parameter holding the branch coefficient (KA-2)
COEFFICIENT = 'key_account_coefficient'
COEFFICIENT_RANGE = (Decimal('0.8'), Decimal('0.9'))


def level_company(company, level):
    """Return the company of the org tree at level for company.

    head_office is the root, branch the company under it (or the head
    office itself for its own accounts), sub_branch the company itself.
    """
    chain = list(company.ancestors())[::-1]  # head office first
    if level == 'head_office':
        return chain[0]
    elif level == 'branch':
        return chain[min(1, len(chain) - 1)]
    return company


class Tier(DeactivableMixin, ModelSQL, ModelView):
    "Key-account tier"
    __name__ = 'sale.key_account.tier'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    rank = fields.Integer(
        "Rank", required=True,
        help="The higher the rank, the better the tier.")
    parameter = fields.Char(
        "Threshold Parameter", required=True,
        help="The code of the regulation parameter holding the minimal "
        "annual revenue of the tier (KA-1).")
    default_threshold = fields.Numeric(
        "Default Threshold", digits=(16, 2), required=True,
        help="Used while no parameter with that code is in effect.")
    threshold = fields.Function(fields.Numeric(
            "Threshold", digits=(16, 2),
            help="The minimal annual revenue for the company of the context "
            "today, coefficient applied."), 'get_threshold')
    approval_level = fields.Selection(
        LEVELS, "Approved By", required=True, sort=False,
        help="The level of the org tree that approves the tier (KA-4).")
    maintenance_level = fields.Selection(
        LEVELS, "Maintained By", required=True, sort=False,
        help="The level of the org tree that maintains the account (KA-4).")
    monitored_by_head_office = fields.Boolean(
        "Monitored by Head Office")
    branch_authorisation = fields.Boolean(
        "Branch with Authorisation",
        help="A branch holding a written authorisation of the head office "
        "may maintain accounts of this tier.")
    designable = fields.Boolean(
        "Designated by Head Office",
        help="The head office may give this tier whatever the revenue.")
    visual = fields.Selection(
        VISUALS, "Colour", help="The colour of the tier tag in lists.")
    priority = fields.Integer(
        "After-Sales Priority",
        help="The higher, the sooner after-sales serves the account (KA-5).")
    reception_class = fields.Selection(
        RECEPTION_CLASSES, "Reception Class",
        help="The visitor class suggested for the client's visits (KA-5).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'key_account.msg_tier_code_unique'),
            ]
        cls._order = [('rank', 'DESC'), ('id', 'ASC')]

    @classmethod
    def default_approval_level(cls):
        return 'branch'

    @classmethod
    def default_maintenance_level(cls):
        return 'branch'

    @classmethod
    def default_priority(cls):
        return 0

    @classmethod
    def default_visual(cls):
        return ''

    @classmethod
    def get_threshold(cls, tiers, name):
        company = Transaction().context.get('company')
        if company is None or company < 0:
            return {t.id: t.default_threshold for t in tiers}
        thresholds = {t.id: v for v, t in cls.thresholds(company)}
        return {t.id: thresholds.get(t.id) for t in tiers}

    @classmethod
    def thresholds(cls, company, date=None):
        """Return [(threshold, tier)] for company at date, best tier first.

        Each threshold is the parameter of the tier (KA-1) times the
        coefficient of the company (KA-2).
        """
        Parameter = Pool().get('regulation.parameter')
        coefficient = Parameter.get(
            COEFFICIENT, company, date=date, default=1)
        result = []
        for tier in cls.search([], order=[('rank', 'DESC')]):
            base = Parameter.get(
                tier.parameter, company, date=date,
                default=tier.default_threshold)
            result.append((base * coefficient, tier))
        return result

    @classmethod
    def tier_for(cls, revenue, thresholds):
        "Return the tier of revenue given thresholds (best first) or None"
        for threshold, tier in thresholds:
            if revenue >= threshold:
                return tier


class Parameter(metaclass=PoolMeta):
    __name__ = 'regulation.parameter'

    @classmethod
    def validate_fields(cls, parameters, field_names):
        super().validate_fields(parameters, field_names)
        low, high = COEFFICIENT_RANGE
        for parameter in parameters:
            if (parameter.code == COEFFICIENT
                    and parameter.value is not None
                    and parameter.value != 1
                    and not (low <= parameter.value <= high)):
                raise TierValidationError(gettext(
                        'key_account.msg_coefficient_range',
                        parameter=parameter.rec_name,
                        value=parameter.value, low=low, high=high))
