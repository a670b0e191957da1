#!/usr/bin/env bash
# measure.sh: the pecverify measurements of issue 11 on synthetic mailboxes made by
# mboxgen (no real message). Run from the repository root:
#
#	examples/mboxgen/measure.sh [WORKDIR] [N]
#
# It prints, for an N-message mbox and an N-file folder (default 100000), the peak
# RSS and wall time of `pecverify -json > /dev/null` (GNU time -v), the time to the
# first record, and the speedup of -j 2 over -j 1 on a 20000-message mbox (best of
# 5 alternating runs each; on a shared machine, read it with the load average
# printed beside).
set -euo pipefail
work=${1:-$(mktemp -d)}
n=${2:-100000}
mkdir -p "$work"
go build -o "$work/pecverify" ./examples/pecverify
go build -o "$work/mboxgen" ./examples/mboxgen
pv=$work/pecverify
trust=$work/trust.pem

[ -s "$work/big.mbox" ] || "$work/mboxgen" -n "$n" -mbox "$work/big.mbox" -trust "$trust"
[ -d "$work/big" ] || "$work/mboxgen" -n "$n" -dir "$work/big" -trust "$trust"
[ -s "$work/small.mbox" ] || "$work/mboxgen" -n 20000 -mbox "$work/small.mbox" -trust "$trust"

# first_ms CMD...: milliseconds from the start of CMD to its first line of output.
first_ms() {
	local start end
	start=$(date +%s%N)
	"$@" | {
		IFS= read -r _
		end=$(date +%s%N)
		echo $(((end - start) / 1000000))
		cat >/dev/null
	}
}

# wall_s CMD...: wall seconds of CMD, output discarded.
wall_s() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null || true
	end=$(date +%s%N)
	echo "scale=3; ($end - $start) / 1000000000" | bc
}

echo "machine: $(nproc) CPU(s), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for src in "$work/big.mbox" "$work/big"; do
	/usr/bin/time -v "$pv" -json -roots "$trust" "$src" >/dev/null 2>"$work/time.txt" || true
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
	first=$(first_ms "$pv" -json -roots "$trust" "$src")
	printf '%s (%d messages): peak RSS %.1f MiB, wall %s, first record after %d ms\n' \
		"$(basename "$src")" "$n" "$(echo "$rss / 1024" | bc -l)" "$wall" "$first"
done

# -j 1 and -j 2 alternate, five runs each, so that a burst of load from elsewhere
# hits both; the best run of each is kept.
j1=999999
j2=999999
for _ in 1 2 3 4 5; do
	for j in 1 2; do
		t=$(wall_s "$pv" -json -j "$j" -roots "$trust" "$work/small.mbox")
		if [ "$j" = 1 ] && [ "$(echo "$t < $j1" | bc)" = 1 ]; then j1=$t; fi
		if [ "$j" = 2 ] && [ "$(echo "$t < $j2" | bc)" = 1 ]; then j2=$t; fi
	done
done
printf 'small.mbox (20000 messages): -j 1 %ss, -j 2 %ss, speedup %.2fx (load average %s)\n' \
	"$j1" "$j2" "$(echo "$j1 / $j2" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
