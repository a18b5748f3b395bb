#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run the lint and every test of the suite on SQLite and PostgreSQL.

The tests of each module of ``modules/`` (imported as
``trytond.modules.<name>``) and the cross-module tests of ``tests/`` are run
in one unittest suite per database backend, each backend in its own
process.  PostgreSQL runs on a private cluster created in a temporary
folder, listening only on a Unix socket, and removed at the end.

The last line printed is ``N passed, N failed[, N skipped]``; the exit code
is 1 when anything failed.  ``./test`` is the usual entry point.
"""
import argparse
import doctest
import hashlib
import json
import os
import pwd
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_DIRS = ['modules', 'tests', 'bench', 'scripts']
BACKENDS = ['sqlite', 'postgresql']
PG_PORT = 5432
PG_DB_NAME = 'test_zhidu'


def suite_modules():
    "Return the names of the modules of the suite"
    return sorted(p.parent.name for p in ROOT.glob('modules/*/tryton.cfg'))


# --- child: run the tests of one backend ------------------------------------

class CountingResult(unittest.TextTestResult):
    "Count each test once as passed, failed or skipped"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.skips = 0
        self.failed_ids = []

    def _fail(self, test):
        test_id = test.id()
        if test_id not in self.failed_ids:
            self.failed_ids.append(test_id)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed += 1

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skips += 1

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._fail(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._fail(test)


class _ImportFailure(unittest.TestCase):
    "Stands for a test package that could not be imported"

    def __init__(self, name, error):
        super().__init__('runTest')
        self._name, self._error = name, error

    def id(self):
        return self._name

    def __str__(self):
        return '%s (import)' % self._name

    def runTest(self):
        self.fail(self._error)


def module_tests(loader, name):
    "Load the tests of trytond.modules.<name> from its tests folder"
    suite = unittest.TestSuite()
    module_dir = ROOT / 'modules' / name
    tests_dir = module_dir / 'tests'
    if not (tests_dir / '__init__.py').exists():
        return suite
    for path in sorted(tests_dir.rglob('test*.py')):
        relative = path.relative_to(module_dir).with_suffix('')
        parents = [module_dir.joinpath(*relative.parts[:i])
            for i in range(1, len(relative.parts))]
        if not all((p / '__init__.py').exists() for p in parents):
            continue
        dotted = '.'.join(('trytond', 'modules', name) + relative.parts)
        try:
            suite.addTests(loader.loadTestsFromName(dotted))
        except Exception as exception:  # a load_tests that fails
            suite.addTest(_ImportFailure(dotted, repr(exception)))
    return suite


def cross_module_tests(loader):
    "Load the tests of the top-level tests folder"
    if not (ROOT / 'tests' / '__init__.py').exists():
        return unittest.TestSuite()
    return loader.discover(
        start_dir=str(ROOT / 'tests'), top_level_dir=str(ROOT))


def run_child(args):
    "Run the selected tests on the backend set in the environment"
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    loader = unittest.TestLoader()
    if args.keyword:
        loader.testNamePatterns = [
            k if '*' in k else '*%s*' % k for k in args.keyword]
    suite = unittest.TestSuite()
    for name in args.modules:
        if name == 'tests':
            suite.addTests(cross_module_tests(loader))
        else:
            suite.addTests(module_tests(loader, name))
    runner = unittest.TextTestRunner(
        stream=sys.stdout, verbosity=args.verbosity,
        resultclass=CountingResult, failfast=args.failfast)
    start = time.monotonic()
    result = runner.run(suite)
    counts = {
        'passed': result.passed,
        'failed': len(result.failed_ids),
        'skipped': result.skips,
        'failures': result.failed_ids,
        'seconds': round(time.monotonic() - start, 1),
        }
    with open(args.result_file, 'w') as fp:
        json.dump(counts, fp)
    return 0


# --- lint --------------------------------------------------------------------

def scenario_to_python(rst):
    "Return the Python source of a doctest and its line numbers in rst"
    source, numbers = [], []
    for example in doctest.DocTestParser().get_examples(rst.read_text()):
        for i, line in enumerate(example.source.splitlines()):
            source.append(line)
            numbers.append(example.lineno + i + 1)
    return '\n'.join(source) + '\n', numbers


def lint_scenarios(dirs):
    """Run flake8 on the doctest scenarios converted to Python, as Tryton's
    CI does, and report the errors at their line in the .rst file"""
    scenarios = sorted(
        p for d in dirs for p in (ROOT / d).rglob('scenario*.rst')
        if '__pycache__' not in p.parts)
    if not scenarios:
        return 0, ''
    with tempfile.TemporaryDirectory(prefix='zhidu-lint-') as tmp:
        mapping = {}
        for rst in scenarios:
            relative = rst.relative_to(ROOT).with_suffix('.py')
            target = Path(tmp, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            source, numbers = scenario_to_python(rst)
            target.write_text(source)
            mapping[str(relative)] = (rst.relative_to(ROOT), numbers)
        process = subprocess.run(
            [sys.executable, '-m', 'flake8',
                '--config', str(ROOT / '.flake8'),
                # per-file-ignores of .flake8 for tests/scenario*.py
                '--extend-ignore', 'E302,E305', '.'],
            cwd=tmp, capture_output=True, text=True)
    output = []
    for line in (process.stdout + process.stderr).splitlines():
        match = re.match(r'(?:\./)?([^:]+):(\d+):(\d+): (.*)', line)
        if match and match.group(1) in mapping:
            rst, numbers = mapping[match.group(1)]
            number = int(match.group(2))
            if 0 < number <= len(numbers):
                number = numbers[number - 1]
            line = '%s:%s:%s: %s' % (
                rst, number, match.group(3), match.group(4))
        output.append(line)
    return process.returncode, '\n'.join(output)


def run_lint():
    "Run flake8 and isort, return the list of (name, ok)"
    dirs = [d for d in LINT_DIRS if (ROOT / d).is_dir()]
    results = []
    if not dirs:
        return results
    checks = [
        ('flake8', [sys.executable, '-m', 'flake8', *dirs]),
        ('isort', [sys.executable, '-m', 'isort', '--check-only', '--diff',
                '--quiet', *dirs]),
        ]
    for name, command in checks:
        process = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True)
        ok = process.returncode == 0
        print('lint: %s %s' % (name, 'ok' if ok else 'FAILED'), flush=True)
        if not ok:
            print(process.stdout + process.stderr, flush=True)
        results.append((name, ok))
    code, output = lint_scenarios(dirs)
    ok = code == 0
    print('lint: flake8 scenarios %s' % ('ok' if ok else 'FAILED'),
        flush=True)
    if not ok:
        print(output, flush=True)
    results.append(('flake8 scenarios', ok))
    return results


# --- PostgreSQL cluster ------------------------------------------------------

def pg_binary(name):
    "Find a PostgreSQL server binary"
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path('/usr/lib/postgresql').glob('*/bin/' + name),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if candidates:
        return str(candidates[-1])
    raise SystemExit(
        'run_tests: %s not found; install PostgreSQL '
        '(scripts/install.sh --system-deps)' % name)


class PostgresCluster:
    """A throw-away cluster in a temporary folder, on a Unix socket only.

    As root the server runs as the postgres user (created if missing).
    """

    def __init__(self):
        self.tmp = None
        self.user = None

    def _as_user(self, command):
        if self.user:
            return ['runuser', '-u', self.user, '--'] + command
        return command

    def start(self):
        if os.geteuid() == 0:
            self.user = 'postgres'
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                subprocess.run(['useradd', '--system', '--no-create-home',
                        '--shell', '/usr/sbin/nologin', self.user],
                    check=True)
        # Not under $TMPDIR, which may not be reachable by postgres, and
        # short because a socket path is limited to 107 bytes.
        self.tmp = tempfile.mkdtemp(prefix='zhidu-pg-', dir='/tmp')
        os.chmod(self.tmp, 0o755)
        data = os.path.join(self.tmp, 'data')
        if self.user:
            shutil.chown(self.tmp, user=self.user)
        log = os.path.join(self.tmp, 'postgres.log')
        subprocess.run(self._as_user([pg_binary('initdb'),
                    '--pgdata', data, '--username', 'postgres',
                    '--auth', 'trust', '--encoding', 'UTF8',
                    '--locale', 'C', '--no-sync']),
            check=True, stdout=subprocess.DEVNULL)
        options = ' '.join([
                "-c listen_addresses=''",
                '-c unix_socket_directories=%s' % self.tmp,
                '-p %s' % PG_PORT,
                # A test cluster: durability is not needed.
                '-c fsync=off', '-c synchronous_commit=off',
                '-c full_page_writes=off',
                '-c max_connections=200'])
        # New session: a Ctrl-C in the terminal reaches the runner, which
        # stops the cluster cleanly.
        subprocess.run(self._as_user([pg_binary('pg_ctl'),
                    '--pgdata', data, '--log', log, '--wait',
                    '--options', options, 'start']),
            check=True, stdout=subprocess.DEVNULL, start_new_session=True)
        return self.tmp

    def stop(self):
        if not self.tmp:
            return
        data = os.path.join(self.tmp, 'data')
        if os.path.exists(os.path.join(data, 'postmaster.pid')):
            subprocess.run(self._as_user([pg_binary('pg_ctl'),
                        '--pgdata', data, '--mode', 'immediate', '--wait',
                        'stop']),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None

    def log(self):
        path = os.path.join(self.tmp or '', 'postgres.log')
        if self.tmp and os.path.exists(path):
            with open(path) as fp:
                return fp.read()
        return ''


# --- parent: orchestrate -----------------------------------------------------

def cache_key():
    "Hash of everything a cached test database depends on"
    digest = hashlib.sha256()
    from importlib import metadata
    for dist in sorted(metadata.distributions(),
            key=lambda d: d.metadata['Name'] or ''):
        name = dist.metadata['Name'] or ''
        if name.lower().startswith(('trytond', 'zhidu')):
            digest.update(('%s=%s\n' % (name, dist.version)).encode())
    for path in sorted((ROOT / 'modules').rglob('*')):
        if not path.is_file() or '__pycache__' in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def sqlite_cache_dir():
    "Return the DB_CACHE folder for the current content of modules/"
    base = ROOT / 'var' / 'cache' / 'tests'
    current = base / cache_key()
    current.mkdir(parents=True, exist_ok=True)
    os.utime(current)
    # Keep the 3 latest: a run started meanwhile may use another one.
    others = sorted(
        (p for p in base.iterdir() if p != current),
        key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[2:]:
        shutil.rmtree(old, ignore_errors=True)
    return str(current)


def backend_env(backend, pg_dir=None):
    env = os.environ.copy()
    for key in ['TRYTOND_CONFIG', 'TRYTOND_DATABASE_URI']:
        env.pop(key, None)
    env['PYTHONUNBUFFERED'] = '1'
    if backend == 'sqlite':
        env['TRYTOND_DATABASE__URI'] = 'sqlite://'
        env['DB_NAME'] = ':memory:'
        env['DB_CACHE'] = sqlite_cache_dir()
    else:
        env['TRYTOND_DATABASE__URI'] = 'postgresql://postgres@'
        env['PGHOST'] = pg_dir
        env['PGPORT'] = str(PG_PORT)
        env['PGUSER'] = 'postgres'
        env['DB_NAME'] = PG_DB_NAME
        # The cluster is new at each run: templates are safe to reuse.
        env['DB_CACHE'] = 'postgresql://'
    return env


class Child:
    "A test process for one backend with its output prefixed line by line"

    def __init__(self, backend, args, env, lines, stream):
        self.backend = backend
        log_dir = ROOT / 'var' / 'log'
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / ('test-%s.log' % backend)
        fd, self.result_file = tempfile.mkstemp(
            prefix='test-%s-' % backend, suffix='.json', dir=log_dir)
        os.close(fd)
        command = [sys.executable, str(Path(__file__).resolve()),
            '--child', '--result-file', self.result_file,
            '--verbosity', str(args.verbosity)]
        for keyword in args.keyword or []:
            command += ['-k', keyword]
        if args.failfast:
            command.append('--failfast')
        command += args.selected
        self.process = subprocess.Popen(command, cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1)
        self.thread = threading.Thread(
            target=self._pump, args=(lines, stream), daemon=True)
        self.thread.start()

    def _pump(self, lines, stream):
        prefix = '[%s] ' % self.backend
        with open(self.log_path, 'w') as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                if stream:
                    lines.put(prefix + line)
        lines.put(None)

    def counts(self):
        try:
            with open(self.result_file) as fp:
                counts = json.load(fp)
        except (OSError, ValueError):
            counts = {'passed': 0, 'failed': 1, 'skipped': 0,
                'failures': ['%s test process (exit code %s)' % (
                        self.backend, self.process.returncode)],
                'seconds': None}
        self.cleanup()
        return counts

    def cleanup(self):
        if os.path.exists(self.result_file):
            os.unlink(self.result_file)

    def terminate(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)


def run_backends(args, backends):
    "Run the test processes and return the counts per backend"
    cluster = PostgresCluster()
    children = []
    results = {}

    def terminate(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        pg_dir = None
        if 'postgresql' in backends:
            start = time.monotonic()
            try:
                pg_dir = cluster.start()
            except (OSError, subprocess.CalledProcessError) as exception:
                print('postgresql: the cluster did not start: %s\n%s' % (
                        exception, cluster.log()), flush=True)
                results['postgresql'] = {
                    'passed': 0, 'failed': 1, 'skipped': 0,
                    'failures': ['PostgreSQL cluster start'],
                    'seconds': None}
                backends = [b for b in backends if b != 'postgresql']
            else:
                print('postgresql: private cluster on %s (%.1fs)' % (
                        pg_dir, time.monotonic() - start), flush=True)
        groups = [backends] if args.parallel else [[b] for b in backends]
        for group in groups:
            lines = queue.Queue()
            started = [Child(b, args, backend_env(b, pg_dir), lines,
                    stream=not args.quiet) for b in group]
            children.extend(started)
            running = len(started)
            while running:
                line = lines.get()
                if line is None:
                    running -= 1
                else:
                    sys.stdout.write(line)
                    sys.stdout.flush()
            for child in started:
                child.process.wait()
                child.thread.join()
                results[child.backend] = child.counts()
                if args.quiet and results[child.backend]['failed']:
                    # The failure details of unittest, or the whole log
                    # when the process died.
                    log = child.log_path.read_text()
                    index = log.find('\n' + '=' * 70 + '\n')
                    print(log[index + 1:] if index >= 0 else log, end='')
    except KeyboardInterrupt:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.process.kill()
            child.cleanup()
        print('\ninterrupted', file=sys.stderr)
        raise SystemExit(130)
    finally:
        cluster.stop()
        signal.signal(signal.SIGTERM, previous)
    return results


def main():
    parser = argparse.ArgumentParser(
        description="Run the lint and the tests of the suite on SQLite "
        "and PostgreSQL.")
    parser.add_argument('modules', nargs='*', metavar='MODULE',
        help="restrict the tests to these modules "
        "('tests' for the cross-module tests)")
    parser.add_argument('--sqlite', action='store_true',
        help="run the tests on SQLite only")
    parser.add_argument('--postgresql', '--postgres', action='store_true',
        help="run the tests on PostgreSQL only")
    lint = parser.add_mutually_exclusive_group()
    lint.add_argument('--lint', action='store_true',
        help="run only flake8 and isort")
    lint.add_argument('--no-lint', action='store_true',
        help="skip flake8 and isort")
    parser.add_argument('--serial', dest='parallel', action='store_false',
        help="run the backends one after the other")
    parser.add_argument('-k', dest='keyword', action='append',
        help="only run tests matching this pattern (as unittest -k)")
    parser.add_argument('-f', '--failfast', action='store_true')
    parser.add_argument('-q', '--quiet', action='store_true',
        help="print only the summary and the failures")
    parser.add_argument('--verbosity', type=int, default=2,
        help=argparse.SUPPRESS)
    parser.add_argument('--child', action='store_true',
        help=argparse.SUPPRESS)
    parser.add_argument('--result-file', help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        return run_child(args)

    known = suite_modules()
    unknown = [m for m in args.modules if m not in known + ['tests']]
    if unknown:
        parser.error("unknown module(s): %s (known: %s)" % (
                ', '.join(unknown), ', '.join(known + ['tests'])))
    args.selected = args.modules or known + ['tests']
    backends = [b for b in BACKENDS if getattr(args, b)] or BACKENDS
    if args.lint:
        backends = []

    start = time.monotonic()
    passed = failed = skipped = 0
    failures, lines = [], []
    if not args.no_lint:
        for name, ok in run_lint():
            if ok:
                passed += 1
            else:
                failed += 1
                failures.append('lint: %s' % name)
    if backends:
        print('testing %s on %s' % (
                ', '.join(args.selected), ', '.join(backends)), flush=True)
        results = run_backends(args, backends)
        for backend in backends:
            counts = results[backend]
            passed += counts['passed']
            failed += counts['failed']
            skipped += counts['skipped']
            failures.extend(
                '%s: %s' % (backend, f) for f in counts['failures'])
            line = '%s: %d passed, %d failed, %d skipped' % (
                backend, counts['passed'], counts['failed'],
                counts['skipped'])
            if counts['seconds'] is not None:
                line += ' in %ss' % counts['seconds']
            lines.append(line)
    print()
    print('=' * 70)
    for failure in failures:
        print('FAILED %s' % failure)
    for line in lines:
        print(line)
    print('total time %.1fs' % (time.monotonic() - start))
    summary = '%d passed, %d failed' % (passed, failed)
    if skipped:
        summary += ', %d skipped' % skipped
    print(summary, flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
