# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of client_reception (CR-1 … CR-8).

The salespeople file reception requests the way the regulation says; the
approvers decide as themselves, so the web client shows:

- an A-class visit of 北京华信电子科技有限公司 waiting for the sales head
  (黄磊, login sales_head);
- a C-class visit received with an over-cap dinner, its feedback filed and
  waiting for the sales head to archive it;
- a D-class supplier visit of the purchasing department, approved;
- monthly budgets of the sales and purchasing departments and the client
  training classes of next week.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

try:
    from demo_data import log, user_config
except ImportError:  # loaded by file path from scripts/demo_data.py
    import importlib.util
    import os
    _spec = importlib.util.spec_from_file_location('zhidu_demo_data_cr',
        os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'demo_data.py'))
    _demo_data = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_demo_data)
    log, user_config = _demo_data.log, _demo_data.user_config

#: logins in the reception administration group (admin & HR office, sales
#: heads, finance)
ADMINS = {'hr', 'zhu.lin', 'sh.hr', 'gz.hr', 'sales_head', 'sh.sales_head',
    'gz.sales_head', 'finance', 'sh.finance', 'gz.finance'}


def _group(cfg, fs_id):
    ModelData = Model.get('ir.model.data', config=cfg)
    Group = Model.get('res.group', config=cfg)
    return Group(ModelData.get_id('client_reception', fs_id, {}))


def setup_groups(cfg, demo):
    "Every demo user hosts visitors; the office and sales heads administer"
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    reception = _group(cfg, 'group_reception').id
    admin = _group(cfg, 'group_reception_admin').id
    users = User.find([('login', 'in', list(demo.users))])
    for user in users:
        groups = {g.id for g in user.groups}
        if reception not in groups:
            user.groups.append(Group(reception))
        if user.login in ADMINS and admin not in groups:
            user.groups.append(Group(admin))
    User.save(users)


def _working_day(date, days):
    "Move date by days working days (weekends only)"
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        date += dt.timedelta(days=step)
        if date.weekday() < 5:
            remaining -= 1
    return date


def create_budgets(cfg, demo):
    Budget = Model.get('reception.budget', config=user_config(cfg, 'hr'))
    today = dt.date.today()
    months = [today.replace(day=1)]
    months.append((months[0] + dt.timedelta(days=32)).replace(day=1))
    months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    budgets = []
    for (ckey, dkey), amount in [
            (('hq', 'sales'), 20000), (('hq', 'purchasing'), 3000),
            (('hq', 'aftersales'), 3000), (('sh', 'sales'), 8000),
            (('gz', 'sales'), 8000)]:
        department = demo.departments[ckey, dkey]
        for month in months:
            budgets.append(Budget(
                    company=department.company.id,
                    department=department.id, month=month,
                    amount=Decimal(amount),
                    note='年度接待预算计划（月度额度）'))
    Budget.save(budgets)


def _party(cfg, name):
    Party = Model.get('party.party', config=cfg)
    parties = Party.find([('name', '=', name)])
    if parties:
        return parties[0]
    party = Party(name=name)
    party.save()
    return party


def _class(cfg, code):
    Class = Model.get('reception.class', config=cfg)
    return Class.find([('code', '=', code)])[0]


def _decide(cfg, record, logins):
    "Approve the pending step of record as each login in turn"
    for login in logins:
        Approval = Model.get('regulation.approval',
            config=user_config(cfg, login))
        pending = Approval.find([
                ('origin', '=', 'reception.visit,%s' % record.id),
                ('state', '=', 'pending')])
        for approval in pending:
            approval.click('approve')


def create_visits(cfg, demo):
    seller_cfg = user_config(cfg, 'zhang.wei')
    Visit = Model.get('reception.visit', config=seller_cfg)
    today = dt.date.today()

    # A class: waiting for the sales head
    arrival = dt.datetime.combine(_working_day(today, 8), dt.time(9, 30))
    visit = Visit(
        party=_party(seller_cfg, '北京华信电子科技有限公司'),
        visit_class=_class(seller_cfg, 'A'),
        purpose='华信董事长一行来访考察生产基地，洽谈年度战略合作协议',
        arrival=arrival, departure=arrival + dt.timedelta(hours=32),
        requirements='董事长、总经理出面迎接；会议室悬挂欢迎横幅',
        need_restaurant=True, need_vehicle=True, need_meeting_room=True,
        meeting_items=['fruit', 'tea', 'projector', 'banner', 'name_cards'],
        need_photographer=True)
    for name, title, gender, leader, email in [
            ('钱明', '董事长', 'male', True, 'qianming@huaxin.example'),
            ('孙红', '技术总监', 'female', False, None),
            ('赵刚', '采购经理', 'male', False, None)]:
        visit.guests.new(name=name, title=title, gender=gender,
            leader=leader, email=email)
    for hours, length, activity, location, with_ in [
            (0, 1, '机场接机', '首都国际机场T3', '总经理、销售部经理'),
            (2, 2, '参观生产基地', '二号厂房', '董事长、总经理'),
            (5, 2, '战略合作座谈', '一号会议室', '董事长、销售副总'),
            (8, 2, '欢迎晚宴', '国宾酒店', '董事长、总经理')]:
        visit.itinerary.new(
            start=arrival + dt.timedelta(hours=hours),
            end=arrival + dt.timedelta(hours=hours + length),
            activity=activity, location=location, accompanied_by=with_)
    visit.costs.new(kind='outside_meal', description='欢迎晚宴',
        persons=8, estimate=Decimal(1160))
    visit.costs.new(kind='gift', description='公司纪念品', estimate=Decimal(600))
    visit.costs.new(kind='vehicle', description='商务车接送',
        estimate=Decimal(400))
    visit.save()
    visit.click('submit')

    # C class: received, over-cap dinner, feedback filed, to archive
    last_week = _working_day(today, -4)
    arrival = dt.datetime.combine(last_week, dt.time(10))
    visit = Visit(
        party=_party(seller_cfg, '杭州西湖数据服务有限公司'),
        visit_class=_class(seller_cfg, 'C'),
        purpose='客户来访了解智能数据采集终端 ZD-100',
        arrival=arrival, departure=arrival + dt.timedelta(hours=7),
        need_meeting_room=True, meeting_items=['tea', 'projector'],
        late_reason='客户临时确认行程')
    visit.guests.new(name='吴磊', title='信息部经理', gender='male',
        leader=True, email='wulei@xihu.example')
    visit.guests.new(name='陈思', title='工程师', gender='female')
    visit.costs.new(kind='outside_meal', description='工作午餐', persons=4,
        estimate=Decimal(400))
    visit.save()
    visit.click('submit')
    # late request (admin & HR office) with a meal outside (GM)
    _decide(cfg, visit, ['sales_head', 'hr', 'gm'])
    visit.reload()
    if visit.state == 'approved':
        visit.click('receive')
        lunch, = visit.costs
        lunch.amount = Decimal(468)
        visit.feedback_satisfaction = 'satisfied'
        visit.feedback_summary = '客户对 ZD-100 的采集精度很满意，关注交付周期'
        visit.feedback_intention = '计划下季度试点两条产线'
        visit.feedback_next_steps = '一周内提供试点方案和报价'
        visit.save()
        visit.click('file_feedback')

    # D class: a supplier visits the purchasing department
    buyer_cfg = user_config(cfg, 'wu.fang')
    BuyerVisit = Model.get('reception.visit', config=buyer_cfg)
    arrival = dt.datetime.combine(_working_day(today, 3), dt.time(14))
    visit = BuyerVisit(
        party=_party(buyer_cfg, '苏州精工五金制品有限公司'),
        visit_class=_class(buyer_cfg, 'D'),
        purpose='供应商来访洽谈年度框架协议',
        arrival=arrival, departure=arrival + dt.timedelta(hours=3))
    visit.guests.new(name='顾强', title='销售经理', gender='male', leader=True)
    visit.costs.new(kind='canteen_meal', description='员工食堂工作餐',
        persons=3, estimate=Decimal(60))
    visit.save()
    visit.click('submit')
    _decide(cfg, visit, ['purchasing_head', 'ops_vp'])


def create_trainings(cfg, demo):
    Training = Model.get('reception.training',
        config=user_config(cfg, 'li.na'))
    today = dt.date.today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    trainings = []
    for party, name, leader, title, start, days, level, count in [
            ('上海申达机电设备有限公司', 'ZD-100 终端运维培训班', '沈涛',
                '设备部部长', 0, 3, '设备工程师', 12),
            ('成都天府软件园运营有限公司', '工业网关集成开发班', '邱敏',
                '技术总监', 2, 2, '软件工程师', 8),
            ('广州粤海通信工程有限公司', '数据采集方案高级研修班', '黎志军',
                '副总经理', 7, 3, '中层管理人员', 15)]:
        trainings.append(Training(
                party=_party(Training._config, party), name=name,
                leader_name=leader, leader_title=title,
                check_in=monday + dt.timedelta(days=start),
                end=monday + dt.timedelta(days=start + days - 1),
                trainee_level=level, trainees=count))
    Training.save(trainings)


def load(cfg, demo):
    setup_groups(cfg, demo)
    create_budgets(cfg, demo)
    create_visits(cfg, demo)
    create_trainings(cfg, demo)
    log('reception: budgets, A/C/D visits, training classes')
