#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export the translation template of suite modules and merge zh_CN.

Usage: scripts/po_export.py MODULE [MODULE ...]

It creates a throw-away SQLite database with the modules, lets Tryton
collect every translatable string (fields, selections, views, messages,
menus, reports) and rewrites ``modules/<name>/locale/zh_CN.po`` keeping
the translations already there and filling the others from the shared
glossary ``scripts/glossary_zh_CN.tsv``; it prints the strings still
untranslated.
"""
import os
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(modules):
    tmp = tempfile.mkdtemp()
    os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
    os.environ['TRYTOND_DATABASE__PATH'] = tmp
    os.environ['DB_NAME'] = 'po'
    os.environ.pop('DB_CACHE', None)
    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module
    from trytond.transaction import Transaction
    activate_module(modules)
    with Transaction().start('po', 0):
        pool = Pool()
        Lang = pool.get('ir.lang')
        Set = pool.get('ir.translation.set', type='wizard')
        lang, = Lang.search([('code', '=', 'zh_CN')])
        lang.translatable = True
        lang.save()
        Update = pool.get('ir.translation.update', type='wizard')
        session_id, _, _ = Set.create()
        Set(session_id).transition_set_()
        session_id, _, _ = Update.create()
        update = Update(session_id)
        update.start.language = lang
        update.do_update({})
        for module in modules:
            Translation = pool.get('ir.translation')
            data = Translation.translation_export(lang.code, module)
            path = ROOT / 'modules' / module / 'locale' / 'zh_CN.po'
            merge(data, path)


def glossary():
    "Return the shared English to Chinese glossary of the suite"
    terms = {}
    with open(ROOT / 'scripts' / 'glossary_zh_CN.tsv', encoding='utf-8') as f:
        next(f)
        for line in f:
            en, zh = line.rstrip('\n').split('\t')
            terms[en.replace('\\n', '\n')] = zh.replace('\\n', '\n')
    return terms


def merge(data, path):
    terms = glossary()
    new = polib.pofile(
        data.decode('utf-8') if isinstance(data, bytes) else data)
    old = {}
    if path.exists():
        for entry in polib.pofile(str(path)):
            old[(entry.msgctxt, entry.msgid)] = entry.msgstr
            old.setdefault((None, entry.msgid), entry.msgstr)
    missing = []
    for entry in new:
        entry.msgstr = (old.get((entry.msgctxt, entry.msgid))
            or old.get((None, entry.msgid)) or terms.get(entry.msgid)
            or entry.msgstr)
        if not entry.msgstr:
            missing.append(entry)
    path.parent.mkdir(exist_ok=True)
    new.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
    new.save(str(path))
    for entry in missing:
        print('%s\t%s' % (entry.msgctxt, entry.msgid))
    print('%s: %d entries, %d untranslated' % (
            path.relative_to(ROOT), len(new), len(missing)), file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1:])
