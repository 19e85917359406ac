#!/usr/bin/env bash
# Runs the unit and integration tests with the whole process clock (Node's and SQLite's) set to
# a given UTC time, through libfaketime: `bash scripts/test-at.sh '2028-02-29 12:00:00'`. With no
# time, runs at each boundary the suite must hold on: the last second of this month and of this
# year, the next leap day, and two years from now. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
# Node's timers run on the monotonic clock; shifting it too would stall them.
export FAKETIME_DONT_FAKE_MONOTONIC=1

if ! command -v faketime >/dev/null; then
  echo "faketime is not installed (Debian: apt-get install faketime)" >&2
  exit 1
fi

boundaries() {
  local year month
  year=$(date -u +%Y)
  month=$(date -u +%m)
  local month_end
  month_end=$(date -u -d "${year}-${month}-01 +1 month -1 second" '+%Y-%m-%d %H:%M:%S')
  # In December the month's last second is the year's: take January's then.
  [ "$month" = 12 ] && month_end=$(date -u -d "$((year + 1))-02-01 -1 second" '+%Y-%m-%d %H:%M:%S')
  echo "$month_end"
  echo "${year}-12-31 23:59:59"
  local y=$year
  while ! date -u -d "${y}-02-29" >/dev/null 2>&1 || [ "$(date -u -d "${y}-02-29" +%s)" -lt "$(date -u +%s)" ]; do y=$((y + 1)); done
  echo "${y}-02-29 12:00:00"
  date -u -d '+2 years' '+%Y-%m-%d %H:%M:%S'
}

if [ $# -gt 0 ] && [[ "$1" != -* ]]; then
  times=("$1")
  shift
else
  mapfile -t times < <(boundaries)
fi

# Every boundary runs even when an earlier one fails; the exit status says whether any did.
failed=()
for at in "${times[@]}"; do
  echo "--- unit and integration tests at ${at} UTC"
  faketime "$at" npx vitest run --project unit "$@" || failed+=("$at")
done
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed at: %s\n' "${failed[@]}" >&2
  exit 1
fi
