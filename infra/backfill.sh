#!/usr/bin/env bash
# Runs the backfill function over every segment of the task table until each answers done, after an upgrade
# (docs/operations.md, "Backfilling the indexes"). Needs the AWS CLI (v1 or v2) and python3.
#
#   infra/backfill.sh FUNCTION [SEGMENTS] [-- AWS CLI options, e.g. --region eu-west-1 --endpoint-url URL]
#
# Segments run side by side. Exits non-zero if any segment's invocation or function fails, or any task could not
# be backfilled (they are named); run it again then: what is done is not done twice.
set -euo pipefail
usage() {
  echo "usage: infra/backfill.sh FUNCTION [SEGMENTS (1 to 1000)] [-- AWS CLI options]" >&2
  exit 2
}
(($# >= 1)) && [[ -n "$1" && "$1" != "--" ]] || usage
function_name=$1
shift
segments=1
if (($# >= 1)) && [[ "$1" != "--" ]]; then
  segments=$1
  shift
fi
[[ "$segments" =~ ^[1-9][0-9]{0,3}$ ]] && ((segments <= 1000)) || usage
if (($# >= 1)); then
  [[ "$1" == "--" ]] || usage
  shift
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Invocations in a row that finish no task before the segment is taken for stuck.
max_stalls=3

# One segment, invocation after invocation, each going on where the last one stopped.
backfill_segment() {
  local segment=$1 after=null next stalls=0
  shift
  while :; do
    printf '{"segment":%d,"segments":%d,"after":%s}' "$segment" "$segments" "$after" >"$work/in-$segment.json"
    # An invocation answers after up to 14 minutes: the CLI must not give up (and send it again) after 60 s.
    if ! aws lambda invoke --function-name "$function_name" --cli-read-timeout 900 --cli-connect-timeout 60 \
      --payload "fileb://$work/in-$segment.json" "$@" --output json "$work/out-$segment.json" \
      >"$work/meta-$segment.json"; then
      echo "segment $segment: the invocation failed (after $after)" >&2
      return 1
    fi
    # Prints the answer and the after to go on with (JSON), or fails on a function error or an INVALID answer.
    # Tasks that could not be backfilled are named, and added up in failed-SEGMENT.
    if ! next=$(python3 - "$segment" "$work/meta-$segment.json" "$work/out-$segment.json" "$after" \
      "$work/failed-$segment" <<'PY'
import json, os, sys
segment, meta_file, out_file, after, failed_file = sys.argv[1:6]
meta = json.load(open(meta_file))
answer = json.load(open(out_file))
if meta.get("FunctionError") or "verdict" in answer or "errorMessage" in answer:
    sys.exit("segment %s: the function failed: %s" % (segment, json.dumps(answer)))
print("segment %s: %s" % (segment, json.dumps(answer)), file=sys.stderr)
if answer["failed"]:
    print("segment %s: %d task(s) not backfilled, among them: %s"
          % (segment, answer["failed"], " ".join(answer["failedTaskIds"])), file=sys.stderr)
    before = int(open(failed_file).read()) if os.path.exists(failed_file) else 0
    open(failed_file, "w").write(str(before + answer["failed"]))
print("done" if answer["done"] else json.dumps(answer["after"]))
PY
    ); then
      return 1
    fi
    [[ "$next" == done ]] && return 0
    # The after moves with every task finished: the same one again means the invocation finished none.
    if [[ "$next" == "$after" ]]; then
      stalls=$((stalls + 1))
      if ((stalls == max_stalls)); then
        echo "segment $segment: $stalls invocations in a row finished no task (after $after): the function has" \
          "no time for a page and a write (BACKFILL_SAFETY_MARGIN_MILLIS against its timeout)" >&2
        return 1
      fi
    else
      stalls=0
    fi
    after=$next
  done
}

pids=()
for ((segment = 0; segment < segments; segment++)); do
  backfill_segment "$segment" "$@" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
if ((failed)); then
  echo "backfill: a segment failed; run it again" >&2
  exit 1
fi
not_backfilled=0
for file in "$work"/failed-*; do
  [[ -e "$file" ]] && not_backfilled=$((not_backfilled + $(<"$file")))
done
if ((not_backfilled)); then
  echo "backfill: all $segments segment(s) scanned, but $not_backfilled task(s) not backfilled (named above, and" \
    "in the function's log); run it again" >&2
  exit 1
fi
echo "backfill: all $segments segment(s) done" >&2
