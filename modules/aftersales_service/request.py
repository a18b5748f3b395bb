# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Service requests, dispatches, surveys and training (AS-1 … AS-6, AS-10)."""
import datetime as dt
import logging
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import in_force
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import PartApprovalError, ServiceError
from .tools import REGULATION, hours, parameter, percent, send_mail

logger = logging.getLogger(__name__)

CHANNELS = [
    ('phone', "Phone"),
    ('email', "E-mail"),
    ('letter', "Letter"),
    ('fax', "Fax"),
    ('visit', "Visit"),
    ]
KINDS = [
    ('repair', "Repair"),
    ('installation', "Installation and Commissioning"),
    ('maintenance', "Maintenance"),
    ('support', "Technical Support"),
    ('inquiry', "Inquiry"),
    ('complaint', "Complaint"),
    ('return', "Return"),
    ]
CAUSES = [
    (None, ""),
    ('manufacture', "Manufacture"),
    ('assembly', "Assembly"),
    ('material', "Material"),
    ('misuse', "Misuse"),
    ('wear', "Wear"),
    ('other', "Other"),
    ]
#: the defects repaired free in warranty (AS-2)
WARRANTY_CAUSES = {'manufacture', 'assembly', 'material'}
OPEN_STATES = ['draft', 'open', 'quoted', 'accepted', 'in_progress']


def _now():
    return dt.datetime.now().replace(microsecond=0)


class Request(Workflow, ModelSQL, ModelView):
    "After-sales service request"
    __name__ = 'aftersales.request'
    _rec_name = 'number'
    _states = {'readonly': ~Eval('state').in_(['draft', 'open'])}

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={'readonly': Eval('state') != 'draft'})
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, sort=False, states=_states,
        help="How the request came in (AS-1).")
    received = fields.DateTime(
        "Received", required=True, states={
            'readonly': Eval('state') != 'draft'})
    customer = fields.Many2One(
        'party.party', "Customer", required=True, states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    contact = fields.Char("Contact", states=_states)
    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False, states=_states)
    kind_string = kind.translated('kind')
    urgency = fields.Selection([
            ('normal', "Normal"),
            ('urgent', "Urgent"),
            ], "Urgency", required=True, sort=False, states=_states)
    priority = fields.Integer(
        "Priority", readonly=True,
        help="From the urgency and the key-account tier (AS-11).")
    product = fields.Many2One(
        'product.product', "Product", states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    serial = fields.Char("Serial Number", states=_states)
    sale = fields.Many2One(
        'sale.sale', "Sale or Contract", states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Eval('customer'), ('party', '=', Eval('customer', -1)), ()),
            ])
    description = fields.Text("Description", states=_states)
    fault = fields.Char(
        "Fault Code", states=_states,
        help="The same fault code on the same serial repaired again within "
        "the window is a repeat repair (AS-6).")
    cause = fields.Selection(
        CAUSES, "Cause", sort=False, states={
            'readonly': ~Eval('state').in_(OPEN_STATES)})
    delivery_date = fields.Date(
        "Delivery Date", states=_states,
        help="Filled from the sale's shipments when empty.")
    warranty_months = fields.Integer(
        "Warranty (Months)", states=_states,
        help="From the contract, else the product, else the parameter.")
    warranty_end = fields.Function(
        fields.Date("Warranty End"), 'on_change_with_warranty_end')
    warranty = fields.Selection([
            (None, ""),
            ('in', "In Warranty"),
            ('out', "Out of Warranty"),
            ], "Warranty", readonly=True)
    warranty_string = warranty.translated('warranty')
    chargeable = fields.Boolean(
        "Chargeable", readonly=True,
        help="Out of warranty or not a covered defect: a quotation must be "
        "accepted before work starts (AS-2).")
    quotation_parts = fields.Numeric(
        "Quoted Parts", digits=(16, 2), states={
            'readonly': ~Eval('state').in_(['open']),
            'invisible': ~Eval('chargeable'),
            })
    quotation_travel = fields.Numeric(
        "Quoted Travel", digits=(16, 2), states={
            'readonly': ~Eval('state').in_(['open']),
            'invisible': ~Eval('chargeable'),
            })
    quotation_amount = fields.Function(
        fields.Numeric("Quotation", digits=(16, 2)),
        'on_change_with_quotation_amount')
    required_on_site = fields.DateTime(
        "Required On Site", states=_states,
        help="The customer's required arrival time (AS-3).")
    installation_deadline = fields.Date(
        "Installation Deadline", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'installation',
            },
        help="From the contract (AS-10).")
    full_check = fields.Boolean(
        "Full Check", readonly=True,
        help="The full check of the contract's last month (AS-10).")
    parts_urgent = fields.Boolean("Urgent Spare Parts", states=_states)
    parts_requested = fields.DateTime(
        "Parts Requested", states={
            'readonly': ~Eval('state').in_(OPEN_STATES)})
    parts_delivered = fields.DateTime(
        "Parts Delivered", states={
            'readonly': ~Eval('state').in_(OPEN_STATES)})
    # SLA clocks (AS-3)
    answer_deadline = fields.DateTime("Answer Deadline", readonly=True)
    answered = fields.DateTime("Answered", readonly=True)
    quotation_deadline = fields.DateTime("Quotation Deadline", readonly=True)
    quoted = fields.DateTime("Quoted", readonly=True)
    accepted = fields.DateTime("Quotation Accepted", readonly=True)
    accepted_by = fields.Char(
        "Accepted By (Customer)", states={
            'readonly': Eval('state') != 'quoted',
            'invisible': ~Eval('chargeable'),
            })
    parts_deadline = fields.Function(
        fields.DateTime("Parts Deadline"), 'get_parts_deadline')
    arrived = fields.Function(
        fields.DateTime("Arrived On Site"), 'get_arrived')
    finished = fields.DateTime("Finished", readonly=True)
    breaches = fields.Function(
        fields.Char("SLA Breaches"), 'get_breaches')
    breached = fields.Boolean(
        "SLA Breached", readonly=True,
        help="Flagged by the SLA check (AS-3).")
    escalated = fields.DateTime("Escalated", readonly=True)
    on_time = fields.Function(
        fields.Boolean("On Time"), 'get_on_time')
    dispatches = fields.One2Many(
        'aftersales.dispatch', 'request', "Dispatches",
        states={'readonly': ~Eval('state').in_(OPEN_STATES + ['done'])})
    trainings = fields.One2Many(
        'aftersales.training', 'request', "Trainings",
        states={'readonly': ~Eval('state').in_(OPEN_STATES + ['done'])})
    surveys = fields.One2Many(
        'aftersales.survey', 'request', "Surveys",
        states={'readonly': Eval('state').in_(['closed', 'cancelled'])})
    report_summary = fields.Text(
        "Service Report", states={
            'readonly': ~Eval('state').in_(['in_progress', 'done']),
            },
        help="售后服务报告单: the work done, as the customer confirms it.")
    report_confirmed_by = fields.Char(
        "Report Confirmed By (Customer)", states={
            'readonly': Eval('state') != 'done',
            })
    report_confirmed = fields.Date("Report Confirmed", readonly=True)
    repeat_of = fields.Many2One(
        'aftersales.request', "Repeat Of", readonly=True)
    repeat = fields.Function(
        fields.Boolean("Repeat Repair"), 'on_change_with_repeat')
    complaint = fields.Many2One(
        'sale.complaint', "Quality Complaint", readonly=True)
    registered_by = employee_field("Registered By")
    technician_signed_by = employee_field(
        "Signed By (Company)", states=['done', 'closed'])
    state = fields.Selection([
            ('draft', "Registered"),
            ('open', "Answered"),
            ('quoted', "Quoted"),
            ('accepted', "Quotation Accepted"),
            ('in_progress', "In Progress"),
            ('done', "Done"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        cls.serial.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.product, Index.Range()),
                    (t.serial, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.sale, Index.Range())),
                })
        cls._order = [('received', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'quoted'),
            ('quoted', 'accepted'),
            ('open', 'in_progress'),
            ('accepted', 'in_progress'),
            ('in_progress', 'done'),
            ('done', 'closed'),
            ('draft', 'cancelled'),
            ('open', 'cancelled'),
            ('quoted', 'cancelled'),
            }
        cls._buttons.update({
                'answer': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'quote': {
                    'invisible': ((Eval('state') != 'open')
                        | ~Eval('chargeable')),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'chargeable'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'quoted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': ~Eval('state').in_(['open', 'accepted']),
                    'readonly': ((Eval('state') == 'open')
                        & Eval('chargeable', False)),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'chargeable'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'in_progress',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'confirm_report': {
                    'invisible': ((Eval('state') != 'done')
                        | Bool(Eval('report_confirmed'))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'report_confirmed'],
                    },
                'close': {
                    'invisible': Eval('state') != 'done',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'open', 'quoted']),
                    'icon': 'tryton-cancel',
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
    def default_channel(cls):
        return 'phone'

    @classmethod
    def default_kind(cls):
        return 'repair'

    @classmethod
    def default_urgency(cls):
        return 'normal'

    @classmethod
    def default_received(cls):
        return _now()

    @classmethod
    def default_priority(cls):
        return 0

    @classmethod
    def default_parts_urgent(cls):
        return False

    @classmethod
    def default_breached(cls):
        return False

    @classmethod
    def default_full_check(cls):
        return False

    @classmethod
    def default_chargeable(cls):
        return False

    @fields.depends('sale', 'customer')
    def on_change_sale(self):
        if self.sale:
            self.customer = self.sale.party
            if getattr(self.sale, 'installation_deadline', None):
                self.installation_deadline = self.sale.installation_deadline

    @fields.depends('delivery_date', 'warranty_months')
    def on_change_with_warranty_end(self, name=None):
        if self.delivery_date and self.warranty_months is not None:
            return self.delivery_date + relativedelta(
                months=self.warranty_months)

    @fields.depends('quotation_parts', 'quotation_travel')
    def on_change_with_quotation_amount(self, name=None):
        return (self.quotation_parts or Decimal(0)) + (
            self.quotation_travel or Decimal(0))

    @fields.depends('repeat_of')
    def on_change_with_repeat(self, name=None):
        return bool(self.repeat_of)

    def get_rec_name(self, name):
        return '%s %s' % (self.number or '', self.customer.rec_name
            if self.customer else '')

    @classmethod
    def search_rec_name(cls, name, clause):
        operator = 'ilike' if clause[1].startswith('!') else clause[1]
        bool_op = 'AND' if clause[1].startswith('!') else 'OR'
        return [bool_op,
            ('number', operator, *clause[2:]),
            ('serial', operator, *clause[2:]),
            ('customer.rec_name', *clause[1:]),
            ]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('breached', False), 'danger', ''))),
            ]

    # Numbering and guards

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'aftersales_service', 'sequence_request'))
            values['number'] = sequence.get()
        if mode == 'create' and not values.get('registered_by'):
            User = pool.get('res.user')
            user = User(Transaction().user)
            if user.employee:
                values['registered_by'] = user.employee.id
        return values

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'delete':
            for request in requests:
                if request.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'aftersales_service.msg_request_delete',
                            request=request.rec_name))
        if mode == 'write' and external and values:
            guarded = {'state', 'answered', 'quoted', 'accepted', 'finished',
                'report_confirmed', 'warranty', 'chargeable', 'priority',
                'breached', 'escalated', 'repeat_of', 'complaint',
                'answer_deadline', 'quotation_deadline', 'full_check',
                'registered_by', 'technician_signed_by'}
            if guarded & set(values):
                raise AccessError(gettext(
                        'aftersales_service.msg_request_workflow_field',
                        field=', '.join(sorted(guarded & set(values)))))

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'answered', 'quoted', 'accepted', 'finished',
                'report_confirmed', 'report_confirmed_by', 'repeat_of',
                'complaint', 'escalated', 'registered_by',
                'technician_signed_by', 'answer_deadline',
                'quotation_deadline']:
            default.setdefault(name, None)
        default.setdefault('dispatches', None)
        default.setdefault('surveys', None)
        default.setdefault('trainings', None)
        default.setdefault('breached', False)
        return super().copy(requests, default=default)

    # Warranty (AS-2)

    def compute_delivery_date(self):
        "Return the delivery date: the entered one or the sale's shipments"
        if self.delivery_date:
            return self.delivery_date
        if self.sale:
            dates = [s.effective_date for s in getattr(
                    self.sale, 'shipments', []) if s.effective_date]
            if dates:
                return max(dates)
            return self.sale.sale_date

    def compute_warranty_months(self):
        if self.warranty_months is not None:
            return self.warranty_months
        if self.sale and self.sale.warranty_months is not None:
            return self.sale.warranty_months
        if (self.product
                and self.product.template.warranty_months is not None):
            return self.product.template.warranty_months
        return int(parameter('warranty_months', self.company, 12))

    def compute_warranty(self):
        "Return (delivery date, months, 'in'|'out'|None, chargeable)"
        delivery = self.compute_delivery_date()
        months = self.compute_warranty_months()
        if not delivery:
            warranty = None
        else:
            end = delivery + relativedelta(months=months)
            warranty = 'in' if self.received.date() <= end else 'out'
        if self.kind in {'repair', 'return'}:
            chargeable = warranty != 'in' or (
                self.cause is not None and self.cause not in WARRANTY_CAUSES)
        else:
            chargeable = False
        return delivery, months, warranty, chargeable

    @classmethod
    def set_warranty(cls, requests):
        to_save = []
        for request in requests:
            delivery, months, warranty, chargeable = request.compute_warranty()
            if not in_force(REGULATION, request.company):
                chargeable = False
            request.delivery_date = delivery
            request.warranty_months = months
            request.warranty = warranty
            request.chargeable = chargeable
            to_save.append(request)
        cls.save(to_save)

    # SLA clocks (AS-3)

    def compute_deadlines(self):
        "Return the answer and quotation deadlines in working hours"
        CalendarDay = Pool().get('regulation.calendar.day')
        answer = CalendarDay.add_working_hours(
            self.company, self.received,
            hours('answer_hours', self.company, 24))
        quotation = None
        if self.chargeable:
            if self.urgency == 'urgent':
                quotation_hours = hours(
                    'urgent_quotation_hours', self.company, 8)
            else:
                quotation_hours = hours('quotation_hours', self.company, 48)
            quotation = CalendarDay.add_working_hours(
                self.company, self.received, quotation_hours)
        return answer, quotation

    def get_parts_deadline(self, name):
        "Urgent regular spare parts are due 6 hours after the request"
        if self.parts_urgent and self.parts_requested:
            return self.parts_requested + dt.timedelta(
                hours=hours('urgent_parts_hours', self.company, 6))

    def get_arrived(self, name):
        arrivals = [d.arrived for d in self.dispatches
            if d.arrived and d.state != 'cancelled']
        return min(arrivals) if arrivals else None

    def sla_breaches(self, now=None):
        "Return the names of the clocks breached at now"
        if not in_force(REGULATION, self.company):
            return []
        now = now or _now()
        breaches = []

        def late(deadline, event):
            return bool(deadline) and (event or now) > deadline
        if late(self.answer_deadline, self.answered):
            breaches.append('answer')
        if self.chargeable and late(self.quotation_deadline, self.quoted):
            breaches.append('quotation')
        if late(self.required_on_site, self.arrived):
            breaches.append('on_site')
        if late(self.parts_deadline, self.parts_delivered):
            breaches.append('parts')
        if (self.kind == 'installation' and self.installation_deadline
                and late(dt.datetime.combine(
                        self.installation_deadline, dt.time.max),
                    self.finished)):
            breaches.append('installation')
        return breaches

    def get_breaches(self, name):
        if self.state == 'cancelled':
            return ''
        return ', '.join(self.sla_breaches())

    def get_on_time(self, name):
        if self.state == 'cancelled':
            return None
        return not self.sla_breaches()

    @classmethod
    def check_sla(cls, now=None):
        "Flag the breached requests and escalate them by e-mail (AS-3)"
        context = Transaction().context
        domain = [('state', 'in', OPEN_STATES), ('breached', '=', False)]
        if context.get('company'):
            domain.append(('company', '=', context['company']))
        flagged = []
        for sub in grouped_slice(cls.search(domain, order=[('id', 'ASC')])):
            sub = list(sub)
            for request in sub:
                if request.sla_breaches(now=now):
                    flagged.append(request)
        if not flagged:
            return []
        cls.write(flagged, {'breached': True, 'escalated': now or _now()})
        for request in flagged:
            request._escalate()
        return flagged

    def escalation_recipients(self):
        "The head of the desk's department, else the general manager"
        pool = Pool()
        Role = pool.get('regulation.role')
        employee = self.registered_by
        if employee and employee.department:
            head = employee.department.get_head(exclude=employee)
            if head:
                return [head]
        return Role.holders('general_manager', self.company)

    def _escalate(self):
        recipients = self.escalation_recipients()
        send_mail(
            [e.party for e in recipients],
            gettext('aftersales_service.msg_sla_escalation_subject',
                request=self.rec_name),
            gettext('aftersales_service.msg_sla_escalation_body',
                request=self.rec_name,
                breaches=', '.join(self.sla_breaches())))

    @classmethod
    def on_time_rate(cls, company, start, end):
        """Return (on time, total, rate %, target %) of the requests received
        from start to end (AS-3)"""
        requests = cls.search([
                ('company', '=', int(company)),
                ('state', 'not in', ['draft', 'cancelled']),
                ('received', '>=', dt.datetime.combine(start, dt.time.min)),
                ('received', '<=', dt.datetime.combine(end, dt.time.max)),
                ], order=[('id', 'ASC')])
        on_time = total = 0
        for sub in grouped_slice(requests):
            for request in sub:
                total += 1
                on_time += bool(request.on_time)
        return (on_time, total, percent(on_time, total),
            parameter('on_time_target', company, 95))

    # Priority and progress e-mails (AS-11)

    def compute_priority(self):
        return 1 if self.urgency == 'urgent' else 0

    @classmethod
    def notify_progress(cls, requests, stage):
        "Hook: e-mail the progress to the customer (key_account extends it)"
        pass

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def answer(cls, requests):
        "Answer the customer: warranty and SLA clocks start (AS-2, AS-3)"
        cls.set_warranty(requests)
        now = _now()
        for request in requests:
            answer_deadline, quotation_deadline = request.compute_deadlines()
            request.answer_deadline = answer_deadline
            request.quotation_deadline = quotation_deadline
            request.answered = now
            request.priority = request.compute_priority()
        cls.save(requests)
        cls.notify_progress(requests, 'answer')

    @classmethod
    @ModelView.button
    @Workflow.transition('quoted')
    def quote(cls, requests):
        "Send the out-of-warranty quotation: parts and travel (AS-2)"
        for request in requests:
            if not request.quotation_amount:
                raise ServiceError(gettext(
                        'aftersales_service.msg_request_quotation_amount',
                        request=request.rec_name))
        cls.write(requests, {'quoted': _now()})
        cls.notify_progress(requests, 'quote')

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, requests):
        "Record the customer's acceptance of the quotation (AS-2)"
        for request in requests:
            if not (request.accepted_by or '').strip():
                raise ServiceError(gettext(
                        'aftersales_service.msg_request_accepted_by',
                        request=request.rec_name))
        cls.write(requests, {'accepted': _now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, requests):
        "Start the work: a chargeable request needs an accepted quotation"
        for request in requests:
            if (request.chargeable and not request.accepted
                    and in_force(REGULATION, request.company)):
                raise ServiceError(gettext(
                        'aftersales_service.msg_request_quotation_required',
                        request=request.rec_name))
        cls.notify_progress(requests, 'start')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @set_employee('technician_signed_by')
    def finish(cls, requests):
        "Finish the work: a dispatch done, training for installations"
        for request in requests:
            if not in_force(REGULATION, request.company):
                continue
            if request.kind in {'repair', 'installation', 'maintenance'}:
                if not any(d.state == 'done' for d in request.dispatches):
                    raise ServiceError(gettext(
                            'aftersales_service.msg_request_no_dispatch',
                            request=request.rec_name))
            if request.kind == 'installation' and not request.trainings:
                raise ServiceError(gettext(
                        'aftersales_service.msg_request_no_training',
                        request=request.rec_name))
        cls.write(requests, {'finished': _now()})
        cls.flag_repeats(requests)
        cls.notify_progress(requests, 'finish')

    @classmethod
    @ModelView.button
    def confirm_report(cls, requests):
        "Record the customer's confirmation of the service report (AS-5)"
        for request in requests:
            if (not (request.report_confirmed_by or '').strip()
                    or not (request.report_summary or '').strip()):
                raise ServiceError(gettext(
                        'aftersales_service.msg_request_report_confirmation',
                        request=request.rec_name))
        today = Pool().get('ir.date').today()
        cls.write(requests, {'report_confirmed': today})

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, requests):
        "Close: the confirmed service report and a survey are required (AS-5)"
        for request in requests:
            if not in_force(REGULATION, request.company):
                continue
            if not request.report_confirmed:
                raise ServiceError(gettext(
                        'aftersales_service.msg_request_close_report',
                        request=request.rec_name))
            if not request.surveys:
                raise ServiceError(gettext(
                        'aftersales_service.msg_request_close_survey',
                        request=request.rec_name))
        cls.notify_progress(requests, 'close')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        pass

    # Repeat repairs (AS-6)

    def find_repeat_of(self):
        "Return the earlier repair of the same fault on the same serial"
        if (self.kind != 'repair' or not self.product or not self.serial
                or not self.fault):
            return None
        days = int(parameter('repeat_days', self.company, 90))
        since = (self.finished or _now()) - dt.timedelta(days=days)
        earlier = self.search([
                ('id', '!=', self.id),
                ('company', '=', self.company.id),
                ('kind', '=', 'repair'),
                ('product', '=', self.product.id),
                ('serial', '=', self.serial),
                ('fault', '=', self.fault),
                ('state', 'in', ['done', 'closed']),
                ('finished', '>=', since),
                ], order=[('finished', 'DESC')], limit=1)
        return earlier[0] if earlier else None

    @classmethod
    def flag_repeats(cls, requests):
        "Flag repeat repairs and open a quality complaint for each (AS-6)"
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        ModelData = pool.get('ir.model.data')
        complaints = []
        flagged = []
        for request in requests:
            if not in_force(REGULATION, request.company):
                continue
            earlier = request.find_repeat_of()
            if not earlier:
                continue
            request.repeat_of = earlier
            flagged.append(request)
            complaints.append(Complaint(
                    company=request.company,
                    customer=request.customer,
                    type=ModelData.get_id(
                        'aftersales_service', 'complaint_type_service'),
                    origin=request,
                    quality=True,
                    responsibility='undetermined',
                    description=gettext(
                        'aftersales_service.msg_repeat_repair_description',
                        request=request.rec_name, earlier=earlier.rec_name,
                        serial=request.serial, fault=request.fault)))
        if complaints:
            Complaint.save(complaints)
            for request, complaint in zip(flagged, complaints):
                request.complaint = complaint
            cls.save(flagged)
        return flagged

    # Periodic maintenance (AS-10)

    @classmethod
    def generate_maintenance(cls, date=None):
        """Create the periodic maintenance visits due within the lead time
        and the full check of the contract's last month (AS-10)"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Date = pool.get('ir.date')
        date = date or Date.today()
        context = Transaction().context
        domain = [
            ('state', 'in', ['confirmed', 'processing', 'done']),
            ('maintenance_months', '>', 0),
            ('service_end', '>=', date),
            ]
        if context.get('company'):
            domain.append(('company', '=', context['company']))
        created = []
        for sub in grouped_slice(Sale.search(domain, order=[('id', 'ASC')])):
            for sale in sub:
                if not in_force(REGULATION, sale.company, date):
                    continue
                created.extend(cls._maintenance_for(sale, date))
        if created:
            cls.save(created)
        return created

    @classmethod
    def _maintenance_for(cls, sale, date):
        lead = int(parameter('maintenance_lead_days', sale.company, 7))
        existing = cls.search([
                ('sale', '=', sale.id),
                ('kind', '=', 'maintenance'),
                ('state', '!=', 'cancelled'),
                ], order=[('required_on_site', 'DESC')])
        start = sale.service_start or sale.sale_date
        last = max([r.required_on_site.date() for r in existing
                if r.required_on_site] or [start])
        due = last + relativedelta(months=sale.maintenance_months)
        values = dict(
            company=sale.company, customer=sale.party, sale=sale,
            kind='maintenance', channel='visit', urgency='normal',
            received=_now())
        created = []
        last_month = sale.service_end - relativedelta(months=1)
        if (date > last_month
                and not any(r.full_check for r in existing)):
            created.append(cls(
                    full_check=True,
                    required_on_site=dt.datetime.combine(date, dt.time(9)),
                    **values))
        elif due <= date + dt.timedelta(days=lead) and due <= sale.service_end:
            created.append(cls(
                    required_on_site=dt.datetime.combine(due, dt.time(9)),
                    **values))
        return created


class Dispatch(Workflow, ModelSQL, ModelView):
    "After-sales dispatch"
    __name__ = 'aftersales.dispatch'
    _states = {'readonly': Eval('state') != 'planned'}
    request = fields.Many2One(
        'aftersales.request', "Request", required=True, ondelete='CASCADE',
        states=_states,
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    technician = fields.Many2One(
        'company.employee', "Technician", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    planned = fields.DateTime("Planned", states=_states)
    place = fields.Char("Place", states=_states)
    arrived = fields.DateTime("Arrived", states=_states)
    left = fields.DateTime("Left", states=_states)
    travel_cost = fields.Numeric(
        "Travel Cost", digits=(16, 2), states=_states)
    work_log = fields.Text("Work Log", states=_states)
    parts = fields.One2Many(
        'aftersales.dispatch.part', 'dispatch', "Parts Used",
        states=_states)
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
        cls._sql_indexes.add(Index(t, (t.technician, Index.Range())))
        cls._order = [('planned', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('planned', 'done'),
            ('planned', 'cancelled'),
            }
        cls._buttons.update({
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
    def default_travel_cost(cls):
        return Decimal(0)

    @fields.depends('request', '_parent_request.company')
    def on_change_request(self):
        if self.request:
            self.company = self.request.company

    def get_rec_name(self, name):
        return '%s / %s' % (
            self.request.rec_name if self.request else '',
            self.technician.rec_name if self.technician else '')

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'cancelled', 'muted', '')),
            ]

    @classmethod
    def check_modification(cls, mode, dispatches, values=None,
            external=False):
        super().check_modification(
            mode, dispatches, values=values, external=external)
        if mode == 'delete':
            for dispatch in dispatches:
                if dispatch.state == 'done':
                    raise AccessError(gettext(
                            'aftersales_service.msg_dispatch_delete_done',
                            dispatch=dispatch.rec_name))
        if mode == 'write' and external and values and 'state' in values:
            raise AccessError(gettext(
                    'aftersales_service.msg_request_workflow_field',
                    field='state'))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, dispatches):
        "Log the visit: arrival and work log are required (AS-4)"
        for dispatch in dispatches:
            if not dispatch.arrived or not (dispatch.work_log or '').strip():
                raise ServiceError(gettext(
                        'aftersales_service.msg_dispatch_do',
                        dispatch=dispatch.rec_name))
            for part in dispatch.parts:
                part.check_approval()

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, dispatches):
        pass


class DispatchPart(ModelSQL, ModelView):
    "Part used in a dispatch"
    __name__ = 'aftersales.dispatch.part'
    dispatch = fields.Many2One(
        'aftersales.dispatch', "Dispatch", required=True, ondelete='CASCADE')
    product = fields.Many2One('product.product', "Part", required=True)
    quantity = fields.Float("Quantity", required=True)
    original = fields.Boolean(
        "Original Brand and Specification",
        help="A substitute needs the customer's recorded approval (AS-4).")
    customer_approval = fields.Char(
        "Approved By (Customer)", states={
            'invisible': Bool(Eval('original')),
            })
    approval_date = fields.Date(
        "Approval Date", states={
            'invisible': Bool(Eval('original')),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dispatch')

    @classmethod
    def default_original(cls):
        return True

    @classmethod
    def default_quantity(cls):
        return 1

    def check_approval(self):
        if (not self.original and (
                    not (self.customer_approval or '').strip()
                    or not self.approval_date)):
            raise PartApprovalError(gettext(
                    'aftersales_service.msg_part_substitute_approval',
                    part=self.product.rec_name,
                    dispatch=self.dispatch.rec_name))

    @classmethod
    def validate(cls, parts):
        super().validate(parts)
        for part in parts:
            if in_force(REGULATION, part.dispatch.company):
                part.check_approval()


class Survey(ModelSQL, ModelView):
    "After-sales satisfaction survey"
    __name__ = 'aftersales.survey'
    request = fields.Many2One(
        'aftersales.request', "Request", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One('company.company', "Company", required=True)
    date = fields.Date("Date", required=True)
    respondent = fields.Char("Respondent", required=True)
    satisfaction = fields.Selection([
            ('5', "Very Satisfied"),
            ('4', "Satisfied"),
            ('3', "Neutral"),
            ('2', "Dissatisfied"),
            ('1', "Very Dissatisfied"),
            ], "Satisfaction", required=True, sort=False)
    response_score = fields.Integer("Response Speed (1-5)")
    quality_score = fields.Integer("Service Quality (1-5)")
    attitude_score = fields.Integer("Attitude (1-5)")
    comment = fields.Text("Comment")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('request', '_parent_request.company')
    def on_change_request(self):
        if self.request:
            self.company = self.request.company

    def get_rec_name(self, name):
        return '%s %s' % (self.request.rec_name, self.date)

    @classmethod
    def validate(cls, surveys):
        super().validate(surveys)
        for survey in surveys:
            for name in ['response_score', 'quality_score', 'attitude_score']:
                value = getattr(survey, name)
                if value is not None and not 1 <= value <= 5:
                    raise ServiceError(gettext(
                            'aftersales_service.msg_survey_score',
                            survey=survey.rec_name,
                            field=cls.fields_get([name])[name]['string']))


class Training(ModelSQL, ModelView):
    "User training"
    __name__ = 'aftersales.training'
    request = fields.Many2One(
        'aftersales.request', "Request", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    trainer = fields.Many2One('company.employee', "Trainer", required=True)
    trainees = fields.Text("Trainees", required=True)
    topics = fields.Text("Topics")
    duration = fields.Float("Hours")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('request')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()
