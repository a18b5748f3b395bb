# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Client training classes held at the company (CR-8)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.regulation_base.exceptions import ResolutionError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import VisitError


def next_week(date):
    "Return the Monday and the Sunday of the week after date"
    monday = date + dt.timedelta(days=7 - date.weekday())
    return monday, monday + dt.timedelta(days=6)


class Training(ModelSQL, ModelView):
    "Client training class"
    __name__ = 'reception.training'
    company = fields.Many2One(
        'company.company', "Company", required=True)
    party = fields.Many2One(
        'party.party', "Client", required=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    name = fields.Char("Class", required=True)
    leader_name = fields.Char("Leader", required=True)
    leader_title = fields.Char("Leader's Title")
    check_in = fields.Date("Check-in", required=True)
    end = fields.Date(
        "End", required=True,
        domain=[If(Eval('check_in') & Eval('end'),
                ('end', '>=', Eval('check_in')), ())])
    trainee_level = fields.Char(
        "Trainee Level", help="e.g. engineers, middle managers.")
    trainees = fields.Integer("Trainees")
    employee = fields.Many2One(
        'company.employee', "Filed By",
        domain=[('company', '=', Eval('company', -1))])
    visit = fields.Many2One(
        'reception.visit', "Reception Visit",
        domain=[('company', '=', Eval('company', -1))])
    notified = fields.DateTime("Sent to the Sales Head", readonly=True)
    next_week = fields.Function(fields.Boolean(
            "Next Week"), 'get_next_week', searcher='search_next_week')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.check_in, Index.Range())))
        cls._order = [('check_in', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def validate_fields(cls, trainings, field_names):
        super().validate_fields(trainings, field_names)
        for training in trainings:
            if (training.check_in and training.end
                    and training.end < training.check_in):
                raise VisitError(gettext(
                        'client_reception.msg_training_dates',
                        training=training.rec_name))

    @classmethod
    def check_modification(cls, mode, trainings, values=None,
            external=False):
        super().check_modification(
            mode, trainings, values=values, external=external)
        if (mode == 'write' and external and values
                and 'notified' in values):
            raise VisitError(gettext(
                    'client_reception.msg_training_notified_guarded'))

    def get_next_week(self, name):
        Date = Pool().get('ir.date')
        monday, sunday = next_week(Date.today())
        return bool(self.check_in and monday <= self.check_in <= sunday)

    @classmethod
    def search_next_week(cls, name, clause):
        Date = Pool().get('ir.date')
        _, operator, value = clause
        monday, sunday = next_week(Date.today())
        domain = [
            ('check_in', '>=', monday),
            ('check_in', '<=', sunday),
            ]
        if (operator == '=') == bool(value):
            return domain
        return ['NOT', domain]

    @classmethod
    def of_next_week(cls, date=None):
        "Return the classes of the company starting next week (CR-8)"
        Date = Pool().get('ir.date')
        monday, sunday = next_week(date or Date.today())
        domain = [
            ('check_in', '>=', monday),
            ('check_in', '<=', sunday),
            ]
        company = Transaction().context.get('company')
        if company is not None:
            domain.append(('company', '=', company))
        return cls.search(domain)

    @classmethod
    def send_weekly(cls, date=None):
        """Cron (Fridays): e-mail next week's client training classes to the
        sales head of each company (CR-8).

        Return the classes sent."""
        pool = Pool()
        Date = pool.get('ir.date')
        Email = pool.get('ir.email')
        Role = pool.get('regulation.role')
        date = date or Date.today()
        monday, sunday = next_week(date)
        trainings = cls.of_next_week(date)
        by_company = {}
        for training in trainings:
            by_company.setdefault(training.company, []).append(training)
        sent = []
        for company, classes in by_company.items():
            try:
                sales_head = Role.holder('sales_head', company)
            except ResolutionError:
                continue
            email = sales_head.party.email
            if not email:
                continue
            rows = ''.join(
                '<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>'
                '<td>%s</td><td>%s</td><td>%s</td></tr>' % tuple(
                    _html(v) for v in [
                        t.party.rec_name, t.name, t.leader_name,
                        t.leader_title or '', t.check_in, t.end,
                        t.trainee_level or ''])
                for t in classes)
            body = gettext(
                'client_reception.msg_training_weekly_body',
                start=monday, end=sunday, count=len(classes)) + (
                '<table border="1" cellpadding="4">'
                '<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>'
                '<th>%s</th><th>%s</th><th>%s</th></tr>%s</table>' % (
                    tuple(_html(cls._fields[f].string) for f in [
                            'party', 'name', 'leader_name', 'leader_title',
                            'check_in', 'end', 'trainee_level']) + (rows,)))
            Email.send(
                to=email,
                subject=gettext(
                    'client_reception.msg_training_weekly_subject',
                    start=monday, end=sunday, company=company.rec_name),
                body=body,
                record=('company.company', company.id))
            sent.extend(classes)
        now = dt.datetime.now()
        for sub in grouped_slice(sent, 500):
            cls.write(list(sub), {'notified': now})
        return sent


def _html(value):
    from html import escape
    return escape(str(value))
