# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Complaints with investigation, CAPA and verification; returns rules
(AS-7, AS-8, AS-9)."""
import datetime as dt
from decimal import Decimal

from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.company.model import employee_field
from trytond.modules.regulation_base import in_force
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import ComplaintError, ReturnRuleError
from .tools import REGULATION, parameter, send_mail

RESPONSIBILITIES = [
    (None, ""),
    ('company', "Company"),
    ('customer', "Customer"),
    ('supplier', "Supplier"),
    ('undetermined', "Undetermined"),
    ]
RETURN_REASONS = [
    (None, ""),
    ('no_reason', "No-Reason Return"),
    ('quality', "Quality Defect"),
    ]
OPEN = ['draft', 'waiting', 'approved']


class Type(metaclass=PoolMeta):
    __name__ = 'sale.complaint.type'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        domain = cls.origin.domain[0]
        names = list(domain[2]) + ['aftersales.request']
        cls.origin.domain = [('name', 'in', names)]


class Complaint(metaclass=PoolMeta):
    __name__ = 'sale.complaint'
    _open = {'readonly': ~Eval('state').in_(OPEN)}

    contact = fields.Char(
        "Contact", states=_open,
        help="Who reported it (客户信息反馈登记表).")
    channel = fields.Selection([
            (None, ""),
            ('phone', "Phone"),
            ('email', "E-mail"),
            ('letter', "Letter"),
            ('visit', "Visit"),
            ], "Channel", states=_open)
    quality = fields.Boolean(
        "Quality Issue", states=_open,
        help="A quality complaint needs CAPA actions and the management "
        "representative's verification before approval (AS-7).")
    investigation = fields.Text("Investigation", states=_open)
    root_cause = fields.Text("Root Cause", states=_open)
    responsibility = fields.Selection(
        RESPONSIBILITIES, "Responsibility", states=_open,
        help="The company remedies when it is responsible or when the "
        "responsibility is undetermined (AS-7).")
    responsibility_string = responsibility.translated('responsibility')
    supplier = fields.Many2One(
        'party.party', "Supplier",
        context={'company': Eval('company', -1)}, depends={'company'},
        states={
            'readonly': _open['readonly'],
            'required': Eval('responsibility') == 'supplier',
            'invisible': Eval('responsibility') != 'supplier',
            },
        help="The supplier of the bought-in part (AS-8).")
    routed_to_purchasing = fields.DateTime(
        "Routed to Purchasing", readonly=True)
    capa_actions = fields.One2Many(
        'sale.complaint.capa', 'complaint', "CAPA Actions",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    escalated = fields.DateTime("Escalated to Management", readonly=True)
    verified_by = employee_field(
        "Verified By", states=['waiting', 'approved', 'done'])
    verified = fields.Date("Verified", readonly=True)
    verification = fields.Text(
        "Verification", states={
            'readonly': Eval('state') != 'waiting',
            })
    # Returns (AS-9)
    return_reason = fields.Selection(
        RETURN_REASONS, "Return Reason", states=_open)
    purchase_date = fields.Date(
        "Purchase Date", states=_open,
        help="The sale's date when empty.")
    packaging_intact = fields.Boolean("Packaging Intact", states=_open)
    quantity_right = fields.Boolean("Quantity Right", states=_open)
    resalable = fields.Boolean("Resalable", states=_open)
    vat_invoice_issued = fields.Boolean("VAT Invoice Issued", states=_open)
    vat_original_returned = fields.Boolean(
        "VAT Invoice Original Returned", states={
            'readonly': _open['readonly'],
            'invisible': ~Eval('vat_invoice_issued'),
            })
    return_freight = fields.Function(fields.Selection([
                (None, ""),
                ('customer', "Customer"),
                ('company', "Company"),
                ], "Return Freight Paid By"),
        'on_change_with_return_freight')
    return_fee_rate = fields.Function(
        fields.Numeric("Return Fee Rate (%)", digits=(16, 2)),
        'on_change_with_return_fee_rate')
    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.origin.domain['aftersales.request'] = [
            ('company', '=', Eval('company', -1)),
            ]
        cls._buttons.update({
                'escalate': {
                    'invisible': (~Eval('state').in_(OPEN)
                        | Bool(Eval('escalated'))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'escalated'],
                    },
                'verify': {
                    'invisible': ((Eval('state') != 'waiting')
                        | Bool(Eval('verified'))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'verified'],
                    },
                })

    @classmethod
    def _actions_domains(cls):
        domains = super()._actions_domains()
        domains['aftersales.request'] = []
        return domains

    @classmethod
    def default_quality(cls):
        return False

    @classmethod
    def default_packaging_intact(cls):
        return False

    @classmethod
    def default_quantity_right(cls):
        return False

    @classmethod
    def default_resalable(cls):
        return False

    @classmethod
    def default_vat_invoice_issued(cls):
        return False

    @classmethod
    def default_vat_original_returned(cls):
        return False

    @fields.depends('origin', 'customer')
    def on_change_origin(self):
        Request = Pool().get('aftersales.request')
        super().on_change_origin()
        if (not self.customer and isinstance(self.origin, Request)
                and self.origin.id >= 0):
            self.customer = self.origin.customer

    @fields.depends('return_reason')
    def on_change_with_return_freight(self, name=None):
        if self.return_reason == 'no_reason':
            return 'customer'
        elif self.return_reason:
            return 'company'

    @fields.depends('return_reason', 'vat_invoice_issued',
        'vat_original_returned', 'company')
    def on_change_with_return_fee_rate(self, name=None):
        if (self.return_reason == 'no_reason' and self.vat_invoice_issued
                and not self.vat_original_returned and self.company):
            return parameter('vat_return_fee', self.company, 14)
        return Decimal(0)

    @classmethod
    def validate_fields(cls, complaints, field_names):
        super().validate_fields(complaints, field_names)
        if field_names and not ({'responsibility', 'supplier'}
                & set(field_names)):
            return
        for complaint in complaints:
            if complaint.responsibility == 'supplier' and not (
                    complaint.supplier):
                raise ComplaintError(gettext(
                        'aftersales_service.msg_complaint_supplier_required',
                        complaint=complaint.rec_name))

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default else {}
        for name in ['routed_to_purchasing', 'escalated', 'verified_by',
                'verified', 'verification']:
            default.setdefault(name, None)
        return super().copy(complaints, default=default)

    # Supplier defects (AS-8, the contract with purchase_flow PF-9)

    @classmethod
    def supplier_defect_counts(cls, supplier_ids, start_date, end_date,
            company=None):
        """Return {supplier id: number of complaints held against it}: the
        complaints with responsibility supplier, neither cancelled nor
        rejected, dated from start_date to end_date"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        counts = {int(s): 0 for s in supplier_ids}
        for sub_ids in grouped_slice(list(counts)):
            where = (table.supplier.in_(list(sub_ids))
                & (table.responsibility == 'supplier')
                & ~table.state.in_(['cancelled', 'rejected'])
                & (table.date >= start_date)
                & (table.date <= end_date))
            if company is not None:
                where &= table.company == int(company)
            cursor.execute(*table.select(
                    table.supplier, Count(table.id),
                    where=where, group_by=[table.supplier]))
            for supplier, count in cursor:
                counts[supplier] = count
        return counts

    @classmethod
    def route_to_purchasing(cls, complaints):
        "Send the supplier's defects to the purchasing head (AS-8)"
        pool = Pool()
        Role = pool.get('regulation.role')
        routed = []
        for complaint in complaints:
            if (complaint.responsibility != 'supplier'
                    or complaint.routed_to_purchasing
                    or not in_force(REGULATION, complaint.company)):
                continue
            holders = Role.holders('purchasing_head', complaint.company)
            send_mail(
                [e.party for e in holders],
                gettext('aftersales_service.msg_supplier_defect_subject',
                    complaint=complaint.rec_name,
                    supplier=complaint.supplier.rec_name),
                gettext('aftersales_service.msg_supplier_defect_body',
                    complaint=complaint.rec_name,
                    supplier=complaint.supplier.rec_name,
                    root_cause=complaint.root_cause or ''))
            routed.append(complaint)
        if routed:
            cls.write(routed, {
                    'routed_to_purchasing': dt.datetime.now().replace(
                        microsecond=0)})
        return routed

    # Workflow

    @classmethod
    @ModelView.button
    def wait(cls, complaints):
        super().wait(complaints)
        cls.route_to_purchasing(complaints)

    @classmethod
    @ModelView.button
    def escalate(cls, complaints):
        "Escalate to top management: general manager and chairman (AS-7)"
        pool = Pool()
        Role = pool.get('regulation.role')
        for complaint in complaints:
            managers = (Role.holders('general_manager', complaint.company)
                + Role.holders('chairman', complaint.company))
            send_mail(
                [e.party for e in managers],
                gettext('aftersales_service.msg_complaint_escalation_subject',
                    complaint=complaint.rec_name),
                gettext('aftersales_service.msg_complaint_escalation_body',
                    complaint=complaint.rec_name,
                    customer=complaint.customer.rec_name,
                    description=complaint.description or ''))
        cls.write(complaints, {
                'escalated': dt.datetime.now().replace(microsecond=0)})

    @classmethod
    @ModelView.button
    def verify(cls, complaints):
        """The management representative approves the verification of the
        CAPA results (AS-7)"""
        pool = Pool()
        Role = pool.get('regulation.role')
        User = pool.get('res.user')
        Date = pool.get('ir.date')
        user = User(Transaction().user)
        employee = user.employee
        for complaint in complaints:
            holders = Role.holders(
                'management_representative', complaint.company)
            if not employee or employee not in holders:
                raise ComplaintError(gettext(
                        'aftersales_service.msg_complaint_verify_role',
                        complaint=complaint.rec_name))
            complaint.check_capa()
        if not complaints:
            return
        cls.write(complaints, {
                'verified_by': employee.id,
                'verified': Date.today(),
                })
        cls.route_to_purchasing(complaints)

    def check_capa(self):
        "Root cause, responsibility and done CAPA actions are required"
        if not (self.root_cause or '').strip() or not self.responsibility:
            raise ComplaintError(gettext(
                    'aftersales_service.msg_complaint_investigation',
                    complaint=self.rec_name))
        if not any(a.kind == 'corrective' for a in self.capa_actions):
            raise ComplaintError(gettext(
                    'aftersales_service.msg_complaint_no_capa',
                    complaint=self.rec_name))
        for action in self.capa_actions:
            if not action.done_date:
                raise ComplaintError(gettext(
                        'aftersales_service.msg_complaint_capa_open',
                        complaint=self.rec_name, action=action.rec_name))

    @classmethod
    @ModelView.button
    def approve(cls, complaints):
        for complaint in complaints:
            if not in_force(REGULATION, complaint.company):
                continue
            if complaint.quality and not complaint.verified:
                raise ComplaintError(gettext(
                        'aftersales_service.msg_complaint_not_verified',
                        complaint=complaint.rec_name))
            # approving queues the processing: refuse at once what it would
            complaint.check_return_rules()
        super().approve(complaints)

    @classmethod
    @ModelView.button
    def process(cls, complaints):
        for complaint in complaints:
            if in_force(REGULATION, complaint.company):
                complaint.check_return_rules()
        super().process(complaints)

    def compute_purchase_date(self):
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        if self.purchase_date:
            return self.purchase_date
        origin = self.origin
        if isinstance(origin, SaleLine):
            origin = origin.sale
        if isinstance(origin, InvoiceLine):
            origin = origin.invoice
        if isinstance(origin, Sale):
            return origin.sale_date
        if isinstance(origin, Invoice):
            return origin.invoice_date

    def check_return_rules(self):
        "Enforce the returns rules on the return actions (AS-9)"
        returns = [a for a in self.actions
            if not a.result and a.action in {'sale_return', 'credit_note'}]
        if not returns:
            return
        if not self.return_reason:
            raise ReturnRuleError(gettext(
                    'aftersales_service.msg_return_reason_required',
                    complaint=self.rec_name))
        if self.return_reason == 'quality':
            # a quality defect is returned or exchanged unconditionally
            return
        days = int(parameter('return_days', self.company, 7))
        purchase_date = self.compute_purchase_date()
        if not purchase_date or (self.date - purchase_date).days > days:
            raise ReturnRuleError(gettext(
                    'aftersales_service.msg_return_too_late',
                    complaint=self.rec_name, days=days,
                    purchase_date=purchase_date or ''))
        for name in ['packaging_intact', 'quantity_right', 'resalable']:
            if not getattr(self, name):
                raise ReturnRuleError(gettext(
                        'aftersales_service.msg_return_condition',
                        complaint=self.rec_name,
                        condition=self.fields_get([name])[name]['string']))


class Action(metaclass=PoolMeta):
    __name__ = 'sale.complaint.action'

    def do_sale_return(self):
        return_sale = super().do_sale_return()
        complaint = self.complaint
        if return_sale and complaint.return_freight == 'customer':
            note = gettext('aftersales_service.msg_return_freight_customer')
            return_sale.comment = '\n'.join(
                filter(None, [return_sale.comment, note]))
        return return_sale

    def do_credit_note(self):
        "Add the fee for a VAT invoice not returned to the credit note (AS-9)"
        pool = Pool()
        Line = pool.get('account.invoice.line')
        credit_note = super().do_credit_note()
        rate = self.complaint.return_fee_rate
        if not credit_note or not rate:
            return credit_note
        fees = []
        with Transaction().set_context(_account_invoice_correction=True):
            for line in credit_note.lines:
                if line.type != 'line' or line.quantity >= 0:
                    continue
                fees.append(Line.copy([line], default={
                            'quantity': -line.quantity,
                            'unit_price': (line.unit_price * rate / 100
                                ).quantize(Decimal(1) / 10 ** 4),
                            'description': gettext(
                                'aftersales_service.msg_return_vat_fee',
                                rate=rate,
                                line=line.description
                                or line.product.rec_name),
                            })[0])
        credit_note.update_taxes()
        return credit_note


class CAPA(ModelSQL, ModelView):
    "Corrective or preventive action"
    __name__ = 'sale.complaint.capa'
    _states = {'readonly': Bool(Eval('done_date'))}
    complaint = fields.Many2One(
        'sale.complaint', "Complaint", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('corrective', "Corrective"),
            ('preventive', "Preventive"),
            ], "Kind", required=True, sort=False, states=_states)
    kind_string = kind.translated('kind')
    description = fields.Text("Action", required=True, states=_states)
    owner = fields.Many2One(
        'company.employee', "Owner", required=True, states=_states)
    due_date = fields.Date("Due Date", required=True, states=_states)
    done_date = fields.Date("Done Date")
    result = fields.Text("Result")
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('complaint')
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'corrective'

    def get_rec_name(self, name):
        return (self.description or '').splitlines()[0][:60] if (
            self.description) else str(self.id)

    def get_overdue(self, name):
        today = Pool().get('ir.date').today()
        return not self.done_date and self.due_date < today

    @classmethod
    def validate(cls, actions):
        super().validate(actions)
        for action in actions:
            if action.done_date and not (action.result or '').strip():
                raise ComplaintError(gettext(
                        'aftersales_service.msg_capa_result_required',
                        action=action.rec_name))
