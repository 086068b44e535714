"""`python -m llama_cpp.server` with the model parameter `use_extra_bufts` off for every model it loads.

llama-cpp-python 0.3.x built with its default native flags crashes on some VMs at the first completion
(an AMX instruction the VM faults on); the extra buffer types are what use it. `Llama()` has no
argument for it, so the default model parameters are patched. Same arguments as llama_cpp.server:
    python bench/llama_server.py --model model.gguf --host 127.0.0.1 --port 8080
"""

from __future__ import annotations

import runpy
import sys

import llama_cpp
import llama_cpp.llama_cpp as low

_defaults = low.llama_model_default_params


def _without_extra_bufts():  # type: ignore[no-untyped-def]
    params = _defaults()
    params.use_extra_bufts = False
    return params


low.llama_model_default_params = llama_cpp.llama_model_default_params = _without_extra_bufts
sys.argv = ["llama_cpp.server", *sys.argv[1:]]
runpy.run_module("llama_cpp.server", run_name="__main__")
