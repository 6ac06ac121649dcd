"""A Scrapy item pipeline that keeps the article body of each scraped page (pip install 'newsbody[scrapy]').

    ITEM_PIPELINES = {"cleaner.integrations.scrapy.NewsbodyPipeline": 300}
    NEWSBODY_FIELD = "html"            # the item field holding the page: HTML str, or response.body bytes
    NEWSBODY_ENCODING_FIELD = "encoding"  # with bytes: the field holding response.encoding
    NEWSBODY_OUTPUT_FIELD = "text"     # where the article text goes
    NEWSBODY_PRESET = "balanced"       # precision | balanced | recall
    NEWSBODY_LANGUAGES = ["en", "tr"]  # keep only items whose article is in these languages
    NEWSBODY_DROP_EMPTY = False        # True: drop items with no article text, or that could not be cleaned

Cleaning is CPU-bound (~20 ms a typical news page) and runs synchronously in process_item, on the reactor
thread; ThreadedNewsbodyPipeline runs it in one worker thread instead, so downloads go on meanwhile, and
cleans the items that queue up meanwhile together.
"""
from __future__ import annotations

import functools
import logging
import queue
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ..api import Cleaner
from ..batch import CHUNK_PAGES, chunks, clean_record, cleaned_in_order
from ..decide import PRESETS, check_preset
from ..errors import NewsbodyError
from ..language import DEFAULT_LANGUAGES
from ..result import Result
from ..sources import Record
from . import missing_extra, page_record

try:
    from itemadapter import ItemAdapter
    from scrapy.exceptions import DropItem, NotConfigured
except ImportError:  # pragma: no cover - depends on the environment
    raise missing_extra("Scrapy", "scrapy") from None

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings as ScrapySettings

logger = logging.getLogger(__name__)
STATS_PREFIX = "newsbody"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class PipelineOptions:
    """The NEWSBODY_* settings, checked."""

    field: str = "html"
    output_field: str = "text"
    encoding_field: Optional[str] = "encoding"
    language_field: Optional[str] = "language"
    title_field: Optional[str] = "title"
    error_field: Optional[str] = "newsbody_error"
    preset: str = "balanced"
    comments: bool = False
    languages: Optional[frozenset[str]] = None
    drop_empty: bool = False
    delete_field: bool = False
    timeout: Optional[float] = None
    model: Optional[str] = None


def options_from_settings(settings: "ScrapySettings") -> PipelineOptions:
    """PipelineOptions from a crawler's settings; NotConfigured names the bad setting."""
    try:
        return PipelineOptions(
            field=_field_name(settings, "NEWSBODY_FIELD", "html", required=True),
            output_field=_field_name(settings, "NEWSBODY_OUTPUT_FIELD", "text", required=True),
            encoding_field=_field_name(settings, "NEWSBODY_ENCODING_FIELD", "encoding"),
            language_field=_field_name(settings, "NEWSBODY_LANGUAGE_FIELD", "language"),
            title_field=_field_name(settings, "NEWSBODY_TITLE_FIELD", "title"),
            error_field=_field_name(settings, "NEWSBODY_ERROR_FIELD", "newsbody_error"),
            preset=_preset(settings),
            comments=_flag(settings, "NEWSBODY_COMMENTS", False),
            languages=_languages(settings),
            drop_empty=_flag(settings, "NEWSBODY_DROP_EMPTY"),
            delete_field=_flag(settings, "NEWSBODY_DELETE_FIELD"),
            timeout=_timeout(settings),
            model=settings.get("NEWSBODY_MODEL") or None,
        )
    except (NewsbodyError, ValueError, TypeError) as e:
        raise NotConfigured(f"newsbody: {e}") from None


def _field_name(settings: "ScrapySettings", name: str, default: str, required: bool = False) -> Optional[str]:
    value = settings.get(name, default)
    if value in (None, "") and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must name an item field (a non-empty string), not {value!r}")
    return value.strip()


def _preset(settings: "ScrapySettings") -> str:
    value = settings.get("NEWSBODY_PRESET", "balanced")
    if not isinstance(value, str):
        raise ValueError(f"NEWSBODY_PRESET must be one of {', '.join(PRESETS)}, not {value!r}")
    return check_preset(value.strip().lower())


def _languages(settings: "ScrapySettings") -> Optional[frozenset[str]]:
    codes = [str(c).strip().lower() for c in settings.getlist("NEWSBODY_LANGUAGES") if str(c).strip()]
    if not codes:
        return None
    unknown = [c for c in codes if not _LANGUAGE_CODE.match(c) or c not in DEFAULT_LANGUAGES]
    if unknown:
        raise ValueError(f"NEWSBODY_LANGUAGES has codes newsbody never answers: {', '.join(unknown)}; give ISO "
                         f"639-1 codes among {', '.join(DEFAULT_LANGUAGES)}")
    return frozenset(codes)


def _flag(settings: "ScrapySettings", name: str, default: bool = False) -> bool:
    try:
        return settings.getbool(name, default)
    except ValueError:
        raise ValueError(f"{name} must be True or False, not {settings.get(name)!r}") from None


def _timeout(settings: "ScrapySettings") -> Optional[float]:
    value = settings.get("NEWSBODY_TIMEOUT")
    if value in (None, "", 0, "0"):
        return None
    seconds = settings.getfloat("NEWSBODY_TIMEOUT")
    if not seconds > 0:
        raise ValueError(f"NEWSBODY_TIMEOUT must be a positive number of CPU seconds, not {value!r}")
    return seconds


@functools.lru_cache(maxsize=4)
def _shared_cleaner(model: Optional[str], preset: str, comments: bool = False) -> Cleaner:
    """One loaded model per (model, preset, comments) in this process, whatever the number of crawlers."""
    return Cleaner(model, preset=preset, comments=comments)


class NewsbodyPipeline:
    """Cleans the page in each item's NEWSBODY_FIELD and stores the article text in NEWSBODY_OUTPUT_FIELD."""

    def __init__(self, options: PipelineOptions = PipelineOptions(), stats: Any = None,
                 cleaner: Optional[Cleaner] = None):
        self.options = options
        self.stats = stats
        self.cleaner = cleaner if cleaner is not None else _shared_cleaner(options.model, options.preset, options.comments)
        self._warned_no_page = False

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "NewsbodyPipeline":
        """Build the pipeline from the crawler's NEWSBODY_* settings (NotConfigured when one is wrong)."""
        options = options_from_settings(crawler.settings)
        try:
            cleaner = _shared_cleaner(options.model, options.preset, options.comments)
        except NewsbodyError as e:  # a missing or incompatible NEWSBODY_MODEL
            raise NotConfigured(f"newsbody: {e}") from None
        return cls(options, crawler.stats, cleaner)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Clean one item's page; return the item with its text, or raise DropItem saying why."""
        adapter = ItemAdapter(item)
        record = self.record_for(adapter)
        if record is None:
            return item
        return self.finish(item, self.clean(record))

    def record_for(self, adapter: ItemAdapter) -> Optional[Record]:
        """The page of an item as a Record, or None (item passed on untouched) when it has none."""
        page = adapter.get(self.options.field)
        if page is None:
            self._inc("items/no_page")
            if not self._warned_no_page:
                self._warned_no_page = True
                logger.warning("newsbody: an item has no %r field (NEWSBODY_FIELD); such items pass through "
                               "uncleaned (counted in %s/items/no_page)", self.options.field, STATS_PREFIX)
            return None
        charset = adapter.get(self.options.encoding_field) if self.options.encoding_field else None
        url = adapter.get("url")
        return page_record(page, id=str(url or "item"), url=url, charset=charset, field=self.options.field)

    def clean(self, record: Record) -> Result:
        """The Result of one record; never raises for a bad page (Result.error says why)."""
        return clean_record(self.cleaner, record, self.options.timeout)

    def finish(self, item: Any, result: Result) -> Any:
        """Count the result, drop the item if the settings say so, else write the output fields into it."""
        self._count(result)
        reason = self.drop_reason(result)
        if reason is not None:
            self._inc("items/dropped")
            self._inc(f"items/dropped/{reason[0]}")
            raise DropItem(reason[1])
        self._store(ItemAdapter(item), result)
        self._inc("items/kept")
        if result.language:
            self._inc(f"items/language/{result.language}")
        return item

    def drop_reason(self, result: Result) -> Optional[tuple[str, str]]:
        """(stats key, message) when the item must be dropped, else None."""
        where = result.url or "the page"
        if not result.ok:
            return ("error", f"newsbody could not clean {where}: {result.error}") if self.options.drop_empty else None
        if self.options.drop_empty and not result.text:
            return "empty", f"newsbody found no article text in {where} (NEWSBODY_DROP_EMPTY)"
        if self.options.languages is not None and result.language not in self.options.languages:
            wanted = ", ".join(sorted(self.options.languages))
            return "language", f"newsbody: {where} is in {result.language or 'an unknown language'}, not in " \
                               f"NEWSBODY_LANGUAGES ({wanted})"
        return None

    def _store(self, adapter: ItemAdapter, result: Result) -> None:
        opts = self.options
        _set(adapter, opts.output_field, result.text, required=True)
        if opts.language_field:
            _set(adapter, opts.language_field, result.language)
        if opts.title_field and not adapter.get(opts.title_field) and result.title:
            _set(adapter, opts.title_field, result.title)  # a title the spider scraped is kept
        if opts.error_field and result.error:
            _set(adapter, opts.error_field, result.error)
        if opts.delete_field and opts.field != opts.output_field and opts.field in adapter:
            del adapter[opts.field]

    def _count(self, result: Result) -> None:
        self._inc("items/processed")
        if not result.ok:
            self._inc("items/error")
        elif not result.text:
            self._inc("items/empty")
        kept = sum(1 for p in result.paragraphs if p.keep)
        self._inc("paragraphs/kept", kept)
        self._inc("paragraphs/dropped", len(result.paragraphs) - kept)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"{STATS_PREFIX}/{key}", count)


def _set(adapter: ItemAdapter, field: str, value: Any, required: bool = False) -> None:
    """Set a field; a scrapy.Item that does not declare an optional field simply does not get it."""
    try:
        adapter[field] = value
    except KeyError:
        if required:
            raise KeyError(f"newsbody: the item class {type(adapter.item).__name__} declares no {field!r} field "
                           f"for the article text; add `{field} = scrapy.Field()` or set NEWSBODY_OUTPUT_FIELD") from None


class ThreadedNewsbodyPipeline(NewsbodyPipeline):
    """NewsbodyPipeline that cleans in one worker thread, so the reactor keeps downloading meanwhile.

    Items that wait together are cleaned together: the thread takes every item queued since its last
    chunk (up to `batch_pages`) and sends them through the batch path (cleaner.batch.cleaned_in_order),
    which runs the features and the model once over them. Each item's Result is the one `Cleaner.clean`
    gives its page, and it is handed back as soon as it is done. An item that arrives while the thread
    is idle is cleaned at once, alone, so a slow crawl waits for nothing; under load, when items queue
    up, the fixed cost per model call is shared (bench/scrapy_batch.py measures it).

    One thread at a time cleans (the GIL would serialise more anyway); NEWSBODY_TIMEOUT does not apply
    there, since a CPU-time limit needs the main thread.
    """

    batch_pages: int = CHUNK_PAGES  # at most this many queued items per chunk; 1 cleans item by item

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._queue: "queue.SimpleQueue[Optional[tuple[Record, Any]]]" = queue.SimpleQueue()
        self._thread: Optional[threading.Thread] = None

    def open_spider(self, spider: Any = None) -> None:
        """Start the cleaning thread."""
        if self.options.timeout is not None:
            logger.warning("newsbody: NEWSBODY_TIMEOUT does not apply in ThreadedNewsbodyPipeline (a CPU-time "
                           "limit needs the main thread); use NewsbodyPipeline to enforce it")
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="newsbody", daemon=True)
            self._thread.start()

    def close_spider(self, spider: Any = None) -> None:
        """Stop the cleaning thread once the items queued before are cleaned."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        """Clean one item's page in the worker thread; return the item or raise DropItem."""
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet.defer import Deferred
        record = self.record_for(ItemAdapter(item))
        if record is None:
            return item
        if self._thread is None:  # used outside a crawl: clean here
            return self.finish(item, self.clean(record))
        done: Deferred = Deferred()
        self._queue.put((record, done))
        return self.finish(item, await maybe_deferred_to_future(done))

    def _work(self) -> None:
        """The cleaning thread: chunks of the queued items, until close_spider's None."""
        from twisted.internet import reactor
        from twisted.python.failure import Failure
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            waiting = [first]
            while len(waiting) < self.batch_pages:
                try:
                    queued = self._queue.get_nowait()
                except queue.Empty:
                    break
                if queued is None:
                    stopping = True
                    break
                waiting.append(queued)
            pending = iter(done for _, done in waiting)
            try:
                for chunk in chunks(record for record, _ in waiting):
                    reactor.callFromThread(self._inc, "chunks")
                    for result in cleaned_in_order(self.cleaner, chunk, self.options.timeout):
                        reactor.callFromThread(next(pending).callback, result)
            except Exception:  # noqa: BLE001 - a bug of ours: fail these items, not the thread
                failure = Failure()
                for done in pending:
                    reactor.callFromThread(done.errback, failure)
