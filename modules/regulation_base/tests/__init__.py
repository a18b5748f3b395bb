# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Factories for the unit tests of the suite modules.

They run inside a transaction (``with_transaction``) as root and return
records; other modules import them instead of copying setup code.
"""
from contextlib import contextmanager

from trytond.modules.company.tests import create_employee
from trytond.pool import Pool
from trytond.transaction import Transaction

__all__ = ['create_department', 'create_staff', 'create_user', 'as_user',
    'assign_role', 'create_chain', 'group']


def group(xml_id):
    "Return the res.group of xml_id (module.id)"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Group = pool.get('res.group')
    module, id_ = xml_id.split('.')
    return Group(ModelData.get_id(module, id_))


def create_department(company, name, parent=None, head=None, vp=None):
    Department = Pool().get('company.department')
    department, = Department.create([{
                'name': name,
                'company': company.id,
                'parent': parent.id if parent else None,
                'head': head.id if head else None,
                'vp': vp.id if vp else None,
                }])
    return department


def create_staff(company, name, department=None, job_level='staff'):
    "Create an employee of department"
    employee = create_employee(company, name)
    employee.department = department
    employee.job_level = job_level
    employee.save()
    return employee


def create_user(login, employee=None, groups=()):
    "Create a user acting as employee, member of the groups (xml ids)"
    pool = Pool()
    User = pool.get('res.user')
    values = {
        'login': login,
        'name': login,
        'groups': [('add', [group(g).id for g in groups])],
        }
    if employee:
        values.update({
                'companies': [('add', [employee.company.id])],
                'company': employee.company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                })
    user, = User.create([values])
    return user


@contextmanager
def as_user(user):
    "Act as user with the access checks of an RPC call"
    transaction = Transaction()
    with transaction.set_user(user.id), transaction.set_context(
            company=user.company.id if user.company else None,
            _check_access=True):
        yield


def assign_role(company, role, employee, start_date=None, end_date=None):
    Role = Pool().get('regulation.role')
    assignment, = Role.create([{
                'company': company.id,
                'role': role,
                'employee': employee.id,
                'start_date': start_date,
                'end_date': end_date,
                }])
    return assignment


def create_chain(model, steps, company=None, name=None, condition=None):
    """Create an approval chain for model.

    steps is a list of dictionaries of regulation.approval.chain.step values
    (name, approver, role, min_amount, condition ...).
    """
    Chain = Pool().get('regulation.approval.chain')
    chain, = Chain.create([{
                'name': name or model,
                'model': model,
                'company': company.id if company else None,
                'condition': condition,
                'steps': [('create', [
                            dict({'sequence': i}, **s)
                            for i, s in enumerate(steps, 1)])],
                }])
    return chain
