/*
** match.c - libFuzzer harness of the multi-pattern matcher (src/match.c). Inputs without a NUL byte
** are post text, scanned as the analysis scans it (`matcher find NAME TEXT -ids -longest`, and all
** matches) against a fixed set of terms using every term option (id, word, not). An input
** "TERMS\0TEXT" also builds a matcher from TERMS (a Tcl list, as the rules and term lists are
** configured) and scans TEXT with it.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static int ready;
  size_t z = fuzzSplit(data, size, 0);
  Tcl_Obj *text;
  if( !ready ){
    fuzzEval("matcher", "create", "fuzz:fixed", "县长 {term 县长 not {副县长 县长助理}} 拆迁 {term 补偿款 id money} "
             "{term app word 1} {term 110 word 1} APP投诉 {term {城东 路} id road} ＡＢＣ 青山县 山县 a ab abc", NULL);
    ready = 1;
  }
  text = fuzzText(data+(z<size ? z+1 : 0), z<size ? size-z-1 : size);
  fuzzEval("matcher", "find", "fuzz:fixed", FUZZ_OBJ, text, "-ids", "-longest", NULL);
  fuzzEval("matcher", "find", "fuzz:fixed", FUZZ_OBJ, text, NULL);
  {
    Tcl_Obj *bytes = fuzzBytes(data, size);     /* -bytes: raw UTF-8, maybe invalid */
    fuzzEval("matcher", "find", "fuzz:fixed", FUZZ_OBJ, bytes, "-bytes", "-longest", NULL);
    Tcl_DecrRefCount(bytes);
  }
  if( z<size ){
    Tcl_Obj *terms = fuzzText(data, z);
    if( fuzzEval("matcher", "create", "fuzz:input", FUZZ_OBJ, terms, NULL)==TCL_OK ){
      fuzzEval("matcher", "find", "fuzz:input", FUZZ_OBJ, text, "-longest", NULL);
      fuzzEval("matcher", "find", "fuzz:input", FUZZ_OBJ, text, "-ids", NULL);
    }
    Tcl_DecrRefCount(terms);
  }
  Tcl_DecrRefCount(text);
  return 0;
}
