# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Legal cases (LA-1 … LA-6): application, preparation, evidence,
proceedings, judgment and closing."""
import datetime as dt

from sql import Literal

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.company import CompanyReport
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import (
    ApprovalWorkflowMixin, WorkflowGuardMixin, in_force)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import CaseError

STATES = [
    ('draft', "Draft"),
    ('waiting', "Waiting for Approval"),
    ('approved', "Approved"),
    ('preparation', "Preparation"),
    ('proceedings', "In Court"),
    ('judged', "Judged"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]
OPEN = ['waiting', 'approved', 'preparation', 'proceedings', 'judged']

#: the fields the department fills in its application (LA-1)
APPLICATION_FIELDS = {
    'kind', 'company', 'department', 'employee', 'counterparty',
    'background', 'cause', 'purpose', 'desired_outcome', 'amount',
    'amount_basis', 'major', 'contact', 'evidence',
    }
#: what the department may still change once it applied (LA-3, LA-4)
DEPARTMENT_FIELDS = {'contact', 'evidence'}


def is_legal_user():
    "Tell whether the current user belongs to the legal affairs group"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if Transaction().user == 0:
        return True
    group_id = ModelData.get_id('legal_affairs', 'group_legal')
    return group_id in User.get_groups()


class Case(WorkflowGuardMixin, ApprovalWorkflowMixin, ModelSQL, ModelView):
    "Legal Case"
    _workflow_guarded = {'prepared_by', 'filed_by', 'closed_by'}
    __name__ = 'legal.case'
    _rec_name = 'number'
    _approval_regulation = 'legal_affairs'
    _approval_material_fields = {
        'kind', 'counterparty', 'cause', 'purpose', 'desired_outcome',
        'amount', 'major'}

    _draft = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    kind = fields.Selection([
            ('filing', "Filing a Suit"),
            ('response', "Responding to a Suit"),
            ], "Kind", required=True, states=_draft, sort=False,
        help="Filing: the company sues; response: the company is sued.")
    kind_string = kind.translated('kind')
    department = fields.Many2One(
        'company.department', "Department", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))],
        help="The department handling the matter.")
    employee = fields.Many2One(
        'company.employee', "Applicant", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Application Date", required=True, states=_draft)
    counterparty = fields.Many2One(
        'party.party', "Counterparty", required=True, states=_draft,
        context={'company': Eval('company', -1)}, depends={'company'})
    background = fields.Text("Background", states=_draft)
    cause = fields.Text("Cause", required=True, states=_draft)
    purpose = fields.Text("Purpose", required=True, states=_draft)
    desired_outcome = fields.Text(
        "Desired Outcome", required=True, states=_draft)
    amount = fields.Numeric(
        "Amount at Stake", digits=(16, 2), states=_draft)
    amount_basis = fields.Text(
        "Amount Basis", states=_draft,
        help="How the amount is calculated.")
    major = fields.Boolean(
        "Major Case", states={
            'readonly': ~Eval('state').in_(['draft', 'waiting']),
            },
        help="A major case is studied in a meeting of the departments "
        "before preparation starts.")
    meeting_date = fields.Date(
        "Meeting Date",
        states={
            'invisible': ~Eval('major'),
            'readonly': ~Eval('state').in_(['waiting', 'approved']),
            })
    meeting_minutes = fields.Text(
        "Meeting Minutes",
        states={
            'invisible': ~Eval('major'),
            'readonly': ~Eval('state').in_(['waiting', 'approved']),
            })
    objection = fields.Function(
        fields.Text("Written Objection"), 'get_objection')
    contact = fields.Many2One(
        'company.employee', "Contact Person",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            'required': Eval('state').in_(OPEN),
            },
        help="The one employee of the department who works with the legal "
        "officer on the case until it closes.")
    court = fields.Char(
        "Court", states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            })
    court_reference = fields.Char(
        "Court Case Number", states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            })
    _prep = {
        'readonly': ~Eval('state').in_(['approved', 'preparation']),
        }
    opinion_source = fields.Selection([
            (None, ""),
            ('internal', "Legal Officer"),
            ('outside', "Outside Counsel"),
            ], "Legal Opinion By", states=_prep)
    counsel = fields.Many2One(
        'party.party', "Outside Counsel",
        context={'company': Eval('company', -1)}, depends={'company'},
        states={
            'readonly': _prep['readonly'],
            'invisible': Eval('opinion_source') != 'outside',
            'required': Eval('opinion_source') == 'outside',
            })
    opinion = fields.Text("Legal Opinion", states=_prep)
    expected_outcome = fields.Text(
        "Expected Outcome", states=_prep,
        help="The advantages and risks of the case and its likely outcome.")
    filing_date = fields.Date(
        "Filing Date", states={
            'readonly': Eval('state') != 'preparation',
            })
    evidence = fields.One2Many(
        'legal.case.evidence', 'case', "Evidence",
        states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            })
    hearings = fields.One2Many(
        'legal.case.hearing', 'case', "Hearings",
        states={
            'readonly': ~Eval('state').in_(['proceedings', 'judged']),
            })
    deadlines = fields.One2Many(
        'legal.case.deadline', 'case', "Court Deadlines",
        states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            })
    mails = fields.One2Many(
        'legal.court.mail', 'case', "Court Mail", readonly=True)
    judgment_date = fields.Date(
        "Judgment Date", states={
            'readonly': Eval('state') != 'proceedings',
            })
    judgment_result = fields.Selection([
            (None, ""),
            ('won', "Won"),
            ('partly_won', "Partly Won"),
            ('lost', "Lost"),
            ('settled', "Settled"),
            ('withdrawn', "Withdrawn"),
            ], "Result", sort=False, states={
            'readonly': Eval('state') != 'proceedings',
            })
    judgment = fields.Text(
        "Judgment", states={
            'readonly': Eval('state') != 'proceedings',
            })
    closing_date = fields.Date(
        "Closing Date", states={
            'readonly': Eval('state') != 'judged',
            })
    closing_summary = fields.Text(
        "Closing Summary", states={
            'readonly': Eval('state') != 'judged',
            })
    prepared_by = employee_field(
        "Prepared By", states=['preparation', 'proceedings', 'judged',
            'closed', 'cancelled'])
    filed_by = employee_field(
        "Filed By", states=['proceedings', 'judged', 'closed', 'cancelled'])
    closed_by = employee_field("Closed By", states=['closed', 'cancelled'])
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    del _draft, _prep

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft'] + OPEN)),
                Index(t, (t.department, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('approved', 'preparation'),
            ('preparation', 'proceedings'),
            ('proceedings', 'judged'),
            ('judged', 'closed'),
            }
        cls._buttons.update({
                'prepare': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'file': {
                    'invisible': Eval('state') != 'preparation',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'judge': {
                    'invisible': Eval('state') != 'proceedings',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'judged',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'filing'

    @classmethod
    def default_major(cls):
        return False

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_department(cls):
        pool = Pool()
        Employee = pool.get('company.employee')
        employee_id = cls.default_employee()
        if employee_id:
            employee = Employee(employee_id)
            if employee.department:
                return employee.department.id

    @fields.depends('employee', 'department')
    def on_change_employee(self):
        if self.employee and self.employee.department and not self.department:
            self.department = self.employee.department

    def get_objection(self, name):
        "The last written objection of an approver (LA-1)"
        for approval in self.approvals:
            if approval.state == 'rejected' and approval.comment:
                return approval.comment

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'cancelled', 'muted',
                    If(Bool(Eval('major')), 'warning', ''))),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'legal_affairs', 'sequence_case'))
            values['number'] = sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, cases, values=None, external=False):
        super().check_modification(
            mode, cases, values=values, external=external)
        if mode == 'delete':
            for case in cases:
                if case.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'legal_affairs.msg_case_delete',
                            case=case.rec_name))
        elif mode == 'write' and external and values:
            if is_legal_user():
                return
            # a department fills its application, then only names its
            # contact and adds evidence; the rest is the legal officer's
            for case in cases:
                allowed = (APPLICATION_FIELDS if case.state == 'draft'
                    else DEPARTMENT_FIELDS)
                if case.state in {'closed', 'cancelled'}:
                    allowed = set()
                forbidden = set(values) - allowed
                if forbidden:
                    raise AccessError(gettext(
                            'legal_affairs.msg_case_legal_only',
                            case=case.rec_name,
                            fields=', '.join(sorted(forbidden))))

    @classmethod
    def validate_fields(cls, cases, field_names):
        super().validate_fields(cases, field_names)
        cls.check_contact(cases, field_names)
        cls.check_amount(cases, field_names)

    @classmethod
    def check_amount(cls, cases, field_names=None):
        "The amount at stake cannot be negative"
        if field_names and 'amount' not in field_names:
            return
        for case in cases:
            if case.amount is not None and case.amount < 0:
                raise CaseError(gettext(
                        'legal_affairs.msg_case_amount_negative',
                        case=case.rec_name, amount=case.amount))

    @classmethod
    def check_contact(cls, cases, field_names=None):
        "LA-4: one contact person of the department until the case closes"
        if field_names and not (
                field_names & {'contact', 'department', 'state'}):
            return
        for case in cases:
            if case.state in OPEN and not case.contact:
                raise CaseError(gettext(
                        'legal_affairs.msg_case_contact_required',
                        case=case.rec_name))
            if case.contact and case.department and (
                    not case.contact.department
                    or case.department not in set(
                        case.contact.department.ancestors())):
                raise CaseError(gettext(
                        'legal_affairs.msg_case_contact_department',
                        case=case.rec_name,
                        contact=case.contact.rec_name,
                        department=case.department.rec_name))

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'prepared_by', 'filed_by', 'closed_by',
                'filing_date', 'judgment_date', 'judgment_result',
                'judgment', 'closing_date', 'closing_summary',
                'meeting_date', 'meeting_minutes', 'court_reference']:
            default.setdefault(name)
        default.setdefault('hearings')
        default.setdefault('deadlines')
        default.setdefault('date', cls.default_date())
        return super().copy(cases, default=default)

    # Workflow

    @classmethod
    @ModelView.button
    @ApprovalWorkflowMixin.submitting('waiting')
    def submit(cls, cases):
        "LA-1: the application goes to the legal officer with its evidence"
        for case in cases:
            if not case.evidence:
                raise CaseError(gettext(
                        'legal_affairs.msg_case_evidence_required',
                        case=case.rec_name))
            if not case.contact:
                raise CaseError(gettext(
                        'legal_affairs.msg_case_contact_required',
                        case=case.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('preparation')
    @set_employee('prepared_by')
    def prepare(cls, cases):
        "LA-1: a major case starts only after its meeting"
        for case in cases:
            if case.major and not (
                    case.meeting_date and case.meeting_minutes):
                raise CaseError(gettext(
                        'legal_affairs.msg_case_meeting_required',
                        case=case.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('proceedings')
    @set_employee('filed_by')
    def file(cls, cases):
        "LA-2, LA-3: the filings go to court with an opinion and copies"
        Date = Pool().get('ir.date')
        for case in cases:
            if not (case.opinion_source and case.opinion
                    and case.expected_outcome):
                raise CaseError(gettext(
                        'legal_affairs.msg_case_opinion_required',
                        case=case.rec_name))
            if case.opinion_source == 'outside' and not case.counsel:
                raise CaseError(gettext(
                        'legal_affairs.msg_case_counsel_required',
                        case=case.rec_name))
            if not case.evidence:
                raise CaseError(gettext(
                        'legal_affairs.msg_case_evidence_required',
                        case=case.rec_name))
            for item in case.evidence:
                if not item.copies:
                    raise CaseError(gettext(
                            'legal_affairs.msg_evidence_copy_required',
                            evidence=item.rec_name, case=case.rec_name))
        cls.write([c for c in cases if not c.filing_date], {
                'filing_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('judged')
    def judge(cls, cases):
        "LA-6: the judgment is recorded on the case"
        for case in cases:
            if not (case.judgment_date and case.judgment_result):
                raise CaseError(gettext(
                        'legal_affairs.msg_case_judgment_required',
                        case=case.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    @set_employee('closed_by')
    def close(cls, cases):
        "LA-6: closing the case ends the contact person's duty"
        Date = Pool().get('ir.date')
        for case in cases:
            if not case.closing_summary:
                raise CaseError(gettext(
                        'legal_affairs.msg_case_closing_required',
                        case=case.rec_name))
        cls.write([c for c in cases if not c.closing_date], {
                'closing_date': Date.today(),
                })
        Deadline = Pool().get('legal.case.deadline')
        open_deadlines = [d for c in cases for d in c.deadlines if not d.done]
        if open_deadlines:
            Deadline.write(open_deadlines, {'done': True})


class _CaseLineMixin:
    "Lines of a case follow its access and are frozen once it is closed"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('case')

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'create' or not external:
            return
        for line in lines:
            if line.case.state in {'closed', 'cancelled'}:
                raise AccessError(gettext(
                        'legal_affairs.msg_case_line_closed',
                        line=line.rec_name, case=line.case.rec_name))


class Evidence(_CaseLineMixin, sequence_ordered(), ModelSQL, ModelView):
    "Legal Case Evidence"
    __name__ = 'legal.case.evidence'
    case = fields.Many2One(
        'legal.case', "Case", required=True, ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company')
    name = fields.Char("Evidence", required=True)
    date = fields.Date(
        "Date", required=True, help="When the evidence came into being.")
    original = fields.Boolean(
        "Original Exists",
        help="Whether the original exists; only copies go to the legal "
        "officer.")
    custodian_department = fields.Many2One(
        'company.department', "Custodian Department", required=True,
        domain=[('company', '=', Eval('company', -1))])
    custodian = fields.Many2One(
        'company.employee', "Custodian", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('department', '=', Eval('custodian_department', -1)),
            ])
    description = fields.Text("Description")
    copies = fields.Function(
        fields.Integer("Copies Attached",
            help="The number of copies attached to the item."),
        'get_copies')

    @classmethod
    def default_original(cls):
        return True

    @fields.depends('case', '_parent_case.company')
    def on_change_with_company(self, name=None):
        return self.case.company if self.case else None

    @fields.depends('custodian', 'custodian_department')
    def on_change_custodian(self):
        if self.custodian and self.custodian.department:
            self.custodian_department = self.custodian.department

    @classmethod
    def get_copies(cls, items, name):
        Attachment = Pool().get('ir.attachment')
        counts = {i.id: 0 for i in items}
        for attachment in Attachment.search([
                    ('resource', 'in', [str(i) for i in items]),
                    ]):
            counts[attachment.resource.id] += 1
        return counts

    @classmethod
    def validate_fields(cls, items, field_names):
        super().validate_fields(items, field_names)
        for item in items:
            if item.date and item.date > Pool().get('ir.date').today():
                raise CaseError(gettext(
                        'legal_affairs.msg_evidence_future',
                        evidence=item.rec_name))


class _LegalOnlyLineMixin(_CaseLineMixin):
    "Lines only the legal officers write"
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external and not is_legal_user():
            raise AccessError(gettext(
                    'legal_affairs.msg_case_line_legal_only',
                    model=cls.__names__()['model']))


class Hearing(_LegalOnlyLineMixin, ModelSQL, ModelView):
    "Legal Case Hearing"
    __name__ = 'legal.case.hearing'
    case = fields.Many2One(
        'legal.case', "Case", required=True, ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    court = fields.Char("Court")
    attendees = fields.Char("Attendees")
    summary = fields.Text("Summary")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]


class Deadline(_LegalOnlyLineMixin, ModelSQL, ModelView):
    "Court Deadline"
    __name__ = 'legal.case.deadline'
    __string__ = "Court Deadline"
    case = fields.Many2One(
        'legal.case', "Case", required=True, ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Company"), 'get_company',
        searcher='search_company')
    name = fields.Char("Deadline", required=True)
    due_date = fields.Date("Due Date", required=True)
    done = fields.Boolean("Done")
    reminded = fields.DateTime("Reminded", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.due_date, Index.Range()),
                where=t.done == Literal(False)))
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_done(cls):
        return False

    def get_company(self, name):
        return self.case.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [('case.' + clause[0],) + tuple(clause[1:])]

    @classmethod
    def copy(cls, deadlines, default=None):
        default = default.copy() if default else {}
        default.setdefault('reminded')
        return super().copy(deadlines, default=default)

    @classmethod
    def remind(cls, date=None):
        """Cron: mark the court deadlines falling within the reminder
        period (LA-5) and return them."""
        pool = Pool()
        Parameter = pool.get('regulation.parameter')
        Calendar = pool.get('regulation.calendar.day')
        Date = pool.get('ir.date')
        today = date or Date.today()
        domain = [
            ('done', '=', False),
            ('reminded', '=', None),
            ('case.state', 'in', OPEN),
            ]
        company_id = Transaction().context.get('company')
        if company_id is not None:
            domain.append(('case.company', '=', company_id))
        due = []
        for deadline in cls.search(domain):
            company = deadline.case.company
            if not in_force('legal_affairs', company, today):
                continue
            days = int(Parameter.get(
                    'legal_deadline_reminder_days', company, default=3))
            if Calendar.add_working_days(company, today, days) >= (
                    deadline.due_date):
                due.append(deadline)
        if due:
            cls.write(due, {'reminded': dt.datetime.now()})
        return due


class LitigationApplication(CompanyReport):
    "Litigation application form (诉讼申请表, LA-1)"
    __name__ = 'legal.case.application'


class EvidenceCatalogue(CompanyReport):
    "Evidence catalogue (LA-3)"
    __name__ = 'legal.case.evidence_catalogue'
