"""The review sheet as a file: written with openpyxl, and read back only once it is shown to be a
plain spreadsheet (a zip of XML parts, small when unpacked, with no DTD or entity in any part).

openpyxl parses the XML with the standard library, which expands entities; so before openpyxl sees
the file every part is parsed by defusedxml, which refuses a DTD, an entity or an external
reference, and the zip's declared sizes are checked first, so a zip bomb is never unpacked.

A sheet is one worksheet, one row per text, rows grouped by page (a bold page row before each group).
Its cells are set in a font that has Khmer letters where it is installed: "Khmer UI" ships with
Windows (8 and later), where Excel otherwise falls back to the tiny DaunPenh; LibreOffice and
Google Sheets take a font the system has for the letters when the named one is missing (fontconfig,
the browser), so the script shows either way.
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass

HEADERS = ("Where", "English", "Current", "Reviewed text", "Status", "Note", "Key")
STATUSES = ("ok", "changed", "unsure")
WIDTHS = {"A": 30, "B": 55, "C": 55, "D": 55, "E": 11, "F": 30, "G": 10}
FONTS = {"km": "Khmer UI"}   # other languages: the spreadsheet's default font has their letters
TITLE = "Review"
MAX_PART = 50 * 1024 * 1024      # one XML part unpacked: far above a sheet of every Mitta text
MAX_TOTAL = 100 * 1024 * 1024
MAX_RATIO = 200                  # unpacked / packed, per part: XML packs about 10:1
MAX_PARTS = 200


class NotTheSheet(ValueError):
    """The file is not a review sheet this command wrote (or it is unsafe to read)."""


@dataclass(frozen=True)
class Row:
    number: int         # the row in the spreadsheet, as the reviewer sees it
    where: str
    english: str
    current: str
    reviewed: str
    status: str
    note: str
    key: str


def write(path, items, lang: str, site: str = ""):
    """One row per item (texts.Item), grouped by page: each group after a bold row naming it.
    `site`: the public address the pages' paths are links under (none: the paths alone)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .texts import page_rank

    book = Workbook()
    sheet = book.active
    sheet.title = TITLE
    font = Font(name=FONTS.get(lang, "Arial"), size=12)
    bold = Font(name=font.name, size=12, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font, cell.alignment = bold, Alignment(vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    sheet.freeze_panes = "A2"
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.column_dimensions["G"].hidden = True
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Status", error="ok, changed or unsure")
    sheet.add_data_validation(status)
    groups = {}
    for item in items:
        groups.setdefault(item.where, []).append(item)
    page_fill = PatternFill("solid", fgColor="EEF3FA")
    for where in sorted(groups, key=page_rank):
        link = site + where if where else ""
        sheet.append([link or "Shown at times: messages, forms, errors"])
        for cell in sheet[sheet.max_row][:6]:
            cell.font, cell.fill = bold, page_fill
        if link and site:
            sheet.cell(sheet.max_row, 1).hyperlink = link
        for item in groups[where]:
            sheet.append([link, item.english, item.current, None, None, None, item.key])
            for cell in sheet[sheet.max_row][:6]:
                cell.font, cell.alignment = font, wrap
    status.add(f"E2:E{max(sheet.max_row, 2)}")
    book.save(path)


def check_zip(path):
    try:
        _check_zip(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise NotTheSheet(f"a damaged zip ({error})") from None


def _check_zip(path):
    """Refuse anything but a plain, reasonably sized zip of XML parts (before anything parses it):
    the declared sizes first, then each part read (at most MAX_PART) and parsed by defusedxml."""
    if not zipfile.is_zipfile(path):
        raise NotTheSheet("not a spreadsheet (.xlsx is a zip file; this is not one)")
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        if len(infos) > MAX_PARTS:
            raise NotTheSheet(f"{len(infos)} parts in the zip: not a review sheet")
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART or total > MAX_TOTAL or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                raise NotTheSheet(f"{info.filename} would unpack to {info.file_size} bytes: a zip bomb, not a review sheet")
            if info.filename.endswith((".bin", ".vba")) or "vbaProject" in info.filename:
                raise NotTheSheet(f"{info.filename}: the sheet has macros; the review sheet has none")
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
            raise NotTheSheet("not an .xlsx spreadsheet (no worksheet in the zip)")
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import fromstring
        for info in infos:
            data = z.read(info)
            # Every part that could be XML, whatever its name: [Content_Types].xml may declare any
            # part name as a worksheet, and openpyxl would parse it.
            if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or info.filename.endswith((".xml", ".rels", ".vml")):
                if len(data) != info.file_size:
                    raise NotTheSheet(f"{info.filename}: its size is not the one the zip declares")
                try:
                    fromstring(data, forbid_dtd=True)
                except DefusedXmlException as error:
                    raise NotTheSheet(f"{info.filename}: XML with a DTD or entities ({type(error).__name__}), "
                                      "which a review sheet never has") from None
                except Exception as error:  # noqa: BLE001 (any parse error means: not our sheet)
                    raise NotTheSheet(f"{info.filename}: not well-formed XML ({error})") from None


def read(path) -> list[Row]:
    """The text rows of a review sheet (page rows and empty rows left out). NotTheSheet when the
    file is not one."""
    check_zip(path)
    import warnings

    from openpyxl import load_workbook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about workbook features it drops; we read values
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001
            raise NotTheSheet(f"openpyxl cannot read it ({error})") from None
    try:
        if TITLE not in book.sheetnames:
            raise NotTheSheet(f"no worksheet named {TITLE!r}: not a review sheet from `flask content review export`")
        rows = book[TITLE].iter_rows(values_only=True)
        header = tuple(next(rows, ()) or ())[: len(HEADERS)]
        if header != HEADERS:
            raise NotTheSheet(f"the first row is not {', '.join(HEADERS)}")
        found = []
        for number, values in enumerate(rows, start=2):
            values = [("" if v is None else str(v)) for v in (tuple(values) + (None,) * 7)[:7]]
            if not values[6].strip():
                continue  # a page row, or a row the reviewer added
            found.append(Row(number, *values))
        return found
    finally:
        book.close()
