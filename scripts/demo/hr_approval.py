# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of hr_approval (HR-1 … HR-8).

The departments file their personnel requests the way the regulation says;
the approvers decide as themselves, so the web client shows:

- the resignation of 孙浩 (after-sales engineer), approved by his manager
  and the VP, waiting for the general manager (张志强, login gm), his laptop
  and access card still to hand over;
- the recruitment of two sales representatives, approved and filed by the
  admin & HR office;
- the onboarding of a new R&D engineer waiting for the first interview of
  the admin & HR office (马丽, login hr).

The admin & HR offices (hr, zhu.lin, sh.hr, gz.hr) join the personnel
administration group.
"""
import datetime as dt

from proteus import Model

try:
    from demo_data import log, pending_approvers, user_config
except ImportError:  # loaded by file path from scripts/demo_data.py
    import importlib.util
    import os
    _spec = importlib.util.spec_from_file_location('zhidu_demo_data_hr',
        os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'demo_data.py'))
    _demo_data = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_demo_data)
    log, user_config = _demo_data.log, _demo_data.user_config
    pending_approvers = _demo_data.pending_approvers

#: the logins of the personnel administration group
HR = {'hr', 'zhu.lin', 'sh.hr', 'gz.hr'}


def setup_groups(cfg):
    ModelData = Model.get('ir.model.data', config=cfg)
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    group = Group(ModelData.get_id('hr_approval', 'group_hr', {}))
    users = User.find([('login', 'in', list(HR))])
    for user in users:
        if group not in user.groups:
            user.groups.append(Group(group.id))
    User.save(users)


def approve_until(cfg, record, stop=None):
    """The approvers decide in turn as themselves until the step of the
    login stop (left pending) or the end of the chain."""
    origin = '%s,%s' % (record.__class__.__name__, record.id)
    while True:
        logins = pending_approvers(cfg, record)
        if not logins or stop in logins:
            return
        Approval = Model.get('regulation.approval', config=user_config(
                cfg, logins[0]))
        step, = Approval.find([
                ('origin', '=', origin), ('to_decide', '=', True)],
            limit=1)
        step.click('approve')


def request(cfg, login, values, handover=()):
    "File a personnel request as login and submit it"
    ucfg = user_config(cfg, login)
    Request = Model.get('hr.request', config=ucfg)
    Employee = Model.get('company.employee', config=ucfg)
    Department = Model.get('company.department', config=ucfg)
    values = dict(values)
    for name, Model_ in [('subject', Employee), ('department', Department)]:
        if name in values:
            values[name] = Model_(values[name].id)
    record = Request(**values)
    for item in handover:
        record.handover.new(name=item)
    record.save()
    record.click('submit')
    return record


def load(cfg, demo):
    setup_groups(cfg)
    employees = demo.employees
    today = dt.date.today()

    # HR-6: a resignation waiting for the general manager
    resignation = request(cfg, 'sun.hao', {
            'kind': 'resignation',
            'subject': employees['sun.hao'],
            'effective_date': today + dt.timedelta(days=30),
            'reason': "家庭原因，需返回成都工作。",
            }, handover=["笔记本电脑及充电器", "工牌及门禁卡", "客户维修档案"])
    approve_until(cfg, resignation, stop='gm')

    # HR-1: a recruitment approved and filed by the admin & HR office
    recruitment = request(cfg, 'sales_head', {
            'kind': 'recruitment',
            'department': demo.departments[('hq', 'sales')],
            'position': "销售代表",
            'job_level': 'staff',
            'headcount': 2,
            'reason': "华东区大客户增加，现有销售人员不足。",
            })
    approve_until(cfg, recruitment)
    Request = Model.get('hr.request', config=user_config(cfg, 'hr'))
    recruitment = Request(recruitment.id)
    recruitment.notice = "招聘需求已备案，已在招聘网站发布职位。"
    recruitment.save()
    recruitment.click('complete')

    # HR-5: an onboarding waiting for the first interview of the office
    request(cfg, 'rnd_head', {
            'kind': 'onboarding',
            'candidate': "王小川",
            'department': demo.departments[('hq', 'rnd')],
            'position': "嵌入式软件工程师",
            'job_level': 'staff',
            'reason': "电子科技大学硕士，三年嵌入式开发经验。",
            })
    log('hr_approval: a resignation waiting for the general manager (gm), '
        'an onboarding waiting for the admin & HR office (hr)')
