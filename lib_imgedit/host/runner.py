"""The private script runner an edit runs with: a copy of the WebUI's img2img runner that holds only
the scripts this edit needs, each with its own argument slice.

Mutating the global runner (or calling ControlNet's `update_cn_script`, which shifts every script's
`args_from/args_to` in the runner it is given) breaks the user's next img2img run; passing too few
arguments for the scripts it holds gives "No ControlNetUnit detected" and similar errors. So the copy
gets fresh containers (the runner caches its ordered callbacks in `callback_map`: a shared cache would
leak our scripts into the WebUI's own runs), copies of the picked scripts, and slices set to the
arguments given here.
"""

from __future__ import annotations

import copy
from typing import Any, Sequence


def find_script(runner: Any, title: str) -> Any | None:
    """The always-on script whose title is `title` (case-insensitive), as the API matches them."""
    for script in getattr(runner, "alwayson_scripts", None) or []:
        try:
            if script.title().lower() == title.lower():
                return script
        except Exception:  # noqa: BLE001 - a broken script's title() must not stop the lookup
            continue
    return None


def private_runner(runner: Any, picked: Sequence[tuple[Any, Sequence[Any]]]) -> tuple[Any, tuple[Any, ...]]:
    """(a runner with only the `picked` scripts, the `script_args` for it). `picked` holds
    (script, its positional arguments) pairs; the global runner and its scripts are not touched."""
    own = copy.copy(runner)
    for name, value in vars(runner).items():
        if isinstance(value, (list, dict, set)):
            setattr(own, name, type(value)())
    args: list[Any] = []
    own.imgedit_copies = []  # (the WebUI's script, our copy): what `carry_back` writes back after the run
    for script, script_args in picked:
        mine = copy.copy(script)
        own.imgedit_copies.append((script, mine))
        mine.args_from = len(args)
        args.extend(script_args)
        mine.args_to = len(args)
        own.scripts.append(mine)
        own.alwayson_scripts.append(mine)
        own.title_map[mine.title().lower()] = mine
    return own, tuple(args)


# Per-instance state of a script that describes a cache shared by all its instances, written back to the
# WebUI's script after our copy ran. A1111's ControlNet clears its class-level `model_cache` when
# `latest_model_hash` differs from the loaded checkpoint's hash: a copy that starts from the WebUI's
# script ("" until the user runs ControlNet) and is thrown away after the edit would clear the cache,
# and load the ControlNet model from disk, on every turn. (Forge's ControlNet keeps an lru_cache.)
SHARED_STATE = ("latest_model_hash",)


def carry_back(runner: Any) -> None:
    """After a run of `private_runner`'s runner: the WebUI's scripts take our copies' cache state, so the
    next edit (and the user's own next img2img run) finds the models it cached."""
    for script, mine in getattr(runner, "imgedit_copies", ()):
        for name in SHARED_STATE:
            if name in vars(mine):
                setattr(script, name, getattr(mine, name))


def ui_defaults(runner: Any, script: Any) -> list[Any] | None:
    """The script's arguments as its UI shows them by default (the values the API also starts from),
    or None when the runner holds no UI components (an API-only start without them)."""
    inputs = getattr(runner, "inputs", None) or []
    if script.args_from is None or script.args_to is None or script.args_to > len(inputs):
        return None
    return [getattr(component, "value", None) for component in inputs[script.args_from:script.args_to]]
