# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of aftersales_service (AS-1 .. AS-12).

徐明 (aftersales_head) runs the service desk of the head office; 孙浩
(sun.hao) is the technician; 陈静 (ops_vp) is the management representative
and 周涛 (purchasing_head) receives the supplier defects.
The desk registers calls: an in-warranty repair closed with its report and
survey, an out-of-warranty repair waiting for the customer's acceptance of
the quotation, an installation in progress and an urgent repair dispatched
to 孙浩.  A repeat repair opened a quality complaint, held against the
supplier of the bearing, that waits for 陈静's verification.
"""
import datetime as dt
from decimal import Decimal

from demo_data import log, user_config, xml_id
from proteus import Model

GROUPS = {
    'aftersales_head': ['group_aftersales_manager'],
    'sun.hao': ['group_aftersales_technician'],
    'sh.aftersales': ['group_aftersales_technician'],
    'gz.aftersales': ['group_aftersales_technician'],
    'ops_vp': ['group_aftersales_quality'],
    'purchasing_head': ['group_aftersales_purchasing'],
    'sales_head': ['group_aftersales'],
    }
CUSTOMER = '杭州西湖数据服务有限公司'
SUPPLIER = '东莞联创电子元器件有限公司'


def _grant_groups(cfg, demo):
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    users = []
    for login, groups in GROUPS.items():
        if login not in demo.users:
            continue
        user = User(demo.users[login].id)
        for fs_id in groups:
            group = Group(xml_id('aftersales_service', fs_id, cfg))
            if group not in user.groups:
                user.groups.append(group)
        users.append(user)
    User.save(users)


def _sale(cfg, demo, party, product, sale_date):
    """Insert the contract of the machine as the sale workflow leaves it
    (the demo has no chart of accounts to invoice it)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(cfg.database_name, 0) as transaction:
        pool = Pool()
        Sale = pool.get('sale.sale')
        Company = pool.get('company.company')
        company = Company(demo.companies['hq'].id)
        sale, = Sale.create([{
                    'company': company.id,
                    'party': party.id,
                    'currency': company.currency.id,
                    'sale_date': sale_date,
                    'description': '数据采集终端供货及维保合同',
                    'invoice_method': 'manual',
                    'shipment_method': 'manual',
                    'warranty_months': 12,
                    'installation_deadline': sale_date + dt.timedelta(
                        days=30),
                    'service_start': sale_date,
                    'service_end': sale_date + dt.timedelta(days=365),
                    'maintenance_months': 3,
                    }])
        table = Sale.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.update(
                [table.state], ['processing'], where=table.id == sale.id))
        transaction.commit()
        return sale.id


def load(cfg, demo):
    Party = Model.get('party.party', config=cfg)
    Product = Model.get('product.product', config=cfg)
    _grant_groups(cfg, demo)
    customer, = Party.find([('name', '=', CUSTOMER)])
    supplier, = Party.find([('name', '=', SUPPLIER)])
    products = Product.find([('name', '=', '智能数据采集终端 ZD-100')])
    if not products:
        log("aftersales_service: no demo product, skipped")
        return
    terminal = products[0]
    sensor, = Product.find([('name', '=', '传感器模组 ZS-10')]) or [terminal]
    today = dt.date.today()
    now = dt.datetime.now().replace(microsecond=0, second=0)
    Sale = Model.get('sale.sale', config=cfg)
    recent = Sale(_sale(cfg, demo, customer, terminal,
            today - dt.timedelta(days=90)))
    old = Sale(_sale(cfg, demo, customer, terminal,
            today - dt.timedelta(days=800)))

    desk = user_config(cfg, 'aftersales_head')
    tech = user_config(cfg, 'sun.hao')
    DeskParty = Model.get('party.party', config=desk)
    DeskProduct = Model.get('product.product', config=desk)
    DeskSale = Model.get('sale.sale', config=desk)
    TechProduct = Model.get('product.product', config=tech)
    Request = Model.get('aftersales.request', config=desk)
    Dispatch = Model.get('aftersales.dispatch', config=desk)
    Survey = Model.get('aftersales.survey', config=desk)
    Employee = Model.get('company.employee', config=desk)
    technician = Employee(demo.employees['sun.hao'].id)

    def register(**values):
        request = Request(customer=DeskParty(customer.id),
            **values)
        request.save()
        request.click('answer')
        return request

    def dispatch(request, hours, log_text, part=None, done=True):
        visit = Dispatch(request=request, technician=technician,
            planned=now - dt.timedelta(hours=hours + 1),
            place='杭州市西湖区文三路 90 号', travel_cost=Decimal('260'))
        visit.save()
        if done:
            tech_dispatch = Model.get('aftersales.dispatch', config=tech)
            visit = tech_dispatch(visit.id)
            visit.arrived = now - dt.timedelta(hours=hours)
            visit.left = now - dt.timedelta(hours=hours - 2)
            visit.work_log = log_text
            if part:
                visit.parts.new(product=TechProduct(part.id),
                    quantity=1, original=True)
            visit.save()
            visit.click('do')
        return visit

    # 1. in-warranty repair, closed with its report and survey (AS-2, AS-5)
    repair = register(channel='phone', kind='repair',
        product=DeskProduct(terminal.id), serial='ZD100-2407-0032',
        sale=DeskSale(recent.id), fault='E42',
        cause='manufacture', contact='王工 13912345678',
        received=now - dt.timedelta(days=20),
        required_on_site=now - dt.timedelta(days=19),
        description='终端采集数据中断, 指示灯 E42 报警')
    repair.click('start')
    dispatch(repair, 19 * 24, '更换传感器模组, 恢复采集, 试运行 2 小时正常',
        part=sensor)
    repair.reload()
    repair.click('finish')
    repair.report_summary = '更换传感器模组 ZS-10 一只, 设备恢复正常'
    repair.report_confirmed_by = '王工'
    repair.click('confirm_report')
    Survey(request=repair, respondent='王工', satisfaction='5',
        response_score=5, quality_score=5, attitude_score=5,
        comment='响应及时, 服务专业').save()
    repair.reload()
    repair.click('close')

    # 2. out of warranty: quoted, waiting for the customer (AS-2)
    quoted = register(channel='email', kind='repair',
        product=DeskProduct(terminal.id), serial='ZD100-2309-0005',
        sale=DeskSale(old.id), fault='P03',
        contact='李经理', description='电源模块损坏')
    quoted.quotation_parts = Decimal('1200')
    quoted.quotation_travel = Decimal('300')
    quoted.click('quote')

    # 3. installation and commissioning in progress (AS-10)
    installation = register(channel='letter', kind='installation',
        product=DeskProduct(terminal.id),
        serial='ZD100-2410-0101', sale=DeskSale(recent.id),
        installation_deadline=today + dt.timedelta(days=10),
        description='新增 10 台终端安装调试及操作培训')
    installation.click('start')

    # 4. urgent repair dispatched to 孙浩, parts on their way (AS-3)
    urgent = register(channel='phone', kind='repair', urgency='urgent',
        product=DeskProduct(terminal.id),
        serial='ZD100-2407-0032', sale=DeskSale(recent.id),
        fault='E42', cause='manufacture', parts_urgent=True,
        parts_requested=now - dt.timedelta(hours=2),
        required_on_site=now + dt.timedelta(hours=4),
        description='同一终端再次 E42 报警')
    urgent.click('start')
    dispatch(urgent, 1, '复查传感器接口, 发现插座虚焊, 已补焊',
        part=sensor)
    urgent.reload()
    urgent.click('finish')
    urgent.reload()

    # 5. the repeat repair's complaint, held against the bearing supplier,
    # waits for the management representative (AS-6, AS-7, AS-8)
    if urgent.complaint:
        quality = user_config(cfg, 'aftersales_head')
        Complaint = Model.get('sale.complaint', config=quality)
        complaint = Complaint(urgent.complaint.id)
        complaint.investigation = '拆检发现传感器插座虚焊, 为外购件焊接缺陷'
        complaint.root_cause = '供应商焊接工艺不良'
        complaint.responsibility = 'supplier'
        complaint.supplier = Model.get(
            'party.party', config=quality)(supplier.id)
        complaint.capa_actions.new(kind='corrective',
            description='更换同批次传感器插座并全检库存',
            owner=Model.get('company.employee', config=quality)(
                technician.id), due_date=today, done_date=today,
            result='库存 120 只全检, 剔除 3 只')
        complaint.capa_actions.new(kind='preventive',
            description='要求供应商整改焊接工艺并提交 8D 报告',
            owner=Model.get('company.employee', config=quality)(
                demo.employees['aftersales_head'].id),
            due_date=today, done_date=today,
            result='供应商已提交 8D 报告并改进焊接工装')
        complaint.save()
        complaint.click('wait')
    log("aftersales_service: 4 requests, 1 complaint waiting for 陈静")
