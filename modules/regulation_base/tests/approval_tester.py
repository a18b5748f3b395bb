# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A test-only document adopting ApprovalMixin the way consumers do."""
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.regulation_base.approval import ApprovalMixin
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access


class ApprovalTester(ApprovalMixin, Workflow, ModelSQL, ModelView):
    "Approval Tester"
    __name__ = 'regulation.test.approval'
    _approval_regulation = 'test_regulation'
    _approval_material_fields = {'amount'}

    name = fields.Char("Name")
    company = fields.Many2One('company.company', "Company", required=True)
    employee = fields.Many2One('company.employee', "Employee", required=True)
    department = fields.Many2One('company.department', "Department")
    amount = fields.Numeric("Amount", digits=(16, 2))
    notes = fields.Text("Notes")
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting"),
            ('approved', "Approved"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'waiting'),
            ('waiting', 'draft'),
            ('waiting', 'approved'),
            }
        # no _buttons: the XML of tests/ is not loaded, so the scenario
        # calls request_approval over RPC as a button would call submit
        cls.__rpc__.update({
                'request_approval': RPC(readonly=False, instantiate=0),
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    def approval_amount(self):
        return self.amount

    @classmethod
    @ApprovalMixin.submitting('waiting')
    def submit(cls, records):
        pass

    @classmethod
    def request_approval(cls, records):
        with without_check_access():
            cls.submit(records)

    @classmethod
    @Workflow.transition('draft')
    def draft(cls, records):
        pass

    @classmethod
    @ApprovalMixin.required
    @Workflow.transition('approved')
    def approve(cls, records):
        pass
