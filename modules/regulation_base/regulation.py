# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Regulation register (RB-5), parameters and per-branch enablement (RB-6)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .approval import WorkflowGuardMixin
from .exceptions import ParameterError, RegulationError

STATES = [
    ('draft', "Draft"),
    ('discussion', "In Discussion"),
    ('reviewed', "Reviewed"),
    ('approved', "Approved"),
    ('published', "Published"),
    ('superseded', "Superseded"),
    ('abolished', "Abolished"),
    ]


def in_force(code, company, date=None):
    """Tell whether the regulation with code is in force for company (RB-6).

    A regulation is in force for a company when a published register entry
    with that code lists the company (or one of its parents) among the
    companies where it applies.  When the register holds no published (or
    formerly published) entry with that code the rule applies everywhere:
    installing a module is then enough.
    """
    Document = Pool().get('regulation.document')
    return Document.is_in_force(code, company, date=date)


def _current_employee():
    "Return the id of the employee the user acts as, if any"
    User = Pool().get('res.user')
    user = User(Transaction().user)
    return user.employee.id if user.employee else None


class Document(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Regulation"
    _workflow_guarded = {'state', 'reviewed_by', 'approved_by'}
    __name__ = 'regulation.document'
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Title", required=True, translate=True, states=_states)
    code = fields.Char(
        "Code", states=_states,
        help="The code modules use to find the regulation they apply, "
        "e.g. office_phone.")
    owner_department = fields.Many2One(
        'company.department', "Owner Department", states=_states)
    version = fields.Char("Version", required=True, states=_states)
    effective_date = fields.Date(
        "Effective Date", states={
            'required': Eval('state').in_(['approved', 'published']),
            'readonly': ~Eval('state').in_(['draft', 'reviewed']),
            })
    purpose = fields.Text("Purpose", states=_states)
    text = fields.Text("Text", states=_states)
    clauses = fields.One2Many(
        'regulation.document.clause', 'document', "Clauses", states=_states)
    objections = fields.One2Many(
        'regulation.document.objection', 'document', "Objections",
        states={
            'readonly': ~Eval('state').in_(['discussion', 'reviewed']),
            })
    companies = fields.Many2Many(
        'regulation.document-company.company', 'document', 'company',
        "In Force For",
        help="The companies (branches) where the regulation is in force.")
    superseded_by = fields.Many2One(
        'regulation.document', "Superseded By", readonly=True)
    reviewed_by = fields.Many2One(
        'company.employee', "Reviewed By", readonly=True)
    approved_by = fields.Many2One(
        'company.employee', "Approved By", readonly=True)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.code, Index.Equality())))
        cls._order.insert(0, ('name', 'ASC'))
        cls._transitions |= {
            ('draft', 'discussion'),
            ('discussion', 'draft'),
            ('discussion', 'reviewed'),
            ('reviewed', 'discussion'),
            ('reviewed', 'approved'),
            ('approved', 'published'),
            ('published', 'superseded'),
            ('published', 'abolished'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'discussion',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'discuss': {
                    'invisible': ~Eval('state').in_(['draft', 'reviewed']),
                    'icon': If(Eval('state') == 'draft',
                        'tryton-forward', 'tryton-back'),
                    'depends': ['state'],
                    },
                'review': {
                    'invisible': Eval('state') != 'discussion',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'reviewed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'abolish': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_version(cls):
        return '1.0'

    def get_rec_name(self, name):
        return '%s (%s)' % (self.name, self.version)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state').in_(['superseded', 'abolished']),
                    'muted', '')),
            ]

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'delete':
            for document in documents:
                if document.state != 'draft':
                    raise AccessError(gettext(
                            'regulation_base.msg_document_delete_draft',
                            document=document.rec_name))

    @classmethod
    def copy(cls, documents, default=None):
        default = default.copy() if default else {}
        default.setdefault('reviewed_by')
        default.setdefault('approved_by')
        default.setdefault('superseded_by')
        default.setdefault('effective_date')
        default.setdefault('objections')
        return super().copy(documents, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, documents):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('discussion')
    def discuss(cls, documents):
        "The admin & HR office convenes the departments"

    @classmethod
    @ModelView.button
    @Workflow.transition('reviewed')
    def review(cls, documents):
        for document in documents:
            if any(o.state == 'open' for o in document.objections):
                raise RegulationError(gettext(
                        'regulation_base.msg_document_open_objections',
                        document=document.rec_name))
        cls.write(documents, {'reviewed_by': _current_employee()})

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, documents):
        "The chairman approves; pending objections get his final ruling"
        pool = Pool()
        Objection = pool.get('regulation.document.objection')
        for document in documents:
            if not document.effective_date:
                raise RegulationError(gettext(
                        'regulation_base.msg_document_effective_date',
                        document=document.rec_name))
        Objection.check_ruled([
                o for d in documents for o in d.objections])
        cls.write(documents, {'approved_by': _current_employee()})

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, documents):
        "Publish and supersede the published versions with the same code"
        to_supersede = {}
        for document in documents:
            if not document.code:
                continue
            for old in cls.search([
                        ('code', '=', document.code),
                        ('state', '=', 'published'),
                        ('id', '!=', document.id),
                        ]):
                to_supersede[old] = document
        for old, new in to_supersede.items():
            old.superseded_by = new
        cls.save(list(to_supersede))
        cls.supersede(list(to_supersede))

    @classmethod
    @Workflow.transition('superseded')
    def supersede(cls, documents):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('abolished')
    def abolish(cls, documents):
        pass

    @classmethod
    def is_in_force(cls, code, company, date=None):
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        if company is None:
            return True
        date = date or Date.today()
        company = Company(int(company))
        # drafts and documents under review do not count: until a version
        # is published, the register does not decide for the module
        documents = cls.search([
                ('code', '=', code),
                ('state', 'in', ['published', 'superseded', 'abolished']),
                ])
        if not documents:
            return True
        ancestors = set(company.ancestors())
        for document in documents:
            if (document.state == 'published'
                    and (not document.effective_date
                        or document.effective_date <= date)
                    and ancestors & set(document.companies)):
                return True
        return False


class DocumentCompany(ModelSQL):
    "Regulation in force for a company"
    __name__ = 'regulation.document-company.company'
    document = fields.Many2One(
        'regulation.document', "Regulation", required=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the rights of the regulation: without them, any user could put a
        # regulation in or out of force for a company (RB-6) through RPC
        cls.__access__.add('document')
        t = cls.__table__()
        cls._sql_constraints += [
            ('document_company_unique', Unique(t, t.document, t.company),
                'regulation_base.msg_document_company_unique'),
            ]


class Clause(ModelSQL, ModelView):
    "Regulation clause"
    __name__ = 'regulation.document.clause'
    document = fields.Many2One(
        'regulation.document', "Regulation", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    code = fields.Char(
        "Code", required=True, help="The clause id, e.g. OP-7.")
    text = fields.Text("Text", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
        cls._order.insert(0, ('sequence', 'ASC NULLS FIRST'))

    def get_rec_name(self, name):
        return self.code


class Objection(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Written objection to a regulation"
    _workflow_guarded = {'state', 'ruled_by'}
    __name__ = 'regulation.document.objection'
    _states = {'readonly': Eval('state') != 'open'}
    document = fields.Many2One(
        'regulation.document', "Regulation", required=True,
        ondelete='CASCADE', states=_states)
    department = fields.Many2One(
        'company.department', "Department", required=True, states=_states)
    author = fields.Many2One(
        'company.employee', "Author", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    report = fields.Text(
        "Written Report", required=True, states=_states,
        help="Objections are only accepted as a written report to the "
        "admin & HR office.")
    answer = fields.Text("Answer", states=_states)
    ruling = fields.Text(
        "Chairman's Ruling", states=_states,
        help="The chairman's ruling is final.")
    ruled_by = fields.Many2One(
        'company.employee', "Ruled By", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ('ruled', "Ruled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
        cls._transitions |= {
            ('open', 'answered'),
            ('open', 'ruled'),
            ('answered', 'ruled'),
            }
        cls._buttons.update({
                'answer_': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'rule': {
                    'invisible': Eval('state') == 'ruled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def check_ruled(cls, objections):
        for objection in objections:
            if objection.state == 'open':
                raise RegulationError(gettext(
                        'regulation_base.msg_document_open_objections',
                        document=objection.document.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer_(cls, objections):
        for objection in objections:
            if not objection.answer:
                raise RegulationError(gettext(
                        'regulation_base.msg_objection_answer_required',
                        objection=objection.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('ruled')
    def rule(cls, objections):
        for objection in objections:
            if not objection.ruling:
                raise RegulationError(gettext(
                        'regulation_base.msg_objection_ruling_required',
                        objection=objection.rec_name))
        cls.write(objections, {'ruled_by': _current_employee()})


class Parameter(DeactivableMixin, ModelSQL, ModelView):
    "Regulation parameter"
    __name__ = 'regulation.parameter'
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Leave empty to apply to every company without its own value.")
    type = fields.Selection([
            ('amount', "Amount"),
            ('count', "Count"),
            ('hours', "Hours"),
            ('days', "Days"),
            ('percentage', "Percentage"),
            ('number', "Number"),
            ], "Type", required=True, sort=False)
    value = fields.Numeric("Value", digits=(16, 4), required=True)
    effective_date = fields.Date("Effective Date", required=True)
    clause = fields.Char(
        "Clause", help="The regulation clause the value applies, e.g. OP-8.")
    document = fields.Many2One('regulation.document', "Regulation")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.code, Index.Equality())))
        cls._order = [
            ('code', 'ASC'), ('company', 'ASC NULLS FIRST'),
            ('effective_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_effective_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_type(cls):
        return 'number'

    @classmethod
    def validate_fields(cls, parameters, field_names):
        super().validate_fields(parameters, field_names)
        for parameter in parameters:
            if (parameter.type in {'amount', 'count', 'hours', 'days',
                        'percentage'}
                    and parameter.value is not None and parameter.value < 0):
                raise ParameterError(gettext(
                        'regulation_base.msg_parameter_negative',
                        parameter=parameter.rec_name,
                        value=parameter.value))

    @classmethod
    def get(cls, code, company=None, date=None, default=None):
        """Return the value of the parameter code for company at date.

        The company's own value wins over its parent's and over the value
        for every company; the latest effective date not after date wins.
        """
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        if company is None:
            company = Transaction().context.get('company')
        date = date or Date.today()
        company_id = int(company) if company is not None else None
        candidates = [None]
        if company_id is not None and company_id >= 0:
            candidates = [
                c.id for c in Company(company_id).ancestors()] + [None]
        parameters = cls.search([
                ('code', '=', code),
                ('company', 'in', candidates),
                ('effective_date', '<=', date),
                ], order=[('effective_date', 'DESC')])
        for candidate in candidates:
            for parameter in parameters:
                owner = parameter.company.id if parameter.company else None
                if owner == candidate:
                    return parameter.value
        if default is None:
            raise ParameterError(gettext(
                    'regulation_base.msg_parameter_missing', code=code))
        return Decimal(str(default)) if not isinstance(
            default, Decimal) else default
