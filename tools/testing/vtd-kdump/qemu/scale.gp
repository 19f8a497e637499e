# gnuplot -e "dat='build/scale/plot.dat'; out='build/scale/scale.png'" scale.gp
# plot.dat (scale-bench.sh): blocks 0 patched 4k, 1 patched 2m, 2 baseline 4k,
# 3 baseline 2m; columns: pages edu_tables walk_ms w_pp_ms w_win_ms b_pp_ms
# b_run_ms b_span_ms us_nosimd_ms kdump_boot_s replay_ms (medians of the runs)
set terminal pngcairo size 1100,1300 font ',11'
set output out
set multiplot layout 2,1 title "vtd-kdump, kdump kernel under QEMU TCG: edu with M more 4 KiB pages mapped"
set logscale xy
set grid
set key top left
set key font ",10"
set format x '%.0s%c'
set xlabel "old page-table pages of edu read (debugfs tables=); 2 MiB leaves: 4 to 67 pages"
set ylabel 'ms'
plot dat index 0 using 2:3 with linespoints lw 2 pt 7 lc 1 title 'series: walk+validate at boot, summary line (all devices)', \
     dat index 1 using 2:3 with points pt 6 ps 2 lc 1 title '  the same, 2 MiB leaves', \
     dat index 0 using 2:4 with linespoints lw 2 pt 5 lc 2 title 'test module: the walker, memremap per page (before issue 14)', \
     dat index 0 using 2:5 with linespoints lw 2 pt 9 lc 3 title 'test module: the walker through 2 MiB windows (as kdump_copy.c)', \
     dat index 0 using 2:6 with linespoints lw 2 dt 2 pt 4 lc 4 title 'bound: memremap + read every byte, per page', \
     dat index 0 using 2:7 with linespoints lw 2 dt 2 pt 8 lc 7 title 'bound: memremap + read, per physical run of the pages', \
     dat index 0 using 2:8 with linespoints lw 1 dt 3 pt 10 lc 8 title 'bound: one memremap of as much old RAM', \
     dat index 0 using 2:9 with linespoints lw 1 dt 4 pt 12 lc rgb 'gray40' title 'userspace bench, same M, no SIMD (native, not TCG)'
unset logscale y
set xlabel 'M (4 KiB pages mapped for edu)'
set ylabel 'kdump kernel: printk time of "Run /init" (s)'
set yrange [0:*]
plot dat index 0 using 1:10 with linespoints lw 2 pt 7 lc 1 title 'patched, 4 KiB leaves', \
     dat index 1 using 1:10 with linespoints lw 2 pt 5 lc 2 title 'patched, 2 MiB leaves', \
     dat index 2 using 1:10 with linespoints lw 2 dt 2 pt 6 lc 1 title 'baseline 6.12, 4 KiB leaves', \
     dat index 3 using 1:10 with linespoints lw 2 dt 2 pt 4 lc 2 title 'baseline 6.12, 2 MiB leaves'
unset multiplot
