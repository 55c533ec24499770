"""A real OCI registry on loopback for the image tests: Debian's docker-registry, started and stopped here.

    registry.py start [--port N]   start it (storage in a fresh directory), wait until it answers (30 s)
    registry.py stop               stop it (SIGTERM, then SIGKILL after 10 s)

The registry listens on 127.0.0.1 only, over plain HTTP (skopeo: `--dest-tls-verify=false`). Its state is in
$XPY_IMAGE_HOME/run (default /opt/rules_xpy-image/run): pid, config, log and storage. tools/image/setup installs it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HOME = Path(os.environ.get("XPY_IMAGE_HOME", "/opt/rules_xpy-image"))
RUN = HOME / "run"
CONFIG = """version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop() -> None:
    pid_file = RUN / "registry.pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text())
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    pid_file.unlink()


def start(port: int) -> str:
    stop()
    binary = shutil.which("docker-registry")
    if not binary:
        sys.exit("ERROR: no docker-registry: run tools/image/setup")
    shutil.rmtree(RUN / "storage", ignore_errors=True)
    (RUN / "storage").mkdir(parents=True)
    config = RUN / "registry.yml"
    config.write_text(CONFIG.format(storage=RUN / "storage", port=port))
    with (RUN / "registry.log").open("w") as log:
        proc = subprocess.Popen(
            [binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    (RUN / "registry.pid").write_text(str(proc.pid))
    url = f"http://127.0.0.1:{port}/v2/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(
                f"ERROR: docker-registry exited with {proc.returncode}: {(RUN / 'registry.log').read_text()[-2000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    stop()
    sys.exit(f"ERROR: docker-registry did not answer on {url} within 30 s")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="registry", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("start", "stop"))
    parser.add_argument("--port", type=int, default=5077)
    args = parser.parse_args(argv)
    if args.command == "start":
        print(start(args.port))
    else:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
