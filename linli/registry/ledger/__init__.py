"""Ledgers (台账): a committee's Excel or CSV list of residents (or of its buildings and flats) going in,
and any filtered list of residents going out as .xlsx with the same headers, so an export can be edited
and imported again.

The way in, step by step, each step in its own module:
- `reading`: bytes → rows of cell values (.xlsx, legacy .xls, CSV in UTF-8, UTF-8 with BOM, GBK or
  UTF-16), refusing what is not a spreadsheet, too big, a zip bomb or too long, before any row is used;
- `columns`: the header vocabulary and the tolerant mapping of a file's headers onto it;
- `dates`: the usual Chinese ways of writing a date, Excel serials and date cells;
- `checking`: every row through the registry's own rules (`registry.services.resident_data_check`),
  matched to the residents already registered, giving the preview: every problem with its row and
  column, and what would be new, changed or unchanged;
- `importing`: the same check again, then every write in one transaction (all or nothing), with a
  history entry per resident and one access-log entry per import;
- `jobs`: the ImportJob's steps (upload, check, confirm, import, cancel) as the background jobs in
  `registry/tasks.py` and the pages run them.

The way out is `exporting`. Sensitive values are masked in every preview, message and export unless the
user may reveal them (`linli.registry.privacy.may_reveal`), and a full export is logged.
"""
