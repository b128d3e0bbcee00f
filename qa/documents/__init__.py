"""Files -> clean documents: encoding detection, page-chrome removal, title/date/outlet extraction."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Iterable

from qa.records import Document, Skipped

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".jsonl", ".pdf", ".docx"}
MAX_FILE_BYTES = 50 * 1024 * 1024
# Characters of cleaned text per document. News articles run to a few thousand; 300,000 is a
# book. One 2 MB line without punctuation was ~2,900 chunks, ten minutes of embedding here.
MAX_DOC_CHARS = 300_000


class DocumentError(ValueError):
    """A file that cannot become a document; the message says why."""


# Inline pinyin ruby after a Han character, e.g. 報(bào)道 -> 報道. Tone-marked letters only,
# so ordinary bracketed Latin text such as (APP) or (CPI) is kept.
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ]{1,7}\)")

# Whole lines that are page furniture rather than article content.
_CHROME = [re.compile(p) for p in (
    r"^(小字号|大字号|字号[:：]?\s*[大中小 ]*|[【\[]?\s*(打印|关闭|关闭窗口|返回顶部|返回首页|回到顶部)\s*[】\]]?)$",
    r"^分享(让更多人看到|到)?[:：]?$",
    r"^(放大\s*缩小\s*默认|放大|缩小|默认)$",
    r"^(版面导航|站内检索|阅读原文|特别声明|责任编辑.*|\(责编[:：].*\)|【责任编辑.*】)$",
    r"上一版\s*下一版",
    r"^第\s*\d+\s*版\s*[:：]",
    r"^\S+(\s*>>\s*\S+)+$",  # breadcrumbs: 人民网>>广西频道>>社会法制
    r"^本文为澎湃号作者.*",
    r"版权所有",
    r"^地址[:：].*",
    r"^https?://\S+$|^\S+\s+https?://\S+$",
    r"^\|?\s*(作者|来源|原标题|编辑|责编)[:：]",
    r"^(扫一扫|点击|微信扫一扫|关注我们|手机看新闻).{0,12}$",
    r"^\S{1,6}网$",  # a bare site name such as 人民网 at the top of a page
)]

_DATE_PATTERNS = [
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), (1, 2, 3)),
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), (3, 2, 1)),  # 19.12.2018
]
_OUTLET = [
    re.compile(r"来源\s*[:：]\s*([^\s|｜]+)"),
    re.compile(r"^\s*([^\s:：]{2,12}?)社?版权所有"),
]
_HEADER_LINES = 12


def remove_pinyin(text: str) -> str:
    """Strip inline pinyin ruby annotations: ``報(bào)道`` -> ``報道``."""
    return _PINYIN.sub("", text)


def is_chrome(line: str) -> bool:
    return any(p.search(line) for p in _CHROME)


def find_date(text: str) -> tuple[str | None, int]:
    """First date in ``text`` as ISO ``YYYY-MM-DD``, with the index of the line it is on (-1 if none)."""
    for i, line in enumerate(text.splitlines()):
        for pattern, (y, m, d) in _DATE_PATTERNS:
            for match in pattern.finditer(line):
                year, month, day = (int(match.group(g)) for g in (y, m, d))
                if 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
                    return f"{year:04d}-{month:02d}-{day:02d}", i
    return None, -1


def find_outlet(lines: list[str]) -> str | None:
    for pattern in _OUTLET:
        for line in lines:
            match = pattern.search(line)
            if match:
                return match.group(1).strip("|｜ -")
    return None


# Control characters (terminal escape sequences: a document printed by `qa ask` must not drive the
# terminal) and bidirectional overrides (they make shown text differ from its characters).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(raw: str, title: str = "") -> Document:
    """Clean raw article text into a Document (id and path left empty for the caller)."""
    raw, title = _CONTROL.sub("", raw.replace("\t", " ")), _CONTROL.sub("", title)
    text = remove_pinyin(raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    header = lines[:_HEADER_LINES]
    date, date_line = find_date("\n".join(header))
    outlet = find_outlet(lines)
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i == date_line and len(line) <= 60 and not line.endswith("。"):
            continue  # the dateline itself: shown as metadata, not content (a sentence with a date is content)
        if is_chrome(line):
            continue
        kept.append(line)
    if not title:
        # The headline is the last substantial line before the dateline, else the first line.
        before = [line for line in lines[: max(date_line, 0)]
                  if len(line) >= 6 and not line.endswith("。") and not is_chrome(line)]
        title = (before[-1] if date_line > 0 and before else kept[0] if kept else "").lstrip("—-─ ")
    return Document(id="", text="\n".join(kept), title=title[:120], date=date, source=outlet)


def decode(data: bytes, name: str) -> str:
    """Bytes -> text: UTF-8 when valid, else what charset-normalizer detects (GB18030, Big5, ...)."""
    if not data.strip():
        raise DocumentError("the file is empty")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("it is a binary file, not text (found NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentError("its encoding could not be detected (not UTF-8, GB18030/GBK or Big5 text)")
    text = str(best)
    log.info("%s decoded as %s", name, best.encoding)
    return text


def _from_html(raw: str) -> tuple[str, str, str | None, str | None]:
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=True)
    if doc is None or not (doc.text or "").strip():
        raise DocumentError("no article text could be extracted from the HTML")
    return doc.text, doc.title or "", doc.date, doc.sitename


def load_file(path: Path, skipped: list[Skipped] | None = None) -> list[Document]:
    """All documents in one file (one for an article, many for a BEIR ``corpus.jsonl``); records of
    a ``corpus.jsonl`` that cannot be documents are added to ``skipped`` and the others kept."""
    if not path.exists():
        raise DocumentError("the path does not exist")
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        raise DocumentError("its file name is not valid UTF-8 (e.g. a GBK name from an old archive): "
                            "rename it, e.g. with `convmv -f gbk -t utf-8`") from None
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"{suffix or 'files without an extension'} is not a supported type "
                            f"(supported: {' '.join(sorted(SUFFIXES))})")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"the file is {size / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"it cannot be read ({exc.strerror})") from exc
    if suffix in (".pdf", ".docx"):
        return [_with(_from_office(data, suffix), id=path.stem, path=path.name)]
    if data.startswith(b"%PDF-"):
        raise DocumentError("it is a PDF file named as text: rename it to .pdf")
    raw = decode(data, str(path))
    if suffix == ".jsonl":
        docs, bad = [], []
        for item in _from_jsonl(raw, path):
            (bad if isinstance(item, Skipped) else docs).append(item)
        if not docs and not bad:
            raise DocumentError("it holds no records")
        if skipped is not None:
            skipped.extend(bad)  # each bad record once, by line; the good ones are kept
        return docs
    if suffix in HTML_SUFFIXES:
        text, title, date, site = _from_html(raw)
        doc = clean(text, title=title)
        if _only_navigation(doc.text):
            raise DocumentError("the page holds only navigation or page furniture (short link lines), no article text")
        doc = _with(doc, date=doc.date or (date[:10] if date else None), source=doc.source or site)
    else:
        doc = clean(raw)
    if not doc.text.strip():
        raise DocumentError("nothing but page furniture is left after cleaning")
    return [_with(doc, id=path.stem, path=path.name)]


_PAGE_BREAK = "\ue000"  # a private-use character: a line of its own between pages while cleaning


def _from_office(data: bytes, suffix: str) -> Document:
    """A PDF or Word file, cleaned like a text file; a PDF keeps where each page starts."""
    from qa.documents.pdf import PdfError, pdf_pages
    from qa.documents.word import WordError, docx_text

    try:
        if suffix == ".pdf":
            doc = clean(f"\n{_PAGE_BREAK}\n".join(pdf_pages(data)))
            created = None
        else:
            text, title, created = docx_text(data)
            doc = clean(text, title=title)
    except (PdfError, WordError) as exc:
        raise DocumentError(str(exc)) from None
    parts = [part.strip("\n") for part in doc.text.split(_PAGE_BREAK)]
    starts, at = [], 0  # where each page after the first begins in the joined text
    for i, part in enumerate(parts):
        if i:
            starts.append(at)
        if part:
            at += len(part) + 1
    text = "\n".join(part for part in parts if part)
    title = doc.title if doc.title != _PAGE_BREAK else ""
    if not text.strip():
        raise DocumentError("nothing but page furniture is left after cleaning")
    return _with(doc, text=text, title=title, date=doc.date or created, pages=tuple(starts) if len(parts) > 1 else ())


def _with(doc: Document, **changes) -> Document:
    from dataclasses import replace

    return replace(doc, **changes)


def _only_navigation(text: str) -> bool:
    """Text of a page that is all menu: every line short, none a sentence (频道0 频道1 ...)."""
    lines = [line for line in text.split("\n") if line.strip()]
    return bool(lines) and all(len(line) <= 12 for line in lines) and not re.search(r"[。！？.!?]", text)


def _from_jsonl(raw: str, path: Path):
    """Documents of a BEIR corpus.jsonl, and a Skipped for each line that is not one."""
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            yield Skipped(where, f"not a JSON line ({exc})")
            continue
        if not isinstance(row, dict) or "_id" not in row or "text" not in row:
            yield Skipped(where, "not a BEIR corpus record with _id and text")
            continue
        text, title = row["text"], row.get("title")
        bad = [f"{name} is {json_kind(value)}, not a string" for name, value in (("text", text), ("title", title))
               if not isinstance(value, str) and not (name == "title" and value is None)]
        if not isinstance(row["_id"], (str, int)):
            bad.append(f"_id is {json_kind(row['_id'])}")
        if bad:
            yield Skipped(f"{where} (_id {str(row['_id'])[:40]})", "; ".join(bad))
            continue
        if not text.strip():
            yield Skipped(f"{where} (_id {row['_id']})", "text is empty")
            continue
        doc_id = str(row["_id"])
        doc = clean(text, title=title or "")
        yield _with(doc, id=doc_id, path=f"{path.name}#{doc_id}")


def json_kind(value) -> str:
    """How a JSON value of the wrong type is named in a message: null, a number, a list, ..."""
    return {type(None): "null", bool: "a boolean", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def iter_files(paths: Iterable[Path | str], skipped: list[Skipped] | None = None) -> Iterable[Path]:
    """Expand folders recursively into files with a supported suffix (hidden ones left out); plain
    files are kept as given. Folders that cannot be listed or entered are added to ``skipped``."""
    import os

    def unreadable(exc: OSError) -> None:
        if skipped is not None:
            skipped.append(Skipped(str(exc.filename), f"the folder cannot be read ({exc.strerror})"))

    for p in map(Path, paths):
        if not p.is_dir():
            yield p
            continue
        found = []
        for folder, subfolders, files in os.walk(p, onerror=unreadable):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            found += [Path(folder) / f for f in files if not f.startswith(".") and Path(f).suffix.lower() in SUFFIXES]
        yield from sorted(found)


def _shown(path: Path) -> str:
    """A path fit to print and store: undecodable bytes of a file name shown as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def load_documents(paths: Iterable[Path | str], max_chars: int = MAX_DOC_CHARS) -> tuple[list[Document], list[Skipped]]:
    """Load every supported file under ``paths``; files that fail are reported, never fatal, and so
    are documents longer than ``max_chars`` characters of cleaned text."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for path in iter_files(paths, skipped):
        try:
            loaded = load_file(path, skipped)
        except DocumentError as exc:
            skipped.append(Skipped(_shown(path), str(exc)))
            log.debug("skipped %s: %s", path, exc)  # reported once, by the caller
            continue
        for doc in loaded:
            if len(doc.text) > max_chars:
                skipped.append(Skipped(_shown(path) + (f" (_id {doc.id})" if path.suffix.lower() == ".jsonl" else ""),
                                       f"the document has {len(doc.text):,} characters, over the limit of {max_chars:,} "
                                       f"per document (news never comes close); raise it with --max-doc-chars"))
                continue
            if doc.id in seen:  # same file name in two folders: keep both, distinguishable
                doc = _with(doc, id=f"{doc.id}~{len(seen)}")
            seen.add(doc.id)
            docs.append(doc)
    return docs, skipped
