# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import logging
import traceback

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model import dualmethod
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import SMTPDataManager, get_smtp_server
from trytond.transaction import Transaction, TransactionError

from .exceptions import CronError

logger = logging.getLogger(__name__)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('regulation.approval|remind',
                    "Remind Approvers of Pending Decisions"),
                ])

    @dualmethod
    def run_once(cls, crons):
        """Report an unexpected failure like a user error.

        trytond-cron stores only user errors in ir.error (Administration >
        Errors, where "Solve" runs the action again); any other exception
        was only written to the log.  The task is rescheduled at its next
        call either way (and database conflicts are retried at once).

        The mail server is reached before the task ends: ir.email sends at
        commit, after trytond-cron's error handling, so an unreachable
        server stopped the whole run (the task and every later one, each
        minute, with nothing reported) and the mails of a failed task are
        dropped with its transaction."""
        try:
            super().run_once(crons)
            cls._connect_mail_servers()
        except (UserError, UserWarning, TransactionError,
                backend.DatabaseOperationalError):
            cls._drop_mails()
            raise
        except Exception as exception:
            cls._drop_mails()
            logger.exception("scheduled action %s failed", crons)
            raise CronError(gettext('regulation_base.msg_cron_failed',
                    cron=', '.join(c.rec_name for c in crons),
                    error=str(exception) or exception.__class__.__name__),
                traceback.format_exc()) from exception

    @classmethod
    def _connect_mail_servers(cls):
        "Connect the SMTP servers of the mails the transaction will send"
        for manager in Transaction()._datamanagers or []:
            if (isinstance(manager, SMTPDataManager) and manager.queue
                    and manager._server is None):
                # tpc_vote does the same at commit and keeps the server
                manager._server = get_smtp_server(
                    manager.uri, strict=manager.strict)

    @classmethod
    def _drop_mails(cls):
        """Forget the mails of a failed task: the transaction's rollback
        keeps its data managers and its commit would still connect."""
        transaction = Transaction()
        managers = transaction._datamanagers or []
        for manager in [m for m in managers
                if isinstance(m, SMTPDataManager)]:
            manager.tpc_abort(transaction)
            managers.remove(manager)


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context.setdefault('employees', User.get_employees())
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, tuple(User.get_employees()))


class ActionReport(metaclass=PoolMeta):
    __name__ = 'ir.action.report'

    def get_template_cached(self):
        """Parse translatable templates afresh.

        trytond 8.0 renders a shallow copy of the cached template and
        Report._callback_loader adds the translator's directives to it at
        each rendering: they pile up in the shared stream, and after 325
        approval mails a process (trytond-worker, a gunicorn worker) failed
        every one with RecursionError."""
        if self.translatable:
            return None
        return super().get_template_cached()
