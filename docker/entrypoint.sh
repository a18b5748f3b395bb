#!/bin/sh
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
#
#   entrypoint.sh admin     create the database if missing, activate or
#                           update every module of modules/ (trytond-admin
#                           --all), and load the demo data when
#                           ZHIDU_DEMO=1; the admin password of a new
#                           database is ZHIDU_ADMIN_PASSWORD
#   entrypoint.sh CMD ...   run CMD (gunicorn, trytond-cron, trytond-worker)
#
# The database name is ZHIDU_DATABASE (default zhidu).
set -eu
cd "$(dirname "$0")/.."
DB=${ZHIDU_DATABASE:-zhidu}

if [ "${1:-}" = admin ]; then
    modules=$(for cfg in modules/*/tryton.cfg; do
        basename "$(dirname "$cfg")"; done)
    state=$(python scripts/ensure_db.py -d "$DB")
    if [ "$state" = empty ]; then
        if [ -z "${ZHIDU_ADMIN_PASSWORD:-}" ]; then
            echo "entrypoint: set ZHIDU_ADMIN_PASSWORD to create $DB" >&2
            exit 1
        fi
        passfile=$(mktemp)
        printf '%s\n' "$ZHIDU_ADMIN_PASSWORD" > "$passfile"
        # shellcheck disable=SC2086
        TRYTONPASSFILE="$passfile" trytond-admin -d "$DB" --all \
            --activate-dependencies -l zh_CN \
            --email "${ZHIDU_ADMIN_EMAIL:-admin@example.com}" -u $modules
        rm -f "$passfile"
    else
        # shellcheck disable=SC2086
        trytond-admin -d "$DB" --all --activate-dependencies -u $modules
    fi
    if [ "${ZHIDU_DEMO:-0}" = 1 ] && [ -f scripts/demo_data.py ]; then
        python scripts/demo_data.py -d "$DB"
    fi
    exit 0
fi
exec "$@"
