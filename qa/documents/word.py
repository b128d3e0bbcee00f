"""Word files (.docx) -> their body text and creation date (python-docx).

Headers and footers live apart from the body in a .docx, so they stay out; tables are read row by
row. Old binary .doc files are refused with the reason.
"""

from __future__ import annotations

import io


class WordError(ValueError):
    """The Word file cannot give text; the message says why."""


def docx_text(data: bytes) -> tuple[str, str, str | None]:
    """(body text, title from the file's properties or "", creation date as YYYY-MM-DD or None)."""
    import zipfile

    import docx

    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE container: an old .doc, or an encrypted .docx
        raise WordError("it is an old binary Word file (.doc) or an encrypted one: save it as .docx, unprotected")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WordError(f"the Word file is damaged or not a .docx ({exc})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    props = document.core_properties
    created = props.created.strftime("%Y-%m-%d") if props.created else None
    return "\n".join(lines), (props.title or "").strip(), created
