"""Reach figures without tracking: how many pages were seen, per Cambodian day, language and page
kind (with the province and the need a page has), how many phones started saving Mitta for
offline use, per language, and how many problem reports arrived. Nothing else: no address, agent,
query, time of day, identifier or cookie, and nothing on the phone.

Read `counter.py` (counts held in memory and written in batches, no Flask), then `store.py` (the
SQLite table beside the problem reports and the month's table, no Flask), then `web.py` (what a
request counts as, and `flask stats`). This package's own import loads no Flask, so the
maintainers' commands can read the counts without the web part.
"""
