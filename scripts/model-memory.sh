#!/bin/sh
# Peak memory of `tpuseg segment` on a 256 MB model file by number of worker threads (GNU time's
# max RSS): each thread should not hold a copy of the model. Usage: scripts/model-memory.sh [BIN]
set -eu
bin=${1:-"$(dirname "$0")/../bin/tpuseg.js"}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
node "$bin" export-model 'synth:fc?neurons=11300&layers=3' -o "$dir/fc.tflite" >/dev/null
for w in 0 1 2 4 8; do
  /usr/bin/time -f "workers $w: %M KB max RSS, %e s" -o "$dir/time" node "$bin" segment "$dir/fc.tflite" --tpus 4 --strategy all --workers "$w" --json >/dev/null
  cat "$dir/time"
done
