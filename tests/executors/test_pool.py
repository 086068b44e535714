"""The pool executor over stand-in ComfyUI servers (real HTTP): the idle backend is preferred, a dead
one is skipped until it answers again, the note names the backend that ran the edit."""

import numpy as np
import pytest
from comfy_stand_in import StandInComfy
from sd_helpers import sd_request

from lib_imgedit.core.errors import UpstreamError
from lib_imgedit.executors import pool
from lib_imgedit.executors.comfy_workflows import find_workflow
from lib_imgedit.executors.pool import PoolExecutor, parse_pool

INPAINT = {"operation": "inpaint", "targets": ["thing"], "prompt": "a red apple"}
SD_MODELS = {f for *_, f in find_workflow("sd_inpaint", "").model_places(find_workflow("sd_inpaint", "").graph)}


@pytest.fixture
def servers():
    made = [StandInComfy(SD_MODELS).start() for _ in range(2)]
    pool.STATE.dead_until.clear()
    yield made
    for s in made:
        s.stop()


def executor(settings, rules, urls):
    return PoolExecutor(settings.update({"backend_pool": ", ".join(urls)}), rules)


def test_parse_pool():
    assert [(b.kind, b.url) for b in parse_pool("comfy+http://a:8188/, webui+http://b:7860, http://c")] == [
        ("comfyui", "http://a:8188"), ("webui", "http://b:7860"), ("comfyui", "http://c")]


def test_the_idle_backend_runs_the_edit_and_the_note_names_it(servers, settings, rules):
    busy, idle = servers
    busy.pending.extend([("x1", {}, ""), ("x2", {}, "")])  # two prompts waiting there (the worker is not woken)
    ex = executor(settings, rules, [f"comfy+{busy.url}", idle.url])
    req = sd_request(ex.settings, rules, INPAINT)
    result = ex.run(req)
    assert result.info["backend"] == idle.url and not busy.prompts and len(idle.prompts) == 1
    assert result.info["notes"][-1] == f"ran on the ComfyUI at {idle.url}"
    assert np.array_equal(result.image[req.mask == 0], req.image[req.mask == 0])


def test_a_dead_backend_is_skipped_until_it_answers_again(servers, settings, rules, monkeypatch):
    alive = servers[0]
    dead = "http://127.0.0.1:9"
    ex = executor(settings, rules, [dead, alive.url])
    assert ex.run(sd_request(ex.settings, rules, INPAINT)).info["backend"] == alive.url
    assert pool.STATE.dead_until[dead] > 0
    probed = []
    real_busy = PoolExecutor.busy
    monkeypatch.setattr(PoolExecutor, "busy", lambda self, b: probed.append(b.url) or real_busy(self, b))
    ex.run(sd_request(ex.settings, rules, INPAINT))
    assert probed == [alive.url], "the dead one is not asked again within RETRY_AFTER"
    monkeypatch.setattr(pool, "RETRY_AFTER", 0.0)
    pool.STATE.dead_until[dead] = 0.0  # its time is up: it is asked again (and still does not answer)
    ex.run(sd_request(ex.settings, rules, INPAINT))
    assert probed[-2:] == [dead, alive.url]


def test_a_backend_that_comes_back_is_used_again(servers, settings, rules):
    first, second = servers
    second.pending.append(("x", {}, ""))
    ex = executor(settings, rules, [first.url, second.url])
    pool.STATE.dead_until[first.url] = 0.0  # it was dead, and now answers
    assert ex.run(sd_request(ex.settings, rules, INPAINT)).info["backend"] == first.url
    assert first.url not in pool.STATE.dead_until


def test_no_backend_answers(settings, rules):
    pool.STATE.dead_until.clear()
    ex = executor(settings, rules, ["http://127.0.0.1:9"])
    with pytest.raises(UpstreamError, match="no backend in the pool could run the edit: ComfyUI at http://127.0.0.1:9 does not answer"):
        ex.run(sd_request(ex.settings, rules, INPAINT))


def test_available_only_with_urls(settings, rules):
    assert PoolExecutor(settings, rules).available()[0] is False
    assert PoolExecutor(settings.update({"backend_pool": "ftp://x"}), rules).available()[0] is False


def test_comfyui_and_webui_backends_by_their_own_queues(servers, server, settings, rules):
    from fake_remotes import FakeWebUI

    webui = FakeWebUI(server)  # /sdapi/v1/progress says job_count 1
    comfy = servers[0]
    ex = executor(settings, rules, [f"webui+{webui.url}", comfy.url])
    assert ex.run(sd_request(ex.settings, rules, INPAINT)).info["backend"] == comfy.url, "idle ComfyUI before a busy WebUI"
    comfy.pending.extend([("x1", {}, ""), ("x2", {}, "")])
    result = ex.run(sd_request(ex.settings, rules, INPAINT))
    assert result.info["backend"] == webui.url and result.info["notes"][-1] == f"ran on the WebUI at {webui.url}"
