# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond import backend
from trytond.model.fields import SQL_OPERATORS
from trytond.tools import grouped_slice


def _slices(values):
    "Slice values in lists a query can hold as parameters"
    for sub in grouped_slice(values, backend.MAX_QUERY_PARAMS):
        yield list(sub)


def _in(column, values):
    return SQL_OPERATORS['in'](column, list(values))
