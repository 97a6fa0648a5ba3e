#!/usr/bin/env bash
# Writes perf's own outputs for every trace in traces/recorded/ into traces/expected/, then
# traces/SHA256SUMS. The tests run perf themselves; these files are what they compare against
# when run with -Dtextpoke.perf.offline=true (no perf on the machine), and a record of what
# perf 6.1 said about the committed files.
#
#   NAME.report-D.txt   `perf report -D -i recorded/NAME` without the hex dumps of raw events
#                       (". ..." lines), blank lines and the thread/dso lines perf adds to
#                       samples: per record an "event: TYPE" line and a PERF_RECORD_ line, call
#                       chains and branch stacks as perf decodes them, then "Aggregated stats".
#   NAME.script.txt     first line "# fields: F" (the -F list), then
#                       `perf script --no-itrace --ns --show-mmap-events -F F -i recorded/NAME`, where F is
#                       comm,tid,pid,cpu,time,period,event,ip,addr,brstack minus the fields perf
#                       refuses for this file ("... do not have X attribute set").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
traces="$(dirname "$here")"
export PERF_CONFIG=/dev/null LC_ALL=C
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME" "$traces/expected"
cd "$traces"

# The -F list perf accepts for FILE: start from every field textpoke's samples command prints and
# drop the ones perf names as missing, one at a time.
script_fields() {
  local file="$1" fields="comm,tid,pid,cpu,time,period,event,ip,addr,brstack" msg field
  while :; do
    msg="$(perf script --no-itrace --ns -F "$fields" -i "$file" 2>&1 >/dev/null || true)"
    if grep -q "Cannot print '[a-z]*' field" <<<"$msg"; then
      msg="$(grep -m1 "Cannot print '[a-z]*' field" <<<"$msg")"
      field="$(sed -E "s/.*Cannot print '([a-z]+)' field.*/\1/" <<<"$msg")"
      fields="$(tr ',' '\n' <<<"$fields" | grep -vx "$field" | paste -sd, -)"
    else
      echo "$fields"
      return
    fi
  done
}

for path in recorded/*; do
  name="$(basename "$path")"
  echo "expected outputs for $name" >&2
  perf report -D -i "$path" 2>/dev/null \
    | grep -v -E '^(\.( |$)|$| \.\.\. thread: | \.\.\.\.\.\. dso: )' > "expected/$name.report-D.txt"
  fields="$(script_fields "$path")"
  {
    echo "# fields: $fields"
    perf script --no-itrace --ns --show-mmap-events -F "$fields" -i "$path" 2>/dev/null
  } > "expected/$name.script.txt"
done

# Sums of the recordings and their outputs. Lines for other files in traces/ (added by other
# scripts) are kept as they are.
{
  [ -f SHA256SUMS ] && grep -v -E '^[0-9a-f]{64}  (recorded|expected)/' SHA256SUMS || true
  find recorded expected -type f -print0 | sort -z | xargs -0 sha256sum
} | sort -k2 > "$work/sums"
mv "$work/sums" SHA256SUMS
