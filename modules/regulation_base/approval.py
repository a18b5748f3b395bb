# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Approval chains (RB-2).

A workflow model adopts the engine with :class:`ApprovalMixin`; chains are
data per model (``regulation.approval.chain``); each decision on one step
is a ``regulation.approval`` record that can never be changed once taken.
"""
import datetime as dt
import functools
from collections import defaultdict

from sql import For

from trytond import backend
from trytond.i18n import gettext, lazy_gettext
from trytond.model import (
    DeactivableMixin, EvalEnvironment, Index, ModelSQL, ModelView, Workflow,
    fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONDecoder
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .company import ROLES
from .exceptions import ApprovalError, ApproverError, ResolutionError

APPROVAL_STATES = [
    (None, ""),
    ('pending', "Pending"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ]

DECISION_STATES = [
    ('waiting', "Waiting"),
    ('pending', "To Decide"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ('skipped', "Skipped"),
    ('cancelled', "Cancelled"),
    ]
DECIDED = {'approved', 'rejected', 'skipped'}
#: the number of documents the engine handles at once
_BATCH = 100


def approval_models():
    "Return the names of the models using ApprovalMixin"
    pool = Pool()
    return sorted(
        name for name, Model in pool.iterobject()
        if isinstance(Model, type) and issubclass(Model, ApprovalMixin))


def _model_selection():
    pool = Pool()
    Model = pool.get('ir.model')
    names = approval_models()
    return [(None, '')] + [
        (m.name, m.string) for m in Model.search([('name', 'in', names)])]


class Chain(DeactivableMixin, ModelSQL, ModelView):
    "Approval chain"
    __name__ = 'regulation.approval.chain'
    name = fields.Char("Name", required=True, translate=True)
    model = fields.Selection(
        'get_models', "Document", required=True,
        help="The kind of document the chain approves.")
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Leave empty to use the chain in every company without its own.")
    sequence = fields.Integer(
        "Sequence", help="The first chain whose condition holds is used.")
    condition = fields.Char(
        "Condition",
        help="A PYSON expression on the document; the chain applies only "
        "when it is true.")
    document = fields.Many2One(
        'regulation.document', "Regulation",
        help="The regulation the chain applies.")
    clause = fields.Char("Clause", help="e.g. PF-2")
    steps = fields.One2Many(
        'regulation.approval.chain.step', 'chain', "Steps")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('model', 'ASC'), ('sequence', 'ASC NULLS LAST'),
            ('company', 'ASC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def get_models(cls):
        return _model_selection()

    @classmethod
    def validate_fields(cls, chains, field_names):
        super().validate_fields(chains, field_names)
        Step = Pool().get('regulation.approval.chain.step')
        for chain in chains:
            Step.check_pyson(chain.condition, chain.rec_name)

    @classmethod
    def find(cls, record, cache=None):
        """Return the chain for the record or None.

        cache is a dictionary kept by the caller over a batch of records.
        """
        company = record.approval_company()
        key = (record.__name__, company.id if company else None)
        if cache is None or key not in cache:
            company_ids = [None]
            if company:
                company_ids = [c.id for c in company.ancestors()] + [None]
            chains = cls.search([
                    ('model', '=', record.__name__),
                    ('company', 'in', company_ids),
                    ])
            by_company = sorted(chains, key=lambda c: (
                    company_ids.index(c.company.id if c.company else None),
                    c.sequence if c.sequence is not None else 2 ** 31))
            if cache is None:
                cache = {}
            cache[key] = by_company
        env = record._approval_environment()
        for chain in cache[key]:
            if not chain.condition or PYSONDecoder(env).decode(
                    chain.condition):
                return chain


class ChainStep(sequence_ordered(), ModelSQL, ModelView):
    "Approval chain step"
    __name__ = 'regulation.approval.chain.step'
    chain = fields.Many2One(
        'regulation.approval.chain', "Chain", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    approver = fields.Selection([
            ('department_head', "Head of the Department"),
            ('department_vp', "VP in Charge of the Department"),
            ('role', "Company Role"),
            ('employee', "Employee"),
            ], "Approver", required=True, sort=False)
    role = fields.Selection(
        [(None, '')] + ROLES, "Role", sort=False,
        states={
            'required': Eval('approver') == 'role',
            'invisible': Eval('approver') != 'role',
            })
    role_level = fields.Selection([
            ('document', "Company of the Document"),
            ('head_office', "Head Office"),
            ], "Role Level",
        states={
            'required': Eval('approver') == 'role',
            'invisible': Eval('approver') != 'role',
            })
    employee = fields.Many2One(
        'company.employee', "Employee",
        states={
            'required': Eval('approver') == 'employee',
            'invisible': Eval('approver') != 'employee',
            })
    min_amount = fields.Numeric(
        "Minimal Amount", digits=(16, 2),
        help="The step applies only when the document amount reaches it.")
    condition = fields.Char(
        "Condition",
        help="A PYSON expression; the step applies only when it is true.\n"
        "Available: amount, job_level, department, company, and the "
        "document as self.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('chain')

    @classmethod
    def default_approver(cls):
        return 'department_head'

    @classmethod
    def default_role_level(cls):
        return 'document'

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        for step in steps:
            cls.check_pyson(step.condition, step.rec_name)

    @classmethod
    def check_pyson(cls, condition, name):
        if not condition:
            return
        try:
            PYSONDecoder(noeval=True).decode(condition)
        except Exception:
            raise ApprovalError(gettext(
                    'regulation_base.msg_approval_invalid_condition',
                    condition=condition, record=name))

    def applies(self, record, env):
        amount = env.get('amount')
        if self.min_amount is not None and (
                amount is None or amount < self.min_amount):
            return False
        if self.condition:
            return bool(PYSONDecoder(env).decode(self.condition))
        return True

    def resolve(self, record, cache=None):
        """Return the employee who decides this step for record.

        Return None when the step does not apply to the requester: they are
        themselves the head asked for (nobody above them heads the
        department).  Raise ResolutionError when nobody can be found.
        """
        pool = Pool()
        Role = pool.get('regulation.role')
        requester = record.approval_requester()
        department = record.approval_department()
        approver = None
        if self.approver == 'department_head':
            if department:
                approver = department.get_head(exclude=requester)
                if not approver and requester and requester.is_head_of(
                        department):
                    return None
        elif self.approver == 'department_vp':
            if department:
                approver = department.get_vp()
        elif self.approver == 'role':
            company = record.approval_company()
            if self.role_level == 'head_office':
                company = company.head_office
            key = ('role', self.role, company.id)
            if cache is not None and key in cache:
                approver = cache[key]
            else:
                approver = Role.holder(self.role, company)
                if cache is not None:
                    cache[key] = approver
        elif self.approver == 'employee':
            approver = self.employee
        if not approver:
            raise ResolutionError(gettext(
                    'regulation_base.msg_approval_no_approver',
                    step=self.rec_name,
                    document=record.rec_name,
                    department=department.rec_name if department else ''))
        return approver


class Approval(ModelSQL, ModelView):
    "Approval decision"
    __name__ = 'regulation.approval'
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    origin = fields.Reference(
        "Document", selection='get_origins', required=True, readonly=True)
    chain = fields.Many2One(
        'regulation.approval.chain', "Chain", readonly=True,
        ondelete='RESTRICT')
    step = fields.Many2One(
        'regulation.approval.chain.step', "Step", readonly=True,
        ondelete='RESTRICT')
    name = fields.Char("Step", readonly=True)
    round = fields.Integer("Round", readonly=True)
    sequence = fields.Integer("Sequence", readonly=True)
    requester = fields.Many2One(
        'company.employee', "Requester", readonly=True)
    approver = fields.Many2One(
        'company.employee', "Approver", required=True, readonly=True)
    state = fields.Selection(
        DECISION_STATES, "State", required=True, readonly=True, sort=False)
    pending_since = fields.DateTime("Pending Since", readonly=True)
    reminded = fields.DateTime("Reminded", readonly=True)
    decided_by = fields.Many2One(
        'company.employee', "Decided By", readonly=True,
        help="The approver or the delegate who decided.")
    decision_date = fields.DateTime("Decision Date", readonly=True)
    comment = fields.Text("Comment", readonly=True)
    to_decide = fields.Function(
        fields.Boolean("To Decide by Me"), 'get_to_decide',
        searcher='search_to_decide')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.origin, Index.Equality())),
                Index(
                    t,
                    (t.approver, Index.Range()),
                    (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'pending'),
                })
        cls._order = [
            ('round', 'DESC'), ('sequence', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'pending',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'pending',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_origins(cls):
        """The approval models the user may read: the client drops a
        Reference column from a view when one model of its selection is
        not readable"""
        ModelAccess = Pool().get('ir.model.access')
        return [(m, s) for m, s in _model_selection()
            if not m or ModelAccess.check(m, 'read', raise_exception=False)]

    def get_rec_name(self, name):
        return '%s @ %s' % (
            self.origin.rec_name if self.origin else '', self.name)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state').in_(['cancelled', 'waiting']), 'muted', '')),
            ]

    @classmethod
    def get_to_decide(cls, approvals, name):
        User = Pool().get('res.user')
        employees = User.acting_employees()
        return {a.id: a.state == 'pending' and a.approver.id in employees
            for a in approvals}

    @classmethod
    def search_to_decide(cls, name, clause):
        User = Pool().get('res.user')
        _, operator, value = clause
        employees = list(User.acting_employees())
        domain = [
            ('state', '=', 'pending'),
            ('approver', 'in', employees),
            ]
        if (operator == '=') == bool(value):
            return domain
        return ['NOT', domain]

    @classmethod
    def check_modification(cls, mode, approvals, values=None, external=False):
        super().check_modification(
            mode, approvals, values=values, external=external)
        if mode in {'write', 'delete'}:
            for approval in approvals:
                if approval.state in DECIDED:
                    raise AccessError(gettext(
                            'regulation_base.msg_approval_decided_readonly',
                            approval=approval.rec_name))
            if mode == 'delete' and not Transaction().context.get(
                    '_approval_engine'):
                raise AccessError(gettext(
                        'regulation_base.msg_approval_delete'))

    # Decisions

    @classmethod
    def _deciders(cls, date):
        """Return a function giving the employee who decides an approval
        for the current user, raising ApproverError when they may not."""
        User = Pool().get('res.user')
        if Transaction().user == 0:
            return lambda approval: approval.approver
        user = User(Transaction().user)
        employees = User.acting_employees(date=date)
        own = {e.id for e in user.employees}

        def decider(approval):
            if approval.approver.id not in employees:
                raise ApproverError(gettext(
                        'regulation_base.msg_approval_wrong_approver',
                        approval=approval.rec_name,
                        approver=approval.approver.rec_name))
            if approval.approver.id in own:
                return approval.approver
            # a delegate decides on behalf of the approver
            return user.employee or user.employees[0]
        return decider

    @classmethod
    def _lock_pending(cls, approvals):
        "Lock approvals and return them read afresh, refusing decided ones"
        transaction = Transaction()
        if backend.name == 'postgresql' and approvals:
            # Wait for a decision in progress on the same approvals (two
            # approvers at once) instead of failing: ModelSQL.lock uses
            # NOWAIT and the request gives up after a few retries of
            # 20-100 ms, so the second approver got "Service Unavailable".
            # Once the first commits, the serialization failure (repeatable
            # read) retries the request and the decided approvals are
            # refused below.
            table = cls.__table__()
            cursor = transaction.connection.cursor()
            for sub_ids in grouped_slice(
                    sorted(a.id for a in approvals),
                    backend.MAX_QUERY_PARAMS):
                cursor.execute(*table.select(table.id,
                        where=table.id.in_(list(sub_ids)),
                        order_by=[table.id.asc],
                        for_=For('UPDATE')))
        else:
            cls.lock(approvals)
        fresh = cls.browse([a.id for a in approvals])
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        states = {}
        for sub_ids in grouped_slice(
                [a.id for a in fresh], backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, table.state,
                    where=table.id.in_(list(sub_ids))))
            states.update(cursor)
        for approval in fresh:
            if states.get(approval.id) != 'pending':
                raise ApprovalError(gettext(
                        'regulation_base.msg_approval_not_pending',
                        approval=approval.rec_name))
        return fresh

    @classmethod
    @ModelView.button
    def approve(cls, approvals, comment=None):
        cls.decide(approvals, 'approved', comment=comment)

    @classmethod
    @ModelView.button_action('regulation_base.wizard_approval_reject')
    def reject(cls, approvals):
        pass

    @classmethod
    def decide(cls, approvals, decision, comment=None):
        """Record decision by the current user on pending approvals and move
        their documents forward (approved) or back to draft (rejected)."""
        assert decision in {'approved', 'rejected'}
        if decision == 'rejected' and not (comment or '').strip():
            raise ApprovalError(gettext(
                    'regulation_base.msg_approval_reason_required'))
        for sub_approvals in grouped_slice(approvals, _BATCH):
            cls._decide(cls.browse(sub_approvals), decision, comment)

    @classmethod
    def _decide(cls, approvals, decision, comment):
        pool = Pool()
        Date = pool.get('ir.date')
        approvals = cls._lock_pending(approvals)
        now = dt.datetime.now()
        decider = cls._deciders(Date.today())
        by_decider = defaultdict(list)
        documents = defaultdict(dict)
        for approval in approvals:
            by_decider[decider(approval).id].append(approval)
            origin = approval.origin
            documents[origin.__class__][origin.id] = approval
        to_write = []
        for decided_by, decided in by_decider.items():
            to_write.extend((decided, {
                        'state': decision,
                        'decided_by': decided_by,
                        'decision_date': now,
                        'comment': comment,
                        }))
        if to_write:
            with without_check_access():
                cls.write(*to_write)
        with without_check_access():
            for Model, decided in documents.items():
                records = Model.browse(list(decided))
                if decision == 'approved':
                    Model._approval_advance(records, previous=decided)
                else:
                    Model._approval_close(records, 'rejected')

    @classmethod
    def remind(cls):
        "Cron: remind approvers of decisions pending for too long"
        pool = Pool()
        Parameter = pool.get('regulation.parameter')
        Calendar = pool.get('regulation.calendar.day')
        now = dt.datetime.now()
        context = Transaction().context
        domain = [
            ('state', '=', 'pending'),
            ('reminded', '=', None),
            ('pending_since', '!=', None),
            ]
        if context.get('company') is not None:
            domain.append(('company', '=', context['company']))
        due = []
        for approval in cls.search(domain):
            hours = Parameter.get(
                'approval_reminder_hours', approval.company, default=8)
            deadline = Calendar.add_working_hours(
                approval.company, approval.pending_since, hours)
            if deadline <= now:
                due.append(approval)
        if due:
            with Transaction().set_context(_approval_engine=True):
                cls.write(due, {'reminded': now})
        return due


class RejectStart(ModelView):
    "Reject approval"
    __name__ = 'regulation.approval.reject.start'
    reason = fields.Text("Reason", required=True)


class Reject(Wizard):
    "Reject approval"
    __name__ = 'regulation.approval.reject'
    start = StateView(
        'regulation.approval.reject.start',
        'regulation_base.approval_reject_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reject", 'reject', 'tryton-ok', default=True),
            ])
    reject = StateTransition()

    def transition_reject(self):
        pool = Pool()
        Approval = pool.get('regulation.approval')
        Approval.decide(self.records, 'rejected', comment=self.start.reason)
        return 'end'


def approval_submitting(state):
    """Decorate the transition that submits documents for approval.

    It works as ``Workflow.transition(state)`` and then starts the chain of
    the records that reached state, so that a chain approving at once (no
    step applies, regulation not in force) can move the records on.
    """
    def decorator(func):
        transition = Workflow.transition(state)(func)

        @functools.wraps(func)
        def wrapper(cls, records, *args, **kwargs):
            result = transition(cls, records, *args, **kwargs)
            submitted = [r for r in cls.browse(records)
                if getattr(r, cls._transition_state) == state]
            if submitted:
                cls.approval_submit(submitted)
            return result
        return wrapper
    return decorator


def approval_required(func):
    """Decorate a transition so it runs only on fully approved documents.

    Use it on the transition the chain unlocks, like quality's
    ``ControlledMixin.control`` gates a button.
    """
    @functools.wraps(func)
    def wrapper(cls, records, *args, **kwargs):
        for record in records:
            if record.approval_state != 'approved':
                raise ApprovalError(gettext(
                        'regulation_base.msg_approval_required',
                        document=record.rec_name))
        return func(cls, records, *args, **kwargs)
    return wrapper


class WorkflowGuardMixin(object):
    """Refuse writes of the workflow fields from outside the buttons.

    ``_workflow_guarded`` names the fields (state, who decided, flags the
    system sets) that only the buttons and the engine write: readonly only
    binds the client, a user who may write the record could otherwise set
    them through RPC.
    """
    __slots__ = ()
    _workflow_guarded = {'state'}

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write' and external and values:
            guarded = set(cls._workflow_guarded) & set(values)
            if guarded:
                raise AccessError(gettext(
                        'regulation_base.msg_approval_field_guarded',
                        field=', '.join(sorted(guarded)),
                        document=', '.join(r.rec_name for r in records[:5])))


class ApprovalMixin(object):
    """Make a workflow model go through an approval chain.

    The consumer decorates its submit transition with
    ``@ApprovalMixin.submitting('waiting')``, gates its approved transition
    with ``@ApprovalMixin.required`` and implements ``_approval_approved``
    (usually calling that transition) and ``_approval_rejected`` (usually
    back to draft).
    """
    __slots__ = ()
    #: code of the regulation (register) that must be in force (RB-6)
    _approval_regulation = None
    #: field names whose change restarts a running chain
    _approval_material_fields = set()

    approvals = fields.One2Many(
        'regulation.approval', 'origin',
        lazy_gettext('regulation_base.msg_approval_approvals'),
        readonly=True, order=[('round', 'DESC'), ('sequence', 'ASC')])
    approval_state = fields.Selection(
        APPROVAL_STATES,
        lazy_gettext('regulation_base.msg_approval_approval_state'),
        readonly=True)
    approval_approver = fields.Function(
        fields.Many2One(
            'company.employee',
            lazy_gettext('regulation_base.msg_approval_approval_approver')),
        'get_approval_approver')

    required = staticmethod(approval_required)
    submitting = staticmethod(approval_submitting)

    # Hooks a consumer may override

    def approval_company(self):
        return self.company

    def approval_requester(self):
        return getattr(self, 'employee', None)

    def approval_department(self):
        requester = self.approval_requester()
        return getattr(self, 'department', None) or (
            requester.department if requester else None)

    def approval_amount(self):
        return None

    def _approval_environment(self):
        requester = self.approval_requester()
        department = self.approval_department()
        company = self.approval_company()
        return {
            'self': EvalEnvironment(self, self.__class__),
            'amount': self.approval_amount(),
            'job_level': requester.job_level if requester else None,
            'department': department.id if department else None,
            'company': company.id if company else None,
            }

    @classmethod
    def _approval_approved(cls, records):
        "Called once every step approved the records: approve them"
        cls.approve(records)

    @classmethod
    def _approval_rejected(cls, records):
        "Called when a step rejected the records: back to draft"
        cls.draft(records)

    # Engine

    def get_approval_approver(self, name):
        for approval in self.approvals:
            if approval.state == 'pending':
                return approval.approver.id

    @classmethod
    def approval_submit(cls, records):
        """Start a new round of approvals on records.

        When no chain applies, or the regulation is not in force for the
        company of a record, it is approved at once.
        """
        # Batches bound the size of the browse lists, which trytond checks
        # in quadratic time.
        for sub_records in grouped_slice(records, _BATCH):
            cls._approval_submit(cls.browse(sub_records))

    @classmethod
    def _approval_submit(cls, records):
        pool = Pool()
        Approval = pool.get('regulation.approval')
        Chain = pool.get('regulation.approval.chain')
        Document = pool.get('regulation.document')
        cls._approval_cancel(records)
        rounds = cls._approval_rounds(records)
        to_create, without_chain = [], []
        cache, in_force = {}, {}
        for record in records:
            company = record.approval_company()
            if cls._approval_regulation:
                if company not in in_force:
                    in_force[company] = Document.is_in_force(
                        cls._approval_regulation, company)
                if not in_force[company]:
                    without_chain.append(record)
                    continue
            chain = Chain.find(record, cache=cache)
            if not chain:
                without_chain.append(record)
                continue
            env = record._approval_environment()
            requester = record.approval_requester()
            sequence = 0
            for step in chain.steps:
                if not step.applies(record, env):
                    continue
                approver = step.resolve(record, cache=cache)
                if not approver:
                    continue
                sequence += 1
                to_create.append({
                        'company': company.id,
                        'origin': str(record),
                        'chain': chain.id,
                        'step': step.id,
                        'name': step.name,
                        'round': rounds.get(record.id, 0) + 1,
                        'sequence': sequence,
                        'requester': requester.id if requester else None,
                        'approver': approver.id,
                        'state': 'waiting',
                        })
            if not sequence:
                without_chain.append(record)
        with without_check_access():
            if to_create:
                Approval.create(to_create)
            submitted = [r for r in records if r not in without_chain]
            if submitted:
                cls.write(submitted, {'approval_state': 'pending'})
                cls._approval_advance(cls.browse(submitted))
            if without_chain:
                cls._approval_close(without_chain, 'approved')

    @classmethod
    def _approval_rounds(cls, records):
        Approval = Pool().get('regulation.approval')
        table = Approval.__table__()
        cursor = Transaction().connection.cursor()
        rounds = {}
        for sub in grouped_slice(
                [str(r) for r in records], backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    table.origin, table.round,
                    where=table.origin.in_(list(sub))))
            for origin, round_ in cursor:
                record_id = int(origin.split(',')[1])
                rounds[record_id] = max(rounds.get(record_id, 0), round_ or 0)
        return rounds

    @classmethod
    def _approval_open(cls, records):
        "Return the approvals of records still waiting or pending by record"
        Approval = Pool().get('regulation.approval')
        result = defaultdict(list)
        for approval in Approval.search([
                    ('origin', 'in', [str(r) for r in records]),
                    ('state', 'in', ['waiting', 'pending']),
                    ], order=[('sequence', 'ASC')]):
            result[approval.origin.id].append(approval)
        return result

    @classmethod
    def _approval_cancel(cls, records):
        Approval = Pool().get('regulation.approval')
        to_cancel = [a for approvals in cls._approval_open(records).values()
            for a in approvals]
        if to_cancel:
            with without_check_access(), Transaction().set_context(
                    _approval_engine=True):
                Approval.write(to_cancel, {'state': 'cancelled'})

    @classmethod
    def _approval_advance(cls, records, previous=None):
        """Make the next step of each record pending.

        previous maps record ids to the approval just approved.
        A step whose approver approved the step just before is approved at
        once: the same person decides once.
        """
        Approval = Pool().get('regulation.approval')
        previous = previous or {}
        open_ = cls._approval_open(records)
        now = dt.datetime.now()
        approved, pending = [], []
        same = defaultdict(list)
        for record in records:
            steps = open_.get(record.id, [])
            if any(a.state == 'pending' for a in steps):
                continue
            last = previous.get(record.id)
            while steps and last and steps[0].approver == last.approver:
                same[last].append(steps.pop(0))
            if steps:
                pending.append(steps[0])
            else:
                approved.append(record)
        to_write = []
        for last, steps in same.items():
            decided_by = Approval(last.id).decided_by
            to_write.extend((steps, {
                        'state': 'approved',
                        'decided_by': decided_by.id if decided_by else None,
                        'decision_date': now,
                        'comment': gettext(
                            'regulation_base.msg_approval_same_approver',
                            step=last.name),
                        }))
        if pending:
            to_write.extend((pending, {
                        'state': 'pending',
                        'pending_since': now,
                        }))
        if to_write:
            with without_check_access(), Transaction().set_context(
                    _approval_engine=True):
                Approval.write(*to_write)
        if approved:
            cls._approval_close(approved, 'approved')

    @classmethod
    def _approval_close(cls, records, state):
        cls._approval_cancel(records)
        with without_check_access():
            cls.write(records, {'approval_state': state})
            if state == 'approved':
                cls._approval_approved(records)
            else:
                cls._approval_rejected(records)

    @classmethod
    def approval_reset(cls, records):
        "Cancel the running chain, e.g. when the document goes to draft"
        cls._approval_cancel(records)
        with without_check_access():
            cls.write(records, {'approval_state': None})

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if (mode == 'write' and field_names
                and set(field_names) & set(cls._approval_material_fields)):
            running = [r for r in records if r.approval_state == 'pending']
            if running:
                cls.approval_submit(running)

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default else {}
        default.setdefault('approvals')
        default.setdefault('approval_state')
        return super().copy(records, default=default)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        """Refuse writes of the workflow fields from outside the engine.

        readonly only binds the client: a requester could otherwise write
        the state of their own document through RPC.
        """
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write' and external and values:
            guarded = {'state', 'approval_state', 'approvals'} & set(values)
            if guarded:
                raise AccessError(gettext(
                        'regulation_base.msg_approval_field_guarded',
                        field=', '.join(sorted(guarded)),
                        document=', '.join(r.rec_name for r in records[:5])))


class ApprovalWorkflowMixin(ApprovalMixin, Workflow):
    """The usual workflow of a document approved through a chain.

    draft → waiting (submit) → approved once every step approved, back to
    draft when a step rejects or the requester withdraws it, cancelled from
    draft or waiting.  The model defines its ``state`` selection with at
    least these four states and may extend ``submit`` (checks before the
    chain starts) and ``approve`` (what approval does) keeping their
    decorators.  Use it in place of ``ApprovalMixin, Workflow``.
    """
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'waiting'),
            ('waiting', 'draft'),
            ('waiting', 'approved'),
            ('draft', 'cancelled'),
            ('waiting', 'cancelled'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'waiting']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, records):
        cls.approval_reset(records)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, records):
        cls.approval_reset(records)

    @classmethod
    @ModelView.button
    @approval_submitting('waiting')
    def submit(cls, records):
        pass

    @classmethod
    @approval_required
    @Workflow.transition('approved')
    def approve(cls, records):
        pass
