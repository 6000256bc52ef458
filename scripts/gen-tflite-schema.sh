#!/usr/bin/env bash
# Regenerates src/tflite/generated from the TFLite schema with Debian's flatc (flatbuffers-compiler).
# The generated files are committed and never edited by hand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
schema=${1:-$root/../shared/schema/tflite_schema_flatc2.fbs}
command -v flatc >/dev/null || { echo "gen-tflite-schema: flatc not found (apt-get install flatbuffers-compiler)"; exit 2; }
out=$root/src/tflite/generated
rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d)
flatc --ts --gen-object-api -o "$tmp" "$schema"
cp -r "$tmp"/* "$out"/
rm -rf "$tmp"
echo "generated $(find "$out" -name '*.ts' | wc -l) files in src/tflite/generated from $(basename "$schema")"
