# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Service report, complaint investigation form and the yearly product and
service report (AS-5, AS-7, AS-12)."""
import datetime as dt
from collections import Counter

from trytond.model import ModelView, fields
from trytond.modules.company import CompanyReport
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

from .tools import percent


class ServiceReport(CompanyReport):
    "售后服务报告单"
    __name__ = 'aftersales.request.service_report'


class ComplaintReport(CompanyReport):
    "客户投诉调查处理表"
    __name__ = 'sale.complaint.investigation_report'


def yearly_figures(company, year):
    """Return the figures of the yearly product and service report for the
    management review (AS-12)"""
    pool = Pool()
    Request = pool.get('aftersales.request')
    Complaint = pool.get('sale.complaint')
    Survey = pool.get('aftersales.survey')
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    requests = Request.search([
            ('company', '=', company.id),
            ('state', '!=', 'cancelled'),
            ('received', '>=', dt.datetime.combine(start, dt.time.min)),
            ('received', '<=', dt.datetime.combine(end, dt.time.max)),
            ])
    kinds = dict(Request.fields_get(['kind'])['kind']['selection'])
    by_kind = Counter(r.kind for r in requests)
    by_product = Counter(
        r.product.rec_name for r in requests if r.product)
    months = []
    for month in range(1, 13):
        m_start = dt.date(year, month, 1)
        m_end = (dt.date(year + (month == 12), month % 12 + 1, 1)
            - dt.timedelta(days=1))
        on_time, total, rate, target = Request.on_time_rate(
            company, m_start, m_end)
        months.append({
                'month': '%04d-%02d' % (year, month),
                'total': total, 'on_time': on_time, 'rate': rate,
                'target': target,
                'bar': '█' * int((rate or 0) // 5),
                })
    complaints = Complaint.search([
            ('company', '=', company.id),
            ('date', '>=', start), ('date', '<=', end),
            ('state', 'not in', ['cancelled', 'rejected']),
            ])
    responsibilities = dict(Complaint.fields_get(
            ['responsibility'])['responsibility']['selection'])
    by_responsibility = Counter(
        responsibilities.get(c.responsibility) or '-' for c in complaints)
    surveys = Survey.search([
            ('company', '=', company.id),
            ('date', '>=', start), ('date', '<=', end),
            ])
    satisfied = sum(1 for s in surveys if s.satisfaction in {'4', '5'})
    closed = [r for r in requests if r.state in {'done', 'closed'}]
    on_time = sum(1 for r in closed if r.on_time)
    return {
        'year': year,
        'requests': len(requests),
        'by_kind': sorted(
            (kinds[k], n) for k, n in by_kind.items()),
        'by_product': by_product.most_common(10),
        'months': months,
        'repeats': sum(1 for r in requests if r.repeat_of),
        'in_warranty': sum(1 for r in requests if r.warranty == 'in'),
        'out_of_warranty': sum(1 for r in requests if r.warranty == 'out'),
        'complaints': len(complaints),
        'by_responsibility': sorted(by_responsibility.items()),
        'surveys': len(surveys),
        'satisfaction': percent(satisfied, len(surveys)),
        'on_time_rate': percent(on_time, len(closed)),
        }


class YearlyReport(CompanyReport):
    "Yearly product and service report"
    __name__ = 'aftersales.yearly_report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        Company = Pool().get('company.company')
        company = Company(data['company'])
        context['company'] = company
        context['figures'] = yearly_figures(company, data['year'])
        return context


class YearlyReportStart(ModelView):
    "Yearly product and service report"
    __name__ = 'aftersales.yearly_report.print.start'
    company = fields.Many2One('company.company', "Company", required=True)
    year = fields.Integer("Year", required=True)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year - 1


class YearlyReportPrint(Wizard):
    "Print the yearly product and service report"
    __name__ = 'aftersales.yearly_report.print'
    start = StateView('aftersales.yearly_report.print.start',
        'aftersales_service.yearly_report_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('aftersales.yearly_report')

    def do_print_(self, action):
        return action, {
            'company': self.start.company.id,
            'year': self.start.year,
            }
