/*
** http.c - libFuzzer harness of the HTTP/1.1 request parser (src/http.c) as the HTTPS driver
** (httpd.c) uses it: the input is the bytes a client sent. HttpParseHead() runs on every prefix
** boundary the driver could see (here: the whole input, and the first half) with the default limits;
** for a complete head the target's path is decoded as route() does it (absolute form reduced, path
** up to '?', an 8 KiB buffer), the body is decoded when chunked (fed in pieces into an output buffer
** of 64 bytes, as a slowly growing body buffer would be) and checked as UTF-8.
*/
#include <strings.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static const HttpLimits lim = {8192, 16384, 1048576, 100};
  HttpRequest *r = malloc(sizeof *r);
  char *exact = malloc(size ? size : 1);
  int head;
  memcpy(exact, data, size);
  HttpParseHead(exact, size/2, &lim, r);
  head = HttpParseHead(exact, size, &lim, r);
  if( head>0 ){
    const char *t = exact + r->target.off;
    size_t tl = r->target.len, pl;
    const char *q;
    char path[8192];
    if( tl>8 && (strncasecmp(t, "http://", 7)==0 || strncasecmp(t, "https://", 8)==0) ){
      const char *s = memchr(t+8, '/', tl-8);
      if( s ){ tl -= s-t; t = s; } else tl = 0;
    }
    q = memchr(t, '?', tl);
    pl = q ? (size_t)(q-t) : tl;
    if( tl && pl+1<=sizeof path ) HttpPathDecode(t, pl, path);
    if( r->chunked ){
      HttpChunked st;
      char out[64];
      size_t off = head, used, produced;
      memset(&st, 0, sizeof st);
      while( off<size ){
        size_t piece = size-off < 7 ? size-off : 7;
        int rc = HttpChunkedDecode(&st, exact+off, piece, out, sizeof out, lim.maxBody, &used, &produced);
        HttpUtf8Valid((const unsigned char*)out, produced);
        if( rc!=0 ) break;
        if( used==0 && produced==0 ) break;
        off += used;
      }
    }else if( r->contentLength>0 ){
      size_t n = size-head < (size_t)r->contentLength ? size-head : (size_t)r->contentLength;
      HttpUtf8Valid((const unsigned char*)exact+head, n);
    }
  }
  free(exact);
  free(r);
  return 0;
}
