# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of legal_affairs (LA-1 … LA-6).

The departments apply for litigation the way the regulation says; the
legal officer (何平, login legal), group legal (the head office's legal
officer, also 何平) and the planning & operations leader (梁超, login
planning) decide as themselves, so the web client shows:

- a suit of the head office's sales department against 杭州西湖数据服务有限公司
  in court: approved, prepared, filed, its first hearing recorded, a court
  deadline ahead and the summons acknowledged by the legal officer;
- a suit of the Shanghai sales department against 上海申达机电设备有限公司
  waiting for the legal officer (login legal);
- 陈静 (login ops_vp) holds the planning & operations deputy manager role,
  who receives court mail when the legal officer is away (LA-5).
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

try:
    from demo_data import log, pending_approvers, user_config
except ImportError:  # loaded by file path from scripts/demo_data.py
    import importlib.util
    import os
    _spec = importlib.util.spec_from_file_location('zhidu_demo_data_la',
        os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'demo_data.py'))
    _demo_data = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_demo_data)
    log, user_config = _demo_data.log, _demo_data.user_config
    pending_approvers = _demo_data.pending_approvers

#: the logins of the legal affairs group
LEGAL = {'legal'}
DEPUTY = 'ops_vp'


def setup(cfg, demo):
    "The legal officer joins the legal group; the deputy gets the role"
    ModelData = Model.get('ir.model.data', config=cfg)
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    Role = Model.get('regulation.role', config=cfg)
    group = Group(ModelData.get_id('legal_affairs', 'group_legal', {}))
    users = User.find([('login', 'in', list(LEGAL))])
    for user in users:
        if group not in user.groups:
            user.groups.append(Group(group.id))
    User.save(users)
    Role(role='planning_operations_deputy',
        employee=demo.employees[DEPUTY],
        company=demo.companies['hq']).save()


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


def _party(cfg, name):
    Party = Model.get('party.party', config=cfg)
    party, = Party.find([('name', '=', name)])
    return party.id


def _case(cfg, login, department, contact, values, evidence):
    "Apply for litigation as login with its evidence, and submit"
    ucfg = user_config(cfg, login)
    Case = Model.get('legal.case', config=ucfg)
    Employee = Model.get('company.employee', config=ucfg)
    Department = Model.get('company.department', config=ucfg)
    Party = Model.get('party.party', config=ucfg)
    values = dict(values)
    values['counterparty'] = Party(values['counterparty'])
    case = Case(**values)
    case.department = Department(department.id)
    case.contact = Employee(contact.id)
    for name, days, original, custodian in evidence:
        item = case.evidence.new(name=name)
        item.date = dt.date.today() - dt.timedelta(days=days)
        item.original = original
        item.custodian = Employee(custodian.id)
        item.custodian_department = Department(department.id)
    case.save()
    case.click('submit')
    return case


def load(cfg, demo):
    setup(cfg, demo)
    employees = demo.employees
    today = dt.date.today()

    # a suit of the head office's sales department, now in court
    sales = demo.departments[('hq', 'sales')]
    case = _case(cfg, 'zhang.wei', sales, employees['li.na'], {
            'kind': 'filing',
            'counterparty': _party(cfg, '杭州西湖数据服务有限公司'),
            'background': "2025年3月签订数据采集终端采购合同，货物已于"
            "2025年5月验收合格。",
            'cause': "对方拖欠三期货款共计186,000元，经四次书面催告仍未"
            "支付。",
            'purpose': "追回货款及逾期利息。",
            'desired_outcome': "对方支付全部货款并按合同约定支付逾期利息。",
            'amount': Decimal('186000'),
            'amount_basis': "发票号 2025-031、2025-047、2025-052 合计。",
            }, [
            ("采购合同（编号 ZD-2025-031）", 300, True, employees['li.na']),
            ("验收单", 250, True, employees['li.na']),
            ("催款函及快递回执", 20, False, employees['zhang.wei']),
            ])
    # the legal officer, group legal and the planning & operations leader
    approve_until(cfg, case)

    lcfg = user_config(cfg, 'legal')
    Case = Model.get('legal.case', config=lcfg)
    Attachment = Model.get('ir.attachment', config=lcfg)
    case = Case(case.id)
    case.click('prepare')
    case.opinion_source = 'internal'
    case.opinion = ("合同、验收单及发票可以证明债权成立，催款函证明诉讼时效"
        "已中断。")
    case.expected_outcome = "胜诉可能性大；需关注对方履行能力，建议申请财产保全。"
    case.court = "杭州市西湖区人民法院"
    case.save()
    for item in case.evidence:
        Attachment(resource=item, name='%s（复印件）.pdf' % item.name,
            data=b'%PDF-1.4 demo').save()
    case.reload()
    case.click('file')
    case.court_reference = "（%s）浙0106民初1186号" % today.year
    hearing = case.hearings.new()
    hearing.date = dt.datetime.combine(
        today - dt.timedelta(days=7), dt.time(9, 30))
    hearing.court = case.court
    hearing.attendees = "何平、李娜"
    hearing.summary = "证据交换完毕，对方对欠款金额无异议，请求分期支付。"
    deadline = case.deadlines.new(name="提交补充证据")
    deadline.due_date = today + dt.timedelta(days=5)
    case.save()

    # the summons came through the general manager's office (LA-5)
    ocfg = user_config(cfg, 'gm_office')
    Mail = Model.get('legal.court.mail', config=ocfg)
    mail = Mail(court="杭州市西湖区人民法院", subject="开庭传票及举证通知书")
    mail.description = "快递送达，已拆封登记。"
    mail.save()
    Mail = Model.get('legal.court.mail', config=lcfg)
    mail = Mail(mail.id)
    mail.click('hand_over')
    mail.case = Case(case.id)
    mail.save()

    # a suit of the Shanghai branch, waiting for the legal officer
    sh_sales = demo.departments[('sh', 'sales')]
    _case(cfg, 'xie.yu', sh_sales, employees['xie.yu'], {
            'kind': 'filing',
            'counterparty': _party(cfg, '上海申达机电设备有限公司'),
            'cause': "对方以质量问题为由拒付工业网关尾款48,000元，我方售后"
            "检测报告证明设备运行正常。",
            'purpose': "追回尾款。",
            'desired_outcome': "对方支付尾款48,000元并承担诉讼费用。",
            'amount': Decimal('48000'),
            'amount_basis': "合同总价的20%尾款。",
            }, [
            ("销售合同", 200, True, employees['xie.yu']),
            ("售后检测报告", 45, True, employees['xie.yu']),
            ])
    log('legal_affairs: a suit in court, a suit waiting for the legal '
        'officer (legal)')
