/*
** url.c - URL parsing and resolution as the WHATWG URL standard defines it, for links found in
** crawled pages and feeds.
**
** YqUrlParse() runs the standard's basic URL parser (the state machine of url.spec.whatwg.org)
** over an input and an optional base: leading/trailing C0 controls and spaces are stripped, tabs and
** newlines removed, backslash counts as slash in special schemes (http, https, ws, wss, ftp, file),
** `//host` is scheme-relative, dot segments (also %2e forms) are removed, spaces and non-ASCII in
** userinfo/path/query/fragment are percent-encoded with the standard's encode sets, hosts are
** lowercased, IPv4 in all its legacy forms (0x7f.1, 2130706433) and IPv6 are parsed and serialised,
** default ports are dropped. Not implemented: full IDNA (UTS 46). Non-ASCII hosts get a simplified
** domain-to-ASCII: full-width ASCII and ideographic full stops are folded, ASCII lowercased, and
** each label with non-ASCII characters is Punycode-encoded (RFC 3492) as xn--LABEL.
**
** Tcl: `url resolve BASE REF`, `url parse URL` (a dict of the parts), `url canonical URL` (the form
** used to recognise the same page twice: fragment dropped and utm_* query parameters removed, the
** rest of the query kept in its order; host lowercase and default port dropped by parsing),
** `url encode STRING ?-component|-query?` (percent-encoding of STRING's UTF-8 bytes for one path
** segment or query value: only RFC 3986's unreserved characters A-Z a-z 0-9 - . _ ~ stay as they
** are; with -query a space becomes "+", as in forms). The one URL encoder of the appliance.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "yqbox.h"

/* The parts of a parsed URL; strings are serialised (already percent-encoded) UTF-8. */
typedef struct Url {
  Tcl_DString scheme, user, pass, host, path, query, frag;
  int hasHost, hasQuery, hasFrag, opaque, port;   /* port -1: none */
} Url;

static void urlInit(Url *u){
  Tcl_DStringInit(&u->scheme); Tcl_DStringInit(&u->user); Tcl_DStringInit(&u->pass);
  Tcl_DStringInit(&u->host); Tcl_DStringInit(&u->path); Tcl_DStringInit(&u->query);
  Tcl_DStringInit(&u->frag);
  u->hasHost = u->hasQuery = u->hasFrag = u->opaque = 0;
  u->port = -1;
}

static void urlFree(Url *u){
  Tcl_DStringFree(&u->scheme); Tcl_DStringFree(&u->user); Tcl_DStringFree(&u->pass);
  Tcl_DStringFree(&u->host); Tcl_DStringFree(&u->path); Tcl_DStringFree(&u->query);
  Tcl_DStringFree(&u->frag);
}

static void dsSet(Tcl_DString *d, const char *s, int n){
  Tcl_DStringSetLength(d, 0);
  Tcl_DStringAppend(d, s, n);
}
#define DSCOPY(d, src) dsSet(d, Tcl_DStringValue(src), Tcl_DStringLength(src))

/* specialPort: for a special scheme its default port (0 for file); -1 when not special. */
static int specialPort(const char *s){
  if( !strcmp(s, "http") || !strcmp(s, "ws") ) return 80;
  if( !strcmp(s, "https") || !strcmp(s, "wss") ) return 443;
  if( !strcmp(s, "ftp") ) return 21;
  if( !strcmp(s, "file") ) return 0;
  return -1;
}

/* Percent-encode sets: the WHATWG standard's, and SET_COMPONENT (all but RFC 3986's unreserved
** characters, for `url encode`). */
enum PctSet { SET_C0, SET_FRAG, SET_QUERY, SET_SQUERY, SET_PATH, SET_USERINFO, SET_COMPONENT };

/* inSet: whether byte C is percent-encoded in SET (any byte < 0x20 or >= 0x7F always is). */
static int inSet(int set, unsigned char c){
  if( set==SET_COMPONENT ){
    return !((c>='A' && c<='Z') || (c>='a' && c<='z') || (c>='0' && c<='9') || c=='-' || c=='.'
             || c=='_' || c=='~');
  }
  if( c<0x20 || c>0x7E ) return 1;
  switch( set ){
    case SET_C0: return 0;
    case SET_FRAG: return strchr(" \"<>`", c)!=0;
    case SET_QUERY: return strchr(" \"#<>", c)!=0;
    case SET_SQUERY: return strchr(" \"#<>'", c)!=0;
    case SET_PATH: return strchr(" \"#<>?^`{}", c)!=0;
    default: return strchr(" \"#<>?^`{}/:;=@[\\]|", c)!=0;
  }
}

/* pctAppend: append byte C to D, percent-encoded (upper-case hex) when it is in SET. */
static void pctAppend(Tcl_DString *d, unsigned char c, int set){
  if( inSet(set, c) ){
    char b[4];
    static const char hx[] = "0123456789ABCDEF";
    b[0] = '%'; b[1] = hx[c>>4]; b[2] = hx[c&15];
    Tcl_DStringAppend(d, b, 3);
  }else{
    char ch = (char)c;
    Tcl_DStringAppend(d, &ch, 1);
  }
}

static int hexval(int c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

/* ---- hosts ---------------------------------------------------------------------------------- */

/* ipv4Number: parse one IPv4 part (decimal, 0x hex, 0 octal). Returns 0 and *V, or -1. */
static int ipv4Number(const char *s, int n, unsigned long long *v){
  int r = 10, i;
  unsigned long long x = 0;
  if( n==0 ) return -1;
  if( n>=2 && s[0]=='0' && (s[1]=='x' || s[1]=='X') ){ r = 16; s += 2; n -= 2; }
  else if( n>=2 && s[0]=='0' ){ r = 8; s++; n--; }
  if( n==0 ){ *v = 0; return 0; }
  for(i=0; i<n; i++){
    int d = hexval((unsigned char)s[i]);
    if( d<0 || d>=r ) return -1;
    x = x*r + d;
    if( x>0xFFFFFFFFFFULL ) x = 0xFFFFFFFFFFULL;   /* saturate: anything this big fails later */
  }
  *v = x;
  return 0;
}

/* endsInNumber: whether the host's last label (ignoring one trailing dot) is numeric or 0x-hex. */
static int endsInNumber(const char *s, int n){
  int end = n, start, i;
  if( end>0 && s[end-1]=='.' ){
    if( memchr(s, '.', end-1)==0 && end==1 ) return 0;
    end--;
  }
  start = end;
  while( start>0 && s[start-1]!='.' ) start--;
  if( start==end ) return 0;
  for(i=start; i<end && s[i]>='0' && s[i]<='9'; i++){}
  if( i==end ) return 1;
  if( end-start>=2 && s[start]=='0' && (s[start+1]=='x' || s[start+1]=='X') ){
    for(i=start+2; i<end && hexval((unsigned char)s[i])>=0; i++){}
    return i==end;
  }
  return 0;
}

/* parseIpv4: S (N bytes) as an IPv4 address into *ADDR. Returns 0, or -1 when invalid. */
static int parseIpv4(const char *s, int n, unsigned long *addr){
  unsigned long long part[4], v = 0;
  int np = 0, i, start = 0;
  if( n>0 && s[n-1]=='.' ) n--;
  for(i=0; i<=n; i++){
    if( i==n || s[i]=='.' ){
      if( np==4 ) return -1;
      if( ipv4Number(s+start, i-start, &part[np])<0 ) return -1;
      np++;
      start = i+1;
    }
  }
  for(i=0; i<np-1; i++){
    if( part[i]>255 ) return -1;
    v += part[i] << (8*(3-i));
  }
  if( part[np-1] >= (1ULL << (8*(5-np))) ) return -1;
  v += part[np-1];
  *addr = (unsigned long)v;
  return 0;
}

/* parseIpv6: the text between brackets into 8 pieces. Returns 0, or -1 when invalid. */
static int parseIpv6(const char *s, int n, unsigned short a[8]){
  int piece = 0, compress = -1, p = 0;
  memset(a, 0, 16);
  if( p<n && s[p]==':' ){
    if( p+1>=n || s[p+1]!=':' ) return -1;
    p += 2; piece = 1; compress = 1;
  }
  while( p<n ){
    int value = 0, len = 0;
    if( piece==8 ) return -1;
    if( s[p]==':' ){
      if( compress>=0 ) return -1;
      p++; compress = ++piece;
      continue;
    }
    while( len<4 && p<n && hexval((unsigned char)s[p])>=0 ){
      value = value*16 + hexval((unsigned char)s[p]); p++; len++;
    }
    if( p<n && s[p]=='.' ){
      int seen = 0;
      if( len==0 ) return -1;
      p -= len;
      if( piece>6 ) return -1;
      while( p<n ){
        int v4 = -1;
        if( seen>0 ){
          if( s[p]=='.' && seen<4 ) p++; else return -1;
        }
        if( p>=n || s[p]<'0' || s[p]>'9' ) return -1;
        while( p<n && s[p]>='0' && s[p]<='9' ){
          int d = s[p]-'0';
          if( v4<0 ) v4 = d; else if( v4==0 ) return -1; else v4 = v4*10+d;
          if( v4>255 ) return -1;
          p++;
        }
        a[piece] = (unsigned short)(a[piece]*0x100 + v4);
        seen++;
        if( seen==2 || seen==4 ) piece++;
      }
      if( seen!=4 ) return -1;
      break;
    }else if( p<n && s[p]==':' ){
      p++;
      if( p>=n ) return -1;
    }else if( p<n ){
      return -1;
    }
    a[piece++] = (unsigned short)value;
  }
  if( compress>=0 ){
    int swaps = piece-compress;
    piece = 7;
    while( piece!=0 && swaps>0 ){
      unsigned short t = a[piece]; a[piece] = a[compress+swaps-1]; a[compress+swaps-1] = t;
      piece--; swaps--;
    }
  }else if( piece!=8 ){
    return -1;
  }
  return 0;
}

/* ipv6Serialize: append [a:b::c] (longest zero run compressed, lowercase hex) to D. */
static void ipv6Serialize(const unsigned short a[8], Tcl_DString *d){
  int best = -1, bestLen = 1, i, ignore0 = 0;
  char b[8];
  for(i=0; i<8; ){
    int j = i;
    while( j<8 && a[j]==0 ) j++;
    if( j-i>bestLen ){ best = i; bestLen = j-i; }
    i = (j==i) ? i+1 : j;
  }
  Tcl_DStringAppend(d, "[", 1);
  for(i=0; i<8; i++){
    if( ignore0 && a[i]==0 ) continue;
    ignore0 = 0;
    if( best==i ){
      Tcl_DStringAppend(d, i==0 ? "::" : ":", -1);
      ignore0 = 1;
      continue;
    }
    snprintf(b, sizeof b, "%x", a[i]);
    Tcl_DStringAppend(d, b, -1);
    if( i!=7 ) Tcl_DStringAppend(d, ":", 1);
  }
  Tcl_DStringAppend(d, "]", 1);
}

/* utf8Next: decode one code point at *P (before END), advancing *P. Returns -1 if invalid. */
static int utf8Next(const unsigned char **pp, const unsigned char *end){
  const unsigned char *p = *pp;
  int c = *p, n, cp, i;
  if( c<0x80 ){ *pp = p+1; return c; }
  if( c>=0xC2 && c<=0xDF ){ n = 1; cp = c&0x1F; }
  else if( c>=0xE0 && c<=0xEF ){ n = 2; cp = c&0x0F; }
  else if( c>=0xF0 && c<=0xF4 ){ n = 3; cp = c&0x07; }
  else return -1;
  if( end-p<=n ) return -1;
  for(i=1; i<=n; i++){
    if( (p[i]&0xC0)!=0x80 ) return -1;
    cp = (cp<<6) | (p[i]&0x3F);
  }
  if( (n==2 && cp<0x800) || (n==3 && (cp<0x10000 || cp>0x10FFFF)) || (cp>=0xD800 && cp<=0xDFFF) ) return -1;
  *pp = p+n+1;
  return cp;
}

/* punyAdapt / punyDigit: RFC 3492 bias adaptation and digit encoding. */
static int punyAdapt(int delta, int numpoints, int first){
  int k = 0;
  delta = first ? delta/700 : delta/2;
  delta += delta/numpoints;
  while( delta>((36-1)*26)/2 ){ delta /= 36-1; k += 36; }
  return k + (36*delta)/(delta+38);
}
static char punyDigit(int d){ return (char)(d<26 ? 'a'+d : '0'+d-26); }

/* punyLabel: append "xn--" + the Punycode of the N code points CP to D. Returns 0, -1 on overflow. */
static int punyLabel(const int *cp, int n, Tcl_DString *d){
  int i, h, b = 0, bias = 72, m, q, k, t;
  long delta = 0, cur = 128;
  Tcl_DStringAppend(d, "xn--", 4);
  for(i=0; i<n; i++) if( cp[i]<0x80 ){ char c = (char)cp[i]; Tcl_DStringAppend(d, &c, 1); b++; }
  h = b;
  if( b>0 ) Tcl_DStringAppend(d, "-", 1);
  while( h<n ){
    m = 0x7FFFFFFF;
    for(i=0; i<n; i++) if( cp[i]>=cur && cp[i]<m ) m = cp[i];
    delta += (long)(m-cur)*(h+1);
    if( delta>0x7FFFFFFF ) return -1;
    cur = m;
    for(i=0; i<n; i++){
      if( cp[i]<cur ) delta++;
      if( cp[i]==cur ){
        char c;
        q = (int)delta;
        for(k=36; ; k+=36){
          t = k<=bias ? 1 : (k>=bias+26 ? 26 : k-bias);
          if( q<t ) break;
          c = punyDigit(t+(q-t)%(36-t));
          Tcl_DStringAppend(d, &c, 1);
          q = (q-t)/(36-t);
        }
        c = punyDigit(q);
        Tcl_DStringAppend(d, &c, 1);
        bias = punyAdapt((int)delta, h+1, h==b);
        delta = 0;
        h++;
      }
    }
    delta++; cur++;
  }
  return 0;
}

/*
** domainToAscii: the simplified domain-to-ASCII of the percent-decoded domain S (N bytes) into D:
** full-width forms folded, ASCII lowercased, non-ASCII labels Punycode-encoded. Returns 0 or -1.
*/
static int domainToAscii(const char *s, int n, Tcl_DString *d){
  const unsigned char *p = (const unsigned char*)s, *end = p+n;
  int *cp = (int*)ckalloc(sizeof(int)*(n+1)), ncp = 0, i, start, rc = 0;
  while( p<end ){
    int c = utf8Next(&p, end);
    if( c<0 ){ ckfree((char*)cp); return -1; }
    if( c==0x3002 || c==0xFF0E || c==0xFF61 ) c = '.';
    else if( c>=0xFF01 && c<=0xFF5E ) c -= 0xFEE0;
    if( c>='A' && c<='Z' ) c += 32;
    cp[ncp++] = c;
  }
  cp[ncp] = '.';
  for(start=0, i=0; i<=ncp; i++){
    if( i==ncp || cp[i]=='.' ){
      int j, ascii = 1;
      for(j=start; j<i; j++) if( cp[j]>=0x80 ) ascii = 0;
      if( ascii ){
        for(j=start; j<i; j++){ char c = (char)cp[j]; Tcl_DStringAppend(d, &c, 1); }
      }else if( punyLabel(cp+start, i-start, d)<0 ){
        rc = -1; break;
      }
      if( i<ncp ) Tcl_DStringAppend(d, ".", 1);
      start = i+1;
    }
  }
  ckfree((char*)cp);
  return rc;
}

/*
** parseHost: the host parser. S (N bytes, still percent-encoded) becomes the serialised host in
** OUT. NOTSPECIAL selects the opaque-host rules. Returns 0, or -1 with *ERR set.
*/
static int parseHost(const char *s, int n, int notSpecial, Tcl_DString *out, const char **err){
  Tcl_DString dec, ascii;
  int i;
  Tcl_DStringSetLength(out, 0);
  if( n>0 && s[0]=='[' ){
    unsigned short a[8];
    if( s[n-1]!=']' || parseIpv6(s+1, n-2, a)<0 ){ *err = "invalid IPv6 address"; return -1; }
    ipv6Serialize(a, out);
    return 0;
  }
  if( notSpecial ){
    for(i=0; i<n; i++){
      if( strchr("\t\n\r #/:<>?@[\\]^|", s[i]) && s[i] ){ *err = "forbidden character in host"; return -1; }
      if( s[i]==0 ){ *err = "forbidden character in host"; return -1; }
      pctAppend(out, (unsigned char)s[i], SET_C0);
    }
    return 0;
  }
  Tcl_DStringInit(&dec);
  for(i=0; i<n; i++){
    int h1, h2;
    if( s[i]=='%' && i+2<n && (h1 = hexval((unsigned char)s[i+1]))>=0 && (h2 = hexval((unsigned char)s[i+2]))>=0 ){
      char c = (char)(h1*16+h2);
      Tcl_DStringAppend(&dec, &c, 1);
      i += 2;
    }else{
      Tcl_DStringAppend(&dec, s+i, 1);
    }
  }
  Tcl_DStringInit(&ascii);
  if( domainToAscii(Tcl_DStringValue(&dec), Tcl_DStringLength(&dec), &ascii)<0 ){
    Tcl_DStringFree(&dec); Tcl_DStringFree(&ascii);
    *err = "invalid host name";
    return -1;
  }
  Tcl_DStringFree(&dec);
  s = Tcl_DStringValue(&ascii);
  n = Tcl_DStringLength(&ascii);
  if( n==0 ){ Tcl_DStringFree(&ascii); *err = "empty host"; return -1; }
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)s[i];
    if( c<=0x20 || c==0x7F || strchr("#%/:<>?@[\\]^|", c) ){
      Tcl_DStringFree(&ascii);
      *err = "forbidden character in host";
      return -1;
    }
  }
  if( endsInNumber(s, n) ){
    unsigned long a;
    char b[32];
    if( parseIpv4(s, n, &a)<0 ){ Tcl_DStringFree(&ascii); *err = "invalid IPv4 address"; return -1; }
    snprintf(b, sizeof b, "%lu.%lu.%lu.%lu", (a>>24)&255, (a>>16)&255, (a>>8)&255, a&255);
    Tcl_DStringAppend(out, b, -1);
  }else{
    Tcl_DStringAppend(out, s, n);
  }
  Tcl_DStringFree(&ascii);
  return 0;
}

/* ---- the state machine ------------------------------------------------------------------------ */

enum {
  S_SCHEME_START, S_SCHEME, S_NO_SCHEME, S_SPECIAL_REL_OR_AUTH, S_PATH_OR_AUTH, S_RELATIVE,
  S_RELATIVE_SLASH, S_SPECIAL_AUTH_SLASHES, S_SPECIAL_AUTH_IGNORE, S_AUTHORITY, S_HOST, S_PORT,
  S_FILE, S_FILE_SLASH, S_FILE_HOST, S_PATH_START, S_PATH, S_OPAQUE_PATH, S_QUERY, S_FRAGMENT
};

static int isSingleDot(const char *b, int n){
  return (n==1 && b[0]=='.') || (n==3 && b[0]=='%' && b[1]=='2' && (b[2]=='e' || b[2]=='E'));
}
static int isDoubleDot(const char *b, int n){
  if( n==2 ) return b[0]=='.' && b[1]=='.';
  if( n==4 ) return (b[0]=='.' && isSingleDot(b+1, 3)) || (isSingleDot(b, 3) && b[3]=='.');
  if( n==6 ) return isSingleDot(b, 3) && isSingleDot(b+3, 3);
  return 0;
}
/* isDriveLetter: "C:" or "C|" (NORMALIZED: only "C:"). */
static int isDriveLetter(const char *b, int n, int normalized){
  return n==2 && ((b[0]|32)>='a' && (b[0]|32)<='z') && (b[1]==':' || (!normalized && b[1]=='|'));
}
/* startsWithDrive: the remaining input starts with a Windows drive letter (file URL quirk). */
static int startsWithDrive(const char *p, const char *end){
  return end-p>=2 && isDriveLetter(p, 2, 0) && (end-p==2 || strchr("/\\?#", p[2]));
}

/* shortenPath: drop the last path segment (keeping a lone normalised drive letter of file URLs). */
static void shortenPath(Url *u){
  const char *s = Tcl_DStringValue(&u->path);
  int n = Tcl_DStringLength(&u->path);
  if( !strcmp(Tcl_DStringValue(&u->scheme), "file") && n==3 && isDriveLetter(s+1, 2, 1) ) return;
  while( n>0 && s[n-1]!='/' ) n--;
  if( n>0 ) n--;
  Tcl_DStringSetLength(&u->path, n);
}

static void pathAppend(Url *u, const char *seg, int n){
  Tcl_DStringAppend(&u->path, "/", 1);
  Tcl_DStringAppend(&u->path, seg, n);
}

/* urlCopyFrom: copy the parts of base B named by the flags into U. */
static void copyAuth(Url *u, Url *b){
  DSCOPY(&u->user, &b->user); DSCOPY(&u->pass, &b->pass); DSCOPY(&u->host, &b->host);
  u->hasHost = b->hasHost; u->port = b->port;
}

/*
** parseUrl: the basic URL parser on IN (N bytes of UTF-8) against BASE (or NULL) into U (which must
** be initialised). Returns 0, or -1 with *ERR set to a static message.
*/
static int parseUrl(const char *in, int n, Url *base, Url *u, const char **err){
  Tcl_DString clean, buf;
  const char *p, *end;
  int state = S_SCHEME_START, special = 0, atSeen = 0, inBrackets = 0, passSeen = 0, i, rc = 0;

  /* strip leading/trailing C0 control or space, remove ASCII tab and newline */
  while( n>0 && (unsigned char)in[0]<=0x20 ){ in++; n--; }
  while( n>0 && (unsigned char)in[n-1]<=0x20 ) n--;
  Tcl_DStringInit(&clean);
  for(i=0; i<n; i++) if( in[i]!='\t' && in[i]!='\n' && in[i]!='\r' ) Tcl_DStringAppend(&clean, in+i, 1);
  Tcl_DStringInit(&buf);
  p = Tcl_DStringValue(&clean);
  end = p + Tcl_DStringLength(&clean);
  const char *start = p;

  for(;; p++){
    int c = p<end ? (unsigned char)*p : -1;     /* -1: EOF */
    switch( state ){
    case S_SCHEME_START:
      if( c>=0 && ((c|32)>='a' && (c|32)<='z') ){
        char l = (char)(c|32);
        Tcl_DStringAppend(&buf, &l, 1);
        state = S_SCHEME;
      }else{
        state = S_NO_SCHEME; p--;
      }
      break;
    case S_SCHEME:
      if( c>=0 && (((c|32)>='a' && (c|32)<='z') || (c>='0' && c<='9') || c=='+' || c=='-' || c=='.') ){
        char l = (char)((c>='A' && c<='Z') ? c|32 : c);
        Tcl_DStringAppend(&buf, &l, 1);
      }else if( c==':' ){
        DSCOPY(&u->scheme, &buf);
        Tcl_DStringSetLength(&buf, 0);
        special = specialPort(Tcl_DStringValue(&u->scheme))>=0;
        if( !strcmp(Tcl_DStringValue(&u->scheme), "file") ){
          state = S_FILE;
        }else if( special && base && !strcmp(Tcl_DStringValue(&base->scheme), Tcl_DStringValue(&u->scheme)) ){
          state = S_SPECIAL_REL_OR_AUTH;
        }else if( special ){
          state = S_SPECIAL_AUTH_SLASHES;
        }else if( p+1<end && p[1]=='/' ){
          state = S_PATH_OR_AUTH; p++;
        }else{
          u->opaque = 1;
          state = S_OPAQUE_PATH;
        }
      }else{
        Tcl_DStringSetLength(&buf, 0);
        state = S_NO_SCHEME;
        p = start-1;
      }
      break;
    case S_NO_SCHEME:
      if( !base || (base->opaque && c!='#') ){
        *err = base ? "relative reference against a base that cannot have one" : "relative URL without a base";
        rc = -1; goto done;
      }else if( base->opaque && c=='#' ){
        DSCOPY(&u->scheme, &base->scheme); DSCOPY(&u->path, &base->path); u->opaque = 1;
        DSCOPY(&u->query, &base->query); u->hasQuery = base->hasQuery;
        u->hasFrag = 1;
        state = S_FRAGMENT;
      }else if( strcmp(Tcl_DStringValue(&base->scheme), "file") ){
        state = S_RELATIVE; p--;
      }else{
        state = S_FILE; p--;
      }
      break;
    case S_SPECIAL_REL_OR_AUTH:
      if( c=='/' && p+1<end && p[1]=='/' ){ state = S_SPECIAL_AUTH_IGNORE; p++; }
      else { state = S_RELATIVE; p--; }
      break;
    case S_PATH_OR_AUTH:
      if( c=='/' ) state = S_AUTHORITY; else { state = S_PATH; p--; }
      break;
    case S_RELATIVE:
      DSCOPY(&u->scheme, &base->scheme);
      special = specialPort(Tcl_DStringValue(&u->scheme))>=0;
      if( c=='/' || (special && c=='\\') ){
        state = S_RELATIVE_SLASH;
      }else{
        copyAuth(u, base);
        DSCOPY(&u->path, &base->path);
        DSCOPY(&u->query, &base->query); u->hasQuery = base->hasQuery;
        if( c=='?' ){ Tcl_DStringSetLength(&u->query, 0); u->hasQuery = 1; state = S_QUERY; }
        else if( c=='#' ){ u->hasFrag = 1; state = S_FRAGMENT; }
        else if( c>=0 ){
          Tcl_DStringSetLength(&u->query, 0); u->hasQuery = 0;
          shortenPath(u);
          state = S_PATH; p--;
        }
      }
      break;
    case S_RELATIVE_SLASH:
      if( special && (c=='/' || c=='\\') ) state = S_SPECIAL_AUTH_IGNORE;
      else if( c=='/' ) state = S_AUTHORITY;
      else { copyAuth(u, base); state = S_PATH; p--; }
      break;
    case S_SPECIAL_AUTH_SLASHES:
      if( c=='/' && p+1<end && p[1]=='/' ){ state = S_SPECIAL_AUTH_IGNORE; p++; }
      else { state = S_SPECIAL_AUTH_IGNORE; p--; }
      break;
    case S_SPECIAL_AUTH_IGNORE:
      if( c!='/' && c!='\\' ){ state = S_AUTHORITY; p--; }
      break;
    case S_AUTHORITY:
      if( c=='@' ){
        const char *b = Tcl_DStringValue(&buf);
        int bn = Tcl_DStringLength(&buf), k;
        if( atSeen ){
          Tcl_DString t;
          Tcl_DStringInit(&t);
          Tcl_DStringAppend(&t, "%40", 3);
          Tcl_DStringAppend(&t, b, bn);
          DSCOPY(&buf, &t);
          Tcl_DStringFree(&t);
          b = Tcl_DStringValue(&buf); bn = Tcl_DStringLength(&buf);
        }
        atSeen = 1;
        for(k=0; k<bn; k++){
          if( b[k]==':' && !passSeen ){ passSeen = 1; continue; }
          pctAppend(passSeen ? &u->pass : &u->user, (unsigned char)b[k], SET_USERINFO);
        }
        Tcl_DStringSetLength(&buf, 0);
      }else if( c<0 || c=='/' || c=='?' || c=='#' || (special && c=='\\') ){
        if( atSeen && Tcl_DStringLength(&buf)==0 ){ *err = "missing host"; rc = -1; goto done; }
        p -= Tcl_DStringLength(&buf)+1;
        Tcl_DStringSetLength(&buf, 0);
        state = S_HOST;
      }else{
        Tcl_DStringAppend(&buf, p, 1);
      }
      break;
    case S_HOST:
      if( c==':' && !inBrackets ){
        if( Tcl_DStringLength(&buf)==0 ){ *err = "missing host"; rc = -1; goto done; }
        if( parseHost(Tcl_DStringValue(&buf), Tcl_DStringLength(&buf), !special, &u->host, err)<0 ){ rc = -1; goto done; }
        u->hasHost = 1;
        Tcl_DStringSetLength(&buf, 0);
        state = S_PORT;
      }else if( c<0 || c=='/' || c=='?' || c=='#' || (special && c=='\\') ){
        p--;
        if( special && Tcl_DStringLength(&buf)==0 ){ *err = "missing host"; rc = -1; goto done; }
        if( parseHost(Tcl_DStringValue(&buf), Tcl_DStringLength(&buf), !special, &u->host, err)<0 ){ rc = -1; goto done; }
        u->hasHost = 1;
        Tcl_DStringSetLength(&buf, 0);
        state = S_PATH_START;
      }else{
        if( c=='[' ) inBrackets = 1;
        if( c==']' ) inBrackets = 0;
        Tcl_DStringAppend(&buf, p, 1);
      }
      break;
    case S_PORT:
      if( c>='0' && c<='9' ){
        Tcl_DStringAppend(&buf, p, 1);
      }else if( c<0 || c=='/' || c=='?' || c=='#' || (special && c=='\\') ){
        if( Tcl_DStringLength(&buf) ){
          long v = 0;
          const char *b = Tcl_DStringValue(&buf);
          for(i=0; b[i]; i++){ v = v*10 + (b[i]-'0'); if( v>65535 ){ *err = "port out of range"; rc = -1; goto done; } }
          u->port = (v==specialPort(Tcl_DStringValue(&u->scheme))) ? -1 : (int)v;
          Tcl_DStringSetLength(&buf, 0);
        }
        state = S_PATH_START; p--;
      }else{
        *err = "invalid port"; rc = -1; goto done;
      }
      break;
    case S_FILE:
      dsSet(&u->scheme, "file", 4);
      special = 1;
      Tcl_DStringSetLength(&u->host, 0); u->hasHost = 1;
      if( c=='/' || c=='\\' ){
        state = S_FILE_SLASH;
      }else if( base && !strcmp(Tcl_DStringValue(&base->scheme), "file") ){
        DSCOPY(&u->host, &base->host); u->hasHost = base->hasHost;
        DSCOPY(&u->path, &base->path);
        DSCOPY(&u->query, &base->query); u->hasQuery = base->hasQuery;
        if( c=='?' ){ Tcl_DStringSetLength(&u->query, 0); u->hasQuery = 1; state = S_QUERY; }
        else if( c=='#' ){ u->hasFrag = 1; state = S_FRAGMENT; }
        else if( c>=0 ){
          Tcl_DStringSetLength(&u->query, 0); u->hasQuery = 0;
          if( !startsWithDrive(p, end) ) shortenPath(u); else Tcl_DStringSetLength(&u->path, 0);
          state = S_PATH; p--;
        }
      }else{
        state = S_PATH; p--;
      }
      break;
    case S_FILE_SLASH:
      if( c=='/' || c=='\\' ){
        state = S_FILE_HOST;
      }else{
        if( base && !strcmp(Tcl_DStringValue(&base->scheme), "file") ){
          DSCOPY(&u->host, &base->host); u->hasHost = base->hasHost;
          if( !startsWithDrive(p, end) && Tcl_DStringLength(&base->path)>=3
              && isDriveLetter(Tcl_DStringValue(&base->path)+1, 2, 1) ){
            pathAppend(u, Tcl_DStringValue(&base->path)+1, 2);
          }
        }
        state = S_PATH; p--;
      }
      break;
    case S_FILE_HOST:
      if( c<0 || c=='/' || c=='\\' || c=='?' || c=='#' ){
        p--;
        if( isDriveLetter(Tcl_DStringValue(&buf), Tcl_DStringLength(&buf), 0) ){
          state = S_PATH;
        }else if( Tcl_DStringLength(&buf)==0 ){
          Tcl_DStringSetLength(&u->host, 0); u->hasHost = 1;
          state = S_PATH_START;
        }else{
          if( parseHost(Tcl_DStringValue(&buf), Tcl_DStringLength(&buf), 0, &u->host, err)<0 ){ rc = -1; goto done; }
          u->hasHost = 1;
          if( !strcmp(Tcl_DStringValue(&u->host), "localhost") ) Tcl_DStringSetLength(&u->host, 0);
          Tcl_DStringSetLength(&buf, 0);
          state = S_PATH_START;
        }
      }else{
        Tcl_DStringAppend(&buf, p, 1);
      }
      break;
    case S_PATH_START:
      if( special ){
        state = S_PATH;
        if( c!='/' && c!='\\' ) p--;
      }else if( c=='?' ){
        Tcl_DStringSetLength(&u->query, 0); u->hasQuery = 1; state = S_QUERY;
      }else if( c=='#' ){
        u->hasFrag = 1; state = S_FRAGMENT;
      }else if( c>=0 ){
        state = S_PATH;
        if( c!='/' ) p--;
      }
      break;
    case S_PATH:
      if( c<0 || c=='/' || (special && c=='\\') || c=='?' || c=='#' ){
        const char *b = Tcl_DStringValue(&buf);
        int bn = Tcl_DStringLength(&buf);
        int slash = (c=='/' || (special && c=='\\'));
        if( isDoubleDot(b, bn) ){
          shortenPath(u);
          if( !slash ) pathAppend(u, "", 0);
        }else if( isSingleDot(b, bn) ){
          if( !slash ) pathAppend(u, "", 0);
        }else{
          if( !strcmp(Tcl_DStringValue(&u->scheme), "file") && Tcl_DStringLength(&u->path)==0
              && isDriveLetter(b, bn, 0) ){
            Tcl_DStringSetLength(&buf, 1);
            Tcl_DStringAppend(&buf, ":", 1);
            b = Tcl_DStringValue(&buf);
          }
          pathAppend(u, b, bn);
        }
        Tcl_DStringSetLength(&buf, 0);
        if( c=='?' ){ Tcl_DStringSetLength(&u->query, 0); u->hasQuery = 1; state = S_QUERY; }
        if( c=='#' ){ u->hasFrag = 1; state = S_FRAGMENT; }
      }else{
        pctAppend(&buf, (unsigned char)c, SET_PATH);
      }
      break;
    case S_OPAQUE_PATH:
      if( c=='?' ){ Tcl_DStringSetLength(&u->query, 0); u->hasQuery = 1; state = S_QUERY; }
      else if( c=='#' ){ u->hasFrag = 1; state = S_FRAGMENT; }
      else if( c>=0 ) pctAppend(&u->path, (unsigned char)c, SET_C0);
      break;
    case S_QUERY:
      if( c=='#' ){ u->hasFrag = 1; state = S_FRAGMENT; }
      else if( c>=0 ) pctAppend(&u->query, (unsigned char)c, special ? SET_SQUERY : SET_QUERY);
      break;
    case S_FRAGMENT:
      if( c>=0 ) pctAppend(&u->frag, (unsigned char)c, SET_FRAG);
      break;
    }
    if( p>=end ) break;
  }
done:
  Tcl_DStringFree(&buf);
  Tcl_DStringFree(&clean);
  return rc;
}

/* urlSerialize: append the serialisation of U to D; EXCLUDEFRAG drops the fragment. */
static void urlSerialize(Url *u, Tcl_DString *d, int excludeFrag){
  Tcl_DStringAppend(d, Tcl_DStringValue(&u->scheme), -1);
  Tcl_DStringAppend(d, ":", 1);
  if( u->hasHost ){
    Tcl_DStringAppend(d, "//", 2);
    if( Tcl_DStringLength(&u->user) || Tcl_DStringLength(&u->pass) ){
      Tcl_DStringAppend(d, Tcl_DStringValue(&u->user), -1);
      if( Tcl_DStringLength(&u->pass) ){
        Tcl_DStringAppend(d, ":", 1);
        Tcl_DStringAppend(d, Tcl_DStringValue(&u->pass), -1);
      }
      Tcl_DStringAppend(d, "@", 1);
    }
    Tcl_DStringAppend(d, Tcl_DStringValue(&u->host), -1);
    if( u->port>=0 ){
      char b[16];
      snprintf(b, sizeof b, ":%d", u->port);
      Tcl_DStringAppend(d, b, -1);
    }
  }else if( !u->opaque && Tcl_DStringLength(&u->path)>1 && Tcl_DStringValue(&u->path)[1]=='/' ){
    Tcl_DStringAppend(d, "/.", 2);
  }
  Tcl_DStringAppend(d, Tcl_DStringValue(&u->path), Tcl_DStringLength(&u->path));
  if( u->hasQuery ){
    Tcl_DStringAppend(d, "?", 1);
    Tcl_DStringAppend(d, Tcl_DStringValue(&u->query), Tcl_DStringLength(&u->query));
  }
  if( u->hasFrag && !excludeFrag ){
    Tcl_DStringAppend(d, "#", 1);
    Tcl_DStringAppend(d, Tcl_DStringValue(&u->frag), Tcl_DStringLength(&u->frag));
  }
}

/*
** YqUrlResolve: resolve REF (UTF-8, NUL-terminated) against BASE (or NULL/"" for none) and append
** the absolute URL to OUT. Returns 0, or -1 with *ERR set to a static message (OUT unchanged).
*/
int YqUrlResolve(const char *base, const char *ref, Tcl_DString *out, const char **err){
  Url b, u;
  int rc = 0;
  urlInit(&b);
  urlInit(&u);
  if( base && *base ){
    if( parseUrl(base, (int)strlen(base), NULL, &b, err)<0 ){
      urlFree(&b); urlFree(&u);
      return -1;
    }
  }
  if( parseUrl(ref, (int)strlen(ref), (base && *base) ? &b : NULL, &u, err)<0 ) rc = -1;
  else urlSerialize(&u, out, 0);
  urlFree(&b);
  urlFree(&u);
  return rc;
}

/*
** YqUrlCanonical: append the canonical form of absolute URL IN to OUT: parsed and serialised, no
** fragment, query parameters whose name starts with "utm_" removed (the "?" too when none remain).
** Returns 0, or -1 with *ERR set.
*/
int YqUrlCanonical(const char *in, Tcl_DString *out, const char **err){
  Url u;
  urlInit(&u);
  if( parseUrl(in, (int)strlen(in), NULL, &u, err)<0 ){ urlFree(&u); return -1; }
  if( u.hasQuery ){
    Tcl_DString q;
    const char *s = Tcl_DStringValue(&u.query);
    int n = Tcl_DStringLength(&u.query), a = 0, b;
    Tcl_DStringInit(&q);
    while( a<=n ){
      for(b=a; b<n && s[b]!='&'; b++){}
      if( b>a && !(b-a>=4 && strncasecmp(s+a, "utm_", 4)==0) ){
        if( Tcl_DStringLength(&q) ) Tcl_DStringAppend(&q, "&", 1);
        Tcl_DStringAppend(&q, s+a, b-a);
      }
      a = b+1;
    }
    DSCOPY(&u.query, &q);
    u.hasQuery = Tcl_DStringLength(&q)>0;
    Tcl_DStringFree(&q);
  }
  urlSerialize(&u, out, 1);
  urlFree(&u);
  return 0;
}

/* toUtf8 / fromUtf8: Tcl's internal strings <-> standard UTF-8 (NUL and non-BMP characters). */
static const char *toUtf8(Tcl_Obj *o, Tcl_DString *ds){
  int n;
  const char *s = Tcl_GetStringFromObj(o, &n);
  return Tcl_UtfToExternalDString(YqUtf8Encoding(), s, n, ds);
}

/*
** percentEncode: append the LEN bytes at S to OUT percent-encoded: every byte but the unreserved
** characters of RFC 3986 (A-Z a-z 0-9 - . _ ~); with FORM a space is "+".
*/
static void percentEncode(const unsigned char *s, int len, int form, Tcl_DString *out){
  int i;
  for(i=0; i<len; i++){
    if( s[i]==' ' && form ) Tcl_DStringAppend(out, "+", 1);
    else pctAppend(out, s[i], SET_COMPONENT);
  }
}

/*
** UrlCmd: "url resolve BASE REF", "url canonical URL", "url parse URL", "url encode STRING
** ?-component|-query?". Errors name the reason an URL is invalid. No side effects.
*/
int UrlCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"resolve", "canonical", "parse", "encode", NULL};
  enum UrlSub { RESOLVE, CANONICAL, PARSE, ENCODE };
  static const char *const encodeOpts[] = {"-component", "-query", NULL};
  enum EncodeOpt { ENC_COMPONENT, ENC_QUERY };
  int idx, rc = 0;
  const char *err = "invalid URL";
  Tcl_DString a, b, out;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx==ENCODE ){
    int how = ENC_COMPONENT;
    if( objc!=3 && objc!=4 ){ Tcl_WrongNumArgs(interp, 2, objv, "STRING ?-component|-query?"); return TCL_ERROR; }
    if( objc==4 && Tcl_GetIndexFromObj(interp, objv[3], encodeOpts, "option", 0, &how)!=TCL_OK ) return TCL_ERROR;
    toUtf8(objv[2], &a);
    Tcl_DStringInit(&out);
    percentEncode((const unsigned char*)Tcl_DStringValue(&a), Tcl_DStringLength(&a), how==ENC_QUERY, &out);
    Tcl_DStringResult(interp, &out);
    Tcl_DStringFree(&a);
    return TCL_OK;
  }
  if( objc!=(idx==RESOLVE ? 4 : 3) ){
    Tcl_WrongNumArgs(interp, 2, objv, idx==RESOLVE ? "BASE REF" : "URL");
    return TCL_ERROR;
  }
  Tcl_DStringInit(&out);
  Tcl_DStringInit(&b);
  toUtf8(objv[2], &a);
  if( idx==RESOLVE ){
    toUtf8(objv[3], &b);
    rc = YqUrlResolve(Tcl_DStringValue(&a), Tcl_DStringValue(&b), &out, &err);
  }else if( idx==CANONICAL ){
    rc = YqUrlCanonical(Tcl_DStringValue(&a), &out, &err);
  }else{
    Url u;
    urlInit(&u);
    rc = parseUrl(Tcl_DStringValue(&a), Tcl_DStringLength(&a), NULL, &u, &err);
    if( rc==0 ){
      Tcl_Obj *d = Tcl_NewDictObj();
      char port[16];
      int dp = specialPort(Tcl_DStringValue(&u.scheme));
      snprintf(port, sizeof port, "%d", u.port>=0 ? u.port : dp>0 ? dp : 0);
#define PUT(k, ds) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), YqUtf8Obj(Tcl_DStringValue(ds), Tcl_DStringLength(ds)))
      PUT("scheme", &u.scheme); PUT("user", &u.user); PUT("password", &u.pass);
      PUT("host", &u.host);
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("port", -1),
                     Tcl_NewStringObj((u.port>=0 || dp>0) ? port : "", -1));
      PUT("path", &u.path);
      PUT("query", &u.query); PUT("fragment", &u.frag);
#undef PUT
      urlSerialize(&u, &out, 0);
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("href", -1), YqUtf8Obj(Tcl_DStringValue(&out), Tcl_DStringLength(&out)));
      Tcl_SetObjResult(interp, d);
    }
    urlFree(&u);
  }
  if( rc<0 ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("invalid URL \"%s\": %s",
                     Tcl_GetString(objv[idx==RESOLVE ? 3 : 2]), err));
    Tcl_SetErrorCode(interp, "YQBOX", "URL", err, NULL);
  }else if( idx!=PARSE ){
    Tcl_SetObjResult(interp, YqUtf8Obj(Tcl_DStringValue(&out), Tcl_DStringLength(&out)));
  }
  Tcl_DStringFree(&a); Tcl_DStringFree(&b); Tcl_DStringFree(&out);
  return rc<0 ? TCL_ERROR : TCL_OK;
}

/*
** YqUrlPathQuery: append the path and query ("/a/b?q") of absolute URL IN to OUT (no fragment).
** Returns 0, or -1 with *ERR set.
*/
int YqUrlPathQuery(const char *in, Tcl_DString *out, const char **err){
  Url u;
  urlInit(&u);
  if( parseUrl(in, (int)strlen(in), NULL, &u, err)<0 ){ urlFree(&u); return -1; }
  Tcl_DStringAppend(out, Tcl_DStringValue(&u.path), Tcl_DStringLength(&u.path));
  if( u.hasQuery ){
    Tcl_DStringAppend(out, "?", 1);
    Tcl_DStringAppend(out, Tcl_DStringValue(&u.query), Tcl_DStringLength(&u.query));
  }
  urlFree(&u);
  return 0;
}
