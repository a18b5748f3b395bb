# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Register of phone sets and lines (OP-1), line requests (OP-2), temporary
sharing (OP-3), faults and repairs (OP-4) and violations (OP-9 … OP-11)."""
import datetime as dt
import re
import unicodedata
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.company import CompanyReport
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import (
    ApprovalMixin, WorkflowGuardMixin, in_force)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import PhoneError

REGULATION = 'office_phone'

LINE_KINDS = [
    ('external', "External"),
    ('internal', "Internal"),
    ('fax', "Fax"),
    ]


def normalize_number(value):
    """Return the digits of a phone number without the country code.

    ``+86 21-5555 1234`` and ``0086215555 1234`` both give ``215555 1234``'s
    digits, so numbers typed by people match the carrier's bill.
    """
    if not value:
        return ''
    if value.isascii() and value.isdigit() and not value.startswith('0086'):
        return value
    # full-width digits (typed with a Chinese input method) as ASCII
    value = unicodedata.normalize('NFKC', value)
    digits = re.sub(r'[^0-9]', '', value)
    if value.lstrip().startswith('+86'):
        digits = digits[2:]
    elif digits.startswith('0086'):
        digits = digits[4:]
    return digits


def today():
    return Pool().get('ir.date').today()


def current_employee():
    "Return the employee of the current user or None"
    User = Pool().get('res.user')
    if not Transaction().user:
        return None
    return User(Transaction().user).employee


def check_head(department, record):
    """Raise AccessError unless the user heads department (or a parent)
    or belongs to the office phone administration."""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Group = pool.get('res.group')
    transaction = Transaction()
    if transaction.user == 0:
        return
    user = User(transaction.user)
    admin = Group(ModelData.get_id('office_phone', 'group_office_phone_admin'))
    if admin in user.groups:
        return
    if not department or not any(
            e.is_head_of(department) for e in user.employees):
        raise AccessError(gettext(
                'office_phone.msg_not_head',
                record=record.rec_name,
                department=department.rec_name if department else ''))


class PenaltyMaker:
    """Collect draft penalties (RB-3) and create them in batches.

    Each rule cites its clause; penalties start as drafts for the head of
    the team to confirm."""

    def __init__(self):
        self.rules = {}
        self.values = []

    def rule(self, code, company):
        key = (code, int(company))
        if key not in self.rules:
            Rule = Pool().get('regulation.penalty.rule')
            self.rules[key] = Rule.get(code, int(company))
        return self.rules[key]

    def add(self, code, company, date, department, origin, employee=None,
            amount=None, points=None, description=None):
        rule = self.rule(code, company)
        self.values.append({
                'company': int(company),
                'date': date,
                'employee': int(employee) if employee else None,
                'department': int(department),
                'rule': rule.id,
                'kind': rule.kind,
                'clause': rule.clause,
                'points': rule.points if points is None else points,
                'amount': Decimal(
                    rule.fine if amount is None else amount).quantize(
                    Decimal('0.01')),
                'origin': str(origin),
                'description': description,
                })

    def create(self):
        Penalty = Pool().get('regulation.penalty')
        penalties = []
        with without_check_access():
            for i in range(0, len(self.values), 500):
                penalties.extend(Penalty.create(self.values[i:i + 500]))
        self.values = []
        return penalties


class DocumentMixin(WorkflowGuardMixin):
    """A numbered document of the regulation: numbered from its sequence
    on creation, its workflow fields changed only through its buttons
    (_workflow_guarded, the state by default), deleted only
    in the states it may be deleted in (the same rules for the requests,
    sharings, faults, incidents, hand-overs and bills)."""
    __slots__ = ()
    #: the XML id of the ir.sequence numbering the documents
    _number_sequence = None
    #: the states in which a document may be deleted
    _delete_states = {'draft', 'cancelled'}
    #: the message refusing the deletion and the name of its parameter
    _delete_error = None
    #: the fields a copy does not keep
    _copy_reset = ['number']

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'office_phone', cls._number_sequence))
            values['number'] = sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            message, parameter = cls._delete_error
            for record in records:
                if record.state not in cls._delete_states:
                    raise AccessError(gettext(
                            'office_phone.' + message,
                            **{parameter: record.rec_name}))

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default else {}
        for name in cls._copy_reset:
            default.setdefault(name)
        return super().copy(records, default=default)


class Set(DeactivableMixin, ModelSQL, ModelView):
    "Office phone set"
    __name__ = 'office.phone.set'
    code = fields.Char("Asset Code", required=True)
    model = fields.Char("Model", required=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    department = fields.Many2One(
        'company.department', "Department",
        domain=[('company', '=', Eval('company', -1))])
    location = fields.Char("Location")
    purchase_price = fields.Numeric(
        "Purchase Price", digits=(16, 2), required=True,
        help="The compensation for a damaged set (OP-10, OP-12).")
    purchase_date = fields.Date("Purchase Date")
    lines = fields.One2Many('office.phone.line', 'set', "Lines", readonly=True)
    faults = fields.One2Many(
        'office.phone.fault', 'set', "Faults and Repairs", readonly=True)
    state = fields.Selection([
            ('in_use', "In Use"),
            ('faulty', "Faulty"),
            ('repair', "Under Repair"),
            ('stock', "In Stock"),
            ('scrapped', "Scrapped"),
            ], "State", required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.company, t.code),
                'office_phone.msg_set_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'stock'

    @classmethod
    def default_purchase_price(cls):
        return Decimal(0)

    def get_rec_name(self, name):
        return '%s (%s)' % (self.code, self.model)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('model', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, sets, field_names):
        super().validate_fields(sets, field_names)
        for set_ in sets:
            if (set_.purchase_price or 0) < 0:
                raise PhoneError(gettext(
                        'office_phone.msg_set_price_negative',
                        set=set_.rec_name))


class Line(DeactivableMixin, ModelSQL, ModelView):
    "Office phone line"
    __name__ = 'office.phone.line'
    number = fields.Char("Number", required=True)
    normalized = fields.Char("Normalized Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    kind = fields.Selection(LINE_KINDS, "Kind", required=True, sort=False)
    carrier = fields.Char("Carrier")
    department = fields.Many2One(
        'company.department', "Department", required=True,
        domain=[('company', '=', Eval('company', -1))])
    holder = fields.Many2One(
        'company.employee', "Holder",
        domain=[('company', '=', Eval('company', -1))],
        help="A business person's line is personal to them (OP-1).")
    keeper = fields.Many2One(
        'company.employee', "Keeper",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'required': Eval('kind') == 'fax',
            'invisible': Eval('kind') != 'fax',
            },
        help="The person in charge of the fax line (OP-1).")
    set = fields.Many2One(
        'office.phone.set', "Phone Set",
        domain=[('company', '=', Eval('company', -1))])
    start_date = fields.Date(
        "In Service Since", required=True,
        help="The first holder's period starts on this date.")
    holders = fields.One2Many(
        'office.phone.line.holder', 'line', "Holder History", readonly=True)
    allowed = fields.One2Many(
        'office.phone.line.allowed', 'line', "Allowed Numbers",
        help="Numbers this line may call besides business contacts (OP-6).")
    state = fields.Selection([
            ('active', "Active"),
            ('suspended', "Suspended"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)

    #: fields that change only through an approved line request (OP-2)
    _request_fields = {
        'number', 'kind', 'carrier', 'department', 'holder', 'keeper',
        'state', 'company'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.company, t.number),
                'office_phone.msg_line_number_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.normalized, Index.Equality())))
        cls._order.insert(0, ('number', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'external'

    @classmethod
    def default_state(cls):
        return 'active'

    @classmethod
    def default_start_date(cls):
        return today()

    def get_rec_name(self, name):
        if self.holder:
            return '%s (%s)' % (self.number, self.holder.rec_name)
        return self.number

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('holder.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') != 'active', 'muted', '')),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'number' in values:
            values['normalized'] = normalize_number(values['number'])
        return values

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if line.kind == 'fax' and not line.keeper:
                raise PhoneError(gettext(
                        'office_phone.msg_line_fax_keeper',
                        line=line.rec_name))
            if not line.normalized:
                raise PhoneError(gettext(
                        'office_phone.msg_line_number_invalid',
                        line=line.number))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if (mode == 'write' and external
                and cls._request_fields & set(values or {})):
            raise AccessError(gettext(
                    'office_phone.msg_line_change_request',
                    line=', '.join(l.rec_name for l in lines[:5]),
                    fields=', '.join(sorted(
                            cls._request_fields & set(values)))))
        if mode == 'delete':
            for line in lines:
                if line.holders:
                    raise AccessError(gettext(
                            'office_phone.msg_line_delete',
                            line=line.rec_name))

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode == 'create':
            cls._update_holders(lines, start=True)
        elif mode == 'write' and 'holder' in (field_names or ()):
            cls._update_holders(lines)

    @classmethod
    def _update_holders(cls, lines, start=False):
        "Close the running holder period and open the new holder's (OP-1)"
        History = Pool().get('office.phone.line.holder')
        to_close, to_create = [], []
        for line in lines:
            date = line.start_date if start else today()
            current = [h for h in line.holders if not h.end_date]
            if any(h.employee == line.holder for h in current):
                continue
            to_close.extend(current)
            if line.holder:
                to_create.append({
                        'line': line.id,
                        'employee': line.holder.id,
                        'start_date': date,
                        })
        with without_check_access():
            for history in to_close:
                # a change on the day the period started replaces it
                history.end_date = max(
                    history.start_date, date - dt.timedelta(days=1))
            History.save(to_close)
            History.create(to_create)

    @classmethod
    def change(cls, lines, values):
        "Apply a change of the register (from an approved request)"
        with without_check_access():
            cls.write(lines, values)

    def holder_at(self, date):
        "Return the employee who held the line at date"
        for history in self.holders:
            if history.start_date <= date and (
                    not history.end_date or history.end_date >= date):
                return history.employee


class LineHolder(ModelSQL, ModelView):
    "Office phone line holder period"
    __name__ = 'office.phone.line.holder'
    line = fields.Many2One(
        'office.phone.line', "Line", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Holder", required=True, ondelete='RESTRICT')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date(
        "End Date",
        domain=[If(Eval('end_date'),
                ('end_date', '>=', Eval('start_date')), ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.line, Index.Range()), (t.start_date, Index.Range())))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]


class LineAllowed(ModelSQL, ModelView):
    "Office phone line allowed number"
    __name__ = 'office.phone.line.allowed'
    line = fields.Many2One(
        'office.phone.line', "Line", required=True, ondelete='CASCADE')
    number = fields.Char("Number", required=True)
    normalized = fields.Char("Normalized Number", readonly=True)
    name = fields.Char("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'number' in values:
            values['normalized'] = normalize_number(values['number'])
        return values


class LineRequest(
        DocumentMixin, ApprovalMixin, Workflow, ModelSQL, ModelView):
    "Office phone line request"
    __name__ = 'office.phone.line.request'
    _number_sequence = 'sequence_line_request'
    _delete_error = ('msg_line_request_delete', 'request')
    # ApprovalMixin guards the state of the requests
    _workflow_guarded = {'done_by'}
    _copy_reset = ['number', 'done_by']
    _rec_name = 'number'
    _approval_regulation = REGULATION
    _approval_material_fields = {
        'action', 'line', 'new_number', 'line_kind', 'department', 'holder'}
    _states = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    employee = fields.Many2One(
        'company.employee', "Requester", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Many2One(
        'company.department', "Department", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True, states=_states)
    action = fields.Selection([
            ('add', "Add a Line"),
            ('change', "Change a Line"),
            ('remove', "Remove a Line"),
            ], "Action", required=True, sort=False, states=_states)
    line = fields.Many2One(
        'office.phone.line', "Line",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'required': Eval('action').in_(['change', 'remove']),
            'invisible': Eval('action') == 'add',
            'readonly': Eval('state') != 'draft',
            })
    new_number = fields.Char(
        "New Number", states={
            'required': Eval('action') == 'add',
            'invisible': Eval('action') == 'remove',
            'readonly': Eval('state') != 'draft',
            })
    line_kind = fields.Selection(
        [(None, '')] + LINE_KINDS, "Line Kind", sort=False, states={
            'required': Eval('action') == 'add',
            'invisible': Eval('action') == 'remove',
            'readonly': Eval('state') != 'draft',
            })
    carrier = fields.Char("Carrier", states={
            'invisible': Eval('action') == 'remove',
            'readonly': Eval('state') != 'draft',
            })
    holder = fields.Many2One(
        'company.employee', "Holder",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': Eval('action') == 'remove',
            'readonly': Eval('state') != 'draft',
            })
    keeper = fields.Many2One(
        'company.employee', "Fax Keeper",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': Eval('line_kind') != 'fax',
            'required': (Eval('line_kind') == 'fax')
            & (Eval('action') != 'remove'),
            'readonly': Eval('state') != 'draft',
            })
    reason = fields.Text(
        "Reason", required=True, states=_states,
        help="The department states its reason to the admin & HR office "
        "(OP-2).")
    done_by = employee_field("Done By", states=['done'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting for Approval"),
            ('approved', "Approved"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'waiting'),
            ('waiting', 'draft'),
            ('waiting', 'approved'),
            ('approved', 'done'),
            ('draft', 'cancelled'),
            ('waiting', 'cancelled'),
            ('approved', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['waiting', 'cancelled']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'waiting', 'approved']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_action(cls):
        return 'add'

    @classmethod
    def default_date(cls):
        return today()

    @classmethod
    def default_employee(cls):
        employee = Transaction().context.get('employee')
        return employee

    @fields.depends('employee', 'department')
    def on_change_employee(self):
        if self.employee and self.employee.department and not self.department:
            self.department = self.employee.department

    @fields.depends('line', 'line_kind', 'carrier', 'holder', 'keeper')
    def on_change_line(self):
        if self.line:
            self.line_kind = self.line.kind
            self.carrier = self.line.carrier
            self.holder = self.line.holder
            self.keeper = self.line.keeper

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, requests):
        cls.approval_reset(requests)

    @classmethod
    @ModelView.button
    @ApprovalMixin.submitting('waiting')
    def submit(cls, requests):
        pass

    @classmethod
    @ApprovalMixin.required
    @Workflow.transition('approved')
    def approve(cls, requests):
        pass

    @classmethod
    def _approval_approved(cls, requests):
        cls.approve(requests)

    @classmethod
    def _approval_rejected(cls, requests):
        cls.draft(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        cls.approval_reset([r for r in requests if r.approval_state])

    @classmethod
    @ModelView.button
    @ApprovalMixin.required
    @Workflow.transition('done')
    @set_employee('done_by')
    def do(cls, requests):
        "The admin & HR office applies the approved change (OP-2)"
        pool = Pool()
        Line = pool.get('office.phone.line')
        for request in requests:
            if request.action == 'add':
                line, = Line.create([{
                            'company': request.company.id,
                            'number': request.new_number,
                            'kind': request.line_kind,
                            'carrier': request.carrier,
                            'department': request.department.id,
                            'holder': (request.holder.id
                                if request.holder else None),
                            'keeper': (request.keeper.id
                                if request.keeper else None),
                            }])
                request.line = line
                request.save()
            elif request.action == 'change':
                values = {
                    'department': request.department.id,
                    'holder': request.holder.id if request.holder else None,
                    'keeper': request.keeper.id if request.keeper else None,
                    'carrier': request.carrier,
                    }
                if request.new_number:
                    values['number'] = request.new_number
                if request.line_kind:
                    values['kind'] = request.line_kind
                Line.change([request.line], values)
            else:
                Line.change([request.line], {
                        'state': 'closed', 'holder': None})


class Share(DocumentMixin, Workflow, ModelSQL, ModelView):
    "Temporary sharing of an office phone"
    __name__ = 'office.phone.share'
    _number_sequence = 'sequence_share'
    _delete_error = ('msg_share_delete', 'share')
    _copy_reset = ['number', 'dials', 'designated_by']
    _rec_name = 'number'
    _states = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    line = fields.Many2One(
        'office.phone.line', "Shared Line", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The colleague's phone the borrower may use.")
    lender = fields.Function(
        fields.Many2One('company.employee', "Lender"), 'get_lender')
    department = fields.Function(
        fields.Many2One('company.department', "Team"), 'get_department',
        searcher='search_department')
    borrower = fields.Many2One(
        'company.employee', "Borrower", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    fault = fields.Many2One(
        'office.phone.fault', "Fault", states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The fault of the borrower's own phone.")
    reason = fields.Text("Reason", required=True, states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", required=True,
        states={'readonly': Eval('state') == 'closed'},
        domain=[('end_date', '>=', Eval('start_date'))])
    dials = fields.One2Many(
        'office.phone.share.dial', 'share', "Dial Log",
        states={'readonly': Eval('state') != 'designated'})
    designated_by = employee_field(
        "Designated By", states=['designated', 'closed'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('designated', "Designated"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.line, Index.Range()), (t.start_date, Index.Range())))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'designated'),
            ('designated', 'closed'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'designate': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'designated',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_start_date(cls):
        return today()

    def get_lender(self, name):
        holder = self.line.holder_at(self.start_date) if self.line else None
        return holder.id if holder else None

    def get_department(self, name):
        return self.line.department.id if self.line else None

    @classmethod
    def search_department(cls, name, clause):
        return [('line.department',) + tuple(clause[1:])]

    @classmethod
    @ModelView.button
    @Workflow.transition('designated')
    @set_employee('designated_by')
    def designate(cls, shares):
        "Only the team head designates the phone to share (OP-3)"
        for share in shares:
            check_head(share.line.department, share)
            if share.borrower == share.line.holder:
                raise PhoneError(gettext(
                        'office_phone.msg_share_own_line',
                        share=share.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, shares):
        for share in shares:
            check_head(share.line.department, share)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, shares):
        pass


class ShareDial(ModelSQL, ModelView):
    "Dial log of a temporary sharing"
    __name__ = 'office.phone.share.dial'
    share = fields.Many2One(
        'office.phone.share', "Sharing", required=True, ondelete='CASCADE',
        domain=[('state', '=', 'designated')])
    date = fields.Date("Date", required=True)
    time = fields.Time("Time")
    number = fields.Char("Number Dialled", required=True)
    normalized = fields.Char("Normalized Number", readonly=True)
    purpose = fields.Char("Purpose", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('time', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_date(cls):
        return today()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'number' in values:
            values['normalized'] = normalize_number(values['number'])
        return values

    @classmethod
    def validate_fields(cls, dials, field_names):
        super().validate_fields(dials, field_names)
        for dial in dials:
            share = dial.share
            if not (share.start_date <= dial.date <= share.end_date):
                raise PhoneError(gettext(
                        'office_phone.msg_dial_outside_share',
                        number=dial.number, date=dial.date,
                        share=share.rec_name))

    @classmethod
    def check_modification(cls, mode, dials, values=None, external=False):
        super().check_modification(
            mode, dials, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            for dial in dials:
                if dial.share.state != 'designated':
                    raise AccessError(gettext(
                            'office_phone.msg_dial_closed',
                            share=dial.share.rec_name))


FAULT_CAUSES = [
    (None, ''),
    ('wear', "Wear or Line Fault"),
    ('careless', "Careless Damage"),
    ('opened', "Opened Without Authorisation"),
    ]


class Fault(DocumentMixin, Workflow, ModelSQL, ModelView):
    "Office phone fault"
    __name__ = 'office.phone.fault'
    _number_sequence = 'sequence_fault'
    _delete_states = {'cancelled'}
    _delete_error = ('msg_fault_delete', 'fault')
    _copy_reset = ['number', 'technician', 'repair_date', 'repair',
        'repair_cost', 'cause', 'responsible', 'penalties']
    _rec_name = 'number'
    _states = {'readonly': Eval('state') != 'reported'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    set = fields.Many2One(
        'office.phone.set', "Phone Set", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    line = fields.Many2One(
        'office.phone.line', "Line", states=_states,
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Function(
        fields.Many2One('company.department', "Department"),
        'get_department', searcher='search_department')
    reporter = fields.Many2One(
        'company.employee', "Reported By", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True, states=_states)
    description = fields.Text("Description", required=True, states=_states)
    technician = fields.Many2One(
        'company.employee', "Technician",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('phone_technician', '=', True),
            ],
        states={
            'readonly': ~Eval('state').in_(['reported', 'repairing']),
            'required': Eval('state').in_(['repairing', 'repaired']),
            },
        help="Only authorised technicians may open a set (OP-4).")
    repair_date = fields.Date("Repair Date", states={
            'readonly': Eval('state') != 'repairing',
            'required': Eval('state') == 'repaired',
            })
    repair = fields.Text("Repair", states={
            'readonly': Eval('state') != 'repairing',
            })
    repair_cost = fields.Numeric(
        "Repair Cost", digits=(16, 2),
        states={'readonly': Eval('state') != 'repairing'})
    cause = fields.Selection(FAULT_CAUSES, "Cause", sort=False, states={
            'readonly': Eval('state') != 'repairing',
            'required': Eval('state') == 'repaired',
            })
    responsible = fields.Many2One(
        'company.employee', "Responsible",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'repairing',
            'required': Eval('cause').in_(['careless', 'opened']),
            'invisible': ~Eval('cause').in_(['careless', 'opened']),
            },
        help="The person whose carelessness or unauthorised opening caused "
        "the fault (OP-10, OP-11).")
    penalties = fields.One2Many(
        'regulation.penalty', 'origin', "Penalties", readonly=True)
    state = fields.Selection([
            ('reported', "Reported"),
            ('repairing', "Under Repair"),
            ('repaired', "Repaired"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('reported', 'repairing'),
            ('repairing', 'repaired'),
            ('reported', 'cancelled'),
            }
        cls._buttons.update({
                'start_repair': {
                    'invisible': Eval('state') != 'reported',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'repaired': {
                    'invisible': Eval('state') != 'repairing',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'reported',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'reported'

    @classmethod
    def default_date(cls):
        return today()

    @classmethod
    def default_reporter(cls):
        return Transaction().context.get('employee')

    def get_department(self, name):
        department = self.set.department if self.set else None
        if self.line:
            department = self.line.department
        return department.id if department else None

    @classmethod
    def search_department(cls, name, clause):
        return ['OR',
            ('line.department',) + tuple(clause[1:]),
            ('set.department',) + tuple(clause[1:]),
            ]

    @fields.depends('set', 'line')
    def on_change_set(self):
        if self.set and self.set.lines and not self.line:
            self.line = self.set.lines[0]

    @classmethod
    def on_modification(cls, mode, faults, field_names=None):
        super().on_modification(mode, faults, field_names=field_names)
        if mode == 'create':
            Set = Pool().get('office.phone.set')
            with without_check_access():
                Set.write([f.set for f in faults], {'state': 'faulty'})

    @classmethod
    @ModelView.button
    @Workflow.transition('repairing')
    def start_repair(cls, faults):
        "Only an authorised technician may open the set (OP-4)"
        Set = Pool().get('office.phone.set')
        for fault in faults:
            if not fault.technician or not fault.technician.phone_technician:
                raise PhoneError(gettext(
                        'office_phone.msg_fault_technician',
                        fault=fault.rec_name,
                        technician=(fault.technician.rec_name
                            if fault.technician else '')))
        Set.write([f.set for f in faults], {'state': 'repair'})

    @classmethod
    @ModelView.button
    @Workflow.transition('repaired')
    def repaired(cls, faults):
        """Record the repair; careless damage is compensated at the purchase
        price (OP-10), an unauthorised opening is sanctioned (OP-11)."""
        Set = Pool().get('office.phone.set')
        maker = PenaltyMaker()
        for fault in faults:
            if not fault.cause or not fault.repair_date:
                raise PhoneError(gettext(
                        'office_phone.msg_fault_repair_required',
                        fault=fault.rec_name))
            if (fault.cause in {'careless', 'opened'}
                    and not fault.responsible):
                raise PhoneError(gettext(
                        'office_phone.msg_fault_responsible',
                        fault=fault.rec_name))
            if not in_force(REGULATION, fault.company, fault.date):
                continue
            person = fault.responsible
            department = person.department if person else None
            department = department or fault.department
            if fault.cause == 'careless':
                maker.add('OP-10', fault.company, fault.repair_date,
                    department, fault, employee=person,
                    amount=fault.set.purchase_price,
                    description=fault.description)
            elif fault.cause == 'opened':
                maker.add('OP-11', fault.company, fault.repair_date,
                    department, fault, employee=person,
                    description=fault.description)
        maker.create()
        Set.write([f.set for f in faults], {'state': 'in_use'})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, faults):
        Set = Pool().get('office.phone.set')
        Set.write([f.set for f in faults if f.set.state == 'faulty'],
            {'state': 'in_use'})


INCIDENT_KINDS = [
    ('unapproved_use', "Use of Another's Phone Without Approval"),
    ('damage', "Careless Damage"),
    ('swap', "Swapping or Replacing a Set"),
    ('opening', "Opening a Set"),
    ('forwarding', "Setting Call Forwarding"),
    ('line_change', "Installing or Changing a Line"),
    ]
INCIDENT_RULES = {
    'unapproved_use': 'OP-9',
    'damage': 'OP-10',
    'swap': 'OP-11',
    'opening': 'OP-11',
    'forwarding': 'OP-11',
    'line_change': 'OP-11',
    }


class Incident(DocumentMixin, Workflow, ModelSQL, ModelView):
    "Office phone violation"
    __name__ = 'office.phone.incident'
    _number_sequence = 'sequence_incident'
    _delete_error = ('msg_incident_delete', 'incident')
    _copy_reset = ['number', 'penalties', 'reported_by']
    _rec_name = 'number'
    _states = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    kind = fields.Selection(
        INCIDENT_KINDS, "Violation", required=True, sort=False,
        states=_states)
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Many2One(
        'company.department', "Team", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    set = fields.Many2One(
        'office.phone.set', "Phone Set", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'damage',
            },
        domain=[('company', '=', Eval('company', -1))])
    line = fields.Many2One(
        'office.phone.line', "Line", states=_states,
        domain=[('company', '=', Eval('company', -1))])
    loss = fields.Numeric(
        "Loss Borne", digits=(16, 2), states=_states,
        help="A serious loss the person bears in full (OP-11).")
    serious = fields.Boolean(
        "Serious", states=_states,
        help="Serious cases are proposed for dismissal (劝退, OP-11).")
    description = fields.Text("Description", states=_states)
    penalties = fields.One2Many(
        'regulation.penalty', 'origin', "Penalties", readonly=True)
    reported_by = employee_field("Reported By", states=['reported'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('reported', "Reported"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'reported'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'report': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_date(cls):
        return today()

    @fields.depends('employee', 'department')
    def on_change_employee(self):
        if self.employee and self.employee.department:
            self.department = self.employee.department

    @classmethod
    @ModelView.button
    @Workflow.transition('reported')
    @set_employee('reported_by')
    def report(cls, incidents):
        """Draft the penalties of the violation, each citing its clause:
        OP-9 unapproved use, OP-10 damage at the purchase price, OP-11
        swap, opening, forwarding or line change (serious: dismissal
        proposal and the loss borne)."""
        maker = PenaltyMaker()
        for incident in incidents:
            if not in_force(REGULATION, incident.company, incident.date):
                continue
            code = INCIDENT_RULES[incident.kind]
            args = (incident.company, incident.date, incident.department,
                incident)
            kwargs = dict(employee=incident.employee,
                description=incident.description)
            if code == 'OP-10':
                maker.add(code, *args, amount=incident.set.purchase_price,
                    **kwargs)
            else:
                maker.add(code, *args, **kwargs)
            if code == 'OP-11' and incident.loss:
                maker.add('OP-11-L', *args, amount=incident.loss, **kwargs)
            if code == 'OP-11' and incident.serious:
                maker.add('OP-11-D', *args, **kwargs)
        maker.create()

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, incidents):
        pass


class ShareReport(CompanyReport):
    "Temporary sharing registration sheet"
    __name__ = 'office.phone.share.sheet'
