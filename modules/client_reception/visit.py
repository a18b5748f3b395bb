# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reception requests (CR-2 … CR-7): the visit with its guests, itinerary,
logistics tasks, costs and feedback."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company import CompanyReport
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import ApprovalMixin, in_force
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import VisitError, VisitValidationError

REGULATION = 'client_reception'

STATES = [
    ('draft', "Draft"),
    ('waiting', "Waiting for Approval"),
    ('approved', "Approved"),
    ('done', "Received"),
    ('feedback', "Feedback Filed"),
    ('archived', "Archived"),
    ('cancelled', "Cancelled"),
    ]

COST_KINDS = [
    ('canteen_meal', "Canteen Meal"),
    ('outside_meal', "Meal Outside the Canteen"),
    ('drinks', "Cigarettes and Drinks"),
    ('lodging', "Lodging"),
    ('gift', "Gift"),
    ('sightseeing', "Sightseeing"),
    ('vehicle', "Vehicle"),
    ('tickets', "Tickets"),
    ('meeting', "Meeting Room"),
    ('photography', "Photography"),
    ('other', "Other"),
    ]
MEAL_KINDS = {'canteen_meal', 'outside_meal'}

TASK_KINDS = [
    ('restaurant', "Restaurant"),
    ('hotel', "Hotel"),
    ('vehicle', "Vehicle"),
    ('tickets', "Tickets"),
    ('meeting_room', "Meeting Room"),
    ('photographer', "Photographer"),
    ('other', "Other"),
    ]
MEETING_ITEMS = [
    ('fruit', "Fruit"),
    ('tea', "Tea"),
    ('projector', "Projector"),
    ('banner', "Banner"),
    ('name_cards', "Name Cards"),
    ('flowers', "Flowers"),
    ]
#: the visit requirement (Boolean field) asking for each logistics task
TASK_REQUIREMENTS = [
    ('need_restaurant', 'restaurant'),
    ('need_hotel', 'hotel'),
    ('need_vehicle', 'vehicle'),
    ('need_tickets', 'tickets'),
    ('need_meeting_room', 'meeting_room'),
    ('need_photographer', 'photographer'),
    ]

SATISFACTION = [
    (None, ""),
    ('very_satisfied', "Very Satisfied"),
    ('satisfied', "Satisfied"),
    ('neutral', "Neutral"),
    ('dissatisfied', "Dissatisfied"),
    ]

#: the fields each state lets users write (None: every field)
EDITABLE = {
    'draft': None,
    'approved': {'lead', 'tasks', 'costs', 'itinerary', 'guests'},
    'done': {'tasks', 'costs', 'feedback_satisfaction', 'feedback_summary',
        'feedback_intention', 'feedback_next_steps'},
    'feedback': {'costs', 'follow_up_employee', 'follow_up_note'},
    }
#: fields only the workflow writes
GUARDED = {'number', 'request_date', 'late', 'over_budget',
    'budget_remaining', 'itinerary_sent', 'feedback_date',
    'feedback_reminded', 'submitted_by', 'archived_by'}


def _zero():
    return Decimal(0)


class Visit(ApprovalMixin, Workflow, ModelSQL, ModelView):
    "Reception visit"
    __name__ = 'reception.visit'
    _rec_name = 'number'
    _approval_regulation = REGULATION
    _approval_material_fields = {
        'visit_class', 'arrival', 'departure', 'department', 'costs'}

    _states = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    employee = fields.Many2One(
        'company.employee', "Host", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The employee asking for the reception.")
    department = fields.Many2One(
        'company.department', "Department", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The department hosting the visitors; its budget pays.")
    party = fields.Many2One(
        'party.party', "Guest Organisation", required=True, states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    visit_class = fields.Many2One(
        'reception.class', "Class", required=True, states=_states,
        ondelete='RESTRICT',
        domain=[('company', 'in', [None, Eval('company', -1)])])
    purpose = fields.Text("Purpose", required=True, states=_states)
    arrival = fields.DateTime("Arrival", required=True, states=_states)
    departure = fields.DateTime(
        "Departure", required=True, states=_states,
        domain=[If(Eval('arrival') & Eval('departure'),
                ('departure', '>=', Eval('arrival')), ())])
    lead = fields.Many2One(
        'company.employee', "Reception Lead", required=True,
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': ~Eval('state').in_(['draft', 'approved']),
            },
        help="The employee in charge of the reception; "
        "they file the feedback.")
    guests = fields.One2Many(
        'reception.visit.guest', 'visit', "Guests",
        states={
            'readonly': ~Eval('state').in_(['draft', 'approved']),
            })
    guest_count = fields.Function(
        fields.Integer("Guests"), 'get_guest_count')
    requirements = fields.Text("Requirements", states=_states)
    need_restaurant = fields.Boolean("Restaurant", states=_states)
    need_hotel = fields.Boolean("Hotel", states=_states)
    need_vehicle = fields.Boolean("Vehicle", states=_states)
    need_tickets = fields.Boolean("Tickets", states=_states)
    need_meeting_room = fields.Boolean("Meeting Room", states=_states)
    meeting_items = fields.MultiSelection(
        MEETING_ITEMS, "Meeting Room Items",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~Eval('need_meeting_room'),
            })
    need_photographer = fields.Boolean("Photographer", states=_states)
    itinerary = fields.One2Many(
        'reception.visit.itinerary', 'visit', "Itinerary",
        states={
            'readonly': ~Eval('state').in_(['draft', 'approved']),
            })
    tasks = fields.One2Many(
        'reception.visit.task', 'visit', "Logistics",
        states={
            'readonly': ~Eval('state').in_(['approved', 'done']),
            })
    costs = fields.One2Many(
        'reception.visit.cost', 'visit', "Costs",
        states={
            'readonly': Eval('state').in_(
                ['archived', 'cancelled', 'waiting']),
            })
    estimate = fields.Function(fields.Numeric(
            "Estimate", digits=(16, 2)), 'get_amounts')
    actual = fields.Function(fields.Numeric(
            "Actual Cost", digits=(16, 2)), 'get_amounts')
    request_date = fields.Date(
        "Request Date", readonly=True,
        help="The day the request was submitted.")
    late = fields.Boolean(
        "Late Request", readonly=True,
        help="The request reached the admin & HR office later than the "
        "notice of its class (CR-2).")
    late_reason = fields.Text(
        "Reason for the Late Request", states=_states,
        help="Required to submit a late request (CR-2).")
    over_budget = fields.Boolean(
        "Over Budget", readonly=True,
        help="The estimate exceeds what remains of the department's budget "
        "for the month; the general manager approves (CR-4).")
    budget_remaining = fields.Numeric(
        "Budget Remaining", digits=(16, 2), readonly=True,
        help="What remained of the budget when the request was submitted.")
    approved = fields.Function(fields.Boolean(
            "Approved",
            help="The request went through its approval chain and is not "
            "cancelled."),
        'get_approved', searcher='search_approved')
    itinerary_sent = fields.DateTime("Itinerary Sent", readonly=True)
    feedback_due = fields.Function(fields.Date(
            "Feedback Due"), 'get_feedback_due')
    feedback_satisfaction = fields.Selection(
        SATISFACTION, "Guest Satisfaction",
        states={'readonly': Eval('state') != 'done'})
    feedback_summary = fields.Text(
        "Guest Opinions",
        states={'readonly': Eval('state') != 'done'})
    feedback_intention = fields.Text(
        "Cooperation Intention",
        states={'readonly': Eval('state') != 'done'})
    feedback_next_steps = fields.Text(
        "Next Steps",
        states={'readonly': Eval('state') != 'done'})
    feedback_date = fields.Date("Feedback Filed", readonly=True)
    feedback_reminded = fields.DateTime("Feedback Reminded", readonly=True)
    follow_up_employee = fields.Many2One(
        'company.employee', "Follow-up By",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'feedback',
            'required': Eval('state') == 'archived',
            },
        help="The salesperson the sales head assigns to follow up.")
    follow_up_note = fields.Text(
        "Follow-up Instructions",
        states={'readonly': Eval('state') != 'feedback'})
    submitted_by = employee_field(
        "Submitted By", states=['waiting', 'approved', 'done', 'feedback',
            'archived', 'cancelled'])
    archived_by = employee_field("Archived By", states=['archived'])
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.department, Index.Range()),
                    (t.arrival, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['waiting', 'approved', 'done'])),
                })
        cls._order = [('arrival', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'waiting'),
            ('waiting', 'draft'),
            ('waiting', 'approved'),
            ('approved', 'done'),
            ('done', 'feedback'),
            ('feedback', 'archived'),
            ('draft', 'cancelled'),
            ('waiting', 'cancelled'),
            ('approved', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['waiting', 'cancelled']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'waiting', 'approved']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'receive': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'file_feedback': {
                    'invisible': Eval('state') != 'done',
                    'readonly': ~Eval('feedback_summary'),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'feedback_summary'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'feedback',
                    'readonly': ~Eval('follow_up_employee'),
                    'icon': 'tryton-archive',
                    'depends': ['state', 'follow_up_employee'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_lead(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_department(cls):
        pool = Pool()
        Employee = pool.get('company.employee')
        employee = cls.default_employee()
        if employee:
            employee = Employee(employee)
            if employee.department:
                return employee.department.id

    @classmethod
    def default_late(cls):
        return False

    @classmethod
    def default_over_budget(cls):
        return False

    @fields.depends('employee', 'department', 'lead')
    def on_change_employee(self):
        if self.employee:
            if self.employee.department:
                self.department = self.employee.department
            if not self.lead:
                self.lead = self.employee

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('late', False) | Eval('over_budget', False),
                        'warning', ''))),
            ('/tree/field[@name="late"]', 'visual',
                If(Eval('late', False), 'danger', '')),
            ('/tree/field[@name="over_budget"]', 'visual',
                If(Eval('over_budget', False), 'danger', '')),
            ]

    def get_guest_count(self, name):
        return len(self.guests)

    @classmethod
    def get_amounts(cls, visits, names):
        result = {'estimate': {}, 'actual': {}}
        cent = Decimal('0.01')
        for visit in visits:
            result['estimate'][visit.id] = sum(
                (c.estimate or 0 for c in visit.costs), _zero()
                ).quantize(cent)
            result['actual'][visit.id] = sum(
                (c.amount or 0 for c in visit.costs), _zero()
                ).quantize(cent)
        return {n: result[n] for n in names}

    def get_approved(self, name):
        return self.approval_state == 'approved' and self.state in {
            'approved', 'done', 'feedback', 'archived'}

    @classmethod
    def search_approved(cls, name, clause):
        _, operator, value = clause
        domain = [
            ('approval_state', '=', 'approved'),
            ('state', 'in', ['approved', 'done', 'feedback', 'archived']),
            ]
        if (operator == '=') == bool(value):
            return domain
        return ['NOT', domain]

    def get_feedback_due(self, name):
        "The feedback is due 2 working days after the departure (CR-7)"
        pool = Pool()
        Calendar = pool.get('regulation.calendar.day')
        Parameter = pool.get('regulation.parameter')
        if not self.departure or self.state in {'draft', 'cancelled'}:
            return None
        days = int(Parameter.get(
                'reception_feedback_days', self.company,
                date=self.departure.date(), default=2))
        return Calendar.add_working_days(
            self.company, self.departure.date(), days)

    @property
    def guest_leader(self):
        "The leader of the guests (or the first guest)"
        leaders = [g for g in self.guests if g.leader] or list(self.guests)
        return leaders[0] if leaders else None

    @property
    def in_force(self):
        return in_force(REGULATION, self.company)

    # CR-2: lead time

    def notice_deadline(self):
        """Return the last day the request may be submitted on time: the
        notice of the class in working days before the arrival (CR-2)."""
        Calendar = Pool().get('regulation.calendar.day')
        arrival = self.arrival.date()
        days = self.visit_class.get_notice_days(self.company, arrival)
        if days <= 0:
            return arrival
        return Calendar.add_working_days(self.company, arrival, -days)

    def is_late(self, date):
        "Tell whether a request submitted on date is late (CR-2)"
        Calendar = Pool().get('regulation.calendar.day')
        days = self.visit_class.get_notice_days(
            self.company, self.arrival.date())
        return Calendar.count_working_days(
            self.company, date, self.arrival.date()) < days

    # CR-4: budget

    def budget_consumption(self):
        "What the visit takes from the budget: actual costs once known"
        actual = self.actual or _zero()
        return actual if any(
            c.amount is not None for c in self.costs) else (
            self.estimate or _zero())

    def get_budget_remaining(self):
        """Return what remains of the monthly budget of the department
        without this visit (CR-4)."""
        Budget = Pool().get('reception.budget')
        return Budget.remaining_for(
            self.company, self.department, self.arrival.date(),
            exclude=[self])

    # CR-3: what the approval chain depends on

    def _estimate_kinds(self):
        return {c.kind for c in self.costs if c.estimate}

    @property
    def above_standard(self):
        "Any estimated meal above the class standard (CR-1, CR-3)"
        return any(c.estimate_over_cap for c in self.costs)

    def _approval_environment(self):
        env = super()._approval_environment()
        kinds = self._estimate_kinds()
        visit_class = self.visit_class
        company_lodging = 'lodging' in kinds
        if visit_class and visit_class.lodging == 'company':
            company_lodging = False
        env.update({
                'visit_class': visit_class.code if visit_class else None,
                'sales_approval': bool(
                    visit_class and visit_class.sales_approval),
                'chairman_confirms': bool(
                    visit_class and visit_class.chairman_confirms),
                'above_standard': self.above_standard,
                'canteen_meals': 'canteen_meal' in kinds,
                'outside_meals': 'outside_meal' in kinds,
                'gifts': 'gift' in kinds,
                'sightseeing': 'sightseeing' in kinds,
                'company_lodging': company_lodging,
                'late': bool(self.late),
                'over_budget': bool(self.over_budget),
                })
        return env

    def approval_amount(self):
        return self.estimate

    # Numbering, guards

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'client_reception', 'sequence_visit'))
            values['number'] = sequence.get()
        return values

    @classmethod
    def validate_fields(cls, visits, field_names):
        super().validate_fields(visits, field_names)
        if field_names & {'arrival', 'departure'}:
            for visit in visits:
                if (visit.arrival and visit.departure
                        and visit.departure < visit.arrival):
                    raise VisitValidationError(gettext(
                            'client_reception.msg_visit_dates',
                            visit=visit.rec_name))

    @classmethod
    def check_modification(cls, mode, visits, values=None, external=False):
        super().check_modification(
            mode, visits, values=values, external=external)
        if mode == 'delete':
            for visit in visits:
                if visit.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'client_reception.msg_visit_delete',
                            visit=visit.rec_name))
        elif mode == 'write' and external and values:
            guarded = GUARDED & set(values)
            if guarded:
                raise AccessError(gettext(
                        'client_reception.msg_visit_field_guarded',
                        field=', '.join(sorted(guarded)),
                        visit=', '.join(v.rec_name for v in visits[:5])))
            for visit in visits:
                editable = EDITABLE.get(visit.state, set())
                if editable is not None and set(values) - editable:
                    raise AccessError(gettext(
                            'client_reception.msg_visit_modify',
                            visit=visit.rec_name,
                            state=visit.state_string,
                            field=', '.join(sorted(set(values) - editable))))

    @classmethod
    def on_modification(cls, mode, visits, field_names=None):
        pool = Pool()
        Cost = pool.get('reception.visit.cost')
        super().on_modification(mode, visits, field_names=field_names)
        if mode == 'write' and field_names and field_names & {
                'visit_class', 'arrival', 'company'}:
            Cost.update_caps([c for v in visits for c in v.costs])

    @classmethod
    def copy(cls, visits, default=None):
        default = default.copy() if default else {}
        for name in GUARDED | {'tasks', 'feedback_satisfaction',
                'feedback_summary', 'feedback_intention',
                'feedback_next_steps', 'follow_up_employee',
                'follow_up_note', 'late_reason'}:
            default.setdefault(name)
        default.setdefault('late', False)
        default.setdefault('over_budget', False)
        return super().copy(visits, default=default)

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, visits):
        cls.approval_reset(
            [v for v in visits if v.approval_state != 'rejected'])

    @classmethod
    def check_submit(cls, visits, date):
        "Refuse incomplete or late requests without a reason (CR-2)"
        for visit in visits:
            if not visit.guests:
                raise VisitError(gettext(
                        'client_reception.msg_visit_no_guest',
                        visit=visit.rec_name))
            if not visit.in_force:
                continue
            if visit.is_late(date) and not (visit.late_reason or '').strip():
                raise VisitError(gettext(
                        'client_reception.msg_visit_late_reason',
                        visit=visit.rec_name,
                        days=visit.visit_class.get_notice_days(
                            visit.company, visit.arrival.date()),
                        deadline=visit.notice_deadline()))

    @classmethod
    def _submit_values(cls, visits, date):
        "Flag lateness and budget on submission (CR-2, CR-4)"
        to_write = []
        for visit in visits:
            values = {'request_date': date, 'late': False,
                'over_budget': False, 'budget_remaining': None}
            if visit.in_force:
                remaining = visit.get_budget_remaining()
                values.update({
                        'late': visit.is_late(date),
                        'budget_remaining': remaining,
                        'over_budget': (visit.estimate or 0) > remaining,
                        })
            to_write.extend(([visit], values))
        return to_write

    @classmethod
    @ModelView.button
    @ApprovalMixin.submitting('waiting')
    @set_employee('submitted_by')
    def submit(cls, visits):
        Date = Pool().get('ir.date')
        today = Date.today()
        cls.check_submit(visits, today)
        to_write = cls._submit_values(visits, today)
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ApprovalMixin.required
    @Workflow.transition('approved')
    def approve(cls, visits):
        cls.create_tasks(visits)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, visits):
        cls.approval_reset([v for v in visits if v.approval_state])

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def receive(cls, visits):
        "The visit took place; the feedback is due (CR-7)"
        cls._check_host(visits)

    @classmethod
    @ModelView.button
    @Workflow.transition('feedback')
    def file_feedback(cls, visits):
        "The lead files the feedback form (CR-7)"
        Date = Pool().get('ir.date')
        cls._check_host(visits)
        for visit in visits:
            if not (visit.feedback_summary or '').strip():
                raise VisitError(gettext(
                        'client_reception.msg_visit_feedback_required',
                        visit=visit.rec_name))
        cls.write(visits, {'feedback_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    @set_employee('archived_by')
    def archive(cls, visits):
        "The sales head archives the feedback and assigns a follow-up (CR-7)"
        cls._check_sales_head(visits)
        for visit in visits:
            if not visit.follow_up_employee:
                raise VisitError(gettext(
                        'client_reception.msg_visit_follow_up_required',
                        visit=visit.rec_name))

    @classmethod
    def _check_host(cls, visits):
        """Only the host, the lead, a head of the department or a reception
        administrator moves the visit after approval."""
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        if transaction.user == 0:
            return
        user = User(transaction.user)
        if cls._is_reception_admin(user):
            return
        employees = set(user.employees)
        for visit in visits:
            if not ({visit.employee, visit.lead} & employees or any(
                        e.is_head_of(visit.department) for e in employees)):
                raise AccessError(gettext(
                        'client_reception.msg_visit_not_host',
                        visit=visit.rec_name))

    @classmethod
    def _is_reception_admin(cls, user):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        admin = Group(ModelData.get_id(
                'client_reception', 'group_reception_admin'))
        return admin in user.groups

    @classmethod
    def _check_sales_head(cls, visits):
        "Only the sales head of the company archives the feedback (CR-7)"
        pool = Pool()
        User = pool.get('res.user')
        Role = pool.get('regulation.role')
        transaction = Transaction()
        if transaction.user == 0:
            return
        user = User(transaction.user)
        employees = User.acting_employees()
        for visit in visits:
            holders = Role.holders('sales_head', visit.company)
            if not holders:
                holders = [Role.holder('sales_head', visit.company)]
            if not {h.id for h in holders} & employees:
                raise AccessError(gettext(
                        'client_reception.msg_visit_not_sales_head',
                        visit=visit.rec_name, user=user.rec_name))

    # CR-5: logistics

    @classmethod
    def create_tasks(cls, visits):
        """Create the logistics task of each requirement, owned by the
        admin & HR office, due the working day before the arrival (CR-5)."""
        pool = Pool()
        Task = pool.get('reception.visit.task')
        Role = pool.get('regulation.role')
        Calendar = pool.get('regulation.calendar.day')
        to_create = []
        for visit in visits:
            existing = {t.kind for t in visit.tasks}
            try:
                owner = Role.holder('admin_hr', visit.company)
            except Exception:
                owner = None
            due_day = Calendar.add_working_days(
                visit.company, visit.arrival.date(), -1)
            due = dt.datetime.combine(due_day, dt.time(17, 0))
            if due > visit.arrival:
                due = visit.arrival
            for field, kind in TASK_REQUIREMENTS:
                if getattr(visit, field) and kind not in existing:
                    values = {
                        'visit': visit.id,
                        'kind': kind,
                        'owner': owner.id if owner else None,
                        'due': due,
                        }
                    if kind == 'meeting_room':
                        values['items'] = list(visit.meeting_items or [])
                    to_create.append(values)
        if to_create:
            with without_check_access():
                Task.create(to_create)

    # CR-5: itinerary to the guest's leader the day before

    @classmethod
    def send_itineraries(cls, date=None):
        """Cron: e-mail the itinerary (商务考察行程安排表) to the leader of
        the guests of the approved visits arriving the next day (CR-5)."""
        pool = Pool()
        Date = pool.get('ir.date')
        Email = pool.get('ir.email')
        ModelData = pool.get('ir.model.data')
        date = date or Date.today()
        tomorrow = date + dt.timedelta(days=1)
        domain = [
            ('state', '=', 'approved'),
            ('itinerary_sent', '=', None),
            ('arrival', '>=', dt.datetime.combine(tomorrow, dt.time())),
            ('arrival', '<', dt.datetime.combine(
                    tomorrow + dt.timedelta(days=1), dt.time())),
            ]
        company = Transaction().context.get('company')
        if company is not None:
            domain.append(('company', '=', company))
        report_id = ModelData.get_id('client_reception', 'report_itinerary')
        sent = []
        for visit in cls.search(domain):
            leader = visit.guest_leader
            if not leader or not leader.email:
                continue
            Email.send(
                to=leader.email_address,
                subject=gettext(
                    'client_reception.msg_itinerary_subject',
                    company=visit.company.rec_name,
                    visit=visit.rec_name),
                body=gettext(
                    'client_reception.msg_itinerary_body',
                    leader=leader.name,
                    arrival=visit.arrival.strftime('%Y-%m-%d %H:%M'),
                    company=visit.company.rec_name),
                record=(cls.__name__, visit.id),
                reports=[report_id])
            sent.append(visit)
        if sent:
            cls.write(sent, {'itinerary_sent': dt.datetime.now()})
        return sent

    # CR-7: feedback reminders

    @classmethod
    def remind_feedback(cls, date=None):
        """Cron: remind the lead whose feedback form is due (CR-7).

        Return the visits reminded."""
        pool = Pool()
        Date = pool.get('ir.date')
        Email = pool.get('ir.email')
        date = date or Date.today()
        domain = [
            ('state', 'in', ['approved', 'done']),
            ('feedback_reminded', '=', None),
            ('departure', '<', dt.datetime.combine(date, dt.time())),
            ]
        company = Transaction().context.get('company')
        if company is not None:
            domain.append(('company', '=', company))
        due = []
        for visit in cls.search(domain):
            if not visit.in_force:
                continue
            if visit.feedback_due and visit.feedback_due <= date:
                due.append(visit)
        for visit in due:
            email = visit.lead.party.email if visit.lead else None
            if email:
                Email.send(
                    to=email,
                    subject=gettext(
                        'client_reception.msg_feedback_reminder_subject',
                        visit=visit.rec_name),
                    body=gettext(
                        'client_reception.msg_feedback_reminder_body',
                        visit=visit.rec_name,
                        party=visit.party.rec_name,
                        due=visit.feedback_due),
                    record=(cls.__name__, visit.id))
        if due:
            cls.write(due, {'feedback_reminded': dt.datetime.now()})
        return due


class Guest(ModelSQL, ModelView):
    "Reception guest"
    __name__ = 'reception.visit.guest'
    visit = fields.Many2One(
        'reception.visit', "Visit", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    title = fields.Char("Title")
    gender = fields.Selection([
            (None, ""),
            ('male', "Male"),
            ('female', "Female"),
            ], "Gender")
    leader = fields.Boolean(
        "Leader", help="The leader of the guests receives the itinerary.")
    phone = fields.Char("Phone")
    email = fields.Char("E-Mail")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('visit')

    @property
    def email_address(self):
        from email.utils import formataddr
        return formataddr((self.name, self.email))


class Itinerary(ModelSQL, ModelView):
    "Itinerary line"
    __name__ = 'reception.visit.itinerary'
    visit = fields.Many2One(
        'reception.visit', "Visit", required=True, ondelete='CASCADE')
    start = fields.DateTime("Start", required=True)
    end = fields.DateTime(
        "End",
        domain=[If(Eval('start') & Eval('end'),
                ('end', '>=', Eval('start')), ())])
    activity = fields.Char("Activity", required=True)
    location = fields.Char("Location")
    accompanied_by = fields.Char("Accompanied By")
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('visit')
        cls._order = [('start', 'ASC'), ('id', 'ASC')]


class Task(ModelSQL, ModelView):
    "Logistics task"
    __name__ = 'reception.visit.task'
    visit = fields.Many2One(
        'reception.visit', "Visit", required=True, ondelete='CASCADE')
    kind = fields.Selection(TASK_KINDS, "Kind", required=True, sort=False)
    description = fields.Char("Description")
    items = fields.MultiSelection(
        MEETING_ITEMS, "Items",
        states={'invisible': Eval('kind') != 'meeting_room'})
    owner = fields.Many2One(
        'company.employee', "Owner", required=True,
        help="Who books or prepares it (admin & HR office).")
    due = fields.DateTime("Due", required=True)
    done = fields.Boolean("Done")
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('visit')
        cls._order = [('due', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_done(cls):
        return False

    def get_overdue(self, name):
        return bool(not self.done and self.due
            and self.due < dt.datetime.now())

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('done', False), 'muted',
                    If(Eval('overdue', False), 'danger', ''))),
            ]


class Cost(ModelSQL, ModelView):
    "Reception cost"
    __name__ = 'reception.visit.cost'
    visit = fields.Many2One(
        'reception.visit', "Visit", required=True, ondelete='CASCADE')
    kind = fields.Selection(
        COST_KINDS, "Kind", required=True, sort=False,
        states={
            'readonly': Eval('visit_state', 'draft') != 'draft',
            })
    description = fields.Char("Description")
    date = fields.Date("Date")
    persons = fields.Integer(
        "Persons",
        states={
            'required': Eval('kind').in_(list(MEAL_KINDS)),
            'invisible': ~Eval('kind').in_(list(MEAL_KINDS)),
            },
        help="Everybody at the table, guests and hosts.")
    estimate = fields.Numeric(
        "Estimate", digits=(16, 2),
        states={
            'readonly': Eval('visit_state', 'draft') != 'draft',
            })
    amount = fields.Numeric(
        "Actual Amount", digits=(16, 2),
        states={
            'readonly': Eval('visit_state', 'draft').in_(
                ['archived', 'cancelled']),
            })
    estimate_per_person = fields.Function(fields.Numeric(
            "Estimate per Person", digits=(16, 2)), 'get_per_person')
    amount_per_person = fields.Function(fields.Numeric(
            "Actual per Person", digits=(16, 2)), 'get_per_person')
    cap = fields.Numeric(
        "Cap per Person", digits=(16, 2), readonly=True,
        help="The meal cap of the visitor class when the cost was "
        "recorded (CR-6).")
    over_cap = fields.Boolean(
        "Over Cap", readonly=True,
        help="The actual meal cost per person exceeds the class cap, or the "
        "class allows only staff meals (CR-6).")
    estimate_over_cap = fields.Function(fields.Boolean(
            "Estimate Above Standard"), 'get_estimate_over_cap')
    unapproved = fields.Function(fields.Boolean(
            "Without Approved Request",
            help="An actual cost on a visit whose request was never "
            "approved (CR-3)."),
        'get_unapproved', searcher='search_unapproved')
    visit_state = fields.Function(fields.Selection(
            STATES, "Visit State"), 'on_change_with_visit_state')
    company = fields.Function(fields.Many2One(
            'company.company', "Company"), 'get_visit_field',
        searcher='search_visit_field')
    department = fields.Function(fields.Many2One(
            'company.department', "Department"), 'get_visit_field',
        searcher='search_visit_field')
    visit_class = fields.Function(fields.Many2One(
            'reception.class', "Class"), 'get_visit_field',
        searcher='search_visit_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('visit')
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.visit, Index.Range()),
                where=t.over_cap == True))  # noqa: E712

    @classmethod
    def default_over_cap(cls):
        return False

    @fields.depends('visit', '_parent_visit.state')
    def on_change_with_visit_state(self, name=None):
        if self.visit:
            return self.visit.state

    @fields.depends('kind', 'visit', '_parent_visit.guests')
    def on_change_kind(self):
        if self.kind in MEAL_KINDS and self.visit and not getattr(
                self, 'persons', None):
            self.persons = len(self.visit.guests or []) + 1

    def get_visit_field(self, name):
        value = getattr(self.visit, name)
        return value.id if value else None

    @classmethod
    def search_visit_field(cls, name, clause):
        return [('visit.' + clause[0],) + tuple(clause[1:])]

    def get_per_person(self, name):
        value = self.estimate if name == 'estimate_per_person' else (
            self.amount)
        if (self.kind in MEAL_KINDS and value is not None
                and self.persons):
            return (value / self.persons).quantize(Decimal('0.01'))

    def _over(self, value):
        "Tell whether a meal of value is above the class standard"
        visit = self.visit
        if (self.kind not in MEAL_KINDS or value is None
                or not visit.visit_class or not visit.in_force):
            return False
        visit_class = visit.visit_class
        if visit_class.meals == 'staff':
            return self.kind == 'outside_meal'
        cap = visit_class.get_meal_cap(
            visit.company, visit.arrival.date() if visit.arrival else None)
        if cap is None or not self.persons:
            return False
        return value > cap * self.persons

    def get_estimate_over_cap(self, name):
        return self._over(self.estimate)

    def get_unapproved(self, name):
        return bool(self.amount is not None and self.visit.in_force
            and self.visit.approval_state != 'approved')

    @classmethod
    def search_unapproved(cls, name, clause):
        _, operator, value = clause
        domain = [
            ('amount', '!=', None),
            ['OR',
                ('visit.approval_state', '=', None),
                ('visit.approval_state', '!=', 'approved'),
                ],
            ]
        if (operator == '=') == bool(value):
            return domain
        return ['NOT', domain]

    @classmethod
    def update_caps(cls, costs):
        """Store the cap per person and the over-cap flag of costs (CR-6)"""
        for sub_costs in grouped_slice(costs, 500):
            to_write = {}
            for cost in cls.browse(sub_costs):
                cap = None
                visit = cost.visit
                if (cost.kind in MEAL_KINDS and visit.visit_class
                        and visit.in_force):
                    cap = visit.visit_class.get_meal_cap(
                        visit.company, visit.arrival.date())
                over = cost._over(cost.amount)
                if (cost.cap, bool(cost.over_cap)) != (cap, over):
                    to_write.setdefault((cap, over), []).append(cost)
            args = []
            for (cap, over), records in to_write.items():
                args.extend((records, {'cap': cap, 'over_cap': over}))
            if args:
                with without_check_access(), Transaction().set_context(
                        _reception_caps=True):
                    cls.write(*args)

    @classmethod
    def check_modification(cls, mode, costs, values=None, external=False):
        super().check_modification(
            mode, costs, values=values, external=external)
        if not external:
            return
        if mode == 'write' and values and {'cap', 'over_cap'} & set(values):
            raise AccessError(gettext(
                    'client_reception.msg_cost_field_guarded',
                    cost=', '.join(c.rec_name for c in costs[:5])))
        for cost in costs:
            state = cost.visit.state
            if state in {'archived', 'cancelled', 'waiting'}:
                raise AccessError(gettext(
                        'client_reception.msg_cost_modify',
                        cost=cost.rec_name, visit=cost.visit.rec_name))
            if state != 'draft':
                if mode == 'delete' and cost.estimate:
                    raise AccessError(gettext(
                            'client_reception.msg_cost_estimate',
                            cost=cost.rec_name, visit=cost.visit.rec_name))
                changed = set(values or {}) & {'estimate', 'kind'}
                if mode == 'create' and cost.estimate:
                    changed.add('estimate')
                if changed:
                    raise AccessError(gettext(
                            'client_reception.msg_cost_estimate',
                            cost=cost.rec_name, visit=cost.visit.rec_name))

    @classmethod
    def validate_fields(cls, costs, field_names):
        super().validate_fields(costs, field_names)
        for cost in costs:
            for name in ['estimate', 'amount']:
                value = getattr(cost, name)
                if value is not None and value < 0:
                    raise VisitValidationError(gettext(
                            'client_reception.msg_cost_negative',
                            cost=cost.rec_name,
                            visit=cost.visit.rec_name))
            if (cost.kind in MEAL_KINDS and cost.persons is not None
                    and cost.persons <= 0):
                raise VisitValidationError(gettext(
                        'client_reception.msg_cost_persons',
                        cost=cost.rec_name, visit=cost.visit.rec_name))

    @classmethod
    def on_modification(cls, mode, costs, field_names=None):
        super().on_modification(mode, costs, field_names=field_names)
        if Transaction().context.get('_reception_caps'):
            return
        if mode in {'create', 'write'}:
            cls.update_caps(costs)

    def get_rec_name(self, name):
        kinds = dict(COST_KINDS)
        return '%s %s' % (
            kinds.get(self.kind, ''), self.description or '')


class ItineraryReport(CompanyReport):
    "商务考察行程安排表 (CR-5)"
    __name__ = 'reception.visit.itinerary.report'
