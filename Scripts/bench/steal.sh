# steal.sh — sourced by the benchmarks: how much CPU time the hypervisor took during a run.
#
# On a shared VM the hypervisor "steals" time from the guest; a run during which it stole much is slow for reasons
# that are not the program's, so each bench reports the steal next to its figures.

# cpu_ticks: "steal total" jiffies of all CPUs so far (/proc/stat).
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t }' /proc/stat; }

# steal_percent BEFORE AFTER: the steal between two cpu_ticks readings, in % of all CPU time.
steal_percent() {
    awk -v b="$1" -v a="$2" \
        'BEGIN { split(b, x, " "); split(a, y, " "); d = y[2] - x[2]; printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}
