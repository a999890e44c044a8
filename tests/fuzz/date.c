/*
** date.c - libFuzzer harness of the publish-time parser (src/date.c): YqDateParse() on exactly
** the given bytes (a heap copy of that length, so any read past it is caught), loose as the
** article extractor calls it and strict as the feed parser does, and `date parse TEXT -now ISO` as
** the crawler does.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  long long now = 1715313600LL, t;          /* 2024-05-10T12:00:00+08:00 */
  char *exact = malloc(size ? size : 1), iso[32];
  Tcl_Obj *text;
  memcpy(exact, data, size);
  if( YqDateParse(exact, (int)size, now, 0, &t)==0 ) YqDateFormat(t, iso);
  if( YqDateParse(exact, (int)size, now, 1, &t)==0 ) YqDateFormat(t, iso);
  free(exact);
  text = fuzzText(data, size);
  fuzzEval("date", "parse", FUZZ_OBJ, text, "-now", "2024-05-10T12:00:00+08:00", NULL);
  Tcl_DecrRefCount(text);
  return 0;
}
