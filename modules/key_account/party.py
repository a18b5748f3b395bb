# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tier of a client on the party (KA-1, KA-5)."""
from sql import Null

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .tools import _in, _slices


def _scope(company=None):
    """Return the ids of the companies whose accounts count for company:
    the company, its parents and its branches."""
    Company = Pool().get('company.company')
    if company is None:
        company = Transaction().context.get('company')
    if company is None or int(company) < 0:
        return []
    company = Company(int(company))
    ids = {c.id for c in company.ancestors()}
    ids.update(c.id for c in Company.search([
                ('parent', 'child_of', [company.id])]))
    return sorted(ids)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    key_accounts = fields.One2Many(
        'sale.key_account', 'party', "Key Accounts", readonly=True)
    key_account_tier = fields.Function(fields.Many2One(
            'sale.key_account.tier', "Key-Account Tier",
            help="The tier of the registered key account of the client "
            "in the company (KA-1)."),
        'get_key_account_tier', searcher='search_key_account_tier')
    key_account_visual = fields.Function(
        fields.Char("Key-Account Colour"), 'get_key_account_tier')

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="key_account_tier"]', 'visual',
                Eval('key_account_visual', '')),
            ]

    @classmethod
    def _registered_tiers(cls, party_ids, company=None):
        "Return {party id: tier} of the best registered tier in company"
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Tier = pool.get('sale.key_account.tier')
        account = KeyAccount.__table__()
        tier = Tier.__table__()
        companies = _scope(company)
        result = {}
        if not companies:
            return result
        cursor = Transaction().connection.cursor()
        ranks = {}
        for sub in _slices(party_ids):
            cursor.execute(*account.join(
                    tier, condition=account.tier == tier.id).select(
                    account.party, tier.id, tier.rank,
                    where=_in(account.party, sub)
                    & account.company.in_(companies)
                    & (account.state == 'registered')))
            for party, tier_id, rank in cursor:
                if rank > ranks.get(party, -1):
                    ranks[party] = rank
                    result[party] = tier_id
        return result

    @classmethod
    def get_key_account_tier(cls, parties, names):
        Tier = Pool().get('sale.key_account.tier')
        tiers = cls._registered_tiers([p.id for p in parties])
        result = {}
        if 'key_account_tier' in names:
            result['key_account_tier'] = {
                p.id: tiers.get(p.id) for p in parties}
        if 'key_account_visual' in names:
            visuals = {t.id: t.visual or '' for t in Tier.browse(
                    list(set(tiers.values())))}
            result['key_account_visual'] = {
                p.id: visuals.get(tiers.get(p.id), '') for p in parties}
        return result

    @classmethod
    def search_key_account_tier(cls, name, clause):
        """Search the parties by the tier of their registered key account.

        The tiers are public: the search ignores the record rules of the
        key accounts, like the tag shown in the lists.
        """
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        Tier = pool.get('sale.key_account.tier')
        account = KeyAccount.__table__()
        _, operator, value, *extra = clause
        where = (account.company.in_(_scope() or [-1])
            & (account.state == 'registered') & (account.tier != Null))
        if value is None and operator in {'=', '!='}:
            query = account.select(account.party, where=where)
            return [('id', 'not in' if operator == '=' else 'in', query)]
        nested = clause[0][len(name) + 1:]
        if nested:
            field = nested
        elif isinstance(value, str) or (
                isinstance(value, (list, tuple))
                and any(isinstance(v, str) for v in value)):
            field = 'rec_name'
        else:
            field = 'id'
        tiers = Tier.search([(field, operator, value, *extra)])
        query = account.select(account.party,
            where=where & account.tier.in_([t.id for t in tiers] or [-1]))
        return [('id', 'in', query)]

    # Benefits other modules call (KA-5)

    def key_account(self, company=None):
        """Return the registered key account of the party for company (its
        own, a parent's or a branch's, the best tier first) or None."""
        pool = Pool()
        KeyAccount = pool.get('sale.key_account')
        companies = _scope(company)
        if not companies:
            return None
        with without_check_access():
            accounts = KeyAccount.search([
                ('party', '=', self.id),
                ('company', 'in', companies),
                ('state', '=', 'registered'),
                ('tier', '!=', None),
                ], order=[('tier.rank', 'DESC')], limit=1)
            return accounts[0] if accounts else None

    def key_account_priority(self, company=None):
        """Return the after-sales priority of the party (KA-5): the
        priority of its tier, 0 when it is not a registered key account."""
        with without_check_access():
            account = self.key_account(company)
            if account and account.benefits:
                return account.tier.priority or 0
        return 0

    def suggested_reception_class(self, company=None):
        """Return the visitor class suggested for the party's visits
        (KA-5), None when it is not a registered key account."""
        with without_check_access():
            account = self.key_account(company)
            if account and account.benefits:
                return account.tier.reception_class
        return None
