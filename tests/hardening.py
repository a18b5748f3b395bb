# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Shared set-up of the hardening tests (issue 9): one database with every
suite module activated, and the lists of suite models and groups."""
import unittest
from pathlib import Path

from trytond.tests.test_tryton import (
    DB_NAME, activate_module, db_exist, drop_db)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / 'data'


def suite_modules():
    "Return the names of the modules of the suite (modules/*/tryton.cfg)"
    return sorted(p.parent.name for p in ROOT.glob('modules/*/tryton.cfg'))


def _suite_activated():
    "Return whether the test database has every suite module activated"
    if not db_exist(DB_NAME):
        return False
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, 0, readonly=True):
        Module = Pool().get('ir.module')
        activated = {m.name for m in Module.search([
                    ('state', '=', 'activated')])}
    return set(suite_modules()) <= activated


class SuiteTestCase(unittest.TestCase):
    """A database with every module of the suite activated, shared by the
    classes of the hardening tests (each test runs in a transaction rolled
    back at its end)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not _suite_activated():
            drop_db()
            activate_module(suite_modules())


def suite_models():
    """Return {model name: module} of the models created by suite modules
    (ir.model.module is the module that defined the model)"""
    from trytond.pool import Pool
    Model = Pool().get('ir.model')
    modules = set(suite_modules())
    return {m.name: m.module for m in Model.search([])
        if m.module in modules}
