# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Deactivation and re-activation of modules (RB-7).

trytond 8.0 deactivates a module ("to remove" state, then the
``ir.module.activate_upgrade`` wizard or ``trytond-admin``) in
``trytond.modules.load_modules``: it deletes, one by one and in descending
``ir_model_data.id`` order, every record the module created from its XML
files.  Two defects make the round trip deactivate / activate fail:

* the ``ir_model_data`` rows of the module are left behind.  Those with
  ``noupdate`` False still point at the deleted records, so activating the
  module again updates records that no longer exist and fails with
  ``ParsingError``; those with ``noupdate`` True get an empty ``db_id``
  and their records are silently never created again.
* ``ir_model_data`` rows of one ``<data>`` element are saved from a Python
  ``set``, so their ids are not in the order the records were created and
  the deletion may hit a record still referenced by another one
  (e.g. ``ir.sequence.type`` before its ``ir.sequence``), which aborts the
  deactivation with a ``ForeignKeyError`` depending on hash randomisation.

Here, while the module to deactivate is still loaded (``ir.model.clean``
runs in every update after the modules are loaded and before trytond
removes the "to remove" modules), the XML records of each such module are
deleted in the reverse order of its XML files, children modules first,
together with their ``ir_model_data`` rows; trytond then finds nothing left
to delete.  What the deleted records hold beyond their XML definition and
the administrator expects back (members of the groups, next number of the
sequences) is kept in ``regulation.module.snapshot`` and put back when the
module is activated again.  NOT NULL is dropped from the required columns
the module adds to the tables of other modules (e.g. ``job_level`` of
``company_employee``), which still get new rows while it is deactivated;
when it is back, these rows get the default value before NOT NULL is set
again (``ir.model.register``).  ``ir.module.update_list`` (run at the end of
every update) and the registration of this module (before its XML is
loaded) also remove any stale ``ir_model_data`` row of a module that is not
activated, e.g. left by a deactivation made before this code existed.

It works for every module of the suite since they all depend on
regulation_base, and for regulation_base itself since it is still loaded
during its own deactivation.  Rows of the module's tables are never
touched: they stay while the module is deactivated and are back with it.
"""
import json
import logging
import os
from xml.etree import ElementTree

from sql import Literal, Null

from trytond import backend
from trytond.model import ModelSQL, fields
from trytond.modules import get_module_info
from trytond.pool import Pool, PoolMeta
from trytond.tools import file_open, grouped_slice
from trytond.transaction import Transaction, without_check_access

IN = fields.SQL_OPERATORS['in']

logger = logging.getLogger(__name__)


class Module(metaclass=PoolMeta):
    __name__ = 'ir.module'

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        # Run when regulation_base is activated (again) or upgraded, before
        # its XML files are loaded.
        cls._repair_model_data()

    @classmethod
    def update_list(cls):
        pool = Pool()
        Snapshot = pool.get('regulation.module.snapshot')
        super().update_list()
        # trytond calls update_list at the end of every activation,
        # upgrade or deactivation.
        cls._repair_model_data()
        Snapshot.restore()

    @classmethod
    def _modules_in_state(cls, states):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.name, where=table.state.in_(list(states))))
        return {n for n, in cursor}

    @classmethod
    def _remove_xml_records(cls):
        "Delete the XML records of the modules to remove"
        modules = cls._modules_in_state(['to remove'])
        if not modules:
            return
        ancestors = {}

        def get_ancestors(name):
            if name not in ancestors:
                ancestors[name] = set()
                try:
                    depends = get_module_info(name).get('depends', [])
                except OSError:
                    depends = []
                for depend in depends:
                    ancestors[name] |= {depend} | get_ancestors(depend)
            return ancestors[name]
        # A module depending on another one is removed before it
        for module in sorted(
                modules, key=lambda m: (-len(get_ancestors(m)), m)):
            cls._release_required_columns(module)
            cls._remove_module_xml_records(module)

    @classmethod
    def _release_required_columns(cls, module):
        """Drop NOT NULL from the required columns the module adds to the
        tables of other modules, which must accept new rows without them
        while the module is deactivated"""
        pool = Pool()
        Field = pool.get('ir.model.field')
        IrModel = pool.get('ir.model')
        Snapshot = pool.get('regulation.module.snapshot')
        field = Field.__table__()
        model = IrModel.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*field.join(
                model, condition=field.model == model.name).select(
                field.model, field.name,
                where=(field.module == module) & (model.module != module)))
        for model_name, field_name in cursor.fetchall():
            try:
                Model = pool.get(model_name)
            except KeyError:
                continue
            if (not issubclass(Model, ModelSQL)
                    or Model._is_table_query()
                    or not cls._required_column(Model, field_name)):
                continue
            logger.info(
                "%s: allow null in %s.%s", module, model_name, field_name)
            Model.__table_handler__(module).not_null_action(
                field_name, action='remove')
            Snapshot.take_column(module, Model, field_name)

    @staticmethod
    def _required_column(Model, field_name):
        field = Model._fields.get(field_name)
        return bool(field
            and field.required
            and not hasattr(field, 'set')
            and getattr(field, '_sql_type', None)
            and not isinstance(field, fields.Binary))

    @classmethod
    def _xml_order(cls, module):
        "Return the position of each XML id in the files of the module"
        order = {}
        try:
            filenames = get_module_info(module).get('xml', [])
        except OSError:
            return order
        for filename in filenames:
            path = os.path.join(module, filename.replace('/', os.sep))
            with file_open(path, 'rb') as fp:
                for _, element in ElementTree.iterparse(
                        fp, events=('start',)):
                    if element.tag in {'record', 'menuitem'}:
                        fs_id = element.get('id')
                        if fs_id and '.' not in fs_id:
                            order.setdefault(fs_id, len(order))
        return order

    @classmethod
    def _remove_module_xml_records(cls, module):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Snapshot = pool.get('regulation.module.snapshot')
        data = ModelData.__table__()
        cursor = Transaction().connection.cursor()

        cursor.execute(*data.select(
                data.id, data.fs_id, data.model, data.db_id,
                where=data.module == module))
        rows = cursor.fetchall()
        if not rows:
            return
        logger.info("%s: remove %s XML records", module, len(rows))
        order = cls._xml_order(module)
        # Reverse order of creation: a record refers only to records
        # defined before it.  Records no longer in the files go first.
        rows.sort(
            key=lambda r: (order.get(r[1], len(order)), r[0]), reverse=True)
        for _, fs_id, model, db_id in rows:
            if db_id is None:
                continue
            try:
                Model = pool.get(model)
            except KeyError:
                logger.warning(
                    "%s: cannot remove %s@%s of %s.%s, unknown model",
                    module, db_id, model, module, fs_id)
                continue
            if not cls._record_exists(Model, db_id):
                continue
            record = Model(db_id)
            Snapshot.take(module, fs_id, record)
            try:
                Model.delete([record])
            except Exception:
                logger.error(
                    "%s: cannot remove %s@%s (%s.%s)",
                    module, db_id, model, module, fs_id)
                raise
        cursor.execute(*data.delete(where=data.module == module))
        ModelData._get_id_cache.clear()
        ModelData._has_model_cache.clear()

    @staticmethod
    def _record_exists(Model, id_):
        table = Model.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                Literal(1), where=table.id == id_, limit=1))
        return bool(cursor.fetchone())

    @classmethod
    def _repair_model_data(cls):
        """Delete the ir_model_data rows of the modules not activated which
        point at no record, so that their records are created again when
        the module is activated."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        data = ModelData.__table__()
        cursor = Transaction().connection.cursor()

        modules = cls._modules_in_state(['not activated', 'to activate'])
        if not modules:
            return
        cursor.execute(*data.select(
                data.id, data.model, data.db_id,
                where=data.module.in_(list(modules))))
        to_check = {}
        stale = []
        for id_, model, db_id in cursor:
            if db_id is None:
                stale.append(id_)
            else:
                to_check.setdefault(model, {})[db_id] = id_
        for model, db2data in to_check.items():
            try:
                Model = pool.get(model)
            except KeyError:
                # The table is not known: keep the row, activating the
                # module again will tell
                continue
            if (not issubclass(Model, ModelSQL)
                    or Model._is_table_query()):
                continue
            table = Model.__table__()
            existing = set()
            for sub_ids in grouped_slice(
                    list(db2data), backend.MAX_QUERY_PARAMS):
                cursor.execute(*table.select(
                        table.id, where=IN(table.id, list(sub_ids))))
                existing.update(i for i, in cursor)
            stale.extend(
                i for db_id, i in db2data.items() if db_id not in existing)
        if stale:
            logger.info(
                "remove %s stale ir_model_data rows of modules not activated",
                len(stale))
            for sub_ids in grouped_slice(stale, backend.MAX_QUERY_PARAMS):
                cursor.execute(*data.delete(
                        where=IN(data.id, list(sub_ids))))
            ModelData._get_id_cache.clear()
            ModelData._has_model_cache.clear()


class Model(metaclass=PoolMeta):
    __name__ = 'ir.model'

    @classmethod
    def register(cls, model, module_name):
        pool = Pool()
        Snapshot = pool.get('regulation.module.snapshot')
        # trytond calls register at the start of the registration of each
        # model by each module, before it sets NOT NULL on the columns
        if issubclass(model, ModelSQL) and not model._is_table_query():
            Snapshot.fill_columns(model, module_name)
        return super().register(model, module_name)

    @classmethod
    def clean(cls):
        pool = Pool()
        Module = pool.get('ir.module')
        # trytond calls clean in every update, once the modules are loaded
        # and before it removes the modules to remove.
        Module._remove_xml_records()
        Transaction().commit()
        super().clean()


class ModuleSnapshot(ModelSQL):
    "Module Snapshot"
    __name__ = 'regulation.module.snapshot'
    module = fields.Char("Module", required=True)
    fs_id = fields.Char("XML ID", required=True)
    model = fields.Char("Model", required=True)
    data = fields.Text("Data")

    @classmethod
    def _exists(cls):
        return backend.TableHandler.table_exist(cls._table)

    @classmethod
    def _take_values(cls, record):
        """Return the values of the record to put back when the module is
        activated again or None"""
        pool = Pool()
        if record.__name__ == 'res.group':
            UserGroup = pool.get('res.user-res.group')
            table = UserGroup.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(
                    table.user, where=table.group == record.id))
            users = sorted({u for u, in cursor})
            if users:
                return {'users': users}
        elif record.__name__ in {'ir.sequence', 'ir.sequence.strict'}:
            if record.type == 'incremental':
                return {'number_next': record.number_next}

    @classmethod
    def _restore_values(cls, record, values):
        pool = Pool()
        if record.__name__ == 'res.group':
            User = pool.get('res.user')
            UserGroup = pool.get('res.user-res.group')
            user = User.__table__()
            user_group = UserGroup.__table__()
            cursor = Transaction().connection.cursor()
            ids = set(values.get('users', []))
            existing = set()
            for sub_ids in grouped_slice(list(ids), backend.MAX_QUERY_PARAMS):
                cursor.execute(*user.select(
                        user.id, where=IN(user.id, list(sub_ids))))
                existing.update(i for i, in cursor)
            cursor.execute(*user_group.select(
                    user_group.user, where=user_group.group == record.id))
            members = {u for u, in cursor}
            to_add = sorted(existing - members)
            if to_add:
                UserGroup.create([
                        {'user': u, 'group': record.id} for u in to_add])
        elif record.__name__ in {'ir.sequence', 'ir.sequence.strict'}:
            number_next = values.get('number_next')
            if (record.type == 'incremental'
                    and number_next is not None
                    and (record.number_next or 0) < number_next):
                record.__class__.write([record], {
                        'number_next': number_next,
                        })

    @classmethod
    @without_check_access
    def take(cls, module, fs_id, record):
        "Keep the values of the XML record before it is deleted"
        if not cls._exists():
            return
        values = cls._take_values(record)
        if values is None:
            return
        cls.delete(cls.search([
                    ('module', '=', module),
                    ('fs_id', '=', fs_id),
                    ]))
        cls.create([{
                    'module': module,
                    'fs_id': fs_id,
                    'model': record.__name__,
                    'data': json.dumps(values),
                    }])

    @classmethod
    @without_check_access
    def take_column(cls, module, Model, field_name):
        "Remember the required column to fill when the module is back"
        if not cls._exists():
            return
        fs_id = '%s.%s' % (Model.__name__, field_name)
        if not cls.search([
                    ('module', '=', module),
                    ('model', '=', 'ir.model.field'),
                    ('fs_id', '=', fs_id),
                    ]):
            cls.create([{
                        'module': module,
                        'fs_id': fs_id,
                        'model': 'ir.model.field',
                        }])

    @classmethod
    def _column_snapshots(cls, module, model_name):
        "Return the names of the required columns of the model to fill"
        if not cls._exists():
            return []
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.fs_id,
                where=(table.module == module)
                & (table.model == 'ir.model.field')))
        prefix = model_name + '.'
        return [f[len(prefix):] for f, in cursor if f.startswith(prefix)]

    @classmethod
    def _fill_column(cls, Model, field_name):
        """Fill with its default the required column of the rows created
        while the module was deactivated"""
        pool = Pool()
        Module = pool.get('ir.module')
        if (not Module._required_column(Model, field_name)
                or field_name not in Model._defaults):
            return
        field = Model._fields[field_name]
        try:
            value = Model._clean_defaults({
                    field_name: Model._defaults[field_name](),
                    })[field_name]
            value = field.sql_format(value)
        except Exception:
            logger.warning(
                "no default to fill %s.%s", Model.__name__, field_name,
                exc_info=True)
            return
        if value is not None:
            table = Model.__table__()
            column = getattr(table, field_name)
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [column], [value], where=column == Null))

    @classmethod
    @without_check_access
    def fill_columns(cls, Model, module):
        """Fill the required columns of the model the module added, before
        its registration sets NOT NULL back"""
        for field_name in cls._column_snapshots(module, Model.__name__):
            if field_name in Model._fields:
                cls._fill_column(Model, field_name)

    @classmethod
    def _restore_column(cls, module, fs_id):
        "Set NOT NULL back on the required column of the module"
        pool = Pool()
        Module = pool.get('ir.module')
        model_name, field_name = fs_id.rsplit('.', 1)
        try:
            Model = pool.get(model_name)
        except KeyError:
            return
        if not Module._required_column(Model, field_name):
            return
        cls._fill_column(Model, field_name)
        Model.__table_handler__(module).not_null_action(
            field_name, action='add')

    @classmethod
    @without_check_access
    def restore(cls):
        "Put back the values kept for the modules activated again"
        pool = Pool()
        Module = pool.get('ir.module')
        ModelData = pool.get('ir.model.data')
        if not cls._exists():
            return
        activated = Module._modules_in_state(['activated'])
        snapshots = cls.search([
                ('module', 'in', list(activated)),
                ])
        if not snapshots:
            return
        data = ModelData.__table__()
        cursor = Transaction().connection.cursor()
        for snapshot in snapshots:
            if snapshot.model == 'ir.model.field':
                cls._restore_column(snapshot.module, snapshot.fs_id)
                continue
            cursor.execute(*data.select(
                    data.model, data.db_id,
                    where=(data.module == snapshot.module)
                    & (data.fs_id == snapshot.fs_id)))
            row = cursor.fetchone()
            if not row or row[1] is None or row[0] != snapshot.model:
                continue
            try:
                Model = pool.get(row[0])
            except KeyError:
                continue
            if not Module._record_exists(Model, row[1]):
                continue
            logger.info(
                "restore %s.%s", snapshot.module, snapshot.fs_id)
            cls._restore_values(Model(row[1]), json.loads(snapshot.data))
        cls.delete(snapshots)
