"""Every spreadsheet the product writes (xlsx or csv) goes through ``inert``: text that a spreadsheet program would
run — a formula (``=``, ``+``, ``-``, ``@``) or a DDE payload after a tab or carriage return — is stored as plain
text, prefixed with an apostrophe (the OWASP recommendation for CSV injection). Numbers and dates are left alone.

Control characters that XML 1.0 cannot carry (a vertical tab or a form feed pasted from a word processor into a
name) are dropped: they mean nothing in a cell, and openpyxl would refuse the cell and with it the whole file."""

import re

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
# openpyxl's own test of what XML cannot carry, without importing openpyxl wherever a cell is made inert
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010\013\014\016-\037]")


def inert(value):
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(DANGEROUS_STARTS):
            return "'" + value
    return value


def inert_row(values) -> list:
    return [inert(value) for value in values]
