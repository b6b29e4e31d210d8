# Sourced by bin/coopbuy and bin/test: make ./.venv with Python >= 3.12 and install coopbuy into it.
# Re-installs only when pyproject.toml changed since the last install.

find_python() {
  local candidates=("${COOPBUY_PYTHON:-}" python3.14 python3.13 python3.12)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for p in "$root"/versions/3.1[2-9]*/bin/python; do candidates+=("$p"); done
  fi
  candidates+=(python3)
  for candidate in "${candidates[@]}"; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  local extras="$1" stamp=".venv/.installed${extras:+-$extras}"
  if [ ! -x .venv/bin/python ]; then
    local python
    if ! python=$(find_python); then
      echo "coopbuy needs Python 3.12 or newer; none was found. Install it, or set COOPBUY_PYTHON." >&2
      exit 1
    fi
    echo "Creating .venv with $python" >&2
    "$python" -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing coopbuy${extras:+ with [$extras]} into .venv" >&2
    if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
           .venv/bin/python -m pip install --quiet --disable-pip-version-check \
             -e ".${extras:+[$extras]}"; } >.venv/pip.log 2>&1; then
      cat .venv/pip.log >&2
      echo "Installing coopbuy failed (the log is above and in .venv/pip.log)." >&2
      exit 1
    fi
    touch "$stamp"
  fi
}
