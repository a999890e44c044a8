# city.tcl placeholder
