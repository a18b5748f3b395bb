# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Key-account priority and progress e-mails (AS-11, KA-5), registered only
when key_account is activated."""
from trytond.i18n import gettext
from trytond.pool import PoolMeta

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
