# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Key accounts, their tier history and changes (KA-1 .. KA-6)."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Cast, Column, Literal, Null, Table, Union
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.modules.regulation_base import ApprovalMixin, in_force
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import KeyAccountError, OwnershipError
from .tier import LEVELS, level_company
from .tools import _in, _slices

REGULATION = 'key_account'
#: the sale states that count as revenue (KA-3)
SALE_STATES = ['confirmed', 'processing', 'done']


def _today():
    return Pool().get('ir.date').today()


def revenue_period(company, date=None):
    """Return (start, end) of the revenue period for company at date (KA-3).

    By default the last complete calendar year; when the parameter
    key_account_trailing_months is set, the months ending at date.
    """
    Parameter = Pool().get('regulation.parameter')
    date = date or _today()
    months = int(Parameter.get(
            'key_account_trailing_months', company, date=date, default=0))
    if months > 0:
        return date - relativedelta(months=months) + dt.timedelta(1), date
    return dt.date(date.year - 1, 1, 1), dt.date(date.year - 1, 12, 31)


def _sale_rate(sale, currency):
    "The rate of currency on the date of the sale, as an SQL expression"
    Rate = Pool().get('currency.currency.rate')
    rate = Rate.__table__()
    return rate.select(rate.rate,
        where=(rate.currency == currency) & (rate.date <= sale.sale_date),
        order_by=[rate.date.desc], limit=1)


def company_amount(sale, company):
    """The untaxed amount of the sale table row in the currency of company,
    converted at the rates of its sale date (KA-3), as an SQL expression;
    NULL when a rate is missing (see check_rates)."""
    amount = Coalesce(sale.untaxed_amount_cache, 0)
    currency = company.currency.id
    return Case(
        (sale.currency == currency, amount),
        else_=amount * _sale_rate(sale, currency) / _sale_rate(
            sale, sale.currency))


def sales_where(sale, company, start, end, party_ids=None):
    "The SQL condition of the sales of company counting over the period"
    where = ((sale.company == company.id)
        & sale.state.in_(SALE_STATES)
        & (sale.sale_date >= start) & (sale.sale_date <= end))
    if party_ids is not None:
        where &= _in(sale.party, party_ids)
    return where


def check_rates(company, start, end, party_ids=None):
    """Raise KeyAccountError when a sale of the period in a foreign currency
    cannot be converted for lack of a rate (KA-3)"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Currency = pool.get('currency.currency')
    sale = Sale.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*sale.select(sale.currency, sale.sale_date,
            where=sales_where(sale, company, start, end, party_ids)
            & (sale.currency != company.currency.id)
            & (company_amount(sale, company) == Null),
            order_by=[sale.sale_date.asc], limit=1))
    row = cursor.fetchone()
    if row:
        currency, date = row
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        raise KeyAccountError(gettext(
                'key_account.msg_revenue_rate_missing',
                currency=Currency(currency).code,
                company_currency=company.currency.code,
                date=date))


def revenue_query(company, start, end, party_ids=None):
    """Return the SQL query of (party, revenue) of company over the period,
    in the company's currency"""
    Sale = Pool().get('sale.sale')
    sale = Sale.__table__()
    return sale.select(
        sale.party, Sum(company_amount(sale, company)),
        where=sales_where(sale, company, start, end, party_ids),
        group_by=[sale.party])


class KeyAccount(Workflow, ModelSQL, ModelView):
    "Key account"
    __name__ = 'sale.key_account'
    _states = {'readonly': Eval('state') == 'closed'}
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={'readonly': Eval('state') != 'candidate'},
        help="The local company that cares for the client day to day.")
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'candidate'},
        context={'company': Eval('company', -1)}, depends={'company'})
    state = fields.Selection([
            ('candidate', "Candidate"),
            ('registered', "Registered"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False,
        help="Only registered accounts get the benefits of their tier.")
    tier = fields.Many2One(
        'sale.key_account.tier', "Tier", readonly=True,
        help="The tier in effect, approved by its owner.")
    tier_date = fields.Date("Tier Since", readonly=True)
    computed_tier = fields.Many2One(
        'sale.key_account.tier', "Computed Tier", readonly=True,
        help="The tier of the revenue at the last recomputation.")
    designated = fields.Boolean(
        "Designated by Head Office", readonly=True,
        help="The head office gave the tier whatever the revenue.")
    revenue = fields.Function(fields.Numeric(
            "Annual Revenue", digits=(16, 2),
            help="The confirmed sales of the company over the period."),
        'get_revenue')
    manager = fields.Many2One(
        'company.employee', "Key-Account Manager", states=_states,
        help="Must work for the company that maintains the account.")
    specialists = fields.Many2Many(
        'sale.key_account-company.employee', 'key_account', 'employee',
        "Client Specialists", states=_states)
    authorisation_reference = fields.Char(
        "Authorisation", states=_states,
        help="The reference of the head office's written authorisation "
        "(授权委托书) for the branch to maintain the account.")
    authorisation_date = fields.Date(
        "Authorisation Date", states={
            'readonly': _states['readonly'],
            'required': Bool(Eval('authorisation_reference')),
            })
    authorisation_letter = fields.Binary(
        "Authorisation Letter", filename='authorisation_filename',
        states=_states)
    authorisation_filename = fields.Char(
        "Authorisation Filename", states={'invisible': True})
    maintained_by = fields.Function(fields.Many2One(
            'company.company', "Maintained By"), 'get_ownership')
    approved_by = fields.Function(fields.Many2One(
            'company.company', "Tier Approved By"), 'get_ownership')
    monitored_by = fields.Function(fields.Many2One(
            'company.company', "Monitored By"), 'get_ownership')
    reports_to = fields.Function(fields.Many2One(
            'company.company', "Reports To"), 'get_ownership')
    competitors = fields.Text("Competitors", states=_states)
    notes = fields.Text("Notes", states=_states)
    changes = fields.One2Many(
        'sale.key_account.change', 'key_account', "Tier History",
        readonly=True)
    visits = fields.One2Many(
        'sale.key_account.visit', 'key_account', "Visits", readonly=True)
    registered_by = employee_field(
        "Registered By", states=['registered', 'closed'])
    registration_date = fields.Date("Registration Date", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_party_unique', Unique(t, t.company, t.party),
                'key_account.msg_key_account_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.party, Index.Range()), (t.company, Index.Range())))
        cls._order = [('company', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {
            ('candidate', 'registered'),
            ('registered', 'closed'),
            ('closed', 'registered'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') == 'registered',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'registered',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'designate': {
                    'invisible': ((Eval('state') != 'registered')
                        | Eval('designated', False)),
                    'icon': 'tryton-star',
                    'depends': ['state', 'designated'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'candidate'

    @classmethod
    def default_designated(cls):
        return False

    def get_rec_name(self, name):
        return self.party.rec_name if self.party else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.rec_name', *clause[1:])]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'closed', 'muted', '')),
            ]

    # Ownership (KA-4)

    def maintenance_company(self, tier=None, authorised=None):
        """Return the company that maintains the account with tier.

        A branch maintains a tier kept for the head office only with a
        recorded authorisation.
        """
        tier = tier if tier is not None else self.tier
        if not self.company:
            return None
        if not tier:
            return self.company
        if authorised is None:
            authorised = bool(self.authorisation_reference)
        company = level_company(self.company, tier.maintenance_level)
        if (tier.maintenance_level == 'head_office'
                and tier.branch_authorisation and authorised):
            company = level_company(self.company, 'branch')
        return company

    def approval_company_for(self, tier):
        "Return the company whose owner approves tier for the account"
        if not tier:
            return level_company(self.company, 'branch')
        return level_company(self.company, tier.approval_level)

    @classmethod
    def get_ownership(cls, accounts, names):
        result = {n: {} for n in names}
        for account in accounts:
            maintainer = account.maintenance_company()
            values = {
                'maintained_by': maintainer,
                'approved_by': account.approval_company_for(account.tier)
                if account.tier else None,
                'monitored_by': level_company(account.company, 'head_office')
                if account.tier and account.tier.monitored_by_head_office
                else None,
                'reports_to': None,
                }
            if maintainer and maintainer.parent and account.tier and (
                    account.tier.approval_level != 'sub_branch'):
                approver = values['approved_by']
                if approver and approver != maintainer:
                    values['reports_to'] = approver
            for name in names:
                value = values[name]
                result[name][account.id] = value.id if value else None
        return result

    @classmethod
    def validate_fields(cls, accounts, field_names):
        super().validate_fields(accounts, field_names)
        if field_names & {'manager', 'tier', 'company',
                'authorisation_reference'}:
            cls.check_manager(accounts)

    @classmethod
    def check_manager(cls, accounts):
        "KA-4: the manager works for the company that maintains the account"
        for account in accounts:
            maintainer = account.maintenance_company()
            if (account.manager and maintainer
                    and account.manager.company != maintainer):
                raise OwnershipError(gettext(
                        'key_account.msg_manager_company',
                        account=account.rec_name,
                        manager=account.manager.rec_name,
                        company=maintainer.rec_name))

    @classmethod
    def check_modification(cls, mode, accounts, values=None, external=False):
        super().check_modification(
            mode, accounts, values=values, external=external)
        if mode == 'write' and external and values:
            guarded = {'state', 'tier', 'tier_date', 'computed_tier',
                'designated', 'registered_by', 'registration_date'} & set(
                values)
            if guarded:
                raise AccessError(gettext(
                        'key_account.msg_key_account_field_guarded',
                        field=', '.join(sorted(guarded)),
                        account=', '.join(a.rec_name for a in accounts[:5])))
        if mode == 'delete':
            for account in accounts:
                if account.state != 'candidate' or account.changes:
                    raise AccessError(gettext(
                            'key_account.msg_key_account_delete',
                            account=account.rec_name))

    @classmethod
    def copy(cls, accounts, default=None):
        default = default.copy() if default else {}
        for name in ['tier', 'tier_date', 'computed_tier', 'changes',
                'visits', 'registered_by', 'registration_date',
                'authorisation_reference', 'authorisation_date',
                'authorisation_letter', 'authorisation_filename']:
            default.setdefault(name)
        default.setdefault('state', 'candidate')
        default.setdefault('designated', False)
        return super().copy(accounts, default=default)

    # Revenue (KA-3)

    @classmethod
    def get_revenue(cls, accounts, name):
        cursor = Transaction().connection.cursor()
        result = {a.id: None for a in accounts}
        by_company = defaultdict(list)
        for account in accounts:
            by_company[account.company].append(account)
        date = Transaction().context.get('date')
        for company, company_accounts in by_company.items():
            start, end = revenue_period(company, date)
            parties = {a.party.id: a.id for a in company_accounts}
            for sub in _slices(list(parties)):
                cursor.execute(*revenue_query(
                        company, start, end, list(sub)))
                for party, revenue in cursor:
                    result[parties[party]] = Decimal(str(revenue or 0))
            for account in company_accounts:
                if result[account.id] is None:
                    result[account.id] = Decimal(0)
        return result

    @classmethod
    def recompute(cls, company, start=None, end=None, date=None,
            parties=None):
        """Recompute the tiers of company from its revenue (KA-1 .. KA-3).

        One aggregation query gives the revenue of every party, the
        computed tiers are written by batches of statements (never a query
        per party) with a history row per change; the changes of registered
        accounts are proposed to the owner of the new tier.
        Return the changes proposed for approval.
        """
        pool = Pool()
        Company = pool.get('company.company')
        Tier = pool.get('sale.key_account.tier')
        Change = pool.get('sale.key_account.change')
        company = Company(int(company))
        date = date or _today()
        if not in_force(REGULATION, company, date):
            return []
        if start is None or end is None:
            start, end = revenue_period(company, date)
        elif start > end:
            # the wizard's domain binds only the client
            raise KeyAccountError(gettext(
                    'key_account.msg_recompute_dates',
                    start=start, end=end))
        # the thresholds in force on the day of the assessment
        thresholds = Tier.thresholds(company, date=date)
        tiers = {t.id: t for _, t in thresholds}
        if parties is not None:
            slices = [list(s) for s in _slices([int(p) for p in parties])]
        else:
            slices = [None]
        proposals = []
        for party_ids in slices:
            check_rates(company, start, end, party_ids)
            proposals.extend(cls._write_changes(
                    company, start, end, date, thresholds, party_ids))
        return Change.propose_from(
            company, proposals, start, end, date, tiers)

    @classmethod
    def _write_changes(cls, company, start, end, date, thresholds,
            party_ids=None):
        """Write the changes of the computed tiers set-based and return
        those of the registered accounts, to propose.

        The changes are computed once into a temporary table; the new
        candidates, the history rows and the new computed tiers are each
        written by one statement reading it.
        """
        pool = Pool()
        Change = pool.get('sale.key_account.change')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        user = transaction.user
        now = dt.datetime.now()
        account = cls.__table__()
        change = Change.__table__()
        tmp = Table('sale_key_account_recompute')
        # PostgreSQL takes no parameters in CREATE TABLE AS
        columns = [('party', 'INTEGER'), ('revenue', 'NUMERIC'),
            ('tier', 'INTEGER'), ('account', 'INTEGER'),
            ('computed_tier', 'INTEGER'), ('current', 'INTEGER'),
            ('state', 'VARCHAR'), ('designated', 'BOOLEAN')]
        cursor.execute('DROP TABLE IF EXISTS "%s"' % tmp._name)
        cursor.execute('CREATE TEMPORARY TABLE "%s" (%s)' % (
                tmp._name, ', '.join('"%s" %s' % c for c in columns)))
        cursor.execute(*tmp.insert(
                [Column(tmp, c) for c, _ in columns],
                cls._changes_query(
                    company, start, end, thresholds, party_ids)))
        cursor.execute('CREATE INDEX "%s_account" ON "%s" (account)' % (
                tmp._name, tmp._name))

        # new candidates
        cursor.execute(*account.insert(
                [account.create_uid, account.create_date, account.company,
                    account.party, account.state, account.computed_tier,
                    account.designated],
                tmp.select(Literal(user), Literal(now), Literal(company.id),
                    tmp.party, Literal('candidate'), tmp.tier, Literal(False),
                    where=(tmp.account == Null) & (tmp.tier != Null))))

        # the history of the accounts that are not proposed for approval
        levels = Case(*[(tmp.tier == t.id, t.approval_level)
                for _, t in thresholds], else_=Literal('branch'))
        recorded = ((tmp.state == Null) | (tmp.state != 'registered')
            | (tmp.designated == Literal(True)))
        cursor.execute(*change.insert(
                [change.create_uid, change.create_date, change.company,
                    change.key_account, change.party, change.date,
                    change.period_start, change.period_end, change.revenue,
                    change.old_tier, change.new_tier, change.reason,
                    change.approval_level, change.state],
                tmp.join(account, condition=(account.party == tmp.party)
                    & (account.company == company.id)).select(
                    Literal(user), Literal(now), Literal(company.id),
                    account.id, tmp.party, Literal(date), Literal(start),
                    Literal(end), tmp.revenue, tmp.computed_tier, tmp.tier,
                    Literal('revenue'), levels, Literal('recorded'),
                    where=recorded & ((tmp.account != Null)
                        | (tmp.tier != Null)))))

        # the computed tiers of the accounts that existed
        cursor.execute(*account.update(
                [account.computed_tier, account.write_uid,
                    account.write_date],
                [tmp.select(tmp.tier, where=tmp.account == account.id),
                    Literal(user), Literal(now)],
                where=account.id.in_(tmp.select(
                        tmp.account, where=tmp.account != Null))))

        cursor.execute(*tmp.select(
                tmp.account, tmp.party, tmp.current, tmp.tier, tmp.revenue,
                where=(tmp.state == 'registered')
                & (tmp.designated != Literal(True))))
        proposals = list(cursor)
        cursor.execute('DROP TABLE "%s"' % tmp._name)
        cls._clear_cache()
        return proposals

    @classmethod
    def _changes_query(cls, company, start, end, thresholds, party_ids=None):
        """Return the query of the parties whose tier differs from the one
        computed last time: (party, revenue, tier, account, computed tier,
        tier, state, designated).

        The revenue of every party and the tier it reaches are computed in
        one aggregation; the accounts with a computed tier join the
        aggregation with no amount so that those without sales any more
        are found in the same query.
        """
        pool = Pool()
        Sale = pool.get('sale.sale')
        sale = Sale.__table__()
        known = cls.__table__()
        account = cls.__table__()
        known_where = ((known.company == company.id)
            & (known.computed_tier != Null))
        if party_ids is not None:
            known_where &= _in(known.party, party_ids)
        amounts = Union(
            sale.select(sale.party.as_('party'),
                company_amount(sale, company).as_('amount'),
                where=sales_where(sale, company, start, end, party_ids)),
            known.select(known.party.as_('party'),
                Literal(0).as_('amount'), where=known_where),
            all_=True)
        revenue = Sum(amounts.amount)
        id_type = cls.computed_tier.sql_type().base
        # thresholds as float: SQLite compares its sums as REAL
        tier = Case(*[
                (revenue >= Literal(float(v)), Cast(Literal(t.id), id_type))
                for v, t in thresholds], else_=Null)
        tiers = amounts.select(
            amounts.party.as_('party'),
            revenue.as_('revenue'),
            tier.as_('tier'),
            group_by=[amounts.party])
        none = Cast(Literal(-1), id_type)
        return tiers.join(account, 'LEFT', condition=(
                (account.party == tiers.party)
                & (account.company == company.id))).select(
            tiers.party.as_('party'), tiers.revenue.as_('revenue'),
            tiers.tier.as_('tier'), account.id.as_('account'),
            account.computed_tier.as_('computed_tier'),
            account.tier.as_('current'), account.state.as_('state'),
            account.designated.as_('designated'),
            where=Coalesce(tiers.tier, none)
            != Coalesce(account.computed_tier, none))

    @classmethod
    def _clear_cache(cls):
        "Drop the cached records after SQL writes"
        Transaction().counter += 1
        for cache in Transaction().cache.values():
            if cls.__name__ in cache:
                cache[cls.__name__].clear()

    @classmethod
    def recompute_cron(cls):
        "Cron: recompute the tiers of the company of the context (KA-3)"
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        companies = [Company(company)] if company else Company.search([])
        for company in companies:
            with Transaction().set_context(company=company.id):
                cls.recompute(company)

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('registered')
    @set_employee('registered_by')
    def register(cls, accounts):
        "KA-5: registered accounts get the benefits of their tier"
        Change = Pool().get('sale.key_account.change')
        cls.write(accounts, {'registration_date': _today()})
        by_company = defaultdict(list)
        for account in accounts:
            by_company[account.company].append(account)
        for company, company_accounts in by_company.items():
            cls.recompute(company, parties=[a.party for a in company_accounts])
        # accounts whose computed tier did not change still need approval
        proposals = []
        for account in cls.browse(accounts):
            if (account.computed_tier != account.tier
                    and not account.pending_change()):
                proposals.append(account)
        if proposals:
            Change.propose(proposals, reason='registration')

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, accounts):
        Change = Pool().get('sale.key_account.change')
        Change.supersede([c for a in accounts for c in a.changes
                if c.state == 'proposed'])

    @classmethod
    @ModelView.button
    def designate(cls, accounts):
        "KA-1: the head office designates a Diamond"
        pool = Pool()
        Tier = pool.get('sale.key_account.tier')
        Change = pool.get('sale.key_account.change')
        User = pool.get('res.user')
        user = User(Transaction().user)
        employee = user.employee
        tiers = Tier.search([('designable', '=', True)], limit=1)
        if not tiers:
            return
        tier, = tiers
        for account in accounts:
            head_office = account.company.head_office
            if Transaction().user and (
                    not employee or employee.company != head_office):
                raise KeyAccountError(gettext(
                        'key_account.msg_designate_head_office',
                        account=account.rec_name,
                        company=head_office.rec_name))
        Change.propose(accounts, reason='designation', tier=tier)

    def pending_change(self):
        for change in self.changes:
            if change.state == 'proposed':
                return change

    # Benefits (KA-5)

    @property
    def benefits(self):
        "Tell whether the account gets the benefits of its tier"
        return self.state == 'registered' and bool(self.tier)


class KeyAccountSpecialist(ModelSQL):
    "Key account - Client specialist"
    __name__ = 'sale.key_account-company.employee'
    key_account = fields.Many2One(
        'sale.key_account', "Key Account", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Specialist", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('key_account')
        cls._sql_constraints += [
            ('key_account_employee_unique',
                Unique(t, t.key_account, t.employee),
                'key_account.msg_specialist_unique'),
            ]


class Change(ApprovalMixin, Workflow, ModelSQL, ModelView):
    "Key-account tier change"
    __name__ = 'sale.key_account.change'
    _approval_regulation = REGULATION
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    key_account = fields.Many2One(
        'sale.key_account', "Key Account", required=True, readonly=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Client", required=True, readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    date = fields.Date("Date", required=True, readonly=True)
    period_start = fields.Date("Period Start", readonly=True)
    period_end = fields.Date("Period End", readonly=True)
    revenue = fields.Numeric("Revenue", digits=(16, 2), readonly=True)
    old_tier = fields.Many2One(
        'sale.key_account.tier', "Old Tier", readonly=True)
    new_tier = fields.Many2One(
        'sale.key_account.tier', "New Tier", readonly=True)
    reason = fields.Selection([
            ('revenue', "Revenue"),
            ('registration', "Registration"),
            ('designation', "Head Office Designation"),
            ], "Reason", required=True, readonly=True, sort=False)
    approval_level = fields.Selection(
        LEVELS, "Approval Level", readonly=True, sort=False)
    approving_company = fields.Many2One(
        'company.company', "Approving Company", readonly=True)
    employee = fields.Many2One(
        'company.employee', "Proposed By", readonly=True)
    state = fields.Selection([
            ('recorded', "Recorded"),
            ('proposed', "Proposed"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('superseded', "Superseded"),
            ], "State", required=True, readonly=True, sort=False,
        help="Changes of candidate accounts are only recorded; changes of "
        "registered accounts take effect once approved.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.key_account, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('proposed', 'approved'),
            ('proposed', 'rejected'),
            ('proposed', 'superseded'),
            }

    @classmethod
    def default_state(cls):
        return 'proposed'

    def get_rec_name(self, name):
        return '%s: %s → %s' % (
            self.party.rec_name if self.party else '',
            self.old_tier.rec_name if self.old_tier else '-',
            self.new_tier.rec_name if self.new_tier else '-')

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(
                    Eval('state').in_(['rejected', 'superseded']), 'muted',
                    If(Eval('state') == 'proposed', 'warning', ''))),
            ]

    @classmethod
    def check_modification(cls, mode, changes, values=None, external=False):
        super().check_modification(
            mode, changes, values=values, external=external)
        if mode == 'delete':
            raise AccessError(gettext('key_account.msg_change_delete'))

    # Approval hooks (KA-3, KA-4)

    def approval_company(self):
        return self.approving_company or self.company

    def approval_requester(self):
        return self.employee

    def approval_department(self):
        return self.employee.department if self.employee else None

    def _approval_environment(self):
        env = super()._approval_environment()
        env.update({
                'approval_level': self.approval_level,
                'tier': self.new_tier.code if self.new_tier else None,
                'upgrade': bool(self.new_tier and (
                        not self.old_tier
                        or self.new_tier.rank > self.old_tier.rank)),
                })
        return env

    @classmethod
    def _change_values(cls, account, new_tier, date, **values):
        level_tier = new_tier or account.tier
        level = level_tier.approval_level if level_tier else 'branch'
        values.update({
                'company': account.company.id,
                'key_account': account.id,
                'party': account.party.id,
                'date': date,
                'old_tier': account.tier.id if account.tier else None,
                'new_tier': new_tier.id if new_tier else None,
                'approval_level': level,
                'approving_company': level_company(
                    account.company, level).id,
                })
        return values

    @classmethod
    def propose_from(cls, company, proposals, start, end, date, tiers):
        "Propose the changes of registered accounts found by a recompute"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        if not proposals:
            return []
        to_create = []
        accounts = KeyAccount.browse([p[0] for p in proposals])
        for account, (_, _, _, tier, revenue) in zip(accounts, proposals):
            new_tier = tiers[tier] if tier is not None else None
            to_create.append(cls._change_values(
                    account, new_tier, date, reason='revenue',
                    period_start=start, period_end=end,
                    revenue=Decimal(str(revenue or 0)).quantize(
                        Decimal('0.01')),
                    state='proposed'))
        return cls._submit(accounts, to_create)

    @classmethod
    def propose(cls, accounts, reason, tier=None):
        """Propose for accounts their computed tier (or tier).

        Return the changes; those whose owner needs not approve are applied
        at once.
        """
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        employee = user.employee
        date = _today()
        to_create = []
        for account in accounts:
            new_tier = tier or account.computed_tier
            to_create.append(cls._change_values(
                    account, new_tier, date, reason=reason,
                    revenue=account.revenue,
                    employee=employee.id if employee else None,
                    state='proposed'))
        return cls._submit(accounts, to_create)

    @classmethod
    def _submit(cls, accounts, to_create):
        # a new proposal replaces the running one
        running = cls.search([
                ('key_account', 'in', [a.id for a in accounts]),
                ('state', '=', 'proposed'),
                ])
        if running:
            cls.supersede(running)
        # a change back to the tier in effect needs no approval
        to_create = [v for v in to_create if v['old_tier'] != v['new_tier']]
        with without_check_access():
            changes = cls.create(to_create)
            cls.approval_submit(changes)
        return cls.browse(changes)

    @classmethod
    @Workflow.transition('superseded')
    def supersede(cls, changes):
        cls.approval_reset(changes)

    @classmethod
    @ApprovalMixin.required
    @Workflow.transition('approved')
    def approve(cls, changes):
        "The change takes effect (KA-3)"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        to_write = []
        for change in changes:
            account = change.key_account
            values = {
                'tier': change.new_tier.id if change.new_tier else None,
                'tier_date': change.date,
                'designated': change.reason == 'designation',
                }
            # KA-4: without authorisation the head office takes over the
            # maintenance; the manager of the branch hands the account over
            maintainer = account.maintenance_company(tier=change.new_tier)
            if account.manager and account.manager.company != maintainer:
                values['manager'] = None
            to_write.extend(([account], values))
        if to_write:
            with without_check_access():
                KeyAccount.write(*to_write)

    @classmethod
    @Workflow.transition('rejected')
    def reject(cls, changes):
        pass

    @classmethod
    def _approval_rejected(cls, changes):
        cls.reject(changes)


class RecomputeStart(ModelView):
    "Recompute key-account tiers"
    __name__ = 'sale.key_account.recompute.start'
    company = fields.Many2One('company.company', "Company", required=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date(
        "End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date'))])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_start_date(cls):
        company = Transaction().context.get('company')
        if company:
            return revenue_period(company)[0]

    @classmethod
    def default_end_date(cls):
        company = Transaction().context.get('company')
        if company:
            return revenue_period(company)[1]


class Recompute(Wizard):
    "Recompute key-account tiers"
    __name__ = 'sale.key_account.recompute'
    start = StateView(
        'sale.key_account.recompute.start',
        'key_account.recompute_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Recompute", 'recompute', 'tryton-ok', default=True),
            ])
    recompute = StateTransition()

    def transition_recompute(self):
        KeyAccount = Pool().get('sale.key_account')
        with without_check_access():
            KeyAccount.recompute(
                self.start.company, self.start.start_date,
                self.start.end_date)
        return 'end'
