#!/usr/bin/env python3
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run the production layout of docker/compose.yaml on this machine.

    python scripts/production.py [--port 8000] [--workers 2] [--threads 4]
        [-d zhidu] [--demo] [--dir var/production] [--no-serve]

(``./run --production`` calls it.)  Starts, in the foreground until
Ctrl-C:

- PostgreSQL: a private cluster in DIR/pg (Unix socket only, as the
  ``postgres`` user when run as root), created on the first run;
- the database (every module of modules/, trytond-admin --all when
  modules/ changed, the demo data with --demo);
- trytond under gunicorn with WORKERS worker processes of THREADS threads
  (gthread; default 2 x 4) on 127.0.0.1:PORT, serving sao;
- trytond-cron (scheduled actions) and trytond-worker (the queue).

The configuration is DIR/trytond.conf, generated from trytond.conf with
``[cache] clean_timeout = 0`` (the workers invalidate their caches through
PostgreSQL notifications at once) and ``[queue] worker = True``.  Logs are
in DIR/log/.

The tests (tests/test_production.py, test_concurrency.py, test_faults.py,
tests/load/) drive the same classes: ``Cluster`` and ``Stack``.
"""
import argparse
import configparser
import glob
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_PORT = 5432


def log(message):
    print('production: %s' % message, flush=True)


def pg_binary(name):
    "Find a PostgreSQL server binary"
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob('/usr/lib/postgresql/*/bin/' + name),
        key=lambda p: int(p.split('/')[-3])
        if p.split('/')[-3].isdigit() else 0)
    if candidates:
        return candidates[-1]
    raise FileNotFoundError(
        '%s not found; install PostgreSQL '
        '(scripts/install.sh --system-deps)' % name)


def executable(name):
    "A console script of the running Python environment"
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(candidate):
        return candidate
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError('%s not found next to %s' % (
                name, sys.executable))
    return found


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def gunicorn_has(option):
    "Whether this gunicorn knows option"
    process = subprocess.run([executable('gunicorn'), '--help'],
        capture_output=True, text=True)
    return option in process.stdout


class Cluster:
    """A private PostgreSQL cluster in folder (data in folder/data), on a
    Unix socket in folder only.  As root it runs as the postgres user
    (created when missing)."""

    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        self.data = os.path.join(self.folder, 'data')
        self.log_path = os.path.join(self.folder, 'postgres.log')
        self.user = None
        if os.geteuid() == 0:
            self.user = 'postgres'

    @property
    def socket_dir(self):
        return self.folder

    def _as_user(self, command):
        if self.user:
            return ['runuser', '-u', self.user, '--'] + command
        return command

    def _options(self):
        return ' '.join([
                "-c listen_addresses=''",
                '-c unix_socket_directories=%s' % self.folder,
                '-p %s' % PG_PORT,
                '-c max_connections=200'])

    def init(self, durable=True):
        "Create the cluster when missing"
        if self.user:
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                subprocess.run(['useradd', '--system', '--no-create-home',
                        '--shell', '/usr/sbin/nologin', self.user],
                    check=True)
        os.makedirs(self.folder, exist_ok=True)
        os.chmod(self.folder, 0o755)
        if self.user:
            shutil.chown(self.folder, user=self.user)
        if os.path.exists(os.path.join(self.data, 'PG_VERSION')):
            return False
        command = [pg_binary('initdb'), '--pgdata', self.data,
            '--username', 'postgres', '--auth', 'trust',
            '--encoding', 'UTF8', '--locale', 'C']
        if not durable:
            command.append('--no-sync')
        subprocess.run(self._as_user(command), check=True,
            stdout=subprocess.DEVNULL)
        return True

    def start(self):
        subprocess.run(self._as_user([pg_binary('pg_ctl'),
                    '--pgdata', self.data, '--log', self.log_path, '--wait',
                    '--options', self._options(), 'start']),
            check=True, stdout=subprocess.DEVNULL, start_new_session=True)

    def running(self):
        return os.path.exists(os.path.join(self.data, 'postmaster.pid'))

    def stop(self, mode='fast'):
        if self.running():
            subprocess.run(self._as_user([pg_binary('pg_ctl'),
                        '--pgdata', self.data, '--mode', mode, '--wait',
                        'stop']),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def restart(self, mode='fast'):
        "Stop (closing every connection) and start the server again"
        self.stop(mode=mode)
        self.start()

    def environ(self):
        return {'PGHOST': self.folder, 'PGPORT': str(PG_PORT),
            'PGUSER': 'postgres'}

    def psql(self, database, sql):
        "Run sql with psql and return its unaligned output"
        env = dict(os.environ, **self.environ())
        process = subprocess.run([pg_binary('psql'), '-X', '-A', '-t',
                '-v', 'ON_ERROR_STOP=1', '-d', database, '-c', sql],
            env=env, capture_output=True, text=True, check=True)
        return process.stdout.strip()

    def remove(self):
        self.stop(mode='immediate')
        shutil.rmtree(self.folder, ignore_errors=True)


class Stack:
    """The production processes on one database of a Cluster: gunicorn
    with several trytond workers, trytond-cron and trytond-worker."""

    def __init__(self, workdir, cluster, database='zhidu', port=None,
            workers=2, threads=1, web_root=None, access_log=False,
            email_uri=None):
        self.access_log = access_log
        self.email_uri = email_uri
        self.threads = threads
        self.workdir = os.path.abspath(workdir)
        self.cluster = cluster
        self.database = database
        self.port = port or free_port()
        self.workers = workers
        self.web_root = web_root or os.path.join(
            ROOT, 'var', 'sao', 'package')
        self.log_dir = os.path.join(self.workdir, 'log')
        self.config_path = os.path.join(self.workdir, 'trytond.conf')
        self.processes = {}
        self._logs = []
        os.makedirs(self.log_dir, exist_ok=True)
        self.write_config()

    @property
    def url(self):
        return 'http://127.0.0.1:%s/' % self.port

    def write_config(self):
        "Write workdir/trytond.conf from the repository's trytond.conf"
        config = configparser.RawConfigParser()
        config.read(os.path.join(ROOT, 'trytond.conf'), encoding='utf-8')
        for section in ['database', 'web', 'cache', 'queue', 'email']:
            if not config.has_section(section):
                config.add_section(section)
        # host, port and user: PGHOST, PGPORT and PGUSER (self.environ())
        config.set('database', 'uri', 'postgresql://')
        config.set('database', 'path', os.path.join(self.workdir, 'files'))
        config.set('database', 'list', 'False')
        config.set('web', 'listen', '127.0.0.1:%s' % self.port)
        config.set('web', 'root', self.web_root)
        # PostgreSQL notifications: a change made through one worker is
        # seen by the others at once (the default polls every 300 s).
        config.set('cache', 'clean_timeout', '0')
        # queued tasks go to trytond-worker
        config.set('queue', 'worker', 'True')
        if self.email_uri:
            config.set('email', 'uri', self.email_uri)
        with open(self.config_path, 'w', encoding='utf-8') as file:
            file.write('# Generated by scripts/production.py\n')
            config.write(file)

    def environ(self, extra=None):
        env = {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'PG', 'DB_'))}
        env.update(self.cluster.environ())
        env['TRYTOND_CONFIG'] = self.config_path
        env.update(extra or {})
        return env

    def _run(self, args, name, env=None, timeout=1800):
        path = os.path.join(self.log_dir, name + '.log')
        with open(path, 'ab') as file:
            file.write(('$ %s\n' % ' '.join(args)).encode())
            file.flush()
            process = subprocess.run(args, stdout=file,
                stderr=subprocess.STDOUT, env=env or self.environ(),
                cwd=ROOT, timeout=timeout)
        if process.returncode:
            with open(path, encoding='utf-8', errors='replace') as file:
                tail = ''.join(file.readlines()[-30:])
            raise RuntimeError('%s failed (exit %s), see %s:\n%s' % (
                    os.path.basename(args[0]), process.returncode, path,
                    tail))
        return process

    def modules(self):
        return sorted(os.path.basename(os.path.dirname(p))
            for p in glob.glob(os.path.join(ROOT, 'modules', '*',
                    'tryton.cfg')))

    def modules_hash(self):
        digest = hashlib.sha256()
        for path in sorted(glob.glob(
                    os.path.join(ROOT, 'modules', '**'), recursive=True)):
            if os.path.isfile(path) and '__pycache__' not in path:
                digest.update(path.encode())
                with open(path, 'rb') as file:
                    digest.update(file.read())
        return digest.hexdigest()[:16]

    def create_database(self, demo=False, admin_password='admin',
            language='zh_CN', logins=None):
        """Create or update the database with every suite module and load
        the demo data when demo (once)."""
        stamp = os.path.join(self.workdir, '%s.modules' % self.database)
        state = subprocess.run([sys.executable,
                os.path.join(ROOT, 'scripts', 'ensure_db.py'),
                '-c', self.config_path, '-d', self.database],
            env=self.environ(), cwd=ROOT, capture_output=True, text=True,
            check=True).stdout.strip()
        admin = [executable('trytond-admin'), '-c', self.config_path,
            '-d', self.database, '--all', '--activate-dependencies']
        current = self.modules_hash()
        if state == 'empty':
            log('creating database %s' % self.database)
            passfile = os.path.join(self.workdir, 'admin-password')
            with open(passfile, 'w') as file:
                file.write(admin_password + '\n')
            try:
                self._run(admin + ['--email', 'admin@example.com',
                        '-l', language, '-u'] + self.modules(),
                    'trytond-admin',
                    env=self.environ({'TRYTONPASSFILE': passfile}))
            finally:
                os.remove(passfile)
        elif not os.path.exists(stamp) or open(stamp).read() != current:
            log('updating database %s' % self.database)
            self._run(admin + ['-u'] + self.modules(), 'trytond-admin')
        with open(stamp, 'w') as file:
            file.write(current)
        if demo:
            logins = logins or os.path.join(self.workdir, 'demo_logins.txt')
            self._run([sys.executable,
                    os.path.join(ROOT, 'scripts', 'demo_data.py'),
                    '-c', self.config_path, '-d', self.database,
                    '--language', language, '--logins', logins],
                'demo_data')
            return logins

    def _spawn(self, name, args, env=None):
        file = open(os.path.join(self.log_dir, name + '.log'), 'ab')
        self._logs.append(file)
        # own process group: stop() ends the process and its children
        self.processes[name] = subprocess.Popen(args, stdout=file,
            stderr=subprocess.STDOUT, cwd=ROOT, env=env or self.environ(),
            start_new_session=True)
        return self.processes[name]

    def start_web(self, timeout=120):
        "Start gunicorn and wait until every worker answers"
        args = [executable('gunicorn'),
            '--workers', str(self.workers),
            '--bind', '127.0.0.1:%s' % self.port,
            '--timeout', '120', '--graceful-timeout', '10']
        if self.threads > 1:
            # gthread: each worker process serves several requests at once
            args += ['--threads', str(self.threads)]
        if self.access_log:
            # the pid of the worker that served each request
            args += ['--access-logfile', self.log_path('access'),
                '--access-logformat', '%(p)s %(m)s %(U)s %(s)s %(L)s']
        if gunicorn_has('--control-socket'):
            # not the shared ~/.gunicorn/gunicorn.ctl of newer versions
            args += ['--control-socket',
                os.path.join(self.workdir, 'gunicorn.ctl')]
        process = self._spawn('gunicorn', args + ['trytond.application:app'],
            env=self.environ({'TRYTOND_DATABASE_NAMES': self.database}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError('gunicorn exited, see %s' %
                    self.log_path('gunicorn'))
            try:
                urllib.request.urlopen(self.url, timeout=5).read()
                if len(self.worker_pids()) >= self.workers:
                    return process
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError('gunicorn did not answer on %s, see %s' % (
                self.url, self.log_path('gunicorn')))

    def start_cron(self):
        return self._spawn('trytond-cron', [executable('trytond-cron'),
                '-c', self.config_path, '-d', self.database])

    def start_worker(self):
        return self._spawn('trytond-worker', [executable('trytond-worker'),
                '-c', self.config_path, '-d', self.database])

    def start(self):
        self.start_web()
        self.start_cron()
        self.start_worker()
        return self

    def log_path(self, name):
        return os.path.join(self.log_dir, name + '.log')

    def worker_pids(self):
        "The pids of the gunicorn workers (children of the master)"
        master = self.processes.get('gunicorn')
        if not master:
            return []
        pids = []
        for stat in glob.glob('/proc/[0-9]*/stat'):
            try:
                with open(stat) as file:
                    fields = file.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master.pid:
                pids.append(int(stat.split('/')[2]))
        return sorted(pids)

    def wait_workers(self, exclude=(), timeout=60):
        "Wait until gunicorn runs its workers again, none in exclude"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if (len(pids) >= self.workers
                    and not set(pids) & set(exclude)):
                return pids
            time.sleep(0.2)
        raise RuntimeError('gunicorn did not restart its workers')

    def stop(self):
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for name, process in list(self.processes.items()):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=10)
            # the workers of a master killed with SIGKILL
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.processes.clear()
        for file in self._logs:
            file.close()
        self._logs = []


def temporary_stack(database='zhidu_prod', workers=2, threads=4, demo=True,
        language='en'):
    """Return a Stack on a new cluster in a temporary folder (the database
    created, the processes not started); stack.remove() removes it all."""
    folder = tempfile.mkdtemp(prefix='zhidu-prod-', dir='/tmp')
    os.chmod(folder, 0o755)
    cluster = Cluster(os.path.join(folder, 'pg'))
    stack = None
    try:
        cluster.init(durable=False)
        cluster.start()
        stack = Stack(os.path.join(folder, 'stack'), cluster,
            database=database, workers=workers, threads=threads,
            access_log=True,
            # no mail leaves the tests
            email_uri='smtp://127.0.0.1:1')
        stack.logins = stack.create_database(
            demo=demo, admin_password='admin', language=language)
    except BaseException:
        if stack:
            stack.stop()
        cluster.remove()
        shutil.rmtree(folder, ignore_errors=True)
        raise

    def remove():
        stack.stop()
        cluster.remove()
        if os.environ.get('ZHIDU_E2E_KEEP'):
            sys.stderr.write('[production files kept in %s] ' % folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    stack.folder = folder
    stack.remove = remove
    return stack


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, default=8000)
    parser.add_argument('--workers', type=int, default=2,
        help="gunicorn worker processes (default: %(default)s)")
    parser.add_argument('--threads', type=int, default=4,
        help="threads per worker (default: %(default)s)")
    parser.add_argument('-d', '--database', default='zhidu')
    parser.add_argument('--demo', action='store_true',
        help="load the demo data (once)")
    parser.add_argument('--dir', default=os.path.join(
            ROOT, 'var', 'production'),
        help="cluster, configuration and logs (default: %(default)s)")
    parser.add_argument('--no-serve', action='store_true',
        help="prepare the cluster and the database, then stop")
    options = parser.parse_args(argv)

    cluster = Cluster(os.path.join(options.dir, 'pg'))
    if cluster.init():
        log('PostgreSQL cluster created in %s' % cluster.data)
    if cluster.running():
        cluster.stop()
    cluster.start()
    log('PostgreSQL on %s' % cluster.socket_dir)
    stack = Stack(options.dir, cluster, database=options.database,
        port=options.port, workers=options.workers, threads=options.threads)
    stopping = []

    def terminate(signum, frame):
        if not stopping:
            stopping.append(signum)
            raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, terminate)
    try:
        logins = stack.create_database(demo=options.demo,
            admin_password=os.environ.get('ZHIDU_ADMIN_PASSWORD', 'admin'),
            logins=os.path.join(ROOT, 'var', 'demo_logins.txt'))
        if options.no_serve:
            return 0
        stack.start()
        log('gunicorn (%d workers x %d threads) on %s, trytond-cron, '
            'trytond-worker; logs in %s' % (options.workers, options.threads,
                stack.url, stack.log_dir))
        if logins and os.path.exists(logins):
            with open(logins) as file:
                print(file.read(), flush=True)
        log('Ctrl-C stops everything')
        while True:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    log('%s exited (%s), see %s' % (name,
                            process.returncode, stack.log_path(name)))
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        log('stopping')
        return 0
    finally:
        stack.stop()
        cluster.stop()


if __name__ == '__main__':
    sys.exit(main())
