"""Clean a Ray Dataset of pages on a cluster (pip install 'newsbody[ray]').

    import ray
    from cleaner.integrations.ray import clean_dataset
    ds = ray.data.read_parquet("s3://bucket/pages/", columns=["id", "url", "html"])
    clean_dataset(ds, "html", keep_page=False).write_parquet("s3://bucket/clean/")

Each actor of the pool loads the model once and cleans batch after batch; a page that cannot be
cleaned gets an empty text and its reason in the `error` column (the job goes on).
"""
from __future__ import annotations

import os
from typing import Any, Iterator, Optional, Union

from ..api import Cleaner
from ..batch import chunks, clean_chunk
from ..errors import ConfigError
from ..result import Result
from ..sources import Record, iter_warc
from . import missing_extra, page_record

try:
    import pyarrow as pa
    import pyarrow.fs
    import ray.data
except ImportError:  # pragma: no cover - depends on the environment
    raise missing_extra("Ray Data", "ray") from None

OUTPUT_COLUMNS = ("text", "language", "title", "error")
DEFAULT_BATCH_SIZE = 32
WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_READ_BLOCKS = 4096  # one block (read task) per WARC file, up to this many


class CleanBatch:
    """A Ray Data actor: loads the model once, then cleans batch after batch (pyarrow tables)."""

    def __init__(self, spec: tuple, column: str, url_column: Optional[str], charset_column: Optional[str],
                 prefix: str = "", keep_page: bool = True):
        model, options = spec
        self.cleaner = Cleaner(model, **options)
        self.column, self.url_column, self.charset_column = column, url_column, charset_column
        self.prefix, self.keep_page = prefix, keep_page

    def __call__(self, batch: "pa.Table") -> "pa.Table":
        """The batch with the text, language, title and error columns added."""
        if self.column not in batch.column_names:
            raise ConfigError(f"the dataset has no column {self.column!r} (its columns: "
                              f"{', '.join(batch.column_names)}); pass the page column as column=")
        # The model runs once over each chunk of the batch's pages (cleaner/batch.py: clean_chunk).
        # No per-page CPU limit: Ray runs actor methods off the main thread, where signals cannot reach.
        records = [self.record(page, url, charset) for page, url, charset in self.rows(batch)]
        results = [result for chunk in chunks(records) for result in clean_chunk(self.cleaner, chunk)]
        if not self.keep_page:
            batch = batch.select([name for name in batch.column_names if name != self.column])
        return add_columns(batch, results, self.prefix)

    def rows(self, batch: "pa.Table") -> list[tuple[Any, Any, Any]]:
        """(page, url, charset) of each row."""
        n = batch.num_rows
        pages = batch.column(self.column).to_pylist()
        urls = _optional_column(batch, self.url_column, n)
        charsets = _optional_column(batch, self.charset_column, n)
        return list(zip(pages, urls, charsets))

    def record(self, page: Any, url: Any, charset: Any) -> Record:
        """One row as the Record the batch cleaner takes."""
        return page_record(page, id=str(url or ""), url=url, charset=charset, field=self.column)


def _optional_column(batch: "pa.Table", name: Optional[str], n: int) -> list[Any]:
    if name and name in batch.column_names:
        return batch.column(name).to_pylist()
    return [None] * n


def add_columns(batch: "pa.Table", results: list[Result], prefix: str = "") -> "pa.Table":
    """The table with text, language, title and error columns (replaced if already there)."""
    values = {"text": [r.text for r in results], "language": [r.language for r in results],
              "title": [r.title for r in results], "error": [r.error for r in results]}
    for name in OUTPUT_COLUMNS:
        column = pa.array(values[name], type=pa.string())
        full = prefix + name
        if full in batch.column_names:
            batch = batch.set_column(batch.column_names.index(full), full, column)
        else:
            batch = batch.append_column(full, column)
    return batch


def clean_dataset(ds: "ray.data.Dataset", column: str = "html", *, url_column: Optional[str] = "url",
                  charset_column: Optional[str] = None, model: Optional[str] = None,
                  actors: Union[int, tuple[int, int], None] = None,
                  batch_size: int = DEFAULT_BATCH_SIZE, num_cpus: float = 1, prefix: str = "",
                  keep_page: bool = True, **options: Any) -> "ray.data.Dataset":
    """ds with text, language, title and error columns: each row's `column` page cleaned by newsbody.

    column holds the page (HTML or text, str or bytes); charset_column, for bytes, the encoding the
    server declared. options are Cleaner's (preset, languages, lang_backend, max_bytes, ...).
    actors: a fixed pool size, a (min, max) autoscaling range, or None (1 to as many as the CPUs
    allow; a fixed pool as large as the cluster starves the steps after it, such as writing).
    prefix names the new columns (e.g. "newsbody_") when the dataset already has a title.
    keep_page=False leaves the page column out of the output (the bulk of the data; cheaper than a
    drop_columns step after). There is no per-page time limit here (actors clean off the main
    thread); max_bytes bounds a page's size.
    """
    # Check the options here, before the cluster starts any work: a bad preset fails now, not in every actor.
    spec = Cleaner(model, **options).spec
    _check(column, batch_size, prefix)
    compute = _actor_pool(actors)
    return ds.map_batches(
        CleanBatch,
        fn_constructor_args=(spec, column, url_column, charset_column, prefix, keep_page),
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=compute,
        num_cpus=num_cpus,
    )


def _check(column: str, batch_size: int, prefix: str) -> None:
    if not isinstance(column, str) or not column:
        raise ConfigError(f"column must name the dataset's page column, not {column!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigError(f"batch_size must be a whole number of rows, at least 1, not {batch_size!r}")
    if not isinstance(prefix, str):
        raise ConfigError(f"prefix must be a string, not {prefix!r}")


def _actor_pool(actors: Union[int, tuple[int, int], None]) -> "ray.data.ActorPoolStrategy":
    if actors is None:
        return ray.data.ActorPoolStrategy(min_size=1, max_size=None)
    if isinstance(actors, int) and actors >= 1:
        return ray.data.ActorPoolStrategy(size=actors)
    if (isinstance(actors, tuple) and len(actors) == 2 and all(isinstance(a, int) for a in actors)
            and 1 <= actors[0] <= actors[1]):
        return ray.data.ActorPoolStrategy(min_size=actors[0], max_size=actors[1])
    raise ConfigError(f"actors must be a pool size (>= 1), a (min, max) range or None, not {actors!r}")


def warc_rows(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The HTML responses of the WARC file at row["path"], streamed (use with Dataset.flat_map).

    Rows: id, url, html (bytes), charset, read_error (why a record's payload could not be read, else None).
    """
    fs, path = pyarrow.fs.FileSystem.from_uri(_uri(row["path"]))
    # No decompression by Arrow: warcio undoes per-record gzip itself, one record at a time.
    with fs.open_input_stream(path, compression=None) as stream:
        for rec in iter_warc(stream, row["path"]):
            yield {"id": rec.id, "url": rec.url, "html": rec.page, "charset": rec.charset, "read_error": rec.error}


def warc_files(paths: Union[str, list[str]]) -> list[str]:
    """The WARC files named, or found under the directories named (local or s3://, gs://, ... URIs)."""
    found = []
    for given in [paths] if isinstance(paths, str) else list(paths):
        fs, path = pyarrow.fs.FileSystem.from_uri(_uri(given))
        info = fs.get_file_info(path)
        if info.type == pyarrow.fs.FileType.NotFound:
            raise ConfigError(f"no such file or directory: {given!r}")
        if info.type == pyarrow.fs.FileType.Directory:
            infos = fs.get_file_info(pyarrow.fs.FileSelector(path, recursive=True))
            found += sorted(_join(given, path, i.path) for i in infos
                            if i.type == pyarrow.fs.FileType.File and i.path.lower().endswith(WARC_SUFFIXES))
        else:
            found.append(given)
    return found


def read_warc(paths: Union[str, list[str]]) -> "ray.data.Dataset":
    """A Dataset of the HTML responses in WARC files: one task per file, each file streamed, never
    held whole in memory. Columns: id, url, html (bytes), charset, read_error."""
    files = warc_files(paths)
    if not files:
        raise ConfigError(f"no .warc or .warc.gz files in {paths!r}")
    return ray.data.from_items([{"path": f} for f in files], override_num_blocks=min(len(files), MAX_READ_BLOCKS)).flat_map(warc_rows)


def _uri(path: str) -> str:
    return path if "://" in path else os.path.abspath(path)


def _join(given: str, base: str, found: str) -> str:
    """A file found under a directory, spelled like the directory was (URI scheme kept)."""
    if "://" not in given:
        return found
    return given.split("://", 1)[0] + "://" + found
