# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of purchase_flow (PF-1 … PF-10).

The requesters, approvers and purchasing act as themselves, so the web
client shows:

- the requisition of 张伟 (zhang.wei) for sensor modules and gateways,
  approved by the sales head and the sales VP, whose quantities the
  warehouse keeper (高峰, login warehouse) has set: it waits for his
  decision in "My Approvals to Do";
- the requisition of 李娜 for two demonstration terminals, approved through
  the chain and processed by purchasing into the monthly purchase plan,
  waiting for the general manager (gm) then finance;
- an urgent toner purchase of 李娜 approved by the sales head, still to
  complete before it is reimbursed or paid;
- a weekly promotion of 周涛 (purchasing_head) whose funds wait for the
  general manager.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

try:
    from demo_data import log, pending_approvers, user_config
except ImportError:  # loaded by file path from scripts/demo_data.py
    import importlib.util
    import os
    _spec = importlib.util.spec_from_file_location('zhidu_demo_data_pf',
        os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'demo_data.py'))
    _demo_data = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_demo_data)
    log, user_config = _demo_data.log, _demo_data.user_config
    pending_approvers = _demo_data.pending_approvers

REQ = 'purchase_requisition.group_purchase_requisition'
#: login: groups (module.xml id) joined
GROUPS = {
    'zhang.wei': [REQ],
    'li.na': [REQ],
    'sales_head': [REQ],
    'sales_vp': [REQ],
    'ops_vp': [REQ],
    'gm': [REQ],
    'warehouse': [REQ, 'stock.group_stock', 'quality.group_quality'],
    'purchasing_head': [REQ, 'purchase.group_purchase',
        'purchase_request.group_purchase_request',
        'purchase_requisition.group_purchase_requisition_approval'],
    'wu.fang': [REQ, 'purchase.group_purchase',
        'purchase_request.group_purchase_request'],
    'finance': ['purchase_flow.group_purchase_finance'],
    'guo.ting': ['purchase_flow.group_purchase_finance'],
    }


def setup_groups(cfg):
    ModelData = Model.get('ir.model.data', config=cfg)
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    users = User.find([('login', 'in', list(GROUPS))])
    for user in users:
        for xml_id in GROUPS[user.login]:
            group = Group(ModelData.get_id(*xml_id.split('.'), {}))
            if group not in user.groups:
                user.groups.append(group)
    User.save(users)


def setup_products(cfg):
    "Make the goods of the base demo purchasable"
    Template = Model.get('product.template', config=cfg)
    Uom = Model.get('product.uom', config=cfg)
    unit, = Uom.find([('name', '=', 'Unit')], limit=1)
    templates = Template.find([('type', '=', 'goods')])
    for template in templates:
        template.purchasable = True
        template.purchase_uom = unit
    Template.save(templates)
    return {t.name: t.products[0] for t in templates}


def approve_until(cfg, record, stop=None):
    """The approvers decide in turn as themselves until the step of the
    login stop (left pending) or the end of the chain."""
    origin = '%s,%s' % (record.__class__.__name__, record.id)
    while True:
        logins = pending_approvers(cfg, record)
        if not logins or stop in logins:
            return
        login = logins[0]
        ucfg = user_config(cfg, login)
        if login == 'warehouse' and record.__class__.__name__ == (
                'purchase.requisition'):
            set_quantities(ucfg, record)
        Approval = Model.get('regulation.approval', config=ucfg)
        step, = Approval.find([
                ('origin', '=', origin), ('to_decide', '=', True)],
            limit=1)
        step.click('approve')


def set_quantities(ucfg, record, quantities=None):
    "The warehouse keeper sets the quantity to buy of each line"
    Requisition = Model.get('purchase.requisition', config=ucfg)
    Line = Model.get('purchase.requisition.line', config=ucfg)
    requisition = Requisition(record.id)
    for line in requisition.lines:
        # written directly: the client's on_change of the lines is not
        # needed for one field
        Line._proxy.write([line.id], {
                'purchase_quantity': (quantities or {}).get(
                    line.product.name, line.quantity),
                }, ucfg.context)


def requisition(cfg, login, lines, reason, need='stock', urgent=False,
        days=14):
    "Raise a requisition of lines (product, quantity, price) and submit it"
    ucfg = user_config(cfg, login)
    Requisition = Model.get('purchase.requisition', config=ucfg)
    Product = Model.get('product.product', config=ucfg)
    Location = Model.get('stock.location', config=ucfg)
    warehouse, = Location.find([('type', '=', 'warehouse')], limit=1)
    units = {p.id: Product(p.id).purchase_uom.id for p, _, _ in lines
        if not isinstance(p, str)}
    # created in one call, as the client saves the form
    record_id, = Requisition._proxy.create([{
                'warehouse': warehouse.id,
                'need': need,
                'urgent': urgent,
                'reason': reason,
                'description': reason.split('，')[0],
                'supply_date': dt.date.today() + dt.timedelta(days=days),
                'lines': [('create', [_line(p, quantity, price, units)
                            for p, quantity, price in lines])],
                }], ucfg.context)
    record = Requisition(record_id)
    record.click('wait')
    return record


def _line(product, quantity, price, units):
    "The values of a line of product or, for a string, of a description"
    values = {'quantity': quantity, 'unit_price': Decimal(price)}
    if isinstance(product, str):
        values['description'] = product
    else:
        values.update({'product': product.id, 'unit': units[product.id]})
    return values


def load(cfg, demo):
    setup_groups(cfg)
    products = setup_products(cfg)
    sensor = products["传感器模组 ZS-10"]
    gateway = products["工业网关 ZG-200"]
    terminal = products["智能数据采集终端 ZD-100"]
    toner = "激光打印机硒鼓 HP-88A"

    # PF-2: waiting for the warehouse keeper, who has set the quantities
    tender = requisition(cfg, 'zhang.wei', [
            (sensor, 20, '300'), (gateway, 5, '2400')],
        "上海申达机电设备有限公司数据采集项目投标样机及备件，"
        "需于月底前到货", need='sales')
    approve_until(cfg, tender, stop='warehouse')
    set_quantities(user_config(cfg, 'warehouse'), tender,
        {gateway.name: 3})

    # PF-2: approved, processed and planned; the plan waits for the GM
    office = requisition(cfg, 'li.na', [(terminal, 2, '4500')],
        "北京华信电子科技有限公司现场演示用数据采集终端")
    approve_until(cfg, office)
    Requisition = Model.get('purchase.requisition', config=user_config(
            cfg, 'purchasing_head'))
    office = Requisition(office.id)
    if office.state == 'approved':
        office.click('process')
    office.reload()
    requests = [r for l in office.lines for r in l.purchase_requests]
    Plan = Model.get('purchase.flow.plan', config=user_config(
            cfg, 'purchasing_head'))
    Request = Model.get('purchase.request', config=user_config(
            cfg, 'purchasing_head'))
    plan = Plan(description="%s月采购计划" % dt.date.today().month)
    for request in requests:
        plan.requests.append(Request(request.id))
    plan.save()
    plan.click('submit')

    # PF-3: an urgent purchase to complete
    urgent = requisition(cfg, 'li.na', [(toner, 1, '85')],
        "投标文件打印中硒鼓用尽，需立即购买", urgent=True, days=0)
    approve_until(cfg, urgent)

    # PF-10: a weekly promotion waiting for the GM
    ucfg = user_config(cfg, 'purchasing_head')
    Promotion = Model.get('purchase.flow.promotion', config=ucfg)
    Location = Model.get('stock.location', config=ucfg)
    warehouse, = Location.find([('type', '=', 'warehouse')], limit=1)
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    promotion_id, = Promotion._proxy.create([{
                'name': "双十二工业网关促销",
                'meeting_date': monday,
                'start_date': monday + dt.timedelta(days=14),
                'end_date': monday + dt.timedelta(days=20),
                'warehouse': warehouse.id,
                'lines': [('create', [{
                                'product': gateway.id,
                                'promotion_price': Decimal('2399'),
                                'quantity': 10,
                                'unit_cost': Decimal('2100'),
                                }])],
                }], ucfg.context)
    Promotion(promotion_id).click('submit')
    log('purchase_flow: a requisition waiting for the warehouse keeper '
        '(warehouse), a purchase plan and a promotion waiting for the '
        'general manager (gm), an urgent requisition to complete')
