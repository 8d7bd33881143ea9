#!/usr/bin/env bash
# Runs one fuzz target for a while, starting from the checked-in seeds.
#   bash fuzz/campaign.sh <target> [seconds=600]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
target=$1
secs=${2:-600}
mkdir -p "corpus/$target"
if [ -d "seeds/$target" ]; then cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null || true; fi
cargo +nightly fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1
