# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of office_phone (OP-1 … OP-12).

The admin & HR office (马丽, login hr) keeps the register and the bill; the
team heads and the staff act as themselves, so the web client shows:

- the phone sets and lines of the head-office departments, each external
  line with its holder, internal extensions 8xxx and the fax line of the
  admin & HR office kept by 朱琳 (OP-1);
- a line request of the after-sales department approved by its head,
  waiting for the admin & HR office (马丽, login hr) before it goes to the
  general manager (OP-2; tests/browser/test_web_client.py expects no
  document waiting for the GM in the demo);
- the broken phone of 李娜 reported (OP-4) and a temporary share of 张伟's
  phone designated by the sales head, with its dial log (OP-3);
- last month's China Telecom bill imported through the import wizard and
  reconciled (OP-5): a 168 call, an information-fee call, a long chat on
  an internal line and a private call are flagged (OP-6) with their draft
  penalties (OP-7, OP-8), on the review lists of the sales and after-sales
  heads.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard

try:
    from demo_data import log, user_config
except ImportError:  # loaded by file path from scripts/demo_data.py
    import importlib.util
    import os
    _spec = importlib.util.spec_from_file_location('zhidu_demo_data_op',
        os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'demo_data.py'))
    _demo_data = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_demo_data)
    log, user_config = _demo_data.log, _demo_data.user_config

#: the admin & HR offices administer the phones; finance pays the bills
ADMINS = {'hr', 'zhu.lin', 'sh.hr', 'gz.hr'}
FINANCE = {'finance', 'guo.ting', 'sh.finance', 'gz.finance'}

CARRIER = '中国电信广州分公司'

# department, set model, location, price, [(number, kind, holder)]
REGISTER = [
    ('gm_office', '松下 KX-TS208CN', '总部大楼6楼 总经理室', 268, [
            ('020-88880001', 'external', 'gm'),
            ('8001', 'internal', 'gm')]),
    ('gm_office', '步步高 HCD007(6082)', '总部大楼6楼 总经办', 158, [
            ('020-88880002', 'external', 'gm_office')]),
    ('sales', '步步高 HCD007(6082)', '总部大楼3楼 销售部 301室', 158, [
            ('020-88880101', 'external', 'sales_head'),
            ('8101', 'internal', 'sales_head')]),
    ('sales', '中诺 C265', '总部大楼3楼 销售部 302室 1号工位', 98, [
            ('020-88880102', 'external', 'zhang.wei'),
            ('8102', 'internal', 'zhang.wei')]),
    ('sales', '中诺 C265', '总部大楼3楼 销售部 302室 2号工位', 98, [
            ('020-88880103', 'external', 'li.na'),
            ('8103', 'internal', 'li.na')]),
    ('purchasing', '飞利浦 CORD118', '总部大楼2楼 采购部', 128, [
            ('020-88880201', 'external', 'purchasing_head'),
            ('8201', 'internal', 'wu.fang')]),
    ('aftersales', '步步高 HCD007(6101)', '总部大楼1楼 售后服务部', 138, [
            ('020-88880301', 'external', 'aftersales_head'),
            ('020-88880302', 'external', 'sun.hao'),
            ('8301', 'internal', 'sun.hao')]),
    ('admin_hr', '松下 KX-TS208CN', '总部大楼5楼 行政人事部', 268, [
            ('020-88880401', 'external', 'hr'),
            ('8401', 'internal', 'zhu.lin')]),
    ('admin_hr', '兄弟 FAX-2890 激光传真机', '总部大楼5楼 行政人事部 文印室',
        1580, [('020-88880499', 'fax', None)]),
    ('finance', '飞利浦 CORD118', '总部大楼5楼 财务部', 128, [
            ('020-88880501', 'external', 'finance'),
            ('8501', 'internal', 'guo.ting')]),
    ]


def _group(cfg, fs_id):
    ModelData = Model.get('ir.model.data', config=cfg)
    Group = Model.get('res.group', config=cfg)
    return Group(ModelData.get_id('office_phone', fs_id, {}))


def setup_groups(cfg, demo):
    "Every demo user has an office phone; the office and finance manage"
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    user = _group(cfg, 'group_office_phone').id
    admin = _group(cfg, 'group_office_phone_admin').id
    finance = _group(cfg, 'group_office_phone_finance').id
    users = User.find([('login', 'in', list(demo.users))])
    for record in users:
        groups = {g.id for g in record.groups}
        for group, logins in [(user, None), (admin, ADMINS),
                (finance, FINANCE)]:
            if (logins is None or record.login in logins) \
                    and group not in groups:
                record.groups.append(Group(group))
    User.save(users)


def _last_month():
    return (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(
        day=1)


def create_register(cfg, demo):
    "The admin & HR office registers the sets and lines (OP-1)"
    hr_cfg = user_config(cfg, 'hr')
    PhoneSet = Model.get('office.phone.set', config=hr_cfg)
    Line = Model.get('office.phone.line', config=hr_cfg)
    Employee = Model.get('company.employee', config=hr_cfg)
    Department = Model.get('company.department', config=hr_cfg)
    start = _last_month() - dt.timedelta(days=365)
    sets, lines = [], []
    for i, (dkey, model, location, price, numbers) in enumerate(REGISTER):
        department = Department(demo.departments['hq', dkey].id)
        phone_set = PhoneSet(code='DH-%03d' % (i + 1), model=model,
            department=department, location=location,
            purchase_price=Decimal(price), purchase_date=start,
            state='in_use')
        sets.append(phone_set)
        for number, kind, holder in numbers:
            line = Line(number=number, kind=kind, department=department,
                start_date=start)
            if kind != 'internal':
                line.carrier = CARRIER
            if holder:
                line.holder = Employee(demo.employees[holder].id)
            if kind == 'fax':
                line.keeper = Employee(demo.employees['zhu.lin'].id)
            lines.append((phone_set, line))
    PhoneSet.save(sets)
    for phone_set, line in lines:
        line.set = phone_set
    Line.save([l for _, l in lines])
    return {l.number: l for _, l in lines}


def create_line_request(cfg, demo):
    """After-sales asks for a hotline; its head approved, the admin & HR
    office decides next, then the general manager (OP-2)"""
    staff_cfg = user_config(cfg, 'sun.hao')
    Request = Model.get('office.phone.line.request', config=staff_cfg)
    request = Request(action='add', new_number='020-88880399',
        line_kind='external', carrier=CARRIER,
        department=demo.departments['hq', 'aftersales'].id,
        reason='售后服务部开通客户服务热线，工作日专人值守受理报修，'
        '现有两条外线经常占线，客户投诉打不进来')
    request.holder = request.employee
    request.save()
    request.click('submit')
    for login in ['aftersales_head']:
        Approval = Model.get('regulation.approval',
            config=user_config(cfg, login))
        for approval in Approval.find([
                    ('origin', '=', 'office.phone.line.request,%s'
                        % request.id),
                    ('state', '=', 'pending')]):
            approval.click('approve')
    return request


def create_fault_and_share(cfg, demo, lines):
    """李娜's phone is broken; the sales head lets her use 张伟's phone and
    she logs every number she dials (OP-3, OP-4)"""
    today = dt.date.today()
    start = today - dt.timedelta(days=today.weekday() or 7)
    reporter_cfg = user_config(cfg, 'li.na')
    Fault = Model.get('office.phone.fault', config=reporter_cfg)
    Line = Model.get('office.phone.line', config=reporter_cfg)
    own = Line(lines['020-88880103'].id)
    fault = Fault(set=own.set, line=own, date=start,
        description='话机无拨号音，听筒有电流杂音，更换电话线后仍无法拨出')
    fault.save()

    head_cfg = user_config(cfg, 'sales_head')
    Share = Model.get('office.phone.share', config=head_cfg)
    Fault = Model.get('office.phone.fault', config=head_cfg)
    share = Share(line=lines['020-88880102'].id,
        borrower=demo.employees['li.na'].id, fault=Fault(fault.id),
        reason='李娜话机故障送修，维修期间暂借张伟座机联系客户',
        start_date=start, end_date=start + dt.timedelta(days=13))
    share.save()
    share.click('designate')

    Share = Model.get('office.phone.share', config=reporter_cfg)
    share = Share(share.id)
    for days, hour, minute, number, purpose in [
            (0, 9, 40, '010-62345678', '确认华信来访行程'),
            (0, 15, 10, '021-54321098', '申达培训班报名人数'),
            (1, 10, 5, '0755-26781234', '鹏程智能报价跟进')]:
        date = start + dt.timedelta(days=days)
        if date > today:
            continue
        share.dials.new(date=date, time=dt.time(hour, minute),
            number=number, purpose=purpose)
    share.save()
    return fault, share


def _bill_file(period):
    "The carrier's call-detail CSV of period (GBK, as carriers export it)"
    def at(day, hour, minute):
        return '%s %02d:%02d:00' % (period.replace(day=day), hour, minute)
    rows = [
        # business calls to clients and suppliers
        ('02088880101', at(3, 9, 12), '01062345678', 420, '1.40'),
        ('02088880102', at(3, 10, 30), '02154321098', 300, '1.00'),
        ('02088880102', at(5, 14, 5), '075526781234', 600, '2.00'),
        ('02088880103', at(6, 11, 20), '057188776655', 240, '0.80'),
        ('02088880201', at(7, 9, 50), '051265432100', 360, '1.20'),
        ('02088880301', at(10, 16, 0), '02087654321', 180, '0.60'),
        ('02088880302', at(11, 10, 45), '02885123456', 540, '1.80'),
        ('02088880401', at(12, 15, 30), '10000', 120, '0.00'),
        ('02088880499', at(13, 9, 0), '076922334455', 60, '0.20'),
        ('02088880501', at(14, 11, 0), '057487112233', 200, '0.60'),
        ('8101', at(14, 15, 0), '8401', 120, '0.00'),
        # a 168 voice information number (OP-6, OP-7)
        ('02088880102', at(17, 12, 40), '16880123', 420, '14.00'),
        # an information-fee SP service
        ('02088880103', at(18, 13, 5), '125901234567', 180, '6.00'),
        # chatting on the internal line for 31 minutes (OP-8)
        ('8102', at(19, 16, 20), '8103', 1860, '0.00'),
        # a private call to a mobile (OP-8)
        ('02088880302', at(20, 12, 15), '13926001234', 480, '1.60'),
        ]
    header = '主叫号码,开始时间,被叫号码,通话时长(秒),费用\n'
    text = header + ''.join(','.join(map(str, r)) + '\n' for r in rows)
    total = sum(Decimal(r[4]) for r in rows)
    return text.encode('gbk'), total


def create_bill(cfg, demo):
    """The admin & HR office imports last month's bill through the wizard
    and reconciles it: the flagged calls get draft penalties (OP-5 … OP-8)"""
    hr_cfg = user_config(cfg, 'hr')
    period = _last_month()
    data, total = _bill_file(period)
    bill_import = Wizard('office.phone.bill.import', config=hr_cfg)
    bill_import.form.company = Model.get('company.company', config=hr_cfg)(
        demo.companies['hq'].id)
    bill_import.form.period = period
    bill_import.form.carrier = CARRIER
    bill_import.form.carrier_total = total
    bill_import.form.file = data
    bill_import.form.filename = '电信话费清单_%s.csv' % period.strftime('%Y%m')
    bill_import.execute('import_')
    Bill = Model.get('office.phone.bill', config=hr_cfg)
    bill, = Bill.find([('period', '=', period), ('carrier', '=', CARRIER)])
    bill.click('reconcile')
    return bill


def load(cfg, demo):
    setup_groups(cfg, demo)
    lines = create_register(cfg, demo)
    create_line_request(cfg, demo)
    create_fault_and_share(cfg, demo, lines)
    bill = create_bill(cfg, demo)
    log('office phones: %d lines, a line request for the office, a fault '
        'and a share, bill %s with %d flagged calls' % (
            len(lines), bill.number, bill.flagged_count))
