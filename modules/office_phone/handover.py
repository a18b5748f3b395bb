# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Departure hand-over of office phones (OP-12)."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import in_force
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import PhoneError
from .phone import REGULATION, DocumentMixin, PenaltyMaker, today


class Handover(DocumentMixin, Workflow, ModelSQL, ModelView):
    "Office phone hand-over"
    _workflow_guarded = {'state', 'received_by'}
    __name__ = 'office.phone.handover'
    _number_sequence = 'sequence_handover'
    _delete_error = ('msg_handover_delete', 'handover')
    _copy_reset = ['number', 'fault', 'penalties', 'received_by']
    _rec_name = 'number'
    _states = {'readonly': Eval('state') != 'draft'}
    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    employee = fields.Many2One(
        'company.employee', "Leaving Employee", required=True,
        states=_states,
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Many2One(
        'company.department', "Team", required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True, states=_states)
    lines = fields.Many2Many(
        'office.phone.handover-office.phone.line', 'handover', 'line',
        "Lines", states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The lines (and their sets) the employee hands over.")
    set_returned = fields.Boolean("Set Returned", states=_states)
    condition = fields.Selection([
            ('good', "Good Order"),
            ('fault', "Faulty"),
            ('damaged', "Damaged by the Person"),
            ], "Condition", required=True, sort=False, states=_states)
    fault = fields.Many2One(
        'office.phone.fault', "Fault Report", readonly=True,
        help="The fault reported to the admin & HR office.")
    set = fields.Many2One(
        'office.phone.set', "Phone Set", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('condition').in_(['fault', 'damaged']),
            },
        domain=[('company', '=', Eval('company', -1))])
    notes = fields.Text("Notes", states=_states)
    penalties = fields.One2Many(
        'regulation.penalty', 'origin', "Penalties", readonly=True)
    received_by = employee_field("Received By", states=['done'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'do': {
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
    def default_condition(cls):
        return 'good'

    @classmethod
    def default_date(cls):
        return today()

    @fields.depends('employee', 'department', 'lines', 'set')
    def on_change_employee(self):
        Line = Pool().get('office.phone.line')
        if self.employee:
            if self.employee.department:
                self.department = self.employee.department
            self.lines = Line.search([
                    ('holder', '=', self.employee.id),
                    ('state', '!=', 'closed'),
                    ])
            sets = [l.set for l in self.lines if l.set]
            if sets and not self.set:
                self.set = sets[0]

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @set_employee('received_by')
    def do(cls, handovers):
        """The admin & HR office receives the phone: the lines are released,
        a fault is reported and damage by the person is compensated at the
        set's purchase price (OP-12)."""
        pool = Pool()
        Line = pool.get('office.phone.line')
        Fault = pool.get('office.phone.fault')
        maker = PenaltyMaker()
        for handover in handovers:
            held = Line.search([
                    ('holder', '=', handover.employee.id),
                    ('state', '!=', 'closed'),
                    ])
            missing = set(held) - set(handover.lines)
            if missing or not handover.set_returned:
                raise PhoneError(gettext(
                        'office_phone.msg_handover_incomplete',
                        handover=handover.rec_name,
                        lines=', '.join(l.rec_name for l in missing)))
            if handover.condition in {'fault', 'damaged'}:
                fault, = Fault.create([{
                            'company': handover.company.id,
                            'set': handover.set.id,
                            'line': (handover.lines[0].id
                                if handover.lines else None),
                            'reporter': handover.employee.id,
                            'date': handover.date,
                            'description': handover.notes or gettext(
                                'office_phone.msg_handover_fault',
                                handover=handover.rec_name),
                            }])
                handover.fault = fault
                handover.save()
            if (handover.condition == 'damaged'
                    and in_force(REGULATION, handover.company,
                        handover.date)):
                maker.add('OP-12', handover.company, handover.date,
                    handover.department, handover,
                    employee=handover.employee,
                    amount=handover.set.purchase_price,
                    description=handover.notes)
            Line.change(list(handover.lines), {'holder': None})
        maker.create()

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, handovers):
        pass

    @classmethod
    def is_clear(cls, employee, date=None):
        """Tell whether employee may leave: they hold no office phone line
        any more (handed over through a done hand-over) (OP-12).

        Other modules (hr_approval) call it before a departure."""
        pool = Pool()
        Line = pool.get('office.phone.line')
        Employee = pool.get('company.employee')
        employee = Employee(int(employee))
        if not in_force(REGULATION, employee.company, date):
            return True
        with without_check_access():
            return not Line.search([
                    ('holder', '=', employee.id),
                    ('state', '!=', 'closed'),
                    ], limit=1)


class HandoverLine(ModelSQL):
    "Office phone hand-over line"
    __name__ = 'office.phone.handover-office.phone.line'
    handover = fields.Many2One(
        'office.phone.handover', "Hand-Over", required=True,
        ondelete='CASCADE')
    line = fields.Many2One(
        'office.phone.line', "Line", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the rights of the hand-over: without them, any user could add or
        # remove the lines of a hand-over through RPC
        cls.__access__.add('handover')
