# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Throw-away trytond databases and servers for the end-to-end tests.

    workdir = tempfile.mkdtemp()
    conf = write_config(workdir, port=free_port())
    create_database(conf, 'e2e')           # all suite modules, SQLite
    load_demo(conf, 'e2e')                 # scripts/demo_data.py
    with TrytondServer(conf, 'e2e') as server:
        ... server.url ...

The browser tests of one process share one such server (building it takes
about 25 s): ``shared_server(database, web_root)`` starts it on first use
and stops it at exit.

Everything lives in workdir: the configuration (a copy of the repository's
trytond.conf with the database path, listen address and web root replaced,
because in trytond 8.0 a configuration file overrides the TRYTOND_*
environment variables), the SQLite database and the server's log.
"""
import atexit
import configparser
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: the password of the admin user of the test databases
ADMIN_PASSWORD = 'Zhidu-Admin-2026'
DEMO_SCRIPT = os.path.join(ROOT, 'scripts', 'demo_data.py')


class SetupError(Exception):
    "A tool the tests need is missing or failed"


def suite_modules():
    "Return the names of the suite modules (modules/*/tryton.cfg)"
    return sorted(os.path.basename(os.path.dirname(p))
        for p in glob.glob(os.path.join(ROOT, 'modules', '*', 'tryton.cfg')))


def executable(name):
    "Return the path of a console script of the running Python environment"
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(candidate):
        return candidate
    found = shutil.which(name)
    if not found:
        raise SetupError("%s not found next to %s nor on PATH" % (
                name, sys.executable))
    return found


def find_sao_root():
    """Return the folder of the sao web client (the one with index.html),
    or None.  ZHIDU_SAO_ROOT wins; then what scripts/install.sh installs."""
    candidates = []
    if os.environ.get('ZHIDU_SAO_ROOT'):
        candidates.append(os.environ['ZHIDU_SAO_ROOT'])
    candidates += [
        os.path.join(ROOT, 'var', 'sao', 'package'),
        os.path.join(ROOT, 'web', 'node_modules', 'tryton-sao'),
        ]
    for pattern in ['var/*/index.html', 'var/*/*/index.html',
            'web/*/index.html', 'web/*/*/index.html']:
        candidates += [os.path.dirname(p)
            for p in sorted(glob.glob(os.path.join(ROOT, pattern)))]
    for candidate in candidates:
        if (os.path.isfile(os.path.join(candidate, 'index.html'))
                and os.path.isdir(os.path.join(candidate, 'node_modules'))):
            return os.path.abspath(candidate)
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def write_config(workdir, port=None, web_root=None):
    """Write workdir/trytond.conf from the repository's and return its path.

    The database is SQLite under workdir/db; the server listens on
    127.0.0.1:port and serves web_root.
    """
    parser = configparser.RawConfigParser()
    repo_conf = os.path.join(ROOT, 'trytond.conf')
    if os.path.exists(repo_conf):
        parser.read(repo_conf, encoding='utf-8')
    db_dir = os.path.join(workdir, 'db')
    os.makedirs(db_dir, exist_ok=True)
    for section in ['database', 'web', 'password', 'session', 'email']:
        if not parser.has_section(section):
            parser.add_section(section)
    parser.set('database', 'uri', 'sqlite://')
    parser.set('database', 'path', db_dir)
    parser.set('database', 'list', 'False')
    parser.set('web', 'listen', '127.0.0.1:%s' % (port or free_port()))
    if web_root:
        parser.set('web', 'root', web_root)
    elif parser.has_option('web', 'root'):
        root = parser.get('web', 'root')
        if not os.path.isabs(root):
            parser.set('web', 'root', os.path.join(ROOT, root))
    # no mail leaves the tests
    parser.set('email', 'uri', 'smtp://localhost:1')
    path = os.path.join(workdir, 'trytond.conf')
    with open(path, 'w', encoding='utf-8') as file:
        parser.write(file)
    return path


def read_config(path):
    parser = configparser.RawConfigParser()
    parser.read(path, encoding='utf-8')
    return parser


def _environ(extra=None):
    env = dict(os.environ)
    # the configuration file says it all
    for key in list(env):
        if key.startswith('TRYTOND_') and key not in {
                'TRYTOND_LOGGING_LEVEL'}:
            del env[key]
    env.update(extra or {})
    return env


def _run(args, log_path, env=None, timeout=600):
    with open(log_path, 'ab') as log:
        log.write(('$ %s\n' % ' '.join(args)).encode())
        log.flush()
        process = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT,
            env=env, cwd=ROOT, timeout=timeout)
    if process.returncode:
        with open(log_path, encoding='utf-8', errors='replace') as log:
            tail = ''.join(log.readlines()[-30:])
        raise SetupError("%s failed (exit %s), see %s:\n%s" % (
                os.path.basename(args[0]), process.returncode, log_path,
                tail))


def create_database(config_path, name, modules=None,
        admin_password=ADMIN_PASSWORD):
    """Create the SQLite database name with modules (default: every suite
    module and their dependencies) activated."""
    workdir = os.path.dirname(config_path)
    db_dir = read_config(config_path).get('database', 'path')
    db_file = os.path.join(db_dir, name + '.sqlite')
    if os.path.exists(db_file):
        os.remove(db_file)
    open(db_file, 'w').close()
    passfile = os.path.join(workdir, 'admin-password')
    with open(passfile, 'w') as file:
        file.write(admin_password + '\n')
    modules = modules or suite_modules()
    args = [executable('trytond-admin'), '-c', config_path, '-d', name,
        '--all', '--activate-dependencies', '--email', 'admin@zhidu.example',
        '-u'] + list(modules)
    _run(args, os.path.join(workdir, 'trytond-admin.log'),
        env=_environ({'TRYTONPASSFILE': passfile}))
    return db_file


def load_demo(config_path, name, language='en', logins=None):
    "Run scripts/demo_data.py on the database name"
    workdir = os.path.dirname(config_path)
    logins = logins or os.path.join(workdir, 'demo_logins.txt')
    args = [sys.executable, DEMO_SCRIPT, '-c', config_path, '-d', name,
        '--language', language, '--logins', logins]
    _run(args, os.path.join(workdir, 'demo_data.log'), env=_environ())
    return logins


_PROTEUS_PRELUDE = '''\
import importlib.util, sys
spec = importlib.util.spec_from_file_location('demo', %(script)r)
demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(demo)
cfg = demo.connect(%(database)r, %(config)r)
'''


def run_proteus(config_path, database, code):
    """Run code in a new Python process where ``cfg`` is a proteus
    configuration (admin) on database and ``demo`` is scripts/demo_data.py;
    return what it prints.  Use it before the server starts, e.g.

        run_proteus(conf, db, "print(demo.submit_for_approval(cfg, "
            "'office.phone.line.request', {...}, 'zhang.wei').id)")
    """
    prelude = _PROTEUS_PRELUDE % {
        'script': DEMO_SCRIPT, 'database': database, 'config': config_path}
    process = subprocess.run([sys.executable, '-c', prelude + code],
        capture_output=True, text=True, env=_environ(), cwd=ROOT,
        timeout=600)
    if process.returncode:
        raise SetupError("proteus code failed (exit %s):\n%s" % (
                process.returncode, process.stderr[-3000:]))
    return process.stdout


def wait_for_port(host, port, timeout=30, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class TrytondServer:
    "A trytond process serving one database (and sao) on 127.0.0.1"

    def __init__(self, config_path, database):
        self.config_path = config_path
        self.database = database
        listen = read_config(config_path).get('web', 'listen')
        self.host, port = listen.rsplit(':', 1)
        self.port = int(port)
        self.url = 'http://%s:%s/' % (self.host, self.port)
        self.log_path = os.path.join(
            os.path.dirname(config_path), 'trytond.log')
        self.process = None

    def start(self, timeout=60):
        self._log = open(self.log_path, 'ab')
        # Always pass -d: trytond 8.0 without a database refuses logins
        self.process = subprocess.Popen(
            [executable('trytond'), '-c', self.config_path,
                '-d', self.database],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT,
            env=_environ(), start_new_session=True)
        if not wait_for_port(self.host, self.port, timeout=timeout,
                process=self.process):
            self.stop()
            raise SetupError("trytond did not listen on %s:%s, see %s:\n%s"
                % (self.host, self.port, self.log_path, self.log_tail()))
        # the first request loads the pool: do it before the browser
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=timeout).read()
                break
            except OSError:
                time.sleep(0.5)
        return self

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, encoding='utf-8', errors='replace') as f:
                return ''.join(f.readlines()[-lines:])
        except OSError:
            return ''

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if getattr(self, '_log', None):
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


#: the servers shared by the browser tests of this process, by database
_SHARED = {}


def shared_server(database, web_root=None):
    """Return the TrytondServer of a throw-away database with every suite
    module and the demo data (English), serving web_root, started on the
    first call of this process and stopped at exit; ``server.logins`` is
    the demo logins file, ``server.workdir`` its folder.

    A failed set-up is raised again to every later caller without being
    retried.  ZHIDU_E2E_KEEP=1 keeps the workdir (its path is printed).
    """
    if database in _SHARED:
        server = _SHARED[database]
        if isinstance(server, Exception):
            raise server
        return server
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix='zhidu-e2e-')
    server = None
    try:
        config = write_config(workdir, port=free_port(), web_root=web_root)
        create_database(config, database)
        logins = load_demo(config, database, language='en')
        server = TrytondServer(config, database)
        server.workdir, server.logins = workdir, logins
        server.start()
    except Exception as exception:
        _SHARED[database] = exception
        _stop_shared(server, workdir)
        raise
    _SHARED[database] = server
    atexit.register(_stop_shared, server, workdir)
    sys.stderr.write('[e2e database and server ready in %.0f s] ' % (
            time.monotonic() - started))
    return server


def _stop_shared(server, workdir):
    if server is not None:
        server.stop()
    if os.environ.get('ZHIDU_E2E_KEEP'):
        sys.stderr.write('[e2e files kept in %s] ' % workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
