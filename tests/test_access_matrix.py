# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Per-role access matrix of every model of every suite module (issue 9).

The expected rights are DATA: ``tests/data/access/<module>.txt`` lists for
each model of the module the rights of a user without any group (``*``)
and of every group whose rights differ from it, as ``rwcd`` (read, write,
create, delete; ``-`` when denied)::

    regulation.penalty  *=----  regulation_base.group_regulation=r---

Every group of the database (res.group) that is not listed for a model is
expected to have the rights of its parent group (Tryton adds them), or the
``*`` rights when it has no parent.  The test acts as a user member of each
group alone and asserts both the allowed and the denied operations, through
``ir.model.access`` and through the ORM calls themselves (search, create,
write, delete raising AccessError).  A model of a module without
expectations fails the test: a new module adds its file, a draft of which
is printed by::

    python -m tests.test_access_matrix <module>

(review every right of the draft before committing it).

The field-level bans assert that the workflow fields (``state``,
``approval_state`` and the decision fields listed in
``tests/data/access/decision_fields.txt``) of every model are refused to an
external write by a user who may otherwise write the model.
"""
import sys

from trytond.model import ModelSQL, ModelStorage, Workflow
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

try:
    from .hardening import DATA, SuiteTestCase, suite_models, suite_modules
except ImportError:  # run as a script
    from tests.hardening import (
        DATA, SuiteTestCase, suite_models, suite_modules)

ACCESS = DATA / 'access'
#: workflow fields still writable through RPC, known and reported (model:
#: field names); none today
KNOWN_GAPS = {}
MODES = ['read', 'write', 'create', 'delete']
LETTERS = 'rwcd'
NOBODY = '*'


def rights_to_text(access):
    return ''.join(l if access[m] else '-' for l, m in zip(LETTERS, MODES))


def read_expectations(module):
    "Return {model: {group xml id or '*': 'rwcd'}} of the module's file"
    path = ACCESS / ('%s.txt' % module)
    if not path.exists():
        return None
    expectations = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        model, *rights = line.split()
        expected = {}
        for right in rights:
            group, _, text = right.partition('=')
            if len(text) != 4 or any(
                    c not in (l, '-') for c, l in zip(text, LETTERS)):
                raise ValueError('%s:%d: bad rights %r' % (
                        path, number, right))
            expected[group] = text
        if NOBODY not in expected:
            raise ValueError('%s:%d: %s has no %s= rights' % (
                    path, number, model, NOBODY))
        expectations[model] = expected
    return expectations


def read_decision_fields():
    "Return {model: [field names]} of decision_fields.txt"
    path = ACCESS / 'decision_fields.txt'
    result = {}
    for line in path.read_text().splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            model, *names = line.split()
            result[model] = names
    return result


def group_xml_ids():
    "Return {res.group id: 'module.fs_id'} of every group"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Group = pool.get('res.group')
    data = {d.db_id: '%s.%s' % (d.module, d.fs_id)
        for d in ModelData.search([('model', '=', 'res.group')])}
    return {g.id: data.get(g.id, 'res.group,%s' % g.id)
        for g in Group.search([])}


def group_parents():
    "Return {group xml id: parent group xml id or None}"
    Group = Pool().get('res.group')
    names = group_xml_ids()
    return {names[g.id]: names[g.parent.id] if g.parent else None
        for g in Group.search([])}


def expected_rights(expected, group, parents):
    "Return the rights expected for group from the model's expectations"
    while group is not None:
        if group in expected:
            return expected[group]
        group = parents.get(group)
    return expected[NOBODY]


def storage_models():
    """Return {model: module} of the suite models stored by the ORM, without
    the models registered only for the tests"""
    pool = Pool()
    result = {}
    for name, module in suite_models().items():
        Model = pool.get(name)
        if not issubclass(Model, ModelStorage):
            continue
        # the class that created the model is the last one of the MRO
        origin = [c for c in Model.__mro__
            if c.__dict__.get('__name__') == name][-1]
        if '.tests' in origin.__module__:
            continue
        result[name] = module
    return result


def create_users(groups):
    "Return {group xml id or '*': user} with a user member of that group"
    pool = Pool()
    User = pool.get('res.user')
    users = {}
    company = None
    Company = pool.get('company.company')
    companies = Company.search([], limit=1)
    if companies:
        company, = companies
    for group_id, xml_id in [(None, NOBODY)] + sorted(
            groups.items(), key=lambda i: i[1]):
        values = {
            'login': 'matrix_%s' % (group_id or 'none'),
            'name': xml_id,
            }
        if group_id:
            values['groups'] = [('add', [group_id])]
        if company:
            values['companies'] = [('add', [company.id])]
            values['company'] = company.id
        users[xml_id], = User.create([values])
    return users


def actual_access(user, models):
    "Return {model: 'rwcd'} as computed for user"
    ModelAccess = Pool().get('ir.model.access')
    transaction = Transaction()
    with transaction.set_user(user.id), transaction.set_context(
            _check_access=True):
        access = ModelAccess.get_access(list(models))
    return {m: rights_to_text(a) for m, a in access.items()}


def depth(group, parents):
    count = 0
    while parents.get(group):
        group, count = parents[group], count + 1
    return count


def draft(module):
    "Return the draft expectations file of module from the database"
    groups = group_xml_ids()
    users = create_users(groups)
    models = sorted(m for m, mod in storage_models().items() if mod == module)
    per_user = {g: actual_access(u, models) for g, u in users.items()}
    parents = group_parents()
    width = max((len(m) for m in models), default=10)
    lines = ['# Expected rights of the models of %s (see '
        'tests/test_access_matrix.py)' % module,
        '# model%s rights per group: r(ead) w(rite) c(reate) d(elete)' % (
            ' ' * (width - 5))]
    for model in models:
        expected = {NOBODY: per_user[NOBODY][model]}
        # parents first, so that their children inherit what they list
        for g in sorted(per_user, key=lambda g: (depth(g, parents), g)):
            if g != NOBODY and per_user[g][model] != expected_rights(
                    expected, g, parents):
                expected[g] = per_user[g][model]
        rights = ['%s=%s' % (g, r) for g, r in expected.items()]
        lines.append('%s  %s' % (model.ljust(width), '  '.join(rights)))
    return '\n'.join(lines) + '\n'


class AccessMatrixTestCase(SuiteTestCase):
    "Test the access rights of every model of every suite module per group"

    def _expectations(self, models):
        expectations, missing = {}, []
        for module in sorted(set(models.values())):
            found = read_expectations(module)
            if found is None:
                missing.append(module)
                continue
            expectations.update(found)
        return expectations, missing

    @with_transaction()
    def test_every_model_has_expectations(self):
        "Every model of every activated suite module is in the matrix"
        models = storage_models()
        expectations, missing = self._expectations(models)
        self.assertFalse(missing,
            "no tests/data/access/<module>.txt for %s; draft it with "
            "python -m tests.test_access_matrix <module>" % ', '.join(
                missing))
        unknown = sorted(m for m in models
            if models[m] not in missing and m not in expectations)
        self.assertFalse(unknown, "models without expected rights: %s" % (
                ', '.join(unknown)))
        stale = sorted(set(expectations) - set(models))
        self.assertFalse(stale, "expected rights of unknown models: %s" % (
                ', '.join(stale)))

    @with_transaction()
    def test_deny_by_default(self):
        "Every stored suite model has an explicit default access record"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        missing = []
        for name in sorted(storage_models()):
            Model = pool.get(name)
            if getattr(Model, '__access__', None):
                continue  # rights of the parent document
            if callable(getattr(Model, 'table_query', None)):
                continue  # read-only by default
            if not ModelAccess.search([
                        ('model', '=', name),
                        ('group', '=', None),
                        ]):
                missing.append(name)
        self.assertFalse(missing,
            "models without a default ir.model.access (every user may "
            "then read, write, create and delete them): %s" % (
                ', '.join(missing)))

    @with_transaction()
    def test_matrix(self):
        "Each group has exactly its expected rights on every model"
        models = storage_models()
        expectations, _ = self._expectations(models)
        groups = group_xml_ids()
        users = create_users(groups)
        parents = group_parents()
        names = sorted(m for m in models if m in expectations)
        mismatches = []
        for group, user in sorted(users.items()):
            actual = actual_access(user, names)
            for model in names:
                expected = expected_rights(
                    expectations[model], group, parents)
                if actual[model] != expected:
                    mismatches.append('%s  %s: expected %s, got %s' % (
                            model, group, expected, actual[model]))
        unknown_groups = sorted({g for e in expectations.values() for g in e}
            - set(users))
        self.assertFalse(unknown_groups,
            "expectations name unknown groups: %s" % ', '.join(
                unknown_groups))
        self.assertFalse(mismatches,
            "rights differ from tests/data/access:\n" + '\n'.join(
                mismatches))

    @with_transaction()
    def test_orm_enforces_matrix(self):
        "The ORM calls of each group are allowed or denied as in the matrix"
        pool = Pool()
        models = storage_models()
        expectations, _ = self._expectations(models)
        groups = group_xml_ids()
        users = create_users(groups)
        parents = group_parents()
        transaction = Transaction()
        problems = []
        for group, user in sorted(users.items()):
            for model in sorted(m for m in models if m in expectations):
                Model = pool.get(model)
                rights = expected_rights(expectations[model], group, parents)
                table_query = callable(getattr(Model, 'table_query', None))
                # the allowed writes and deletes may still be refused by the
                # business rules (check_modification): only the denied ones
                # and the allowed reads are asserted through the ORM
                calls = [('r', lambda: Model.search([], limit=1))]
                if not table_query and issubclass(Model, ModelSQL):
                    calls += [
                        ('w', lambda: Model.write([], {})),
                        ('d', lambda: Model.delete([])),
                        ('c', lambda: Model.create([{}])),
                        ]
                for letter, call in calls:
                    if letter != 'r' and letter in rights:
                        continue
                    allowed = letter in rights
                    with transaction.set_user(user.id), \
                            transaction.set_context(_check_access=True):
                        try:
                            call()
                        except AccessError:
                            if allowed:
                                problems.append('%s %s: %s refused' % (
                                        model, group, letter))
                        else:
                            if not allowed:
                                problems.append('%s %s: %s allowed' % (
                                        model, group, letter))
        self.assertFalse(problems, '\n'.join(problems))

    def _unguarded_fields(self):
        "Return the workflow fields a user may write through RPC"
        pool = Pool()
        User = pool.get('res.user')
        models = storage_models()
        decisions = read_decision_fields()
        stale = sorted(set(decisions) - set(models))
        self.assertFalse(stale, "decision_fields.txt names unknown "
            "models: %s" % ', '.join(stale))
        groups = group_xml_ids()
        # a user who may write every model the groups may write
        everyone, = User.create([{
                    'login': 'matrix_all',
                    'name': 'all groups',
                    'groups': [('add', list(groups))],
                    }])
        transaction = Transaction()
        unguarded, checked = [], 0
        for model in sorted(models):
            Model = pool.get(model)
            if (not issubclass(Model, ModelSQL)
                    or callable(getattr(Model, 'table_query', None))):
                continue
            # the state of a Workflow model (a plain state field, like the
            # stock state of a phone set, is data the users keep)
            workflow = ['approval_state', 'approvals']
            if issubclass(Model, Workflow):
                workflow.insert(0, 'state')
            names = [n for n in workflow if n in Model._fields] + [
                n for n in decisions.get(model, []) if n in Model._fields]
            missing = [n for n in decisions.get(model, [])
                if n not in Model._fields]
            if missing:
                unguarded.append('%s: unknown decision fields %s' % (
                        model, ', '.join(missing)))
            for name in names:
                field = Model._fields[name]
                value = None
                if getattr(field, 'selection', None) and isinstance(
                        field.selection, (list, tuple)):
                    value = field.selection[-1][0]
                values = {name: value}
                if field._type in {'one2many', 'many2many'}:
                    values = {name: [('add', [])]}
                with transaction.set_user(everyone.id), \
                        transaction.set_context(_check_access=True):
                    try:
                        Model.write([], values)
                    except AccessError:
                        checked += 1
                    else:
                        unguarded.append('%s.%s' % (model, name))
        self.assertGreater(checked, 0)
        return unguarded

    @with_transaction()
    def test_workflow_fields_write_ban(self):
        "State, approval state and decision fields refuse external writes"
        unguarded = self._unguarded_fields()
        known = {'%s.%s' % (m, f) for m, names in KNOWN_GAPS.items()
            for f in names}
        self.assertFalse(sorted(set(unguarded) - known),
            "workflow fields writable from outside:\n" + '\n'.join(
                sorted(set(unguarded) - known)))
        self.assertFalse(sorted(known - set(unguarded)),
            "fixed: remove them from KNOWN_GAPS")


def main():
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction as T
    SuiteTestCase.setUpClass()
    try:
        for module in sys.argv[1:] or suite_modules():
            with T().start(DB_NAME, 0, readonly=False) as transaction:
                sys.stdout.write(draft(module))
                transaction.rollback()
    finally:
        SuiteTestCase.tearDownClass()


if __name__ == '__main__':
    main()


class RecordRuleTestCase(SuiteTestCase):
    "Test the record rules of the documents every employee may write"

    @with_transaction()
    def test_colleague_cannot_touch_documents(self):
        "A colleague (same group; same department, or another department "
        "for the department's legal cases) neither reads nor writes nor "
        "deletes another employee's own documents"
        from trytond.modules.company.tests import set_company
        from trytond.modules.regulation_base.tests import (
            as_user, create_department, create_staff, create_user)

        from .test_bad_input import _case, _claim, _request, staff_org
        pool = Pool()
        org = staff_org()
        company = org['company']
        groups = ['regulation_base.group_regulation']
        with set_company(company):
            colleague = create_staff(company, "Colleague Sun", org['sales'])
            support = create_department(company, "Support")
            outsider = create_staff(company, "Outsider Wu", support)
            owner = create_user('owner', org['clerk'], groups)
            users = {
                'colleague': create_user('colleague', colleague, groups),
                'outsider': create_user('outsider', outsider, groups),
                }
        factories = [
            ('expense.request', _request, 'colleague'),
            ('expense.claim', _claim, 'colleague'),
            # a case belongs to its department (LA-1, LA-4)
            ('legal.case', _case, 'outsider'),
            ]
        for model, factory, login in factories:
            other = users[login]
            with self.subTest(model=model):
                Model = pool.get(model)
                with as_user(owner):
                    record, = Model.create([factory(org)])
                    self.assertEqual(Model.search([]), [record])
                with as_user(other):
                    self.assertEqual(Model.search([]), [])
                    with self.assertRaises(AccessError):
                        Model.read([record.id], ['id'])
                    with self.assertRaises(AccessError):
                        Model.write([Model(record.id)], {})
                    with self.assertRaises(AccessError):
                        Model.delete([Model(record.id)])
