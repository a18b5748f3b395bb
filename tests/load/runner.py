# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A bounded load on the production stack: N concurrent JSON-RPC clients.

Each client logs in as the head of after-sales (aftersales_head, who
decides the line requests pending for them in "My Approvals to Do") and as
the admin, then cycles through:

    list    search_read of one page (80 rows) of a main model, in turn
            regulation.approval (the to-do domain), expense.claim,
            hr.request, reception.visit, sale.key_account,
            office.phone.bill, regulation.penalty
    read    the form of one record of the same model (every field)
    approve the approval of one of its own pending line requests

while one more client imports a phone bill (office.phone.bill.import
wizard, ``import_rows`` calls) at the same time.  A run is bounded: a fixed
number of requests per client and a time limit.

``run_load`` returns the figures: requests/s and latency median and p95
per operation, the errors, the approvals decided and the bill imported.
"""
import datetime as dt
import statistics
import threading
import time
from decimal import Decimal

from .rpc import Client, RPCError, ServerError

MODELS = [
    ('regulation.approval', [('state', '=', 'pending')]),  # + approver
    ('expense.claim', []),
    ('hr.request', []),
    ('reception.visit', []),
    ('sale.key_account', []),
    ('office.phone.bill', []),
    ('regulation.penalty', []),
    ]
LIST_FIELDS = ['rec_name', 'create_date', 'write_date']
APPROVER = 'aftersales_head'
IMPORTER = 'hr'


def percentile(values, fraction):
    "The nearest-rank percentile of values"
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1,
            int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {}
        self.errors = []
        self.requests = 0

    def add(self, operation, seconds):
        with self.lock:
            self.latencies.setdefault(operation, []).append(seconds)
            self.requests += 1

    def error(self, operation, exception):
        with self.lock:
            self.errors.append((operation, repr(exception)))
            self.requests += 1

    def summary(self):
        result = {}
        everything = [v for values in self.latencies.values()
            for v in values]
        for operation, values in sorted(self.latencies.items()) + [
                ('all', everything)]:
            if not values:
                continue
            result[operation] = {
                'count': len(values),
                'median_ms': round(statistics.median(values) * 1000, 1),
                'p95_ms': round(percentile(values, 0.95) * 1000, 1),
                }
        return result


def model_access(url, database, logins, passwords):
    """Return {model: login} of a login that may list each model, trying
    logins in order"""
    readers = {}
    for login in logins:
        client = Client(url, database, login, passwords[login])
        for model, domain in MODELS:
            if model in readers:
                continue
            try:
                client.model(model, 'search_read', domain, 0, 1, None,
                    ['rec_name'])
            except RPCError:
                continue
            readers[model] = login
        client.close()
    return readers


def bill_file(numbers, rows, period):
    "A call-detail CSV of rows calls on the lines numbers during period"
    lines = ['line,start,dialled,duration,cost']
    total = Decimal(0)
    for i in range(rows):
        start = dt.datetime.combine(period, dt.time(9)) + dt.timedelta(
            days=i % 27, minutes=i % 480, seconds=i // 480)
        cost = Decimal(i % 7) / 10
        total += cost
        lines.append('%s,%s,%s,%s,%s' % (numbers[i % len(numbers)],
                start.strftime('%Y-%m-%d %H:%M:%S'),
                '0203%07d' % i, 30 + i % 300, cost))
    return ('\n'.join(lines) + '\n').encode(), total


def import_bill(client, company, period, carrier, data, total):
    "Run the bill import wizard over JSON-RPC and return the bill id"
    wizard = 'wizard.office.phone.bill.import'
    session, _, _ = client.call(wizard + '.create', client.context)
    try:
        result = client.call(wizard + '.execute', session, {
                'start': {
                    'company': company,
                    'period': period,
                    'carrier': carrier,
                    'carrier_total': total,
                    'file': data,
                    'filename': 'load.csv',
                    'bill': None,
                    },
                }, 'import_', client.context)
    finally:
        client.call(wizard + '.delete', session, client.context)
    for action, *_ in result.get('actions', []):
        if action.get('res_id'):
            return action['res_id'][0]
    return None


def run_load(url, database, passwords, clients, requests, time_limit,
        approvals, import_rows=0, carrier='load test', period=None):
    """Run the load: clients threads of requests each (at most time_limit
    seconds); approvals is the list of pending approval ids, shared out
    between the clients.  Return a dict of figures."""
    stats = Stats()
    readers = model_access(url, database, [APPROVER, 'admin', IMPORTER,
            'gm'], passwords)
    models = [(m, d) for m, d in MODELS if m in readers]
    shares = [approvals[i::clients] for i in range(clients)]
    decided = []
    sessions = {}
    deadline = [None]
    barrier = threading.Barrier(clients + (1 if import_rows else 0) + 1)
    bill = {}

    def session(index, login):
        key = (index, login)
        if key not in sessions:
            sessions[key] = Client(url, database, login, passwords[login])
        return sessions[key]

    def timed(operation, function, *args):
        start = time.perf_counter()
        try:
            result = function(*args)
        except (RPCError, ServerError) as exception:
            stats.error(operation, exception)
            return False, None
        stats.add(operation, time.perf_counter() - start)
        return True, result

    def worker(index):
        for login in {APPROVER, *readers.values()}:
            session(index, login)
        mine = list(shares[index])
        ids = {}
        barrier.wait()
        done = 0
        step = index
        while done < requests and time.monotonic() < deadline[0]:
            kind = ('list', 'read', 'list', 'approve')[step % 4]
            model, domain = models[(step // 4 + index) % len(models)]
            step += 1
            if kind == 'approve' and not mine:
                kind = 'read'
            if model == 'regulation.approval':
                # "My Approvals to Do"
                domain = domain + [
                    ('approver', '=', session(index, APPROVER).context.get(
                            'employee'))]
            if kind == 'list':
                client = session(index, readers[model])
                _, rows = timed('list', client.model, model, 'search_read',
                    domain, 0, 80, None, LIST_FIELDS)
                if rows:
                    ids[model] = [r['id'] for r in rows]
            elif kind == 'read':
                client = session(index, readers[model])
                if not ids.get(model):
                    _, rows = timed('list', client.model, model,
                        'search_read', domain, 0, 80, None, LIST_FIELDS)
                    done += 1
                    ids[model] = [r['id'] for r in rows or []]
                    if not ids[model] or done >= requests:
                        continue
                fields = fields_of(client, model)
                record = ids[model][step % len(ids[model])]
                timed('read', client.model, model, 'read', [record], fields)
            else:
                approval = mine.pop()
                client = session(index, APPROVER)
                ok, _ = timed('approve', client.model,
                    'regulation.approval', 'approve', [approval])
                if ok:
                    decided.append(approval)
            done += 1

    field_names = {}
    field_lock = threading.Lock()

    def fields_of(client, model):
        with field_lock:
            if model not in field_names:
                definitions = client.model(model, 'fields_get', None)
                field_names[model] = sorted(name
                    for name, field in definitions.items()
                    if field['type'] not in {'binary', 'one2many',
                        'many2many'})
            return field_names[model]

    def importer():
        client = Client(url, database, IMPORTER, passwords[IMPORTER])
        numbers = [line['number'] for line in client.model(
                'office.phone.line', 'search_read', [
                    ('kind', '!=', 'internal')], 0, None, None,
                ['number'])]
        data, total = bill_file(numbers, import_rows, period)
        company = client.context['company']
        barrier.wait()
        start = time.perf_counter()
        try:
            bill['id'] = import_bill(
                client, company, period, carrier, data, total)
        except (RPCError, ServerError) as exception:
            stats.error('import', exception)
        else:
            stats.add('import', time.perf_counter() - start)
        bill['rows'] = import_rows
        client.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True)
        for i in range(clients)]
    if import_rows:
        threads.append(threading.Thread(target=importer, daemon=True))
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + time_limit + 60
    barrier.wait()
    started = time.monotonic()
    deadline[0] = started + time_limit
    for thread in threads:
        thread.join(timeout=time_limit + 120)
    elapsed = time.monotonic() - started
    for client in sessions.values():
        client.close()
    figures = {
        'clients': clients,
        'requests': stats.requests,
        'seconds': round(elapsed, 2),
        'requests_per_second': round(stats.requests / elapsed, 1),
        'operations': stats.summary(),
        'errors': stats.errors,
        'decided': sorted(decided),
        'bill': bill,
        'models': [m for m, _ in models],
        'unfinished': [t.name for t in threads if t.is_alive()],
        }
    return figures


def format_figures(figures):
    lines = ['%(clients)d clients: %(requests)d requests in %(seconds)ss, '
        '%(requests_per_second)s requests/s' % figures]
    for operation, values in figures['operations'].items():
        lines.append('  %-8s %5d  median %7.1f ms  p95 %7.1f ms' % (
                operation, values['count'], values['median_ms'],
                values['p95_ms']))
    if figures['errors']:
        lines.append('  %d errors, first: %s' % (
                len(figures['errors']), figures['errors'][0]))
    return '\n'.join(lines)
