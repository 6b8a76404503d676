# The low-rank MTP paper's Figure 2 from scripts/paper_table.py's data file: validation loss
# (mean ± σ over seeds) against the number of radial parameters, one curve per method, the
# uncompressed base model as a horizontal line (its full radial tensor has 512 parameters).
#
# Usage: gnuplot -e "datafile='fig2.dat'; outfile='fig2.png'" scripts/paper_plot.gp
# PNG through pngcairo when this gnuplot has it, SVG otherwise (then outfile's extension is
# replaced by .svg).
if (!exists("datafile")) datafile = 'paper-out/figure2.dat'
if (!exists("outfile")) outfile = 'paper-out/figure2.png'

# Terminal: `set terminal pngcairo` fails in a gnuplot built without cairo, so probe it first.
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo size 1000,600 enhanced font "sans,11"
} else {
    outfile = (strstrt(outfile, ".png") > 0) ? outfile[1:strstrt(outfile, ".png") - 1] . ".svg" : outfile . ".svg"
    set terminal svg size 1000,600 enhanced font "sans,11"
}
set output outfile

# Number of method blocks (index 0 is "base", written first by paper_table.py).
stats datafile using 1 nooutput
blocks = STATS_blocks
stats datafile index 0 using 2 nooutput
base_loss = STATS_mean

set title "Validation loss vs radial parameters (Nb-Mo-Ta-W, level 14; mean ± σ over seeds)"
set xlabel "radial parameters (R-MF: manifold dimension)"
set ylabel "validation loss"
set key outside right top box
set grid
set xrange [0:560]
set logscale y
set format y "%g"
set yrange [5:200]  # σ bars below 5 (one outlier seed of MF r=4) are clipped

plot base_loss with lines dashtype 2 linecolor rgb "black" title "base (512 radial parameters)", \
     datafile index 0 using 1:2:3 with yerrorbars pointtype 7 linecolor rgb "black" notitle, \
     for [i=1:blocks-1] datafile index i using 1:2:3 with yerrorlines pointsize 1.2 title columnheader(1), \
     for [i=1:blocks-1] datafile index i using 1:2:8 with labels offset 0,1.2 font ",8" notitle
