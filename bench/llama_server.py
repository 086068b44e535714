"""`python -m llama_cpp.server` with `use_extra_bufts=False` on every model it loads.

llama-cpp-python 0.3.x built with its default native flags crashes on some VMs at the first completion
(an AMX instruction the VM faults on); the extra buffer types are what use it. Same arguments as
llama_cpp.server:  python bench/llama_server.py --model model.gguf --host 127.0.0.1 --port 8080
"""

from __future__ import annotations

import functools
import runpy
import sys

import llama_cpp

_init = llama_cpp.Llama.__init__


@functools.wraps(_init)
def _without_extra_bufts(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("use_extra_bufts", False)
    _init(self, *args, **kwargs)


llama_cpp.Llama.__init__ = _without_extra_bufts
sys.argv = ["llama_cpp.server", *sys.argv[1:]]
runpy.run_module("llama_cpp.server", run_name="__main__")
