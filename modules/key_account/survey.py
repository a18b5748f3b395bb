# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Quarterly revisits and satisfaction surveys, yearly targets (KA-8)."""
from decimal import Decimal

from sql import Literal
from sql.aggregate import Avg, Count, Max, Min, Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.regulation_base import WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import SurveyError


def targets(company, year):
    """Return the targets of year (KA-8): minimal satisfaction (%),
    maximal complaints and minimal pass rate (%)."""
    Parameter = Pool().get('regulation.parameter')
    base = Parameter.get(
        'key_account_satisfaction_target', company, default=95)
    step = Parameter.get(
        'key_account_satisfaction_step', company, default=Decimal('0.5'))
    base_year = int(Parameter.get(
            'key_account_target_base_year', company, default=2026))
    satisfaction = min(
        base + step * max(year - base_year, 0), Decimal(100))
    complaints = Parameter.get(
        'key_account_max_complaints', company, default=1)
    pass_rate = Parameter.get(
        'key_account_pass_rate_target', company, default=100)
    return satisfaction, complaints, pass_rate


class Campaign(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Quarterly revisit campaign"
    __name__ = 'sale.key_account.survey.campaign'
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    year = fields.Integer("Year", required=True, states=_states)
    quarter = fields.Integer(
        "Quarter", required=True, states=_states,
        domain=[('quarter', '>=', 1), ('quarter', '<=', 4)])
    employee = fields.Many2One(
        'company.employee', "GM Office", states=_states,
        help="Who runs the campaign for the GM office (总经办).")
    surveys = fields.One2Many(
        'sale.key_account.survey', 'campaign', "Surveys",
        states={'readonly': Eval('state') == 'closed'})
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_quarter_unique',
                Unique(t, t.company, t.year, t.quarter),
                'key_account.msg_campaign_unique'),
            ]
        cls._order = [('year', 'DESC'), ('quarter', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    @classmethod
    def default_quarter(cls):
        return (Pool().get('ir.date').today().month - 1) // 3 + 1

    def get_rec_name(self, name):
        return '%s Q%s' % (self.year, self.quarter)

    @classmethod
    def check_modification(cls, mode, campaigns, values=None,
            external=False):
        super().check_modification(
            mode, campaigns, values=values, external=external)
        if mode == 'delete':
            for campaign in campaigns:
                if campaign.state != 'draft':
                    raise AccessError(gettext(
                            'key_account.msg_campaign_delete',
                            campaign=campaign.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, campaigns):
        "Add a survey for each registered account of the company tree"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Survey = pool.get('sale.key_account.survey')
        to_create = []
        for campaign in campaigns:
            done = {s.key_account for s in campaign.surveys}
            accounts = KeyAccount.search([
                    ('company', 'child_of', [campaign.company.id], 'parent'),
                    ('state', '=', 'registered'),
                    ])
            for account in accounts:
                if account not in done:
                    to_create.append({
                            'campaign': campaign.id,
                            'company': account.company.id,
                            'key_account': account.id,
                            })
        Survey.create(to_create)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, campaigns):
        for campaign in campaigns:
            pending = [s for s in campaign.surveys if s.state == 'pending']
            if pending:
                raise SurveyError(gettext(
                        'key_account.msg_campaign_pending',
                        campaign=campaign.rec_name,
                        survey=pending[0].rec_name))


class Survey(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Revisit and satisfaction survey"
    __name__ = 'sale.key_account.survey'
    _states = {'readonly': Eval('state') != 'pending'}
    campaign = fields.Many2One(
        'sale.key_account.survey.campaign', "Campaign", required=True,
        ondelete='CASCADE', states=_states)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    key_account = fields.Many2One(
        'sale.key_account', "Key Account", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", states=_states)
    employee = fields.Many2One(
        'company.employee', "Surveyed By", states=_states)
    revisited = fields.Boolean("Revisited", states=_states)
    satisfaction = fields.Numeric(
        "Satisfaction (%)", digits=(5, 2), states=_states)
    complaints = fields.Integer("Complaints", states=_states)
    delivered = fields.Integer(
        "Products Delivered", states=_states,
        help="The products delivered to the client over the quarter.")
    passed = fields.Integer(
        "Products Passed", states=_states,
        help="Those of the delivered products that passed inspection.")
    notes = fields.Text("Notes", states=_states)
    state = fields.Selection([
            ('pending', "Pending"),
            ('done', "Done"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('campaign', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {('pending', 'done')}
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'pending',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_complaints(cls):
        return 0

    @classmethod
    def default_revisited(cls):
        return False

    def get_rec_name(self, name):
        return '%s @ %s' % (
            self.key_account.rec_name if self.key_account else '',
            self.campaign.rec_name if self.campaign else '')

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'pending', 'muted', '')),
            ]

    @classmethod
    def validate_fields(cls, surveys, field_names):
        super().validate_fields(surveys, field_names)
        for survey in surveys:
            if survey.satisfaction is not None and not (
                    0 <= survey.satisfaction <= 100):
                raise SurveyError(gettext(
                        'key_account.msg_survey_satisfaction',
                        survey=survey.rec_name, value=survey.satisfaction))
            for name in ['complaints', 'delivered', 'passed']:
                value = getattr(survey, name)
                if value is not None and value < 0:
                    raise SurveyError(gettext(
                            'key_account.msg_survey_negative',
                            survey=survey.rec_name,
                            field=cls.__names__(name)['field']))
            if (survey.passed or 0) > (survey.delivered or 0):
                raise SurveyError(gettext(
                        'key_account.msg_survey_passed',
                        survey=survey.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, surveys):
        today = Pool().get('ir.date').today()
        for survey in surveys:
            if survey.satisfaction is None:
                raise SurveyError(gettext(
                        'key_account.msg_survey_satisfaction_required',
                        survey=survey.rec_name))
        cls.write([s for s in surveys if not s.date], {'date': today})


class Indicator(ModelSQL, ModelView):
    "Key-account yearly service indicators"
    __name__ = 'sale.key_account.indicator'
    company = fields.Many2One('company.company', "Company", readonly=True)
    key_account = fields.Many2One(
        'sale.key_account', "Key Account", readonly=True)
    year = fields.Integer("Year", readonly=True)
    surveys = fields.Integer("Surveys", readonly=True)
    satisfaction = fields.Numeric(
        "Satisfaction (%)", digits=(5, 2), readonly=True)
    complaints = fields.Integer("Complaints", readonly=True)
    delivered = fields.Integer("Products Delivered", readonly=True)
    passed = fields.Integer("Products Passed", readonly=True)
    pass_rate = fields.Function(fields.Numeric(
            "Pass Rate (%)", digits=(5, 2)), 'get_targets')
    satisfaction_target = fields.Function(fields.Numeric(
            "Satisfaction Target (%)", digits=(5, 2)), 'get_targets')
    satisfaction_met = fields.Function(
        fields.Boolean("Satisfaction Met"), 'get_targets')
    complaints_met = fields.Function(
        fields.Boolean("Complaints Met"), 'get_targets')
    pass_rate_met = fields.Function(
        fields.Boolean("Pass Rate Met"), 'get_targets')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('year', 'DESC'), ('key_account', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Survey = pool.get('sale.key_account.survey')
        Campaign = pool.get('sale.key_account.survey.campaign')
        survey = Survey.__table__()
        campaign = Campaign.__table__()
        return survey.join(
            campaign, condition=survey.campaign == campaign.id).select(
            Min(survey.id).as_('id'),
            Literal(0).as_('create_uid'),
            Max(survey.create_date).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            survey.company.as_('company'),
            survey.key_account.as_('key_account'),
            campaign.year.as_('year'),
            Count(survey.id).as_('surveys'),
            Avg(survey.satisfaction).as_('satisfaction'),
            Sum(Coalesce(survey.complaints, 0)).as_('complaints'),
            Sum(Coalesce(survey.delivered, 0)).as_('delivered'),
            Sum(Coalesce(survey.passed, 0)).as_('passed'),
            where=survey.state == 'done',
            group_by=[survey.company, survey.key_account, campaign.year])

    def get_rec_name(self, name):
        return '%s %s' % (
            self.key_account.rec_name if self.key_account else '', self.year)

    @classmethod
    def get_targets(cls, indicators, names):
        result = {n: {} for n in names}
        for indicator in indicators:
            satisfaction, complaints, pass_rate = targets(
                indicator.company, indicator.year)
            if indicator.delivered:
                rate = (Decimal(indicator.passed or 0) * 100
                    / indicator.delivered).quantize(Decimal('0.01'))
            else:
                rate = None
            actual = (Decimal(str(indicator.satisfaction))
                if indicator.satisfaction is not None else None)
            values = {
                'pass_rate': rate,
                'satisfaction_target': satisfaction,
                'satisfaction_met': actual is not None
                and actual >= satisfaction,
                'complaints_met': (indicator.complaints or 0) <= complaints,
                'pass_rate_met': rate is None or rate >= pass_rate,
                }
            for name in names:
                result[name][indicator.id] = values[name]
        return result

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(
                    Eval('satisfaction_met', True)
                    & Eval('complaints_met', True)
                    & Eval('pass_rate_met', True), '', 'danger')),
            ]
