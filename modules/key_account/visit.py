# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Visit plans and visit logs of the key accounts (KA-6)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.regulation_base import WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import KeyAccountError

KINDS = [
    ('visit', "Visit"),
    ('expansion', "Expansion"),
    ('site', "Client Brought to Site"),
    ('revisit', "Revisit"),
    ('phone', "Phone Call"),
    ]


class Visit(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Key-account visit"
    __name__ = 'sale.key_account.visit'
    _states = {'readonly': Eval('state') != 'planned'}
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    key_account = fields.Many2One(
        'sale.key_account', "Key Account", required=True,
        ondelete='CASCADE', states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('state', '!=', 'closed'),
            ])
    party = fields.Function(
        fields.Many2One(
            'party.party', "Client",
            context={'company': Eval('company', -1)}, depends={'company'}),
        'on_change_with_party',
        searcher='search_party')
    employee = fields.Many2One(
        'company.employee', "Specialist", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False, states=_states,
        help="Visits, expansion and clients brought to site count in the "
        "specialists' scorecards (KA-7).")
    planned_date = fields.Date(
        "Planned Date", required=True, states=_states)
    date = fields.Date(
        "Date", states={
            'readonly': Eval('state') != 'planned',
            'required': Eval('state') == 'done',
            })
    purpose = fields.Text("Purpose", states=_states)
    report = fields.Text(
        "Report", states={
            'readonly': Eval('state') == 'cancelled',
            'required': Eval('state') == 'done',
            })
    competitor_notes = fields.Text(
        "Competitor Notes", states={
            'readonly': Eval('state') == 'cancelled',
            },
        help="What the competitors offer the client (KA-6).")
    state = fields.Selection([
            ('planned', "Planned"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()),
                    (t.planned_date, Index.Range())),
                Index(t, (t.key_account, Index.Range())),
                })
        cls._order = [('planned_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('planned', 'done'),
            ('planned', 'cancelled'),
            ('cancelled', 'planned'),
            }
        cls._buttons.update({
                'plan': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_kind(cls):
        return 'visit'

    @classmethod
    def default_employee(cls):
        User = Pool().get('res.user')
        user = User(Transaction().user)
        return user.employee.id if user.employee else None

    @classmethod
    def default_planned_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('key_account')
    def on_change_with_party(self, name=None):
        return self.key_account.party if self.key_account else None

    @classmethod
    def search_party(cls, name, clause):
        return [('key_account.party' + clause[0][len(name):], *clause[1:])]

    def get_rec_name(self, name):
        return '%s @ %s' % (
            self.key_account.rec_name if self.key_account else '',
            self.planned_date)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'cancelled', 'muted', '')),
            ]

    @classmethod
    def check_modification(cls, mode, visits, values=None, external=False):
        super().check_modification(
            mode, visits, values=values, external=external)
        if mode == 'delete':
            for visit in visits:
                if visit.state == 'done':
                    raise AccessError(gettext(
                            'key_account.msg_visit_delete_done',
                            visit=visit.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, visits):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, visits):
        "Log the visit: the date and a report are required"
        today = Pool().get('ir.date').today()
        for visit in visits:
            if not (visit.report or '').strip():
                raise KeyAccountError(gettext(
                        'key_account.msg_visit_report_required',
                        visit=visit.rec_name))
            if visit.date and visit.date > today:
                raise KeyAccountError(gettext(
                        'key_account.msg_visit_future',
                        visit=visit.rec_name, date=visit.date))
        cls.write([v for v in visits if not v.date], {'date': today})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, visits):
        pass
