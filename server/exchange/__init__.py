"""Exchanging the directory with partners as HSDS 3.1: export (JSON or the tabular CSV package) and
import (what would change, field by field; written into content/ only with --apply).

Both directions meet in one plain form, `Exchange`: organisations, services, phones and locations
keyed by id, with content/'s own field names. What we hold now is `current(model)`, which is
`from_records(export_records(model))`, so exporting and importing our own export changes nothing by
construction, and a doubtful number (never exported) can neither be shown nor removed by an import.

Read this, then the modules in the order `flask content import` (server/maintain.py) runs them:
- tables.py: the files (HSDS's tables and columns; writing JSON and the CSV package; reading them
  back into nested records)
- records.py: nested records into an `Exchange`, naming each problem (file, row, field, reason)
- changes.py: the diff of what we hold and what came in, and its text
- applying.py: the changes written into content/ through the one content writer
  (server/content/writer.py), all or nothing

The rules the importer shares with the content check (the UUID pattern, the service statuses, the
phone confidences) are the content schema's, through server/content/rules.py.
"""
from ..content.writer import load_yaml, write_checked
from .applying import apply, check_applies, edits, slug_for, trial
from .changes import Change, describe, diff
from .records import Exchange, current, from_records
from .tables import (SERVICE_LISTS, TABLES, TYPES, InputError, export_records, read_csv_package,
                     read_input, tables_of, write_csv, write_json)

__all__ = ["SERVICE_LISTS", "TABLES", "TYPES", "Change", "Exchange", "InputError", "apply", "check_applies",
           "current", "describe", "diff", "edits", "export_records", "from_records", "load_yaml",
           "read_csv_package", "read_input", "slug_for", "tables_of", "trial", "write_checked", "write_csv",
           "write_json"]
