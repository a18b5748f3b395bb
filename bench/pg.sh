#!/usr/bin/env bash
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
#
# Start a throw-away PostgreSQL cluster for the benches (the one of
# scripts/run_tests.py) and run the command given with PGHOST set, or print
# the export line and leave the cluster running:
#
#   bench/pg.sh .venv/bin/python bench/phone_bill.py 1000000
#   eval "$(bench/pg.sh)"      # then stop it with: bench/pg.sh --stop "$PGHOST"
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="${ZHIDU_VENV:-$ROOT/.venv}/bin/python"
if [ "${1:-}" = "--stop" ]; then
    exec "$PY" -c "
import sys; sys.path.insert(0, '$ROOT/scripts')
from run_tests import PostgresCluster
c = PostgresCluster(); c.tmp = sys.argv[1]
import os; c.user = 'postgres' if os.geteuid() == 0 else None
c.stop()" "$2"
fi
DIR=$("$PY" -c "
import sys; sys.path.insert(0, '$ROOT/scripts')
from run_tests import PostgresCluster
print(PostgresCluster().start())")
PORT=$("$PY" -c "
import sys; sys.path.insert(0, '$ROOT/scripts')
from run_tests import PG_PORT; print(PG_PORT)")
if [ $# -eq 0 ]; then
    echo "export PGHOST=$DIR PGPORT=$PORT PGUSER=postgres"
    exit 0
fi
trap '"$0" --stop "$DIR"' EXIT
PGHOST=$DIR PGPORT=$PORT PGUSER=postgres "$@"
