/*
** url.c - libFuzzer harness of the WHATWG URL parser (src/url.c). The input is "BASE\nREF": the
** crawler resolves every link REF found on a page against the page's URL BASE (YqUrlResolve), makes
** canonical forms (YqUrlCanonical) and request paths (YqUrlPathQuery) of what it fetches, and the
** scripts call `url resolve`, `url parse` and `url canonical`. Without a newline the whole input is
** the reference, resolved against a fixed base and on its own.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  size_t nl = fuzzSplit(data, size, '\n');
  char *base = nl<size ? fuzzCopy(data, nl) : fuzzCopy("http://bbs.qingshan.test/forum-2-1.html", 39);
  char *ref = nl<size ? fuzzCopy(data+nl+1, size-nl-1) : fuzzCopy(data, size);
  const char *err;
  Tcl_DString ds;
  Tcl_Obj *b, *r;
  Tcl_DStringInit(&ds);
  if( YqUrlResolve(base, ref, &ds, &err)==0 ){
    Tcl_DString again;
    Tcl_DStringInit(&again);
    YqUrlCanonical(Tcl_DStringValue(&ds), &again, &err);
    Tcl_DStringSetLength(&again, 0);
    YqUrlPathQuery(Tcl_DStringValue(&ds), &again, &err);
    Tcl_DStringFree(&again);
  }
  Tcl_DStringSetLength(&ds, 0);
  YqUrlResolve(NULL, ref, &ds, &err);
  Tcl_DStringSetLength(&ds, 0);
  YqUrlCanonical(ref, &ds, &err);
  Tcl_DStringSetLength(&ds, 0);
  YqUrlPathQuery(ref, &ds, &err);
  Tcl_DStringFree(&ds);
  b = fuzzText(base, strlen(base));
  r = fuzzText(ref, strlen(ref));
  fuzzEval("url", "resolve", FUZZ_OBJ, b, FUZZ_OBJ, r, NULL);
  fuzzEval("url", "parse", FUZZ_OBJ, r, NULL);
  fuzzEval("url", "canonical", FUZZ_OBJ, r, NULL);
  Tcl_DecrRefCount(b);
  Tcl_DecrRefCount(r);
  free(base);
  free(ref);
  return 0;
}
