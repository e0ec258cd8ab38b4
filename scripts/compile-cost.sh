#!/usr/bin/env bash
# Measures what hookwire's derives add to compile time.
#
# Generates two crates of N event types (default 200) under target/compile-cost/:
#   baseline: each type derives Serialize, Deserialize and JsonSchema; a plain enum lists them;
#   hookwire: the same, plus #[derive(Event)] on each type and #[derive(Events)] on the enum.
# Dependencies are built once; then each crate alone is rebuilt RUNS times (default 5) after a
# touch, and the median wall time of each, and their ratio, are printed.
#
# Usage: scripts/compile-cost.sh [N] [RUNS]
set -euo pipefail

n=${1:-200}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/target/compile-cost"
mkdir -p "$out"

generate() { # name with_hookwire
  local name=$1 hookwire=$2 dir="$out/$1"
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "compile-cost-$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
hookwire = { path = "$root/runtime" }
serde = { version = "1", features = ["derive"] }

[workspace]
TOML
  {
    echo "#![allow(dead_code)]"
    echo "use hookwire::{JsonSchema, schemars};"
    echo "use serde::{Deserialize, Serialize};"
    [ "$hookwire" = 1 ] && echo "use hookwire::{Event, Events};"
    for i in $(seq 1 "$n"); do
      echo
      echo "/// Event number $i."
      if [ "$hookwire" = 1 ]; then
        echo "#[derive(Serialize, Deserialize, JsonSchema, Event)]"
        echo "#[hookwire(event = \"resource$i.changed\")]"
      else
        echo "#[derive(Serialize, Deserialize, JsonSchema)]"
      fi
      echo "pub struct Event$i { pub id: String, pub count: u64, pub note: Option<String>, pub tags: Vec<String> }"
    done
    echo
    [ "$hookwire" = 1 ] && echo "#[derive(Events)]"
    echo "pub enum Catalog {"
    for i in $(seq 1 "$n"); do echo "    Event$i(Event$i),"; done
    echo "}"
  } > "$dir/src/lib.rs"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

measure() { # name -> median milliseconds of rebuilding the crate alone
  local dir="$out/$1" times=()
  CARGO_TARGET_DIR="$out/target" cargo build -q --manifest-path "$dir/Cargo.toml"
  for _ in $(seq 1 "$runs"); do
    touch "$dir/src/lib.rs"
    local start end
    start=$(date +%s%N)
    CARGO_TARGET_DIR="$out/target" cargo build -q --manifest-path "$dir/Cargo.toml"
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | median
}

generate baseline 0
generate hookwire 1
base=$(measure baseline)
with=$(measure hookwire)
echo "event types:               $n"
echo "serde + schemars:          ${base} ms (median of $runs)"
echo "serde + schemars + hookwire: ${with} ms (median of $runs)"
awk -v a="$base" -v b="$with" 'BEGIN { printf "ratio:                     %.3f (hookwire adds %.1f%%)\n", b / a, (b / a - 1) * 100 }'
