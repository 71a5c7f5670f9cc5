#!/usr/bin/env bash
# The two commands of the README:
#   ./kaohe.sh run    install, then serve the demo organ on http://127.0.0.1:8000 (SQLite)
#   ./kaohe.sh test   install, then run every check and test, on SQLite and on PostgreSQL
#   ./kaohe.sh bench  install, then run the benchmark suite on PostgreSQL (docs/benchmarks.md)
# Everything is installed from this repository's own files (pyproject.toml, package-lock.json)
# and, for the test tools, from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\n== %s\n' "$*"; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "Please install these Debian packages first: ${missing[*]}" >&2
    return 1
  fi
  say "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_app() {
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the Python environment"
    "$PYTHON" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && "$PYTHON" -m venv "$VENV"; }
  fi
  say "Installing Kaohe and its Python packages"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e ".${extras}"
  command -v npm >/dev/null || apt_install nodejs npm
  say "Installing front-end packages (served locally)"
  npm ci --no-audit --no-fund --loglevel=error
}

ensure_postgres() {
  if ! command -v pg_isready >/dev/null; then apt_install postgresql; fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "Starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
}

run_app() {
  install_app ""
  exec "$VENV/bin/kaohe" run "$@"
}

run_tests() {
  install_app "[dev]"
  # slapd: the LDAP sign-in test; LibreOffice and poppler: the forms' rendering test; wrk: the
  # benchmark suite's quick mode (tests/bench) loads the pages over HTTP.
  apt_install chromium chromium-driver fonts-noto-cjk gettext slapd ldap-utils \
    libreoffice-writer-nogui poppler-utils wrk
  ensure_postgres
  local pg_url=${KAOHE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kaohe_ci}
  export KAOHE_VAR_DIR=${KAOHE_VAR_DIR:-$PWD/var/test}

  say "Lint (ruff) and types (mypy)"
  "$VENV/bin/ruff" check kaohe tests bench
  "$VENV/bin/mypy" kaohe

  # The two passes run side by side, each in a folder of its own: on two cores the whole suite
  # takes about the time of the longer pass instead of the sum of both.
  say "Tests on SQLite and on PostgreSQL, side by side (each pass's output follows when it ends)"
  mkdir -p "$KAOHE_VAR_DIR/sqlite" "$KAOHE_VAR_DIR/postgresql"
  KAOHE_VAR_DIR="$KAOHE_VAR_DIR/sqlite" \
    DATABASE_URL="sqlite:///$KAOHE_VAR_DIR/sqlite/test.sqlite3" \
    "$VENV/bin/pytest" -q "$@" >"$KAOHE_VAR_DIR/sqlite.log" 2>&1 &
  local sqlite=$!
  # Tests that run a server on a SQLite database of their own give the same result in both
  # passes: the SQLite pass runs them.
  KAOHE_VAR_DIR="$KAOHE_VAR_DIR/postgresql" DATABASE_URL="$pg_url" \
    "$VENV/bin/pytest" -q --create-db -m "not own_database" "$@" \
    >"$KAOHE_VAR_DIR/postgresql.log" 2>&1 &
  local postgresql=$!
  local failed=0
  wait "$sqlite" || failed=1
  say "Tests on SQLite"
  cat "$KAOHE_VAR_DIR/sqlite.log"
  wait "$postgresql" || failed=1
  say "Tests on PostgreSQL"
  cat "$KAOHE_VAR_DIR/postgresql.log"
  return "$failed"
}

run_bench() {
  install_app ""
  apt_install wrk
  ensure_postgres
  export KAOHE_VAR_DIR=${KAOHE_VAR_DIR:-$PWD/var/bench}
  KAOHE_BENCH_DATABASE_URL=${KAOHE_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kaohe_benchrun} \
    "$VENV/bin/python" -m bench "$@"
}

update_messages() {
  # For maintainers: extract new strings into the English catalogue and compile it (GNU gettext).
  apt_install gettext
  (cd kaohe && ../"$VENV"/bin/python -m kaohe makemessages -l en && ../"$VENV"/bin/python -m kaohe compilemessages)
}

case "${1:-}" in
  run) shift; run_app "$@" ;;
  messages) update_messages ;;
  test) shift; run_tests "$@" ;;
  bench) shift; run_bench "$@" ;;
  *) echo "usage: ./kaohe.sh run | ./kaohe.sh test [pytest arguments] | ./kaohe.sh bench [--quick]" >&2
     exit 2 ;;
esac
