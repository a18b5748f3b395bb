# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Personnel requests (HR-1 … HR-8): recruitment, interviews, onboarding,
appointments and removals, transfers, resignations, dismissals and
probation confirmations, each through the approval chain of its kind and
the job level concerned."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import ApprovalWorkflowMixin, in_force
from trytond.modules.regulation_base.company import JOB_LEVELS
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import RequestError

KINDS = [
    ('recruitment', "Recruitment"),
    ('interview', "Interview"),
    ('onboarding', "Onboarding"),
    ('appointment', "Appointment"),
    ('removal', "Removal"),
    ('transfer', "Transfer"),
    ('resignation', "Resignation"),
    ('dismissal', "Dismissal"),
    ('probation', "Probation Confirmation"),
    ]
#: kinds about a candidate who is not an employee yet
CANDIDATE_KINDS = {'interview', 'onboarding'}
#: kinds about an employee of the company
EMPLOYEE_KINDS = {
    'appointment', 'removal', 'transfer', 'resignation', 'dismissal',
    'probation'}
#: kinds the admin & HR office may veto (HR-3)
VETO_KINDS = {'appointment', 'removal'}


def is_hr_user():
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if Transaction().user == 0:
        return True
    return ModelData.get_id('hr_approval', 'group_hr') in User.get_groups()


class Request(ApprovalWorkflowMixin, ModelSQL, ModelView):
    "Personnel Request"
    __name__ = 'hr.request'
    __string__ = "Personnel Request"
    _rec_name = 'number'
    _approval_regulation = 'hr_approval'
    _approval_material_fields = {
        'kind', 'department', 'job_level', 'subject', 'new_department',
        'new_job_level', 'headcount'}

    _draft = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False, states=_draft)
    kind_string = kind.translated('kind')
    date = fields.Date("Date", required=True, states=_draft)
    employee = fields.Many2One(
        'company.employee', "Requested By", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    subject = fields.Many2One(
        'company.employee', "Employee", states={
            'readonly': _draft['readonly'],
            'required': Eval('kind').in_(list(EMPLOYEE_KINDS)),
            'invisible': ~Eval('kind').in_(list(EMPLOYEE_KINDS)),
            },
        domain=[('company', '=', Eval('company', -1))],
        help="The employee the request is about.")
    candidate = fields.Char(
        "Candidate", states={
            'readonly': _draft['readonly'],
            'required': Eval('kind').in_(list(CANDIDATE_KINDS)),
            'invisible': ~Eval('kind').in_(list(CANDIDATE_KINDS)),
            })
    department = fields.Many2One(
        'company.department', "Department", required=True, states=_draft,
        domain=[('company', '=', Eval('company', -1))],
        help="The department asking for or concerned by the request.")
    position = fields.Char("Position", states=_draft)
    job_level = fields.Selection(
        JOB_LEVELS, "Job Level", required=True, sort=False, states=_draft,
        help="The level of the position concerned; it decides the chain.")
    headcount = fields.Integer(
        "Headcount", states={
            'readonly': _draft['readonly'],
            'required': Eval('kind') == 'recruitment',
            'invisible': Eval('kind') != 'recruitment',
            })
    new_department = fields.Many2One(
        'company.department', "New Department", states={
            'readonly': _draft['readonly'],
            'required': Eval('kind') == 'transfer',
            'invisible': ~Eval('kind').in_(['transfer', 'appointment']),
            },
        domain=[('company', '=', Eval('company', -1))])
    new_position = fields.Char(
        "New Position", states={
            'readonly': _draft['readonly'],
            'invisible': ~Eval('kind').in_(['transfer', 'appointment']),
            })
    new_job_level = fields.Selection(
        [(None, "")] + JOB_LEVELS, "New Job Level", sort=False, states={
            'readonly': _draft['readonly'],
            'invisible': Eval('kind') != 'appointment',
            })
    probation_end = fields.Date(
        "End of Probation", states={
            'readonly': _draft['readonly'],
            'required': Eval('kind') == 'probation',
            'invisible': Eval('kind') != 'probation',
            })
    effective_date = fields.Date(
        "Effective Date", states={
            'readonly': ~Eval('state').in_(['draft', 'approved']),
            })
    reason = fields.Text(
        "Reason", states=_draft,
        help="Required for a dismissal (HR-7).")
    handover = fields.One2Many(
        'hr.request.handover', 'request', "Hand-over Checklist",
        states={
            'readonly': ~Eval('state').in_(['draft', 'waiting', 'approved']),
            'invisible': ~Eval('kind').in_(['resignation', 'dismissal']),
            })
    veto_reason = fields.Text(
        "Veto Reason", states={
            'readonly': Eval('state') != 'waiting',
            'invisible': ~Eval('kind').in_(list(VETO_KINDS)),
            })
    notice = fields.Text(
        "Notice", states={
            'readonly': Eval('state') != 'approved',
            },
        help="The notice the admin & HR office issues, or its filing note.")
    completed_by = employee_field("Completed By", states=['done'])
    vetoed_by = employee_field("Vetoed By", states=['vetoed'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting for Approval"),
            ('approved', "Approved"),
            ('done', "Done"),
            ('vetoed', "Vetoed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft', 'waiting', 'approved'])),
                Index(t, (t.subject, Index.Range()),
                    (t.kind, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('waiting', 'vetoed'),
            ('approved', 'vetoed'),
            ('approved', 'done'),
            }
        cls._buttons.update({
                'veto': {
                    'invisible': (
                        ~Eval('state').in_(['waiting', 'approved'])
                        | ~Eval('kind').in_(list(VETO_KINDS))),
                    'icon': 'tryton-cancel',
                    'depends': ['state', 'kind'],
                    },
                'complete': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_job_level(cls):
        return 'staff'

    @classmethod
    def default_department(cls):
        Employee = Pool().get('company.employee')
        employee_id = cls.default_employee()
        if employee_id:
            employee = Employee(employee_id)
            if employee.department:
                return employee.department.id

    @fields.depends('subject', 'kind')
    def on_change_subject(self):
        if self.subject:
            if self.subject.department:
                self.department = self.subject.department
            self.job_level = self.subject.job_level
            self.position = self.subject.position
            if self.kind == 'probation':
                self.probation_end = self.subject.probation_end

    def get_rec_name(self, name):
        who = self.subject.rec_name if self.subject else (
            self.candidate or (self.department.rec_name
                if self.department else ''))
        return '%s %s %s' % (self.number or '', self.kind_string, who)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('subject.rec_name', operator, operand, *extra),
            ('candidate', operator, operand, *extra),
            ]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state').in_(['cancelled', 'vetoed']), 'muted', '')),
            ]

    # Approval

    def approval_requester(self):
        return self.employee

    def approval_department(self):
        return self.department

    def _approval_environment(self):
        env = super()._approval_environment()
        # the chain follows the level of the position concerned, not the
        # level of whoever fills in the request
        env['job_level'] = self.job_level
        env['kind'] = self.kind
        return env

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'hr_approval', 'sequence_request'))
            values['number'] = sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'delete':
            for request in requests:
                if request.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'hr_approval.msg_request_delete',
                            request=request.rec_name))
        elif mode == 'write' and external and values:
            guarded = {'completed_by', 'vetoed_by', 'number'} & set(values)
            if guarded:
                raise AccessError(gettext(
                        'regulation_base.msg_approval_field_guarded',
                        field=', '.join(sorted(guarded)),
                        document=', '.join(
                            r.rec_name for r in requests[:5])))
            hr_only = {'veto_reason', 'notice'} & set(values)
            if hr_only and not is_hr_user():
                raise AccessError(gettext(
                        'hr_approval.msg_request_hr_only',
                        field=', '.join(sorted(hr_only))))

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'completed_by', 'vetoed_by', 'veto_reason',
                'notice']:
            default.setdefault(name)
        default.setdefault('date', cls.default_date())
        return super().copy(requests, default=default)

    # Workflow

    @classmethod
    @ModelView.button
    @ApprovalWorkflowMixin.submitting('waiting')
    def submit(cls, requests):
        for request in requests:
            request.check_submit()

    def check_submit(self):
        "Refuse a request missing what its kind needs"
        if self.kind == 'dismissal' and not (self.reason or '').strip():
            raise RequestError(gettext(
                    'hr_approval.msg_request_dismissal_reason',
                    request=self.rec_name))
        if self.kind == 'recruitment' and (self.headcount or 0) <= 0:
            raise RequestError(gettext(
                    'hr_approval.msg_request_headcount',
                    request=self.rec_name))
        if (self.kind == 'transfer'
                and self.new_department == self.department):
            raise RequestError(gettext(
                    'hr_approval.msg_request_transfer_same',
                    request=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('vetoed')
    @set_employee('vetoed_by')
    def veto(cls, requests):
        "HR-3: the admin & HR office vetoes an appointment or a removal"
        for request in requests:
            if request.kind not in VETO_KINDS:
                raise RequestError(gettext(
                        'hr_approval.msg_request_veto_kind',
                        request=request.rec_name))
            if not (request.veto_reason or '').strip():
                raise RequestError(gettext(
                        'hr_approval.msg_request_veto_reason',
                        request=request.rec_name))
        cls.approval_reset(requests)

    @classmethod
    def _handover_blockers(cls, requests):
        """Return the messages of what prevents requests from completing
        their departure (HR-6).

        Modules holding company assets extend it, e.g. office_phone.
        """
        blockers = []
        for request in requests:
            for line in request.handover:
                if not line.done:
                    blockers.append(gettext(
                            'hr_approval.msg_request_handover_open',
                            request=request.rec_name, item=line.name))
        return blockers

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @set_employee('completed_by')
    def complete(cls, requests):
        """The admin & HR office files the request or issues its notice and
        the employee record follows (HR-1 … HR-8)."""
        pool = Pool()
        Date = pool.get('ir.date')
        Employee = pool.get('company.employee')
        departing = [r for r in requests
            if r.kind in {'resignation', 'dismissal'}
            and in_force('hr_approval', r.company)]
        blockers = cls._handover_blockers(departing)
        if blockers:
            raise RequestError('\n'.join(blockers))
        today = Date.today()
        to_write = []
        for request in requests:
            values = request._employee_values(
                request.effective_date or today)
            if values:
                to_write.extend(([request.subject], values))
        cls.write([r for r in requests if not r.effective_date], {
                'effective_date': today,
                })
        if to_write:
            with without_check_access():
                Employee.write(*to_write)

    def _employee_values(self, date):
        "Return the values the employee takes when the request is done"
        if self.kind == 'transfer':
            values = {'department': self.new_department.id}
            if self.new_position:
                values['position'] = self.new_position
            return values
        elif self.kind == 'appointment':
            values = {}
            if self.new_job_level:
                values['job_level'] = self.new_job_level
            if self.new_department:
                values['department'] = self.new_department.id
            if self.new_position:
                values['position'] = self.new_position
            return values
        elif self.kind in {'resignation', 'dismissal'}:
            return {'end_date': date}
        elif self.kind == 'probation':
            return {'probation_end': None}

    # Probation reminder (HR-8)

    @classmethod
    def remind_probation(cls, date=None):
        """Cron: prepare the confirmation request of the employees whose
        probation ends within the reminder period, once; return them."""
        pool = Pool()
        Employee = pool.get('company.employee')
        Parameter = pool.get('regulation.parameter')
        Calendar = pool.get('regulation.calendar.day')
        Date = pool.get('ir.date')
        today = date or Date.today()
        domain = [
            ('probation_end', '!=', None),
            ('probation_end', '>=', today),
            ]
        company_id = Transaction().context.get('company')
        if company_id is not None:
            domain.append(('company', '=', company_id))
        employees = Employee.search(domain)
        if not employees:
            return []
        asked = {r.subject.id for r in cls.search([
                    ('kind', '=', 'probation'),
                    ('subject', 'in', [e.id for e in employees]),
                    ('state', '!=', 'cancelled'),
                    ])}
        to_create = []
        for employee in employees:
            if employee.id in asked or not employee.department:
                continue
            company = employee.company
            if not in_force('hr_approval', company, today):
                continue
            days = int(Parameter.get(
                    'hr_probation_reminder_days', company, default=10))
            if Calendar.add_working_days(company, today, days) < (
                    employee.probation_end):
                continue
            to_create.append({
                    'company': company.id,
                    'kind': 'probation',
                    'date': today,
                    'employee': employee.id,
                    'subject': employee.id,
                    'department': employee.department.id,
                    'job_level': employee.job_level,
                    'position': employee.position,
                    'probation_end': employee.probation_end,
                    })
        return cls.create(to_create)


class HandoverLine(ModelSQL, ModelView):
    "Personnel Request Hand-over"
    __name__ = 'hr.request.handover'
    __string__ = "Personnel Request Hand-over"
    request = fields.Many2One(
        'hr.request', "Request", required=True, ondelete='CASCADE')
    name = fields.Char("Item", required=True)
    done = fields.Boolean("Handed Over")
    receiver = fields.Many2One('company.employee', "Received By")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('request')

    @classmethod
    def default_done(cls):
        return False
