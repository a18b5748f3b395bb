# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of key_account (KA-1 .. KA-9).

The clients of the base demo get 2025 sales in the head office and the
branches; the tiers are recomputed, the key-account managers register
their clients and the owners of the tiers approve them, except one Gold
client of the Shanghai branch left pending for 郑凯 (sh.sales_head).
Specialists log visits, 李娜 prepares her scorecard and the GM office
runs the quarterly revisit campaign.
"""
import datetime as dt
from decimal import Decimal

import demo_data
from demo_data import log, user_config, xml_id
from proteus import Model, Wizard

# client, company key, 2025 revenue, manager login, specialist login
ACCOUNTS = [
    ('北京华信电子科技有限公司', 'hq', Decimal('6200000'), 'sales_head', 'li.na'),
    ('上海申达机电设备有限公司', 'sh', Decimal('2600000'), 'sh.sales_head',
        'xie.yu'),
    ('广州粤海通信工程有限公司', 'gz', Decimal('450000'), 'gz.sales_head',
        'cao.yang'),
    ('深圳鹏程智能制造有限公司', 'sh', Decimal('185000'), 'sh.sales_head',
        'xie.yu'),
    ('杭州西湖数据服务有限公司', 'hq', Decimal('60000'), 'sales_head', 'li.na'),
    ('成都天府软件园运营有限公司', 'hq', Decimal('8000'), 'sales_head', 'li.na'),
    ]
#: the client left waiting for its approver
PENDING = '深圳鹏程智能制造有限公司'

# login: key_account groups
GROUPS = {
    'sales_vp': ['group_key_account_admin'],
    'sales_head': ['group_key_account_admin'],
    'sh.sales_head': ['group_key_account_admin'],
    'gz.sales_head': ['group_key_account_admin'],
    'song.jia': ['group_key_account_admin'],
    'feng.gang': ['group_key_account_admin'],
    'gm': ['group_key_account_admin', 'group_key_account_survey'],
    'gm_office': ['group_key_account_survey'],
    'li.na': ['group_key_account'],
    'zhang.wei': ['group_key_account'],
    'xie.yu': ['group_key_account'],
    'cao.yang': ['group_key_account'],
    'aftersales_head': ['group_key_account'],
    }

VISITS = [
    # client, specialist, kind, days from today, done, purpose, report,
    # competitor notes
    ('北京华信电子科技有限公司', 'li.na', 'visit', -20, True,
        '年度合作回顾及新品介绍', '客户对ZD-100终端满意，计划二季度增购50台。',
        '竞品报价低5%，但交期长两周。'),
    ('北京华信电子科技有限公司', 'li.na', 'site', -8, True,
        '邀请客户技术团队到案场参观', '客户技术总监一行4人到案场，认可方案。',
        ''),
    ('杭州西湖数据服务有限公司', 'li.na', 'expansion', -3, True,
        '拓展数据中心监控项目', '已提交初步方案，待客户内部评审。', ''),
    ('北京华信电子科技有限公司', 'li.na', 'revisit', 5, False,
        '季度回访', '', ''),
    ('杭州西湖数据服务有限公司', 'li.na', 'visit', 12, False,
        '方案评审跟进', '', ''),
    ('上海申达机电设备有限公司', 'xie.yu', 'visit', -6, True,
        '维保合同续签', '客户同意续签一年维保服务。', '某外资品牌正在接触客户。'),
    ]


def _grant_groups(cfg, demo):
    User = Model.get('res.user', config=cfg)
    Group = Model.get('res.group', config=cfg)
    Company = Model.get('company.company', config=cfg)
    users = []
    for login, groups in GROUPS.items():
        if login not in demo.users:
            continue
        user = User(demo.users[login].id)
        for fs_id in groups:
            group = Group(xml_id('key_account', fs_id, cfg))
            if group not in user.groups:
                user.groups.append(group)
        users.append(user)
    # the head office's key-account centre works for every company
    head = User(demo.users['sales_head'].id)
    for company in demo.companies.values():
        if company not in head.companies:
            head.companies.append(Company(company.id))
    head.company_filter = 'all'
    User.save(users + [head])


def _sales(cfg, demo):
    """Insert the 2025 sales as the sale workflow leaves them (confirmed,
    amounts cached); the demo has no chart of accounts to invoice them"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Party = Model.get('party.party', config=cfg)
    parties = {p.name: p.id for p in Party.find(
            [('name', 'in', [a[0] for a in ACCOUNTS])])}
    with Transaction().start(cfg.database_name, 0) as transaction:
        pool = Pool()
        Sale = pool.get('sale.sale')
        Company = pool.get('company.company')
        table = Sale.__table__()
        cursor = transaction.connection.cursor()
        for name, ckey, revenue, *_ in ACCOUNTS:
            company = Company(demo.companies[ckey].id)
            amounts = [revenue * Decimal(share) for share in
                ['0.25', '0.35', '0.4']]
            for month, amount in zip([3, 7, 11], amounts):
                sale, = Sale.create([{
                            'company': company.id,
                            'party': parties[name],
                            'currency': company.currency.id,
                            'sale_date': dt.date(2025, month, 15),
                            'description': '2025年供货合同',
                            'invoice_method': 'manual',
                            'shipment_method': 'manual',
                            }])
                cursor.execute(*table.update(
                        [table.state, table.untaxed_amount_cache,
                            table.tax_amount_cache, table.total_amount_cache],
                        ['done', amount, Decimal(0), amount],
                        where=table.id == sale.id))
        transaction.commit()
    return parties


def _approve_as(cfg, login, change):
    Approval = Model.get('regulation.approval', config=user_config(cfg, login))
    for approval in Approval.find([
                ('origin', '=', 'sale.key_account.change,%s' % change.id),
                ('state', '=', 'pending'),
                ]):
        approval.click('approve')


def load(cfg, demo):
    _grant_groups(cfg, demo)
    parties = _sales(cfg, demo)
    employees = demo.employees

    # the sales heads recompute the tiers of 2025 (KA-3)
    for ckey, login in [('hq', 'sales_head'), ('sh', 'sh.sales_head'),
            ('gz', 'gz.sales_head')]:
        recompute = Wizard('sale.key_account.recompute',
            config=user_config(cfg, login))
        recompute.form.company = Model.get(
            'company.company', config=user_config(cfg, login))(
                demo.companies[ckey].id)
        recompute.form.start_date = dt.date(2025, 1, 1)
        recompute.form.end_date = dt.date(2025, 12, 31)
        recompute.execute('recompute')

    # the managers register their clients (KA-5, KA-6)
    KeyAccount = Model.get('sale.key_account', config=cfg)
    Employee = Model.get('company.employee', config=cfg)
    for name, ckey, _, manager, specialist in ACCOUNTS:
        accounts = KeyAccount.find([
                ('party', '=', parties[name]),
                ('company', '=', demo.companies[ckey].id)])
        if not accounts:
            continue
        account, = accounts
        account.manager = Employee(employees[manager].id)
        account.specialists.append(Employee(employees[specialist].id))
        if name == '上海申达机电设备有限公司':
            account.competitors = '某外资品牌（价格高10%，服务响应慢）'
        account.save()
        Registering = Model.get(
            'sale.key_account', config=user_config(cfg, manager))
        Registering(account.id).click('register')

    # the owners of the tiers approve, one Gold is left to 郑凯 (RB-2)
    Change = Model.get('sale.key_account.change', config=cfg)
    pending = []
    for change in Change.find([('state', '=', 'proposed')]):
        if change.party.name == PENDING:
            pending.append(change)
            continue
        for login in ['sales_head', 'sh.sales_head', 'gz.sales_head']:
            employee = employees[login]
            if change.approval_approver == employee:
                _approve_as(cfg, login, change)
                break
    log('key_account: %d tier changes approved, %d pending for %s' % (
            len(Change.find([('state', '=', 'approved')])), len(pending),
            ', '.join(login for c in pending
                for login in demo_data.pending_approvers(cfg, c))))

    # visits (KA-6)
    today = dt.date.today()
    for (name, login, kind, days, done, purpose, report,
            competitors) in VISITS:
        ckey = [a[1] for a in ACCOUNTS if a[0] == name][0]
        account, = KeyAccount.find([
                ('party', '=', parties[name]),
                ('company', '=', demo.companies[ckey].id)])
        login_cfg = user_config(cfg, login)
        Visit = Model.get('sale.key_account.visit', config=login_cfg)
        Account = Model.get('sale.key_account', config=login_cfg)
        visit = Visit(key_account=Account(account.id), kind=kind,
            purpose=purpose,
            planned_date=today + dt.timedelta(days=days))
        visit.save()
        if done:
            visit.date = visit.planned_date
            visit.report = report
            visit.competitor_notes = competitors or None
            visit.save()
            visit.click('do')

    # 李娜's scorecard of the month (KA-7)
    Scorecard = Model.get(
        'sale.key_account.scorecard', config=user_config(cfg, 'li.na'))
    scorecard = Scorecard()
    scorecard.save()
    scorecard.click('compute')

    # the GM office's revisit campaign of the quarter (KA-8)
    gm_office = user_config(cfg, 'gm_office')
    Campaign = Model.get(
        'sale.key_account.survey.campaign', config=gm_office)
    campaign = Campaign(employee=Model.get(
            'company.employee', config=gm_office)(
            employees['gm_office'].id))
    campaign.save()
    campaign.click('open')
    campaign.reload()
    for survey, (satisfaction, complaints) in zip(
            campaign.surveys, [(96, 0), (93, 1)]):
        survey.revisited = True
        survey.satisfaction = Decimal(satisfaction)
        survey.complaints = complaints
        survey.delivered = 20
        survey.passed = 20
        survey.notes = '客户对交付及售后响应表示满意。'
        survey.save()
        survey.click('do')
