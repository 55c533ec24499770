"""Start and stop the RBE harness on loopback: PostgreSQL 15, BuildGrid 0.4.4 and two workers.

    harness.py start | stop | status | restart-server [QUEUE_TIMEOUT]
    harness.py stop-worker NAME | start-worker NAME [ID] | kill-worker NAME

Workers: `amd64` (OSFamily=Linux Arch=amd64) runs actions natively;
`arm64` (OSFamily=Linux Arch=arm64) runs each action chrooted into the Debian
arm64 root, under qemu-user. Each appends what it ran to records/<name>.jsonl.
Run as root, with the BuildGrid venv's python (tools/rbe/start does both).
`stop` undoes everything `start` did: processes, the database, the
binfmt_misc registration (when `start` made it). `start-worker NAME ID` starts
another worker of kind NAME under the bot id ID (default `worker-NAME`), e.g. a
second arm64 one. `kill-worker` ends the workers of kind NAME with SIGKILL, as
a machine that dies would (they cannot leave the pool: BuildGrid drops their
session after the keepalive timeout and queues their job again).
`restart-server` stops and starts BuildGrid, with another queue timeout if
given (PostgreSQL, and so the queue, stays; the in-memory CAS and action cache
start empty).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from arm64root import Arm64Error, register_binfmt, unregister_binfmt

HERE = Path(__file__).resolve().parent
HOME = Path(os.environ.get("XPY_RBE_HOME", "/opt/rules_xpy-rbe"))
RUN = HOME / "run"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 55432
SERVER_PORT = 50051
SERVER = f"127.0.0.1:{SERVER_PORT}"
QUEUE_TIMEOUT = int(os.environ.get("XPY_RBE_QUEUE_TIMEOUT", "90"))
WORKERS = {
    "amd64": ["OSFamily=Linux", "Arch=amd64"],
    "arm64": ["OSFamily=Linux", "Arch=arm64"],
}
PG_URL = f"postgresql+psycopg2://bgd@127.0.0.1:{PG_PORT}/bgd"


class HarnessError(Exception):
    pass


def log(message: str) -> None:
    print(f"[rbe {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(*cmd: str | Path, user: str | None = None, check: bool = True) -> None:
    argv = [str(c) for c in cmd]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    proc = subprocess.run(argv, capture_output=True, text=True)
    if check and proc.returncode:
        raise HarnessError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")


def spawn(name: str, argv: list[str]) -> None:
    """Starts a daemon in its own session; its pid goes to run/<name>.pid, its output to run/<name>.log."""
    with (RUN / f"{name}.log").open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=HERE)
    (RUN / f"{name}.pid").write_text(str(proc.pid))


def kill(name: str, sig: int = signal.SIGTERM) -> bool:
    """Stops the daemon `name` (and its process group) with `sig`, SIGKILL after 5 s; True if it was running."""
    pid_file = RUN / f"{name}.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    pid_file.unlink()
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return False
    for _ in range(100):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)
    return True


def port_busy(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for_server(deadline: float) -> None:
    import grpc
    from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re
    from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2_grpc as rg

    stub = rg.CapabilitiesStub(grpc.insecure_channel(SERVER))
    while True:
        try:
            stub.GetCapabilities(re.GetCapabilitiesRequest(instance_name=""), timeout=1)
            return
        except grpc.RpcError as e:
            if time.monotonic() > deadline:
                raise HarnessError(f"BuildGrid did not answer on {SERVER} within 60 s; see {RUN / 'server.log'}") from e
            time.sleep(0.1)


def start_worker(name: str, bot_id: str = "") -> None:
    """Start a worker of kind `name` (amd64, arm64) as `bot_id` (default worker-<name>); records go to <name>.jsonl."""
    bot_id = bot_id or f"worker-{name}"
    argv = [sys.executable, str(HERE / "bot.py"), "--server", SERVER, "--name", bot_id]
    argv += ["--records", str(RUN / "records" / f"{name}.jsonl"), *WORKERS[name]]
    if name == "arm64":
        # A private mount namespace: the /proc and /dev mounts inside the root vanish with the worker.
        argv = ["unshare", "--mount", "--propagation", "private", *argv, "--root", str(HOME / "arm64-root")]
    logfile = RUN / f"{bot_id}.log"
    start = logfile.stat().st_size if logfile.exists() else 0
    spawn(bot_id, argv)
    deadline = time.monotonic() + 60
    while " session " not in logfile.read_text()[start:]:  # the worker logs its session once BuildGrid knows it
        if not alive(bot_id) or time.monotonic() > deadline:
            raise HarnessError(f"worker {bot_id} did not start:\n{logfile.read_text()[-2000:]}")
        time.sleep(0.1)


def workers_of(name: str) -> list[str]:
    """The bot ids of the running workers of kind `name` (their pid files)."""
    return sorted(
        p.stem for p in RUN.glob("worker-*.pid") if p.stem == f"worker-{name}" or p.stem.startswith(f"worker-{name}-")
    )


def alive(name: str) -> bool:
    try:
        os.kill(int((RUN / f"{name}.pid").read_text()), 0)
        return True
    except (FileNotFoundError, ProcessLookupError):
        return False


def start() -> None:
    t0 = time.monotonic()
    if (RUN / "server.pid").exists():
        raise HarnessError(f"already running ({RUN}); run tools/rbe/stop first")
    for port in (PG_PORT, SERVER_PORT):
        if port_busy(port):
            raise HarnessError(f"port {port} on 127.0.0.1 is in use; stop what listens there (tools/rbe/stop?)")
    shutil.rmtree(RUN, ignore_errors=True)
    (RUN / "records").mkdir(parents=True)
    (RUN / "binfmt.done").write_text("\n".join(register_binfmt()))
    pg = RUN / "pg"
    pg.mkdir()
    shutil.chown(pg, "postgres")
    run(PG_BIN / "initdb", "-D", pg / "data", "-A", "trust", "-U", "bgd", "--no-sync", "-E", "UTF8", user="postgres")
    opts = f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -k {pg} -c fsync=off -c synchronous_commit=off"
    run(PG_BIN / "pg_ctl", "-D", pg / "data", "-l", pg / "pg.log", "-w", "start", "-o", opts, user="postgres")
    run(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "bgd", "bgd", user="postgres")
    bgd = Path(sys.executable).parent / "bgd"
    run(bgd, "migrate", "apply", PG_URL)
    start_server()
    for name in WORKERS:
        start_worker(name)
    workers = ", ".join(WORKERS)
    log(f"up in {time.monotonic() - t0:.1f} s: BuildGrid on grpc://{SERVER}, workers {workers}; logs in {RUN}")


def start_server(queue_timeout: int = QUEUE_TIMEOUT) -> None:
    config = (HERE / "bgd.yml").read_text().replace("@PG_PORT@", str(PG_PORT))
    (RUN / "bgd.yml").write_text(config.replace("@QUEUE_TIMEOUT@", str(queue_timeout)))
    bgd = Path(sys.executable).parent / "bgd"
    spawn("server", [str(bgd), "server", "start", "-v", str(RUN / "bgd.yml")])
    wait_for_server(time.monotonic() + 60)


def stop() -> None:
    for name in [*(w for kind in WORKERS for w in workers_of(kind)), "server"]:
        kill(name)
    pg = RUN / "pg" / "data"
    if pg.exists():
        run(PG_BIN / "pg_ctl", "-D", pg, "-m", "immediate", "-w", "stop", user="postgres", check=False)
    done = RUN / "binfmt.done"
    if done.exists():
        unregister_binfmt(done.read_text().split())
        done.unlink()
    shutil.rmtree(RUN / "pg", ignore_errors=True)
    for leftover in (HOME / "arm64-root" / "work").glob("*"):
        shutil.rmtree(leftover, ignore_errors=True)
    log("stopped")


def status() -> int:
    print(f"server: {'running' if alive('server') else 'stopped'}")
    for kind in WORKERS:
        running = [w for w in workers_of(kind) if alive(w)]
        print(f"worker-{kind}: {'running' if running else 'stopped'}" + (f" ({', '.join(running)})" if running else ""))
    return 0 if alive("server") else 1


def main(argv: list[str]) -> int:
    if os.geteuid() != 0:
        print("tools/rbe: must run as root (PostgreSQL as user postgres, chroot, binfmt_misc)", file=sys.stderr)
        return 2
    try:
        match argv:
            case ["start"]:
                start()
            case ["stop"]:
                stop()
            case ["status"]:
                return status()
            case ["stop-worker", name] if name in WORKERS:
                stopped = [w for w in workers_of(name) if kill(w)]
                log(f"workers {name} {'stopped: ' + ', '.join(stopped) if stopped else 'were not running'}")
            case ["start-worker", name, *bot_id] if name in WORKERS and len(bot_id) <= 1:
                start_worker(name, *bot_id)
                log(f"worker {name} started")
            case ["kill-worker", name] if name in WORKERS:
                killed = [w for w in workers_of(name) if kill(w, signal.SIGKILL)]
                log(f"workers {name} {'killed: ' + ', '.join(killed) if killed else 'were not running'}")
            case ["restart-server", *timeout] if len(timeout) <= 1 and all(t.isdigit() for t in timeout):
                kill("server")
                start_server(*(int(t) for t in timeout))
                log("server restarted")
            case _:
                print(__doc__, file=sys.stderr)
                return 2
    except (HarnessError, Arm64Error) as e:
        log(f"error: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
