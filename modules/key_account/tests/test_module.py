# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.key_account.exceptions import (
    KeyAccountError, OwnershipError, SurveyError, TierValidationError)
from trytond.modules.regulation_base.exceptions import ApproverError
from trytond.modules.regulation_base.tests import (
    as_user, assign_role, create_department, create_staff, create_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

REFUSED = (ApproverError, AccessError)
TODAY = dt.date(2026, 3, 10)
LAST_YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
USER = ['key_account.group_key_account']
MANAGER = ['key_account.group_key_account_manager']
ADMIN = ['key_account.group_key_account_admin']


def create_sale(
        company, party, amount, date, state='confirmed', currency=None):
    """Create a sale of amount and put it in state the way the sale
    workflow leaves it (untaxed amount cached)."""
    pool = Pool()
    Sale = pool.get('sale.sale')
    sale, = Sale.create([{
                'company': company.id,
                'party': party.id,
                'currency': (currency or company.currency).id,
                'sale_date': date,
                }])
    table = Sale.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update(
            [table.state, table.untaxed_amount_cache],
            [state, Decimal(amount)], where=table.id == sale.id))
    return sale


class KeyAccountTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Key Account module"
    module = 'key_account'

    @property
    def _skip_company_rule(self):
        # regulation.parameter belongs to regulation_base, which has the
        # "own or shared" rule for it
        # the owners of a key account are derived companies, not scopes
        return super()._skip_company_rule | {
            ('regulation.parameter', 'company'),
            ('sale.key_account', 'maintained_by'),
            ('sale.key_account', 'approved_by'),
            ('sale.key_account', 'monitored_by'),
            ('sale.key_account', 'reports_to'),
            ('sale.key_account.change', 'approving_company'),
            }

    # Fixtures

    def _org(self):
        """A head office, a branch and its sub-branch with sales heads,
        key-account managers and specialists"""
        hq = create_company("Head Office")
        sh = create_company("Shanghai Branch")
        sh.parent = hq
        sh.save()
        sub = create_company("Pudong Sub-Branch")
        sub.parent = sh
        sub.save()
        org = {'hq': hq, 'sh': sh, 'sub': sub}
        with set_company(hq):
            org['hq_head'] = create_staff(hq, "HQ Sales Head", None, 'middle')
            org['hq_sales'] = create_department(
                hq, "HQ Sales", head=org['hq_head'])
            org['hq_manager'] = create_staff(hq, "HQ KA Manager",
                org['hq_sales'], 'middle')
            assign_role(hq, 'sales_head', org['hq_head'])
        with set_company(sh):
            org['sh_head'] = create_staff(sh, "SH Sales Head", None, 'middle')
            org['sh_sales'] = create_department(
                sh, "SH Sales", head=org['sh_head'])
            org['sh_manager'] = create_staff(
                sh, "SH KA Manager", org['sh_sales'], 'middle')
            # the key-account manager heads the key-account team
            org['sh_ka'] = create_department(
                sh, "SH Key Accounts", org['sh_sales'],
                head=org['sh_manager'])
            org['spec_a'] = create_staff(sh, "Specialist A", org['sh_ka'])
            org['spec_b'] = create_staff(sh, "Specialist B", org['sh_ka'])
            assign_role(sh, 'sales_head', org['sh_head'])
        org['u_hq_head'] = create_user('hq_head', org['hq_head'], ADMIN)
        # the head office works for every company of the group
        org['u_hq_head'].companies = [hq, sh, sub]
        org['u_hq_head'].company_filter = 'all'
        org['u_hq_head'].save()
        org['u_sh_head'] = create_user('sh_head', org['sh_head'], ADMIN)
        org['u_hq_manager'] = create_user(
            'hq_manager', org['hq_manager'], MANAGER)
        org['u_sh_manager'] = create_user(
            'sh_manager', org['sh_manager'], MANAGER)
        org['u_spec_a'] = create_user('spec_a', org['spec_a'], USER)
        org['u_spec_b'] = create_user('spec_b', org['spec_b'], USER)
        return org

    def _party(self, name="Client"):
        Party = Pool().get('party.party')
        party, = Party.create([{'name': name}])
        return party

    def _tier(self, code):
        Tier = Pool().get('sale.key_account.tier')
        tier, = Tier.search([('code', '=', code)])
        return tier

    def _account(self, company, party, **values):
        KeyAccount = Pool().get('sale.key_account')
        account, = KeyAccount.create([dict(
                    company=company.id, party=party.id, **values)])
        return account

    def _recompute(self, company, **kwargs):
        KeyAccount = Pool().get('sale.key_account')
        kwargs.setdefault('start', LAST_YEAR[0])
        kwargs.setdefault('end', LAST_YEAR[1])
        kwargs.setdefault('date', TODAY)
        return KeyAccount.recompute(company, **kwargs)

    def _approve(self, user, change):
        "Approve the pending step of change as user"
        Approval = Pool().get('regulation.approval')
        pending = Approval.search([
                ('origin', '=', str(change)),
                ('state', '=', 'pending'),
                ])
        self.assertTrue(pending)
        with as_user(user):
            Approval.approve(Approval.browse(pending))

    def _registered(self, org, company, party, tier_code, user=None,
            **values):
        """Register party in company with the sales of tier_code last year
        and approve the tier as its owner; return the account"""
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Change = pool.get('sale.key_account.change')
        amounts = {'diamond': 6000000, 'platinum': 3000000, 'gold': 300000,
            'vip': 50000}
        create_sale(company, party, amounts[tier_code], dt.date(2025, 6, 1))
        account = self._account(company, party, **values)
        KeyAccount.register([account])
        change, = Change.search([
                ('key_account', '=', account.id),
                ('state', '=', 'proposed')])
        self._approve(user or org['u_sh_head'], change)
        return KeyAccount(account.id)

    # Structure

    @with_transaction()
    def test_default_tiers(self):
        "KA-1: the four tiers ship with their ranks and owners"
        Tier = Pool().get('sale.key_account.tier')
        self.assertEqual(
            [(t.code, t.default_threshold, t.approval_level,
                t.maintenance_level) for t in Tier.search([])],
            [('diamond', Decimal(5000000), 'head_office', 'head_office'),
                ('platinum', Decimal(2000000), 'head_office', 'branch'),
                ('gold', Decimal(200000), 'branch', 'branch'),
                ('vip', Decimal(10000), 'branch', 'sub_branch')])

    # KA-1

    @with_transaction()
    def test_tier_boundaries(self):
        "KA-1: tiers by annual revenue, lower bounds included"
        Tier = Pool().get('sale.key_account.tier')
        company = create_company()
        thresholds = Tier.thresholds(company, TODAY)
        for revenue, code in [
                (Decimal('5000000'), 'diamond'),
                (Decimal('4999999.99'), 'platinum'),
                (Decimal('2000000'), 'platinum'),
                (Decimal('1999999.99'), 'gold'),
                (Decimal('200000'), 'gold'),
                (Decimal('199999.99'), 'vip'),
                (Decimal('10000'), 'vip'),
                ]:
            self.assertEqual(
                Tier.tier_for(revenue, thresholds).code, code, revenue)
        self.assertIsNone(Tier.tier_for(Decimal('9999.99'), thresholds))

    @with_transaction()
    def test_thresholds_are_versioned_parameters(self):
        "KA-1: a threshold changed as a parameter applies from its date"
        pool = Pool()
        Tier = pool.get('sale.key_account.tier')
        Parameter = pool.get('regulation.parameter')
        company = create_company()
        Parameter.create([{
                    'code': 'key_account_gold_min', 'name': "Gold",
                    'type': 'amount', 'value': Decimal(300000),
                    'effective_date': dt.date(2026, 1, 1), 'clause': 'KA-1',
                    }])
        before = Tier.thresholds(company, dt.date(2025, 12, 31))
        after = Tier.thresholds(company, dt.date(2026, 1, 1))
        self.assertEqual(
            Tier.tier_for(Decimal(250000), before).code, 'gold')
        self.assertEqual(
            Tier.tier_for(Decimal(250000), after).code, 'vip')

    @with_transaction()
    def test_designate_diamond_head_office_only(self):
        "KA-1: only the head office designates a Diamond, kept whatever"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Change = pool.get('sale.key_account.change')
        org = self._org()
        account = self._registered(
            org, org['sh'], self._party(), 'vip')
        self.assertEqual(account.tier.code, 'vip')
        with as_user(org['u_sh_head']):
            with self.assertRaises(KeyAccountError):
                KeyAccount.designate([KeyAccount(account.id)])
        with as_user(org['u_hq_head']):
            KeyAccount.designate([KeyAccount(account.id)])
        change, = Change.search([
                ('key_account', '=', account.id),
                ('state', '=', 'proposed')])
        self.assertEqual(
            (change.reason, change.new_tier.code, change.approving_company),
            ('designation', 'diamond', org['hq']))
        # the branch cannot approve a Diamond
        with self.assertRaises(REFUSED):
            self._approve(org['u_sh_head'], change)
        self._approve(org['u_hq_head'], change)
        account = KeyAccount(account.id)
        self.assertEqual((account.tier.code, account.designated),
            ('diamond', True))
        # the revenue does not take a designated Diamond down
        self.assertEqual(self._recompute(org['sh']), [])
        self.assertEqual(KeyAccount(account.id).tier.code, 'diamond')

    # KA-2

    @with_transaction()
    def test_branch_coefficient(self):
        "KA-2: a branch coefficient lowers its thresholds only"
        pool = Pool()
        Tier = pool.get('sale.key_account.tier')
        Parameter = pool.get('regulation.parameter')
        org = self._org()
        Parameter.create([{
                    'code': 'key_account_coefficient', 'name': "Coefficient",
                    'type': 'number', 'value': Decimal('0.9'),
                    'company': org['sh'].id,
                    'effective_date': dt.date(2020, 1, 1), 'clause': 'KA-2',
                    }])
        revenue = Decimal(190000)
        self.assertEqual(Tier.tier_for(
                revenue, Tier.thresholds(org['sh'], TODAY)).code, 'gold')
        self.assertEqual(Tier.tier_for(
                revenue, Tier.thresholds(org['hq'], TODAY)).code, 'vip')
        with set_company(org['sh']):
            self.assertEqual(
                self._tier('gold').threshold, Decimal('180000.00'))

    @with_transaction()
    def test_coefficient_range(self):
        "KA-2: the coefficient must lie between 0.8 and 0.9 (or be 1)"
        Parameter = Pool().get('regulation.parameter')
        values = {'code': 'key_account_coefficient', 'name': "Coefficient",
            'type': 'number', 'effective_date': dt.date(2020, 1, 1)}
        for bad in ['0.7', '0.95', '1.2']:
            with self.assertRaises(TierValidationError):
                Parameter.create([dict(values, value=Decimal(bad))])
        Parameter.create([dict(values, value=Decimal(v))
                for v in ['0.8', '0.85', '0.9', '1']])

    # KA-3

    @with_transaction()
    def test_revenue_own_confirmed_sales_of_period(self):
        "KA-3: revenue is the company's own confirmed sales of the period"
        KeyAccount = Pool().get('sale.key_account')
        org = self._org()
        party = self._party()
        for amount, date, state, company in [
                (100000, dt.date(2025, 3, 1), 'confirmed', 'sh'),
                (60000, dt.date(2025, 7, 1), 'processing', 'sh'),
                (40000, dt.date(2025, 12, 31), 'done', 'sh'),
                (900000, dt.date(2025, 5, 1), 'draft', 'sh'),
                (900000, dt.date(2025, 5, 1), 'quotation', 'sh'),
                (900000, dt.date(2025, 5, 1), 'cancelled', 'sh'),
                (900000, dt.date(2024, 12, 31), 'done', 'sh'),
                (900000, dt.date(2026, 1, 1), 'done', 'sh'),
                (900000, dt.date(2025, 5, 1), 'done', 'hq'),
                ]:
            create_sale(org[company], party, amount, date, state)
        self._recompute(org['sh'])
        account, = KeyAccount.search([('company', '=', org['sh'].id)])
        self.assertEqual(account.computed_tier.code, 'gold')
        self.assertEqual(account.state, 'candidate')
        with Transaction().set_context(date=TODAY):
            self.assertEqual(
                KeyAccount(account.id).revenue, Decimal(200000))

    @with_transaction()
    def test_revenue_converted_into_company_currency(self):
        "KA-3: sales in another currency count at the rate of their date"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        org = self._org()
        party = self._party()
        company = org['sh']
        euro, = Currency.create([{
                    'name': "Euro", 'code': 'EUR', 'symbol': "€"}])
        create_sale(company, party, 150000, dt.date(2025, 6, 1),
            currency=euro)
        with self.assertRaisesRegex(KeyAccountError, 'EUR'):
            self._recompute(company)
        self.assertFalse(KeyAccount.search([('party', '=', party.id)]))

        Rate.create([
                {'currency': company.currency.id,
                    'date': dt.date(2025, 1, 1), 'rate': Decimal(1)},
                {'currency': euro.id,
                    'date': dt.date(2025, 1, 1), 'rate': Decimal('0.5')},
                # a later rate does not apply to the sale of June
                {'currency': euro.id,
                    'date': dt.date(2025, 7, 1), 'rate': Decimal(5)},
                ])
        self._recompute(company)
        account, = KeyAccount.search([('company', '=', company.id)])
        # 150,000 EUR at 2 CNY per EUR: a Gold client, not a VIP
        self.assertEqual(account.computed_tier.code, 'gold')
        with Transaction().set_context(date=TODAY):
            self.assertEqual(
                KeyAccount(account.id).revenue, Decimal(300000))

    @with_transaction()
    def test_period_calendar_year_or_trailing_months(self):
        "KA-3: the period is last calendar year or the trailing months"
        pool = Pool()
        Parameter = pool.get('regulation.parameter')
        from trytond.modules.key_account.account import revenue_period
        company = create_company()
        self.assertEqual(revenue_period(company, TODAY), LAST_YEAR)
        Parameter.create([{
                    'code': 'key_account_trailing_months', 'name': "Months",
                    'type': 'count', 'value': Decimal(12),
                    'effective_date': dt.date(2020, 1, 1), 'clause': 'KA-3',
                    }])
        self.assertEqual(revenue_period(company, TODAY),
            (dt.date(2025, 3, 11), TODAY))

    @with_transaction()
    def test_recompute_keeps_history(self):
        "KA-3: recomputation records each change of tier once"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Change = pool.get('sale.key_account.change')
        org = self._org()
        small, big, none = (
            self._party("Small"), self._party("Big"), self._party("None"))
        create_sale(org['sh'], small, 20000, dt.date(2025, 2, 1))
        create_sale(org['sh'], big, 2500000, dt.date(2025, 2, 1))
        create_sale(org['sh'], none, 500, dt.date(2025, 2, 1))
        self._recompute(org['sh'])
        accounts = KeyAccount.search([], order=[('party.name', 'ASC')])
        self.assertEqual(
            [(a.party.name, a.computed_tier.code) for a in accounts],
            [("Big", 'platinum'), ("Small", 'vip')])
        self.assertEqual(
            sorted((c.party.name, c.new_tier.code, c.state, c.revenue)
                for c in Change.search([])),
            [("Big", 'platinum', 'recorded', Decimal(2500000)),
                ("Small", 'vip', 'recorded', Decimal(20000))])
        # nothing changed, nothing recorded
        self._recompute(org['sh'])
        self.assertEqual(Change.search([], count=True), 2)
        # more sales: one more history row
        create_sale(org['sh'], small, 200000, dt.date(2025, 9, 1))
        self._recompute(org['sh'])
        change, = Change.search([('party', '=', small.id),
                ('new_tier.code', '=', 'gold')])
        self.assertEqual(change.old_tier.code, 'vip')
        self.assertEqual(Change.search([], count=True), 3)
        # no sales in the next period: the tier is lost and recorded
        self._recompute(org['sh'], start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31), date=dt.date(2027, 1, 5))
        self.assertEqual(
            [a.computed_tier for a in KeyAccount.search([])], [None, None])
        self.assertEqual(Change.search([], count=True), 5)

    @with_transaction()
    def test_recompute_query_count_independent_of_parties(self):
        "KA-3: the recomputation does not issue a query per party"
        org = self._org()
        counts = []
        for size in [3, 30]:
            for i in range(size):
                create_sale(org['sh'], self._party("P%s" % i),
                    20000 + i * 10000, dt.date(2025, 2, 1))
            counts.append(self._count_queries(
                    lambda: self._recompute(org['sh'])))
        self.assertEqual(counts[0], counts[1])

    def _count_queries(self, func):
        "Return the number of SQL statements func executes"
        transaction = Transaction()
        connection = transaction.connection
        count = [0]

        class Cursor:
            def __init__(self, cursor):
                self._cursor = cursor

            def execute(self, *args, **kwargs):
                count[0] += 1
                return self._cursor.execute(*args, **kwargs)

            def __getattr__(self, name):
                return getattr(self._cursor, name)

            def __iter__(self):
                return iter(self._cursor)

        class Connection:
            def cursor(self, *args, **kwargs):
                return Cursor(connection.cursor(*args, **kwargs))

            def __getattr__(self, name):
                return getattr(connection, name)

        transaction.connection = Connection()
        try:
            func()
        finally:
            transaction.connection = connection
        return count[0]

    @with_transaction()
    def test_tier_change_takes_effect_when_owner_approves(self):
        "KA-3: a change of a registered account waits for its owner"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Change = pool.get('sale.key_account.change')
        org = self._org()
        party = self._party()
        account = self._registered(org, org['sh'], party, 'gold')
        self.assertEqual(account.tier.code, 'gold')
        create_sale(org['sh'], party, 2000000, dt.date(2025, 10, 1))
        change, = self._recompute(org['sh'])
        self.assertEqual(
            (change.old_tier.code, change.new_tier.code, change.state),
            ('gold', 'platinum', 'proposed'))
        self.assertEqual(KeyAccount(account.id).tier.code, 'gold')
        self.assertEqual(change.approval_approver, org['hq_head'])
        with self.assertRaises(REFUSED):
            self._approve(org['u_sh_head'], change)
        self._approve(org['u_hq_head'], change)
        self.assertEqual(Change(change.id).state, 'approved')
        self.assertEqual(KeyAccount(account.id).tier.code, 'platinum')

    @with_transaction()
    def test_rejected_change_keeps_tier(self):
        "KA-3: a rejected change leaves the tier in effect"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Change = pool.get('sale.key_account.change')
        Approval = pool.get('regulation.approval')
        org = self._org()
        party = self._party()
        account = self._registered(org, org['sh'], party, 'vip')
        create_sale(org['sh'], party, 300000, dt.date(2025, 10, 1))
        change, = self._recompute(org['sh'])
        with as_user(org['u_sh_head']):
            Approval.decide(
                [a for a in change.approvals if a.state == 'pending'],
                'rejected', comment="Revenue is one-off")
        self.assertEqual(Change(change.id).state, 'rejected')
        self.assertEqual(KeyAccount(account.id).tier.code, 'vip')

    # KA-4

    @with_transaction()
    def test_owner_by_tier_and_level(self):
        "KA-4: who approves, maintains, monitors and is reported to"
        org = self._org()
        vip = self._registered(org, org['sub'], self._party("V"), 'vip')
        gold = self._registered(org, org['sub'], self._party("G"), 'gold')
        platinum = self._registered(
            org, org['sh'], self._party("P"), 'platinum',
            user=org['u_hq_head'])
        diamond = self._registered(
            org, org['hq'], self._party("D"), 'diamond',
            user=org['u_hq_head'])
        self.assertEqual(
            [(a.approved_by, a.maintained_by, a.monitored_by, a.reports_to)
                for a in [vip, gold, platinum, diamond]],
            [(org['sh'], org['sub'], None, org['sh']),
                (org['sh'], org['sh'], None, None),
                (org['hq'], org['sh'], org['hq'], org['hq']),
                (org['hq'], org['hq'], org['hq'], None)])

    @with_transaction()
    def test_branch_diamond_needs_authorisation(self):
        "KA-4: a branch maintains a Diamond only with an authorisation"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        org = self._org()
        account = self._registered(
            org, org['sh'], self._party(), 'diamond', user=org['u_hq_head'],
            manager=org['sh_manager'].id)
        # approved without authorisation: the head office takes it over
        self.assertEqual(account.maintained_by, org['hq'])
        self.assertIsNone(account.manager)
        with self.assertRaises(OwnershipError):
            KeyAccount.write([account], {'manager': org['sh_manager'].id})
        KeyAccount.write([account], {'manager': org['hq_manager'].id})
        # with the head office's written authorisation the branch does
        with self.assertRaises(OwnershipError):
            KeyAccount.write([account], {
                    'authorisation_reference': "HQ-AUTH-2026-01",
                    'authorisation_date': dt.date(2026, 1, 5),
                    })
        KeyAccount.write([account], {
                'authorisation_reference': "HQ-AUTH-2026-01",
                'authorisation_date': dt.date(2026, 1, 5),
                'manager': org['sh_manager'].id,
                })
        account = KeyAccount(account.id)
        self.assertEqual(account.maintained_by, org['sh'])
        self.assertEqual(account.manager, org['sh_manager'])

    # KA-5

    @with_transaction()
    def test_benefits_only_for_registered_accounts(self):
        "KA-5: only registered accounts get priority and reception class"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Party = pool.get('party.party')
        org = self._org()
        candidate = self._party("Candidate")
        create_sale(org['sh'], candidate, 300000, dt.date(2025, 6, 1))
        self._recompute(org['sh'])
        self.assertEqual(KeyAccount.search([])[0].computed_tier.code, 'gold')
        self.assertEqual(candidate.key_account_priority(org['sh']), 0)
        self.assertIsNone(candidate.suggested_reception_class(org['sh']))
        registered = self._party("Registered")
        account = self._registered(org, org['sh'], registered, 'gold')
        self.assertEqual(registered.key_account_priority(org['sh']), 20)
        self.assertEqual(
            registered.suggested_reception_class(org['sh']), 'B')
        # the head office sees the tiers of its branches
        self.assertEqual(registered.key_account_priority(org['hq']), 20)
        with set_company(org['sh']):
            self.assertEqual(
                Party(registered.id).key_account_tier.code, 'gold')
            self.assertIsNone(Party(candidate.id).key_account_tier)
            self.assertEqual(Party.search([
                        ('key_account_tier', '=', 'Gold')]), [registered])
            self.assertEqual(Party.search([
                        ('key_account_tier.code', '=', 'gold')]),
                [registered])
            self.assertIn(candidate, Party.search([
                        ('key_account_tier', '=', None)]))
        with as_user(org['u_sh_head']):
            KeyAccount.close([KeyAccount(account.id)])
        self.assertEqual(registered.key_account_priority(org['sh']), 0)

    # KA-6

    @with_transaction()
    def test_visit_plan_and_log(self):
        "KA-6: a visit is planned, then logged with its report"
        pool = Pool()
        Visit = pool.get('sale.key_account.visit')
        org = self._org()
        account = self._registered(
            org, org['sh'], self._party(), 'gold',
            manager=org['sh_manager'].id,
            specialists=[('add', [org['spec_a'].id])])
        with as_user(org['u_spec_a']):
            visit, = Visit.create([{
                        'key_account': account.id,
                        'employee': org['spec_a'].id,
                        'planned_date': dt.date(2026, 3, 5),
                        'purpose': "Present the new terminal",
                        }])
            with self.assertRaises(KeyAccountError):
                Visit.do([visit])
            Visit.write([visit], {
                    'report': "Interested in 20 units",
                    'competitor_notes': "Competitor offers 5% less",
                    'date': dt.date(2026, 3, 5),
                    })
            Visit.do([visit])
            self.assertEqual(visit.state, 'done')
            with self.assertRaises(AccessError):
                Visit.delete([visit])
        # another specialist does not see it
        with as_user(org['u_spec_b']):
            self.assertEqual(Visit.search([]), [])
        with as_user(org['u_sh_manager']):
            self.assertEqual(Visit.search([]), [visit])

    # KA-7

    def _visits(self, org, account, month, specs):
        "Create visits: specs is a list of (kind, planned, done)"
        Visit = Pool().get('sale.key_account.visit')
        visits = []
        for kind, planned, done in specs:
            for i in range(planned):
                visit, = Visit.create([{
                            'company': account.company.id,
                            'key_account': account.id,
                            'employee': org['spec_a'].id,
                            'kind': kind,
                            'planned_date': month.replace(day=2 + i),
                            }])
                if i < done:
                    Visit.write([visit], {
                            'report': "Done", 'date': visit.planned_date})
                    Visit.do([visit])
                visits.append(visit)
        return visits

    @with_transaction()
    def test_scorecard_weights_plan_actual(self):
        "KA-7: weighted items, plan and actual from the visit logs"
        pool = Pool()
        Scorecard = pool.get('sale.key_account.scorecard')
        Line = pool.get('sale.key_account.scorecard.line')
        Date = pool.get('ir.date')
        org = self._org()
        account = self._registered(org, org['sh'], self._party(), 'gold',
            specialists=[('add', [org['spec_a'].id])])
        month = dt.date(2026, 3, 1)
        self._visits(org, account, month, [
                ('visit', 4, 3), ('expansion', 2, 1), ('site', 1, 1)])
        with as_user(org['u_spec_a']):
            scorecard, = Scorecard.create([{
                        'employee': org['spec_a'].id,
                        'month': dt.date(2026, 3, 17),
                        }])
            self.assertEqual(scorecard.month, month)
            self.assertEqual(
                [(l.item, l.weight) for l in scorecard.lines],
                [('visit_plan', 40), ('expansion', 25), ('site', 20),
                    ('daily', 15)])
            Scorecard.compute([scorecard])
            daily, = [l for l in scorecard.lines if l.item == 'daily']
            Line.write([daily], {'plan': 10, 'actual': 8})
            self.assertEqual(
                [(l.plan, l.actual) for l in Scorecard(scorecard.id).lines],
                [(4, 3), (2, 1), (1, 1), (10, 8)])
            self.assertEqual(Scorecard(scorecard.id).score, Decimal('74.5'))
            self.assertEqual(scorecard.due_date, dt.date(2026, 3, 31))
            with patch.object(Date, 'today', return_value=dt.date(2026, 4, 1)):
                Scorecard.submit([scorecard])
            scorecard = Scorecard(scorecard.id)
            self.assertEqual((scorecard.state, scorecard.late),
                ('submitted', True))
            with self.assertRaises(AccessButtonError):
                Scorecard.confirm([scorecard])
        with as_user(org['u_sh_manager']):
            Scorecard.confirm([Scorecard(scorecard.id)])
        self.assertEqual(Scorecard(scorecard.id).state, 'confirmed')

    @with_transaction()
    def test_scorecard_reminder_last_working_day(self):
        "KA-7: the last working day of the month reminds the specialists"
        Scorecard = Pool().get('sale.key_account.scorecard')
        org = self._org()
        self._registered(org, org['sh'], self._party(), 'gold',
            specialists=[('add', [org['spec_a'].id, org['spec_b'].id])])
        with set_company(org['sh']):
            self.assertEqual(Scorecard.remind(dt.date(2026, 3, 30)), [])
            reminded = Scorecard.remind(dt.date(2026, 3, 31))
        self.assertEqual(
            sorted(s.employee.rec_name for s in reminded),
            ["Specialist A", "Specialist B"])
        self.assertTrue(all(s.reminded and s.state == 'draft'
                for s in reminded))

    # KA-8

    @with_transaction()
    def test_survey_targets(self):
        "KA-8: satisfaction rising 0.5 a year, 1 complaint, 100% pass rate"
        pool = Pool()
        Campaign = pool.get('sale.key_account.survey.campaign')
        Survey = pool.get('sale.key_account.survey')
        Indicator = pool.get('sale.key_account.indicator')
        org = self._org()
        account = self._registered(org, org['sh'], self._party(), 'gold',
            specialists=[('add', [org['spec_a'].id])])
        with set_company(org['sh']):
            gm_office = create_staff(org['sh'], "GM Office")
        gm_user = create_user('gm_office', gm_office,
            ['key_account.group_key_account_survey'])
        with as_user(org['u_spec_a']):
            with self.assertRaises(AccessError):
                Campaign.create([{'year': 2027, 'quarter': 1}])
        with as_user(gm_user):
            campaign, = Campaign.create([{'year': 2027, 'quarter': 1,
                        'employee': gm_office.id}])
            Campaign.open([campaign])
            survey, = Campaign(campaign.id).surveys
            self.assertEqual(survey.key_account, account)
            for bad in [{'satisfaction': Decimal(120)},
                    {'delivered': 10, 'passed': 11},
                    {'complaints': -1}]:
                with self.assertRaises(SurveyError):
                    Survey.write([survey], bad)
            Survey.write([survey], {'satisfaction': Decimal(96),
                    'complaints': 2, 'delivered': 10, 'passed': 10,
                    'revisited': True})
            Survey.do([survey])
            Campaign.close([campaign])
        indicator, = Indicator.search([])
        self.assertEqual(
            (indicator.satisfaction_target, indicator.satisfaction_met,
                indicator.complaints_met, indicator.pass_rate,
                indicator.pass_rate_met),
            (Decimal('95.5'), True, False, Decimal(100), True))

    # KA-9

    @with_transaction()
    def test_monthly_report(self):
        "KA-9: the monthly report gives revenue, tier, visits, receivable"
        pool = Pool()
        Report = pool.get('sale.key_account.report', type='report')
        Monthly = pool.get('sale.key_account.monthly')
        org = self._org()
        party = self._party()
        account = self._registered(org, org['sh'], party, 'gold')
        create_sale(org['sh'], party, 12345, dt.date(2026, 3, 3))
        self._visits(org, account, dt.date(2026, 3, 1), [('visit', 2, 2)])
        with set_company(org['sh']):
            line, = Report.lines(
                [account], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
            self.assertEqual(
                (line['tier'], line['revenue'], line['visits'],
                    line['receivable']),
                ("Gold", Decimal(12345), 2, Decimal(0)))
            oext, content, _, name = Report.execute(
                [account.id], {'month': '2026-03-01'})
            self.assertEqual(oext, 'odt')
            self.assertTrue(content)
            months = Monthly.search([('key_account', '=', account.id)])
            self.assertEqual(
                sorted((m.month, m.revenue) for m in months),
                [(dt.date(2025, 6, 1), Decimal(300000)),
                    (dt.date(2026, 3, 1), Decimal(12345))])

    # Access

    @with_transaction()
    def test_access_by_role(self):
        "KA-6: specialists see theirs, managers the team's, branches theirs"
        KeyAccount = Pool().get('sale.key_account')
        org = self._org()
        mine = self._account(org['sh'], self._party("Mine"),
            specialists=[('add', [org['spec_a'].id])])
        team = self._account(org['sh'], self._party("Team"),
            specialists=[('add', [org['spec_b'].id])])
        hq = self._account(org['hq'], self._party("HQ"),
            manager=org['hq_manager'].id)
        with as_user(org['u_spec_a']):
            self.assertEqual(KeyAccount.search([]), [mine])
            with self.assertRaises(AccessError):
                KeyAccount.read([team.id], ['party'])
        with as_user(org['u_sh_manager']):
            self.assertEqual(
                set(KeyAccount.search([])), {mine, team})
        with as_user(org['u_sh_head']):
            self.assertEqual(
                set(KeyAccount.search([])), {mine, team})
        Transaction().user  # root sees all
        self.assertEqual(set(KeyAccount.search([])), {mine, team, hq})

    @with_transaction()
    def test_denials(self):
        "KA-3: specialists cannot register, nor write the tier"
        KeyAccount = Pool().get('sale.key_account')
        org = self._org()
        account = self._account(org['sh'], self._party(),
            specialists=[('add', [org['spec_a'].id])])
        with as_user(org['u_spec_a']):
            with self.assertRaises(AccessButtonError):
                KeyAccount.register([KeyAccount(account.id)])
            with self.assertRaises(AccessError):
                KeyAccount.write([KeyAccount(account.id)], {
                        'tier': self._tier('diamond').id})
            KeyAccount.write([KeyAccount(account.id)], {
                    'competitors': "Rival Co."})
        with as_user(org['u_sh_manager']):
            with self.assertRaises(AccessError):
                KeyAccount.write([KeyAccount(account.id)], {
                        'state': 'registered'})

    # RB-6

    @with_transaction()
    def test_not_in_force_changes_nothing(self):
        "KA-3: where the regulation is not in force nothing is computed"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Document = pool.get('regulation.document')
        org = self._org()
        create_sale(org['sh'], self._party(), 300000, dt.date(2025, 6, 1))
        document, = Document.create([{
                    'name': "KA", 'code': 'key_account', 'version': '1',
                    'effective_date': dt.date(2020, 1, 1),
                    'companies': [('add', [org['hq'].id])],
                    }])
        Document.discuss([document])
        Document.review([document])
        Document.approve([document])
        Document.publish([document])
        # in force for the head office and so for its branches
        self._recompute(org['sh'])
        self.assertEqual(len(KeyAccount.search([])), 1)
        Document.write([document], {
                'companies': [('remove', [org['hq'].id])]})
        other = self._party("Other")
        create_sale(org['sh'], other, 300000, dt.date(2025, 6, 1))
        self._recompute(org['sh'])
        self.assertEqual(len(KeyAccount.search([])), 1)


del ModuleTestCase
