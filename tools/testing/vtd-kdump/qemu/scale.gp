# gnuplot -e "csv='build/scale/results.csv'; out='build/scale/scale.png'" scale.gp
# (scale-bench.sh writes the CSV; columns by name from its header line)
set datafile separator ','
set datafile columnheaders
set datafile missing ''
set terminal pngcairo size 1100,1300 font ',11'
set output out
set multiplot layout 2,1 title "vtd-kdump kdump kernel under QEMU TCG: edu with M extra 4 KiB pages mapped (4 KiB or 2 MiB leaves)"
set logscale xy
set grid
set key top left
set format x '%.0s%c'
pk(l) = (strcol('kind') eq 'patched' && strcol('leaf') eq l)
bk(l) = (strcol('kind') eq 'baseline' && strcol('leaf') eq l)
set xlabel "old page-table pages of edu read (debugfs tables=)"
set ylabel 'ms'
plot csv using (pk('4k') ? column('edu_tables') : NaN):(column('walk_us') / 1000) with linespoints lw 2 pt 7 lc 1 title 'series walk+validate, summary line (4 KiB leaves)', \
     csv using (pk('2m') ? column('edu_tables') : NaN):(column('walk_us') / 1000) with points pt 6 ps 2 lc 1 title '  (2 MiB leaves)', \
     csv using (pk('4k') ? column('edu_tables') : NaN):(column('w_pp_ms')) with linespoints lw 2 pt 5 lc 2 title 'the walker in the test module, memremap per page', \
     csv using (pk('4k') ? column('edu_tables') : NaN):(column('w_win_ms')) with linespoints lw 2 pt 9 lc 3 title 'the same through 2 MiB windows (proposed)', \
     csv using (pk('4k') ? column('edu_tables') : NaN):(column('b_pp_ms')) with linespoints lw 2 dt 2 pt 4 lc 4 title 'bound: memremap + read, per page', \
     csv using (pk('4k') ? column('edu_tables') : NaN):(column('b_run_ms')) with linespoints lw 2 dt 2 pt 8 lc 7 title 'bound: memremap + read, per physical run', \
     csv using (pk('4k') ? column('edu_tables') : NaN):(column('b_span_ms')) with linespoints lw 2 dt 3 pt 10 lc 8 title 'bound: one memremap of as much old RAM', \
     csv using (pk('4k') ? column('edu_tables') : NaN):(column('us_nosimd_walk_ms')) with linespoints lw 1 dt 4 pt 12 lc rgb 'gray40' title 'userspace bench, same M, no SIMD (native, not TCG)'
unset logscale y
set logscale x
set xlabel 'M (4 KiB pages mapped)'
set ylabel 'kdump kernel: printk time of "Run /init" (s)'
set key top left
set yrange [0:*]
plot csv using (pk('4k') ? column('pages') : NaN):(column('kdump_boot_s')) with linespoints lw 2 pt 7 lc 1 title 'patched, 4 KiB leaves', \
     csv using (pk('2m') ? column('pages') : NaN):(column('kdump_boot_s')) with linespoints lw 2 pt 5 lc 2 title 'patched, 2 MiB leaves', \
     csv using (bk('4k') ? column('pages') : NaN):(column('kdump_boot_s')) with linespoints lw 2 dt 2 pt 6 lc 1 title 'baseline 6.12, 4 KiB leaves', \
     csv using (bk('2m') ? column('pages') : NaN):(column('kdump_boot_s')) with linespoints lw 2 dt 2 pt 4 lc 2 title 'baseline 6.12, 2 MiB leaves'
unset multiplot
