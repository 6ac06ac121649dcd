"""The `newsbody` command: clean pages, review and label them, train a model, evaluate on labelled pages."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Optional, Sequence

from .decide import PRESETS
from .errors import ConfigError, NewsbodyError
from .output import OUTPUT_FORMATS
from .page_input import DEFAULT_MAX_BYTES
from .recipe import COMMENT_SECTIONS, CORPUS_FILES, TRAIN_DEFAULTS
from .sources import INPUT_FORMATS
from .language import BACKENDS, DEFAULT_BACKEND

EXIT_USAGE = 2


def _add_cleaner_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="model file (default: the shipped model)")
    p.add_argument("--preset", choices=PRESETS, default="balanced",
                   help="precision keeps less, recall keeps more (default: balanced)")
    p.add_argument("--lang-backend", choices=sorted(BACKENDS), default=DEFAULT_BACKEND)
    p.add_argument("--languages", help="comma-separated ISO 639-1 codes to choose among")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"refuse pages larger than this (default: {DEFAULT_MAX_BYTES:,})")
    comments = p.add_mutually_exclusive_group()
    comments.add_argument("--comments", dest="comments", action="store_true", default=False,
                          help="keep readers' comments where the model keeps them (as dragnet's and cleaneval's "
                               "true bodies do)")
    comments.add_argument("--no-comments", dest="comments", action="store_false",
                          help="drop readers' comments: paragraphs inside an element whose class or id names a "
                               "comment section (the default)")


def _cleaner_spec(args) -> tuple:
    """(model, Cleaner options) from the command line."""
    langs = [c.strip() for c in args.languages.split(",")] if args.languages else None
    return args.model, {"preset": args.preset, "lang_backend": args.lang_backend, "languages": langs,
                        "max_bytes": args.max_bytes, "comments": args.comments}


def _cleaner(args):
    from .api import Cleaner
    model, options = _cleaner_spec(args)
    return Cleaner(model, **options)


def cmd_clean(args) -> int:
    import dataclasses

    from .batch import clean_records, start_pool
    from .output import (EXPLAINED_FORMATS, Progress, default_workers, document_end, document_start, done_ids,
                         format_result)
    from .sources import check_inputs, read_inputs

    sources = args.pages or ["-"]
    check_inputs(sources)  # a missing input is a usage error, found before the model loads
    if args.resume and not (args.output and args.output_format == "jsonl"):
        raise ConfigError("--resume needs -o FILE with --output-format jsonl: the ids already in FILE are skipped")
    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {args.workers}")
    workers = args.workers or default_workers()
    if all(src != "-" and Path(src).is_file() and input_format_of_arg(args, src) == "file" for src in sources):
        workers = min(workers, len(sources))  # no pool to start for a page or two
    # Workers start loading the model now, while this process loads it too to check the options.
    pool = start_pool(_cleaner_spec(args), workers) if workers > 1 else None
    try:
        cleaner = _cleaner(args)
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    skip = done_ids(Path(args.output)) if args.resume else set()
    records = read_inputs(sources, args.input_format, args.field, args.glob, sys.stdin.buffer)
    progress = Progress(enabled=False if args.quiet else None)

    def todo():
        for rec in records:
            if rec.id in skip:
                progress.skipped += 1
                continue
            yield dataclasses.replace(rec, kind=args.kind, url=rec.url or args.url)

    out = open(args.output, "a" if args.resume else "w", encoding="utf-8") if args.output else sys.stdout
    many = len(sources) > 1 or any(Path(s).is_dir() for s in sources if s != "-")
    try:
        out.write(document_start(args.output_format))
        for n, result in enumerate(clean_records(cleaner, todo(), workers=workers, timeout=args.timeout or None,
                                                 explain=args.output_format in EXPLAINED_FORMATS, pool=pool)):
            progress.add(result)
            if result.error is not None and args.output_format == "text":
                print(f"newsbody: {result.id}: {result.error}", file=sys.stderr)
                continue
            out.write(format_result(result, args.output_format, header=many, index=n) + "\n")
            out.flush()  # a killed run loses nothing already cleaned (--resume continues after it)
        out.write(document_end(args.output_format))
    finally:
        if out is not sys.stdout:
            out.close()
        if not args.quiet:
            progress.close()
    return 0


def input_format_of_arg(args, src: str) -> str:
    """The format one command-line input is read as."""
    from .sources import input_format_of
    return args.input_format if args.input_format != "auto" else input_format_of(src)


def cmd_train(args) -> int:
    from classifier import store
    from classifier.train import fit

    from .api import Settings
    from .evaluate import format_table
    from .recipe import base_recipe, train_options
    from .training import training_pages

    if args.user_weight is not None and not args.base:
        raise ConfigError("--user-weight weighs your --data pages against a base's: add --base default")
    recipe = base_recipe(args.base) if args.base else None
    options = train_options(vars(args), recipe)
    if recipe is not None:
        # The base's files (its corpus included) are the base; --data files are the user's, weighted.
        base_files, user_files = list(recipe.files), [Path(p) for p in args.data]
        print(f"newsbody train: base {args.base}: {len(base_files)} training files found: "
              f"{', '.join(map(str, base_files)) or 'none'}", file=sys.stderr)
        if recipe.missing:
            print(f"newsbody train: base {args.base}: NOT found here, so trained without them: "
                  f"{', '.join(recipe.missing)} (run from the folder the base was trained in, e.g. the "
                  "repository with ../shared beside it)", file=sys.stderr)
    else:
        corpus = [Path(name) for name in args.corpus if name and Path(name).is_file()]
        base_files, user_files = [Path(p) for p in args.data] + corpus, []
    if not base_files and not user_files:
        raise ConfigError("nothing to train on: give --data FILE... (and/or --base default)")
    t0 = time.time()
    pages = training_pages(base_files, user_files, options, Settings(lang_backend=args.lang_backend), args.limit)
    params = {**(recipe.model_params if recipe else {}), "max_iter": options["max_iter"],
              "n_folds": options["folds"], "learning_rate": options["learning_rate"],
              "l2_regularization": options["l2"]}
    pipe, card = fit(pages, random_state=options["seed"], **params)
    print(f"trained on {len(pages)} pages ({time.time() - t0:.0f} s)", file=sys.stderr)
    card = {"name": Path(args.output).stem, "newsbody_version": _version(), **card,
            "training_files": [str(p) for p in base_files + user_files], "text_copies": options["text_copies"],
            "seed": options["seed"], "corpus_weight": options["corpus_weight"],
            "comment_sections": options["comment_sections"],
            "augmentation": {k: options[k] for k in ("boilerplate", "body_paragraphs", "phrases", "news", "inject_share",
                                                     "pages_per_lang", "synthetic_weight", "article_layout", "subheadings",
                                                     "between_body")},
            "thresholds": {"precision": 0.65, "balanced": 0.5, "recall": 0.35}}
    if recipe is not None:
        card.update(base=args.base, base_missing_files=list(recipe.missing),
                    user_files=[str(p) for p in user_files], user_weight=options["user_weight"])
    card = store.save(pipe, Path(args.output), card)
    if args.dev:
        from .api import Cleaner
        from .evaluate import evaluate_file
        cleaner = Cleaner(args.output)
        rows = [evaluate_file(cleaner, Path(p)).row() for p in args.dev]
        card["dev_scores"] = rows
        print(format_table(rows))
        card = store.save(pipe, Path(args.output), card)
    print(f"wrote {args.output} (sha256 {card['sha256'][:16]}…) and its card", file=sys.stderr)
    return 0


def cmd_review(args) -> int:
    from .review import ReviewSession, check_labels_path, load_pages, serve
    from .sources import check_inputs, read_inputs

    check_inputs(args.pages)
    labels = Path(args.labels)
    if labels.suffix in (".gz", ".html"):
        raise ConfigError(f"--labels {labels}: the labels file is plain JSON Lines, e.g. labels.jsonl")
    check_labels_path(labels)  # before the pages are cleaned
    cleaner = _cleaner(args)
    records = read_inputs(args.pages, args.input_format, args.field, args.glob)
    session = ReviewSession(load_pages(cleaner, records, args.timeout or None), labels)
    if not session.pages:
        raise ConfigError(f"no pages found in {', '.join(args.pages)} (check --glob / --input-format)")
    serve(session, port=args.port, open_browser=not args.no_browser)
    return 0


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate_file, format_table
    cleaner = _cleaner(args)
    rows = []
    if args.multilingual:
        from .multilingual import evaluate_multilingual
        for path in (args.boilerplate, args.body_paragraphs):
            if not Path(path).is_file():
                print(f"newsbody: {path} not found; --multilingual needs --boilerplate and --body-paragraphs",
                      file=sys.stderr)
                return EXIT_USAGE
        options = {} if args.pages_per_lang is None else {"pages_per_lang": args.pages_per_lang}
        rows = evaluate_multilingual(cleaner, Path(args.boilerplate), Path(args.body_paragraphs), **options)
        keys = ("lang", "required", "pages", "body_planted", "body_recall", "boilerplate_planted",
                "boilerplate_recall")
        rows = [{k: r.get(k) for k in keys} for r in rows]
    for path in args.paths:
        ev = evaluate_file(cleaner, Path(path), args.limit)
        rows.append(ev.row())
        for m in ev.error_messages[:5]:
            print(f"newsbody: {m}", file=sys.stderr)
    if args.output_format == "json":
        print(json.dumps(rows, indent=2))
    else:
        print(format_table(rows))
    return 0


def cmd_cache(args) -> int:
    """Show, fill or empty the on-disk cache of language tables."""
    from . import array_cache
    from .language import Py3LangidBackend

    if args.languages and args.action != "build":
        raise ConfigError("--languages applies to `newsbody cache build` only")
    name = Py3LangidBackend.CACHE_NAME
    root = array_cache.cache_dir()
    if root is None:
        where = f"off ({array_cache.CACHE_ENV} is set to an empty string)" \
            if os.environ.get(array_cache.CACHE_ENV) is not None else "off (no home directory to put it in)"
        if args.action == "info":
            print(f"language-table cache: {where}")
            return 0
        raise ConfigError(f"the language-table cache is {where}; set {array_cache.CACHE_ENV} to a directory "
                          "to use one")
    if args.action == "clear":
        removed = array_cache.clear(name)
        print(f"removed {len(removed)} entr{'y' if len(removed) == 1 else 'ies'} from {root}")
        return 0
    if args.action == "build":
        langs = [c.strip() for c in args.languages.split(",")] if args.languages else None
        backend = Py3LangidBackend(langs)
        backend.detect("newsbody fills its language-table cache")
        if not array_cache.is_cached(name, backend.cache_key()):
            raise ConfigError(f"could not write the language-table cache in {root}: check that the directory "
                              f"is writable and has ~50 MB free, or set {array_cache.CACHE_ENV} to another one")
    found = array_cache.entries(name)
    print(f"language-table cache: {root} ({len(found)} entr{'y' if len(found) == 1 else 'ies'}, "
          f"{sum(size for _, size, _ in found) / 1e6:.1f} MB)")
    for entry, size, meta in found:
        print(f"  {entry.name}  {size / 1e6:.1f} MB  languages: {meta.get('languages', '?')}, "
              f"{len(meta.get('classes', []))} model labels")
    return 0


def _version() -> str:
    from . import __version__
    return __version__


def _number(what: str, fits, expected: str):
    """An argparse type: a number for which fits() holds, else an error naming what was expected."""
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not fits(number):
            raise argparse.ArgumentTypeError(f"{value!r} is not a {what}; give {expected}")
        return number
    return parse


_share = _number("share", lambda x: 0.0 <= x <= 1.0, "a number from 0 to 1, e.g. 0.5")
_weight = _number("weight", lambda x: 0.0 < x < float("inf"), "a number above 0, e.g. 0.5")
_weight_or_zero = _number("weight", lambda x: 0.0 <= x < float("inf"), "a number from 0 up, e.g. 1")


def _train_option(parser: argparse.ArgumentParser, flag: str, about: str, **kwargs: Any) -> None:
    """A `newsbody train` option whose help ends with its default from TRAIN_DEFAULTS (None: from a --base recipe)."""
    default = TRAIN_DEFAULTS[flag.lstrip("-").replace("-", "_")]
    shown = f"{default:g}" if isinstance(default, float) else default
    parser.add_argument(flag, help=f"{about} (default {shown})", **kwargs)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the newsbody command."""
    parser = argparse.ArgumentParser(prog="newsbody", description="Keep the article body of scraped pages.")
    parser.add_argument("--version", action="version", version=f"newsbody {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    c = sub.add_parser("clean", help="print the article body of pages",
                       description="Clean pages: files, directories, JSON Lines or WARC, in parallel. Every input "
                       "record gives one output record, in input order; a record that fails gives its error "
                       "and the run goes on (exit status 0 once every record is processed).")
    c.add_argument("pages", nargs="*", help="files or directories; - or nothing reads stdin")
    c.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                   help="file: one page per file; jsonl: one JSON object per line with id, html or text, url; "
                   "warc: HTML responses of a WARC file (auto: from the suffix, .jsonl[.gz] / .warc[.gz])")
    c.add_argument("--field", help="JSON Lines field holding the page (default: html, else text)")
    c.add_argument("--glob", default="*", help="comma-separated file name patterns to take from directories "
                   "(default: every file that is not hidden)")
    c.add_argument("--output-format", choices=OUTPUT_FORMATS, default="text",
                   help="text: the body; json: every paragraph with lang, p_body, keep, reason; jsonl: one "
                   "record a line; html: one self-contained report of every decision (use with -o report.html)")
    c.add_argument("-o", "--output", help="write here instead of stdout")
    c.add_argument("--resume", action="store_true",
                   help="with -o FILE and --output-format jsonl: skip the ids already in FILE and append")
    c.add_argument("--workers", type=int, help="processes cleaning in parallel (default: every core)")
    c.add_argument("--timeout", type=float, default=10.0,
                   help="seconds of CPU time a page may take before it is reported as an error (0: no limit)")
    c.add_argument("--quiet", action="store_true", help="no progress and no summary on stderr")
    c.add_argument("--kind", choices=("auto", "html", "text"), default="auto")
    c.add_argument("--url", help="the page's URL, reported in the output")
    _add_cleaner_options(c)
    c.set_defaults(func=cmd_clean)

    t = sub.add_parser("train", help="train a model from labelled pages",
                       description="Train a model. With --base default, learn the shipped model's recipe (its "
                       "training files, augmentation, seed and parameters, from its card) plus your own labelled "
                       "pages given with --data (e.g. a labels.jsonl written by `newsbody review`), weighted by "
                       "--user-weight. Options given here override the recipe.")
    t.add_argument("--data", nargs="+", default=[], help="JSON Lines files of (html, body) pages or corpus pages; "
                   "with --base: your own pages")
    t.add_argument("--base", help="'default' (the shipped model), or a model file or card, whose training recipe "
                   "to redo with your --data pages added (its training files that are not here are named and left out)")
    _train_option(t, "--user-weight", "with --base: weight of one of your pages against one base page", type=_weight)
    t.add_argument("--corpus", nargs="*", default=list(CORPUS_FILES),
                   help="the project's own labelled training pages (default: " + " ".join(CORPUS_FILES) + "; "
                   "none given or '' for none; with --base the base's files decide). corpus/eval_pages.jsonl "
                   "is for evaluation only")
    _train_option(t, "--corpus-weight", "weight of a corpus page against an external one", type=float)
    _train_option(t, "--text-copies", "share of HTML pages also learned as plain text", type=_share)
    t.add_argument("--boilerplate", help="JSON Lines of real boilerplate strings to inject "
                   "(../shared/resources/boilerplate_strings.jsonl); held-out sources are never used")
    t.add_argument("--body-paragraphs", help="JSON Lines of news paragraphs by language for synthetic pages "
                   "(../shared/datasets/langid/dev.jsonl.gz); only the training half is used")
    t.add_argument("--phrases", help="JSON Lines of more boilerplate strings to inject besides --boilerplate's, "
                   "e.g. corpus/boilerplate_phrases.jsonl (default: none)")
    t.add_argument("--news", help="JSON Lines of more news paragraphs for synthetic pages, all of them learned, "
                   "e.g. corpus/news_paragraphs.jsonl (default: none)")
    _train_option(t, "--inject-share", "share of pages copied with injected boilerplate", type=_share)
    _train_option(t, "--pages-per-lang", "synthetic pages per language", type=int)
    _train_option(t, "--article-layout", "share of synthetic HTML pages whose article sits in an <article> element; "
                  "0.5 gave steadier held-out multilingual recall across seeds (bench/RESULTS.md) and is what the "
                  "shipped model was trained with", type=_share)
    _train_option(t, "--subheadings", "share of synthetic pages given one or two subheadings (a few of the next "
                  "paragraph's words, labelled body) between body paragraphs; the shipped model was trained without",
                  type=_share)
    _train_option(t, "--comment-sections", "label of the external sets' paragraphs inside a readers' comment "
                  "section: as the set's true body has it (dataset), or boilerplate as corpus/README.md's guide has it",
                  choices=COMMENT_SECTIONS)
    _train_option(t, "--between-body", "share of the synthetic pages' boilerplate blocks put in a gap between two "
                  "body paragraphs rather than anywhere", type=_share)
    _train_option(t, "--synthetic-weight", "weight of each synthetic page; with twice the pages per language at half "
                  "the weight the model sees more draws at the same total weight", type=_weight)
    t.add_argument("--dev", nargs="*", default=[], help="labelled files to score the model on (card's dev_scores)")
    t.add_argument("-o", "--output", default="models/default.joblib")
    _train_option(t, "--seed", "training seed", type=int)
    _train_option(t, "--max-iter", "boosting iterations per stage", type=int)
    _train_option(t, "--learning-rate", "the trees' learning rate", type=float)
    _train_option(t, "--l2", "L2 regularisation of the trees' leaf values: shrinks the leaves few or nearly pure "
                  "rows decide", type=_weight_or_zero)
    _train_option(t, "--folds", "out-of-fold splits for stacking", type=int)
    t.add_argument("--limit", type=int, help="read at most N pages per file")
    t.add_argument("--lang-backend", choices=sorted(BACKENDS), default=DEFAULT_BACKEND)
    t.set_defaults(func=cmd_train)

    r = sub.add_parser("review", help="see every decision in the browser, flip mistakes, save them as labels",
                       description="Serve the HTML report of these pages on 127.0.0.1 (a free port, printed). A "
                       "click on a paragraph flips it between kept and dropped and is saved to --labels at once, "
                       "in the corpus format (corpus/README.md), for `newsbody train --base default --data LABELS`.")
    r.add_argument("pages", nargs="+", help="files, directories or JSON Lines of pages, as for `newsbody clean`")
    r.add_argument("--labels", required=True, help="JSON Lines file the labels go to (created if missing; "
                   "pages already in it show their saved labels)")
    r.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    r.add_argument("--no-browser", action="store_true", help="only print the URL; do not open a browser")
    r.add_argument("--input-format", choices=INPUT_FORMATS, default="auto")
    r.add_argument("--field", help="JSON Lines field holding the page (default: html, else text)")
    r.add_argument("--glob", default="*", help="comma-separated file name patterns to take from directories")
    r.add_argument("--timeout", type=float, default=10.0, help="seconds of CPU time a page may take (0: no limit)")
    _add_cleaner_options(r)
    r.set_defaults(func=cmd_review)

    e = sub.add_parser("evaluate", help="score on labelled pages (shingle P/R/F1 per data set)")
    e.add_argument("paths", nargs="*", help="JSON Lines files of (html, body) pages, e.g. "
                   "../shared/datasets/dragnet/dev.jsonl.gz, or corpus pages such as a labels.jsonl from `newsbody review`")
    e.add_argument("--multilingual", action="store_true",
                   help="per language body and boilerplate recall on held-out multilingual pages")
    e.add_argument("--boilerplate", default="../shared/resources/boilerplate_strings.jsonl")
    e.add_argument("--body-paragraphs", default="../shared/datasets/langid/dev.jsonl.gz")
    e.add_argument("--pages-per-lang", type=int,
                   help="held-out pages per language for --multilingual "
                   "(default: cleaner.multilingual.DEFAULT_PAGES_PER_LANG)")
    e.add_argument("--limit", type=int, help="score at most N pages per file")
    e.add_argument("--output-format", choices=("table", "json"), default="table")
    _add_cleaner_options(e)
    e.set_defaults(func=cmd_evaluate)

    k = sub.add_parser("cache", help="show, fill or empty the cache of language tables",
                       description="py3langid's tables are built once per machine and then read from an on-disk "
                       "cache (NEWSBODY_CACHE_DIR, else $XDG_CACHE_HOME/newsbody or ~/.cache/newsbody). "
                       "`build` fills it ahead of time, e.g. while building a container image; `clear` "
                       "deletes its entries; `info` (the default) lists them.")
    k.add_argument("action", nargs="?", choices=("info", "build", "clear"), default="info")
    k.add_argument("--languages", help="for build: the same comma-separated codes (or all) as `clean --languages`")
    k.set_defaults(func=cmd_cache)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the newsbody command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except NewsbodyError as e:
        print(f"newsbody: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
