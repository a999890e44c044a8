# service.tcl - yqbox as a long-running service: its log files and their rotation, `yqbox doctor`,
# the systemd unit, and `yqbox upgrade`.

conf::key log_file string "" \
    "Application log: empty = standard error (the journal under systemd), else a file (relative to the data directory)"
