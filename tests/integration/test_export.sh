#!/usr/bin/env bash
# Moving data in and out, through the real `cascade` and `cascaded`
# binaries: export as JSON, CSV and Markdown (stdout, --out refusing to
# overwrite unless --force); the JSON round trip (a rich workshop exported,
# imported into a new one, exported again: equal but for the workshop's
# code and times), told by `watch --since 0` as ordinary additions; a
# spreadsheet's CSV (a BOM, CRLF, merged-looking empty cells, quoted commas
# and line breaks) imported, reusing the teams that exist; a decimal comma
# refused with its row, and every other problem of the file told at once;
# --dry-run checks everything (the server's checks too) and changes nothing;
# a missing, empty, too large or non-UTF-8 file, an unknown or missing
# column, a member, a closed workshop, too many entities, a file too large
# for one frame and a server that is down each get one sentence, and nothing
# changes; a restart serves the imported workshops as they were.
# Usage: test_export.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init export "$@"

as() { local who=$1; shift; XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" "$@"; }
says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
DB() { sqlite3 "$WORK/main/cascade.db" "$@"; }
# The database's content, less what a read may touch (when people were seen).
dump() { DB .dump | grep -v "last_seen" ; }
unchanged() { # unchanged NAME STATUS TEXT CMD...: refused, and the database as it was
    local name=$1; shift
    local before; before=$(dump)
    says "$name" "$@"
    [ "$(dump)" = "$before" ] && ok "$name: nothing changed" || not_ok "$name: nothing changed"
}
# A JSON export without what differs between workshops: the code and seq,
# and times.
norm() { jq 'del(.workshop) | walk(if type == "object" then del(.time_ms, .at_ms, .resolved_ms) else . end)' "$1"; }

unset CASCADE_WORKSHOP NO_COLOR
start_server main --max-entities 120
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice mia bob; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done

# ---- a rich workshop -------------------------------------------------------------------------
SRC=$(as alice workshop create "Planning" --period 2026-Q3 2>/dev/null)
export CASCADE_WORKSHOP=$SRC
{
as alice team add Company --level company
as alice team add Sales --parent T1
as alice team add EMEA --parent T2 --level team
as mia join "$(as alice workshop invite --role member --team T2 2>/dev/null)"
as alice obj add "Grow revenue, profitably" --team T1 --committed --owner alice --rationale "Line one
line two"                                                                              # O1
as alice kr add O1 "Revenue" --from 10 --to 50 --unit MEUR --owner alice             # K1
as alice kr set K1 30
as alice kr add O1 "Launch in Asia" --milestone                                      # K2
as alice checkin K2 --done --confidence 0.8
as alice kr edit K1 --weight 3
as mia obj add "Sell more" --team T2 --inherits K1 --owner mia                       # O2
as mia kr add O2 "Deals \"big\" ones" --from 0 --to 100 --owner mia                   # K3
as mia checkin K3 --value 40 --confidence 0.9 --blocker "No leads" --status at-risk
as alice obj add "Win EMEA" --team T3 --aligns-to O2                                 # O3
as alice obj edit O3 --status final
as alice obj check O1 --necessary yes --sufficient no
as alice init add K3 "Hire two closers"
as alice init add K3 "Price list"
as alice init done I1
as alice dep add K3 K1
as alice comment O1 "Is 50 enough?"
as mia comment K3 "Too low, a second
line"
as alice comment resolve C1
as alice obj close-note O2 "Hiring froze in August"
as mia retro add continue "Weekly check-ins"
} >/dev/null 2>&1

# ---- export ----------------------------------------------------------------------------------
if run 0 as alice export --format json && jq -e '.format == "cascade-export" and .version == 1' <<<"$out" >/dev/null \
   && [ "$(jq -r '[.teams[].name, (.objectives | length), (.key_results | length), (.initiatives | length), (.dependencies | length), (.comments | length)] | join(" ")' <<<"$out")" = "Company Sales EMEA 3 3 2 1 2" ] \
   && [ "$(jq -r '.key_results[0].weight' <<<"$out")" = 3 ] && [ "$(jq -r '.objectives[1].close_note' <<<"$out")" = "Hiring froze in August" ]; then
    ok "export --format json: the whole cascade, weights and closing notes included"
else not_ok "export json" "$out $err"; fi
CSV_WANT=$'team,objective,key_result,start,current,target,unit,owner,weight,score,confidence\r
Company,"Grow revenue, profitably",Revenue,10,30,50,MEUR,alice,3,0.40,0.5\r
Company,"Grow revenue, profitably",Launch in Asia,,done,,,,1,1.00,0.8\r
Company/Sales,Sell more,"Deals ""big"" ones",0,40,100,,mia,1,0.40,0.9\r
Company/Sales/EMEA,Win EMEA,,,,,,,,,\r'
if run 0 as alice export --format csv && [ "$out" = "$CSV_WANT" ]; then
    ok "export --format csv: a key result per row, team paths, RFC 4180 quoting, CRLF"
else not_ok "export csv" "$(diff <(echo "$out") <(echo "$CSV_WANT") | cat -A)"; fi
if run 0 as alice export --format md && grep -qx "### T2 Company/Sales (department)" <<<"$out" \
   && grep -qF "| K3 Deals \"big\" ones | 0 → 100 (now 40) | mia |" <<<"$out" \
   && grep -qF -- "- On K3 (Deals \"big\" ones), mia: Too low, a second line" <<<"$out" \
   && grep -qF -- "- O2 Sell more: Hiring froze in August" <<<"$out" \
   && grep -qF -- "- O3 Win EMEA" <<<"$out" && grep -qF "Resolved in review:" <<<"$out" \
   && grep -qF -- "- continue: Weekly check-ins" <<<"$out"; then
    ok "export --format md: OKRs by team in tree order, open comments, decisions"
else not_ok "export md" "$out $err"; fi
says "export without --format is a usage error" 2 "Name the format: --format json, csv or md." as alice export
says "an unknown format is a usage error" 2 "'xml' is not a format export writes" as alice export --format xml
if run 0 as alice export --format json --out "$WORK/a.json" && grep -qF "Wrote workshop $SRC to $WORK/a.json" <<<"$out" \
   && jq -e .teams "$WORK/a.json" >/dev/null; then ok "export --out writes the file"
else not_ok "export --out" "$out $err"; fi
echo keep >"$WORK/taken.md"
says "export --out refuses an existing file" 1 "exists already; export does not overwrite a file unless --force" \
    as alice export --format md --out "$WORK/taken.md"
[ "$(cat "$WORK/taken.md")" = keep ] && ok "the existing file is untouched" || not_ok "existing file untouched"
run 0 as alice export --format md --out "$WORK/taken.md" --force && grep -q "^# Planning" "$WORK/taken.md" \
    && ok "--force replaces it" || not_ok "--force" "$out $err"

# ---- the JSON round trip ---------------------------------------------------------------------
COPY=$(as alice workshop create "Copy" --period 2026-Q3 2>/dev/null)
if run 0 as alice -w "$COPY" import "$WORK/a.json" --dry-run \
   && grep -qF "Would import 3 new teams (0 reused), 3 objectives, 3 key results, 2 initiatives, 1 dependency and 2 comments into workshop $COPY; nothing was changed (--dry-run)." <<<"$out" \
   && [ "$(as alice -w "$COPY" --json show | jq '.objectives | length')" = 0 ]; then
    ok "import --dry-run says what it would make, and makes nothing"
else not_ok "dry run" "$out $err"; fi
if run 0 as alice -w "$COPY" --json import "$WORK/a.json" \
   && [ "$(jq -r '"\(.teams_created) \(.objectives) \(.key_results) \(.comments) \(.dry_run)"' <<<"$out")" = "3 3 3 2 false" ]; then
    ok "import of the JSON export"
else not_ok "import json" "$out $err"; fi
as alice -w "$COPY" export --format json --out "$WORK/b.json" >/dev/null 2>&1
if diff <(norm "$WORK/a.json") <(norm "$WORK/b.json") >"$WORK/diff"; then
    ok "export, import, export: the same but for the workshop's code and times"
else not_ok "round trip" "$(cat "$WORK/diff")"; fi
[ "$(jq .objectives[0].necessary.at_ms "$WORK/a.json")" = "$(jq .objectives[0].necessary.at_ms "$WORK/b.json")" ] \
    && [ "$(jq .comments[1].time_ms "$WORK/a.json")" = "$(jq .comments[1].time_ms "$WORK/b.json")" ] \
    && ok "times in the file are kept too" || not_ok "times kept"
timeout 3 bash -c "XDG_CONFIG_HOME='$WORK/home-alice' '$CASCADE' -w '$COPY' watch --since 0 --no-resume" >"$WORK/watch" 2>/dev/null
if grep -q "alice workshop.import workshop teams=3, objectives=3, key_results=3, initiatives=2, dependencies=1, comments=2" "$WORK/watch" \
   && grep -q 'team.add T3 name="EMEA", parent="T2", level="team"' "$WORK/watch" \
   && grep -q 'kr.add K1 objective="O1", title="Revenue"' "$WORK/watch" \
   && grep -q 'comment.add C2 target="K3", text="Too low, a second\\nline", author="mia"' "$WORK/watch" \
   && [ "$(grep -c '^#' "$WORK/watch")" = 15 ]; then
    ok "watch --since 0 tells the import as ordinary additions, one event each"
else not_ok "watch after import" "$(cat "$WORK/watch")"; fi

# The history rebuilds what the import made, field for field (show --at).
past_and_now() {
    local ws=$1 seq
    seq=$(as alice -w "$ws" --json show | jq .workshop.seq)
    as alice -w "$ws" --json show | jq -S 'del(.agenda, .round, .ideas)' >"$WORK/now.json"
    as alice -w "$ws" --json show --at "$seq" | jq -S 'del(.agenda, .round, .ideas, .as_of)' >"$WORK/past.json"
    out=$(diff -u "$WORK/now.json" "$WORK/past.json")
}
check "show --at rebuilds the imported workshop as it is" past_and_now "$COPY"

# ---- a spreadsheet's CSV ---------------------------------------------------------------------
SHEET=$(as alice workshop create "Sheet" --period 2026-Q4 2>/dev/null)
export CASCADE_WORKSHOP=$SHEET
as alice team add Company --level company >/dev/null 2>&1
as alice team add Sales --parent T1 >/dev/null 2>&1
# Written as a spreadsheet saves it: a BOM, CRLF, merged-looking cells, a
# quoted comma, a quoted line break, and a decimal comma in row 7.
printf '\xEF\xBB\xBFTeam,Objective,Key Result,Start,Current,Target,Unit,Owner,Score,Confidence\r
Company,"Grow revenue, profitably",Revenue,10,12,50,MEUR,alice,0.1,70%%\r
,,Margin,20,,25,%%,,,\r
,Keep customers,"NPS, measured
quarterly",30,35,50,,mia,,0.6\r
Company/Sales,Sell more,Deals,0,4,100,,,,\r
,,Launch partner program,,done,,,,,\r
Company/Sales/EMEA,Win EMEA,Pipeline,1,2,"12,5",MEUR,,,\r
,,,,,,,,,\r' >"$WORK/sheet.csv"
BEFORE=$(as alice --json show | jq -S 'del(.workshop)')
unchanged "a decimal comma is refused with its row" 1 "row 7, column target: '12,5' is not a number (use a dot for decimals)." \
    as alice import "$WORK/sheet.csv"
[ "$(as alice --json show | jq -S 'del(.workshop)')" = "$BEFORE" ] && ok "show --json is as it was" || not_ok "show unchanged"
sed -i 's/"12,5"/12.5/' "$WORK/sheet.csv"
if run 0 as alice import "$WORK/sheet.csv" --dry-run && grep -qF "Would import 1 new team (2 reused), 4 objectives, 6 key results" <<<"$out" \
   && grep -qxF "  team Company/Sales: the workshop's T2" <<<"$out" && grep -qxF "  team Company/Sales/EMEA: new" <<<"$out" \
   && grep -qxF '  objective "Grow revenue, profitably" of Company: 2 key results' <<<"$out"; then
    ok "the mended sheet passes a dry run, which lists the teams it reuses and what it would make"
else not_ok "sheet dry run" "$out $err"; fi
if run 0 as alice --json import "$WORK/sheet.csv" --dry-run \
   && [ "$(jq -c '[.dry_run, .teams_created, .teams_reused, .reused_teams, .seq]' <<<"$out")" = '[true,1,2,{"T1":"T1","T2":"T2"},0]' ]; then
    ok "--json says so too"
else not_ok "dry run json" "$out $err"; fi
if run 0 as alice import "$WORK/sheet.csv" && run 0 as alice --json show \
   && [ "$(jq -r '[.teams[] | "\(.id):\(.name):\(.parent):\(.level)"] | join(" ")' <<<"$out")" = "T1:Company:null:company T2:Sales:T1:department T3:EMEA:T2:team" ] \
   && [ "$(jq -r '[.objectives[] | "\(.id):\(.team):\(.title)"] | join("|")' <<<"$out")" = "O1:T1:Grow revenue, profitably|O2:T1:Keep customers|O3:T2:Sell more|O4:T3:Win EMEA" ] \
   && [ "$(jq -r '[.key_results[] | "\(.id):\(.objective):\(.title):\(.kind):\(.start):\(.current):\(.target):\(.unit):\(.owner):\(.confidence):\(.done)"] | join("|")' <<<"$out")" = 'K1:O1:Revenue:metric:10:12:50:MEUR:alice:0.7:false|K2:O1:Margin:metric:20:20:25:%:null:0.5:false|K3:O2:NPS, measured quarterly:metric:30:35:50::mia:0.6:false|K4:O3:Deals:metric:0:4:100::null:0.5:false|K5:O3:Launch partner program:milestone:0:0:1::null:0.5:true|K6:O4:Pipeline:metric:1:2:12.5:MEUR:null:0.5:false' ]; then
    ok "the sheet imported: empty cells as the row above, paths as teams, a milestone, a percentage"
else not_ok "sheet import" "$out $err"; fi
check "show --at rebuilds the workshop the sheet went into" past_and_now "$SHEET"
if run 0 as alice export --format csv >"$WORK/sheet2.csv" && cp "$WORK/out" "$WORK/sheet2.csv" \
   && AGAIN=$(as alice workshop create "Again" --period 2026-Q4 2>/dev/null) \
   && run 0 as alice -w "$AGAIN" import "$WORK/sheet2.csv" && run 0 as alice -w "$AGAIN" export --format csv \
   && [ "$out" = "$(cat "$WORK/sheet2.csv")" ]; then
    ok "a CSV export imports back to the same CSV"
else not_ok "csv round trip" "$out $err"; fi

# ---- every problem at once, and nothing changed -------------------------------------------------
printf 'team,objective,key_result,start,target,owner,confidence\nCompany,Grow,Revenue,abc,10,,2\n,,Margin,5,,nobody,\nCompany,,Orphan,1,2,,\nCompany,Grow,"Tab\tbed",1,2,,\n' >"$WORK/bad.csv"
if run 1 as alice import "$WORK/bad.csv" \
   && grep -qF "row 2, column start: 'abc' is not a number." <<<"$err" \
   && grep -qF "row 2, column confidence: The confidence must be from 0 to 1 (or 0% to 100%), not 2." <<<"$err"; then
    ok "every problem of the file is told, each with its row and column"
else not_ok "all problems" "$err"; fi
grep -qF "row 3, column target: A metric key result needs both start and target" <<<"$err" \
    && ok "a metric without its target is named" || not_ok "missing target" "$err"
grep -qF "row 5, column key_result: The title contains a control character (U+0009); remove it." <<<"$err" \
    && ok "the checks of the rows read are told with the rows refused" || not_ok "checks with rows" "$err"
printf 'team,objective,key_result,start,target,owner\nCompany,Grow,Revenue,1,10,nobody\nCompany,Grow,Margin,1,10,ghost\n' >"$WORK/owners.csv"
unchanged "owners without an account are found by the server, in a dry run too" 1 "row 3, column owner: There is no user named 'ghost' on this server" \
    as alice import "$WORK/owners.csv" --dry-run
grep -qF "row 2, column owner: There is no user named 'nobody'" <<<"$err" && ok "both owners are named" || not_ok "both owners" "$err"
printf '{"format":"cascade-export","version":1,"teams":[{"id":"T1","name":"A"}],"objectives":[{"id":"O1","team":"T1","title":"x"},{"id":"O2","team":"T9","title":""}],"key_results":[{"id":"K1","objective":"O1","title":"k","start":"abc"}]}' >"$WORK/bad.json"
if run 1 as alice import "$WORK/bad.json" && grep -qF "key_results[0].start: Expected a number." <<<"$err"; then
    ok "a JSON problem is named by its path"
else not_ok "json path" "$err"; fi
printf '{"teams":[{"id":"T1","name":"A"}],"objectives":[{"id":"O1","team":"T1","title":"x"},{"id":"O2","team":"T9","title":""}]}' >"$WORK/bad2.json"
if run 1 as alice import "$WORK/bad2.json" && grep -qF "objectives[1].team: The file has no team 'T9'." <<<"$err" \
   && grep -qF "objectives[1].title: The title is empty" <<<"$err"; then
    ok "the file's checks name each entity by its path"
else not_ok "json checks" "$err"; fi

jq '.dependencies += [{"key_result":"K1","depends_on":"K3"}]' "$WORK/a.json" >"$WORK/circle.json"
unchanged "dependencies that close a circle" 1 "dependencies[1].depends_on: This dependency is on a circle of dependencies" \
    as alice -w "$COPY" import "$WORK/circle.json"

# ---- files that cannot be imported -----------------------------------------------------------
unchanged "a missing file" 1 "Cannot read $WORK/nope.csv: No such file or directory. Nothing was imported." \
    as alice import "$WORK/nope.csv"
: >"$WORK/empty.csv"
unchanged "an empty file" 1 "is empty; import takes a JSON export or a CSV with a header row." as alice import "$WORK/empty.csv"
truncate -s 17M "$WORK/huge.csv"
unchanged "a file too large" 1 "is larger than 16 MiB, the most one import takes" as alice import "$WORK/huge.csv"
printf 'team,objective,key_result,taget\nA,B,C,1\n' >"$WORK/typo.csv"
unchanged "an unknown column, with the one meant" 1 "row 1: 'taget' is not a column import knows; did you mean 'target'?" \
    as alice import "$WORK/typo.csv"
printf 'team,objective,start\nA,B,1\n' >"$WORK/short.csv"
unchanged "a missing column" 1 "row 1: The header has no column 'key_result'" as alice import "$WORK/short.csv"
printf 'team,objective,key_result\nA,B\xff\xfe,C\n' >"$WORK/latin.csv"
unchanged "a byte that is not UTF-8" 1 "row 2, column objective: The cell is not valid UTF-8 (at byte 2)" \
    as alice import "$WORK/latin.csv"
printf 'team,objective,key_result\nA,"B,C\n' >"$WORK/quote.csv"
unchanged "an unclosed quote" 1 "The CSV is malformed here" as alice import "$WORK/quote.csv"
unchanged "a member may not import" 1 "Only a facilitator can import OKRs." as mia -w "$SRC" import "$WORK/a.json"
unchanged "nor someone outside the workshop" 1 "$SRC" as bob -w "$SRC" import "$WORK/a.json"
for i in $(seq 1 60); do echo "Company,Objective $i,KR $i,0,10"; done | sed '1i team,objective,key_result,start,target' >"$WORK/many.csv"
unchanged "more entities than --max-entities allows, in a dry run too" 1 "would take it past its limit of 120 (--max-entities). Nothing was imported." \
    as alice import "$WORK/many.csv" --dry-run
as alice -w "$COPY" workshop close --force >/dev/null 2>&1
if run 0 as alice -w "$COPY" export --format md && grep -qF "closed by alice" <<<"$out" \
   && grep -qF -- "- Score: 0.4 red (fixed at the close)" <<<"$out"; then
    ok "a closed workshop's summary gives the grades fixed at the close"
else not_ok "closed md" "$out $err"; fi
unchanged "a closed workshop takes no import" 1 "closed" as alice -w "$COPY" import "$WORK/sheet.csv"
says "import without a file is a usage error" 2 "Name the file to import" as alice import
says "an unknown flag of import is named" 2 "Unknown option --dryrun for this command; did you mean --dry-run?" \
    as alice import "$WORK/sheet.csv" --dryrun
jq -n --arg t "$(head -c 15000 /dev/zero | tr '\0' x)" \
    '{teams:[{id:"T1",name:"Big"}],objectives:[{id:"O1",team:"T1",title:"o"}],comments:[range(1;80) | {id:"C\(.)",target:"O1",author:"a",text:$t}]}' >"$WORK/big.json"
unchanged "a file that does not fit one frame" 3 "a server takes 1048576 unless its operator raised --max-frame. Split the file" \
    as alice import "$WORK/big.json"
for w in "$SHEET" "$COPY"; do as alice -w "$w" export --format json --out "$WORK/before-$w.json" >/dev/null 2>&1; done
stop_server "$SPID"
start_server main --max-entities 120 --listen "127.0.0.1:$PORT"
for w in "$SHEET" "$COPY"; do
    if run 0 as alice -w "$w" export --format json --out "$WORK/after-$w.json" \
       && diff "$WORK/before-$w.json" "$WORK/after-$w.json" >"$WORK/diff"; then
        ok "after a restart the imported workshop $w is as it was"
    else not_ok "restart $w" "$out $err $(cat "$WORK/diff")"; fi
done
stop_server "$SPID"
unchanged "a server that is down" 3 "" as alice import "$WORK/sheet.csv"
grep -qE "connect|reach" <<<"$err" && ok "the refusal says the server cannot be reached" || not_ok "server down sentence" "$err"

finish
