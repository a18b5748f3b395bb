# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Proteus factories for the scenarios of the suite modules."""
from proteus import Model

__all__ = ['create_department', 'create_staff_user', 'assign_role',
    'create_chain', 'get_group']


def get_group(xml_id, config=None):
    "Return the res.group of xml_id (module.id)"
    ModelData = Model.get('ir.model.data', config=config)
    Group = Model.get('res.group', config=config)
    module, fs_id = xml_id.split('.')
    return Group(ModelData.get_id(module, fs_id, {}))


def create_department(name, company, head=None, vp=None, parent=None,
        config=None):
    Department = Model.get('company.department', config=config)
    department = Department(
        name=name, company=company, head=head, vp=vp, parent=parent)
    department.save()
    return department


def create_staff_user(name, login, company, department=None,
        job_level='staff', groups=('regulation_base.group_regulation',),
        config=None):
    """Create an employee of department with a user acting as them.

    Return (employee, user).
    """
    Party = Model.get('party.party', config=config)
    Employee = Model.get('company.employee', config=config)
    User = Model.get('res.user', config=config)
    party = Party(name=name)
    party.save()
    employee = Employee(
        party=party, company=company, department=department,
        job_level=job_level)
    employee.save()
    Company = Model.get('company.company', config=config)
    user = User(login=login, name=name)
    user.companies.append(Company(company.id))
    user.company = Company(company.id)
    user.employees.append(Employee(employee.id))
    user.employee = Employee(employee.id)
    for xml_id in groups:
        user.groups.append(get_group(xml_id, config=config))
    user.save()
    return employee, user


def assign_role(role, employee, company, start_date=None, end_date=None,
        config=None):
    Role = Model.get('regulation.role', config=config)
    assignment = Role(
        role=role, employee=employee, company=company,
        start_date=start_date, end_date=end_date)
    assignment.save()
    return assignment


def create_chain(model, steps, company=None, name=None, config=None):
    """Create the approval chain of model.

    steps is a list of dictionaries of step values: name, approver
    (department_head, department_vp, role, employee), role, employee,
    min_amount, condition.
    """
    Chain = Model.get('regulation.approval.chain', config=config)
    chain = Chain(name=name or model, model=model, company=company)
    for sequence, values in enumerate(steps, 1):
        step = chain.steps.new(sequence=sequence)
        for key, value in values.items():
            setattr(step, key, value)
    chain.save()
    return chain
