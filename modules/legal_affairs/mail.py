# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Court mail intake (LA-5)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import WorkflowGuardMixin
from trytond.modules.regulation_base.exceptions import ResolutionError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .case import is_legal_user
from .exceptions import CourtMailError


class CourtMail(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Court Mail"
    _workflow_guarded = {'state', 'handed_over_by'}
    __name__ = 'legal.court.mail'
    __string__ = "Court Mail"
    _states = {'readonly': Eval('state') != 'received'}
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    received = fields.DateTime("Received", required=True, states=_states)
    received_by = fields.Many2One(
        'company.employee', "Received By", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The employee who took the mail in.")
    court = fields.Char("Court", required=True, states=_states)
    subject = fields.Char("Subject", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    case = fields.Many2One(
        'legal.case', "Case",
        domain=[('company', '=', Eval('company', -1))],
        help="The case the mail concerns; a new suit gets a response case.")
    routed_to = fields.Many2One(
        'company.employee', "Routed To", readonly=True,
        help="The legal officer, or the planning & operations deputy "
        "manager when the legal officer is absent.")
    absent_officer = fields.Many2One(
        'company.employee', "Absent Legal Officer", readonly=True)
    handed_over_by = employee_field(
        "Acknowledged By", states=['handed_over'])
    handed_over = fields.DateTime("Handed Over", readonly=True)
    state = fields.Selection([
            ('received', "Received"),
            ('handed_over', "Handed Over"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                where=t.state == 'received'))
        cls._order = [('received', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('received', 'handed_over'),
            }
        cls._buttons.update({
                'hand_over': {
                    'invisible': Eval('state') != 'received',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'received'

    @classmethod
    def default_received(cls):
        return dt.datetime.now().replace(microsecond=0)

    @classmethod
    def default_received_by(cls):
        return Transaction().context.get('employee')

    def get_rec_name(self, name):
        return '%s: %s' % (self.court, self.subject)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'received', 'danger', '')),
            ]

    @classmethod
    def route(cls, company, date=None):
        """Return the employee who receives court mail at company on date
        and the absent legal officer if any (LA-5).

        The legal officer receives it; when they are absent (they named a
        delegate for the day) or nobody holds the role, the planning &
        operations deputy manager does.
        """
        pool = Pool()
        Role = pool.get('regulation.role')
        Delegation = pool.get('regulation.delegation')
        Date = pool.get('ir.date')
        date = date or Date.today()
        try:
            officer = Role.holder('legal_officer', company, date)
        except ResolutionError:
            officer = None
        if officer:
            absent = Delegation.search([
                    ('employee', '=', officer.id),
                    ('start_date', '<=', date),
                    ('end_date', '>=', date),
                    ], limit=1)
            if not absent:
                return officer, None
        try:
            deputy = Role.holder('planning_operations_deputy', company, date)
        except ResolutionError:
            raise CourtMailError(gettext(
                    'legal_affairs.msg_court_mail_nobody',
                    company=company.rec_name))
        return deputy, officer

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Company = pool.get('company.company')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('company') is not None:
            received = values.get('received') or dt.datetime.now()
            routed_to, absent = cls.route(
                Company(values['company']), received.date())
            values['routed_to'] = routed_to.id
            values['absent_officer'] = absent.id if absent else None
        return values

    @classmethod
    def check_modification(cls, mode, mails, values=None, external=False):
        super().check_modification(
            mode, mails, values=values, external=external)
        if mode == 'delete':
            for mail in mails:
                if mail.state != 'received':
                    raise AccessError(gettext(
                            'legal_affairs.msg_court_mail_delete',
                            mail=mail.rec_name))
        if mode == 'write' and external and values:
            if {'state', 'routed_to', 'absent_officer'} & set(values):
                raise AccessError(gettext(
                        'legal_affairs.msg_court_mail_guarded'))

    @classmethod
    @ModelView.button
    @Workflow.transition('handed_over')
    @set_employee('handed_over_by')
    def hand_over(cls, mails):
        "The person the mail is routed to acknowledges it (LA-5)"
        pool = Pool()
        User = pool.get('res.user')
        if Transaction().user and not is_legal_user():
            employees = User.acting_employees()
            for mail in mails:
                if mail.routed_to.id not in employees:
                    raise AccessError(gettext(
                            'legal_affairs.msg_court_mail_not_recipient',
                            mail=mail.rec_name,
                            employee=mail.routed_to.rec_name))
        cls.write(mails, {'handed_over': dt.datetime.now()})
