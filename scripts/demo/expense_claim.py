# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of expense_claim (EX-1): report first, claim after.

The employees report their expenses before spending and claim them after;
the approvers decide as themselves, so the web client shows:

- the Shanghai trip of 张伟 (login zhang.wei), reported and approved by the
  sales head, claimed with its invoices and receipts, co-signed by the
  sales head and waiting for the general manager (张志强, login gm);
- the client dinner of 李娜, claimed, co-signed and paid by bank transfer;
- the packaging samples of 吴芳 (purchasing) reported and waiting for the
  purchasing head (周涛, login purchasing_head).

Finance (finance, guo.ting, sh.finance, gz.finance) joins the expense
payment group.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

try:
    from demo_data import log, pending_approvers, user_config
except ImportError:  # loaded by file path from scripts/demo_data.py
    import importlib.util
    import os
    _spec = importlib.util.spec_from_file_location('zhidu_demo_data_ex',
        os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'demo_data.py'))
    _demo_data = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_demo_data)
    log, user_config = _demo_data.log, _demo_data.user_config
    pending_approvers = _demo_data.pending_approvers

#: the logins of the expense payment group
FINANCE = {'finance', 'guo.ting', 'sh.finance', 'gz.finance'}


def setup_groups(cfg):
    ModelData = Model.get('ir.model.data', config=cfg)
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    group = Group(ModelData.get_id(
            'expense_claim', 'group_expense_finance', {}))
    users = User.find([('login', 'in', list(FINANCE))])
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


def report(cfg, login, description, amount, days_ago):
    "Report an expense before spending it and submit it"
    Request = Model.get('expense.request', config=user_config(cfg, login))
    record = Request(description=description, amount=Decimal(amount),
        date=dt.date.today() - dt.timedelta(days=days_ago))
    record.save()
    record.click('submit')
    return record


def claim(cfg, login, request, lines):
    """Claim the lines (category code, description, amount, invoice number)
    with their receipts, and submit"""
    ucfg = user_config(cfg, login)
    Claim = Model.get('expense.claim', config=ucfg)
    Request = Model.get('expense.request', config=ucfg)
    Category = Model.get('expense.category', config=ucfg)
    Attachment = Model.get('ir.attachment', config=ucfg)
    categories = {c.code: c for c in Category.find([])}
    record = Claim(request=Request(request.id))
    for code, description, amount, invoice in lines:
        line = record.lines.new(category=categories[code])
        line.description = description
        line.amount = Decimal(amount)
        line.invoice_number = invoice
        line.stamps = True
    record.save()
    for line in record.lines:
        Attachment(resource=line, name='%s-收据.pdf' % line.invoice_number,
            data=b'%PDF-1.4 demo').save()
    record.reload()
    record.click('submit')
    return record


def load(cfg, demo):
    setup_groups(cfg)

    # a trip claimed and co-signed by the head, waiting for the GM
    trip = report(cfg, 'zhang.wei',
        "赴上海申达机电设备有限公司演示 ZD-100 数据采集终端（3天）",
        '3000', 12)
    approve_until(cfg, trip)
    trip_claim = claim(cfg, 'zhang.wei', trip, [
            ('travel', "北京—上海高铁往返二等座", '1107.00',
                '24319000000103371245'),
            ('travel', "上海全季酒店 3晚", '1260.00', '24312000000087765410'),
            ('transport', "上海市内出租车", '186.50', '31002541300885172'),
            ])
    approve_until(cfg, trip_claim, stop='gm')

    # a client dinner claimed, co-signed and paid by bank transfer
    dinner = report(cfg, 'li.na',
        "宴请北京华信电子科技有限公司采购总监一行（4人）", '1200', 20)
    approve_until(cfg, dinner)
    dinner_claim = claim(cfg, 'li.na', dinner, [
            ('reception', "全聚德（前门店）晚宴", '1068.00',
                '11002541300123456789'),
            ])
    approve_until(cfg, dinner_claim)
    Claim = Model.get('expense.claim', config=user_config(cfg, 'finance'))
    Claim(dinner_claim.id).click('pay')

    # a report waiting for the purchasing head
    report(cfg, 'wu.fang', "采购宁波甬江包装材料有限公司新型防震包装样品",
        '800', 1)
    log('expense_claim: a claim waiting for the general manager (gm), a '
        'report waiting for the purchasing head (purchasing_head), a paid '
        'claim')
