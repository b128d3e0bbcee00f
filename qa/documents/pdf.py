"""PDF files -> the text of each page, in reading order, without running headers, footers and page numbers.

PDFium (pypdfium2) extracts each page's text layer. A line that starts or ends most pages (a
masthead, a running title, an outlet's footer) and a line that is only a page number (``3``,
``- 3 -``, ``第3页``, ``3/12``) are page furniture. A PDF without a text layer (a scan) is refused with
the reason, as are encrypted and damaged files; OCR is not done.
"""

from __future__ import annotations

import re
from collections import Counter

_PAGE_NUMBER = re.compile(r"[-–—\s]*(第\s*)?\d{1,4}\s*(页|/\s*\d{1,4}|of\s*\d{1,4})?[-–—\s]*|page\s*\d{1,4}", re.IGNORECASE)
_EDGE = 2  # lines at the top and the bottom of a page where furniture sits


class PdfError(ValueError):
    """The PDF cannot give text; the message says why."""


def pdf_pages(data: bytes) -> list[str]:
    """The text of every page (furniture removed), in order."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PdfError("the PDF is encrypted (password-protected): save an unprotected copy to index it") from None
        raise PdfError(f"the PDF is damaged or not a PDF ({exc})") from None
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise PdfError(f"the PDF has no text layer ({len(pages)} page(s), probably scanned images): "
                       "it needs OCR, which is not supported yet")
    return _without_furniture([[line.strip() for line in p.split("\n") if line.strip()] for p in pages])


def _without_furniture(pages: list[list[str]]) -> list[str]:
    repeated: Counter[str] = Counter()
    for lines in pages:
        repeated.update(set(lines[:_EDGE] + lines[-_EDGE:]))
    running = {line for line, n in repeated.items() if len(pages) >= 2 and n >= max(2, len(pages) // 2 + 1)}
    out = []
    for lines in pages:
        kept = [line for i, line in enumerate(lines)
                if not ((i < _EDGE or i >= len(lines) - _EDGE) and (line in running or _PAGE_NUMBER.fullmatch(line)))]
        out.append("\n".join(kept))
    return out
