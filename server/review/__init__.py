"""The review sheet for native speakers: `flask content review export` and `import`.

Read `texts.py` first (every text a reader sees in one language, each with a stable key), then
`sheet.py` (the spreadsheet: written, and read back only after the file is shown to be the sheet we
wrote), then `applying.py` (what a filled-in sheet changes, what it must refuse, and writing it).
`marks.py` says how "reviewed" is stored; `cli.py` holds the commands.
"""
