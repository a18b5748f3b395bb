#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create an empty database when it is missing.

    python scripts/ensure_db.py [-c var/trytond.conf] -d zhidu

trytond-admin initialises a database but does not create it, neither the
SQLite file nor the PostgreSQL database.  Prints "ready" when the database
holds a Tryton schema, "empty" when trytond-admin must initialise it.
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', dest='config_file',
        help="configuration file (default: TRYTOND_* environment variables)")
    parser.add_argument('-d', '--database', required=True)
    options = parser.parse_args()

    from trytond import config
    if options.config_file:
        config.update_etc(options.config_file)
    from trytond import backend

    database = backend.Database()
    database.connect()
    connection = database.get_connection(autocommit=True)
    try:
        existing = set(database.list())
        if options.database not in existing:
            try:
                database.create(connection, options.database)
            except Exception:
                # list() shows only Tryton databases: an empty PostgreSQL
                # database (e.g. created by Docker) already exists.
                connection.rollback()
    finally:
        database.put_connection(connection)
        database.close()

    database = backend.Database(options.database)
    database.connect()
    try:
        print('ready' if database.test() else 'empty')
    finally:
        database.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
