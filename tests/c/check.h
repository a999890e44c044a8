/*
** check.h - the tiny harness of yqbox's C unit tests: CHECK(cond) counts a pass or reports the
** failing line; DONE() prints "N passed, N failed" and gives the exit status.
*/
#include <stdio.h>

static int nPass, nFail;

#define CHECK(cond) do{ if( cond ) nPass++; else { nFail++; \
  fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } }while(0)
#define DONE() (printf("%d passed, %d failed\n", nPass, nFail), nFail ? 1 : 0)
