# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Resignation hand-over of the office phone (HR-6, OP-12).

Registered only when office_phone is activated, which exposes
``office.phone.handover.is_clear(employee)``.
"""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta


def phone_blockers(requests, Handover):
    "Return the messages of requests whose employee keeps an office phone"
    return [gettext(
            'hr_approval.msg_request_phone_not_handed_over',
            request=r.rec_name, employee=r.subject.rec_name)
        for r in requests
        if r.subject and not Handover.is_clear(r.subject)]


class Request(metaclass=PoolMeta):
    __name__ = 'hr.request'

    @classmethod
    def _handover_blockers(cls, requests):
        Handover = Pool().get('office.phone.handover')
        return super()._handover_blockers(requests) + phone_blockers(
            requests, Handover)
