"""Command line: `python -m lib_imgedit serve | plan | edit | models | gc | export-finetune`.

Every setting of `Settings` is also a flag of `serve` and `edit` (`--executors`, `--max-image-pixels`...),
so the CLI, the config file and the WebUI settings page can never disagree on names or defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Iterator

from ..core.config import Settings, load_rules, load_settings
from ..core.errors import ImgEditError, InvalidImage


def _settings_flags(parser: argparse.ArgumentParser) -> None:
    # also after the command (`serve --data-dir DIR`); given there, it wins over one before it
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, help="data folder (as before the command)")
    group = parser.add_argument_group("settings (also in <data dir>/config.json and IMGEDIT_* variables)")
    for name, default, meta in Settings.field_meta():
        if name == "data_dir" or meta["secret"]:
            continue  # secrets only from the config file or the environment, never the process list
        kind = type(default)
        group.add_argument(f"--{name.replace('_', '-')}", dest=f"set_{name}", default=None, metavar=None if meta["choices"] else name.upper(),
                           type=(lambda v: v) if kind is bool else kind, choices=meta["choices"],
                           help=f"{meta['label']}. {meta['help']} (default: {default!r})".strip())


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {k[4:]: v for k, v in vars(args).items() if k.startswith("set_") and v is not None}


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.data_dir, _overrides(args))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..engine.service import EditService
    from .standalone import create_app

    settings = _settings(args)
    service = EditService(settings)
    load_plugins(service)
    app = create_app(service, api_auth=args.api_auth or os.environ.get("IMGEDIT_API_AUTH"), with_ui=not args.api_only,
                     lang=args.lang)
    print(f"Chat Edit: http://{args.host}:{args.port}/  (API under /sdapi/v1/imgedit/, data in {settings.data_dir})", flush=True)
    logging.getLogger("imgedit.http").setLevel(logging.DEBUG if getattr(args, "verbose", False) else logging.INFO)
    # client addresses come from the `forwarded_allow_ips` setting alone, not also from uvicorn's own default
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=False)
    return 0


def load_plugins(service: Any) -> None:
    """Import the modules named in IMGEDIT_PLUGINS (comma-separated; server-side only) and call their
    `setup(service)`: extra executors or planners without editing this package."""
    for name in filter(None, (n.strip() for n in os.environ.get("IMGEDIT_PLUGINS", "").split(","))):
        module = importlib.import_module(name)
        if hasattr(module, "setup"):
            module.setup(service)


def cmd_gc(args: argparse.Namespace) -> int:
    """Delete sessions idle longer than session_ttl_days, then files nothing refers to."""
    from ..core.blobs import BlobStore
    from ..engine.housekeeping import sweep
    from ..store import open_store

    settings = _settings(args)
    store = open_store(settings)
    try:
        sessions, files = sweep(store, BlobStore(Path(settings.data_dir) / "blobs"), settings.session_ttl_days * 86400,
                                args.min_age_minutes * 60)
    finally:
        store.close()
    print(f"removed {sessions} expired sessions and {files} unreferenced files from {settings.data_dir}")
    return 0


def _planner(settings: Settings, rules: dict[str, Any]):
    """The configured planner (a profile, the env profile from OPENAI_* and --llm-model, or offline)."""
    from ..planner.offline import OfflinePlanner
    from ..planner.registry import PlannerRegistry

    offline = OfflinePlanner(rules)
    return PlannerRegistry(lambda: settings, rules, offline).get(), offline


def cmd_plan(args: argparse.Namespace) -> int:
    from ..planner import PlanContext, plan_validated

    settings = _settings(args)
    rules = load_rules(settings.data_dir)
    planner, offline = _planner(settings, rules)

    def one(text: str, labels: list[str]) -> dict[str, Any]:
        """The plan's JSON: a bare instruction for one step, {"steps": [...]} for several."""
        ctx = PlanContext(text=text, labels=labels, user_mask="user_mask" in labels)
        plan, result = plan_validated(planner, offline, ctx, rules)
        for note in result.notes:  # retries and fallbacks are visible, never silent
            print(f"note: {note}", file=sys.stderr)
        return plan.to_dict()

    if args.batch:
        source = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")
        with source:
            for n, line in enumerate(source, 1):
                if not line.strip():
                    continue
                try:
                    case = json.loads(line)
                    print(json.dumps(one(case["instruction"], list(case.get("labels", []))), ensure_ascii=False), flush=True)
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    print(f"line {n}: not a case with 'instruction' and 'labels' ({exc})", file=sys.stderr)
                    return 2
        return 0
    if not args.text:
        print("plan: give the request text, or --batch FILE", file=sys.stderr)
        return 2
    labels = [s.strip() for s in (args.labels or "").split(",") if s.strip()]
    print(json.dumps(one(" ".join(args.text), labels), ensure_ascii=False, indent=None if args.compact else 2))
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """One-shot edit of a file: upload, then each request in turn; writes the final image."""
    from ..engine.service import EditService

    source, target = Path(args.image), Path(args.output)
    if not source.is_file():
        raise FileNotFoundError(f"{args.image}: {'not a file' if source.exists() else 'no such file'}")
    if not target.parent.is_dir():  # found out before the work, not after
        raise FileNotFoundError(f"{args.output}: no folder {str(target.parent)!r} to write it in")
    data = source.read_bytes()
    settings = _settings(args).update({"labels_in_background": False})  # one run: the upload waits for every label
    service = EditService(settings)
    session = service.create_session("cli")
    try:
        outcome = service.upload(session.id, "cli", data)
    except InvalidImage as exc:
        raise InvalidImage(f"{args.image}: {exc.message}") from None
    print(outcome.reply)
    for request in args.requests:
        outcome = service.message(session.id, "cli", request)
        print(f"> {request}\n{outcome.reply}\n{json.dumps(outcome.instruction, ensure_ascii=False)}")
    if outcome.image_png:
        target.write_bytes(outcome.image_png)
        print(f"wrote {args.output} (session {session.id})")
        return 0
    print(f"error: nothing written to {args.output}: the last request made no picture", file=sys.stderr)
    return 1


def cmd_export_finetune(args: argparse.Namespace) -> int:
    """Accepted turns of every session as a JSONL fine-tuning data set (needs export_finetune on)."""
    from ..engine.finetune import export_finetune
    from ..engine.service import EditService

    count = export_finetune(EditService(_settings(args)), args.out, args.template)
    print(f"wrote {count} examples to {args.out}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    """List the catalogued models, or download some (when none is named, those the settings use) with a
    progress bar."""
    from .. import models
    from ..models.listing import format_list, model_list

    settings = _settings(args)
    if args.action == "list":
        rows = model_list(settings)
        print(json.dumps(rows, indent=1) if args.json else format_list(rows, settings))
        return 0
    names = args.names or [r["name"] for r in model_list(settings) if r["used"]]
    unknown = [n for n in names if n not in models.catalog()]
    if unknown:
        raise ValueError(f"no model {', '.join(unknown)}; known: {', '.join(models.catalog())}")
    failed = 0
    for name in names:
        if models.is_present(name, settings):
            print(f"{name}: already in {models.models_dir(settings) / name}")
            continue
        try:
            with _progress_bar(models.spec(name)) as bar:
                models.ensure_files(name, bar, settings)
        except models.ModelUnavailable as exc:
            print(exc.message, file=sys.stderr)
            failed += 1
            continue
        print(f"{name}: downloaded into {models.models_dir(settings) / name}")
    return 1 if failed else 0


@contextlib.contextmanager
def _progress_bar(spec: Any) -> Iterator[Any]:
    """A tqdm bar fed by the download's progress (huggingface_hub's own bars are turned off meanwhile)."""
    from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars
    from tqdm import tqdm

    was_off = are_progress_bars_disabled()
    disable_progress_bars()
    bar = tqdm(total=int(spec.size_mb * 1e6) or None, unit="B", unit_scale=True, desc=spec.name, file=sys.stderr)

    def update(done: int, total: int, message: str) -> None:
        bar.total = total or bar.total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()
        if not was_off:
            enable_progress_bars()


EDIT_EXAMPLES = """examples:
  python -m lib_imgedit edit photo.jpg "blur the background" -o out.png
  python -m lib_imgedit edit photo.jpg "make the hair blonde" "a bit brighter" -o out.png
  python -m lib_imgedit edit photo.jpg "remove the person on the left" --executors local -o out.png
Each request is planned (offline, or by the LLM profile in the settings) and applied on top of the
previous result; the reply and the instruction of each step are printed, the last picture is written."""


def build_parser() -> argparse.ArgumentParser:
    # -v works before or after the command (`python -m lib_imgedit edit ... -v`)
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="show info logs and the segmentation libraries' own warnings")
    parser = argparse.ArgumentParser(prog="python -m lib_imgedit", description="sd-webui-imgedit: edit photos by chatting",
                                     parents=[verbose])
    parser.add_argument("--data-dir", default=None, help="data folder (default: $IMGEDIT_DATA_DIR or ~/.sd-webui-imgedit)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the Chat Edit tab and the JSON API", parents=[verbose])
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    serve.add_argument("--port", type=int, default=7861, help="port to listen on (default: 7861)")
    serve.add_argument("--api-auth", default=None, help="user:pass[,user2:pass2]: protect the API and the page")
    serve.add_argument("--lang", default="", help="tab language: en or zh_CN (default: from the browser)")
    serve.add_argument("--api-only", action="store_true", help="serve the JSON API without the tab (starts faster)")
    _settings_flags(serve)
    serve.set_defaults(func=cmd_serve)

    plan = sub.add_parser("plan", help="print the JSON plan for a request (an instruction, or {\"steps\": [...]})",
                          parents=[verbose])
    plan.add_argument("text", nargs="*", help='the request, e.g. "make her hair red"')
    plan.add_argument("--labels", default="", help="comma-separated labels present in the picture")
    plan.add_argument("--batch", default=None, help="JSONL file (or -) of {instruction, labels}; one JSON line out per case")
    plan.add_argument("--compact", action="store_true", help="one line of JSON")
    _settings_flags(plan)
    plan.set_defaults(func=cmd_plan)

    edit = sub.add_parser("edit", help="edit an image file with one or more requests", parents=[verbose],
                          usage="%(prog)s IMAGE REQUEST [REQUEST ...] [-o OUTPUT] [-v] [--SETTING VALUE ...]",
                          epilog=EDIT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    edit.add_argument("image", metavar="IMAGE", help="the picture to edit (PNG, JPEG, WebP, BMP, GIF, TIFF)")
    edit.add_argument("requests", nargs="+", metavar="REQUEST", help='one or more requests, applied in turn, e.g. "blur the background"')
    edit.add_argument("-o", "--output", default="edited.png", help="where to write the result as PNG (default: edited.png)")
    _settings_flags(edit)
    edit.set_defaults(func=cmd_edit)

    export = sub.add_parser("export-finetune", help="write accepted turns as a JSONL fine-tuning data set", parents=[verbose])
    export.add_argument("--out", required=True, help="the JSONL file to write")
    export.add_argument("--template", default="", help="prompt template for the system messages (default: llm_template)")
    _settings_flags(export)
    export.set_defaults(func=cmd_export_finetune)

    listing = sub.add_parser("models", help="list the downloadable models (size, licence, files, where, present), "
                             "or `models download [NAME ...]`", parents=[verbose])
    listing.add_argument("action", nargs="?", choices=("list", "download"), default="list")
    listing.add_argument("names", nargs="*", metavar="NAME",
                         help="models to download (default: those the settings use, see commercial_models_only)")
    listing.add_argument("--json", action="store_true", help="the list as JSON")
    _settings_flags(listing)
    listing.set_defaults(func=cmd_models)

    gc = sub.add_parser("gc", help="delete expired sessions (session_ttl_days) and the files nothing refers to", parents=[verbose])
    gc.add_argument("--min-age-minutes", type=float, default=60.0,
                    help="keep unreferenced files younger than this: a running turn may be about to commit them")
    _settings_flags(gc)
    gc.set_defaults(func=cmd_gc)
    return parser


@contextlib.contextmanager
def native_logs_silenced() -> Iterator[None]:
    """Quiet the segmentation libraries. MediaPipe's C++ (absl, TensorFlow Lite) writes its warnings
    straight to file descriptor 2, whatever GLOG_minloglevel or TF_CPP_MIN_LOG_LEVEL say in 0.10.21, so
    fd 2 points at /dev/null meanwhile and Python's own stderr (our errors, logging) at a copy of it."""
    os.environ.setdefault("GLOG_minloglevel", "2")  # older MediaPipe builds (glog) and TensorFlow
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("absl").setLevel(logging.ERROR)
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    real = sys.stderr is sys.__stderr__  # a test's captured stderr is not on fd 2: leave it
    if real:
        sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding=sys.__stderr__.encoding, errors="backslashreplace")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        if real:
            sys.stderr.close()
            sys.stderr = sys.__stderr__
        os.dup2(saved, 2)
        os.close(saved)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    verbose = getattr(args, "verbose", False)
    with contextlib.nullcontext() if verbose else native_logs_silenced():
        stamp = "%(asctime)s " if args.command == "serve" else ""  # a server log needs the time; a one-shot command not
        logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format=stamp + "%(levelname)s %(name)s: %(message)s")
        try:
            return args.func(args)
        except ImgEditError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            print(f"error: {exc.filename + ': ' + exc.strerror if exc.filename and exc.strerror else exc}", file=sys.stderr)
            return 2
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

