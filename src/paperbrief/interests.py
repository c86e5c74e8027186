"""The reader's library: the `papers` of `[interests]`, as entries with a title and an abstract.

`papers` holds arXiv ids and/or paths of files: a BibTeX file (`.bib`, also Zotero's and
Better BibTeX's exports) or a Zotero CSV export (`.csv`). Each file entry becomes a
`LibraryEntry` (title, abstract, authors, arXiv id when the entry names one); an arXiv id
listed on its own is looked up in the store (papers listed on a stored day) and, when a
fetcher is given, on Hugging Face's paper API. Nothing here needs the network otherwise.

The parsers are tolerant: an entry without a title is skipped, LaTeX markup in titles
(`{GPT}`, `\\emph{x}`, `\\"o`) is reduced to text, unknown fields are ignored.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperbrief.readers.ids import parse_arxiv_url, parse_id


class LibraryError(Exception):
    """A library file that can't be read; the message is one line naming the file."""


@dataclass
class LibraryEntry:
    """One paper of the reader's library."""

    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    key: str = ""  # the BibTeX key, Zotero key or arXiv id: how the reader knows the entry
    origin: str = ""  # the file (or "arXiv id") the entry came from

    @property
    def text(self) -> str:
        """What similarity is computed on: title and abstract."""
        return f"{self.title}\n{self.abstract}".strip()

    @property
    def label(self) -> str:
        return self.arxiv_id or self.key or self.title[:60]


@dataclass
class Library:
    entries: list[LibraryEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        from paperbrief.store import content_hash

        return content_hash(*(e.text for e in self.entries))[:16]


def looks_like_arxiv_id(text: str) -> bool:
    """`2401.12345`, `arXiv:2401.12345v2` or `hep-th/9901001` (not a file path)."""
    text = text.strip()
    return parse_id(text) is not None and not text.lower().endswith((".bib", ".csv", ".bibtex"))


# --- BibTeX ----------------------------------------------------------------------

_LATEX_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
                  ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328"}
_LATEX_SYMBOLS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł",
                  "i": "ı", "&": "&", "%": "%", "_": "_", "#": "#", "$": "$"}
_ARXIV_IN_TEXT = re.compile(r"(?:arxiv[:\s./]*(?:abs/)?)(\d{4}\.\d{4,5})(?:v\d+)?", re.I)


_ACCENT = re.compile(r"\\([\'`^\"~=.uvHck])\s*\{?([A-Za-z])\}?")
_SYMBOL = re.compile(r"\\(ss|ae|AE|aa|AA|o|O|l|L|i)\b\s*")
_ESCAPED = re.compile(r"\\([&%_#$])")
_COMMAND_ARG = re.compile(r"\\[A-Za-z]+\*?\s*\{([^{}]*)\}")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_SPACES = re.compile(r"\s+")


def latex_to_text(value: str) -> str:
    """BibTeX field text as plain text: braces, accents, simple commands and `--` reduced."""
    s = value
    if "\\" in s:
        # accents: \'e, \'{e}, {\'e}, \"{o}
        s = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _LATEX_ACCENTS[m.group(1)]), s)
        s = _SYMBOL.sub(lambda m: _LATEX_SYMBOLS[m.group(1)], s)
        s = _ESCAPED.sub(lambda m: m.group(1), s)
        # \emph{x}, \textbf{x}, \mathrm{x} -> x; other commands dropped
        s = _COMMAND_ARG.sub(r"\1", s)
        s = _COMMAND.sub("", s)
    s = s.replace("{", "").replace("}", "").replace("~", " ").replace("---", "—").replace("--", "–")
    s = s.replace("$", "")
    return _SPACES.sub(" ", s).strip()


_BRACES = re.compile(r"\\.|[{}]", re.S)
_QUOTED = re.compile(r'\\.|[{}"]', re.S)
_BARE = re.compile(r"[^,}\s#]+")


def _read_value(text: str, pos: int) -> tuple[str, int]:
    """One field value at `pos`: {braced}, "quoted", a number or a @string name; `#` concatenations joined."""
    parts: list[str] = []
    n = len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        ch = text[pos]
        if ch == "{":
            start, depth, pos = pos, 0, n
            for m in _BRACES.finditer(text, start):
                if m.group() == "{":
                    depth += 1
                elif m.group() == "}":
                    depth -= 1
                    if depth == 0:
                        pos = m.start()
                        break
            parts.append(text[start + 1 : pos])
            pos += 1
        elif ch == '"':
            start, depth, pos = pos + 1, 0, n
            for m in _QUOTED.finditer(text, start):
                if m.group() == "{":
                    depth += 1
                elif m.group() == "}":
                    depth -= 1
                elif m.group() == '"' and depth == 0:
                    pos = m.start()
                    break
            parts.append(text[start:pos])
            pos += 1
        else:
            bare = _BARE.match(text, pos)
            if not bare:
                break
            parts.append(bare.group(0))
            pos = bare.end()
        while pos < n and text[pos].isspace():
            pos += 1
        if pos < n and text[pos] == "#":
            pos += 1
            continue
        break
    return "".join(parts), pos


_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_FIELD_NAME = re.compile(r"\s*,?\s*([A-Za-z][\w\-:.]*)\s*=\s*")
_KEY = re.compile(r"\s*([^,\s]*)\s*,")
_CLOSE = re.compile(r"\s*,?\s*[})]")


def parse_bibtex(text: str) -> list[dict[str, str]]:
    """The entries of a BibTeX file as dicts of lower-case field names (plus `ENTRYTYPE` and `ID`)."""
    entries: list[dict[str, str]] = []
    pos = 0
    while True:
        m = _ENTRY_START.search(text, pos)
        if not m:
            break
        kind = m.group(1).lower()
        pos = m.end()
        if kind in ("comment", "preamble", "string"):
            _, pos = _read_value(text, m.end() - 1)  # skip the braced body
            continue
        key_m = _KEY.match(text, pos)
        if not key_m:
            continue
        entry = {"ENTRYTYPE": kind, "ID": key_m.group(1)}
        pos = key_m.end()
        while True:
            fm = _FIELD_NAME.match(text, pos)
            if not fm:
                break
            value, pos = _read_value(text, fm.end())
            entry[fm.group(1).lower()] = value
        close = _CLOSE.match(text, pos)
        pos = close.end() if close else pos + 1
        entries.append(entry)
    return entries


def _arxiv_of(fields: dict[str, str]) -> str | None:
    """The arXiv id an entry names: eprint (with archivePrefix arXiv), an arXiv URL or DOI, or `arXiv:` text."""
    eprint = fields.get("eprint", "").strip()
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    if eprint and prefix == "arxiv":
        parsed = parse_id(eprint)
        if parsed:
            return parsed.id
    for name in ("url", "link"):
        parsed = parse_arxiv_url(fields.get(name, ""))
        if parsed:
            return parsed.id
    doi = fields.get("doi", "")
    m = re.search(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})", doi, re.I)
    if m:
        return m.group(1)
    for name in ("journal", "journaltitle", "note", "extra", "howpublished", "archiveid", "arxivid", "arxiv"):
        value = fields.get(name, "")
        m = _ARXIV_IN_TEXT.search(value) or (re.fullmatch(r"\s*(\d{4}\.\d{4,5})(?:v\d+)?\s*", value)
                                            if name in ("arxivid", "arxiv", "archiveid") else None)
        if m:
            return m.group(1)
    return None


def _bib_authors(value: str) -> list[str]:
    out = []
    for name in re.split(r"\s+and\s+", latex_to_text(value)):
        name = name.strip()
        if not name or name.lower() == "others":
            continue
        if "," in name:  # "Last, First"
            last, first = name.split(",", 1)
            name = f"{first.strip()} {last.strip()}".strip()
        out.append(name)
    return out


def bibtex_entries(text: str, origin: str = "") -> list[LibraryEntry]:
    """Library entries from BibTeX text (entries without a title are skipped)."""
    out = []
    for fields in parse_bibtex(text):
        title = latex_to_text(fields.get("title", ""))
        if not title:
            continue
        out.append(LibraryEntry(
            title=title,
            abstract=latex_to_text(fields.get("abstract", "")),
            authors=_bib_authors(fields.get("author", "")),
            arxiv_id=_arxiv_of(fields),
            key=fields.get("ID", ""),
            origin=origin,
        ))
    return out


# --- Zotero CSV ---------------------------------------------------------------------


def zotero_csv_entries(text: str, origin: str = "") -> list[LibraryEntry]:
    """Library entries from a Zotero CSV export (columns Key, Title, Author, Abstract Note, Url, DOI, Extra)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or "Title" not in reader.fieldnames:
        raise LibraryError(f"{origin}: not a Zotero CSV export (no 'Title' column)")
    out = []
    for row in reader:
        title = (row.get("Title") or "").strip()
        if not title:
            continue
        fields = {"url": row.get("Url") or "", "doi": row.get("DOI") or "", "extra": row.get("Extra") or "",
                  "journal": row.get("Publication Title") or "", "archiveid": row.get("Archive Location") or ""}
        authors = []
        for name in (row.get("Author") or "").split(";"):
            name = name.strip()
            if "," in name:
                last, first = name.split(",", 1)
                name = f"{first.strip()} {last.strip()}".strip()
            if name:
                authors.append(name)
        out.append(LibraryEntry(
            title=re.sub(r"\s+", " ", title),
            abstract=re.sub(r"\s+", " ", row.get("Abstract Note") or "").strip(),
            authors=authors,
            arxiv_id=_arxiv_of(fields),
            key=(row.get("Key") or "").strip(),
            origin=origin,
        ))
    return out


def read_library_file(path: Path) -> list[LibraryEntry]:
    """The entries of one library file, chosen by content (a CSV header or BibTeX `@entries`)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LibraryError(f"library file {path} (interests.papers) does not exist") from None
    except OSError as e:
        raise LibraryError(f"library file {path} (interests.papers) can't be read: {e.strerror or e}") from None
    text = raw.decode("utf-8", errors="replace")
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if path.suffix.lower() == ".csv" or (not head.startswith("@") and head.startswith(('"Key"', "Key,"))):
        return zotero_csv_entries(text, str(path))
    entries = bibtex_entries(text, str(path))
    if not entries and "@" not in text:
        raise LibraryError(f"library file {path} (interests.papers) is neither BibTeX nor a Zotero CSV export")
    return entries


def check_library_files(papers: Iterable[str]) -> None:
    """Read every library file of `papers` once, so a bad one stops a run before any work (LibraryError)."""
    for item in papers:
        if item.strip() and not looks_like_arxiv_id(item):
            read_library_file(Path(item.strip()).expanduser())


def load_library(papers: Iterable[str], *, lookup: Any = None) -> Library:
    """The library of `interests.papers`: files read, arXiv ids looked up with `lookup(id) -> entry | None`.

    A file that can't be read raises LibraryError (the reader asked for it); an arXiv id that can't be
    found becomes a warning. Entries naming the same arXiv id are kept once.
    """
    lib = Library()
    seen: set[str] = set()

    def add(entry: LibraryEntry) -> None:
        if entry.arxiv_id:
            if entry.arxiv_id in seen:
                return
            seen.add(entry.arxiv_id)
        lib.entries.append(entry)

    missing: list[str] = []
    for item in papers:
        item = item.strip()
        if not item:
            continue
        parsed = parse_id(item) if looks_like_arxiv_id(item) else None
        if parsed is not None:
            if parsed.id in seen:
                continue
            entry = lookup(parsed.id) if lookup else None
            if entry is None:
                missing.append(parsed.id)
            else:
                entry.arxiv_id, entry.key, entry.origin = parsed.id, parsed.id, "arXiv id"
                add(entry)
            continue
        for entry in read_library_file(Path(item).expanduser()):
            add(entry)
    missing = [m for m in missing if m not in seen]  # a file named it after all
    if missing:
        lib.warnings.append(
            f"interests.papers: no title or abstract known for {', '.join(missing)} (not in the store); "
            "they are left out of the similarity")
    return lib
