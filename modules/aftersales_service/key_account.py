# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Key-account priority and progress e-mails (AS-11, KA-5), registered only
when key_account is activated."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .tools import send_mail


class Request(metaclass=PoolMeta):
    __name__ = 'aftersales.request'

    def compute_priority(self):
        "The key-account tier's priority first, the urgency breaks ties"
        priority = self.customer.key_account_priority(self.company)
        return priority * 10 + super().compute_priority()

    def is_key_account(self):
        return bool(self.customer.key_account_priority(self.company))

    @classmethod
    def notify_progress(cls, requests, stage):
        "E-mail key-account customers at each stage (AS-11)"
        super().notify_progress(requests, stage)
        for request in requests:
            if not request.is_key_account():
                continue
            send_mail(
                [request.customer],
                gettext('aftersales_service.msg_progress_subject',
                    request=request.number),
                gettext('aftersales_service.msg_progress_%s' % stage,
                    request=request.number,
                    product=request.product.rec_name
                    if request.product else ''))


def complaint_count(party, company, start, end):
    """Return the number of complaints of party in company from start to
    end, neither cancelled nor rejected (KA-8 from real complaints)"""
    Complaint = Pool().get('sale.complaint')
    with without_check_access():
        return Complaint.search([
                ('customer', '=', int(party)),
                ('company', '=', int(company)),
                ('date', '>=', start),
                ('date', '<=', end),
                ('state', 'not in', ['cancelled', 'rejected']),
                ], count=True)


class Indicator(metaclass=PoolMeta):
    __name__ = 'sale.key_account.indicator'
    recorded_complaints = fields.Function(
        fields.Integer("Recorded Complaints",
            help="The complaints registered in the system this year."),
        'get_recorded_complaints')

    def get_recorded_complaints(self, name):
        if not self.key_account or not self.year:
            return None
        return complaint_count(
            self.key_account.party, self.company,
            dt.date(self.year, 1, 1), dt.date(self.year, 12, 31))

    @classmethod
    def get_targets(cls, indicators, names):
        "The complaints target counts the recorded complaints too (KA-8)"
        from trytond.modules.key_account.survey import targets
        result = super().get_targets(indicators, names)
        if 'complaints_met' in names:
            for indicator in indicators:
                _, maximum, _ = targets(indicator.company, indicator.year)
                count = max(indicator.complaints or 0,
                    indicator.recorded_complaints or 0)
                result['complaints_met'][indicator.id] = count <= maximum
        return result


class KeyAccountReport(metaclass=PoolMeta):
    __name__ = 'sale.key_account.report'

    @classmethod
    def lines(cls, accounts, start, end):
        "The yearly complaints come from the recorded complaints too (KA-8)"
        result = super().lines(accounts, start, end)
        year_start = dt.date(start.year, 1, 1)
        for line in result:
            account = line['account']
            line['complaints'] = max(line['complaints'], complaint_count(
                    account.party, account.company, year_start, end))
        return result
