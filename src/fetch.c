/*
** fetch.c - the crawler's HTTP engine: libcurl multi driven by the Tcl event loop.
**
** `fetch get URL ?options? -command CMD` queues a request and returns its id (options: -headers,
** -etag, -lastmodified, -cookies, -proxy, -internal, -retries, -timeout, -maxsize, -method GET|HEAD|
** POST, -body, -hash 1 for the body's SHA-256 in the result, -pin SHA256-FINGERPRINT: HTTPS to a
** peer box with a self-signed certificate, accepted only when the server's certificate has that
** SHA-256 fingerprint (AA:BB:… or plain hex; checked after the handshake and before the request is
** sent, on new and pooled connections alike; a mismatch fails with kind "pin")); when it is done,
** CMD is called with one dict argument describing the outcome (see finishReq). Many transfers run
** at once; each host gets at most `-perhost` concurrent transfers and a minimum delay between
** request starts. A 429/503 (honouring Retry-After) or a transient failure (timeout, connection
** refused) is retried with exponential backoff and jitter up to `-retries` times. Conditional GET
** (ETag / Last-Modified), gzip/deflate, bounded redirects (http and https only), a size cap and
** timeouts are applied to every request. The crawler refuses to talk to loopback, private,
** link-local, multicast and the machine's own addresses unless the request is marked internal:
** `-internal 1` (any host: the notification webhooks) or `-internal {HOST ...}` (only those host
** names: a source marked internal may reach its own private host, not the links it follows). The
** check runs when a socket is opened and again before every transfer on the connection it got
** (libcurl's pre-request callback), so redirects and pooled connections reused by a request of
** another policy are covered (SSRF). The engine has no policy:
** robots.txt, schedules and source rules live in the Tcl crawler (scripts/crawl/).
**
** State is per interpreter (assoc data) and runs in that interpreter's thread's event loop.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include "yqbox.h"

#define IDKEY(i) ((char*)(intptr_t)(i))   /* request id as a one-word hash key */

typedef struct Host {
  char *name;
  int active;                 /* transfers running now */
  Tcl_WideInt nextAt;         /* earliest start of the next request (ms) */
  struct Host *next;
} Host;

typedef struct FetchState FetchState;

#define EASY_POOL 64                /* most easy handles kept for reuse */

typedef struct Req {
  int id;
  FetchState *st;
  char *url;
  Host *host;
  CURL *easy;
  Tcl_Obj *command;
  struct curl_slist *hdrs;
  char *etag, *lastmod, *cookies, *proxy, *method;
  char *postBody; int postLen;
  int internal, retries, attempt, timeoutMs, maxSize, hash;
  Tcl_Obj *internalHosts;     /* list of lower-case host names allowed private addresses, or NULL */
  int blocked, tooBig;
  int finished;               /* done, waiting in the finished list to be reported */
  int hasPin, pinBad;         /* -pin given; the server's certificate did not match it */
  unsigned char pin[32];      /* the SHA-256 the server's certificate must have */
  CURLcode rc;                /* libcurl's result of the last attempt */
  Tcl_WideInt notBefore, startedAt;
  Tcl_Obj *body;               /* the response body: a byte array written in place, or NULL */
  size_t len, cap;            /* bytes received; bytes the byte array holds room for */
  Tcl_Obj *respHeaders;       /* dict, lower-case names */
  struct Req *next;           /* pending queue */
} Req;

/* the keys of the result dict (FetchState.keys holds them as objects) */
static const char *const resKeys[] = {"id", "url", "final_url", "status", "kind", "error", "headers",
  "content_type", "etag", "last_modified", "body", "bytes", "sha256", "retry_after", "attempts",
  "time_ms", "ip"};
enum ResKey { K_ID, K_URL, K_FINAL_URL, K_STATUS, K_KIND, K_ERROR, K_HEADERS, K_CONTENT_TYPE,
              K_ETAG, K_LAST_MODIFIED, K_BODY, K_BYTES, K_SHA256, K_RETRY_AFTER, K_ATTEMPTS,
              K_TIME_MS, K_IP, K_COUNT };

struct FetchState {
  Tcl_Interp *interp;
  CURLM *multi;
  Tcl_TimerToken curlTimer, pumpTimer, reportTimer;
  Req *doneHead, *doneTail;   /* finished, not yet reported (see reportDone) */
  int epfd;                   /* epoll set of libcurl's sockets (see drain) */
  Tcl_WideInt timerAt;        /* when libcurl's timeout expires (monoMs), or -1 */
  Req *pendHead, *pendTail;
  int nActive;
  Host *hosts;
  Tcl_HashTable reqs;         /* id -> Req, queued or active */
  int nextId;
  /* configuration */
  char *userAgent, *caFile, *defProxy;
  int maxConns, perHost, delayMs, maxSize, timeoutMs, connectMs, maxRedirs, retries, maxRetryAfter;
  /* statistics */
  Tcl_WideInt completed, failed, retried, bytes;
  /* made once, shared by every result (see finishReq) */
  Tcl_Obj *keys[K_COUNT];     /* the result dict's keys, in resKeys' order */
  Tcl_Obj *lastModKey;        /* the header name "last-modified" */
  /* easy handles of finished transfers, reset, for the next ones (see takeEasy) */
  CURL *easyPool[EASY_POOL];
  int nEasyPool;
};

static Tcl_WideInt nowMs(void){
  Tcl_Time t;
  Tcl_GetTime(&t);
  return (Tcl_WideInt)t.sec*1000 + t.usec/1000;
}

/* monoMs: a monotonic clock in milliseconds (libcurl's timeouts are relative). */
static Tcl_WideInt monoMs(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (Tcl_WideInt)ts.tv_sec*1000 + ts.tv_nsec/1000000;
}

static char *dupStr(const char *s){ return s ? strcpy(ckalloc(strlen(s)+1), s) : NULL; }

/* ---- address policy (SSRF) ---- */

/* v4Forbidden: whether IPv4 address A (host order) is loopback, private, link-local, etc. */
static int v4Forbidden(unsigned a){
  return (a>>24)==0 || (a>>24)==10 || (a>>24)==127 || (a & 0xFFC00000)==0x64400000
      || (a & 0xFFFF0000)==0xA9FE0000 || (a & 0xFFF00000)==0xAC100000
      || (a & 0xFFFF0000)==0xC0A80000 || (a & 0xFFFFFF00)==0xC0000000
      || (a & 0xFFFE0000)==0xC6120000 || (a>>28)>=0xE;
}

/* ownAddress: whether SA is one of this machine's interface addresses. */
static int ownAddress(const struct sockaddr *sa){
  struct ifaddrs *ifs, *i;
  int found = 0;
  if( getifaddrs(&ifs)!=0 ) return 0;
  for(i = ifs; i && !found; i = i->ifa_next){
    if( !i->ifa_addr || i->ifa_addr->sa_family!=sa->sa_family ) continue;
    if( sa->sa_family==AF_INET ){
      found = ((struct sockaddr_in*)i->ifa_addr)->sin_addr.s_addr
              == ((const struct sockaddr_in*)sa)->sin_addr.s_addr;
    }else if( sa->sa_family==AF_INET6 ){
      found = !memcmp(&((struct sockaddr_in6*)i->ifa_addr)->sin6_addr,
                      &((const struct sockaddr_in6*)sa)->sin6_addr, 16);
    }
  }
  freeifaddrs(ifs);
  return found;
}

/*
** YqAddrForbidden: whether a crawler may not connect to SA (not internal): loopback, private,
** CGNAT, link-local, multicast, reserved, IPv6 ULA/link-local, v4-mapped forms of those, and the
** machine's own addresses. No side effects.
*/
int YqAddrForbidden(const struct sockaddr *sa){
  if( sa->sa_family==AF_INET ){
    if( v4Forbidden(ntohl(((const struct sockaddr_in*)sa)->sin_addr.s_addr)) ) return 1;
  }else if( sa->sa_family==AF_INET6 ){
    const unsigned char *b = ((const struct sockaddr_in6*)sa)->sin6_addr.s6_addr;
    static const unsigned char mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
    static const unsigned char nat64[12] = {0,0x64,0xff,0x9b,0,0,0,0,0,0,0,0};
    int zero = 1, i;
    for(i=0; i<15; i++) if( b[i] ) zero = 0;
    if( zero ) return 1;                                  /* :: and ::1 */
    if( !memcmp(b, mapped, 12) || !memcmp(b, nat64, 12) ){
      unsigned a = ((unsigned)b[12]<<24)|((unsigned)b[13]<<16)|((unsigned)b[14]<<8)|b[15];
      if( v4Forbidden(a) ) return 1;
    }
    if( (b[0] & 0xFE)==0xFC || (b[0]==0xFE && (b[1] & 0xC0)==0x80) || b[0]==0xFF ) return 1;
  }else{
    return 1;
  }
  return ownAddress(sa);
}

/*
** internalHost: whether the host of R's current URL (after redirects) is one of the host names
** R may reach on a private address (-internal {HOST ...}). No side effects.
*/
static int internalHost(Req *r){
  char *url = NULL, *host = NULL;
  CURLU *u;
  int found = 0, n, i;
  Tcl_Obj **hv;
  if( !r->internalHosts || !r->easy ) return 0;
  if( curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url)!=CURLE_OK || !url ) url = r->url;
  u = curl_url();
  if( !u ) return 0;
  if( curl_url_set(u, CURLUPART_URL, url, 0)==CURLUE_OK
      && curl_url_get(u, CURLUPART_HOST, &host, 0)==CURLUE_OK && host ){
    char *c;
    for(c = host; *c; c++) if( *c>='A' && *c<='Z' ) *c += 'a'-'A';
    Tcl_ListObjGetElements(NULL, r->internalHosts, &n, &hv);
    for(i = 0; i<n && !found; i++) found = !strcmp(Tcl_GetString(hv[i]), host);
    curl_free(host);
  }
  curl_url_cleanup(u);
  return found;
}

/*
** mayReach: whether request R may talk to address SA: a public address, or R is internal (for any
** host, or for the host it is talking to now), or it goes through a configured proxy. Sets
** R->blocked when not. Returns 1 or 0.
*/
static int mayReach(Req *r, const struct sockaddr *sa){
  if( r->internal || r->proxy || !YqAddrForbidden(sa) || internalHost(r) ) return 1;
  r->blocked = 1;
  return 0;
}

/* openSocket: libcurl's socket opener; refuses addresses the request may not reach. */
static curl_socket_t openSocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr){
  Req *r = clientp;
  (void)purpose;
  if( !mayReach(r, &addr->addr) ) return CURL_SOCKET_BAD;
  return socket(addr->family, addr->socktype, addr->protocol);
}

/*
** pinMatches: whether the TLS connection R's transfer runs on presents a certificate whose SHA-256
** (of its DER bytes) is R->pin. Returns 1 or 0 (0 also when there is no TLS session or no peer
** certificate: a plain-http URL with -pin never passes).
*/
static int pinMatches(Req *r){
  struct curl_tlssessioninfo *info = NULL;
  const mbedtls_x509_crt *crt;
  unsigned char sum[32];
  unsigned diff = 0;
  int i;
  if( curl_easy_getinfo(r->easy, CURLINFO_TLS_SSL_PTR, &info)!=CURLE_OK || !info
      || info->backend!=CURLSSLBACKEND_MBEDTLS || !info->internals ) return 0;
  crt = mbedtls_ssl_get_peer_cert((const mbedtls_ssl_context*)info->internals);
  if( !crt || !crt->raw.p ) return 0;
  mbedtls_sha256(crt->raw.p, crt->raw.len, sum, 0);
  for(i=0; i<32; i++) diff |= sum[i] ^ r->pin[i];
  return diff==0;
}

/*
** parsePin: the SHA-256 fingerprint TEXT (64 hex digits, optionally separated by colons) into
** OUT. Returns 0, or -1 when TEXT is not such a fingerprint.
*/
static int parsePin(const char *text, unsigned char out[32]){
  int n = 0, hi = -1;
  for(; *text; text++){
    int v;
    char c = *text;
    if( c==':' ) continue;
    if( c>='0' && c<='9' ) v = c-'0';
    else if( c>='a' && c<='f' ) v = c-'a'+10;
    else if( c>='A' && c<='F' ) v = c-'A'+10;
    else return -1;
    if( hi<0 ){ hi = v; continue; }
    if( n>=32 ) return -1;
    out[n++] = (unsigned char)(hi<<4 | v);
    hi = -1;
  }
  return n==32 && hi<0 ? 0 : -1;
}

/*
** preRequest: libcurl's pre-request callback, run before every transfer on the connection it
** got, new or reused from the pool: aborts the transfer when R may not reach the connected
** address PEER (a pooled connection opened by a request of another policy), or when R is pinned
** (-pin) and the server's certificate is not the pinned one (then nothing of R is sent).
*/
static int preRequest(void *clientp, char *peer, char *local, int peerPort, int localPort){
  Req *r = clientp;
  struct sockaddr_storage ss;
  (void)local; (void)peerPort; (void)localPort;
  memset(&ss, 0, sizeof ss);
  if( peer && inet_pton(AF_INET, peer, &((struct sockaddr_in*)&ss)->sin_addr)==1 ){
    ss.ss_family = AF_INET;
  }else if( peer && inet_pton(AF_INET6, peer, &((struct sockaddr_in6*)&ss)->sin6_addr)==1 ){
    ss.ss_family = AF_INET6;
  }else{
    ss.ss_family = AF_UNSPEC;              /* unknown: forbidden unless internal or proxied */
  }
  if( !mayReach(r, (struct sockaddr*)&ss) ) return CURL_PREREQFUNC_ABORT;
  if( r->hasPin && !pinMatches(r) ){ r->pinBad = 1; return CURL_PREREQFUNC_ABORT; }
  return CURL_PREREQFUNC_OK;
}

/* ---- request buffers ---- */

/*
** writeBody: libcurl's write callback: appends DATA to R's body, a byte-array Tcl_Obj written in
** place (so the body is copied once, from libcurl's buffer, and finishReq hands the object itself
** to the callback). Room is grown by doubling, starting at the Content-Length when the server sent
** one that fits -maxsize. Returns the bytes taken, or 0 (libcurl aborts) past -maxsize (sets
** R->tooBig).
*/
static size_t writeBody(char *data, size_t size, size_t n, void *userp){
  Req *r = userp;
  size_t add = size*n;
  if( r->len+add > (size_t)r->maxSize ){ r->tooBig = 1; return 0; }
  if( !r->body ){
    r->body = Tcl_NewByteArrayObj(NULL, 0);
    Tcl_IncrRefCount(r->body);
    r->cap = 0;
  }
  if( r->len+add > r->cap ){
    size_t cap = r->cap*2;
    if( !r->cap ){
      curl_off_t cl = -1;
      cap = 16384;
      if( curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl)==CURLE_OK
          && cl>0 && cl<=r->maxSize ) cap = (size_t)cl;
    }
    while( cap < r->len+add ) cap *= 2;
    if( cap > (size_t)r->maxSize ) cap = (size_t)r->maxSize;
    Tcl_SetByteArrayLength(r->body, (int)cap);
    r->cap = cap;
  }
  memcpy(Tcl_GetByteArrayFromObj(r->body, NULL)+r->len, data, add);
  r->len += add;
  return add;
}

static size_t writeHeader(char *data, size_t size, size_t n, void *userp){
  Req *r = userp;
  size_t len = size*n;
  char *colon;
  if( len>=5 && !memcmp(data, "HTTP/", 5) ){
    /* a new response (after a redirect or 100-continue): start the headers over */
    Tcl_DecrRefCount(r->respHeaders);
    r->respHeaders = Tcl_NewDictObj();
    Tcl_IncrRefCount(r->respHeaders);
    return len;
  }
  colon = memchr(data, ':', len);
  if( colon ){
    Tcl_Obj *name, *old;
    const char *v = colon+1, *end = data+len;
    int i, nlen = colon-data;
    char lname[128];
    if( nlen<=0 || nlen>=(int)sizeof lname ) return len;
    for(i=0; i<nlen; i++) lname[i] = (data[i]>='A' && data[i]<='Z') ? data[i]+32 : data[i];
    while( v<end && (*v==' ' || *v=='\t') ) v++;
    while( end>v && (end[-1]=='\r' || end[-1]=='\n' || end[-1]==' ') ) end--;
    name = Tcl_NewStringObj(lname, nlen);
    Tcl_IncrRefCount(name);
    if( Tcl_DictObjGet(NULL, r->respHeaders, name, &old)==TCL_OK && old ){
      Tcl_Obj *joined = Tcl_DuplicateObj(old);
      Tcl_AppendToObj(joined, ", ", 2);
      Tcl_AppendToObj(joined, v, end-v);
      Tcl_DictObjPut(NULL, r->respHeaders, name, joined);
    }else{
      Tcl_DictObjPut(NULL, r->respHeaders, name, Tcl_NewStringObj(v, end-v));
    }
    Tcl_DecrRefCount(name);
  }
  return len;
}

/* ---- hosts and the queue ---- */

static Host *hostFor(FetchState *st, const char *name){
  Host *h;
  for(h = st->hosts; h; h = h->next) if( !strcmp(h->name, name) ) return h;
  h = (Host*)ckalloc(sizeof(Host));
  h->name = dupStr(name);
  h->active = 0;
  h->nextAt = 0;
  h->next = st->hosts;
  st->hosts = h;
  return h;
}

/*
** takeEasy: an easy handle for a new transfer: one a finished transfer left in the pool (reset to
** libcurl's defaults), else a new one. Returns NULL when libcurl cannot make one.
*/
static CURL *takeEasy(FetchState *st){
  return st->nEasyPool>0 ? st->easyPool[--st->nEasyPool] : curl_easy_init();
}

/*
** dropEasy: E (no longer in the multi handle) is done with: reset to libcurl's defaults (every
** option and the last transfer's state gone) and kept in the pool, or freed when the pool is full.
*/
static void dropEasy(FetchState *st, CURL *e){
  if( st->nEasyPool<EASY_POOL ){
    curl_easy_reset(e);
    st->easyPool[st->nEasyPool++] = e;
  }else{
    curl_easy_cleanup(e);
  }
}

static void freeReq(Req *r){
  if( r->easy ) dropEasy(r->st, r->easy);
  if( r->hdrs ) curl_slist_free_all(r->hdrs);
  if( r->command ) Tcl_DecrRefCount(r->command);
  if( r->respHeaders ) Tcl_DecrRefCount(r->respHeaders);
  ckfree(r->url);
  if( r->etag ) ckfree(r->etag);
  if( r->lastmod ) ckfree(r->lastmod);
  if( r->cookies ) ckfree(r->cookies);
  if( r->proxy ) ckfree(r->proxy);
  if( r->internalHosts ) Tcl_DecrRefCount(r->internalHosts);
  if( r->method ) ckfree(r->method);
  if( r->postBody ) ckfree(r->postBody);
  if( r->body ) Tcl_DecrRefCount(r->body);
  ckfree((char*)r);
}

static void enqueue(FetchState *st, Req *r){
  r->next = NULL;
  if( st->pendTail ) st->pendTail->next = r; else st->pendHead = r;
  st->pendTail = r;
}

static void pump(FetchState *st);

static void pumpTimerProc(ClientData cd){
  FetchState *st = cd;
  st->pumpTimer = NULL;
  pump(st);
}

/* startReq: configure the easy handle for R and hand it to libcurl. Returns 0 or -1. */
static int startReq(FetchState *st, Req *r){
  CURL *e = takeEasy(st);
  if( !e ) return -1;
  r->easy = e;
  r->blocked = r->tooBig = r->pinBad = 0;
  r->len = 0;                          /* a retry writes the body over */
  if( r->respHeaders ) Tcl_DecrRefCount(r->respHeaders);
  r->respHeaders = Tcl_NewDictObj();
  Tcl_IncrRefCount(r->respHeaders);
  curl_easy_setopt(e, CURLOPT_URL, r->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, r);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)st->maxRedirs);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_USERAGENT, st->userAgent);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)r->timeoutMs);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)st->connectMs);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->maxSize);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  /* read up to 100 KB at a time, as the curl tool does (one read for most pages instead of
  ** several); the buffer is the multi handle's, one for all transfers */
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 102400L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, writeBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, writeHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, openSocket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, r);
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, preRequest);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, r);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
  if( st->caFile && *st->caFile ) curl_easy_setopt(e, CURLOPT_CAINFO, st->caFile);
  if( r->hasPin ){
    /* a peer box's self-signed certificate: no CA can vouch for it, the pin does (preRequest) */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  }
  if( r->proxy ) curl_easy_setopt(e, CURLOPT_PROXY, r->proxy);
  else curl_easy_setopt(e, CURLOPT_PROXY, "");            /* ignore *_proxy environment */
  if( r->cookies ) curl_easy_setopt(e, CURLOPT_COOKIE, r->cookies);
  if( r->method && !strcmp(r->method, "HEAD") ) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  if( r->method && !strcmp(r->method, "POST") ){
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)r->postLen);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->postBody ? r->postBody : "");
    curl_easy_setopt(e, CURLOPT_POSTREDIR, 0L);
  }
  r->startedAt = nowMs();
  if( curl_multi_add_handle(st->multi, e)!=CURLM_OK ){
    curl_easy_cleanup(e);
    r->easy = NULL;
    return -1;
  }
  st->nActive++;
  r->host->active++;
  return 0;
}

static void finishReq(FetchState *st, Req *r, CURLcode rc, const char *kindOverride);

/*
** pump: start queued requests while the global and per-host limits and delays allow; arm a timer
** for the earliest request that has to wait. Changes the queue and the active set.
*/
static void pump(FetchState *st){
  Tcl_WideInt now = nowMs(), wake = 0;
  Req *r, *prev = NULL, *next;
  for(r = st->pendHead; r; r = next){
    Tcl_WideInt at;
    next = r->next;
    if( st->nActive >= st->maxConns ) break;
    at = r->notBefore > r->host->nextAt ? r->notBefore : r->host->nextAt;
    if( r->host->active >= st->perHost ){ prev = r; continue; }
    if( at > now ){
      if( !wake || at < wake ) wake = at;
      prev = r;
      continue;
    }
    /* unlink and start */
    if( prev ) prev->next = next; else st->pendHead = next;
    if( st->pendTail==r ) st->pendTail = prev;
    r->next = NULL;
    r->host->nextAt = now + st->delayMs;
    if( startReq(st, r)!=0 ) finishReq(st, r, CURLE_OUT_OF_MEMORY, "other");
  }
  if( wake ){
    if( st->pumpTimer ) Tcl_DeleteTimerHandler(st->pumpTimer);
    st->pumpTimer = Tcl_CreateTimerHandler((int)(wake-now), pumpTimerProc, st);
  }
}

/* kindOf: the failure class of a finished transfer ("" when a response arrived). */
static const char *kindOf(Req *r, CURLcode rc){
  if( r->blocked ) return "blocked";
  if( r->pinBad ) return "pin";
  if( r->tooBig || rc==CURLE_FILESIZE_EXCEEDED ) return "toobig";
  switch( rc ){
    case CURLE_OK: return "";
    case CURLE_OPERATION_TIMEDOUT: return "timeout";
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: return "dns";
    case CURLE_COULDNT_CONNECT: return "connect";
    case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM: case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE:
      return "tls";
    case CURLE_TOO_MANY_REDIRECTS: return "redirects";
    case CURLE_UNSUPPORTED_PROTOCOL: case CURLE_URL_MALFORMAT: return "url";
    case CURLE_RECV_ERROR: case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: case CURLE_BAD_CONTENT_ENCODING: case CURLE_WEIRD_SERVER_REPLY:
      return "protocol";
    default: return "other";
  }
}

static void put(Tcl_Obj *d, const char *k, Tcl_Obj *v){
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), v);
}

/* putKey: D[the result key K] = V (the key object shared, not made anew). */
static void putKey(FetchState *st, Tcl_Obj *d, enum ResKey k, Tcl_Obj *v){
  Tcl_DictObjPut(NULL, d, st->keys[k], v);
}

/*
** finishReq: report R's outcome to its -command and free it. The dict holds: id, url, final_url,
** status (0 when no response), kind ("" or timeout/dns/connect/tls/blocked/toobig/redirects/url/
** protocol/other), error (libcurl's message), headers (dict), content_type, etag, last_modified,
** body (bytes), bytes, sha256 (hex of the body when asked with -hash 1, else empty), retry_after (seconds, or empty), attempts,
** time_ms, ip. A callback error is reported as a background error.
*/
static void finishReq(FetchState *st, Req *r, CURLcode rc, const char *kindOverride){
  Tcl_Interp *interp = st->interp;
  Tcl_Obj *d = Tcl_NewDictObj(), *cmd;
  long status = 0;
  char *eff = NULL, *ct = NULL, *ip = NULL;
  curl_off_t ra = 0;
  const char *kind = kindOverride ? kindOverride : kindOf(r, rc);
  unsigned char sum[32];
  char hex[65];
  int i;
  Tcl_Obj *v, *body;

  if( r->easy ){
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ct);
    curl_easy_getinfo(r->easy, CURLINFO_PRIMARY_IP, &ip);
    curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra);
  }
  if( *kind ) st->failed++; else st->completed++;
  st->bytes += r->len;
  /* the body object itself (its length cut to the bytes received), not a copy */
  if( r->body ){
    body = r->body;
    r->body = NULL;
    Tcl_SetByteArrayLength(body, (int)r->len);
  }else{
    body = Tcl_NewByteArrayObj(NULL, 0);
    Tcl_IncrRefCount(body);
  }
  hex[0] = 0;
  if( r->hash ){
    mbedtls_sha256(Tcl_GetByteArrayFromObj(body, NULL), r->len, sum, 0);
    for(i=0; i<32; i++) snprintf(hex+2*i, 3, "%02x", sum[i]);
  }
  putKey(st, d, K_ID, Tcl_NewIntObj(r->id));
  putKey(st, d, K_URL, Tcl_NewStringObj(r->url, -1));
  putKey(st, d, K_FINAL_URL, Tcl_NewStringObj(eff ? eff : r->url, -1));
  putKey(st, d, K_STATUS, Tcl_NewIntObj((int)status));
  putKey(st, d, K_KIND, Tcl_NewStringObj(kind, -1));
  putKey(st, d, K_ERROR, Tcl_NewStringObj(*kind ? (r->blocked ? "address not allowed for crawling"
                                            : r->pinBad ? "the server's certificate is not the pinned one"
                                            : curl_easy_strerror(rc)) : "", -1));
  putKey(st, d, K_HEADERS, r->respHeaders ? r->respHeaders : Tcl_NewDictObj());
  putKey(st, d, K_CONTENT_TYPE, Tcl_NewStringObj(ct ? ct : "", -1));
  /* the two validators, from the headers ("etag" is also the result's key) */
  v = NULL;
  if( r->respHeaders ) Tcl_DictObjGet(NULL, r->respHeaders, st->keys[K_ETAG], &v);
  putKey(st, d, K_ETAG, v ? v : Tcl_NewObj());
  v = NULL;
  if( r->respHeaders ) Tcl_DictObjGet(NULL, r->respHeaders, st->lastModKey, &v);
  putKey(st, d, K_LAST_MODIFIED, v ? v : Tcl_NewObj());
  putKey(st, d, K_BODY, body);
  Tcl_DecrRefCount(body);
  putKey(st, d, K_BYTES, Tcl_NewWideIntObj((Tcl_WideInt)r->len));
  putKey(st, d, K_SHA256, Tcl_NewStringObj(hex, -1));
  putKey(st, d, K_RETRY_AFTER, ra>0 ? Tcl_NewWideIntObj((Tcl_WideInt)ra) : Tcl_NewObj());
  putKey(st, d, K_ATTEMPTS, Tcl_NewIntObj(r->attempt+1));
  putKey(st, d, K_TIME_MS, Tcl_NewWideIntObj(r->startedAt ? nowMs()-r->startedAt : 0));
  putKey(st, d, K_IP, Tcl_NewStringObj(ip ? ip : "", -1));

  {
    Tcl_HashEntry *he = Tcl_FindHashEntry(&st->reqs, IDKEY(r->id));
    if( he ) Tcl_DeleteHashEntry(he);
  }
  cmd = Tcl_DuplicateObj(r->command);
  Tcl_IncrRefCount(cmd);
  freeReq(r);
  Tcl_ListObjAppendElement(NULL, cmd, d);
  Tcl_Preserve(interp);
  if( Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL)==TCL_ERROR ){
    Tcl_AddErrorInfo(interp, "\n    (fetch -command callback)");
    Tcl_BackgroundException(interp, TCL_ERROR);
  }
  Tcl_Release(interp);
  Tcl_DecrRefCount(cmd);
}

/*
** retryDelay: milliseconds to wait before retrying R, or -1 when it should not be retried.
** 429/503 honour Retry-After (given up past maxRetryAfter); timeouts and refused connections and
** 502/503/504/429 without Retry-After back off exponentially with jitter.
*/
static Tcl_WideInt retryDelay(FetchState *st, Req *r, CURLcode rc, long status, curl_off_t ra){
  const char *kind = kindOf(r, rc);
  int transient = !strcmp(kind, "timeout") || !strcmp(kind, "connect")
                  || status==429 || status==502 || status==503 || status==504;
  Tcl_WideInt ms;
  if( !transient || r->attempt >= r->retries ) return -1;
  if( (status==429 || status==503) && ra>0 ){
    if( ra > st->maxRetryAfter ) return -1;
    return (Tcl_WideInt)ra*1000;
  }
  ms = 1000LL << (r->attempt < 10 ? r->attempt : 10);
  return ms/2 + (Tcl_WideInt)(rand() % (int)ms);
}

/*
** checkDone: collect the transfers libcurl has finished: queue each again for a retry, or add it
** to the finished list (reportDone reports them). Changes the active set and the queues.
*/
static void checkDone(FetchState *st){
  CURLMsg *m;
  int left;
  while( (m = curl_multi_info_read(st->multi, &left)) ){
    Req *r;
    long status = 0;
    curl_off_t ra = 0;
    Tcl_WideInt delay;
    CURL *e = m->easy_handle;
    if( m->msg!=CURLMSG_DONE ) continue;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char**)&r);
    r->rc = m->data.result;
    curl_multi_remove_handle(st->multi, e);
    st->nActive--;
    r->host->active--;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra);
    delay = retryDelay(st, r, r->rc, status, ra);
    if( delay>=0 ){
      if( (status==429 || status==503) && ra>0 ) r->host->nextAt = nowMs() + delay;
      dropEasy(st, e);
      r->easy = NULL;
      r->attempt++;
      r->notBefore = nowMs() + delay;
      st->retried++;
      enqueue(st, r);
      continue;
    }
    /* reported later (reportDone): reporting runs Tcl, which may re-enter the engine */
    r->finished = 1;
    r->next = NULL;
    if( st->doneTail ) st->doneTail->next = r; else st->doneHead = r;
    st->doneTail = r;
  }
}

/*
** reportDone: report finished transfers (finishReq: their callbacks run) in order, at least one,
** until none is left or DEADLINE (monoMs) has passed. Returns 1 when some are left.
*/
static int reportDone(FetchState *st, Tcl_WideInt deadline){
  int n = 0;
  while( st->doneHead ){
    Req *r = st->doneHead;
    if( n++ && monoMs()>=deadline ) return 1;
    st->doneHead = r->next;
    if( !st->doneHead ) st->doneTail = NULL;
    r->next = NULL;
    finishReq(st, r, r->rc, NULL);
  }
  return 0;
}

/* ---- libcurl <-> Tcl event loop ----
**
** libcurl's sockets are kept in one epoll set; only that set's descriptor is registered with the
** Tcl notifier. Tcl 8.6's threaded notifier waits in a thread of its own (select() over every
** registered descriptor there, a condition variable here), so each wait of the event loop costs a
** select() and two thread wake-ups (even a wait of 0 ms), each of which may wait for a core on a
** loaded machine. With one socket per file handler that was a round per answer whenever answers
** did not pile up: 2,000 fetches one at a time took 0.25 s of CPU (0.09 now; curl 0.10). So when
** the set becomes readable, drain() serves whatever is ready now (epoll_wait without waiting, and
** libcurl's expired timeout: a transfer a callback starts begins at once, not on a 0 ms Tcl
** timer) and reports the finished transfers, until nothing is ready or DRAIN_BUDGET_MS have
** passed; then the rest of the event loop runs (timers, other channels, the fixture server of
** the tests in this same thread), and the finished transfers not yet reported wait for their turn
** (reportDone). It never blocks: waiting for answers in drain() itself (epoll_wait up to 2 ms)
** was measured too and was no faster (slower with one transfer at a time on a loaded machine).
*/

#define DRAIN_BUDGET_MS 20          /* longest time drain() serves transfers before yielding */
#define DRAIN_EVENTS 64             /* socket events taken from the epoll set at once */

/*
** drain: serve libcurl: the sockets the epoll set reports ready, and libcurl's timeout when it
** has expired (or FORCETIMEOUT), repeatedly while there is such work and the budget lasts; the
** finished transfers are reported (checkDone: runs their callbacks) after each round. Never waits.
*/
static void reportTimerProc(ClientData cd);

static void drain(FetchState *st, int forceTimeout){
  struct epoll_event ev[DRAIN_EVENTS];
  Tcl_WideInt start = monoMs();
  int running, more = 0;
  for(;;){
    int n = epoll_wait(st->epfd, ev, DRAIN_EVENTS, 0), i, timedOut;
    for(i = 0; i<n; i++){
      int m = 0;
      if( ev[i].events & (EPOLLIN|EPOLLHUP|EPOLLRDHUP) ) m |= CURL_CSELECT_IN;
      if( ev[i].events & EPOLLOUT ) m |= CURL_CSELECT_OUT;
      if( ev[i].events & EPOLLERR ) m |= CURL_CSELECT_ERR;
      curl_multi_socket_action(st->multi, ev[i].data.fd, m, &running);
    }
    timedOut = forceTimeout || (st->timerAt>=0 && st->timerAt<=monoMs());
    forceTimeout = 0;
    if( timedOut ){
      st->timerAt = -1;
      if( st->curlTimer ){ Tcl_DeleteTimerHandler(st->curlTimer); st->curlTimer = NULL; }
      curl_multi_socket_action(st->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    if( n<=0 && !timedOut && !st->doneHead ) break;
    checkDone(st);
    more = reportDone(st, start+DRAIN_BUDGET_MS);
    pump(st);
    if( more || monoMs()-start >= DRAIN_BUDGET_MS ) break;
  }
  /* finished transfers not yet reported: after the rest of the event loop has had its turn */
  if( st->doneHead && !st->reportTimer ) st->reportTimer = Tcl_CreateTimerHandler(0, reportTimerProc, st);
}

/* reportTimerProc: the Tcl timer that reports the finished transfers drain() left (and serves libcurl). */
static void reportTimerProc(ClientData cd){
  FetchState *st = cd;
  st->reportTimer = NULL;
  drain(st, 0);
}

/* epollReady: the Tcl file handler of the epoll set: a libcurl socket is ready. */
static void epollReady(ClientData cd, int mask){
  (void)mask;
  drain((FetchState*)cd, 0);
}

/* the socketp libcurl keeps for a socket in the epoll set (curl_multi_assign) */
static char inEpoll;

/*
** socketChanged: libcurl's socket callback: adds FD to the epoll set, changes the events it is
** watched for, or removes it. Returns 0.
*/
static int socketChanged(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp){
  FetchState *st = userp;
  struct epoll_event ev;
  (void)e;
  if( what==CURL_POLL_REMOVE ){
    /* (the socket may be closed already, which removed it: the error is expected then) */
    epoll_ctl(st->epfd, EPOLL_CTL_DEL, fd, NULL);
    curl_multi_assign(st->multi, fd, NULL);
    return 0;
  }
  memset(&ev, 0, sizeof ev);
  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
  ev.data.fd = fd;
  if( socketp ){
    epoll_ctl(st->epfd, EPOLL_CTL_MOD, fd, &ev);
  }else if( epoll_ctl(st->epfd, EPOLL_CTL_ADD, fd, &ev)==0 ){
    curl_multi_assign(st->multi, fd, &inEpoll);
  }
  return 0;
}

/* curlTimerProc: the Tcl timer of libcurl's timeout: lets libcurl act on it (and on what else is
** ready). */
static void curlTimerProc(ClientData cd){
  FetchState *st = cd;
  st->curlTimer = NULL;
  drain(st, 1);
}

/*
** timerChanged: libcurl's timer callback: libcurl wants to act in MS milliseconds (-1: no
** timeout). Remembers the deadline for drain() and arms a Tcl timer for when no socket event
** comes first. Returns 0.
*/
static int timerChanged(CURLM *multi, long ms, void *userp){
  FetchState *st = userp;
  (void)multi;
  if( st->curlTimer ){ Tcl_DeleteTimerHandler(st->curlTimer); st->curlTimer = NULL; }
  st->timerAt = ms>=0 ? monoMs()+ms : -1;
  if( ms>=0 ) st->curlTimer = Tcl_CreateTimerHandler((int)ms, curlTimerProc, st);
  return 0;
}

/* ---- state ---- */

static void deleteState(ClientData cd, Tcl_Interp *interp){
  FetchState *st = cd;
  int i;
  Tcl_HashSearch s;
  Tcl_HashEntry *he;
  Host *h, *hn;
  (void)interp;
  for(he = Tcl_FirstHashEntry(&st->reqs, &s); he; he = Tcl_NextHashEntry(&s)){
    Req *r = Tcl_GetHashValue(he);
    if( r->easy ) curl_multi_remove_handle(st->multi, r->easy);
    freeReq(r);
  }
  Tcl_DeleteHashTable(&st->reqs);
  while( st->nEasyPool>0 ) curl_easy_cleanup(st->easyPool[--st->nEasyPool]);
  for(i = 0; i<K_COUNT; i++) Tcl_DecrRefCount(st->keys[i]);
  Tcl_DecrRefCount(st->lastModKey);
  if( st->curlTimer ) Tcl_DeleteTimerHandler(st->curlTimer);
  if( st->pumpTimer ) Tcl_DeleteTimerHandler(st->pumpTimer);
  if( st->reportTimer ) Tcl_DeleteTimerHandler(st->reportTimer);
  curl_multi_cleanup(st->multi);
  if( st->epfd>=0 ){ Tcl_DeleteFileHandler(st->epfd); close(st->epfd); }
  for(h = st->hosts; h; h = hn){ hn = h->next; ckfree(h->name); ckfree((char*)h); }
  ckfree(st->userAgent);
  if( st->caFile ) ckfree(st->caFile);
  ckfree((char*)st);
}

/* getState: the interpreter's fetch engine, created on first use; NULL when it cannot be (no file
** descriptor left for its epoll set). */
static FetchState *getState(Tcl_Interp *interp){
  FetchState *st = Tcl_GetAssocData(interp, "yqbox-fetch", NULL);
  static int global;
  int i;
  if( st ) return st;
  if( !global ){ curl_global_init(CURL_GLOBAL_DEFAULT); global = 1; }
  st = (FetchState*)ckalloc(sizeof(FetchState));
  memset(st, 0, sizeof *st);
  st->interp = interp;
  st->multi = curl_multi_init();
  st->timerAt = -1;
  st->epfd = epoll_create1(EPOLL_CLOEXEC);
  if( st->epfd<0 ){
    curl_multi_cleanup(st->multi);
    ckfree((char*)st);
    return NULL;
  }
  Tcl_CreateFileHandler(st->epfd, TCL_READABLE, epollReady, st);
  curl_multi_setopt(st->multi, CURLMOPT_SOCKETFUNCTION, socketChanged);
  curl_multi_setopt(st->multi, CURLMOPT_SOCKETDATA, st);
  curl_multi_setopt(st->multi, CURLMOPT_TIMERFUNCTION, timerChanged);
  curl_multi_setopt(st->multi, CURLMOPT_TIMERDATA, st);
  Tcl_InitHashTable(&st->reqs, TCL_ONE_WORD_KEYS);
  for(i = 0; i<K_COUNT; i++){
    st->keys[i] = Tcl_NewStringObj(resKeys[i], -1);
    Tcl_IncrRefCount(st->keys[i]);
  }
  st->lastModKey = Tcl_NewStringObj("last-modified", -1);
  Tcl_IncrRefCount(st->lastModKey);
  st->userAgent = dupStr("yqbox/" YQBOX_VERSION);
  st->caFile = NULL;
  st->maxConns = 32;
  st->perHost = 2;
  st->delayMs = 1000;
  st->maxSize = 8*1024*1024;
  st->timeoutMs = 30000;
  st->connectMs = 10000;
  st->maxRedirs = 5;
  st->retries = 2;
  st->maxRetryAfter = 600;
  Tcl_SetAssocData(interp, "yqbox-fetch", deleteState, st);
  return st;
}

/* ---- the Tcl command ---- */

/* the options of `fetch configure`: two strings, then the integers in FetchState's order */
static const char *const cfgOpts[] = {"-useragent", "-cafile", "-maxconns", "-perhost", "-delay",
  "-maxsize", "-timeout", "-connecttimeout", "-maxredirs", "-retries", "-maxretryafter", NULL};
enum FetchCfgOpt { CFG_USERAGENT, CFG_CAFILE, CFG_MAXCONNS, CFG_PERHOST, CFG_DELAY, CFG_MAXSIZE,
                   CFG_TIMEOUT, CFG_CONNECTTIMEOUT, CFG_MAXREDIRS, CFG_RETRIES, CFG_MAXRETRYAFTER };
#define CFG_NINT (CFG_MAXRETRYAFTER - CFG_MAXCONNS + 1)

/* configReport: the engine's settings as a dict. */
static Tcl_Obj *configReport(FetchState *st){
  Tcl_Obj *d = Tcl_NewDictObj();
  int vals[] = {st->maxConns, st->perHost, st->delayMs, st->maxSize, st->timeoutMs, st->connectMs,
                st->maxRedirs, st->retries, st->maxRetryAfter};
  int i;
  put(d, "-useragent", Tcl_NewStringObj(st->userAgent, -1));
  put(d, "-cafile", Tcl_NewStringObj(st->caFile ? st->caFile : "", -1));
  for(i=0; i<CFG_NINT; i++) put(d, cfgOpts[i+CFG_MAXCONNS], Tcl_NewIntObj(vals[i]));
  return d;
}

/* configure: "fetch configure ?-option value ...?"; validates all before changing any. */
static int configure(Tcl_Interp *interp, FetchState *st, int objc, Tcl_Obj *const objv[]){
  int i, idx, vals[CFG_NINT];
  int *fields[] = {&st->maxConns, &st->perHost, &st->delayMs, &st->maxSize, &st->timeoutMs,
                   &st->connectMs, &st->maxRedirs, &st->retries, &st->maxRetryAfter};
  static const int mins[] = {1, 1, 0, 1024, 100, 100, 0, 0, 0};
  if( objc==2 ){ Tcl_SetObjResult(interp, configReport(st)); return TCL_OK; }
  if( objc%2 ){ Tcl_WrongNumArgs(interp, 2, objv, "?-option value ...?"); return TCL_ERROR; }
  for(i=0; i<CFG_NINT; i++) vals[i] = *fields[i];
  for(i=2; i<objc; i+=2){
    if( Tcl_GetIndexFromObj(interp, objv[i], cfgOpts, "option", 0, &idx)!=TCL_OK ) return TCL_ERROR;
    if( idx>=CFG_MAXCONNS ){
      int k = idx - CFG_MAXCONNS;
      if( Tcl_GetIntFromObj(interp, objv[i+1], &vals[k])!=TCL_OK ) return TCL_ERROR;
      if( vals[k] < mins[k] ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s must be at least %d", cfgOpts[idx], mins[k]));
        return TCL_ERROR;
      }
    }
  }
  for(i=2; i<objc; i+=2){
    Tcl_GetIndexFromObj(NULL, objv[i], cfgOpts, "option", 0, &idx);
    if( idx==CFG_USERAGENT ){ ckfree(st->userAgent); st->userAgent = dupStr(Tcl_GetString(objv[i+1])); }
    if( idx==CFG_CAFILE ){ if( st->caFile ) ckfree(st->caFile); st->caFile = dupStr(Tcl_GetString(objv[i+1])); }
  }
  for(i=0; i<CFG_NINT; i++) *fields[i] = vals[i];
  Tcl_SetObjResult(interp, configReport(st));
  pump(st);
  return TCL_OK;
}

/* the options of `fetch get` */
static const char *const getOpts[] = {"-command", "-headers", "-etag", "-lastmodified", "-cookies",
  "-proxy", "-internal", "-retries", "-timeout", "-maxsize", "-method", "-body", "-hash", "-pin", NULL};
enum FetchGetOpt { GET_COMMAND, GET_HEADERS, GET_ETAG, GET_LASTMODIFIED, GET_COOKIES, GET_PROXY,
                   GET_INTERNAL, GET_RETRIES, GET_TIMEOUT, GET_MAXSIZE, GET_METHOD, GET_BODY, GET_HASH,
                   GET_PIN };
/* the methods `fetch get -method` allows */
static const char *const getMethods[] = {"GET", "HEAD", "POST", NULL};

/*
** get: "fetch get URL ?-option value ...? -command CMD" queues a request; returns its id.
** Errors (nothing queued) for a URL that is not absolute http/https or bad options.
*/
static int getCmd(Tcl_Interp *interp, FetchState *st, int objc, Tcl_Obj *const objv[]){
  CURLU *u;
  char *host = NULL;
  Req *r;
  int i, idx, isNew;
  Tcl_Obj *command = NULL;
  if( objc<3 || objc%2==0 ){
    Tcl_WrongNumArgs(interp, 2, objv, "URL ?-option value ...? -command CMD");
    return TCL_ERROR;
  }
  u = curl_url();
  if( curl_url_set(u, CURLUPART_URL, Tcl_GetString(objv[2]), CURLU_NON_SUPPORT_SCHEME)!=CURLUE_OK
      || curl_url_get(u, CURLUPART_HOST, &host, 0)!=CURLUE_OK ){
    curl_url_cleanup(u);
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("invalid URL \"%s\"", Tcl_GetString(objv[2])));
    return TCL_ERROR;
  }
  {
    char *scheme = NULL;
    int ok = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)==CURLUE_OK
             && (!strcmp(scheme, "http") || !strcmp(scheme, "https"));
    curl_free(scheme);
    curl_url_cleanup(u);
    if( !ok ){
      curl_free(host);
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("only http and https URLs can be fetched: \"%s\"",
                                             Tcl_GetString(objv[2])));
      return TCL_ERROR;
    }
  }
  r = (Req*)ckalloc(sizeof(Req));
  memset(r, 0, sizeof *r);
  r->st = st;
  r->url = dupStr(Tcl_GetString(objv[2]));
  r->retries = st->retries;
  r->timeoutMs = st->timeoutMs;
  r->maxSize = st->maxSize;
  for(i=3; i<objc; i+=2){
    const char *v = Tcl_GetString(objv[i+1]);
    if( Tcl_GetIndexFromObj(interp, objv[i], getOpts, "option", 0, &idx)!=TCL_OK ) goto bad;
    switch( (enum FetchGetOpt)idx ){
      case GET_COMMAND: command = objv[i+1]; break;
      case GET_HEADERS: {
        Tcl_Obj **kv;
        int n, j;
        if( Tcl_ListObjGetElements(interp, objv[i+1], &n, &kv)!=TCL_OK ) goto bad;
        if( n%2 ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("-headers needs name value pairs", -1)); goto bad; }
        for(j=0; j<n; j+=2){
          Tcl_Obj *line = Tcl_ObjPrintf("%s: %s", Tcl_GetString(kv[j]), Tcl_GetString(kv[j+1]));
          if( strpbrk(Tcl_GetString(line), "\r\n") ){
            Tcl_DecrRefCount(line);
            Tcl_SetObjResult(interp, Tcl_NewStringObj("header contains a line break", -1));
            goto bad;
          }
          r->hdrs = curl_slist_append(r->hdrs, Tcl_GetString(line));
          Tcl_DecrRefCount(line);
        }
        break;
      }
      case GET_ETAG: if( *v ){ r->etag = dupStr(v); } break;
      case GET_LASTMODIFIED: if( *v ){ r->lastmod = dupStr(v); } break;
      case GET_COOKIES: if( *v ){ r->cookies = dupStr(v); } break;
      case GET_PROXY: if( *v ){ r->proxy = dupStr(v); } break;
      case GET_INTERNAL: {
        /* a boolean (every host), or the host names allowed private addresses */
        int n, j;
        Tcl_Obj **hv, *low;
        if( Tcl_GetBooleanFromObj(NULL, objv[i+1], &r->internal)==TCL_OK ) break;
        r->internal = 0;
        if( Tcl_ListObjGetElements(interp, objv[i+1], &n, &hv)!=TCL_OK ) goto bad;
        low = Tcl_NewListObj(0, NULL);
        for(j = 0; j<n; j++){
          Tcl_Obj *h = Tcl_DuplicateObj(hv[j]);
          Tcl_SetObjLength(h, Tcl_UtfToLower(Tcl_GetString(h)));
          Tcl_ListObjAppendElement(NULL, low, h);
        }
        if( r->internalHosts ) Tcl_DecrRefCount(r->internalHosts);
        r->internalHosts = low;
        Tcl_IncrRefCount(low);
        break;
      }
      case GET_RETRIES: if( Tcl_GetIntFromObj(interp, objv[i+1], &r->retries)!=TCL_OK ) goto bad; break;
      case GET_TIMEOUT: if( Tcl_GetIntFromObj(interp, objv[i+1], &r->timeoutMs)!=TCL_OK ) goto bad; break;
      case GET_MAXSIZE: if( Tcl_GetIntFromObj(interp, objv[i+1], &r->maxSize)!=TCL_OK ) goto bad; break;
      case GET_METHOD: {
        int m;
        if( Tcl_GetIndexFromObj(interp, objv[i+1], getMethods, "method", TCL_EXACT, &m)!=TCL_OK ) goto bad;
        if( r->method ) ckfree(r->method);
        r->method = dupStr(getMethods[m]);
        break;
      }
      case GET_BODY: {
        int n;
        const unsigned char *b = Tcl_GetByteArrayFromObj(objv[i+1], &n);
        r->postBody = ckalloc(n+1);
        memcpy(r->postBody, b, n);
        r->postLen = n;
        break;
      }
      case GET_HASH: if( Tcl_GetBooleanFromObj(interp, objv[i+1], &r->hash)!=TCL_OK ) goto bad; break;
      case GET_PIN:
        if( parsePin(v, r->pin)!=0 ){
          Tcl_SetObjResult(interp, Tcl_ObjPrintf("-pin needs a SHA-256 fingerprint (64 hex digits): \"%s\"", v));
          goto bad;
        }
        r->hasPin = 1;
        break;
    }
  }
  if( !command ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("-command is required", -1)); goto bad; }
  if( r->etag ){
    Tcl_Obj *l = Tcl_ObjPrintf("If-None-Match: %s", r->etag);
    r->hdrs = curl_slist_append(r->hdrs, Tcl_GetString(l));
    Tcl_DecrRefCount(l);
  }
  if( r->lastmod ){
    Tcl_Obj *l = Tcl_ObjPrintf("If-Modified-Since: %s", r->lastmod);
    r->hdrs = curl_slist_append(r->hdrs, Tcl_GetString(l));
    Tcl_DecrRefCount(l);
  }
  r->command = command;
  Tcl_IncrRefCount(command);
  r->host = hostFor(st, host);
  curl_free(host);
  r->id = ++st->nextId;
  Tcl_SetHashValue(Tcl_CreateHashEntry(&st->reqs, IDKEY(r->id), &isNew), r);
  enqueue(st, r);
  pump(st);
  Tcl_SetObjResult(interp, Tcl_NewIntObj(r->id));
  return TCL_OK;
bad:
  curl_free(host);
  r->command = NULL;
  freeReq(r);
  return TCL_ERROR;
}

/* cancel: "fetch cancel ID" drops a queued or running request (no callback); returns 1 if found. */
static int cancelCmd(Tcl_Interp *interp, FetchState *st, Tcl_Obj *idObj){
  int id;
  Tcl_HashEntry *he;
  Req *r, *p, *prev = NULL;
  if( Tcl_GetIntFromObj(interp, idObj, &id)!=TCL_OK ) return TCL_ERROR;
  he = Tcl_FindHashEntry(&st->reqs, IDKEY(id));
  if( !he ){ Tcl_SetObjResult(interp, Tcl_NewIntObj(0)); return TCL_OK; }
  r = Tcl_GetHashValue(he);
  Tcl_DeleteHashEntry(he);
  if( r->finished ){
    /* out of libcurl already, in the finished list */
    for(p = st->doneHead; p && p!=r; p = p->next) prev = p;
    if( p ){
      if( prev ) prev->next = r->next; else st->doneHead = r->next;
      if( st->doneTail==r ) st->doneTail = prev;
    }
  }else if( r->easy ){
    curl_multi_remove_handle(st->multi, r->easy);
    st->nActive--;
    r->host->active--;
  }else{
    for(p = st->pendHead; p && p!=r; p = p->next) prev = p;
    if( p ){
      if( prev ) prev->next = r->next; else st->pendHead = r->next;
      if( st->pendTail==r ) st->pendTail = prev;
    }
  }
  freeReq(r);
  pump(st);
  Tcl_SetObjResult(interp, Tcl_NewIntObj(1));
  return TCL_OK;
}

/* stats: "fetch stats" → dict active queued completed failed retried bytes hosts. */
static Tcl_Obj *stats(FetchState *st){
  Tcl_Obj *d = Tcl_NewDictObj(), *hosts = Tcl_NewDictObj();
  Host *h;
  int queued = 0;
  Req *r;
  for(r = st->pendHead; r; r = r->next) queued++;
  for(h = st->hosts; h; h = h->next) put(hosts, h->name, Tcl_NewIntObj(h->active));
  put(d, "active", Tcl_NewIntObj(st->nActive));
  put(d, "queued", Tcl_NewIntObj(queued));
  put(d, "completed", Tcl_NewWideIntObj(st->completed));
  put(d, "failed", Tcl_NewWideIntObj(st->failed));
  put(d, "retried", Tcl_NewWideIntObj(st->retried));
  put(d, "bytes", Tcl_NewWideIntObj(st->bytes));
  put(d, "hosts", hosts);
  return d;
}

/*
** FetchCmd: "fetch get|configure|cancel|stats|forbidden ...". `fetch forbidden IP` tells whether
** the crawler would refuse to connect to that address (for diagnostics and tests).
*/
int FetchCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"get", "configure", "cancel", "stats", "forbidden", NULL};
  enum FetchSub { FETCH_GET, FETCH_CONFIGURE, FETCH_CANCEL, FETCH_STATS, FETCH_FORBIDDEN };
  FetchState *st;
  int idx;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx==FETCH_FORBIDDEN ){
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    const char *ip;
    if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "IP"); return TCL_ERROR; }
    ip = Tcl_GetString(objv[2]);
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if( inet_pton(AF_INET, ip, &a4.sin_addr)==1 ){
      a4.sin_family = AF_INET;
      Tcl_SetObjResult(interp, Tcl_NewBooleanObj(YqAddrForbidden((struct sockaddr*)&a4)));
    }else if( inet_pton(AF_INET6, ip, &a6.sin6_addr)==1 ){
      a6.sin6_family = AF_INET6;
      Tcl_SetObjResult(interp, Tcl_NewBooleanObj(YqAddrForbidden((struct sockaddr*)&a6)));
    }else{
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("not an IP address: \"%s\"", ip));
      return TCL_ERROR;
    }
    return TCL_OK;
  }
  st = getState(interp);
  if( !st ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("fetch: cannot start the engine: %s", Tcl_ErrnoMsg(errno)));
    return TCL_ERROR;
  }
  switch( (enum FetchSub)idx ){
    case FETCH_GET: return getCmd(interp, st, objc, objv);
    case FETCH_CONFIGURE: return configure(interp, st, objc, objv);
    case FETCH_CANCEL:
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "ID"); return TCL_ERROR; }
      return cancelCmd(interp, st, objv[2]);
    case FETCH_STATS:
      if( objc!=2 ){ Tcl_WrongNumArgs(interp, 2, objv, NULL); return TCL_ERROR; }
      Tcl_SetObjResult(interp, stats(st));
      return TCL_OK;
    case FETCH_FORBIDDEN:
      break;
  }
  return TCL_OK;
}
