#!/usr/bin/env bash
# Every event type the server emits ("kr.checkin", "agenda.next", ...: each
# string literal of that shape in server/apply, server/handlers and
# server/live) must be one that common/okr_fold.c applies or lists as
# skipped, so that a new type cannot slip past `show --at` and `replay`
# unnoticed; and the fold's lists name no type the server no longer emits.
set -u
top=${1:?usage: check_fold_types.sh SOURCE_DIR}
fold="$top/common/okr_fold.c"

emitted=$(grep -ohE '"[a-z]+\.[a-z_]+"' "$top"/server/apply/*.c "$top"/server/handlers/*.c \
            "$top"/server/live/*.c | grep -vE '\.[ch]"$' | tr -d '"' | sort -u)
known=$(awk '/okr_fold_(applied|skipped)_types\[\] = \{/,/NULL,/' "$fold" |
          grep -oE '"[a-z]+\.[a-z_]+"' | tr -d '"' | sort -u)

[ -n "$emitted" ] || { echo "check_fold_types: found no event types in server/"; exit 1; }
bad=0
for t in $emitted; do
  grep -qx "$t" <<<"$known" ||
    { echo "check_fold_types: the server emits '$t', which okr_fold.c neither applies nor skips"; bad=1; }
done
for t in $known; do
  grep -qx "$t" <<<"$emitted" ||
    { echo "check_fold_types: okr_fold.c lists '$t', which the server never emits"; bad=1; }
done
[ $bad = 0 ] && echo "check_fold_types: $(wc -w <<<"$emitted") event types, each applied or skipped"
exit $bad
