"""Image build time and layer sizes of e2e/image's app, and the share of bytes a first-party edit re-uploads.

- Build time: `bazel build //app:image` (the linux amd64 py_oci_image: the
  binary, its three layers, the base's, the manifest and the arch guard)
  against `bazel build //app:app` (the binary alone), each after `bazel clean`
  with fetch and analysis done untimed first, interleaved over `--runs` runs
  (3); medians compared. The ratio is what the image adds to the binary.
- Layer sizes: each layer's compressed size and its share of the image.
- Edit share: after a one-line edit of app/app.py, the bytes a push uploads
  (the blobs whose digest is new: the app layer, the config, the manifest)
  over all the image's bytes, as a registry that has the image before the
  edit sees them.

Uses its own output base (removed at the end); e2e/image's generated inputs
are written first (image_workspace.py). Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

from bench_bazel import Bazel, host_path

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[2]
WS = ROOT / "e2e" / "image"
SOURCE = WS / "app" / "app.py"


def _blobs(layout: Path) -> dict[str, tuple[str, int]]:
    """{digest: (what, size)} of the image in `layout`: its layers, config and manifest."""
    (descriptor,) = json.loads((layout / "index.json").read_text())["manifests"]
    manifest = json.loads((layout / "blobs" / "sha256" / descriptor["digest"].split(":")[1]).read_text())
    config = json.loads((layout / "blobs" / "sha256" / manifest["config"]["digest"].split(":")[1]).read_text())
    names = [h["created_by"].rsplit(": ", 1)[-1] for h in config["history"]]
    blobs = {layer["digest"]: (name, layer["size"]) for name, layer in zip(names, manifest["layers"], strict=True)}
    blobs[manifest["config"]["digest"]] = ("config", manifest["config"]["size"])
    blobs[descriptor["digest"]] = ("manifest", descriptor["size"])
    return blobs


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="image", description=__doc__.splitlines()[0])
    parser.add_argument("--bazel", default=str(ROOT / "tools" / "bazel"))
    parser.add_argument("--uv", help="unused (tools/bench/all passes it to every benchmark)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(WS))
    importlib.import_module("image_workspace").prepare()  # e2e/image's generated inputs
    b = Bazel(args.bazel, WS, "/tmp/xpy-bench-image")
    b.remove()
    times: dict[str, list[float]] = {"//app:app": [], "//app:image": []}
    try:
        b("build", "--nobuild", "//app:image")
        for _ in range(args.runs):
            for target in times:
                b("clean")
                b("build", "--nobuild", target)
                times[target].append(b("build", target)[1])
        execroot = host_path(b("info", "execution_root")[0].strip())
        (layout,) = [execroot / f for f in b("cquery", "//app:image", "--output=files")[0].split()]
        before = _blobs(layout)
        text = SOURCE.read_text()
        try:
            SOURCE.write_text(text + "# an edit\n")
            b("build", "//app:image")
            after = _blobs(layout)
        finally:
            SOURCE.write_text(text)
    finally:
        b.remove()
    image, binary = statistics.median(times["//app:image"]), statistics.median(times["//app:app"])
    total = sum(size for _, size in after.values())
    print(
        f"build from a clean output tree (median of {args.runs}): //app:image {image:.1f} s, //app:app {binary:.1f} s"
    )
    print("layers (compressed):")
    for what, size in before.values():
        print(f"  {what:<12} {size / 1e6:9.2f} MB  {100 * size / total:5.1f} %")
    new = {d: v for d, v in after.items() if d not in before}
    reupload = sum(size for _, size in new.values())
    print(f"after a first-party edit, new blobs: {', '.join(w for w, _ in new.values())}: {reupload} of {total} bytes")
    rows = [
        {
            "name": "image build / binary build (amd64)",
            "ours": image,
            "baseline": binary,
            "ratio": image / binary,
            "what": "e2e/image: bazel build //app:image against //app:app after bazel clean, medians",
        },
        {
            "name": "first-party edit: bytes re-uploaded / image",
            "ours": reupload,
            "baseline": total,
            "ratio": reupload / total,
            "what": "e2e/image //app:image: blobs with a new digest after a one-line edit of app.py, over all blobs",
        },
    ]
    for row in rows:
        print("BENCH " + json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
