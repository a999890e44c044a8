/*
** json.c - libFuzzer harness of the JSON parser (src/json.c): `json parse TEXT` as the JSON API
** sources, holiday calendars and webhooks replies use it, with and without -null, and
** YqJsonParse() on the raw bytes as the JSON Feed reader (feed.c) calls it.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  Tcl_Interp *interp = fuzzInterp();
  Tcl_Obj *text = fuzzText(data, size), *v, *null = Tcl_NewObj();
  fuzzEval("json", "parse", FUZZ_OBJ, text, NULL);
  fuzzEval("json", "parse", FUZZ_OBJ, text, "-null", "NULL", NULL);
  fuzzEval("json", "quote", FUZZ_OBJ, text, NULL);
  Tcl_IncrRefCount(null);
  v = YqJsonParse(interp, (const char*)data, (int)size, null);
  if( v ){ Tcl_IncrRefCount(v); Tcl_DecrRefCount(v); }
  Tcl_DecrRefCount(null);
  Tcl_DecrRefCount(text);
  Tcl_ResetResult(interp);
  return 0;
}
