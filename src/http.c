/*
** http.c - HTTP/1.1 message parsing for the driver (httpd.c): pure functions over byte buffers.
**
** HttpParseHead() parses one request head (request line and header fields, RFC 9112) from the
** start of a buffer, enforcing the configured limits, and reports either "need more bytes", the
** head's length with the parsed fields, or the exact 4xx/5xx status the request deserves. It is
** strict where leniency enables request smuggling: lines end in CRLF, no whitespace before a colon,
** no obsolete line folding, no control characters, exactly one Host in HTTP/1.1, a Content-Length
** that is digits only and consistent, Transfer-Encoding only "chunked" and never together with
** Content-Length. HttpChunkedDecode() decodes a chunked body incrementally. HttpPathDecode()
** percent-decodes a request path and refuses anything that could escape a document root.
** HttpDate() and HttpDateParse() write and read the IMF-fixdate of Date, Last-Modified and
** If-Modified-Since. Nothing of this allocates memory, touches sockets or knows about Tcl;
** tests/c/http.c tests it (built with YQ_NO_TCL).
**
** The end of the file holds the `http` Tcl command, the request helpers of the web handlers:
** percent-decoding of query strings and forms, the UTF-8 check, HTML escaping, a random token.
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "yqbox.h"

/* tchar: whether C may appear in a token (method, header name), RFC 9110 5.6.2. */
static int tchar(unsigned char c){
  if( c>='a' && c<='z' ) return 1;
  if( c>='A' && c<='Z' ) return 1;
  if( c>='0' && c<='9' ) return 1;
  return c && strchr("!#$%&'*+-.^_`|~", c)!=0;
}

/* lower: C in lower case (ASCII only). */
static int lower(int c){ return c>='A' && c<='Z' ? c+32 : c; }

/* spanIs: whether the LEN bytes at S equal the NUL-terminated WORD, ignoring ASCII case. */
static int spanIs(const char *s, size_t len, const char *word){
  size_t i;
  for(i=0; i<len; i++){
    if( !word[i] || lower((unsigned char)s[i])!=lower((unsigned char)word[i]) ) return 0;
  }
  return word[len]==0;
}

/*
** hasToken: whether the comma-separated header value S (LEN bytes) lists TOKEN (case-insensitive,
** optional whitespace around elements, parameters after ';' ignored). No side effects.
*/
static int hasToken(const char *s, size_t len, const char *token){
  size_t i = 0;
  while( i<len ){
    size_t a, b;
    while( i<len && (s[i]==' ' || s[i]=='\t' || s[i]==',') ) i++;
    a = i;
    while( i<len && s[i]!=',' && s[i]!=';' ) i++;
    b = i;
    while( b>a && (s[b-1]==' ' || s[b-1]=='\t') ) b--;
    if( b>a && spanIs(s+a, b-a, token) ) return 1;
    while( i<len && s[i]!=',' ) i++;
  }
  return 0;
}

/*
** acceptsGzip: whether an Accept-Encoding value allows gzip: "gzip" (or "*") listed without
** q=0. No side effects.
*/
static int acceptsGzip(const char *s, size_t len){
  size_t i = 0;
  int star = 0, gz = -1;
  while( i<len ){
    size_t a, b, p;
    int zero = 0;
    while( i<len && (s[i]==' ' || s[i]=='\t' || s[i]==',') ) i++;
    a = i;
    while( i<len && s[i]!=',' && s[i]!=';' ) i++;
    b = i;
    while( b>a && (s[b-1]==' ' || s[b-1]=='\t') ) b--;
    p = i;
    while( i<len && s[i]!=',' ) i++;
    /* parameters: look for q=0, q=0.0, q=0.00 ... */
    while( p<i ){
      if( s[p]=='q' || s[p]=='Q' ){
        size_t k = p+1;
        while( k<i && (s[k]==' ' || s[k]=='\t') ) k++;
        if( k<i && s[k]=='=' ){
          k++;
          while( k<i && (s[k]==' ' || s[k]=='\t') ) k++;
          if( k<i && s[k]=='0' ){
            zero = 1;
            for(k++; k<i && s[k]!=';' && s[k]!=' '; k++){
              if( s[k]!='.' && s[k]!='0' ){ zero = 0; break; }
            }
          }
        }
      }
      p++;
    }
    if( b>a && spanIs(s+a, b-a, "gzip") ) gz = !zero;
    else if( b>a && spanIs(s+a, b-a, "*") ) star = !zero;
  }
  return gz>=0 ? gz : star;
}

/*
** findLine: the length of the line starting at S (up to END), excluding its CRLF, in *LINELEN.
** Returns 1 when a CRLF-terminated line is complete, 0 when more bytes are needed, -1 when the line
** holds a bare CR or LF (malformed). No side effects.
*/
static int findLine(const char *s, const char *end, size_t *lineLen){
  const char *p = s;
  while( p<end ){
    const char *cr = memchr(p, '\r', end-p);
    const char *lf = memchr(p, '\n', (cr ? cr : end)-p);
    if( lf ) return -1;                                 /* LF without CR */
    if( !cr ) return 0;
    if( cr+1>=end ){ *lineLen = cr-s; return 0; }
    if( cr[1]!='\n' ) return -1;                        /* CR without LF */
    *lineLen = cr-s;
    return 1;
  }
  return 0;
}

/*
** HttpBodyLimit: the largest body request R may send under LIM: maxUpload for a multipart/form-data
** request when that is larger, else maxBody. No side effects.
*/
size_t HttpBodyLimit(const HttpLimits *lim, const HttpRequest *r){
  return r->multipart && lim->maxUpload>lim->maxBody ? lim->maxUpload : lim->maxBody;
}

/*
** HttpParseHead: parse the request head at the start of BUF (LEN bytes) under limits LIM into *R.
** Returns the head's length in bytes (> 0, including the blank line; leading empty lines are
** skipped and counted) when it is complete and valid; 0 when more bytes are needed and none of the
** limits is exceeded yet; or minus the HTTP status to answer with before closing: 400 malformed,
** 413 body too large, 414 request line too long, 417 unknown expectation, 431 headers too large
** or too many, 501 unknown method or transfer coding, 505 HTTP version other than 1.0/1.1.
** Spans in *R point into BUF. No other side effects.
*/
int HttpParseHead(const char *buf, size_t len, const HttpLimits *lim, HttpRequest *r){
  const char *p = buf, *end = buf+len, *line;
  size_t ll, i;
  int rc, nHost = 0, nCl = 0, nTe = 0, connClose = 0, connKeep = 0;
  long long cl = -1;

  memset(r, 0, sizeof(*r));
  r->contentLength = -1;
  /* up to a few empty lines before the request line are ignored (RFC 9112 2.2) */
  for(i=0; i<4 && end-p>=2 && p[0]=='\r' && p[1]=='\n'; i++) p += 2;

  /* request line: METHOD SP TARGET SP HTTP/1.x CRLF */
  rc = findLine(p, end, &ll);
  if( rc<0 ) return -400;
  if( rc==0 ){
    if( (size_t)(end-p)>lim->maxLine ) return -414;
    return 0;
  }
  if( ll>lim->maxLine ) return -414;
  line = p;
  for(i=0; i<ll && tchar((unsigned char)line[i]); i++){}
  if( i==0 || i>=ll || line[i]!=' ' ) return -400;
  r->method.off = line-buf; r->method.len = i;
  i++;
  r->target.off = line+i-buf;
  for(; i<ll && (unsigned char)line[i]>0x20 && (unsigned char)line[i]<0x7f; i++){}
  r->target.len = (line+i-buf)-r->target.off;
  if( r->target.len==0 || i>=ll || line[i]!=' ' ) return -400;
  i++;
  if( ll-i!=8 || memcmp(line+i, "HTTP/", 5)!=0 || line[i+5]<'0' || line[i+5]>'9' || line[i+6]!='.'
      || line[i+7]<'0' || line[i+7]>'9' ) return -400;
  if( line[i+5]!='1' || (line[i+7]!='0' && line[i+7]!='1') ) return -505;
  r->minor = line[i+7]-'0';
  p = line+ll+2;

  /* header fields until the empty line */
  for(;;){
    const char *colon, *v, *ve;
    rc = findLine(p, end, &ll);
    if( rc<0 ) return -400;
    if( rc==0 ){
      if( (size_t)(end-buf)>lim->maxHead ) return -431;
      return 0;
    }
    if( (size_t)(p+ll+2-buf)>lim->maxHead ) return -431;
    if( ll==0 ){ p += 2; break; }
    line = p;
    if( line[0]==' ' || line[0]=='\t' ) return -400;      /* obsolete line folding */
    for(i=0; i<ll && tchar((unsigned char)line[i]); i++){}
    if( i==0 || i>=ll || line[i]!=':' ) return -400;        /* includes space before colon */
    colon = line+i;
    v = colon+1; ve = line+ll;
    while( v<ve && (*v==' ' || *v=='\t') ) v++;
    while( ve>v && (ve[-1]==' ' || ve[-1]=='\t') ) ve--;
    for(i=0; i<(size_t)(ve-v); i++){
      unsigned char c = v[i];
      if( (c<0x20 && c!='\t') || c==0x7f ) return -400;
    }
    if( r->nHeader>=lim->maxHeaders || r->nHeader>=HTTP_MAX_HEADERS ) return -431;
    r->hname[r->nHeader].off = line-buf;
    r->hname[r->nHeader].len = colon-line;
    r->hvalue[r->nHeader].off = v-buf;
    r->hvalue[r->nHeader].len = ve-v;
    r->nHeader++;
    {
      size_t nl = colon-line, vl = ve-v;
      if( spanIs(line, nl, "host") ){
        /* uri-host [":" port]: unreserved, sub-delims, "%" and the ":[]" of ports and IP
        ** literals; anything else (spaces, "/", bytes past ASCII, invalid UTF-8) is refused */
        for(i=0; i<vl; i++){
          unsigned char ch = (unsigned char)v[i];
          if( !((ch>='a'&&ch<='z') || (ch>='A'&&ch<='Z') || (ch>='0'&&ch<='9')
                || strchr("-._~!$&'()*+,;=%:[]", ch)) || ch==0 ) return -400;
        }
        nHost++;
        r->host.off = v-buf; r->host.len = vl;
      }else if( spanIs(line, nl, "content-type") ){
        r->multipart = vl>=19 && strncasecmp(v, "multipart/form-data", 19)==0
                       && (vl==19 || v[19]==';' || v[19]==' ' || v[19]=='\t');
      }else if( spanIs(line, nl, "content-length") ){
        long long n = 0;
        if( vl==0 ) return -400;
        for(i=0; i<vl; i++){
          if( v[i]<'0' || v[i]>'9' ) return -400;
          if( n>(1LL<<52) ) return -413;
          n = n*10 + (v[i]-'0');
        }
        if( nCl++ && n!=cl ) return -400;
        cl = n;
      }else if( spanIs(line, nl, "transfer-encoding") ){
        nTe++;
        if( !spanIs(v, vl, "chunked") ) return -501;
      }else if( spanIs(line, nl, "connection") ){
        if( hasToken(v, vl, "close") ) connClose = 1;
        if( hasToken(v, vl, "keep-alive") ) connKeep = 1;
      }else if( spanIs(line, nl, "expect") ){
        if( !spanIs(v, vl, "100-continue") ) return -417;
        r->expectContinue = 1;
      }else if( spanIs(line, nl, "accept-encoding") ){
        if( acceptsGzip(v, vl) ) r->gzipOk = 1;
      }else if( spanIs(line, nl, "if-none-match") ){
        r->ifNoneMatch.off = v-buf; r->ifNoneMatch.len = vl;
      }else if( spanIs(line, nl, "if-modified-since") ){
        r->ifModifiedSince.off = v-buf; r->ifModifiedSince.len = vl;
      }
    }
    p = line+ll+2;
  }

  if( r->minor==1 && nHost!=1 ) return -400;
  if( nHost>1 ) return -400;
  if( nTe ){
    if( nTe>1 || nCl || r->minor==0 ) return -400;
    r->chunked = 1;
  }
  r->contentLength = cl;
  if( cl>0 && (unsigned long long)cl>HttpBodyLimit(lim, r) ) return -413;
  r->keepAlive = r->minor==1 ? !connClose : (connKeep && !connClose);
  {
    static const char *known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", 0};
    const char *m = buf+r->method.off;
    r->methodId = -1;
    for(i=0; known[i]; i++){
      if( strlen(known[i])==r->method.len && memcmp(m, known[i], r->method.len)==0 ){
        r->methodId = (int)i;
      }
    }
    if( r->methodId<0 ) return -501;
  }
  return (int)(p-buf);
}

/* hexval: the value of hex digit C, or -1. */
static int hexval(int c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

/*
** HttpChunkedDecode: feed LEN bytes at IN to the chunked-body decoder S. Decoded data bytes are
** copied to OUT (which has room for OUTCAP bytes; decoding pauses when it is full). *USED is set to
** the input bytes consumed and *PRODUCED to the bytes written. Returns 1 when the body (last chunk
** and trailers) is complete, 0 when more input is needed, -400 for malformed framing, -413 when the
** decoded body would exceed MAXBODY. Changes *S.
*/
int HttpChunkedDecode(HttpChunked *s, const char *in, size_t len, char *out, size_t outCap,
                      size_t maxBody, size_t *used, size_t *produced){
  size_t i = 0, o = 0;
  while( i<len ){
    unsigned char c = in[i];
    switch( s->state ){
      case 0:                     /* chunk size: hex digits */
        if( hexval(c)>=0 ){
          if( s->size > (1ULL<<40) ){ *used = i; *produced = o; return -413; }
          s->size = s->size*16 + hexval(c);
          s->digits++;
          i++;
        }else if( s->digits==0 ){
          *used = i; *produced = o; return -400;
        }else if( c==';' || c==' ' || c=='\t' ){
          s->state = 1; i++;        /* chunk extension: skipped */
        }else if( c=='\r' ){
          s->state = 2; i++;
        }else{
          *used = i; *produced = o; return -400;
        }
        break;
      case 1:                     /* chunk extension up to CR */
        if( c=='\r' ){ s->state = 2; }
        else if( c=='\n' || (c<0x20 && c!='\t') || ++s->extLen>256 ){ *used = i; *produced = o; return -400; }
        i++;
        break;
      case 2:                     /* LF after the size line */
        if( c!='\n' ){ *used = i; *produced = o; return -400; }
        i++;
        if( s->size==0 ){
          s->state = 5;           /* last chunk: trailers follow */
          s->lineLen = 0;
        }else{
          if( s->total + s->size > maxBody ){ *used = i; *produced = o; return -413; }
          s->total += s->size;
          s->state = 3;
        }
        break;
      case 3: {                   /* chunk data */
        size_t n = len-i;
        if( n>s->size ) n = (size_t)s->size;
        if( n>outCap-o ) n = outCap-o;
        if( n==0 ){ *used = i; *produced = o; return 0; }
        memcpy(out+o, in+i, n);
        o += n; i += n; s->size -= n;
        if( s->size==0 ) s->state = 4;
        break;
      }
      case 4:                     /* CRLF after chunk data */
        if( s->lineLen==0 ){
          if( c!='\r' ){ *used = i; *produced = o; return -400; }
          s->lineLen = 1;
        }else{
          if( c!='\n' ){ *used = i; *produced = o; return -400; }
          s->lineLen = 0;
          s->state = 0; s->size = 0; s->digits = 0; s->extLen = 0;
        }
        i++;
        break;
      case 5:                     /* trailer lines (ignored) until an empty line */
        if( c=='\r' ){ s->state = 6; }
        else if( c=='\n' || (c<0x20 && c!='\t') ){ *used = i; *produced = o; return -400; }
        else if( ++s->lineLen>4096 || ++s->extLen>8192 ){ *used = i; *produced = o; return -431; }
        i++;
        break;
      case 6:
        if( c!='\n' ){ *used = i; *produced = o; return -400; }
        i++;
        if( s->lineLen==0 ){ s->state = 7; *used = i; *produced = o; return 1; }
        s->lineLen = 0;
        s->state = 5;
        break;
      default:
        *used = i; *produced = o; return 1;
    }
  }
  *used = i; *produced = o;
  return s->state==7;
}

/*
** HttpUtf8Valid: whether the LEN bytes at S are well-formed UTF-8 (no overlongs, no surrogates, nothing
** above U+10FFFF). No side effects.
*/
int HttpUtf8Valid(const unsigned char *s, size_t len){
  size_t i = 0;
  while( i<len ){
    unsigned c = s[i];
    int n;
    unsigned cp, min;
    if( c<0x80 ){ i++; continue; }
    if( c>=0xc2 && c<=0xdf ){ n = 1; cp = c&0x1f; min = 0x80; }
    else if( c>=0xe0 && c<=0xef ){ n = 2; cp = c&0x0f; min = 0x800; }
    else if( c>=0xf0 && c<=0xf4 ){ n = 3; cp = c&0x07; min = 0x10000; }
    else return 0;
    if( i+(size_t)n>=len ) return 0;                  /* truncated sequence */
    {
      int k;
      for(k=1; k<=n; k++){
        unsigned d = s[i+k];
        if( (d&0xc0)!=0x80 ) return 0;
        cp = (cp<<6) | (d&0x3f);
      }
    }
    if( cp<min || cp>0x10ffff || (cp>=0xd800 && cp<=0xdfff) ) return 0;
    i += n+1;
  }
  return 1;
}

/*
** HttpPathDecode: percent-decode the path part of a request target (LEN bytes at IN, up to but
** excluding any '?') into OUT (room for at least LEN+1 bytes; NUL-terminated). Returns the decoded
** length, or -400 when the path does not start with '/', has a bad %-escape, decodes to NUL, a
** backslash, a control character, invalid UTF-8, or has a "." or ".." segment (so no path can
** climb out of a document root, whatever its encoding). No other side effects.
*/
int HttpPathDecode(const char *in, size_t len, char *out){
  size_t i, o = 0, seg = 0;
  if( len==0 || in[0]!='/' ) return -400;
  for(i=0; i<len; i++){
    unsigned char c = in[i];
    if( c=='%' ){
      int h, l;
      if( i+2>=len ) return -400;
      h = hexval(in[i+1]); l = hexval(in[i+2]);
      if( h<0 || l<0 ) return -400;
      c = (unsigned char)(h*16+l);
      i += 2;
      if( c=='/' ) return -400;       /* an encoded slash is never a separator here */
    }
    if( c==0 || c=='\\' || c<0x20 || c==0x7f ) return -400;
    if( c=='/' ){
      size_t sl = o-seg;
      if( o>0 && ((sl==1 && out[seg]=='.') || (sl==2 && out[seg]=='.' && out[seg+1]=='.')) ) return -400;
      out[o++] = '/';
      seg = o;
      continue;
    }
    out[o++] = c;
  }
  {
    size_t sl = o-seg;
    if( (sl==1 && out[seg]=='.') || (sl==2 && out[seg]=='.' && out[seg+1]=='.') ) return -400;
  }
  out[o] = 0;
  if( !HttpUtf8Valid((const unsigned char*)out, o) ) return -400;
  return (int)o;
}

/* HttpStatusText: the reason phrase for STATUS ("" if unknown). */
const char *HttpStatusText(int status){
  switch( status ){
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  return "";
}

/* HttpDate: format T as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into BUF (>= 30 bytes). */
void HttpDate(time_t t, char *buf){
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* HttpDateParse: the time of the IMF-fixdate in the LEN bytes at S, or -1. No side effects. */
time_t HttpDateParse(const char *s, size_t len){
  static const char *mon = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char buf[40], m[4];
  struct tm tm;
  int d, y, H, M, S;
  const char *p;
  if( len>=sizeof buf ) return -1;
  memcpy(buf, s, len); buf[len] = 0;
  if( sscanf(buf, "%*3s, %d %3s %d %d:%d:%d GMT", &d, m, &y, &H, &M, &S)!=6 ) return -1;
  p = strstr(mon, m);
  if( !p || (p-mon)%3 ) return -1;
  memset(&tm, 0, sizeof tm);
  tm.tm_mday = d; tm.tm_mon = (p-mon)/3; tm.tm_year = y-1900;
  tm.tm_hour = H; tm.tm_min = M; tm.tm_sec = S;
  return timegm(&tm);
}

#ifndef YQ_NO_TCL
/* ---------------------------------------------------------------------------------------------
** http: the Tcl command of request helpers for the web handlers
*/

/*
** urlDecode: percent-decode the LEN bytes at S ('+' is a space when FORM) into DS (initialised
** here), requiring well-formed escapes and UTF-8 without NUL. Returns TCL_OK, or TCL_ERROR with
** "bad percent escape" / "bad UTF-8" (error codes HTTP ESCAPE / HTTP UTF8) in INTERP.
*/
static int urlDecode(Tcl_Interp *interp, const char *s, int len, int form, Tcl_DString *ds){
  int i, o = 0;
  char *out = ckalloc(len+1);
  Tcl_Encoding enc;
  Tcl_DStringInit(ds);
  for(i=0; i<len; i++){
    char c = s[i];
    if( c=='%' ){
      int h, l;
      if( i+2>=len ) goto badEsc;
      h = s[i+1]; l = s[i+2];
      h = (h>='0'&&h<='9') ? h-'0' : (h>='a'&&h<='f') ? h-'a'+10 : (h>='A'&&h<='F') ? h-'A'+10 : -1;
      l = (l>='0'&&l<='9') ? l-'0' : (l>='a'&&l<='f') ? l-'a'+10 : (l>='A'&&l<='F') ? l-'A'+10 : -1;
      if( h<0 || l<0 ) goto badEsc;
      out[o++] = (char)(h*16+l);
      i += 2;
    }else if( c=='+' && form ){
      out[o++] = ' ';
    }else{
      out[o++] = c;
    }
  }
  if( !HttpUtf8Valid((unsigned char*)out, o) || memchr(out, 0, o) ){
    ckfree(out);
    Tcl_SetResult(interp, "bad UTF-8", TCL_STATIC);
    Tcl_SetErrorCode(interp, "HTTP", "UTF8", NULL);
    return TCL_ERROR;
  }
  enc = Tcl_GetEncoding(NULL, "utf-8");
  Tcl_ExternalToUtfDString(enc, out, o, ds);
  Tcl_FreeEncoding(enc);
  ckfree(out);
  return TCL_OK;
badEsc:
  ckfree(out);
  Tcl_SetResult(interp, "bad percent escape", TCL_STATIC);
  Tcl_SetErrorCode(interp, "HTTP", "ESCAPE", NULL);
  return TCL_ERROR;
}

/*
** YqHttpCmd: "http urldecode STRING ?-form?" percent-decodes STRING ('+' is a space with -form),
** requiring well-formed escapes and UTF-8; errors "bad percent escape" / "bad UTF-8".
** "http utf8valid BYTES" returns whether BYTES (a byte array) is well-formed UTF-8.
** "http token" returns 16 random hex digits (crypto.c's generator). No side effects.
*/
int YqHttpCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"urldecode", "utf8valid", "token", NULL};
  enum HttpSub { HTTP_URLDECODE, HTTP_UTF8VALID, HTTP_TOKEN };
  static const char *const usage[] = {"STRING ?-form?", "BYTES", NULL};
  static const char *const urlOpts[] = {"-form", NULL};
  int idx, len;
  const char *text;
  Tcl_DString ds;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( objc!=2+(idx==HTTP_TOKEN ? 0 : 1) && !(idx==HTTP_URLDECODE && objc==4) ){
    Tcl_WrongNumArgs(interp, 2, objv, usage[idx]);
    return TCL_ERROR;
  }
  switch( (enum HttpSub)idx ){
    case HTTP_URLDECODE: {
      int form = 0;
      if( objc==4 ){
        if( Tcl_GetIndexFromObj(interp, objv[3], urlOpts, "option", 0, &form)!=TCL_OK ) return TCL_ERROR;
        form = 1;
      }
      text = Tcl_GetStringFromObj(objv[2], &len);
      if( urlDecode(interp, text, len, form, &ds)!=TCL_OK ) return TCL_ERROR;
      Tcl_DStringResult(interp, &ds);
      return TCL_OK;
    }
    case HTTP_UTF8VALID: {
      const unsigned char *b = Tcl_GetByteArrayFromObj(objv[2], &len);
      Tcl_SetObjResult(interp, Tcl_NewBooleanObj(HttpUtf8Valid(b, len)));
      return TCL_OK;
    }
    case HTTP_TOKEN: {
      unsigned char b[8];
      char hex[17];
      int i;
      if( YqRandom(b, sizeof b)!=0 ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj("random generator failed", -1));
        return TCL_ERROR;
      }
      for(i=0; i<8; i++) sprintf(hex+2*i, "%02x", b[i]);
      Tcl_SetObjResult(interp, Tcl_NewStringObj(hex, 16));
      return TCL_OK;
    }
  }
  return TCL_OK;   /* not reached: every subcommand returned */
}
#endif
