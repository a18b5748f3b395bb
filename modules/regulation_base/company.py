# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Org chart (RB-1): branches, departments, job levels, roles, delegation."""
import datetime as dt

from sql import Null
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields, tree
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import ResolutionError

JOB_LEVELS = [
    ('staff', "Staff"),
    ('middle', "Middle Manager"),
    ('senior', "Senior Manager"),
    ]

ROLES = [
    ('chairman', "Chairman"),
    ('executive_director', "Executive Director"),
    ('general_manager', "General Manager"),
    ('gm_office', "GM Office"),
    ('admin_hr', "Admin & HR Office"),
    ('finance', "Finance"),
    ('sales_head', "Sales Head"),
    ('sales_vp', "Sales VP"),
    ('purchasing_head', "Purchasing Head"),
    ('warehouse_keeper', "Warehouse Keeper"),
    ('legal_officer', "Legal Officer"),
    ('planning_operations', "Planning & Operations"),
    ('management_representative', "Management Representative"),
    ]


def _today():
    return Pool().get('ir.date').today()


class Company(tree(), metaclass=PoolMeta):
    __name__ = 'company.company'
    parent = fields.Many2One(
        'company.company', "Parent", ondelete='RESTRICT',
        help="The company this branch belongs to.")
    childs = fields.One2Many('company.company', 'parent', "Branches")

    def ancestors(self):
        "Return the company then its parents up to the head office"
        company, seen = self, set()
        while company and company.id not in seen:
            seen.add(company.id)
            yield company
            company = company.parent

    @property
    def head_office(self):
        return list(self.ancestors())[-1]


class Department(DeactivableMixin, tree(), ModelSQL, ModelView):
    "Department or team"
    __name__ = 'company.department'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    parent = fields.Many2One(
        'company.department', "Parent", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    childs = fields.One2Many('company.department', 'parent', "Children")
    head = fields.Many2One(
        'company.employee', "Head",
        domain=[('company', '=', Eval('company', -1))],
        help="The head of the department or team (部门主管).")
    vp = fields.Many2One(
        'company.employee', "VP in Charge",
        domain=[('company', '=', Eval('company', -1))],
        help="The vice president in charge of the department (分管领导).")
    employees = fields.One2Many(
        'company.employee', 'department', "Employees", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        if self.parent:
            return '%s / %s' % (self.parent.rec_name, self.name)
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    def ancestors(self):
        department, seen = self, set()
        while department and department.id not in seen:
            seen.add(department.id)
            yield department
            department = department.parent

    def get_head(self, exclude=None):
        "Return the head of the department (or of a parent) but exclude"
        for department in self.ancestors():
            if department.head and department.head != exclude:
                return department.head

    def get_vp(self):
        "Return the VP in charge of the department or of its parents"
        for department in self.ancestors():
            if department.vp:
                return department.vp


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    department = fields.Many2One(
        'company.department', "Department", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    job_level = fields.Selection(
        JOB_LEVELS, "Job Level", required=True, sort=False)
    roles = fields.One2Many('regulation.role', 'employee', "Roles")

    @classmethod
    def default_job_level(cls):
        return 'staff'

    def has_role(self, role, date=None):
        pool = Pool()
        Role = pool.get('regulation.role')
        return self in Role.holders(role, self.company, date=date)

    def is_head_of(self, department):
        return department and self in {
            d.head for d in department.ancestors()}


class Role(ModelSQL, ModelView):
    "Role assignment"
    __name__ = 'regulation.role'
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    role = fields.Selection(ROLES, "Role", required=True, sort=False)
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    start_date = fields.Date(
        "Start Date",
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('start_date', '<=', Eval('end_date')), ())])
    end_date = fields.Date(
        "End Date",
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')), ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('role', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return '%s: %s' % (
            self.get_role_string(self.role) if self.role else '',
            self.employee.rec_name if self.employee else '')

    @classmethod
    def get_role_string(cls, role):
        return dict(cls.fields_get(['role'])['role']['selection'])[role]

    @classmethod
    def _date_domain(cls, date):
        return [
            ['OR', ('start_date', '=', None), ('start_date', '<=', date)],
            ['OR', ('end_date', '=', None), ('end_date', '>=', date)],
            ]

    @classmethod
    def holders(cls, role, company, date=None):
        "Return the employees holding role in company at date"
        date = date or _today()
        company_id = int(company)
        roles = cls.search([
                ('role', '=', role),
                ('company', '=', company_id),
                ] + cls._date_domain(date))
        return [r.employee for r in roles]

    @classmethod
    def holder(cls, role, company, date=None):
        """Return the holder of role in company at date.

        A branch without a holder inherits the one of its parent company.
        Raise ResolutionError when nobody holds the role.
        """
        pool = Pool()
        Company = pool.get('company.company')
        company = Company(int(company))
        for current in company.ancestors():
            holders = cls.holders(role, current, date=date)
            if holders:
                return holders[0]
        raise ResolutionError(gettext(
                'regulation_base.msg_role_no_holder',
                role=cls.get_role_string(role),
                company=company.rec_name))

    @classmethod
    def employee_roles(cls, employees, date=None):
        "Return the set of (company id, role) held by employees at date"
        date = date or _today()
        roles = cls.search([
                ('employee', 'in', [int(e) for e in employees]),
                ] + cls._date_domain(date))
        return {(r.company.id, r.role) for r in roles}


class Delegation(ModelSQL, ModelView):
    "Approval delegation while absent"
    __name__ = 'regulation.delegation'
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Absent Employee", required=True,
        ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    delegate = fields.Many2One(
        'company.employee', "Delegate", required=True, ondelete='CASCADE',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('id', '!=', Eval('employee', -1)),
            ])
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('start_date', 'DESC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_start_date():
        return _today()

    @classmethod
    def validate_fields(cls, delegations, field_names):
        super().validate_fields(delegations, field_names)
        for delegation in delegations:
            if (delegation.start_date and delegation.end_date
                    and delegation.start_date > delegation.end_date):
                raise ValidationError(gettext(
                        'regulation_base.msg_dates_order',
                        record=delegation.rec_name,
                        start=delegation.start_date,
                        end=delegation.end_date))
            if delegation.employee == delegation.delegate:
                raise ValidationError(gettext(
                        'regulation_base.msg_delegation_self',
                        employee=delegation.employee.rec_name))

    @classmethod
    def principals(cls, delegates, date=None):
        "Return the employees who delegated to one of delegates at date"
        if not delegates:
            return []
        date = date or _today()
        if isinstance(date, dt.datetime):
            date = date.date()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.employee,
                where=table.delegate.in_([int(d) for d in delegates])
                & (table.start_date <= date)
                & (Coalesce(table.end_date, date) >= date)
                & (table.employee != Null)))
        return [r for r, in cursor]


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def acting_employees(cls, date=None):
        """Return the employees the current user may act as at date:
        their own and those who delegated to them."""
        pool = Pool()
        Delegation = pool.get('regulation.delegation')
        user = cls(Transaction().user)
        own = [e.id for e in user.employees]
        return set(own) | set(Delegation.principals(own, date=date))
