# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A small JSON-RPC client of trytond, as sao talks to it.

    client = Client(url, 'zhidu', 'aftersales_head', 'Zhidu-Demo-2026')
    client.call('model.regulation.approval.approve', [42], client.context)

It sends ``Accept-Encoding: gzip`` (without it trytond 8.0.12 streams
large responses in tiny pieces), encodes and decodes Tryton's typed JSON
values (Decimal, date, datetime, bytes) and raises RPCError with the
exception name and message trytond returned (``UserError``,
``AccessError``, …) or ServerError for an HTTP failure or a lost
connection.
"""
import base64
import datetime as dt
import gzip
import http.client
import json
import time
import urllib.parse
from decimal import Decimal


class RPCError(Exception):
    "trytond answered with an error (exception name, arguments)"

    def __init__(self, name, args):
        super().__init__(name, args)
        self.name = name
        self.arguments = args

    @property
    def message(self):
        if self.arguments and isinstance(self.arguments, list):
            return str(self.arguments[0])
        return str(self.arguments)

    def __str__(self):
        return '%s: %s' % (self.name, self.message)


class ServerError(Exception):
    "No JSON-RPC answer: HTTP error, connection reset or timeout"


def _default(value):
    if isinstance(value, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    if isinstance(value, dt.datetime):
        return {'__class__': 'datetime', 'year': value.year,
            'month': value.month, 'day': value.day, 'hour': value.hour,
            'minute': value.minute, 'second': value.second,
            'microsecond': value.microsecond}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    if isinstance(value, (bytes, bytearray)):
        return {'__class__': 'bytes',
            'base64': base64.b64encode(value).decode()}
    raise TypeError(repr(value))


def _object_hook(value):
    kind = value.get('__class__')
    if kind == 'Decimal':
        return Decimal(value['decimal'])
    if kind == 'date':
        return dt.date(value['year'], value['month'], value['day'])
    if kind == 'datetime':
        return dt.datetime(value['year'], value['month'], value['day'],
            value['hour'], value['minute'], value['second'],
            value.get('microsecond', 0))
    if kind == 'bytes':
        return base64.b64decode(value['base64'])
    return value


class Client:
    "One logged-in session of a user"

    def __init__(self, url, database, login, password, language='en',
            timeout=120):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.path = '/%s/rpc/' % database
        self.login = login
        self.timeout = timeout
        self._id = 0
        self.connection = None
        self.session = None
        self.context = {}
        self.user_id, session, *_ = self.call(
            'common.db.login', login, {'password': password}, language)
        self.session = base64.b64encode(('%s:%s:%s' % (
                    login, self.user_id, session)).encode()).decode()
        self.context = self.call('model.res.user.get_preferences', True, {})

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout)
        return self.connection

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def call(self, method, *params):
        "Call method with params and return its result"
        self._id += 1
        body = json.dumps({'id': self._id, 'method': method,
                'params': list(params)}, default=_default).encode()
        headers = {
            'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip',
            }
        if self.session:
            headers['Authorization'] = 'Session ' + self.session
        try:
            reused = self.connection is not None
            connection = self._connection()
            try:
                connection.request('POST', self.path, body, headers)
            except (BrokenPipeError, ConnectionResetError):
                if not reused:
                    raise
                # a kept-alive connection the server closed meanwhile:
                # nothing was sent, send it again on a new one
                self.close()
                connection = self._connection()
                connection.request('POST', self.path, body, headers)
            response = connection.getresponse()
            data = response.read()
            if response.getheader('Connection', '').lower() == 'close':
                self.close()
        except (OSError, http.client.HTTPException) as exception:
            self.close()
            raise ServerError('%s: %s' % (
                    exception.__class__.__name__, exception)) from exception
        if response.getheader('Content-Encoding') == 'gzip':
            data = gzip.decompress(data)
        if response.status != 200:
            raise ServerError('HTTP %s: %s' % (
                    response.status, data[:500].decode('utf-8', 'replace')))
        try:
            answer = json.loads(data, object_hook=_object_hook)
        except ValueError as exception:
            raise ServerError('not JSON: %r' % data[:200]) from exception
        if answer.get('error'):
            error = answer['error']
            if isinstance(error, list) and error:
                raise RPCError(error[0], error[1] if len(error) > 1 else [])
            raise RPCError('Error', error)
        return answer.get('result')

    def model(self, model, method, *args, context=None):
        "Call model.<model>.<method>(*args) with the user's context"
        ctx = dict(self.context)
        ctx.update(context or {})
        return self.call('model.%s.%s' % (model, method), *args, ctx)

    def timed(self, method, *params):
        "Return (seconds, result) of call"
        start = time.perf_counter()
        result = self.call(method, *params)
        return time.perf_counter() - start, result
