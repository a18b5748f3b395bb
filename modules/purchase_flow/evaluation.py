# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Supplier evaluation (PF-9): weighted criteria scored each period."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.regulation_base import WorkflowGuardMixin, in_force
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import SupplierWarning

SOURCES = [
    ('quality', "Inspections and After-Sales Defects"),
    ('delivery', "Receipts Matching the Order"),
    ('price', "Price Against the Quotations"),
    ('late', "On-Time Receipts"),
    ('manual', "Manual Score"),
    ]
#: points an after-sales defect of the supplier takes off its quality
DEFECT_POINTS = 10


def _ratio_score(good, total):
    if not total:
        return Decimal(100)
    return (Decimal(100) * good / total).quantize(Decimal('0.01'))


class Criterion(DeactivableMixin, ModelSQL, ModelView):
    "Supplier Evaluation Criterion"
    __name__ = 'purchase.flow.criterion'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    weight = fields.Numeric(
        "Weight", digits=(16, 2), required=True,
        domain=[('weight', '>=', 0)],
        help="The share of the criterion in the total score.")
    source = fields.Selection(
        SOURCES, "Source", required=True, sort=False,
        help="Where the score comes from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('code', 'ASC'))


class Evaluation(WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    "Supplier Evaluation"
    __name__ = 'purchase.flow.evaluation'
    _workflow_guarded = {'state', 'score'}
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    supplier = fields.Many2One(
        'party.party', "Supplier", required=True, states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", required=True, states=_states,
        domain=[('end_date', '>=', Eval('start_date'))])
    lines = fields.One2Many(
        'purchase.flow.evaluation.line', 'evaluation', "Scores",
        states=_states)
    score = fields.Numeric(
        "Score", digits=(16, 2), readonly=True,
        help="The weighted score out of 100.")
    rank = fields.Function(fields.Integer("Rank"), 'get_rank')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('end_date', 'DESC'), ('score', 'DESC NULLS LAST'),
            ('id', 'DESC')]
        cls._transitions |= {('draft', 'done'), ('done', 'draft')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'done',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return '%s (%s - %s)' % (
            self.supplier.rec_name, self.start_date, self.end_date)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('score', 100) < 60, 'danger', '')),
            ]

    @classmethod
    def get_rank(cls, evaluations, name):
        "PF-9: the rank among the suppliers evaluated on the same period"
        ranks = {}
        for evaluation in evaluations:
            others = cls.search([
                    ('company', '=', evaluation.company.id),
                    ('start_date', '=', evaluation.start_date),
                    ('end_date', '=', evaluation.end_date),
                    ('score', '>', evaluation.score or 0),
                    ])
            ranks[evaluation.id] = len(others) + 1
        return ranks

    @classmethod
    def evaluate(cls, company, start_date, end_date):
        """PF-9: evaluate every supplier with receipts in the period

        Return the evaluations created or recomputed."""
        pool = Pool()
        Move = pool.get('stock.move')
        moves = Move.search([
                ('company', '=', company.id),
                ('shipment', 'like', 'stock.shipment.in,%'),
                ('state', '!=', 'cancelled'),
                ('planned_date', '>=', start_date),
                ('planned_date', '<=', end_date),
                ])
        suppliers = {m.shipment.supplier for m in moves}
        existing = {e.supplier: e for e in cls.search([
                    ('company', '=', company.id),
                    ('start_date', '=', start_date),
                    ('end_date', '=', end_date),
                    ])}
        evaluations = [existing.get(s) or cls(
                company=company, supplier=s, start_date=start_date,
                end_date=end_date) for s in suppliers]
        cls.save(evaluations)
        evaluations = [e for e in evaluations if e.state == 'draft']
        cls.compute(evaluations)
        return evaluations

    @classmethod
    def evaluate_last_month(cls):
        "Cron: evaluate the suppliers of the month before"
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        company_id = Transaction().context.get('company')
        if company_id is None:
            return
        company = Company(company_id)
        if not in_force('purchase_flow', company):
            return
        end_date = Date.today().replace(day=1) - dt.timedelta(days=1)
        start_date = end_date.replace(day=1)
        return cls.evaluate(company, start_date, end_date)

    @classmethod
    @ModelView.button
    def compute(cls, evaluations):
        pool = Pool()
        Criterion = pool.get('purchase.flow.criterion')
        Line = pool.get('purchase.flow.evaluation.line')
        criteria = Criterion.search([])
        to_save, to_write = [], []
        for evaluation in evaluations:
            scores = evaluation.get_scores()
            lines = {l.criterion: l for l in evaluation.lines}
            for criterion in criteria:
                line = lines.get(criterion) or Line(
                    evaluation=evaluation, criterion=criterion)
                line.weight = criterion.weight
                if criterion.source != 'manual':
                    line.score = scores.get(criterion.source)
                to_save.append(line)
        Line.save(to_save)
        for evaluation in cls.browse(evaluations):
            to_write.extend(([evaluation], {'score': evaluation.total()}))
        if to_write:
            cls.write(*to_write)

    def total(self):
        weights = sum(l.weight for l in self.lines
            if l.score is not None and l.weight)
        if not weights:
            return None
        total = sum(l.weight * l.score for l in self.lines
            if l.score is not None and l.weight)
        return (total / weights).quantize(Decimal('0.01'))

    def _moves(self):
        Move = Pool().get('stock.move')
        return [m for m in Move.search([
                    ('company', '=', self.company.id),
                    ('shipment', 'like', 'stock.shipment.in,%'),
                    ('state', '!=', 'cancelled'),
                    ('planned_date', '>=', self.start_date),
                    ('planned_date', '<=', self.end_date),
                    ])
            if m.shipment.supplier == self.supplier]

    def get_scores(self):
        "Return the score of each source from the documents of the period"
        pool = Pool()
        moves = self._moves()
        shipments = {m.shipment for m in moves}
        scores = {}
        # quality: passed inspections, less the after-sales defects
        inspections = [i for s in shipments for i in s.quality_inspections
            if i.state in {'passed', 'failed'}]
        quality = _ratio_score(
            len([i for i in inspections if i.state == 'passed']),
            len(inspections))
        defects = self.aftersales_defects()
        scores['quality'] = max(
            Decimal(0), quality - DEFECT_POINTS * defects)
        # delivery: receipts without a question to purchasing
        checked = [s for s in shipments if s.state != 'cancelled']
        scores['delivery'] = _ratio_score(
            len([s for s in checked if not s.questions]), len(checked))
        # late rate: receipts done after the planned date
        done = [m for m in moves if m.state == 'done' and m.effective_date]
        on_time = [m for m in done
            if m.planned_date is None or m.effective_date <= m.planned_date]
        scores['late'] = _ratio_score(len(on_time), len(done))
        # price: the price paid against the cheapest quotation
        PurchaseLine = pool.get('purchase.line')
        variances = []
        for move in moves:
            line = move.origin
            if not isinstance(line, PurchaseLine):
                continue
            for request in getattr(line, 'requests', []):
                prices = [q.unit_price for q in request.quotation_lines
                    if q.quotation_state == 'received'
                    and q.unit_price]
                if prices and line.unit_price:
                    variances.append(
                        max(Decimal(0), line.unit_price / min(prices) - 1))
        if variances:
            scores['price'] = max(Decimal(0), (Decimal(100) - Decimal(100)
                    * sum(variances) / len(variances))).quantize(
                Decimal('0.01'))
        else:
            scores['price'] = Decimal(100)
        return scores

    def aftersales_defects(self):
        """The after-sales defects of the supplier in the period (AS-8).

        Counted by aftersales_service when it is activated; none otherwise.
        """
        pool = Pool()
        try:
            Complaint = pool.get('sale.complaint')
        except KeyError:
            return 0
        if not hasattr(Complaint, 'supplier_defect_counts'):
            return 0
        counts = Complaint.supplier_defect_counts(
            [self.supplier.id], self.start_date, self.end_date,
            company=self.company.id)
        return counts.get(self.supplier.id, 0)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, evaluations):
        cls.compute(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, evaluations):
        pass

    @classmethod
    def supplier_scores(cls, company, suppliers):
        "Return the last score of each supplier id"
        scores = {}
        for evaluation in cls.search([
                    ('company', '=', company.id),
                    ('supplier', 'in', [s.id for s in suppliers]),
                    ('state', '=', 'done'),
                    ], order=[('end_date', 'ASC')]):
            scores[evaluation.supplier.id] = evaluation.score
        return scores


class EvaluationLine(ModelSQL, ModelView):
    "Supplier Evaluation Score"
    __name__ = 'purchase.flow.evaluation.line'
    evaluation = fields.Many2One(
        'purchase.flow.evaluation', "Evaluation", required=True,
        ondelete='CASCADE')
    criterion = fields.Many2One(
        'purchase.flow.criterion', "Criterion", required=True,
        ondelete='RESTRICT')
    weight = fields.Numeric("Weight", digits=(16, 2), readonly=True)
    source = fields.Function(
        fields.Selection(SOURCES, "Source"), 'on_change_with_source')
    score = fields.Numeric(
        "Score", digits=(16, 2),
        domain=[If(Eval('score'),
                [('score', '>=', 0), ('score', '<=', 100)], [])],
        states={'readonly': Eval('source') != 'manual'},
        help="Out of 100; entered by purchasing for a manual criterion.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('evaluation')

    @fields.depends('criterion')
    def on_change_with_source(self, name=None):
        return self.criterion.source if self.criterion else None


class Quotation(metaclass=PoolMeta):
    __name__ = 'purchase.request.quotation'
    supplier_score = fields.Function(fields.Numeric(
            "Supplier Score", digits=(16, 2)), 'get_supplier_score')

    def get_supplier_score(self, name):
        Evaluation = Pool().get('purchase.flow.evaluation')
        if self.supplier and self.company:
            return Evaluation.supplier_scores(
                self.company, [self.supplier]).get(self.supplier.id)

    @classmethod
    @ModelView.button
    def send(cls, quotations):
        "PF-9: warn before asking a supplier under the threshold"
        pool = Pool()
        Parameter = pool.get('regulation.parameter')
        Warning = pool.get('res.user.warning')
        for quotation in quotations:
            if not in_force('purchase_flow', quotation.company):
                continue
            threshold = Parameter.get(
                'purchase_supplier_min_score', quotation.company,
                default=60)
            score = quotation.supplier_score
            if score is not None and score < Decimal(str(threshold)):
                key = Warning.format('supplier_score', [quotation])
                if Warning.check(key):
                    raise SupplierWarning(key, gettext(
                            'purchase_flow.msg_quotation_supplier_score',
                            supplier=quotation.supplier.rec_name,
                            score=score, threshold=threshold))
        super().send(quotations)
