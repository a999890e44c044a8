/*
** fuzz.h - what the libFuzzer harnesses of tests/fuzz/ share: the interpreter the box itself makes
** (YqInterpCreate: embedded scripts, every C command registered) and small helpers that turn the
** fuzzer's bytes into the Tcl values the crawler hands to our parsers and run a command on them.
** Each harness NAME.c defines LLVMFuzzerTestOneInput; `make fuzz` links it with libFuzzer (clang),
** `make test` with replay.c (gcc + ASan) to replay tests/fuzz/corpus/NAME and tests/fuzz/crashes/NAME.
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "yqbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* fuzzInterp: the process's interpreter, made on first use exactly as the yqbox binary makes its
** own (no --dev: scripts from the embedded files). Aborts if it cannot be made. */
static inline Tcl_Interp *fuzzInterp(void){
  static Tcl_Interp *interp;
  if( !interp ){
    char *err = NULL;
    Tcl_FindExecutable("yqbox-fuzz");
    YqCryptoInit();
    interp = YqInterpCreate(NULL, NULL, &err);
    if( !interp ){ fprintf(stderr, "fuzz: cannot make the interpreter: %s\n", err); abort(); }
  }
  return interp;
}

/* LLVMFuzzerInitialize: called once before the first input (by libFuzzer, and by replay.c): Tcl
** and the interpreter are set up before any harness touches Tcl's allocator or encodings. */
int LLVMFuzzerInitialize(int *argc, char ***argv){
  (void)argc; (void)argv;
  fuzzInterp();
  return 0;
}

/* fuzzText: a new Tcl string (refcount 1) from N bytes taken as UTF-8, as `charset decode` hands
** crawled text to the parsers (invalid sequences replaced, NUL kept). */
static inline Tcl_Obj *fuzzText(const void *s, size_t n){
  Tcl_Obj *o = YqUtf8Obj((const char*)s, (int)n);
  Tcl_IncrRefCount(o);
  return o;
}

/* fuzzBytes: a new Tcl byte array (refcount 1) of N bytes, as `fetch` hands a response body over. */
static inline Tcl_Obj *fuzzBytes(const void *s, size_t n){
  Tcl_Obj *o = Tcl_NewByteArrayObj((const unsigned char*)s, (int)n);
  Tcl_IncrRefCount(o);
  return o;
}

/* fuzzCopy: a malloc'ed copy of N bytes with a NUL after them (the C APIs taking C strings stop
** at the first NUL, as they do for Tcl strings converted to UTF-8). Free it. */
static inline char *fuzzCopy(const void *s, size_t n){
  char *c = malloc(n+1);
  memcpy(c, s, n);
  c[n] = 0;
  return c;
}

/* fuzzEval: run the command made of the words of ARGS (NULL-terminated; each either a C string
** or, marked by a preceding FUZZ_OBJ, a Tcl_Obj) at global level. Returns the Tcl result code;
** the result is left in the interpreter (the caller may look at it, then it is reset next call). */
#define FUZZ_OBJ ((const char*)1)
static inline int fuzzEval(const char *first, ...){
  Tcl_Interp *interp = fuzzInterp();
  Tcl_Obj *objv[16];
  int objc = 0, rc, i;
  const char *w = first;
  va_list ap;
  va_start(ap, first);
  while( w && objc<16 ){
    if( w==FUZZ_OBJ ) objv[objc] = va_arg(ap, Tcl_Obj*);
    else objv[objc] = Tcl_NewStringObj(w, -1);
    Tcl_IncrRefCount(objv[objc]);
    objc++;
    w = va_arg(ap, const char*);
  }
  va_end(ap);
  Tcl_ResetResult(interp);
  rc = Tcl_EvalObjv(interp, objc, objv, TCL_EVAL_GLOBAL);
  for(i=0; i<objc; i++) Tcl_DecrRefCount(objv[i]);
  return rc;
}

/* fuzzSplit: the position of the first byte C in DATA (N bytes), or N. */
static inline size_t fuzzSplit(const uint8_t *data, size_t n, int c){
  const void *p = memchr(data, c, n);
  return p ? (size_t)((const uint8_t*)p - data) : n;
}
