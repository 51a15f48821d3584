"""Every spreadsheet the product writes (xlsx or csv) goes through ``inert``: text that a spreadsheet program would
run — a formula (``=``, ``+``, ``-``, ``@``) or a DDE payload after a tab or carriage return — is stored as plain
text, prefixed with an apostrophe (the OWASP recommendation for CSV injection). Numbers and dates are left alone."""

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def inert_row(values) -> list:
    return [inert(value) for value in values]
