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
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".jsonl"}
MAX_FILE_BYTES = 50 * 1024 * 1024


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


def clean(raw: str, title: str = "") -> Document:
    """Clean raw article text into a Document (id and path left empty for the caller)."""
    text = remove_pinyin(raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    header = lines[:_HEADER_LINES]
    date, date_line = find_date("\n".join(header))
    outlet = find_outlet(lines)
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i == date_line and len(line) <= 60:
            continue  # the dateline itself: shown as metadata, not content
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


def load_file(path: Path) -> list[Document]:
    """All documents in one file (one for an article, many for a BEIR ``corpus.jsonl``)."""
    if not path.exists():
        raise DocumentError("the path does not exist")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"the file is {size / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"it cannot be read ({exc.strerror})") from exc
    raw = decode(data, str(path))
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return list(_from_jsonl(raw, path))
    if suffix in HTML_SUFFIXES:
        text, title, date, site = _from_html(raw)
        doc = clean(text, title=title)
        doc = _with(doc, date=doc.date or (date[:10] if date else None), source=doc.source or site)
    else:
        doc = clean(raw)
    if not doc.text.strip():
        raise DocumentError("nothing but page furniture is left after cleaning")
    return [_with(doc, id=path.stem, path=path.name)]


def _with(doc: Document, **changes) -> Document:
    from dataclasses import replace

    return replace(doc, **changes)


def _from_jsonl(raw: str, path: Path):
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            doc_id, text = str(row["_id"]), row["text"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DocumentError(f"line {lineno} is not a BEIR corpus record with _id and text ({exc})") from exc
        doc = clean(text, title=row.get("title") or "")
        yield _with(doc, id=doc_id, path=f"{path.name}#{doc_id}")


def iter_files(paths: Iterable[Path | str]) -> Iterable[Path]:
    """Expand folders recursively into files with a supported suffix; plain files are kept as given."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                              and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            yield p


def load_documents(paths: Iterable[Path | str]) -> tuple[list[Document], list[Skipped]]:
    """Load every supported file under ``paths``; files that fail are reported, never fatal."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for path in iter_files(paths):
        try:
            loaded = load_file(path)
        except DocumentError as exc:
            skipped.append(Skipped(str(path), str(exc)))
            log.warning("skipped %s: %s", path, exc)
            continue
        for doc in loaded:
            if doc.id in seen:  # same file name in two folders: keep both, distinguishable
                doc = _with(doc, id=f"{doc.id}~{len(seen)}")
            seen.add(doc.id)
            docs.append(doc)
    return docs, skipped
