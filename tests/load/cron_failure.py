# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run trytond's cron loop once on a database with a scheduled action that
fails, and print what became of it as JSON.

    python tests/load/cron_failure.py DATABASE KIND

KIND is ``unexpected`` (a RuntimeError), ``user`` (a UserError) or
``mail`` (a mail to send at commit to a server that refuses it).  Two
actions "Remind Approvers of Pending Decisions" are created due now, the
first one's call patched to fail; then ``Cron.run(database)``, what
trytond-cron runs every minute, runs.
The configuration comes from TRYTOND_CONFIG.
"""
import datetime as dt
import json
import sys
from email.message import EmailMessage
from unittest.mock import patch

from sql import Null

from trytond.sendmail import SMTPDataManager, send_message_transactional


def _first(kind):
    "Fail as kind says the first time, then return []"
    calls = []

    def side_effect(*args, **kwargs):
        from trytond.exceptions import UserError
        calls.append(1)
        if len(calls) > 1:
            return []
        if kind == 'user':
            raise UserError("the reminder cannot be sent")
        elif kind == 'mail':
            # a mail to send at commit, to a server that refuses it
            message = EmailMessage()
            message['From'] = 'zhidu@localhost'
            message['To'] = 'head@localhost'
            message['Subject'] = 'reminder'
            send_message_transactional(message, datamanager=SMTPDataManager(
                    uri='smtp://127.0.0.1:1', strict=True))
            return []
        raise RuntimeError("mail server unreachable")
    return side_effect


def main(database, kind):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(database)
    with Transaction().start(database, 0, readonly=True):
        pool.init()
    Cron = pool.get('ir.cron')
    Approval = pool.get('regulation.approval')
    Error = pool.get('ir.error')
    Log = pool.get('ir.cron.log')
    before = dt.datetime.now()
    with Transaction().start(database, 0) as transaction:
        # only these actions are due
        table = Cron.__table__()
        transaction.connection.cursor().execute(*table.update(
                [table.next_call], [before + dt.timedelta(days=1)],
                where=(table.next_call == Null) | (
                    table.next_call <= before + dt.timedelta(minutes=5))))
        # the failing action, then another one due after it
        crons = Cron.create([{
                    'method': 'regulation.approval|remind',
                    'interval_number': 1,
                    'interval_type': 'hours',
                    'next_call': before - dt.timedelta(minutes=1),
                    } for _ in range(2)])
        cron_id, other_id = [c.id for c in crons]
    with patch.object(Approval, 'remind', side_effect=_first(kind)):
        Cron.run(database)
    with Transaction().start(database, 0, readonly=True):
        cron = Cron(cron_id)
        errors = Error.search([('origin', '=', str(cron))])
        result = {
            'cron': cron_id,
            'active': cron.active,
            'rescheduled': bool(cron.next_call and cron.next_call > before),
            'next_call': str(cron.next_call),
            'other_ran': bool(Log.search([('cron', '=', other_id)])),
            'errors': [{'id': e.id, 'message': e.message,
                    'description': e.description, 'state': e.state}
                for e in errors],
            }
    print(json.dumps(result))


if __name__ == '__main__':
    main(*sys.argv[1:3])
