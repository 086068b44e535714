"""What people deploy with (Dockerfile, Kubernetes manifests, the CI workflow) cannot be run here, so
it is parsed and checked against the commands, ports and variables README.md documents."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from lib_imgedit.app.cli import build_parser
from lib_imgedit.core.config import Settings

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


def manifest_files() -> list[Path]:
    return sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")


def manifests() -> list[dict]:
    docs = []
    for path in manifest_files():
        docs += [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d]
    return docs


def kustomizations() -> dict[Path, dict]:
    return {p.parent: yaml.safe_load(p.read_text("utf-8")) for p in sorted(K8S.rglob("kustomization.yaml"))}


def workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text("utf-8"))


def triggers(flow: dict) -> dict:
    return flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true


def healthcheck() -> list[str]:
    return json.loads(dockerfile()["HEALTHCHECK"][0].split("CMD", 1)[1])


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
    health = healthcheck()
    assert f"127.0.0.1:{args.port}/healthz" in health[-1]
    compile(health[-1], "healthcheck", "exec")
    assert d["USER"] != ["root"] and d["USER"]


def test_the_healthcheck_route_exists(settings):
    from lib_imgedit.app.standalone import create_app
    from lib_imgedit.engine.service import EditService

    assert "/healthz" in {getattr(r, "path", "") for r in create_app(EditService(settings), with_ui=False).routes}


def test_kubernetes_replicas_share_redis_and_storage():
    text = readme()
    # every manifest belongs to one kustomization; each resource is a file or another kustomization
    listed = []
    for folder, kustomization in kustomizations().items():
        for resource in kustomization["resources"]:
            path = (folder / resource).resolve()
            assert path.is_file() or (path / "kustomization.yaml").is_file(), f"{folder}: no {resource}"
            listed += [path] if path.is_file() else []
        if folder != K8S / "base":
            assert f"kubectl apply -k {folder.relative_to(ROOT).as_posix()}" in text
    assert sorted(listed) == manifest_files()

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
    ci = workflow("ci.yml")
    assert {"push", "pull_request"} <= set(triggers(ci))
    steps = [s for job in ci["jobs"].values() for s in job["steps"]]
    assert any(s.get("run") == "bash .ci/run" for s in steps)
    assert all(job.get("timeout-minutes", 999) <= 20 for job in ci["jobs"].values())


def step(job: dict, action: str) -> dict:
    found = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"one {action} step"
    return found[0]


def test_release_workflow_publishes_the_image_the_manifests_run():
    """A version tag builds deploy/Dockerfile after the tests pass and pushes it to GitHub's registry
    under this repository's name with the workflow's own token; deploy/k8s/app runs that image by tag."""
    release = workflow("release.yml")
    assert triggers(release) == {"push": {"tags": ["v*.*.*"]}}
    assert release["permissions"] == {"contents": "read"}  # write access only where it is needed
    image_job = release["jobs"]["image"]
    assert image_job["permissions"]["packages"] == "write" and image_job["needs"] == "test"
    assert any(s.get("run") == "bash .ci/run" for s in release["jobs"]["test"]["steps"])
    login = step(image_job, "docker/login-action")["with"]
    assert login == {"registry": "ghcr.io", "username": "${{ github.actor }}", "password": "${{ secrets.GITHUB_TOKEN }}"}
    meta = step(image_job, "docker/metadata-action")
    assert meta["with"]["images"] == "ghcr.io/${{ github.repository }}"
    assert "type=semver,pattern={{version}}" in meta["with"]["tags"].splitlines()
    build = step(image_job, "docker/build-push-action")["with"]
    assert (ROOT / build["file"]) == ROOT / "deploy" / "Dockerfile" and build["context"] == "." and build["push"] is True
    assert build["tags"] == "${{ steps." + meta["id"] + ".outputs.tags }}"

    # the app's image is ghcr.io/<the repository the WebUI replicas clone>, tagged with a version
    clone = find("Deployment", "sd-webui")["spec"]["template"]["spec"]["initContainers"][0]["args"]
    repository = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", clone[-2]).group(1)
    app = find("Deployment", "imgedit")["spec"]["template"]["spec"]
    container = app["containers"][0]
    assert container["image"].split(":")[0] == f"ghcr.io/{repository}"
    pinned = kustomizations()[K8S / "app"]["images"]
    assert [i["name"] for i in pinned] == [container["image"]]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned[0]["newTag"]), "a tag the workflow publishes: 1.2.3, no v"
    assert "command" not in container and "args" not in container  # the image's own CMD

    # the image's port, user and health check
    d = dockerfile()
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert [str(ports["http"])] == d["EXPOSE"] == [str(serve_args(json.loads(d["CMD"][-1])).port)]
    assert str(app["securityContext"]["runAsUser"]) == run_uid(d) and app["securityContext"]["runAsNonRoot"]
    assert container["readinessProbe"]["exec"]["command"] == healthcheck()
    front = find("Service", "imgedit")
    assert front["spec"]["ports"][0]["targetPort"] == "http" and front["spec"]["selector"] == app_labels(find("Deployment", "imgedit"))

    # the same shared Redis and volume as the WebUI replicas; every IMGEDIT_* is a setting or the sign-in
    env = {e["name"]: e.get("value") for e in container["env"]}
    webui_env = {e["name"]: e.get("value") for e in find("Deployment", "sd-webui")["spec"]["template"]["spec"]["containers"][0]["env"]}
    for name in ("IMGEDIT_STORE", "IMGEDIT_REDIS_URL", "IMGEDIT_DATA_DIR"):
        assert env[name] == webui_env[name]
    settings = {name for name, _, _ in Settings.field_meta()}
    assert all(n[8:].lower() in settings or n == "IMGEDIT_API_AUTH" for n in env if n.startswith("IMGEDIT_"))
    assert "IMGEDIT_API_AUTH" in (ROOT / "lib_imgedit" / "app" / "cli.py").read_text("utf-8")
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in app["volumes"]}
    shared = [n for n, path in mounts.items() if env["IMGEDIT_DATA_DIR"].startswith(path + "/")]
    assert [claims[n] for n in shared] == ["imgedit-shared"]
    for e in container["env"]:
        if re.search(r"KEY|AUTH|PASSWORD|TOKEN", e["name"]):
            assert "value" not in e and "secretKeyRef" in e["valueFrom"], e["name"]


def run_uid(d: dict[str, list[str]]) -> str:
    """The uid the image runs as: USER by name, created with `useradd --uid N`."""
    user = d["USER"][-1]
    made = re.search(rf"useradd --uid (\d+)[^&]* {user}\b", " ".join(d["RUN"]))
    return made.group(1) if made else user


def app_labels(deployment: dict) -> dict:
    return deployment["spec"]["template"]["metadata"]["labels"]


def test_ci_script_installs_redis_and_chromium_when_missing():
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert re.search(r"command -v redis-server[^\n]*\|\| missing\+=\(redis-server\)", script)
    assert re.search(r"\[ -x /usr/bin/chromium \][^\n]*\|\| missing\+=\(chromium\)", script)
    assert re.search(r'apt-get install [^\n]*"\$\{missing\[@\]\}"', script)
    assert "IMGEDIT_TEST_REQUIRE_REDIS=1" in script and "IMGEDIT_TEST_REQUIRE_BROWSER=1" in script
    assert script.index("apt-get install") < script.index(".venv/bin/python -m pytest")


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in K8S.rglob("*.yaml")))
def test_manifests_are_well_formed(path):
    for doc in filter(None, yaml.safe_load_all((ROOT / path).read_text("utf-8"))):
        assert doc.get("apiVersion") and doc.get("kind"), path
        assert doc["kind"] == "Kustomization" or doc["metadata"]["name"], path
