# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.pool import Pool

REGULATION = 'aftersales_service'


def parameter(code, company, default, date=None):
    "Return the regulation parameter code with the SPEC default"
    Parameter = Pool().get('regulation.parameter')
    return Parameter.get(
        'aftersales_' + code, company, date=date, default=default)


def hours(code, company, default):
    return float(parameter(code, company, default))


def send_mail(parties, subject, body):
    "E-mail subject and body to the parties that have an address"
    from email.message import EmailMessage

    from trytond import config
    from trytond.sendmail import send_message_transactional
    to = sorted({p.email for p in parties if p and p.email})
    if not to:
        return False
    msg = EmailMessage()
    msg['From'] = config.get('email', 'from')
    msg['To'] = ', '.join(to)
    msg['Subject'] = subject
    msg.set_content(body)
    send_message_transactional(msg)
    return True


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'))
