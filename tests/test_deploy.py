"""What people deploy with (Dockerfile, Kubernetes manifests, the CI workflow) cannot be run here, so
it is parsed and checked against the commands, ports and variables README.md documents."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from lib_imgedit.__main__ import build_parser
from lib_imgedit.config import Settings

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"


def readme() -> str:
    return (ROOT / "README.md").read_text("utf-8")


def readme_command(starts: str) -> list[str]:
    lines = [b.strip() for b in re.findall(r"```bash\n(.*?)```", readme(), re.S) if b.strip().startswith(starts)]
    assert len(lines) == 1, f"README.md must show one `{starts} ...` command"
    return shlex.split(lines[0])


def dockerfile() -> dict[str, list[str]]:
    """Instruction -> its arguments (the last one wins), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "deploy" / "Dockerfile").read_text("utf-8"))
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            out.setdefault(word.upper(), []).append(rest.strip())
    return out


def manifests() -> list[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d]
    return docs


def find(kind: str, name: str) -> dict:
    found = [d for d in manifests() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"no single {kind} {name}"
    return found[0]


def serve_args(argv: list[str]):
    """Parse a documented command line with the real parser: an unknown flag fails here."""
    assert argv[:3] == ["python", "-m", "lib_imgedit"], argv
    args = build_parser().parse_args(argv[3:])
    assert args.command == "serve"
    return args


def test_dockerfile_serves_what_readme_documents():
    d = dockerfile()
    cmd = json.loads(d["CMD"][-1])
    args = serve_args(cmd)
    assert args.host == "0.0.0.0"
    assert d["EXPOSE"] == [str(args.port)]
    build, run = " ".join(readme_command("docker build")).split(" && ")
    assert "-f deploy/Dockerfile" in build
    assert f"-p {args.port}:{args.port}" in run and "-v imgedit-data:/data" in run
    env = dict(item.split("=", 1) for item in " ".join(d["ENV"]).split())
    assert env["IMGEDIT_DATA_DIR"] == "/data" and d["VOLUME"] == ["/data"]
    for source in (s.split()[0] for s in d["COPY"]):
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
    health = json.loads(d["HEALTHCHECK"][0].split("CMD", 1)[1])
    assert f"127.0.0.1:{args.port}/healthz" in health[-1]
    compile(health[-1], "healthcheck", "exec")
    assert d["USER"] != ["root"] and d["USER"]


def test_the_healthcheck_route_exists(settings):
    from lib_imgedit.service import EditService
    from lib_imgedit.standalone import create_app

    assert "/healthz" in {getattr(r, "path", "") for r in create_app(EditService(settings), with_ui=False).routes}


def test_kubernetes_replicas_share_redis_and_storage():
    text = readme()
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    assert sorted(kustomization["resources"]) == sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    assert "kubectl apply -k deploy/k8s" in text

    webui = find("Deployment", "sd-webui")
    assert webui["spec"]["replicas"] >= 2 and f"{webui['spec']['replicas']} WebUI replicas" in text
    spec = webui["spec"]["template"]["spec"]
    container = spec["containers"][0]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
    assert container["args"][container["args"].index("--port") + 1] == str(port) and "--api" in container["args"]
    assert f"port {port}" in text
    env = {e["name"]: e.get("value") for e in container["env"]}
    settings = {name for name, _, _ in Settings.field_meta()}
    for name in env:
        if name.startswith("IMGEDIT_"):
            assert name[8:].lower() in settings, f"{name} is not a setting"
        documented = re.search(rf"`{name}=([^`]+)`", text)
        if documented:
            assert documented.group(1) == env[name], f"README says {name}={documented.group(1)}"
    store_choices = {name: meta["choices"] for name, _, meta in Settings.field_meta()}["store"]
    assert env["IMGEDIT_STORE"] == "redis" and "redis" in store_choices

    # the Redis URL points at the Redis Service, whose port reaches the Redis container
    url = re.fullmatch(r"redis://([\w-]+):(\d+)/\d+", env["IMGEDIT_REDIS_URL"])
    assert url, env["IMGEDIT_REDIS_URL"]
    service = find("Service", url.group(1))
    assert int(url.group(2)) == service["spec"]["ports"][0]["port"] and f"{url.group(1)}:{url.group(2)}" in text
    redis = find("Deployment", url.group(1))
    redis_ports = {p["name"]: p["containerPort"] for p in redis["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert redis_ports[service["spec"]["ports"][0]["targetPort"]] == 6379
    assert service["spec"]["selector"] == redis["spec"]["template"]["metadata"]["labels"]

    # the data folder is on the ReadWriteMany volume every replica mounts
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    shared = [n for n, path in mounts.items() if env["IMGEDIT_DATA_DIR"].startswith(path + "/")]
    assert len(shared) == 1
    claim = find("PersistentVolumeClaim", volumes[shared[0]]["persistentVolumeClaim"]["claimName"])
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]

    # the extension lands in the WebUI's extensions folder
    init = spec["initContainers"][0]
    target = init["args"][-1]
    assert any(m["mountPath"] == target for m in init["volumeMounts"])
    ext_mount = [m for m in container["volumeMounts"] if m["name"] == init["volumeMounts"][0]["name"]][0]
    assert ext_mount["mountPath"] == f"{container['workingDir']}/extensions/sd-webui-imgedit"

    # the public Service reaches the WebUI port; secrets come from a Secret, never from the manifest
    front = find("Service", "sd-webui")
    assert front["spec"]["ports"][0]["targetPort"] in ("http", port) and front["spec"]["selector"] == webui["spec"]["selector"]["matchLabels"]
    for e in container["env"]:
        if re.search(r"KEY|AUTH|PASSWORD|TOKEN", e["name"]):
            assert "value" not in e and "secretKeyRef" in e["valueFrom"], e["name"]


def test_standalone_replica_command_matches_the_manifests():
    args = serve_args(readme_command("python -m lib_imgedit serve"))
    env = {e["name"]: e.get("value") for e in find("Deployment", "sd-webui")["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert args.set_store == env["IMGEDIT_STORE"] == "redis"
    assert args.set_redis_url == env["IMGEDIT_REDIS_URL"] and args.data_dir == env["IMGEDIT_DATA_DIR"]
    assert str(args.port) in " ".join(json.loads(dockerfile()["CMD"][-1]))


def test_ci_workflow_runs_the_ci_script():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("run") == "bash .ci/run" for s in steps)
    assert all(job.get("timeout-minutes", 999) <= 20 for job in workflow["jobs"].values())


def test_ci_script_installs_redis_and_chromium_when_missing():
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert re.search(r"command -v redis-server[^\n]*\|\| missing\+=\(redis-server\)", script)
    assert re.search(r"\[ -x /usr/bin/chromium \][^\n]*\|\| missing\+=\(chromium\)", script)
    assert re.search(r'apt-get install [^\n]*"\$\{missing\[@\]\}"', script)
    assert "IMGEDIT_TEST_REQUIRE_REDIS=1" in script and "IMGEDIT_TEST_REQUIRE_BROWSER=1" in script
    assert script.index("apt-get install") < script.index(".venv/bin/python -m pytest")


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in K8S.glob("*.yaml")))
def test_manifests_are_well_formed(path):
    for doc in filter(None, yaml.safe_load_all((ROOT / path).read_text("utf-8"))):
        assert doc.get("apiVersion") and doc.get("kind"), path
        assert doc["kind"] == "Kustomization" or doc["metadata"]["name"], path
