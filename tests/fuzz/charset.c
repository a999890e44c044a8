/*
** charset.c - libFuzzer harness of charset detection and decoding (src/charset.c): the first byte
** picks the Content-Type header the response came with (one of a few, or, for 0x07, the first line
** of the input), the rest is the response body. Runs what the crawler runs on every response,
** `charset decode BODY -contenttype CT`, plus `charset detect`, YqDecodeAuto() on a heap copy of
** exactly the body's length, and YqDecode() from each legacy charset; and `page async BODY
** -contenttype CT` (decode and extract on the extraction thread), waited for in the event loop.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static const char *cts[] = {"", "text/html", "text/html; charset=gbk", "text/html; charset=utf-8",
    "application/xml; charset=big5", "text/html; charset=\"GB2312\"", "text/plain; charset=bogus"};
  static const char *sets[] = {"gb18030", "big5", "utf-8", "utf-16le", "windows-1252", NULL};
  const char *ct;
  char *ctCopy = NULL, *exact;
  Tcl_DString ds;
  Tcl_Obj *body;
  int i;
  if( size==0 ) return 0;
  if( data[0]==7 ){
    size_t nl = fuzzSplit(data+1, size-1, '\n');
    ctCopy = fuzzCopy(data+1, nl);
    ct = ctCopy;
    data += nl+1; size -= nl+1;
    if( size ){ data++; size--; }
  }else{
    ct = cts[data[0] % (sizeof cts/sizeof cts[0])];
    data++; size--;
  }
  exact = malloc(size ? size : 1);
  memcpy(exact, data, size);
  Tcl_DStringInit(&ds);
  YqDecodeAuto(exact, size, *ct ? ct : NULL, &ds);
  for(i=0; sets[i]; i++){
    Tcl_DStringSetLength(&ds, 0);
    YqDecode(sets[i], exact, size, &ds);
  }
  Tcl_DStringFree(&ds);
  free(exact);
  body = fuzzBytes(data, size);
  fuzzEval("charset", "decode", FUZZ_OBJ, body, "-contenttype", ct, NULL);
  fuzzEval("charset", "detect", FUZZ_OBJ, body, "-contenttype", ct, NULL);
  if( fuzzEval("page", "async", FUZZ_OBJ, body, "-contenttype", ct, "-command", "set ::fuzzAsync", NULL)==TCL_OK ){
    fuzzEval("vwait", "::fuzzAsync", NULL);
  }
  Tcl_DecrRefCount(body);
  free(ctCopy);
  return 0;
}
