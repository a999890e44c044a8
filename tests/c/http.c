/*
** http.c (test) - unit tests of the HTTP/1.1 request parser, the chunked decoder and the path
** decoder and the HTTP dates (src/http.c).
*/
#include <string.h>
#include "../../src/yqbox.h"
#include "check.h"

static const HttpLimits lim = {200, 1024, 1000, 10};
static HttpRequest r;

/* parse: HttpParseHead on the NUL-terminated string S. */
static int parse(const char *s){
  return HttpParseHead(s, strlen(s), &lim, &r);
}

/* spanEq: whether span SP of buffer BUF equals S. */
static int spanEq(const char *buf, HttpSpan sp, const char *s){
  return sp.len==strlen(s) && memcmp(buf+sp.off, s, sp.len)==0;
}

/* chunked: decode the whole chunked body S; returns the decoder's result, body in OUT. */
static int chunked(const char *s, char *out, size_t *outLen, size_t maxBody){
  HttpChunked st;
  size_t used, produced;
  int rc;
  memset(&st, 0, sizeof st);
  rc = HttpChunkedDecode(&st, s, strlen(s), out, 100, maxBody, &used, &produced);
  *outLen = produced;
  return rc;
}

int main(void){
  const char *s;
  char out[256];
  size_t n;

  /* a complete GET */
  s = "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip;q=0.5\r\n\r\nNEXT";
  CHECK( parse(s)==(int)strlen(s)-4 );
  CHECK( spanEq(s, r.method, "GET") && spanEq(s, r.target, "/a?b=1") );
  CHECK( r.minor==1 && r.keepAlive && r.methodId==HTTP_GET && r.gzipOk && r.nHeader==2 );
  CHECK( r.contentLength==-1 && !r.chunked );
  CHECK( spanEq(s, r.hname[1], "Accept-Encoding") && spanEq(s, r.hvalue[1], "br, gzip;q=0.5") );
  /* incomplete heads need more */
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\n")==0 );
  CHECK( parse("GET / HTTP/1.1\r")==0 );
  CHECK( parse("GE")==0 );
  /* leading empty lines are skipped */
  CHECK( parse("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")>0 );
  /* versions and keep-alive */
  CHECK( parse("GET / HTTP/1.0\r\n\r\n")>0 && r.minor==0 && !r.keepAlive );
  CHECK( parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")>0 && r.keepAlive );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n")>0 && !r.keepAlive );
  CHECK( parse("GET / HTTP/2.0\r\nHost: x\r\n\r\n")==-505 );
  CHECK( parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n")==-505 );
  CHECK( parse("GET / HTTP/1.1 \r\nHost: x\r\n\r\n")==-400 );
  CHECK( parse("GET / http/1.1\r\nHost: x\r\n\r\n")==-400 );
  CHECK( parse("GET /\r\nHost: x\r\n\r\n")==-400 );
  /* request line shape */
  CHECK( parse("GET  / HTTP/1.1\r\nHost: x\r\n\r\n")==-400 );
  CHECK( parse(" GET / HTTP/1.1\r\nHost: x\r\n\r\n")==-400 );
  CHECK( parse("G(T / HTTP/1.1\r\nHost: x\r\n\r\n")==-400 );
  CHECK( parse("GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n")==-400 );
  CHECK( parse("GET /\xc3\xa4 HTTP/1.1\r\nHost: x\r\n\r\n")==-400 );
  CHECK( parse("BREW / HTTP/1.1\r\nHost: x\r\n\r\n")==-501 );
  CHECK( parse("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")>0 && r.methodId==HTTP_HEAD );
  /* bare CR or LF */
  CHECK( parse("GET / HTTP/1.1\nHost: x\n\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\rY: 1\r\n\r\n")==-400 );
  /* header fields */
  CHECK( parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\nX: caf\xc3\xa9\r\n\r\n")>0 );   /* obs-text allowed */
  /* Host */
  CHECK( parse("GET / HTTP/1.1\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")==-400 );
  /* Host is a host name or address with an optional port: no other bytes, no invalid UTF-8 */
  CHECK( parse("GET / HTTP/1.1\r\nHost: caf\xc3\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: caf\xc3\xa9.cn\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n")==-400 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: xn--caf-dma.cn:8443\r\n\r\n")>0 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: [::1]:443\r\n\r\n")>0 );
  CHECK( parse("GET / HTTP/1.0\r\nHost: \r\n\r\n")>0 );
  /* Content-Length and Transfer-Encoding */
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n")>0 && r.contentLength==12 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")==-413 );
  {
    /* a multipart/form-data body (a file upload) may be as large as maxUpload, no other */
    static const HttpLimits up = {200, 1024, 1000, 10, 5000};
    const char *mp = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 4000\r\n\r\n";
    CHECK( HttpParseHead(mp, strlen(mp), &up, &r)>0 && r.multipart && HttpBodyLimit(&up, &r)==5000 );
    CHECK( HttpParseHead(mp, strlen(mp), &lim, &r)==-413 );
    mp = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 5001\r\n\r\n";
    CHECK( HttpParseHead(mp, strlen(mp), &up, &r)==-413 );
    mp = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n";
    CHECK( HttpParseHead(mp, strlen(mp), &up, &r)==-413 );
    mp = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-datax\r\nContent-Length: 4000\r\n\r\n";
    CHECK( HttpParseHead(mp, strlen(mp), &up, &r)==-413 );
  }
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")==-400 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n")==-400 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n")==-400 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")==-400 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")>0 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n")==-413 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")>0 && r.chunked );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")==-501 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")==-400 );
  CHECK( parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")==-400 );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")>0
         && r.expectContinue );
  CHECK( parse("POST / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n")==-417 );
  /* limits: line 200, head 1024, 10 headers */
  {
    char big[2048];
    memset(big, 'a', sizeof big);
    memcpy(big, "GET /", 5);
    big[300] = 0;
    CHECK( parse(big)==-414 );                       /* over the line limit before its end */
    memcpy(big+250, " HTTP/1.1\r\nHost: x\r\n\r\n", 23);
    big[273] = 0;
    CHECK( parse(big)==-414 );
    strcpy(big, "GET / HTTP/1.1\r\nHost: x\r\nX: ");
    memset(big+strlen(big), 'b', 1100);
    big[1128] = 0;
    CHECK( parse(big)==-431 );                       /* incomplete but over the head limit */
    strcpy(big, "GET / HTTP/1.1\r\nHost: x\r\n");
    for(n=0; n<10; n++) strcat(big, "X: 1\r\n");
    strcat(big, "\r\n");
    CHECK( parse(big)==-431 );                       /* 11 fields */
  }
  /* If-None-Match, If-Modified-Since, gzip acceptance */
  s = "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"abc\"\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n";
  CHECK( parse(s)>0 && spanEq(s, r.ifNoneMatch, "\"abc\"") && r.ifModifiedSince.len==29 );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\n\r\n")>0 && !r.gzipOk );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: *\r\n\r\n")>0 && r.gzipOk );
  CHECK( parse("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: deflate\r\n\r\n")>0 && !r.gzipOk );

  /* chunked bodies */
  CHECK( chunked("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n", out, &n, 1000)==1 && n==11
         && memcmp(out, "hello world", 11)==0 );
  CHECK( chunked("5\r\nhel", out, &n, 1000)==0 && n==3 );
  CHECK( chunked("A\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n", out, &n, 1000)==1 && n==10 );
  CHECK( chunked("z\r\n", out, &n, 1000)==-400 );
  CHECK( chunked("5\r\nhelloXX", out, &n, 1000)==-400 );
  CHECK( chunked("5\nhello\r\n", out, &n, 1000)==-400 );
  CHECK( chunked("ffff\r\n", out, &n, 1000)==-413 );
  CHECK( chunked("fffffffffffffffffffff\r\n", out, &n, 1000)==-413 );

  /* path decoding */
  CHECK( HttpPathDecode("/a%20b/c", 8, out)==6 && strcmp(out, "/a b/c")==0 );
  CHECK( HttpPathDecode("/%E4%BD%A0", 10, out)==4 );
  CHECK( HttpPathDecode("/../etc/passwd", 14, out)==-400 );
  CHECK( HttpPathDecode("/a/..", 5, out)==-400 );
  CHECK( HttpPathDecode("/a/./b", 6, out)==-400 );
  CHECK( HttpPathDecode("/%2e%2e/x", 9, out)==-400 );
  CHECK( HttpPathDecode("/a%2fb", 6, out)==-400 );
  CHECK( HttpPathDecode("/a%00b", 6, out)==-400 );
  CHECK( HttpPathDecode("/a%5cb", 6, out)==-400 );
  CHECK( HttpPathDecode("/a\\b", 4, out)==-400 );
  CHECK( HttpPathDecode("/a%zz", 5, out)==-400 );
  CHECK( HttpPathDecode("/a%4", 4, out)==-400 );
  CHECK( HttpPathDecode("/%ff", 4, out)==-400 );
  CHECK( HttpPathDecode("/%c0%af", 7, out)==-400 );  /* overlong '/' */
  CHECK( HttpPathDecode("a", 1, out)==-400 );
  CHECK( HttpPathDecode("/..a/b..", 8, out)==8 );       /* dots inside names are fine */

  /* UTF-8 */
  CHECK( HttpUtf8Valid((const unsigned char*)"\xe4\xbd\xa0", 3) );
  CHECK( !HttpUtf8Valid((const unsigned char*)"\xe4\xbd", 2) );
  CHECK( !HttpUtf8Valid((const unsigned char*)"\xed\xa0\x80", 3) );   /* surrogate */
  CHECK( HttpUtf8Valid((const unsigned char*)"\xf0\x9f\x98\x80", 4) );
  CHECK( !HttpUtf8Valid((const unsigned char*)"\xf4\x90\x80\x80", 4) ); /* > U+10FFFF */
  CHECK( strcmp(HttpStatusText(431), "Request Header Fields Too Large")==0 );

  /* dates (Date, Last-Modified, If-Modified-Since) */
  HttpDate(784111777, out);
  CHECK( strcmp(out, "Sun, 06 Nov 1994 08:49:37 GMT")==0 );
  CHECK( HttpDateParse(out, strlen(out))==784111777 );
  CHECK( HttpDateParse("Sun, 06 Foo 1994 08:49:37 GMT", 29)==-1 );
  CHECK( HttpDateParse("Sunday, 06-Nov-94 08:49:37 GMT", 30)==-1 );   /* RFC 850 form: not ours */
  CHECK( HttpDateParse("", 0)==-1 );
  return DONE();
}
