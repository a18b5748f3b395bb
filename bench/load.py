#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Load on the production layout: p95 latency at 8 clients against 1.

Builds the stack of ``./run --production`` in a temporary folder (a
private PostgreSQL cluster, the demo database, gunicorn with 2 trytond
workers, trytond-cron, trytond-worker; about 3 minutes), then runs the
load of tests/load/runner.py (lists and forms of the main models,
approvals, a bill import at the same time) with 1 and then 8 concurrent
JSON-RPC clients on 127.0.0.1, and prints requests/s, the latency median
and p95 per operation and the ratio of the p95 at 8 clients to the p95 at
1 client (target: at most 3x).  With --builtin it also runs the 8 clients
against trytond's built-in server (one process) on the same database.

Usage: python bench/load.py [--requests 100] [--clients 1,8]
    [--import-rows 3000] [--builtin] [--json FILE]
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.load.runner import format_figures, run_load  # noqa: E402
from tests.load.stack import (  # noqa: E402
    Passwords, production_module, setup_data, shared_stack)


def start_builtin(stack):
    "Start trytond's built-in server on the stack's database"
    production = production_module()
    port = production.free_port()
    config = os.path.join(stack.workdir, 'builtin.conf')
    with open(stack.config_path) as source, open(config, 'w') as target:
        for line in source:
            if line.startswith('listen'):
                line = 'listen = 127.0.0.1:%s\n' % port
            target.write(line)
    log = open(stack.log_path('builtin'), 'ab')
    process = subprocess.Popen([production.executable('trytond'),
            '-c', config, '-d', stack.database], stdout=log,
        stderr=subprocess.STDOUT, env=stack.environ(), cwd=ROOT,
        start_new_session=True)
    url = 'http://127.0.0.1:%s/' % port
    deadline = time.monotonic() + 120
    import urllib.request
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            break
        except OSError:
            time.sleep(0.3)
    return process, url


def one_round(stack, url, clients, requests, import_rows, label):
    approvals = [a for a, _ in setup_data(
            stack, 'approvals', clients * max(1, requests // 4))]
    figures = run_load(url, stack.database, Passwords(), clients=clients,
        requests=requests, time_limit=600, approvals=approvals,
        import_rows=import_rows, carrier='bench %s %s' % (label, time.time()),
        period=dt.date(2025, 1 + clients % 12, 1))
    print('%s: %s' % (label, format_figures(figures)), flush=True)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--requests', type=int, default=100,
        help="requests per client (default: %(default)s)")
    parser.add_argument('--clients', default='1,8',
        help="client counts, the first is the baseline (default: 1,8)")
    parser.add_argument('--import-rows', type=int, default=3000)
    parser.add_argument('--builtin', action='store_true',
        help="also run the largest count on trytond's built-in server")
    parser.add_argument('--json', help="write the figures to this file")
    options = parser.parse_args()
    counts = [int(c) for c in options.clients.split(',')]

    started = time.monotonic()
    # removed at exit; ZHIDU_PRODUCTION_REUSE=FOLDER:PORT:PID reuses one
    stack = shared_stack()
    builtin = None
    try:
        print('stack ready in %.0f s: gunicorn, 2 workers, %s' % (
                time.monotonic() - started, stack.url), flush=True)
        # warm up the workers (pool, caches)
        one_round(stack, stack.url, 2, 20, 0, 'warm-up')
        results = {}
        for count in counts:
            results[count] = one_round(stack, stack.url, count,
                options.requests, options.import_rows,
                'gunicorn %d client(s)' % count)
        if options.builtin:
            builtin, url = start_builtin(stack)
            one_round(stack, url, 2, 20, 0, 'warm-up built-in')
            results['builtin'] = one_round(stack, url, counts[-1],
                options.requests, options.import_rows,
                'built-in %d clients' % counts[-1])
    finally:
        if builtin is not None:
            builtin.terminate()
            builtin.wait(timeout=30)

    base, top = results[counts[0]], results[counts[-1]]
    print()
    print('p95 at %d clients / p95 at %d client(s) (target <= 3x):' % (
            counts[-1], counts[0]))
    ratios = {}
    for operation, values in top['operations'].items():
        if operation in base['operations']:
            ratio = values['p95_ms'] / base['operations'][operation][
                'p95_ms']
            ratios[operation] = round(ratio, 2)
            print('  %-8s %6.2fx  (%.1f ms / %.1f ms)' % (operation, ratio,
                    values['p95_ms'],
                    base['operations'][operation]['p95_ms']))
    print('requests/s: %s at %d client(s), %s at %d clients' % (
            base['requests_per_second'], counts[0],
            top['requests_per_second'], counts[-1]))
    if 'builtin' in results:
        print('gunicorn (2 workers) / built-in server, requests/s at %d '
            'clients: %.2fx' % (counts[-1], top['requests_per_second']
                / results['builtin']['requests_per_second']))
    errors = sum(len(r['errors']) for r in results.values())
    print('errors: %d' % errors)
    if options.json:
        with open(options.json, 'w') as file:
            json.dump({'results': {str(k): v for k, v in results.items()},
                    'p95_ratio': ratios}, file, indent=1, default=str)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
