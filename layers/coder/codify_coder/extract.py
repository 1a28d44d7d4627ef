"""Stage 1, extract: a `Document` from PDF bytes, bounded in size, pages, objects, inflated bytes and time.

The PDF comes from an untrusted client, so every way a file can make a parser spin or allocate is capped
(`PdfLimits`, each a setting) and every failure becomes one of a small hierarchy of domain errors
(`PdfRejected` and its subclasses) with a message that names the limit, never the note's text, and a
short `reason` tag. The library knows nothing of HTTP: the service maps these classes to statuses.

Defences and where they live (the error raised):
  * size                 -> `max_bytes`, checked before parsing (PdfTooLarge).
  * not a PDF            -> no `%PDF-` header in the first 1 KiB (NotPdf).
  * truncated / garbage  -> pypdf errors, zero pages, recursion errors (PdfCorrupt).
  * encrypted            -> a PDF whose *user* password is empty (owner-password-only "restrictions" PDFs,
                            common from EHR exports) is decrypted and coded, since any reader opens it
                            without a prompt; one that needs a password is refused (PdfEncrypted). AES needs
                            the `cryptography` package; without it such a PDF is refused too.
  * xref loops, deep nesting, object floods -> pypdf's own guards + `max_objects` + RecursionError
                            (PdfCorrupt, or PdfTooLarge for floods).
  * decompression bombs  -> pypdf's `Configuration` caps each stream's inflated output at
                            `max_stream_inflated_bytes`; `max_total_inflated_bytes` caps the page content
                            decoded across the document (PdfTooLarge).
  * thousands of pages   -> `max_pages`, checked on the declared /Count before the page tree is walked
                            (PdfTooLarge).
  * wall time            -> a `Deadline` (injected, or `max_seconds` from now) checked cooperatively: between
                            pages, every few hundred tokens while a page's content stream is parsed, and every
                            few hundred operators while its text is laid out (PdfTimeout). No signal handler
                            and no thread: it works the same on any thread, and a test can inject a clock.
                            pypdf's per-stream limits bound each step between two checks.
  * JavaScript, embedded files, forms -> never executed or extracted; reported in `warnings`.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from .deadline import Deadline
from .types import Document, PageSpan

PAGE_SEPARATOR = "\n\n"  # a paragraph break: sentences never run across pages
CHECK_EVERY = 256  # tokens or operators between two deadline checks inside one page (~1 ms of work)


@dataclass(frozen=True, slots=True)
class PdfLimits:
    """Resource limits for one PDF. The service builds this from its settings (PDF_MAX_* variables)."""

    max_bytes: int = 5 * 1024 * 1024  # 5 MiB: the upload policy's limit too
    max_pages: int = 300  # clinical documents are a few pages; 300 covers a long discharge bundle
    max_objects: int = 200_000  # xref entries (declared /Size and parsed table)
    max_stream_inflated_bytes: int = 16 * 1024 * 1024  # one decoded stream (pypdf's default is 75 MB)
    max_total_inflated_bytes: int = 64 * 1024 * 1024  # page content decoded across the document
    max_seconds: float = 10.0  # wall time of the whole extraction
    # Extracted text (characters): what the coder is handed, so it bounds coding time as the API's 51,200-byte
    # text limit does. 200,000 is ~4x that limit (~60 dense pages) and codes in a few seconds, linear in the
    # text (tests/unit/coder/test_adversarial.py); it was 2,000,000 (39x, ~40x the coding time). Above it the
    # PDF is refused (413 "text_too_long") rather than truncated: codes from part of a document, with only a
    # warning to say so, would read as the coding of the whole document.
    max_text_chars: int = 200_000
    allow_empty_password: bool = True  # decrypt PDFs that open without a password (see module doc)


# ---------------------------------------------------------------- domain errors


class PdfRejected(Exception):
    """A PDF that will not be coded. `message` is safe to show (it names a limit, never document text);
    `reason` is a short machine tag for audit records and metrics ("encrypted", "too_many_pages"...)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class NotPdf(PdfRejected):
    """The bytes are not a PDF at all."""


class PdfTooLarge(PdfRejected):
    """The file, or what it expands to (pages, objects, inflated streams, text, memory), is over a limit."""


class PdfUnreadable(PdfRejected):
    """A PDF whose text cannot be read."""


class PdfCorrupt(PdfUnreadable):
    """Damaged, malformed, self-referencing or too deeply nested; or no pages."""


class PdfEncrypted(PdfUnreadable):
    """Needs a password, or a cipher this build cannot decrypt."""


class PdfTimeout(PdfUnreadable):
    """Reading it took longer than its deadline."""


class PdfNoText(PdfUnreadable):
    """Readable, but no text to code (no text layer, and OCR off or empty). Raised by the caller, which
    decides about OCR."""


class _Timeout(BaseException):
    """BaseException so that pypdf's broad `except Exception` recovery paths cannot swallow the deadline."""


def _check(deadline: Deadline) -> None:
    if deadline.expired():
        raise _Timeout


# ---------------------------------------------------------------- public API


def extract_pdf(data: bytes, limits: PdfLimits | None = None, deadline: Deadline | None = None) -> Document:
    """Text of every page joined by PAGE_SEPARATOR; `pages` holds one exact span per page (empty pages get
    a zero-length span, so OCR text can be merged in later); `warnings` lists pages with no text layer and
    active content that was ignored. `deadline` defaults to `limits.max_seconds` from now.
    Raises a PdfRejected subclass."""
    limits = limits or PdfLimits()
    if len(data) > limits.max_bytes:
        raise PdfTooLarge(
            f"PDF is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes.", reason="too_large"
        )
    if not is_pdf(data):
        raise NotPdf("The file is not a PDF (no %PDF- header).", reason="not_pdf")
    deadline = deadline or Deadline(limits.max_seconds)
    try:
        with _quiet_pypdf(), _pypdf_limits(limits):
            return _extract(data, limits, deadline)
    except PdfRejected:
        raise
    except _Timeout:
        raise _timeout(deadline) from None
    except RecursionError:
        raise PdfCorrupt("PDF structure is nested too deeply to read.", reason="nesting") from None
    except MemoryError:
        raise PdfTooLarge("PDF needs more memory to read than allowed.", reason="memory") from None
    # pypdf raises many types (PdfReadError, ValueError, KeyError, struct.error...) on bad input
    except Exception as exc:  # noqa: BLE001
        if deadline.expired():  # the deadline passed inside pypdf, which wrapped our signal in its own error
            raise _timeout(deadline) from None
        raise _from_pypdf_error(exc, limits) from None


def _timeout(deadline: Deadline) -> PdfTimeout:
    return PdfTimeout(f"PDF processing exceeded the time limit of {deadline.seconds:g} s.", reason="timeout")


def is_pdf(data: bytes) -> bool:
    """PDF readers accept the header anywhere in the first 1024 bytes (ISO 32000 implementation note)."""
    return b"%PDF-" in data[:1024]


def pages_needing_ocr(document: Document) -> list[int]:
    """1-based numbers of pages that had no text layer."""
    return [span.page for span in document.pages if span.start == span.end]


def merge_ocr(document: Document, lines_by_page: Mapping[int, Sequence[str]]) -> Document:
    """Put OCR lines into the pages that had no text, rebuilding text and spans in page order.

    Pages that already had text keep it (OCR output for them is ignored). Warnings about pages that got OCR
    text are replaced by an "OCR" note; pages still empty keep their warning."""
    parts: list[str] = []
    spans: list[PageSpan] = []
    ocr_pages: list[int] = []
    offset = 0
    for i, span in enumerate(document.pages):
        if i:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        page_text = document.text[span.start : span.end]
        if not page_text:
            lines = [_clean(line).strip() for line in lines_by_page.get(span.page, ())]
            page_text = "\n".join(line for line in lines if line)
            if page_text:
                ocr_pages.append(span.page)
        parts.append(page_text)
        spans.append(PageSpan(page=span.page, start=offset, end=offset + len(page_text)))
        offset += len(page_text)
    done = set(ocr_pages)
    warnings = [w for w in document.warnings if _warning_page(w) not in done]
    if ocr_pages:
        warnings.append(f"text of page(s) {_ranges(ocr_pages)} comes from OCR")
    return Document(text="".join(parts), type="pdf", pages=tuple(spans), warnings=tuple(warnings))


def no_text_warning(page: int) -> str:
    return f"page {page} has no text layer"


# ---------------------------------------------------------------- internals

_NO_TEXT_RE = re.compile(r"^page (\d+) has no text layer$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _warning_page(warning: str) -> int | None:
    m = _NO_TEXT_RE.match(warning)
    return int(m.group(1)) if m else None


def _clean(text: str) -> str:
    # Control characters (NUL, form feed...) from odd font encodings would break sentence splitting and
    # JSON consumers; replace one-for-one so nothing else moves.
    return _CONTROL_RE.sub(" ", text)


def _ranges(pages: Sequence[int]) -> str:
    return ", ".join(str(p) for p in pages)


def _extract(data: bytes, limits: PdfLimits, deadline: Deadline) -> Document:
    from pypdf import PdfReader

    reader = PdfReader(
        io.BytesIO(data),
        strict=False,
        root_object_recovery_limit=min(limits.max_objects, 10_000),
        xref_stream_maximum_entries=limits.max_objects,
    )
    warnings: list[str] = []
    _check_objects(reader, limits)
    if reader.is_encrypted:
        _decrypt(reader, limits)
        warnings.append("PDF was encrypted with an empty user password; it was decrypted to read it")
    _check(deadline)

    declared = _declared_page_count(reader)
    if declared is not None and declared > limits.max_pages:
        raise _too_many_pages(declared, limits)
    count = len(reader.pages)
    if count > limits.max_pages:
        raise _too_many_pages(count, limits)
    if count == 0:
        raise PdfCorrupt("PDF has no pages.", reason="no_pages")
    warnings.extend(_active_content_warnings(reader))

    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    inflated = 0
    ticks = _Ticks(deadline)
    for index in range(count):
        _check(deadline)
        page = reader.pages[index]
        contents = page.get_contents()
        if contents is not None:
            # Decoding is cached on the stream objects, so the text extraction below reuses these bytes.
            inflated += len(contents.get_data())
            if inflated > limits.max_total_inflated_bytes:
                raise PdfTooLarge(
                    f"PDF page content inflates to more than {limits.max_total_inflated_bytes:,} bytes "
                    f"(limit reached at page {index + 1}).",
                    reason="inflated_total",
                )
            _watch_parsing(page, contents, reader, ticks)
        text = (
            _clean(page.extract_text(visitor_operand_before=ticks.visit) or "")
            if contents is not None
            else ""
        )
        if not text.strip():
            text = ""
            warnings.append(no_text_warning(index + 1))
        if index:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(text)
        spans.append(PageSpan(page=index + 1, start=offset, end=offset + len(text)))
        offset += len(text)
        if offset > limits.max_text_chars:
            raise PdfTooLarge(
                f"PDF text exceeds {limits.max_text_chars:,} characters.", reason="text_too_long"
            )
    _check(deadline)
    return Document(text="".join(parts), type="pdf", pages=tuple(spans), warnings=tuple(warnings))


class _Ticks:
    """Checks the deadline every CHECK_EVERY calls: cheap enough to call per token or per operator."""

    __slots__ = ("count", "deadline")

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self.count % CHECK_EVERY == 0:
            _check(self.deadline)

    def visit(self, operator: Any, operands: Any, cm: Any, tm: Any) -> None:  # pypdf's visitor signature
        self.tick()


def _watch_parsing(page: Any, contents: Any, reader: Any, ticks: _Ticks) -> None:
    """Give the page a content stream that checks the deadline while it is tokenized: pypdf parses the whole
    stream before the first operator reaches a visitor, and a hostile page can take seconds to parse.
    Only this reader's in-memory page object is changed."""
    from pypdf.generic import NameObject

    watched = _watched_stream_class()(contents, reader, "bytes")
    watched.ticks = ticks
    page[NameObject("/Contents")] = watched


@cache
def _watched_stream_class() -> type:
    from pypdf.generic import ContentStream

    class WatchedContentStream(ContentStream):
        ticks: _Ticks

        # pypdf calls _check_limits once per token while parsing (its own per-stream token budget).
        def _check_limits(self, **kwargs: Any) -> Any:  # type: ignore[override]
            self.ticks.tick()
            return ContentStream._check_limits(**kwargs)

    return WatchedContentStream


def _check_objects(reader, limits: PdfLimits) -> None:
    declared = reader.trailer.get("/Size")
    try:
        declared = int(declared) if declared is not None else 0
    except (TypeError, ValueError):
        declared = 0
    parsed = sum(len(v) for v in reader.xref.values()) + len(reader.xref_objStm)
    n = max(declared, parsed)
    if n > limits.max_objects:
        raise PdfTooLarge(
            f"PDF declares {n:,} objects; the limit is {limits.max_objects:,}.", reason="too_many_objects"
        )


def _decrypt(reader, limits: PdfLimits) -> None:
    from pypdf.errors import DependencyError

    refused = PdfEncrypted("PDF is encrypted with a password; send an unencrypted copy.", reason="encrypted")
    if not limits.allow_empty_password:
        raise refused
    try:
        result = reader.decrypt("")
    except DependencyError:
        raise PdfEncrypted(
            "PDF is encrypted with a cipher this service cannot decrypt; send an unencrypted copy.",
            reason="encrypted_unsupported",
        ) from None
    except NotImplementedError:
        raise PdfEncrypted(
            "PDF uses an unsupported encryption method; send an unencrypted copy.",
            reason="encrypted_unsupported",
        ) from None
    if not result:  # PasswordType.NOT_DECRYPTED == 0
        raise refused


def _declared_page_count(reader) -> int | None:
    try:
        count = reader.trailer["/Root"].get_object()["/Pages"].get_object().get("/Count")
        return int(count) if count is not None else None
    except Exception:  # noqa: BLE001 - a broken catalog is reported by the full page walk that follows
        return None


def _too_many_pages(n: int, limits: PdfLimits) -> PdfTooLarge:
    return PdfTooLarge(f"PDF has {n:,} pages; the limit is {limits.max_pages:,}.", reason="too_many_pages")


def _active_content_warnings(reader) -> list[str]:
    """Report (never run or extract) JavaScript, embedded files and launch actions."""
    found: list[str] = []
    try:
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        open_action: Any = root.get("/OpenAction")
        open_action = open_action.get_object() if open_action is not None else None
        has_js = "/JavaScript" in names or (
            hasattr(open_action, "get") and open_action.get("/S") in ("/JavaScript", "/Launch")
        )
        if "/AA" in root:
            has_js = True
        if has_js:
            found.append("PDF contains JavaScript or automatic actions; they were ignored")
        if "/EmbeddedFiles" in names:
            found.append("PDF contains embedded files; they were ignored")
        if "/AcroForm" in root:
            found.append("PDF contains form fields; only page text was read")
    except Exception:  # noqa: BLE001 - reporting is best effort; a broken catalog must not refuse a readable file
        return found
    return found


def _loop() -> PdfCorrupt:
    return PdfCorrupt("PDF structure refers to itself in a loop and cannot be read.", reason="loop")


def _from_pypdf_error(exc: Exception, limits: PdfLimits) -> PdfRejected:
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    if isinstance(exc, LimitReachedError):
        # pypdf's limit messages are structural ("Detected cycle in /Pages hierarchy", "... exceeds ...");
        # they are classified here, not echoed, so a future message can never carry document bytes out.
        detail = str(exc).lower()
        if "cycle" in detail or "loop" in detail or "circular" in detail:
            return _loop()
        if "page tree" in detail:
            return PdfTooLarge(
                f"PDF page tree is larger than allowed; the page limit is {limits.max_pages:,}.",
                reason="too_many_pages",
            )
        if "xref" in detail or "object" in detail or "root" in detail:
            return PdfTooLarge(
                f"PDF has more objects than allowed; the limit is {limits.max_objects:,}.",
                reason="too_many_objects",
            )
        return PdfTooLarge(
            "PDF exceeds a decoding limit (a stream inflates to more than "
            f"{limits.max_stream_inflated_bytes:,} bytes, or has too many elements or filters).",
            reason="inflated_stream",
        )
    if isinstance(exc.__cause__, RecursionError) or isinstance(exc.__context__, RecursionError):
        return PdfCorrupt("PDF structure is nested too deeply to read.", reason="nesting")
    if any(word in str(exc).lower() for word in ("cyclic", "circular", "loop")):
        return _loop()
    if isinstance(exc, FileNotDecryptedError):
        return PdfEncrypted("PDF is encrypted with a password; send an unencrypted copy.", reason="encrypted")
    # Only the exception type is kept: pypdf messages can quote document bytes.
    return PdfCorrupt(
        f"PDF is damaged or malformed and cannot be read ({type(exc).__name__}).", reason="malformed"
    )


@contextmanager
def _pypdf_limits(limits: PdfLimits) -> Iterator[None]:
    """pypdf keeps its limits in a context-local Configuration (pypdf >= 6.18; the layer pins 7.x)."""
    from pypdf import apply_configuration

    cap = limits.max_stream_inflated_bytes
    with apply_configuration(
        maximum_declared_stream_length=cap,
        array_based_stream_maximum_output_length=cap,
        zlib_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        image_maximum_buffer_size=cap,
        stream_decoding_work_maximum_length=4 * cap,
        # Content-stream tokens per stream: a dense real page has ~20k; pypdf's 2M default lets one page
        # parse for seconds between two deadline checks of a plain ContentStream (form XObjects).
        stream_parsing_work_maximum_count=500_000,
        page_tree_maximum_entries=max(limits.max_pages * 4, 1_000),
        jbig2dec_binary=None,  # never shell out to an external decoder on untrusted input
    ):
        yield


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs recovery chatter ("EOF marker not found") at WARNING for every broken file; on hostile
    input that is noise at best and, for some messages, a quote of document bytes. Only errors pass."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
