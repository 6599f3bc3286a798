#!/usr/bin/env bash
# The walls between the server's rooms, checked on the sources: a room
# includes only its own headers and those of the rooms below it, sqlite3.h
# and libpq-fe.h appear only in store/, and apply/ does no I/O (no libuv, OpenSSL, SQLite,
# sockets or logging). CMake's include paths keep most of this; this check
# also catches system headers and a header reached through a neighbour.
set -u
top=${1:?usage: check_rooms.sh SOURCE_DIR}
cd "$top/server" || exit 2

declare -A below=(
  [apply]="apply"
  [store]="store"
  [net]="net apply"
  [live]="live net apply store"
  [handlers]="handlers live net apply store"
)
core_ok=" array.h buf.h carry.h clock.h convert.h errors.h frame.h ideas.h lint.h okr.h round_stats.h score.h stamps.h wire.h version.h agenda.h duration.h template.h closing.h import_check.h "

declare -A room_of
for room in "${!below[@]}"; do
  for h in "$room"/*.h; do room_of[$(basename "$h")]=$room; done
done

bad=0
complain() { echo "check_rooms: $1"; bad=1; }

for room in "${!below[@]}"; do
  for f in "$room"/*.c "$room"/*.h; do
    while IFS= read -r inc; do
      case "$inc" in
        '"../requests.def"') continue ;;
        '<sqlite3.h>') [ "$room" = store ] || complain "$f includes sqlite3.h; only store/ may" ;;
        '<libpq-fe.h>') [ "$room" = store ] || complain "$f includes libpq-fe.h; only store/ may" ;;
        '<uv.h>'|'<openssl/'*|'<sys/socket.h>'|'<netinet/'*)
          [ "$room" = apply ] && complain "$f includes $inc; apply/ does no I/O" ;;
        '"'*)
          h=${inc//\"/}
          owner=${room_of[$h]:-}
          if [ -z "$owner" ]; then
            if [ ! -f "../common/$h" ] && [ "$h" != version.h ]; then
              complain "$f includes $h, which is in no room below it"
            elif [ "$room" = apply ] && [[ "$core_ok" != *" $h "* ]]; then
              complain "$f includes common/$h, which is not part of the pure core"
            fi
          elif [[ " ${below[$room]} " != *" $owner "* ]]; then
            complain "$f ($room/) includes $owner/$h, a room above or beside it"
          fi ;;
      esac
    done < <(sed -n 's/^#include \(.*\)/\1/p' "$f" | sed 's/[[:space:]].*//')
  done
done
[ "$bad" = 0 ] && echo "check_rooms: every room includes only what is below it"
exit $bad
