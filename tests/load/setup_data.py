# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create the documents the load, concurrency and fault tests work on, on
a database holding the demo data, and print them as JSON.

    python tests/load/setup_data.py CONFIG DATABASE approvals N
        N line requests of sun.hao submitted: their pending approvals for
        aftersales_head (the head of after-sales)
    python tests/load/setup_data.py CONFIG DATABASE delegation
        aftersales_head delegates to ops_vp from today (two approvers of
        the same step)
    python tests/load/setup_data.py CONFIG DATABASE penalties N
        N draft penalties of the after-sales department; admin becomes a
        penalty manager

Runs with proteus on the trytond library (not over the network), before
or while the server runs.
"""
import datetime as dt
import importlib.util
import json
import os
import sys
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
REQUESTER = 'sun.hao'
APPROVER = 'aftersales_head'
DELEGATE = 'ops_vp'


def _demo():
    spec = importlib.util.spec_from_file_location(
        'zhidu_demo_data', os.path.join(ROOT, 'scripts', 'demo_data.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def approvals(demo, cfg, count):
    from proteus import Model
    ucfg = demo.user_config(cfg, REQUESTER)
    Request = Model.get('office.phone.line.request', config=ucfg)
    Department = Model.get('company.department', config=ucfg)
    User = Model.get('res.user', config=cfg)
    requester, = User.find([('login', '=', REQUESTER)])
    department = Department(requester.employees[0].department.id)
    requests = []
    for i in range(count):
        request = Request(action='add', new_number='020-8%07d' % (
                os.getpid() % 1000 * 10000 + i),
            line_kind='external', carrier='中国电信',
            department=department,
            reason='负载测试线路申请 %d' % i)
        request.holder = request.employee
        requests.append(request)
    Request.save(requests)
    for start in range(0, len(requests), 100):
        Request.click(requests[start:start + 100], 'submit')
    Approval = Model.get('regulation.approval', config=cfg)
    origins = {'office.phone.line.request,%s' % r.id: r.id
        for r in requests}
    found = Approval.find([
            ('origin', 'in', list(origins)),
            ('state', '=', 'pending'),
            ])
    return sorted([a.id, origins[str(a.origin)]] for a in found
        if str(a.origin) in origins)


def delegation(demo, cfg):
    from proteus import Model
    Delegation = Model.get('regulation.delegation', config=cfg)
    Employee = Model.get('company.employee', config=cfg)
    User = Model.get('res.user', config=cfg)
    absent, = User.find([('login', '=', APPROVER)])
    delegate, = User.find([('login', '=', DELEGATE)])
    employee = Employee(absent.employees[0].id)
    record = Delegation(company=employee.company, employee=employee,
        delegate=Employee(delegate.employees[0].id),
        start_date=dt.date.today() - dt.timedelta(days=1),
        end_date=dt.date.today() + dt.timedelta(days=7))
    record.save()
    return [record.id]


def penalties(demo, cfg, count):
    from proteus import Model
    Group = Model.get('res.group', config=cfg)
    User = Model.get('res.user', config=cfg)
    Penalty = Model.get('regulation.penalty', config=cfg)
    Department = Model.get('company.department', config=cfg)
    Company = Model.get('company.company', config=cfg)
    admin, = User.find([('login', '=', 'admin')])
    group = Group(demo.xml_id('regulation_base', 'group_penalty_admin', cfg))
    if group not in admin.groups:
        admin.groups.append(group)
        admin.save()
    head, = User.find([('login', '=', APPROVER)])
    department = Department(head.employees[0].department.id)
    company = Company(head.employees[0].company.id)
    Rule = Model.get('regulation.penalty.rule', config=cfg)
    rule = Rule.find([('kind', '=', 'fine')], limit=1)[0]
    records = []
    for i in range(count):
        penalty = Penalty(company=company, department=department,
            date=dt.date.today(), rule=rule)
        penalty.kind = 'fine'
        penalty.points = 1
        penalty.amount = Decimal('50.00')
        penalty.description = '并发测试罚款 %d' % i
        records.append(penalty)
    Penalty.save(records)
    return [p.id for p in records]


def main(argv):
    config_file, database, what = argv[:3]
    demo = _demo()
    cfg = demo.connect(database, config_file)
    if what == 'approvals':
        result = approvals(demo, cfg, int(argv[3]))
    elif what == 'delegation':
        result = delegation(demo, cfg)
    elif what == 'penalties':
        result = penalties(demo, cfg, int(argv[3]))
    else:
        raise SystemExit('unknown: %s' % what)
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1:])
