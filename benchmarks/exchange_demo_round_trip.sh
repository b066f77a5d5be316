#!/usr/bin/env bash
# Round trip of the whole demo through the Excel/CSV exchange: build the demo, export every kind,
# import the files into an empty database (in dependency order), export again, compare the files
# byte for byte and compare `kechuang stats` on both databases. Prints the import time.
#   benchmarks/exchange_demo_round_trip.sh [csv|xlsx] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
format="${1:-csv}"
work="${2:-$(mktemp -d -t kechuang-roundtrip-XXXX)}"
bin=.venv/bin
kinds="regions organisations region-dockings experts expert-works volunteers achievements demands events dockings honour-entries"
export OMP_NUM_THREADS=1

export KECHUANG_DATABASE_URL="sqlite:///$work/demo.sqlite3"
"$bin/kechuang" db upgrade >/dev/null
"$bin/kechuang" demo --quiet >/dev/null
for kind in $kinds; do "$bin/kechuang" export "$kind" "$work/a-$kind.$format" >/dev/null; done
"$bin/kechuang" stats --region 兰州新区 --json >"$work/stats-a.json"

export KECHUANG_DATABASE_URL="sqlite:///$work/empty.sqlite3"
"$bin/kechuang" db upgrade >/dev/null
start=$(date +%s)
for kind in $kinds; do "$bin/kechuang" import "$kind" "$work/a-$kind.$format" 2>/dev/null; done
echo "imports: $(( $(date +%s) - start )) s (load average $(cut -d' ' -f1 /proc/loadavg))"
status=0
for kind in $kinds; do
    "$bin/kechuang" export "$kind" "$work/b-$kind.$format" >/dev/null
    if cmp -s "$work/a-$kind.$format" "$work/b-$kind.$format"; then echo "same  $kind"; else echo "DIFF  $kind"; status=1; fi
done
"$bin/kechuang" stats --region 兰州新区 --json >"$work/stats-b.json"
if cmp -s "$work/stats-a.json" "$work/stats-b.json"; then echo "same  stats"; else echo "DIFF  stats"; status=1; fi
exit $status
