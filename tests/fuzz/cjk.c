/*
** cjk.c - libFuzzer harness of the FTS5 tokenizer "cjk" (src/cjk.c): the input is post text. It is
** tokenized by `cjk tokens TEXT` and, as the box indexes posts, inserted into an FTS5 table using
** the tokenizer (SQLite in memory), searched with the text as a phrase and highlighted.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static int ready;
  Tcl_Interp *interp = fuzzInterp();
  Tcl_Obj *text = fuzzText(data, size);
  if( !ready ){
    if( Tcl_Eval(interp, "sqlite3 ::fuzzdb :memory:; ::fuzzdb eval {CREATE VIRTUAL TABLE t USING fts5(body, tokenize='cjk')}")!=TCL_OK ){
      fprintf(stderr, "fuzz: %s\n", Tcl_GetStringResult(interp));
      abort();
    }
    ready = 1;
  }
  fuzzEval("cjk", "tokens", FUZZ_OBJ, text, NULL);
  Tcl_SetVar2Ex(interp, "::fuzztext", NULL, text, 0);
  fuzzEval("::fuzzdb", "eval", "INSERT INTO t(body) VALUES($::fuzztext)", NULL);
  fuzzEval("::fuzzdb", "eval", "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH '\"' || replace($::fuzztext, '\"', '\"\"') || '\"'", NULL);
  fuzzEval("::fuzzdb", "eval", "DELETE FROM t", NULL);
  Tcl_DecrRefCount(text);
  return 0;
}
