/*
** feed.c - libFuzzer harness of the feed parser (src/feed.c: RSS, RDF, Atom, JSON Feed, through
** charset.c, json.c, url.c, date.c and html.c's text extraction): the input is a response body,
** parsed as the crawler parses a feed source, `feed parse BODY -contenttype CT -url URL`.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  Tcl_Obj *body = fuzzBytes(data, size);
  fuzzEval("feed", "parse", FUZZ_OBJ, body, "-contenttype", "application/rss+xml",
           "-url", "https://weibo.qingshan.test/feeds/rss", NULL);
  fuzzEval("feed", "parse", FUZZ_OBJ, body, "-contenttype", "", NULL);
  Tcl_DecrRefCount(body);
  return 0;
}
