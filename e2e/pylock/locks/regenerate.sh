#!/usr/bin/env bash
# Regenerate the pylock.toml of each directory here with its writer, pinned from PyPI:
#   pdm/  PDM 2.29.4 (with hishel 1.4.0):  pdm lock; pdm export -f pylock -o pylock.toml
#   uv/   uv 0.13.8:                       uv lock; uv export --no-config --format pylock.toml -o pylock.toml
#   pip/  pip 26.3:                        pip lock --isolated -r requirements.txt -o pylock.toml
#   pex/  pex 2.105.2:                     pex3 lock create --style universal ... ; pex3 lock export --format pep-751
# Every writer runs on CPython 3.11 (python3.11 on PATH). The inputs (pyproject.toml, requirements.txt) leave
# most versions open, so a later run may lock newer versions: the e2e tests check the packages, not all versions.
#   e2e/pylock/locks/regenerate.sh [pdm|uv|pip|pex ...]   (default: all four)
set -euo pipefail
cd "$(dirname "$0")"
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3.11 -m venv "$tools/venv"
bin=$tools/venv/bin
"$bin/pip" install -q --disable-pip-version-check pip==26.3 pdm==2.29.4 "hishel[httpx2]==1.4.0" uv==0.13.8 pex==2.105.2
for writer in "${@:-pdm uv pip pex}"; do
  for w in $writer; do
    echo "regenerating $w/pylock.toml"
    case $w in
      pdm) (cd pdm && "$bin/pdm" lock --python 3.11 -q && "$bin/pdm" export -f pylock -o pylock.toml && rm -rf pdm.lock .pdm-python .venv) ;;
      uv) (cd uv && "$bin/uv" lock --no-config -q --python "$bin/python" \
        && "$bin/uv" export --no-config -q --format pylock.toml -o pylock.toml --python "$bin/python" && rm -f uv.lock) ;;
      pip) (cd pip && "$bin/pip" lock --isolated -q --disable-pip-version-check -r requirements.txt -o pylock.toml) ;;
      pex) (cd pex && "$bin/pex3" lock create --style universal --interpreter-constraint "CPython>=3.11,<3.12" \
        -r requirements.txt -o "$tools/lock.json" \
        && "$bin/pex3" lock export --format pep-751 --include-dependency-info -o pylock.toml "$tools/lock.json") ;;
      *) echo "regenerate.sh: unknown writer $w (pdm, uv, pip or pex)" >&2; exit 2 ;;
    esac
  done
done
