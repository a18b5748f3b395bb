# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers shared by the modules of the suite"

#: the first characters that make a spreadsheet read a cell as a formula
FORMULA_PREFIXES = ('=', '+', '-', '@', '\t', '\r')


def spreadsheet_text(value):
    """Return value as the text of a CSV cell that a spreadsheet shows as
    text: a text starting with a formula character (= + - @ tab CR) gets a
    leading quote, so that a name like ``=HYPERLINK(...)`` typed by a user
    is not evaluated when the export is opened (CSV injection).

    Use it for the cells holding user text, not for the amounts the export
    formats itself (a negative amount must stay a number).
    """
    if value is None:
        return ''
    value = str(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
