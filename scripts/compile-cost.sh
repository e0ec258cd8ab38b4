#!/usr/bin/env bash
# Measures what hookwire's derives add to compile time.
#
# Generates two crates of N event types (default 200) under target/compile-cost/:
#   baseline: each type derives Serialize, Deserialize and JsonSchema; a plain enum lists them;
#   hookwire: the same, plus #[derive(Event)] on each type and #[derive(Events)] on the enum.
# Dependencies are built once; then each crate alone is rebuilt and measured.
#
# Usage:
#   scripts/compile-cost.sh [N] [RUNS]          CPU time (user + sys) of RUNS rebuilds each
#                                               (default 7); prints the fastest and the median
#   scripts/compile-cost.sh --instructions [N]  instructions rustc executes, counted once with
#                                               valgrind (exact and repeatable; ~4 min a crate)
#
# Wall-clock time on a shared 2-core VM moves by 10-20% between identical builds; CPU time moves
# less, and instruction counts do not move at all.
set -euo pipefail

mode=cpu
if [ "${1:-}" = "--instructions" ]; then
  mode=instructions
  shift
fi
n=${1:-200}
runs=${2:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/target/compile-cost"
mkdir -p "$out"
export CARGO_TARGET_DIR="$out/target" CARGO_INCREMENTAL=0

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
hookwire = { path = "$root/runtime", features = ["schema"] }
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

cpu_times() { # name -> sorted CPU milliseconds of RUNS rebuilds of the crate alone
  local dir="$out/$1"
  cargo build -q --manifest-path "$dir/Cargo.toml"
  for _ in $(seq 1 "$runs"); do
    touch "$dir/src/lib.rs"
    /usr/bin/time -f "%U %S" -o "$out/time.txt" cargo build -q --manifest-path "$dir/Cargo.toml"
    awk '{ printf "%d\n", ($1 + $2) * 1000 }' "$out/time.txt"
  done | sort -n
}

instructions() { # name -> instructions of one rebuild of the crate alone, under callgrind
  local dir="$out/$1" command
  cargo build -q --manifest-path "$dir/Cargo.toml"
  touch "$dir/src/lib.rs"
  command=$(cargo build -v --manifest-path "$dir/Cargo.toml" 2>&1 | grep -o 'Running `.*`' | tail -n 1 | sed 's/^Running `//; s/`$//')
  (cd "$dir" && eval "valgrind --tool=callgrind --callgrind-out-file=$out/callgrind.$1 $command" > /dev/null 2>&1)
  awk '/^totals:/ { print $2 }' "$out/callgrind.$1"
}

generate baseline 0
generate hookwire 1
echo "event types: $n"
if [ "$mode" = instructions ]; then
  base=$(instructions baseline)
  with=$(instructions hookwire)
  echo "serde + schemars:            $base instructions"
  echo "serde + schemars + hookwire: $with instructions"
else
  mapfile -t base_times < <(cpu_times baseline)
  mapfile -t with_times < <(cpu_times hookwire)
  base=${base_times[0]}
  with=${with_times[0]}
  echo "serde + schemars:            fastest ${base} ms, median ${base_times[$((runs / 2))]} ms of $runs (CPU time)"
  echo "serde + schemars + hookwire: fastest ${with} ms, median ${with_times[$((runs / 2))]} ms of $runs (CPU time)"
fi
awk -v a="$base" -v b="$with" 'BEGIN { printf "ratio: %.3f (hookwire adds %.1f%%)\n", b / a, (b / a - 1) * 100 }'
