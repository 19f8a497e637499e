# gnuplot -e "csv='build/bench.csv'; out='build/bench.png'" bench.gp
set datafile separator ','
set terminal pngcairo size 1000,1100 font ',11'
set output out
set multiplot layout 2,1 title 'vtd-kdump walker: 1 device, legacy 4-level SL, contiguous runs (mean 2 MiB)'
set logscale xy
set xrange [700:3e7]
set grid
set key top left
set xlabel 'mapped 4 KiB pages per device (M)'
set format x '%.0s%c'
set ylabel 'time per walk (ms)'
plot csv using (strcol(1) eq 'sweep' ? $2 : NaN):($11/1e6) skip 1 with linespoints lw 2 title 'walk + validate + ranges', \
     csv using (strcol(1) eq 'sweep' ? $2 : NaN):($12/1e6) skip 1 with linespoints lw 2 title 'bound: memcpy of the same table pages'
set ylabel 'bytes'
set format y '%.0s%cB'
set key bottom right
plot csv using (strcol(1) eq 'sweep' ? $2 : NaN):20 skip 1 with linespoints lw 2 title 'attach allocation (table pages x 4 KiB)', \
     csv using (strcol(1) eq 'sweep' ? $2 : NaN):19 skip 1 with linespoints lw 2 title 'boot allocation (context tables + 16 B/range)', \
     csv using (strcol(1) eq 'sweep' ? $2 : NaN):21 skip 1 with linespoints lw 2 title 'bench process peak RSS (getrusage)', \
     134217728 with lines dt 2 lc rgb 'red' title 'crashkernel=128M'
unset multiplot
