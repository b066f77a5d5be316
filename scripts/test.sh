#!/usr/bin/env bash
# The test command behind `make test` and CI: static checks, then the suite on SQLite, then the
# database tests again on PostgreSQL (the server at $KECHUANG_TEST_POSTGRES_URL, else
# 127.0.0.1:5432, else an embedded one started by the test fixtures).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin

echo "== ruff"
"$bin/ruff" check src tests benchmarks
"$bin/ruff" format --check src tests benchmarks
echo "== mypy --strict"
"$bin/mypy"
echo "== import-linter"
"$bin/lint-imports"

echo "== pytest on SQLite"
"$bin/pytest" -q "$@"

echo "== pytest on PostgreSQL (database tests)"
KECHUANG_TEST_DB=postgresql "$bin/pytest" -q -m "db" "$@"
