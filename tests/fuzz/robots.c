/*
** robots.c - libFuzzer harness of the robots.txt matcher (src/robots.c). The input is the robots.txt
** body; its first line (up to 200 bytes) also serves as the URL path asked about. YqRobotsAllowed()
** gets a heap copy of exactly the input's length (the C API promises to read LEN bytes, no more),
** and the Tcl commands are run as the crawler runs them: `robots allowed BODY AGENT URL`,
** `robots delay`, `robots sitemaps`.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  size_t nl = fuzzSplit(data, size, '\n');
  char path[256], *exact = malloc(size ? size : 1);
  Tcl_Obj *body, *url;
  path[0] = '/';
  if( nl>200 ) nl = 200;
  memcpy(path+1, data, nl);
  path[nl+1] = 0;
  memcpy(exact, data, size);
  YqRobotsAllowed(exact, size, "YqboxBot/1.0", path);
  YqRobotsAllowed(exact, size, "Googlebot", "/");
  free(exact);
  body = fuzzText(data, size);
  url = fuzzText(path, strlen(path));
  fuzzEval("robots", "allowed", FUZZ_OBJ, body, "YqboxBot/1.0 (+https://qingshan.test/bot)", "http://h.test/a/b?c", NULL);
  fuzzEval("robots", "allowed", FUZZ_OBJ, body, "YqboxBot", FUZZ_OBJ, url, NULL);
  fuzzEval("robots", "delay", FUZZ_OBJ, body, "YqboxBot", NULL);
  fuzzEval("robots", "sitemaps", FUZZ_OBJ, body, NULL);
  Tcl_DecrRefCount(body);
  Tcl_DecrRefCount(url);
  return 0;
}
