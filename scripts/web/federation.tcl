# web/federation.tcl - the link between boxes over HTTPS (issue 17): the two requests a county box
# makes to its city box. Both answer JSON to another box, not to a person's browser; the work is
# in scripts/federation/enrolment.tcl and transport.tcl.

# a county box enrols with its one-time code (federation::serveJoin checks and answers)
route POST /federation/join {} { federation::serveJoin }

# a county box's signed exchange: its messages up, the city's messages down
route POST /federation/messages {} { federation::serveMessages }
