# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from sql import Table

from trytond.modules.company.tests import create_company, create_employee
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction

MODULE = 'regulation_base'


class RegulationBaseReactivationTestCase(TestCase):
    """RB-7: an administrator can activate any suite module in a database,
    deactivate it (its menus, views and access go; its data stays) and
    activate it again later with its data back, without manual repairs.

    The database is the one of the module tests, dropped at the start and at
    the end of the class as each ModuleTestCase does, so the module state
    does not leak into the tests run after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(MODULE)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    # What the administrator does -------------------------------------------

    def _wizard(self, button):
        "Press the button of the module then run the upgrade wizard"
        with Transaction().start(DB_NAME, 1, close=True) as transaction:
            pool = Pool()
            Module = pool.get('ir.module')
            module, = Module.search([('name', '=', MODULE)])
            getattr(Module, button)([module])
            transaction.commit()

            ActivateUpgrade = pool.get(
                'ir.module.activate_upgrade', type='wizard')
            session_id, _, _ = ActivateUpgrade.create()
            transaction.commit()
            ActivateUpgrade(session_id).transition_upgrade()
            ActivateUpgrade.delete(session_id)
            transaction.commit()

    def _admin(self, deactivate=False):
        """Deactivate the module as from trytond-console then run what
        `trytond-admin -u regulation_base` runs"""
        if deactivate:
            with Transaction().start(DB_NAME, 0, close=True) as transaction:
                Module = Pool().get('ir.module')
                module, = Module.search([('name', '=', MODULE)])
                Module.deactivate([module])
                transaction.commit()
        Pool(DB_NAME).init(update=[MODULE], lang=['en'])

    def _reload(self):
        """Load the pool again as the trytond processes do once they see
        the list of activated modules changed (the process running the update
        keeps the removed classes until then)"""
        Pool(DB_NAME).init()

    # Checks ----------------------------------------------------------------

    def _state(self):
        with Transaction().start(DB_NAME, 0, close=True):
            Module = Pool().get('ir.module')
            module, = Module.search([('name', '=', MODULE)])
            return module.state

    def _rows(self, table_name, ids):
        "Return the rows of the table with the ids, read without the ORM"
        table = Table(table_name)
        with Transaction().start(DB_NAME, 0, close=True) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(
                    table.id, where=table.id.in_(list(ids) or [-1])))
            return {i for i, in cursor}

    def _setup_data(self):
        with Transaction().start(DB_NAME, 1, close=True) as transaction:
            pool = Pool()
            Department = pool.get('company.department')
            Parameter = pool.get('regulation.parameter')
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            Group = pool.get('res.group')
            Sequence = pool.get('ir.sequence')

            company = create_company()
            department = Department(name="Quality", company=company)
            department.save()
            employee = create_employee(company)
            employee.department = department
            employee.job_level = 'middle'
            employee.save()
            parameter = Parameter(
                code='RB7', name="Round trip", type='count',
                value=Decimal('3'))
            parameter.save()
            group = Group(ModelData.get_id(MODULE, 'group_regulation'))
            user = User(login='rb7', name="RB-7", groups=[group])
            user.save()
            sequence = Sequence(ModelData.get_id(MODULE, 'sequence_penalty'))
            self.assertEqual(sequence.get(), 'PEN-1')

            xml_records = {}
            for model in [
                    'ir.ui.menu', 'ir.ui.view', 'ir.model.access',
                    'ir.action.act_window', 'res.group']:
                Model = pool.get(model)
                records = ModelData.search([
                        ('module', '=', MODULE),
                        ('model', '=', model),
                        ])
                self.assertTrue(records, msg=model)
                xml_records[Model._table] = {r.db_id for r in records}
            transaction.commit()
            return {
                'company': company.id,
                'department': department.id,
                'employee': employee.id,
                'parameter': parameter.id,
                'user': user.id,
                'xml_records': xml_records,
                }

    def _check_deactivated(self, data):
        self._reload()
        self.assertEqual(self._state(), 'not activated')
        # Menus, views, access (and the other XML records) are gone
        for table_name, ids in data['xml_records'].items():
            self.assertFalse(self._rows(table_name, ids), msg=table_name)
        with Transaction().start(DB_NAME, 0, close=True) as transaction:
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            View = pool.get('ir.ui.view')
            Access = pool.get('ir.model.access')
            Menu = pool.get('ir.ui.menu')
            with self.assertRaises(KeyError):
                pool.get('regulation.parameter')
            self.assertFalse(ModelData.search([('module', '=', MODULE)]))
            self.assertFalse(View.search([('module', '=', MODULE)]))
            self.assertFalse(Access.search([
                        ('model', 'in', [
                                'regulation.parameter',
                                'company.department']),
                        ]))
            self.assertFalse(Menu.search([('name', '=', "Regulations")]))
            # The company module still works on the table extended
            employee = create_employee(
                pool.get('company.company')(data['company']),
                name="Hired while deactivated")
            data['employee_meanwhile'] = employee.id
            transaction.commit()
        # The data stay in the tables
        self.assertEqual(
            self._rows('company_department', [data['department']]),
            {data['department']})
        self.assertEqual(
            self._rows('regulation_parameter', [data['parameter']]),
            {data['parameter']})
        self.assertEqual(
            self._rows('company_employee', [data['employee']]),
            {data['employee']})

    def _check_activated(self, data, next_number):
        self._reload()
        self.assertEqual(self._state(), 'activated')
        with Transaction().start(DB_NAME, 1, close=True) as transaction:
            pool = Pool()
            Department = pool.get('company.department')
            Employee = pool.get('company.employee')
            Parameter = pool.get('regulation.parameter')
            ModelData = pool.get('ir.model.data')
            Menu = pool.get('ir.ui.menu')
            View = pool.get('ir.ui.view')
            Access = pool.get('ir.model.access')
            Sequence = pool.get('ir.sequence')
            User = pool.get('res.user')
            Group = pool.get('res.group')

            # The data are back
            department = Department(data['department'])
            self.assertEqual(department.name, "Quality")
            employee = Employee(data['employee'])
            self.assertEqual(employee.department, department)
            self.assertEqual(employee.job_level, 'middle')
            parameter, = Parameter.search([('code', '=', 'RB7')])
            self.assertEqual(parameter.id, data['parameter'])
            self.assertEqual(parameter.value, Decimal('3'))
            # The row created meanwhile is valid
            employee = Employee(data['employee_meanwhile'])
            self.assertEqual(employee.job_level, 'staff')
            self.assertEqual(employee.department, None)
            employee.job_level = 'senior'
            employee.save()

            # The menus, views and access are back
            menu = Menu(ModelData.get_id(MODULE, 'menu_regulation'))
            self.assertEqual(menu.name, "Regulations")
            self.assertTrue(View.search([
                        ('model', '=', 'regulation.parameter'),
                        ]))
            self.assertTrue(Parameter.fields_view_get(view_type='form'))
            self.assertTrue(Access.search([
                        ('model', '=', 'regulation.parameter'),
                        ]))

            # and the user given access by the administrator sees them
            group = Group(ModelData.get_id(MODULE, 'group_regulation'))
            self.assertIn(group, User(data['user']).groups)
            with Transaction().set_user(data['user']), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(
                    Menu.search([('id', '=', menu.id)]), [menu])
                self.assertEqual(
                    Parameter.search([('code', '=', 'RB7')]), [parameter])

            # The numbering goes on
            sequence = Sequence(ModelData.get_id(MODULE, 'sequence_penalty'))
            self.assertEqual(sequence.get(), 'PEN-%s' % next_number)
            transaction.commit()

    def test_deactivate_activate_round_trips(self):
        "RB-7: deactivate and activate again regulation_base twice"
        data = self._setup_data()

        # Round trip 1: the module list buttons and the upgrade wizard
        self._wizard('deactivate')
        self._check_deactivated(data)
        self._wizard('activate')
        self._check_activated(data, 2)

        # Round trip 2: what trytond-admin runs
        self._admin(deactivate=True)
        self._check_deactivated(data)
        self._admin()
        self._check_activated(data, 3)
