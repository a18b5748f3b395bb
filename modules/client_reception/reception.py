# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Visitor classes and their standards (CR-1)."""
from decimal import Decimal

from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

MEALS = [
    ('capped', "Capped per Person"),
    ('staff', "Staff Meal or Self-Paid"),
    ]
LODGING = [
    ('guest', "Paid by the Guest Unless the Sales VP Approves"),
    ('company', "Paid by the Company"),
    ]


class VisitClass(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Visitor class"
    __name__ = 'reception.class'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Leave empty to use the class in every company.")
    description = fields.Text(
        "Visitors", translate=True,
        help="Who the visitors of this class are.")
    accompanied_by = fields.Text(
        "Accompanied By", translate=True,
        help="Who of the company accompanies the visitors.")
    meals = fields.Selection(MEALS, "Meals", required=True, sort=False)
    meal_cap = fields.Numeric(
        "Meal Cap per Person", digits=(16, 2),
        states={
            'invisible': Eval('meals') != 'capped',
            'required': Eval('meals') == 'capped',
            },
        help="Excluding cigarettes, drinks and gifts.\n"
        "The regulation parameter below overrides it when set.")
    meal_cap_parameter = fields.Char(
        "Meal Cap Parameter",
        states={
            'invisible': Eval('meals') != 'capped',
            },
        help="The code of the regulation parameter holding the cap "
        "per company and effective date.")
    notice_days = fields.Integer(
        "Notice (Working Days)", required=True,
        help="How many working days before the arrival the request must "
        "reach the admin & HR office.")
    notice_parameter = fields.Char(
        "Notice Parameter",
        help="The code of the regulation parameter holding the notice "
        "per company and effective date.")
    lodging = fields.Selection(LODGING, "Lodging", required=True, sort=False)
    sales_approval = fields.Boolean(
        "Sales Head Approves",
        help="The sales head approves the requests of this class "
        "(client visits); otherwise only above-standard requests.")
    chairman_confirms = fields.Boolean(
        "Chairman Confirms the Itinerary")
    current_meal_cap = fields.Function(fields.Numeric(
            "Current Meal Cap", digits=(16, 2)), 'get_current')
    current_notice_days = fields.Function(fields.Integer(
            "Current Notice"), 'get_current')

    @classmethod
    def default_meals(cls):
        return 'capped'

    @classmethod
    def default_lodging(cls):
        return 'guest'

    @classmethod
    def default_notice_days(cls):
        return 1

    @classmethod
    def default_sales_approval(cls):
        return True

    def get_rec_name(self, name):
        return '%s - %s' % (self.code, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    def get_current(self, name):
        company = Transaction().context.get('company')
        if name == 'current_meal_cap':
            return self.get_meal_cap(company)
        return self.get_notice_days(company)

    def get_meal_cap(self, company, date=None):
        """Return the meal cap per person for company at date, or None when
        the meals of the class are the staff meal or self-paid (CR-1)."""
        Parameter = Pool().get('regulation.parameter')
        if self.meals != 'capped':
            return None
        default = self.meal_cap if self.meal_cap is not None else Decimal(0)
        if self.meal_cap_parameter:
            default = Parameter.get(
                self.meal_cap_parameter, company, date=date, default=default)
        return Decimal(default).quantize(Decimal('0.01'))

    def get_notice_days(self, company, date=None):
        "Return the notice in working days for company at date (CR-2)"
        Parameter = Pool().get('regulation.parameter')
        default = self.notice_days or 0
        if self.notice_parameter:
            return int(Parameter.get(
                    self.notice_parameter, company, date=date,
                    default=default))
        return default
