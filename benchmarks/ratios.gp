# ratios.gp — the chart of scripts/bench's ratios (gnuplot).
# Usage: gnuplot -e "datafile='.build/bench/ratios.dat'; outfile='.build/bench/ratios.png'; subtitle='...'" benchmarks/ratios.gp
# Input: benchmarks/targets.py --dat (label ratio target kind met).
# One bar per ratio, green when its target is met, red when missed, grey for
# a peer without a target; the target is a black dash across the bar, and
# the ratio is written above the bar or the dash, whichever is higher. 1.0 (parity with the baseline) is a dotted line.
if (!exists("subtitle")) subtitle = ""
set terminal pngcairo noenhanced size 1400,700 font "DejaVu Sans,11"
set output outfile
set title "nsrun benchmark ratios (per-round medians; black dash = target; throughput: higher is better, the rest: lower)\n".subtitle
set style fill solid 0.85 border -1
set boxwidth 0.6
set yrange [0:*]
set ylabel "ratio"
set grid ytics lc rgb "#dddddd"
set xtics nomirror font ",10"
set key off
set bmargin 4
set xrange [-0.6:*]
stats datafile using 2 nooutput
set yrange [0:STATS_max*1.15 > 1.5 ? STATS_max*1.15 : 1.5]
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 3 lw 1.5 lc rgb "#444444"
top(r, t) = t > r ? t : r   # t is -1 when there is no target
color(m) = m == 1 ? 0x2e9e44 : (m == 0 ? 0xd0342c : 0x9a9a9a)
plot datafile using 0:2:(color($5)):xtic(1) with boxes lc rgb variable, \
     '' using ($0-0.35):($3 < 0 ? NaN : $3):(0.7):(0) with vectors nohead lw 3 lc rgb "black", \
     '' using 0:(top($2, $3)):(sprintf("%.2f", $2)) with labels offset 0,0.8 font ",11"
