"""A REAPI worker for BuildGrid's Bots API: runs leased actions and records each one.

    bot.py --server HOST:PORT --name NAME --records FILE [--root ARM64_ROOT] KEY=VALUE...

The KEY=VALUE pairs are the platform properties the worker advertises (e.g.
OSFamily=Linux Arch=arm64); BuildGrid routes to it the actions whose
properties it has. Without --root, actions run natively on the host. With
--root, each action runs chrooted into that Debian arm64 root, under
qemu-user: it sees an aarch64 machine (uname, python3.11, gcc). The worker
must then be started in a private mount namespace (tools/rbe/harness.py does).

Each executed action appends one JSON line to --records: the worker, its
properties, the machine the action saw, the command, the outputs and the exit
code. Tests read these records to prove where an action ran.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import grpc
from arm64root import Arm64Error, chroot_command, private_mounts
from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re
from buildgrid._protos.google.devtools.remoteworkers.v1test2 import bots_pb2 as bp
from buildgrid._protos.google.devtools.remoteworkers.v1test2 import bots_pb2_grpc, worker_pb2
from buildgrid.server.client import cas as bgd_cas
from buildgrid.server.client.cas import download, upload

# BuildGrid's client fills a BatchUpdateBlobs request up to 4 MiB - 1 KiB of blob bytes, but the request's framing
# (a digest per blob, up to 500 blobs) is on top: an output tree of many small files (bytecode) then exceeds the
# server's 4 MiB message limit. Leave room for the framing.
bgd_cas.MAX_REQUEST_SIZE = 3 * 1024 * 1024

DEFAULT_ACTION_TIMEOUT = 900  # seconds; Bazel sets Action.timeout only for tests
INTERNAL = 13
KEEPALIVE_SECONDS = (
    5  # while an action runs; BuildGrid drops a session it has not heard of (bgd.yml) and retries its job
)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


class Terminating(BaseException):
    """SIGTERM: leave the pool (tell BuildGrid) and exit. Like KeyboardInterrupt, it interrupts a pending RPC."""


def _terminate(*_: object) -> None:
    raise Terminating


class Worker:
    def __init__(self, args: argparse.Namespace) -> None:
        self.name = args.name
        self.props = dict(p.split("=", 1) for p in args.properties)
        self.root = Path(args.root) if args.root else None
        self.records = Path(args.records)
        self.channel = grpc.insecure_channel(args.server)
        self.bots = bots_pb2_grpc.BotsStub(self.channel)
        self.machine = self._machine()

    def log(self, *words: object) -> None:
        print(f"[{self.name} {time.strftime('%H:%M:%S')}]", *words, flush=True)

    def _machine(self) -> str:
        """`uname -m` as the actions of this worker see it."""
        if self.root is None:
            return os.uname().machine
        uname = chroot_command(self.root, "/", ["uname", "-m"])
        out = subprocess.run(uname, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def workdir(self) -> Path:
        base = self.root / "work" if self.root else None
        return Path(tempfile.mkdtemp(prefix=f"{self.name}-", dir=base))

    def execute(self, lease: bp.Lease) -> None:
        start = time.monotonic()
        top = self.workdir()
        self.log("start", lease.id)
        lease.state = bp.LeaseState.ACTIVE
        done = threading.Event()
        keepalive = threading.Thread(target=self._keepalive, args=(done,), daemon=True)
        keepalive.start()
        try:
            result = self._run(lease, top, start)
        finally:
            done.set()
            keepalive.join()
            shutil.rmtree(top, ignore_errors=True)
        lease.result.Pack(result)
        lease.state = bp.LeaseState.COMPLETED

    def _keepalive(self, done: threading.Event) -> None:
        """While an action runs, tell BuildGrid the session is alive (its lease ACTIVE), so that a short
        keepalive timeout can tell a dead worker from a busy one."""
        while not done.wait(KEEPALIVE_SECONDS):
            session = bp.BotSession()
            session.CopyFrom(self.current)
            try:
                self.bots.UpdateBotSession(
                    bp.UpdateBotSessionRequest(name=session.name, bot_session=session), timeout=10
                )
            except grpc.RpcError as e:
                self.log("keepalive failed:", e.code())

    def _run(self, lease: bp.Lease, top: Path, start: float) -> re.ActionResult:
        with download(self.channel, instance="") as dl:
            action = re.Action()
            if not lease.payload.Unpack(action):  # the payload is an Action or its digest
                digest = re.Digest()
                lease.payload.Unpack(digest)
                action = dl.get_message(digest, re.Action())
            command = dl.get_message(action.command_digest, re.Command())
            if action.input_root_digest.size_bytes:  # Bazel never uploads the empty Directory
                dl.download_directory(action.input_root_digest, str(top))
        wd = top / command.working_directory
        outputs = list(command.output_paths) or [*command.output_files, *command.output_directories]
        for out in outputs:  # REAPI: the worker creates the outputs' parent directories
            (wd / out).parent.mkdir(parents=True, exist_ok=True)
        env = {e.name: e.value for e in command.environment_variables}
        argv = list(command.arguments)
        if self.root:
            argv = chroot_command(self.root, "/" + str(wd.relative_to(self.root)), argv)
        timeout = action.timeout.seconds or DEFAULT_ACTION_TIMEOUT
        try:
            proc = subprocess.run(argv, cwd=wd, env=env, capture_output=True, timeout=timeout)
            code, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired:
            code, out, err = 124, b"", f"{self.name}: action timed out after {timeout} s".encode()
        except OSError as e:
            code, out, err = 127, b"", f"{self.name}: cannot run {command.arguments[0]}: {e}".encode()
        result = re.ActionResult(exit_code=code)
        uploaded = []
        with upload(self.channel, instance="") as up:
            result.stdout_digest.CopyFrom(up.put_blob(io.BytesIO(out), queue=True))
            result.stderr_digest.CopyFrom(up.put_blob(io.BytesIO(err), queue=True))
            for out_path in outputs:
                path = wd / out_path
                if path.is_symlink():
                    result.output_symlinks.add(path=out_path, target=os.readlink(path))
                elif path.is_dir():
                    result.output_directories.add(path=out_path, tree_digest=up.upload_tree(str(path)))
                elif path.is_file():
                    digest = up.upload_file(str(path))
                    result.output_files.add(path=out_path, digest=digest, is_executable=os.access(path, os.X_OK))
                else:
                    continue
                uploaded.append(out_path)
        seconds = round(time.monotonic() - start, 3)
        self.record(command, code, uploaded, wd, seconds)
        self.log(f"exit={code} in {seconds}s:", " ".join(command.arguments)[:160])
        return result

    def record(self, command: re.Command, code: int, outputs: list[str], wd: Path, seconds: float) -> None:
        entry = {
            "worker": self.name,
            "properties": self.props,
            "machine": self.machine,
            "platform": {p.name: p.value for p in command.platform.properties},
            "arguments": list(command.arguments),
            # Bazel passes long command lines in @param files: their lines, so records show the real flags.
            "params": [line for a in command.arguments if a.startswith("@") for line in _lines(wd / a[1:])],
            "outputs": outputs,
            # The files of output directories (e.g. the wheel a PySdistBuild made), by name.
            "output_files": sorted(f.name for out in outputs if (wd / out).is_dir() for f in (wd / out).rglob("*")),
            "exit_code": code,
            "seconds": seconds,
        }
        with self.records.open("a") as f:
            f.write(json.dumps(entry) + "\n")

    def session(self) -> bp.BotSession:
        device = worker_pb2.Device(
            handle=self.name, properties=[worker_pb2.Device.Property(key=k, value=v) for k, v in self.props.items()]
        )
        session = bp.BotSession(bot_id=self.name, status=bp.BotStatus.OK, worker=worker_pb2.Worker(devices=[device]))
        request = bp.CreateBotSessionRequest(parent="", bot_session=session)
        session = self.bots.CreateBotSession(request, timeout=10)
        self.log("session", session.name, self.props, "machine:", self.machine)
        return session

    def serve(self) -> None:
        self.current = self.session()
        try:
            self._loop()
        except Terminating:
            # BuildGrid assigns work only to sessions whose status is OK: a session left
            # behind as OK would be given the next matching action until it expires.
            session = self.current
            session.status = bp.BotStatus.BOT_TERMINATING
            del session.leases[:]
            self.bots.UpdateBotSession(bp.UpdateBotSessionRequest(name=session.name, bot_session=session), timeout=10)
            self.log("left the pool")

    def _loop(self) -> None:
        while True:
            session = self.current
            for lease in session.leases:
                if lease.state in (bp.LeaseState.PENDING, bp.LeaseState.ACTIVE):
                    try:
                        self.execute(lease)
                    except Exception as e:  # report infrastructure errors instead of dying with the lease
                        self.log("lease failed:", repr(e))
                        lease.status.code, lease.status.message = INTERNAL, f"{self.name}: {e!r}"
                        lease.state = bp.LeaseState.COMPLETED
            try:
                request = bp.UpdateBotSessionRequest(name=session.name, bot_session=session)
                self.current = self.bots.UpdateBotSession(request, timeout=20)
            except grpc.RpcError as e:  # a long poll's deadline, or a server hiccup: retry
                if e.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                    self.log("update failed:", e.code())
                    time.sleep(1)
                    if e.code() == grpc.StatusCode.INVALID_ARGUMENT:  # the server dropped the session
                        self.current = self.session()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--records", required=True)
    parser.add_argument("--root", help="a Debian arm64 root: run every action chrooted into it")
    parser.add_argument("properties", nargs="+", metavar="KEY=VALUE")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.root:
            private_mounts(Path(args.root))
        Worker(args).serve()
    except Arm64Error as e:
        print(f"bot {args.name}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
