#!/usr/bin/env bash
# Creates the Python venv with the independent Delta reader/writer used by the interop tests.
# Idempotent: skips the install when the venv already has the pinned versions.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}/venv-delta"
req="$here/requirements.txt"
stamp="$venv/.pipekit-requirements"
python="${PYTHON:-python3}"

if [[ -x "$venv/bin/python" && -f "$stamp" ]] && cmp -s "$req" "$stamp"; then
  echo "venv-delta: up to date at $venv"
  exit 0
fi
echo "venv-delta: creating $venv"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet --timeout 60 --retries 3 -r "$req"
"$venv/bin/python" -c "import deltalake, pyarrow; print('venv-delta: deltalake', deltalake.__version__, 'pyarrow', pyarrow.__version__)"
cp "$req" "$stamp"
