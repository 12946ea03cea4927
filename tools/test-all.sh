#!/bin/sh
# The project's one test command: the Rust tests, then the Python package built and installed into
# a throwaway virtualenv and its pytest suite. Needs a Rust toolchain and python3 with venv.
# Exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."

cargo test --workspace

# NAS-Bench-101's fixtures and the official answers recorded on them belong together (stdlib
# only: a fixture regenerated without its answers, or the reverse, fails here).
python3 tools/official/nb101/check_data.py

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "test-all: $PYTHON lacks venv/ensurepip (Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 2
fi
VENV=$(mktemp -d "${TMPDIR:-/tmp}/tnb-test-venv.XXXXXX")
trap 'rm -rf "$VENV"' EXIT
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# pytest-xdist runs the suite on both cores (the side-by-side tests with the official packages
# are CPU-bound: 11.7 min on one core, 4.8 on two).
"$VENV/bin/python" -m pip install --quiet numpy pytest pytest-xdist
# The official NAS-Bench-201 API (its code only: torch is replaced by a stand-in in the test).
"$VENV/bin/python" -m pip install --quiet --no-deps nas-bench-201==2.1
# The official NATS-Bench API (its code only; it needs numpy): the NATS semantics and tnb.nats
# are tested side by side with it.
"$VENV/bin/python" -m pip install --quiet --no-deps nats-bench==1.8
# pandas only enables the to_pandas tests (they skip without it).
"$VENV/bin/python" -m pip install --quiet pandas || echo "test-all: pandas not installable; its tests skip" >&2
"$VENV/bin/python" -m pip install ./crates/python

# The Rust NAS-Bench-201 and NATS-Bench semantics against the official code and numpy themselves: these tests
# are ignored in a plain `cargo test` (they need this venv's numpy and nas-bench-201), not here.
TNB_OFFICIAL_PYTHON="$VENV/bin/python" TNB_NUMPY_PYTHON="$VENV/bin/python" \
    cargo test -p tnb-nb201-api --test official --test sums --test nats -- --ignored
# From the tests' folder, so that `import tnb` finds the installed package, not the sources.
cd crates/python/tests
"$VENV/bin/python" -m pytest -q -n 2 .
