"""The model download path against a local HTTP server standing in for the Hugging Face hub: a good
download (checked, recorded, then found with no network), an interrupted download resumed where it
stopped, a bad checksum (file deleted, failure remembered), the hub's own LFS sha256 when the entry pins
none, the offline switch, and the catalogue's checks on entries."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from werkzeug import Request, Response

from lib_imgedit import models
from lib_imgedit.core.config import load_settings

REV = "0123456789abcdef0123456789abcdef01234567"
CONTENT = bytes(range(256)) * 1200  # 307200 bytes
SHA = hashlib.sha256(CONTENT).hexdigest()


class FakeHub:
    """Serves one file at /<repo>/resolve/<revision>/<path> as the hub does: HEAD gives the commit, the
    LFS sha256 (ETag) and the size; GET honours Range. `cut` makes GETs stop at that byte (then 500)."""

    def __init__(self, content: bytes = CONTENT, etag: str = SHA) -> None:
        self.content, self.etag = content, etag
        self.cut: int | None = None
        self.ranges: list[str] = []
        self.requests = 0

    def __call__(self, request: Request) -> Response:
        self.requests += 1
        size = len(self.content)
        headers = {"X-Repo-Commit": REV, "ETag": f'"{self.etag}"', "X-Linked-Etag": f'"{self.etag}"',
                   "X-Linked-Size": str(size), "Accept-Ranges": "bytes"}
        if request.method == "HEAD":
            return Response(b"", 200, {**headers, "Content-Length": str(size)})
        start = 0
        rng = request.headers.get("Range")
        if rng:
            self.ranges.append(rng)
            start = int(re.match(r"bytes=(\d+)-", rng).group(1))
        if self.cut is not None and start >= self.cut:
            return Response(b"broken", 500)
        end = size if self.cut is None else self.cut
        body = self.content[start:]

        def stream():
            yield self.content[start:end]
            if end < size:
                raise ConnectionResetError("the connection dropped")  # the client gets a short body

        status = 206 if rng else 200
        if rng:
            headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        return Response(stream(), status, {**headers, "Content-Length": str(len(body))}, direct_passthrough=True)


def entry(name: str = "tiny", sha256: str | None = SHA, size: int | None = None) -> models.ModelSpec:
    return models.parse_spec(name, {
        "kind": "inpaint", "head": "lama", "title": f"Tiny {name}", "repo": f"test/{name}", "revision": REV,
        "files": [{"role": "model", "path": "onnx/model.onnx", "sha256": sha256, "size": size, "size_mb": 0.3}],
        "licence": "test",
    })  # fmt: skip


@pytest.fixture(autouse=True)
def online(monkeypatch):
    """These tests download (from the local stand-in hub), whatever the suite's HF_HUB_OFFLINE says
    (huggingface_hub reads it once, when first imported)."""
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


@pytest.fixture
def hub(server):
    models.forget_failures()
    fake = FakeHub()
    server.expect_request(re.compile(r"/test/.+/resolve/.+")).respond_with_handler(fake)
    fake.endpoint = server.url_for("").rstrip("/")
    yield fake
    models.forget_failures()


@pytest.fixture
def settings(tmp_path):
    return load_settings(tmp_path / "data", env={})


def test_a_good_download_is_checked_recorded_and_then_found_without_the_network(hub, settings):
    seen = []
    path = models.ensure(entry(), lambda done, total, msg: seen.append((done, total, msg)), settings,
                         endpoint=hub.endpoint)
    assert path == settings_models(settings) / "tiny" / "onnx" / "model.onnx"
    assert path.read_bytes() == CONTENT
    assert seen and seen[-1][:2] == (len(CONTENT), len(CONTENT)) and "Tiny tiny" in seen[-1][2]
    marker = json.loads((path.parents[1] / ".imgedit.json").read_text())
    assert marker["revision"] == REV and marker["files"]["onnx/model.onnx"]["sha256"] == SHA
    before = hub.requests
    assert models.is_present(entry(), settings)
    assert models.ensure(entry(), None, settings, endpoint=hub.endpoint) == path
    assert hub.requests == before  # found on disk: no request at all


def settings_models(settings):
    return models.models_dir(settings)


def test_an_interrupted_download_resumes_where_it_stopped(hub, settings, monkeypatch):
    # huggingface_hub writes what it read in 10 MB chunks; small chunks stand in for a large model here
    monkeypatch.setattr("huggingface_hub.constants.DOWNLOAD_CHUNK_SIZE", 10_000)
    hub.cut = 100_000
    with pytest.raises(models.ModelUnavailable, match="resumes"):
        models.ensure(entry(), None, settings, endpoint=hub.endpoint)
    partial = list((settings_models(settings) / "tiny").rglob("*.incomplete"))
    assert len(partial) == 1 and partial[0].stat().st_size == 100_000
    # remembered: the next upload does not try again in this process
    requests = hub.requests
    with pytest.raises(models.ModelUnavailable, match="a later try resumes"):
        models.ensure(entry(), None, settings, endpoint=hub.endpoint)
    assert hub.requests == requests and "resumes" in models.failure(entry(), settings)
    models.forget_failures()
    hub.cut, hub.ranges = None, []
    path = models.ensure(entry(), None, settings, endpoint=hub.endpoint)
    assert path.read_bytes() == CONTENT
    assert hub.ranges == ["bytes=100000-"]  # only the missing part was fetched


def test_a_bad_checksum_deletes_the_file_and_is_reported(hub, settings):
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(models.ModelUnavailable, match="checksum") as err:
        models.ensure(entry(sha256=wrong), None, settings, endpoint=hub.endpoint)
    assert "deleted" in err.value.message
    assert not (settings_models(settings) / "tiny" / "onnx" / "model.onnx").exists()
    assert not models.is_present(entry(sha256=wrong), settings)


def test_without_a_pinned_sha256_the_hubs_lfs_sha256_is_checked(hub, settings):
    hub.etag = hashlib.sha256(b"what the hub says it holds").hexdigest()
    with pytest.raises(models.ModelUnavailable, match="checksum"):
        models.ensure(entry(sha256=None), None, settings, endpoint=hub.endpoint)
    models.forget_failures()
    hub.etag = SHA
    assert models.ensure(entry(sha256=None), None, settings, endpoint=hub.endpoint).read_bytes() == CONTENT


def test_a_wrong_size_is_refused_like_a_wrong_checksum(hub, settings):
    with pytest.raises(models.ModelUnavailable, match="checksum"):
        models.ensure(entry(sha256=None, size=len(CONTENT) + 1), None, settings, endpoint=hub.endpoint)


def test_offline_never_touches_the_network_and_says_what_to_do(hub, tmp_path):
    offline = load_settings(tmp_path / "data", {"models_offline": True}, env={})
    with pytest.raises(models.ModelUnavailable, match="downloads are off") as err:
        models.ensure(entry(), None, offline, endpoint=hub.endpoint)
    assert f"put the files into {models.models_dir(offline)} (`python -m lib_imgedit models` lists them)" in err.value.message
    assert hub.requests == 0
    # a file put there by hand is used offline when it matches the pinned sha256 ...
    target = models.models_dir(offline) / "tiny" / "onnx" / "model.onnx"
    target.parent.mkdir(parents=True)
    target.write_bytes(CONTENT)
    models.forget_failures()
    assert models.ensure(entry(), None, offline) == target
    # ... and refused when it does not
    target.write_bytes(b"not the model")
    (target.parents[1] / ".imgedit.json").unlink()
    with pytest.raises(models.ModelUnavailable, match="downloads are off"):
        models.ensure(entry("tiny"), None, offline)
    assert hub.requests == 0


def test_hf_hub_offline_counts_as_offline(hub, settings, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(models.ModelUnavailable, match="downloads are off"):
        models.ensure(entry(), None, settings, endpoint=hub.endpoint)
    assert hub.requests == 0


def test_an_unreachable_hub_is_a_clear_error(settings):
    models.forget_failures()
    with pytest.raises(models.ModelUnavailable, match="the model hub cannot be reached"):
        models.ensure(entry(), None, settings, endpoint="http://127.0.0.1:9")
    models.forget_failures()


def test_models_folder_setting_then_host_then_data_dir(tmp_path, settings):
    assert models.models_dir(settings) == tmp_path / "data" / "models"
    models.set_host_models_dir(tmp_path / "webui" / "models" / "imgedit")
    try:
        assert models.models_dir(settings) == tmp_path / "webui" / "models" / "imgedit"
        chosen = settings.update({"models_dir": str(tmp_path / "mine")})
        assert models.models_dir(chosen) == tmp_path / "mine"
    finally:
        models.set_host_models_dir(None)


def test_the_catalogue_pins_full_revisions_and_refuses_bad_entries():
    for spec in models.catalog().values():
        assert re.fullmatch(r"[0-9a-f]{40}", spec.revision) and spec.licence and spec.files
        assert all(f.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", f.sha256) for f in spec.files)
    assert set(models.catalog()) >= {"segformer_ade20k", "maskformer_coco", "human_parsing", "clipseg", "lama"}
    assert models.spec("clipseg").file("tokenizer").path == "tokenizer.json"
    good = {"kind": "semantic", "head": "segformer", "repo": "a/b", "revision": REV, "licence": "x",
            "files": [{"role": "model", "path": "m.onnx"}], "labels": ["sky"]}
    with pytest.raises(ValueError, match="revision"):
        models.parse_spec("bad", {**good, "revision": "main"})
    with pytest.raises(ValueError, match="kind"):
        models.parse_spec("bad", {**good, "kind": "magic"})
    with pytest.raises(ValueError, match="unknown classes"):
        models.parse_spec("bad", {**good, "vocabulary": {"skye": "sky"}})
    with pytest.raises(ValueError, match="sha256"):
        models.parse_spec("bad", {**good, "files": [{"role": "model", "path": "m.onnx", "sha256": "abc"}]})
    with pytest.raises(KeyError, match="known"):
        models.spec("no_such_model")


def test_the_models_command_lists_downloads_with_a_bar_and_says_why_not(hub, settings, monkeypatch, capsys):
    """`python -m lib_imgedit models`: every catalogued model with size, licence, files and state; `models
    download NAME` fetches it (a progress bar on stderr), after which it is listed as verified; a download
    that cannot be done is one sentence and exit status 1."""
    import functools

    from lib_imgedit.app import cli
    from lib_imgedit.models.listing import model_list

    data = ["--data-dir", settings.data_dir]
    assert cli.main([*data, "models"]) == 0
    out = capsys.readouterr().out
    for name, s in models.catalog().items():
        assert f"{name}: {s.title}  {s.size_mb:.0f} MB, missing" in out and s.licence in out
        assert all(f"{models.models_dir(settings) / name}/{f.path}" in out for f in s.files)
    assert "[not used: Only models that allow commercial use is on]" in out and "set HF_ENDPOINT for a mirror" in out
    rows = {r["name"]: r for r in model_list(settings)}
    assert rows["segformer_ade20k"]["commercial"] is False and rows["clipseg"]["commercial"] is True

    monkeypatch.setitem(models.catalog(), "tiny", entry())
    monkeypatch.setattr(models, "ensure_files", functools.partial(models.ensure_files, endpoint=hub.endpoint))
    assert cli.main([*data, "models", "download", "tiny"]) == 0
    printed = capsys.readouterr()
    assert "tiny: downloaded into" in printed.out and "100%" in printed.err and "307k/307k" in printed.err
    assert {"present": True, "verified": True}.items() <= {r["name"]: r for r in model_list(settings)}["tiny"].items()
    assert cli.main([*data, "models", "download", "tiny"]) == 0 and "tiny: already in" in capsys.readouterr().out

    monkeypatch.setitem(models.catalog(), "gone", entry("gone", sha256=None))
    hub.etag = "0" * 64
    assert cli.main([*data, "models", "download", "gone"]) == 1
    printed = capsys.readouterr()
    assert "\nCould not get Tiny gone (onnx/model.onnx failed its checksum and was deleted): " in printed.err
    assert "Traceback" not in printed.err and printed.err.count("Could not get") == 1
    assert cli.main([*data, "models", "download", "nothing"]) == 2 and "no model nothing; known: " in capsys.readouterr().err


def test_the_model_hub_address_setting_is_where_models_come_from(hub, settings):
    """A mirror set in Settings (`hf_endpoint`) is asked, with no endpoint passed by the caller."""
    mirrored = settings.update({"hf_endpoint": hub.endpoint})
    path = models.ensure(entry(), None, mirrored)
    assert path.read_bytes() == CONTENT and hub.requests > 0


def test_the_models_list_names_the_hub_it_downloads_from(settings, monkeypatch):
    from lib_imgedit.models.listing import format_list, model_list

    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert "Hub: https://huggingface.co " in format_list(model_list(settings), settings)
    mirrored = settings.update({"hf_endpoint": "https://mirror.example"})
    assert "Hub: https://mirror.example (" in format_list(model_list(mirrored), mirrored)
