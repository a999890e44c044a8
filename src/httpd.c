/*
** httpd.c - the driver thread of `yqbox serve`: every socket, HTTP/1.1 and TLS, in C.
**
** One thread runs an epoll loop over the listening sockets (https, optional plain http, the
** control socket DATADIR/control.sock), the accepted connections, a self-pipe for signals and an
** eventfd on which the Tcl threads (server.c) hand back finished jobs. Each connection is a small
** state machine: TLS handshake -> read a request head (http.c parses it under the configured
** limits) -> read its body (Content-Length or chunked, "100 Continue" when asked) -> answer it
** from memory (the response cache, static files of webroot/) or pass it as a job to the worker
** pool and wait (also /metrics, for loopback peers only: its Tcl route adds the background jobs
** to the driver's counters, HttpdMetrics) -> write the response -> next request (keep-alive; pipelined requests
** are answered one after another, in order). Malformed or over-limit requests get their exact
** 4xx status and the connection is closed; a once-a-second sweep enforces the header-read, body,
** idle and write timeouts, so slow clients cost a few hundred bytes each and never a worker.
**
** The driver never runs Tcl and the workers never touch a socket. Static files (the embedded
** webroot/, or the checkout's with --dev) are loaded at start and on reload with their MIME type,
** ETag and a gzip variant precomputed. The response cache holds responses a handler marked with
** `cacheable NAME`, keyed by request target, until `cache invalidate NAME`; a generation counter
** keeps a response rendered before an invalidation out of the cache. Every response carries the
** security headers (HSTS, nosniff, CSP, Referrer-Policy, frame-ancestors).
**
** Logs: one access-log line per response, buffered and written once per loop turn:
**   TIME PEER "METHOD TARGET HTTP/1.x" STATUS BYTES MILLISECONDS SCHEME
** e.g. 2025-01-02T03:04:05Z 127.0.0.1 "GET /healthz HTTP/1.1" 200 3 0.412 https (TIME in UTC;
** BYTES counts the body; "-" stands for a request whose line could not be parsed). Errors go to
** stderr through YqLog(): TIME LEVEL message.
*/
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <mbedtls/ssl.h>
#include <mbedtls/net_sockets.h>
#include <zlib.h>
#include "yqbox.h"

/* ---------------------------------------------------------------------------------------------
** Configuration, set from Tcl (server configure) in any thread, copied by the driver.
*/
static pthread_mutex_t confMutex = PTHREAD_MUTEX_INITIALIZER;
static HttpdConf sharedConf = {
  {8192, 16384, 1048576, 100}, 20000, 10.0, 30.0, 60.0, 10.0, 0, 64<<20
};
static int confChanged = 1;
static HttpdConf cf;          /* the driver's copy */

/* HttpdConfigure: replace the driver's settings with *C (takes effect on its next loop turn). */
void HttpdConfigure(const HttpdConf *c){
  pthread_mutex_lock(&confMutex);
  sharedConf = *c;
  if( sharedConf.lim.maxHeaders>HTTP_MAX_HEADERS ) sharedConf.lim.maxHeaders = HTTP_MAX_HEADERS;
  confChanged = 1;
  pthread_mutex_unlock(&confMutex);
}

/* HttpdGetConf: copy the current settings into *C. */
void HttpdGetConf(HttpdConf *c){
  pthread_mutex_lock(&confMutex);
  *c = sharedConf;
  pthread_mutex_unlock(&confMutex);
}

/* ---------------------------------------------------------------------------------------------
** Time, dates and metrics
*/
static double nowMono(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec/1e9;
}

static char dateStr[40];      /* "Date" value for the current second */
static time_t dateSec = -1;
static time_t startTime;

/* httpDate: format T as an IMF-fixdate into BUF (>= 30 bytes). */
static void httpDate(time_t t, char *buf){
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* parseHttpDate: T for an IMF-fixdate, or -1. */
static time_t parseHttpDate(const char *s, size_t len){
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

static void updateDate(void){
  time_t t = time(0);
  if( t!=dateSec ){ dateSec = t; httpDate(t, dateStr); }
}

#define NBUCKET 14
static const double bucketLe[NBUCKET] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
};
/* Counters: written by the driver thread only; readers in other threads may see them a little
** stale, never torn (aligned 64-bit words). */
static struct {
  unsigned long long accepted, rejected, requests, byStatus[600], hist[NBUCKET+1];
  unsigned long long handshakes, handshakeFails, cacheHits, staticHits, dynamic, bytesOut;
  unsigned long long timeouts, malformed;
  double latencySum;
  long open, openTls, waiting;
} st;

/* ---------------------------------------------------------------------------------------------
** Static files
*/
typedef struct StaticFile {
  char *path;                 /* URL path, e.g. /css/yqbox.css */
  const char *data; size_t len;
  char *gz; size_t gzLen;     /* gzip variant or NULL */
  const char *mime;
  char etag[24];
  char lastmod[32];
  time_t mtime;
  int owned;                  /* data was read from disk (free it) */
} StaticFile;
typedef struct StaticTable {
  int refs;
  int n;
  StaticFile *f;              /* sorted by path */
} StaticTable;
static pthread_mutex_t staticMutex = PTHREAD_MUTEX_INITIALIZER;
static StaticTable *statics;

static const struct { const char *ext, *mime; int compress; } mimeTypes[] = {
  {"html", "text/html; charset=utf-8", 1}, {"htm", "text/html; charset=utf-8", 1},
  {"css", "text/css; charset=utf-8", 1}, {"js", "text/javascript; charset=utf-8", 1},
  {"mjs", "text/javascript; charset=utf-8", 1}, {"json", "application/json", 1},
  {"txt", "text/plain; charset=utf-8", 1}, {"xml", "application/xml", 1},
  {"svg", "image/svg+xml", 1}, {"map", "application/json", 1}, {"ico", "image/x-icon", 1},
  {"png", "image/png", 0}, {"jpg", "image/jpeg", 0}, {"jpeg", "image/jpeg", 0},
  {"gif", "image/gif", 0}, {"webp", "image/webp", 0}, {"woff", "font/woff", 0},
  {"woff2", "font/woff2", 0}, {"pdf", "application/pdf", 0}, {0, 0, 0}
};

/* mimeOf: the MIME type for PATH's extension; *COMPRESS says whether gzip is worth trying. */
static const char *mimeOf(const char *path, int *compress){
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  int i;
  *compress = 0;
  if( dot && (!slash || dot>slash) ){
    for(i=0; mimeTypes[i].ext; i++){
      if( strcasecmp(dot+1, mimeTypes[i].ext)==0 ){
        *compress = mimeTypes[i].compress;
        return mimeTypes[i].mime;
      }
    }
  }
  return "application/octet-stream";
}

/* fnv64: the 64-bit FNV-1a hash of LEN bytes at P (ETags). */
static unsigned long long fnv64(const char *p, size_t len){
  unsigned long long h = 1469598103934665603ULL;
  size_t i;
  for(i=0; i<len; i++){ h ^= (unsigned char)p[i]; h *= 1099511628211ULL; }
  return h;
}

/*
** gzipOf: compress LEN bytes at DATA as a gzip stream at LEVEL. Returns a malloc'ed buffer with
** its size in *OUTLEN, or NULL when compression does not save at least 10% (or fails).
*/
static char *gzipOf(const char *data, size_t len, int level, size_t *outLen){
  z_stream z;
  size_t cap = len + len/1000 + 64;
  char *out;
  if( len<256 ) return 0;
  out = malloc(cap);
  if( !out ) return 0;
  memset(&z, 0, sizeof z);
  if( deflateInit2(&z, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY)!=Z_OK ){ free(out); return 0; }
  z.next_in = (Bytef*)data; z.avail_in = len;
  z.next_out = (Bytef*)out; z.avail_out = cap;
  if( deflate(&z, Z_FINISH)!=Z_STREAM_END || z.total_out > len*9/10 ){
    deflateEnd(&z); free(out); return 0;
  }
  *outLen = z.total_out;
  deflateEnd(&z);
  return out;
}

/* YqGzip: gzipOf for the workers (server.c). */
char *YqGzip(const char *data, size_t len, size_t *outLen){
  return gzipOf(data, len, 6, outLen);
}

static int staticCmp(const void *a, const void *b){
  return strcmp(((const StaticFile*)a)->path, ((const StaticFile*)b)->path);
}

/* staticAdd: append a file to T (grows T->f). Returns 0 or -1 when out of memory. */
static int staticAdd(StaticTable *t, int *cap, const char *urlPath, const char *data, size_t len,
                     time_t mtime, int owned){
  StaticFile *f;
  int compress;
  if( t->n==*cap ){
    int nc = *cap ? *cap*2 : 64;
    StaticFile *nf = realloc(t->f, nc*sizeof *nf);
    if( !nf ) return -1;
    t->f = nf; *cap = nc;
  }
  f = &t->f[t->n++];
  memset(f, 0, sizeof *f);
  f->path = strdup(urlPath);
  f->data = data; f->len = len; f->owned = owned; f->mtime = mtime;
  f->mime = mimeOf(urlPath, &compress);
  snprintf(f->etag, sizeof f->etag, "\"%016llx\"", fnv64(data, len));
  httpDate(mtime, f->lastmod);
  if( compress ) f->gz = gzipOf(data, len, 9, &f->gzLen);
  return 0;
}

/* staticWalk: add every regular file below DIR (URL prefix PREFIX) to T. Returns 0 or -1. */
static int staticWalk(StaticTable *t, int *cap, const char *dir, const char *prefix, char *err, size_t n){
  DIR *d = opendir(dir);
  struct dirent *e;
  if( !d ){ snprintf(err, n, "cannot read %s: %s", dir, strerror(errno)); return -1; }
  while( (e = readdir(d))!=0 ){
    char path[4096], url[4096];
    struct stat sb;
    if( e->d_name[0]=='.' ) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(url, sizeof url, "%s/%s", prefix, e->d_name);
    if( stat(path, &sb)!=0 ) continue;
    if( S_ISDIR(sb.st_mode) ){
      if( staticWalk(t, cap, path, url, err, n) ){ closedir(d); return -1; }
    }else if( S_ISREG(sb.st_mode) ){
      char *data = malloc(sb.st_size+1);
      FILE *fp = fopen(path, "rb");
      if( !data || !fp || fread(data, 1, sb.st_size, fp)!=(size_t)sb.st_size ){
        snprintf(err, n, "cannot read %s", path);
        free(data); if( fp ) fclose(fp); closedir(d);
        return -1;
      }
      fclose(fp);
      if( staticAdd(t, cap, url, data, sb.st_size, sb.st_mtime, 1) ){ closedir(d); return -1; }
    }
  }
  closedir(d);
  return 0;
}

static void staticUnref(StaticTable *t){
  int i;
  if( !t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL)>0 ) return;
  for(i=0; i<t->n; i++){
    free(t->f[i].path);
    free(t->f[i].gz);
    if( t->f[i].owned ) free((char*)t->f[i].data);
  }
  free(t->f);
  free(t);
}

/*
** HttpdStaticLoad: (re)build the static file table from the embedded webroot/, or from
** DEVDIR/webroot when DEVDIR is not NULL, and make it current. Returns the number of files, or -1
** with ERR set (the previous table stays).
*/
int HttpdStaticLoad(const char *devdir, char *err, size_t n){
  StaticTable *t = calloc(1, sizeof *t), *old;
  int cap = 0, i;
  if( !t ){ snprintf(err, n, "out of memory"); return -1; }
  t->refs = 1;
  if( devdir ){
    char dir[4096];
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/webroot", devdir);
    if( stat(dir, &sb)==0 && staticWalk(t, &cap, dir, "", err, n) ){ staticUnref(t); return -1; }
  }else{
    for(i=0; i<yqEmbeddedCount; i++){
      const VfsFile *f = &yqEmbedded[i];
      char url[4096];
      if( !f->data || strncmp(f->path, "webroot/", 8)!=0 ) continue;
      snprintf(url, sizeof url, "/%s", f->path+8);
      if( staticAdd(t, &cap, url, f->data, f->size, startTime ? startTime : time(0), 0) ){
        snprintf(err, n, "out of memory"); staticUnref(t); return -1;
      }
    }
  }
  qsort(t->f, t->n, sizeof *t->f, staticCmp);
  pthread_mutex_lock(&staticMutex);
  old = statics;
  statics = t;
  pthread_mutex_unlock(&staticMutex);
  staticUnref(old);
  return t->n;
}

/* staticFind: the file for decoded URL path PATH in T, or NULL. */
static StaticFile *staticFind(StaticTable *t, const char *path){
  int lo = 0, hi = t ? t->n-1 : -1;
  while( lo<=hi ){
    int mid = (lo+hi)/2, c = strcmp(t->f[mid].path, path);
    if( c==0 ) return &t->f[mid];
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return 0;
}

/* ---------------------------------------------------------------------------------------------
** Response cache
*/
typedef struct CacheEntry {
  int refs;
  struct CacheEntry *next;    /* hash chain */
  char *key;                  /* request target */
  char *name;                 /* cacheable NAME */
  char *head; size_t headLen; /* handler's header lines */
  char *body; size_t len;
  char *gz; size_t gzLen;
  char etag[24];
  char lastmod[32];
} CacheEntry;
#define CACHE_BUCKETS 4096
static pthread_mutex_t cacheMutex = PTHREAD_MUTEX_INITIALIZER;
static CacheEntry *cacheTab[CACHE_BUCKETS];
static size_t cacheBytes;
static int cacheCount;
static unsigned cacheGen;     /* bumped by every invalidation */

static void cacheUnref(CacheEntry *e){
  if( !e || __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL)>0 ) return;
  free(e->key); free(e->name); free(e->head); free(e->body); free(e->gz); free(e);
}

/* cacheFind: the entry for target KEY with a reference taken, or NULL. */
static CacheEntry *cacheFind(const char *key, size_t klen){
  CacheEntry *e;
  unsigned h = (unsigned)fnv64(key, klen) % CACHE_BUCKETS;
  pthread_mutex_lock(&cacheMutex);
  for(e=cacheTab[h]; e; e=e->next){
    if( strlen(e->key)==klen && memcmp(e->key, key, klen)==0 ){
      __atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
      break;
    }
  }
  pthread_mutex_unlock(&cacheMutex);
  return e;
}

/*
** cacheStore: enter job J's response under its target unless an invalidation happened since it was
** dispatched or the cache is full. Takes over J's head/body/gzip buffers on success. Returns the
** entry (one reference for the caller) or NULL.
*/
static CacheEntry *cacheStore(YqJob *j){
  CacheEntry *e, **pp;
  size_t klen = strlen(j->target), sz = j->rbodyLen + j->rgzipLen + j->rheadLen + klen + 200;
  unsigned h = (unsigned)fnv64(j->target, klen) % CACHE_BUCKETS;
  e = calloc(1, sizeof *e);
  if( !e ) return 0;
  pthread_mutex_lock(&cacheMutex);
  if( j->cacheGen!=cacheGen || cacheBytes+sz>cf.cacheMaxBytes ){
    pthread_mutex_unlock(&cacheMutex);
    free(e);
    return 0;
  }
  for(pp=&cacheTab[h]; *pp; pp=&(*pp)->next){
    if( strcmp((*pp)->key, j->target)==0 ){      /* replace an older rendering */
      CacheEntry *old = *pp;
      *pp = old->next;
      cacheBytes -= old->len + old->gzLen + old->headLen + strlen(old->key) + 200;
      cacheCount--;
      cacheUnref(old);
      break;
    }
  }
  e->refs = 2;
  e->key = strdup(j->target);
  e->name = strdup(j->cacheName);
  e->head = j->rhead; e->headLen = j->rheadLen; j->rhead = 0;
  e->body = j->rbody; e->len = j->rbodyLen; j->rbody = 0;
  e->gz = j->rgzip; e->gzLen = j->rgzipLen; j->rgzip = 0;
  snprintf(e->etag, sizeof e->etag, "\"%016llx\"", fnv64(e->body ? e->body : "", e->len));
  httpDate(time(0), e->lastmod);
  e->next = cacheTab[h];
  cacheTab[h] = e;
  cacheBytes += sz;
  cacheCount++;
  pthread_mutex_unlock(&cacheMutex);
  return e;
}

/*
** HttpdCacheInvalidate: drop every cached response marked with NAME ("*" drops all) and keep
** responses being rendered now from entering the cache. *REMOVED gets the number dropped.
*/
void HttpdCacheInvalidate(const char *name, int *removed){
  int i, n = 0;
  pthread_mutex_lock(&cacheMutex);
  cacheGen++;
  for(i=0; i<CACHE_BUCKETS; i++){
    CacheEntry **pp = &cacheTab[i];
    while( *pp ){
      CacheEntry *e = *pp;
      if( strcmp(name, "*")==0 || strcmp(e->name, name)==0 ){
        *pp = e->next;
        cacheBytes -= e->len + e->gzLen + e->headLen + strlen(e->key) + 200;
        cacheCount--;
        cacheUnref(e);
        n++;
      }else{
        pp = &e->next;
      }
    }
  }
  pthread_mutex_unlock(&cacheMutex);
  if( removed ) *removed = n;
}

/* ---------------------------------------------------------------------------------------------
** Connections
*/
enum { K_HTTPS, K_HTTP, K_CTRL };
enum { ST_HANDSHAKE, ST_READ, ST_BODY, ST_WAIT, ST_WRITE, ST_LINGER };
enum { X_NONE, X_STATIC, X_CACHE, X_JOB, X_MALLOC };

typedef struct Conn {
  int fd;
  unsigned serial;
  unsigned char kind, state, closeAfter, loopback, mayRead, cont, ctlHave;
  unsigned events;            /* current epoll mask */
  mbedtls_ssl_context *ssl;
  TlsConf *tls;
  char *in; size_t inLen, inCap;
  HttpRequest *req;
  int headLen;                /* > 0 while a parsed request is being handled */
  char *body; size_t bodyLen, bodyCap;
  HttpChunked chunk;
  long long ctlNeed;          /* control: script length */
  char *out; size_t outLen, outOff, outCap;
  const char *ext; size_t extLen, extOff;   /* body not copied into out (plain http) */
  int extKind; void *extRef;
  double tStart, tActive, tHead;
  int status; size_t sent;    /* for the access log */
  char peer[48];              /* the client's address: the socket's, or X-Forwarded-For's behind a trusted proxy */
  char sockPeer[48];          /* the socket peer's address */
  unsigned char sockLoopback; /* whether the socket peer is this machine */
} Conn;

static Conn **conns;           /* by file descriptor */
static int nConnSlots;
static unsigned serialCounter;
static int epfd = -1, wakefd = -1, sigpipe[2] = {-1, -1};
static int lisHttps = -1, lisHttp = -1, lisCtl = -1;
static int httpsPort, httpPort;
static char ctlPath[4096];
static volatile int stopping;
static double stopDeadline;
static pthread_t driverThread;
static int driverStarted;
static char *accessBuf; static size_t accessLen, accessCap;
static FILE *accessLog;
static char accessPath[4096];
static pthread_mutex_t accessMutex = PTHREAD_MUTEX_INITIALIZER;
static double lastSweep;

/* done jobs from the Tcl threads */
static pthread_mutex_t doneMutex = PTHREAD_MUTEX_INITIALIZER;
static YqJob *doneHead, *doneTail;

static const char securityHeaders[] =
  "Strict-Transport-Security: max-age=31536000\r\n"
  "X-Content-Type-Options: nosniff\r\n"
  "Referrer-Policy: same-origin\r\n"
  "Content-Security-Policy: default-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'\r\n"
  "X-Frame-Options: SAMEORIGIN\r\n";
/* the part of securityHeaders kept when a handler sets its own Content-Security-Policy (the
** embeddable public snippet names the CMS origins that may frame it) */
#define SECURITY_HEADERS_BASE_LEN (sizeof "Strict-Transport-Security: max-age=31536000\r\n" \
  "X-Content-Type-Options: nosniff\r\n" "Referrer-Policy: same-origin\r\n" - 1)

#define TAG_LISTEN_HTTPS 0xffffffff01ULL
#define TAG_LISTEN_HTTP  0xffffffff02ULL
#define TAG_LISTEN_CTL   0xffffffff03ULL
#define TAG_WAKE         0xffffffff04ULL
#define TAG_SIGNAL       0xffffffff05ULL

/* want: set the epoll interest of C to EV (0, EPOLLIN or EPOLLOUT). */
static void want(Conn *c, unsigned ev){
  struct epoll_event e;
  if( c->events==ev ) return;
  e.events = ev;
  e.data.u64 = (unsigned long long)c->fd | ((unsigned long long)c->serial<<32);
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e);
  c->events = ev;
}

/* releaseExt: let go of the body reference of C's last response. */
static void releaseExt(Conn *c){
  switch( c->extKind ){
    case X_STATIC: staticUnref(c->extRef); break;
    case X_CACHE: cacheUnref(c->extRef); break;
    case X_JOB: YqJobFree(c->extRef); break;
    case X_MALLOC: free(c->extRef); break;
  }
  c->extKind = X_NONE; c->extRef = 0; c->ext = 0; c->extLen = c->extOff = 0;
}

/* connClose: close C, free everything it holds. */
static void connClose(Conn *c){
  if( c->ssl ){
    if( c->state!=ST_HANDSHAKE && c->state!=ST_LINGER ) mbedtls_ssl_close_notify(c->ssl);
    mbedtls_ssl_free(c->ssl);
    free(c->ssl);
    st.openTls--;
  }
  TlsUnref(c->tls);
  if( c->state==ST_WAIT ) st.waiting--;
  releaseExt(c);
  close(c->fd);
  conns[c->fd] = 0;
  free(c->in); free(c->req); free(c->body); free(c->out);
  free(c);
  st.open--;
}

/* ---- sending and receiving (plain or TLS) ---- */

static int bioSend(void *ctx, const unsigned char *buf, size_t len){
  Conn *c = ctx;
  ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
  if( n<0 ){
    if( errno==EAGAIN || errno==EWOULDBLOCK || errno==EINTR ) return MBEDTLS_ERR_SSL_WANT_WRITE;
    return MBEDTLS_ERR_NET_SEND_FAILED;
  }
  return (int)n;
}

static int bioRecv(void *ctx, unsigned char *buf, size_t len){
  Conn *c = ctx;
  ssize_t n = recv(c->fd, buf, len, 0);
  if( n<0 ){
    if( errno==EAGAIN || errno==EWOULDBLOCK || errno==EINTR ) return MBEDTLS_ERR_SSL_WANT_READ;
    return MBEDTLS_ERR_NET_RECV_FAILED;
  }
  if( n==0 ) return MBEDTLS_ERR_SSL_CONN_EOF;
  return (int)n;
}

/*
** connRecv: read what is available into C's input buffer (growing it up to the head limit).
** Returns bytes read (> 0), 0 at end of stream or on error, -1 when nothing is available now.
*/
static int connRecv(Conn *c){
  size_t want_ = cf.lim.maxHead + 1024;
  int n;
  if( want_<16384 ) want_ = 16384;
  if( c->inCap - c->inLen < 2048 && c->inCap < want_ ){
    size_t nc = c->inCap ? c->inCap*2 : 4096;
    char *p;
    if( nc>want_ ) nc = want_;
    p = realloc(c->in, nc);
    if( !p ) return 0;
    c->in = p; c->inCap = nc;
  }
  if( c->inLen>=c->inCap ) return -1;       /* full: the parser will complain */
  if( c->ssl ){
    n = mbedtls_ssl_read(c->ssl, (unsigned char*)c->in + c->inLen, c->inCap - c->inLen);
    if( n==MBEDTLS_ERR_SSL_WANT_READ || n==MBEDTLS_ERR_SSL_WANT_WRITE ){ c->mayRead = 0; return -1; }
    if( n<=0 ) return 0;
    c->mayRead = mbedtls_ssl_get_bytes_avail(c->ssl)>0 || mbedtls_ssl_check_pending(c->ssl);
    if( !c->mayRead ) c->mayRead = 2;        /* the socket may hold more records */
  }else{
    ssize_t r = recv(c->fd, c->in + c->inLen, c->inCap - c->inLen, 0);
    if( r<0 ){
      if( errno==EAGAIN || errno==EWOULDBLOCK || errno==EINTR ){ c->mayRead = 0; return -1; }
      return 0;
    }
    if( r==0 ) return 0;
    n = (int)r;
    c->mayRead = (size_t)r == c->inCap - c->inLen;
  }
  c->inLen += n;
  c->tActive = nowMono();
  return n;
}

/* connFlush: write pending output. Returns 1 when all is written, 0 when the socket is full,
** -1 on error. */
static int connFlush(Conn *c){
  while( c->outOff<c->outLen || c->extOff<c->extLen ){
    if( c->ssl ){
      int n = mbedtls_ssl_write(c->ssl, (unsigned char*)c->out + c->outOff, c->outLen - c->outOff);
      if( n==MBEDTLS_ERR_SSL_WANT_WRITE || n==MBEDTLS_ERR_SSL_WANT_READ ) return 0;
      if( n<=0 ) return -1;
      c->outOff += n;
    }else{
      struct iovec iov[2];
      int k = 0;
      ssize_t n;
      if( c->outOff<c->outLen ){ iov[k].iov_base = c->out+c->outOff; iov[k].iov_len = c->outLen-c->outOff; k++; }
      if( c->extOff<c->extLen ){ iov[k].iov_base = (char*)c->ext+c->extOff; iov[k].iov_len = c->extLen-c->extOff; k++; }
      n = writev(c->fd, iov, k);
      if( n<0 ){
        if( errno==EAGAIN || errno==EWOULDBLOCK || errno==EINTR ) return 0;
        return -1;
      }
      if( c->outOff<c->outLen ){
        size_t a = c->outLen - c->outOff;
        if( (size_t)n<=a ){ c->outOff += n; n = 0; } else { c->outOff = c->outLen; n -= a; }
      }
      c->extOff += n;
    }
    c->tActive = nowMono();
  }
  return 1;
}

/* outReserve: make room for N more bytes in C's output buffer. Returns 0 or -1. */
static int outReserve(Conn *c, size_t n){
  if( c->outLen + n > c->outCap ){
    size_t nc = c->outCap ? c->outCap : 1024;
    char *p;
    while( nc < c->outLen + n ) nc *= 2;
    p = realloc(c->out, nc);
    if( !p ) return -1;
    c->out = p; c->outCap = nc;
  }
  return 0;
}

/* outAdd: append LEN bytes to C's output. */
static void outAdd(Conn *c, const char *s, size_t len){
  if( outReserve(c, len) ) return;
  memcpy(c->out + c->outLen, s, len);
  c->outLen += len;
}
static void outStr(Conn *c, const char *s){ outAdd(c, s, strlen(s)); }

/* ---- the access log ---- */

/* logEscape: LEN bytes of S (at most MAX of them) into OUT (CAP bytes, NUL-terminated) for a log
** line: bytes outside printable ASCII, the quote and the backslash as \xHH. Returns OUT. */
static char *logEscape(char *out, size_t cap, const char *s, size_t len, size_t max){
  size_t i, o = 0;
  if( len>max ) len = max;
  for(i=0; i<len && o+5<cap; i++){
    unsigned char ch = (unsigned char)s[i];
    if( ch<0x21 || ch>0x7e || ch=='"' || ch=='\\' ){
      snprintf(out+o, cap-o, "\\x%02x", ch); o += 4;
    }else{
      out[o++] = (char)ch;
    }
  }
  if( o==0 && cap>1 ) out[o++] = '-';
  out[o] = 0;
  return out;
}

/* accessAppend: add one access-log line for C's finished response to the buffer. A request
** whose head could not be parsed is logged with the method and target of its first line as
** sent (escaped, bounded), so malformed requests can be told apart. */
static void accessAppend(Conn *c){
  char line[6000], ts[32], me[200], te[4100];
  const char *m = "-", *t = "-";
  size_t ml = 1, tl = 1;
  int minor = 1, n;
  time_t now = time(0);
  struct tm tm;
  if( !accessLog ) return;
  if( c->req && c->headLen>0 ){
    m = c->in + c->req->method.off; ml = c->req->method.len;
    t = c->in + c->req->target.off; tl = c->req->target.len;
    minor = c->req->minor;
  }else if( c->inLen>0 ){
    /* the first line as sent: METHOD SP TARGET SP HTTP/1.x */
    const char *p = c->in, *e = c->in + c->inLen, *sp;
    const char *eol = memchr(p, '\n', e-p);
    if( eol ) e = eol;
    if( e>p && e[-1]=='\r' ) e--;
    sp = memchr(p, ' ', e-p);
    m = p; ml = sp ? (size_t)(sp-p) : (size_t)(e-p);
    if( sp ){
      const char *sp2;
      t = sp+1;
      sp2 = memchr(t, ' ', e-t);
      tl = sp2 ? (size_t)(sp2-t) : (size_t)(e-t);
      if( sp2 && e-sp2==9 && memcmp(sp2+1, "HTTP/1.0", 8)==0 ) minor = 0;
    }
  }
  logEscape(me, sizeof me, m, ml, 32);
  logEscape(te, sizeof te, t, tl, 1000);
  gmtime_r(&now, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  n = snprintf(line, sizeof line, "%s %s \"%s %s HTTP/1.%d\" %d %zu %.3f %s\n", ts, c->peer,
               me, te, minor, c->status, c->sent, (nowMono()-c->tHead)*1000.0,
               c->kind==K_HTTPS ? "https" : "http");
  if( n<0 ) return;
  if( (size_t)n>=sizeof line ) n = sizeof line - 1;
  pthread_mutex_lock(&accessMutex);
  if( accessLen + n > accessCap ){
    size_t nc = accessCap ? accessCap*2 : 65536;
    char *p;
    while( nc < accessLen + n ) nc *= 2;
    p = realloc(accessBuf, nc);
    if( p ){ accessBuf = p; accessCap = nc; }
  }
  if( accessLen + n <= accessCap ){ memcpy(accessBuf+accessLen, line, n); accessLen += n; }
  pthread_mutex_unlock(&accessMutex);
}

/* accessFlush: write the buffered access-log lines. */
static void accessFlush(void){
  pthread_mutex_lock(&accessMutex);
  if( accessLog && accessLen ){
    fwrite(accessBuf, 1, accessLen, accessLog);
    fflush(accessLog);
  }
  accessLen = 0;
  pthread_mutex_unlock(&accessMutex);
}

/*
** HttpdAccessLog: send the access log to PATH ("-" standard output, "" nowhere), reopening it
** (for log rotation). Returns 0, or -1 with ERR set (the old log stays).
*/
int HttpdAccessLog(const char *path, char *err, size_t n){
  FILE *f = 0;
  if( *path && strcmp(path, "-")!=0 ){
    int fd = open(path, O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, 0600);   /* private, whatever the umask */
    f = fd>=0 ? fdopen(fd, "a") : 0;
    if( !f && fd>=0 ) close(fd);
    if( !f ){ snprintf(err, n, "cannot open access log %s: %s", path, strerror(errno)); return -1; }
  }else if( *path ){
    f = stdout;
  }
  pthread_mutex_lock(&accessMutex);
  if( accessLog && accessLen ){ fwrite(accessBuf, 1, accessLen, accessLog); accessLen = 0; }
  if( accessLog && accessLog!=stdout ) fclose(accessLog);
  else if( accessLog ) fflush(accessLog);
  accessLog = f;
  snprintf(accessPath, sizeof accessPath, "%s", path);
  pthread_mutex_unlock(&accessMutex);
  return 0;
}

/* ---- responses ---- */

/* noteResponse: count a response with STATUS in the metrics; C's latency clock is tHead. */
static void noteResponse(Conn *c, int status){
  double lat = nowMono() - c->tHead;
  int i;
  c->status = status;
  st.requests++;
  if( status>=100 && status<600 ) st.byStatus[status]++;
  for(i=0; i<NBUCKET && lat>bucketLe[i]; i++){}
  st.hist[i]++;
  st.latencySum += lat;
}

static int hasHeader(const char *h, size_t len, const char *name);

/*
** startResponse: put the status line and the common headers of a response into C's output:
** Date, Content-Length (unless LEN < 0), Connection, the security headers. The caller adds its
** own header lines OWN (OWNLEN bytes; may be 0) and the blank line; when OWN sets a
** Content-Security-Policy, the default one and X-Frame-Options are left out.
*/
static void startResponse(Conn *c, int status, long long len, const char *own, size_t ownLen){
  char buf[256];
  int n;
  updateDate();
  n = snprintf(buf, sizeof buf, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: yqbox\r\n", status,
               HttpStatusText(status), dateStr);
  outAdd(c, buf, n);
  if( len>=0 ){
    n = snprintf(buf, sizeof buf, "Content-Length: %lld\r\n", len);
    outAdd(c, buf, n);
  }
  if( c->closeAfter || stopping ){
    c->closeAfter = 1;
    outStr(c, "Connection: close\r\n");
  }else if( c->req && c->req->minor==0 ){
    outStr(c, "Connection: keep-alive\r\n");
  }
  if( own && hasHeader(own, ownLen, "content-security-policy:") ){
    outAdd(c, securityHeaders, SECURITY_HEADERS_BASE_LEN);
  }else{
    outAdd(c, securityHeaders, sizeof securityHeaders - 1);
  }
  noteResponse(c, status);
}

/* setBody: make LEN bytes at BODY (held alive by REF of KIND) the body of C's response; copied
** into the output buffer on TLS connections (so each record is written from one place). */
static void setBody(Conn *c, const char *body, size_t len, int kind, void *ref){
  c->sent = len;
  st.bytesOut += len;
  if( c->ssl || len<1024 ){
    outAdd(c, body, len);
    c->extKind = kind; c->extRef = ref;
    releaseExt(c);
  }else{
    c->ext = body; c->extLen = len; c->extOff = 0;
    c->extKind = kind; c->extRef = ref;
  }
}

/* errorPage: a complete short response with STATUS and a Chinese HTML page; CLOSE closes the
** connection after it. */
static void errorPage(Conn *c, int status, int close_, const char *extraHeaders){
  char body[512];
  const char *zh;
  int n;
  switch( status ){
    case 400: zh = "请求格式错误"; break;
    case 403: zh = "禁止访问"; break;
    case 404: zh = "页面不存在"; break;
    case 405: zh = "不支持该请求方法"; break;
    case 408: zh = "请求超时"; break;
    case 413: zh = "请求内容过大"; break;
    case 414: zh = "请求地址过长"; break;
    case 417: zh = "不支持该 Expect 要求"; break;
    case 421: zh = "该主机名不属于本站"; break;
    case 431: zh = "请求头过大"; break;
    case 500: zh = "服务器内部错误"; break;
    case 501: zh = "不支持的请求"; break;
    case 503: zh = "服务暂不可用"; break;
    case 505: zh = "不支持的 HTTP 版本"; break;
    default: zh = HttpStatusText(status);
  }
  n = snprintf(body, sizeof body, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
               "<title>%d %s</title></head><body><h1>%d %s</h1></body></html>\n", status, zh, status, zh);
  if( close_ ) c->closeAfter = 1;
  startResponse(c, status, (c->req && c->headLen>0 && c->req->methodId==HTTP_HEAD) ? n : n, 0, 0);
  outStr(c, "Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n");
  if( extraHeaders ) outStr(c, extraHeaders);
  outStr(c, "\r\n");
  if( !(c->req && c->headLen>0 && c->req->methodId==HTTP_HEAD) ){
    outAdd(c, body, n);
    c->sent = n;
  }
  c->state = ST_WRITE;
}

/* etagMatches: whether the If-None-Match value (LEN bytes at S) lists ETAG (or is "*"). */
static int etagMatches(const char *s, size_t len, const char *etag){
  size_t el = strlen(etag), i = 0;
  while( i<len ){
    size_t a;
    while( i<len && (s[i]==' ' || s[i]==',' || s[i]=='\t') ) i++;
    a = i;
    while( i<len && s[i]!=',' ) i++;
    {
      size_t b = i;
      while( b>a && (s[b-1]==' ' || s[b-1]=='\t') ) b--;
      if( b-a==1 && s[a]=='*' ) return 1;
      if( b-a>2 && s[a]=='W' && s[a+1]=='/' ) a += 2;
      if( b-a==el && memcmp(s+a, etag, el)==0 ) return 1;
    }
  }
  return 0;
}

/* notModified: whether C's request is a conditional GET/HEAD satisfied by ETAG / LASTMOD. */
static int notModified(Conn *c, const char *etag, const char *lastmod){
  HttpRequest *r = c->req;
  if( r->methodId!=HTTP_GET && r->methodId!=HTTP_HEAD ) return 0;
  if( r->ifNoneMatch.len ) return etagMatches(c->in + r->ifNoneMatch.off, r->ifNoneMatch.len, etag);
  if( r->ifModifiedSince.len ){
    time_t since = parseHttpDate(c->in + r->ifModifiedSince.off, r->ifModifiedSince.len);
    time_t lm = parseHttpDate(lastmod, strlen(lastmod));
    return since>=0 && lm>=0 && lm<=since;
  }
  return 0;
}

/*
** sendEntity: respond with a stored entity (static file or cached page): 304 when the request's
** validators match, else 200 with the gzip variant when the client takes it; HEAD gets no body.
** HEADLINES are extra header lines (e.g. Content-Type) ending in CRLF.
*/
static void sendEntity(Conn *c, const char *headLines, size_t headLen, const char *body, size_t len,
                       const char *gz, size_t gzLen, const char *etag, const char *lastmod,
                       const char *cacheControl, int kind, void *ref){
  char buf[200];
  int n, useGz = gz && c->req->gzipOk, head = c->req->methodId==HTTP_HEAD;
  if( notModified(c, etag, lastmod) ){
    startResponse(c, 304, -1, headLines, headLen);
    n = snprintf(buf, sizeof buf, "ETag: %s\r\nLast-Modified: %s\r\n%s%s\r\n", etag, lastmod,
                 cacheControl, gz ? "Vary: Accept-Encoding\r\n" : "");
    outAdd(c, buf, n);
    c->sent = 0;
    c->extKind = kind; c->extRef = ref; releaseExt(c);
    c->state = ST_WRITE;
    return;
  }
  startResponse(c, 200, useGz ? gzLen : len, headLines, headLen);
  outAdd(c, headLines, headLen);
  n = snprintf(buf, sizeof buf, "ETag: %s\r\nLast-Modified: %s\r\n%s%s%s\r\n", etag, lastmod,
               cacheControl, gz ? "Vary: Accept-Encoding\r\n" : "",
               useGz ? "Content-Encoding: gzip\r\n" : "");
  outAdd(c, buf, n);
  if( head ){
    c->sent = 0;
    c->extKind = kind; c->extRef = ref; releaseExt(c);
  }else{
    setBody(c, useGz ? gz : body, useGz ? gzLen : len, kind, ref);
  }
  c->state = ST_WRITE;
}

/* ---- /metrics ---- */


/* metricsText: the Prometheus text exposition of the counters (malloc'ed, length in *LEN). */
static char *metricsText(size_t *len){
  size_t cap = 16384, n = 0;
  char *b = malloc(cap);
  unsigned long long cum = 0;
  int i;
#define P(...) do{ int k_ = snprintf(b+n, cap-n, __VA_ARGS__); if( k_>0 ) n += ((size_t)k_<cap-n ? (size_t)k_ : cap-n-1); }while(0)
  if( !b ) return 0;
  P("# HELP yqbox_http_requests_total HTTP responses sent, by status code.\n"
    "# TYPE yqbox_http_requests_total counter\n");
  for(i=100; i<600; i++){
    if( st.byStatus[i] ) P("yqbox_http_requests_total{code=\"%d\"} %llu\n", i, st.byStatus[i]);
  }
  P("# HELP yqbox_http_request_duration_seconds Time from a complete request head to its response.\n"
    "# TYPE yqbox_http_request_duration_seconds histogram\n");
  for(i=0; i<NBUCKET; i++){
    cum += st.hist[i];
    P("yqbox_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucketLe[i], cum);
  }
  cum += st.hist[NBUCKET];
  P("yqbox_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
  P("yqbox_http_request_duration_seconds_sum %.6f\n", st.latencySum);
  P("yqbox_http_request_duration_seconds_count %llu\n", cum);
  P("# HELP yqbox_http_connections_open Connections open now.\n# TYPE yqbox_http_connections_open gauge\n"
    "yqbox_http_connections_open %ld\n", st.open);
  P("# HELP yqbox_http_connections_total Connections accepted.\n# TYPE yqbox_http_connections_total counter\n"
    "yqbox_http_connections_total %llu\n", st.accepted);
  P("# HELP yqbox_http_connections_rejected_total Connections refused over max_connections.\n"
    "# TYPE yqbox_http_connections_rejected_total counter\nyqbox_http_connections_rejected_total %llu\n", st.rejected);
  P("# HELP yqbox_tls_handshakes_total TLS handshakes, by result.\n# TYPE yqbox_tls_handshakes_total counter\n"
    "yqbox_tls_handshakes_total{result=\"ok\"} %llu\nyqbox_tls_handshakes_total{result=\"failed\"} %llu\n",
    st.handshakes, st.handshakeFails);
  P("# HELP yqbox_cache_hits_total Responses served from the response cache.\n"
    "# TYPE yqbox_cache_hits_total counter\nyqbox_cache_hits_total %llu\n", st.cacheHits);
  P("# HELP yqbox_cache_entries Responses held in the response cache.\n# TYPE yqbox_cache_entries gauge\n"
    "yqbox_cache_entries %d\n", cacheCount);
  P("# HELP yqbox_static_hits_total Static files served.\n# TYPE yqbox_static_hits_total counter\n"
    "yqbox_static_hits_total %llu\n", st.staticHits);
  P("# HELP yqbox_dynamic_requests_total Requests passed to the Tcl workers.\n"
    "# TYPE yqbox_dynamic_requests_total counter\nyqbox_dynamic_requests_total %llu\n", st.dynamic);
  P("# HELP yqbox_http_timeouts_total Connections closed by a timeout.\n"
    "# TYPE yqbox_http_timeouts_total counter\nyqbox_http_timeouts_total %llu\n", st.timeouts);
  P("# HELP yqbox_http_body_bytes_total Response body bytes sent.\n# TYPE yqbox_http_body_bytes_total counter\n"
    "yqbox_http_body_bytes_total %llu\n", st.bytesOut);
#undef P
  *len = n;
  return b;
}

/*
** HttpdMetrics: the driver's counters in the Prometheus text format as a Tcl string (any thread;
** `server metrics`, for the /metrics route), or NULL when out of memory.
*/
Tcl_Obj *HttpdMetrics(void){
  size_t len;
  char *text = metricsText(&len);
  Tcl_Obj *o;
  if( !text ) return 0;
  o = Tcl_NewStringObj(text, (int)len);
  free(text);
  return o;
}

/*
** HttpdStats: a Tcl dict of the server's state for `server stats` (any thread): uptime,
** connections, requests, cache and TLS counters.
*/
Tcl_Obj *HttpdStats(void){
  Tcl_Obj *d = Tcl_NewDictObj();
#define W(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), Tcl_NewWideIntObj((Tcl_WideInt)(v)))
  W("uptime", startTime ? time(0)-startTime : 0);
  W("connections", st.open);
  W("tls_connections", st.openTls);
  W("waiting", st.waiting);
  W("accepted", st.accepted);
  W("rejected", st.rejected);
  W("requests", st.requests);
  W("dynamic", st.dynamic);
  W("static_hits", st.staticHits);
  W("cache_hits", st.cacheHits);
  W("cache_entries", cacheCount);
  W("handshakes", st.handshakes);
  W("handshake_failures", st.handshakeFails);
  W("timeouts", st.timeouts);
  W("malformed", st.malformed);
  W("status_2xx", st.byStatus[200]+st.byStatus[201]+st.byStatus[204]);
  {
    unsigned long long e4 = 0, e5 = 0; int i;
    for(i=400; i<500; i++) e4 += st.byStatus[i];
    for(i=500; i<600; i++) e5 += st.byStatus[i];
    W("status_4xx", e4);
    W("status_5xx", e5);
  }
#undef W
  return d;
}

/* ---- routing inside the driver ---- */

/* isLoopback: whether the peer address SA is 127.0.0.0/8 or ::1 (or v4-mapped loopback). */
static int isLoopback(const struct sockaddr_storage *sa){
  if( sa->ss_family==AF_INET ){
    return (ntohl(((const struct sockaddr_in*)sa)->sin_addr.s_addr)>>24)==127;
  }
  if( sa->ss_family==AF_INET6 ){
    const struct in6_addr *a = &((const struct sockaddr_in6*)sa)->sin6_addr;
    if( IN6_IS_ADDR_LOOPBACK(a) ) return 1;
    if( IN6_IS_ADDR_V4MAPPED(a) ) return a->s6_addr[12]==127;
  }
  return sa->ss_family==AF_UNIX;
}

/* isTrusted: whether address ADDR (of FAMILY, AF_INET or AF_INET6, in network order) is one of the
** configured trusted proxies. */
static int isTrusted(int family, const unsigned char *addr){
  int i;
  for(i=0; i<cf.nTrusted; i++){
    if( cf.trusted[i].family==family && memcmp(cf.trusted[i].addr, addr, family==AF_INET ? 4 : 16)==0 ) return 1;
  }
  return 0;
}

/* parseAddr: the IPv4 or IPv6 address in the LEN bytes at S (blanks around it ignored) into
** *FAMILY and ADDR (16 bytes). Returns 1, or 0 when it is not an address. */
static int parseAddr(const char *s, size_t len, int *family, unsigned char *addr){
  char buf[64];
  while( len && (*s==' ' || *s=='\t') ){ s++; len--; }
  while( len && (s[len-1]==' ' || s[len-1]=='\t') ) len--;
  if( len==0 || len>=sizeof buf ) return 0;
  memcpy(buf, s, len); buf[len] = 0;
  if( inet_pton(AF_INET, buf, addr)==1 ){ *family = AF_INET; return 1; }
  if( inet_pton(AF_INET6, buf, addr)==1 ){ *family = AF_INET6; return 1; }
  return 0;
}

/*
** clientAddress: set C's peer (and loopback) for its current request: the socket's peer, or, when
** that is a trusted proxy, the client X-Forwarded-For names: walking the header's addresses from
** the right (the nearest hop first), the first one that is not itself a trusted proxy. A value
** that is not an address stops the walk (the proxy's own address is kept for it). All header
** fields named X-Forwarded-For count, in order.
*/
static void clientAddress(Conn *c){
  HttpRequest *r = c->req;
  unsigned char sock[16], a[16];
  int fam, i, walking = 1;
  memcpy(c->peer, c->sockPeer, sizeof c->peer);
  c->loopback = c->sockLoopback;
  if( !cf.nTrusted || !r || !parseAddr(c->sockPeer, strlen(c->sockPeer), &fam, sock) ) return;
  if( fam==AF_INET6 && IN6_IS_ADDR_V4MAPPED((struct in6_addr*)sock) ){ fam = AF_INET; memmove(sock, sock+12, 4); }
  if( !isTrusted(fam, sock) ) return;
  for(i=r->nHeader-1; i>=0 && walking; i--){
    const char *v = c->in + r->hvalue[i].off;
    size_t vl = r->hvalue[i].len;
    if( r->hname[i].len!=15 || strncasecmp(c->in + r->hname[i].off, "x-forwarded-for", 15)!=0 ) continue;
    while( walking ){
      const char *comma = vl ? memrchr(v, ',', vl) : 0;
      const char *tok = comma ? comma+1 : v;
      size_t tl = v+vl-tok;
      if( !parseAddr(tok, tl, &fam, a) ){ walking = 0; break; }
      {
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof ss);
        ss.ss_family = fam;
        if( fam==AF_INET ) memcpy(&((struct sockaddr_in*)&ss)->sin_addr, a, 4);
        else memcpy(&((struct sockaddr_in6*)&ss)->sin6_addr, a, 16);
        inet_ntop(fam, a, c->peer, sizeof c->peer);
        c->loopback = isLoopback(&ss);
      }
      if( !isTrusted(fam, a) ){ walking = 0; break; }
      if( !comma ) break;
      vl = comma - v;
    }
  }
}

/* validHost: whether the Host value (LEN bytes at S) is a plausible host[:port]. */
static int validHost(const char *s, size_t len){
  size_t i;
  if( len==0 || len>255 ) return 0;
  for(i=0; i<len; i++){
    char ch = s[i];
    if( !((ch>='a'&&ch<='z') || (ch>='A'&&ch<='Z') || (ch>='0'&&ch<='9') || ch=='.' || ch=='-'
          || ch==':' || ch=='[' || ch==']') ) return 0;
  }
  return 1;
}

/*
** hostAllowed: whether C's request may be answered under the configured public host: no public
** host is configured, the Host header's name (port ignored, case-insensitive) is that host's, or
** it is a loopback request for /metrics (monitoring on the box itself). No side effects.
*/
static int hostAllowed(Conn *c){
  HttpRequest *r = c->req;
  const char *h = c->in + r->host.off, *p = cf.publicHost;
  size_t hl = r->host.len, pl = strlen(p), i;
  if( !*p || c->kind==K_CTRL ) return 1;
  if( c->loopback && r->target.len>=8 && memcmp(c->in + r->target.off, "/metrics", 8)==0
      && (r->target.len==8 || c->in[r->target.off+8]=='?') ) return 1;
  if( !validHost(h, hl) ) return 0;
  if( h[0]=='[' ){ const char *e = memchr(h, ']', hl); if( e ) hl = e-h+1; }
  else { const char *e = memchr(h, ':', hl); if( e ) hl = e-h; }
  if( p[0]=='[' ){ const char *e = strchr(p, ']'); if( e ) pl = e-p+1; }
  else { const char *e = strchr(p, ':'); if( e ) pl = e-p; }
  if( hl!=pl ) return 0;
  for(i=0; i<hl; i++){
    char ch = h[i];
    if( ch>='A' && ch<='Z' ) ch += 32;
    if( ch!=p[i] ) return 0;
  }
  return 1;
}

/* redirectHttps: answer a plain-http request with a permanent redirect to the https address. */
static void redirectHttps(Conn *c){
  HttpRequest *r = c->req;
  const char *h = c->in + r->host.off, *t = c->in + r->target.off;
  size_t hl = r->host.len;
  char loc[600];
  if( !validHost(h, hl) ){ errorPage(c, 400, 1, 0); return; }
  if( h[0]=='[' ){ const char *e = memchr(h, ']', hl); if( e ) hl = e-h+1; }
  else { const char *e = memchr(h, ':', hl); if( e ) hl = e-h; }
  if( t[0]!='/' || r->target.len>500 ){ errorPage(c, 400, 1, 0); return; }
  if( httpsPort==443 ) snprintf(loc, sizeof loc, "Location: https://%.*s%.*s\r\n", (int)hl, h, (int)r->target.len, t);
  else snprintf(loc, sizeof loc, "Location: https://%.*s:%d%.*s\r\n", (int)hl, h, httpsPort, (int)r->target.len, t);
  errorPage(c, 301, 0, loc);
}

/* makeJob: a job carrying C's request (decoded PATH, raw QUERY) and body for a worker. */
static YqJob *makeJob(Conn *c, const char *path){
  HttpRequest *r = c->req;
  const char *t = c->in + r->target.off, *q = memchr(t, '?', r->target.len);
  size_t need = 0, i;
  YqJob *j;
  char *p;
  int k;
  need += r->method.len + r->target.len*2 + strlen(path) + strlen(c->peer) + 16 + 6;
  for(k=0; k<r->nHeader; k++) need += r->hname[k].len + r->hvalue[k].len + 2;
  need += c->bodyLen + 1;
  j = calloc(1, sizeof *j + 2*sizeof(char*)*(r->nHeader+1));
  if( !j ) return 0;
  j->data = p = malloc(need);
  if( !p ){ free(j); return 0; }
  j->hname = (const char**)(j+1);
  j->hvalue = j->hname + r->nHeader + 1;
  j->kind = YQJOB_HTTP;
  j->fd = c->fd; j->serial = c->serial;
#define COPY(field, src, len) do{ field = p; memcpy(p, (src), (len)); p[(len)] = 0; p += (len)+1; }while(0)
  COPY(j->method, c->in + r->method.off, r->method.len);
  COPY(j->target, t, r->target.len);
  COPY(j->path, path, strlen(path));
  if( q ) COPY(j->query, q+1, r->target.len - (q+1-t)); else COPY(j->query, "", 0);
  COPY(j->peer, c->peer, strlen(c->peer));
  COPY(j->scheme, c->kind==K_HTTPS ? "https" : "http", c->kind==K_HTTPS ? 5 : 4);
  for(k=0; k<r->nHeader; k++){
    char *nm = p;
    COPY(j->hname[k], c->in + r->hname[k].off, r->hname[k].len);
    for(i=0; i<r->hname[k].len; i++) if( nm[i]>='A' && nm[i]<='Z' ) nm[i] += 32;
    COPY(j->hvalue[k], c->in + r->hvalue[k].off, r->hvalue[k].len);
  }
  j->nHeader = r->nHeader;
  COPY(j->body, c->body ? c->body : "", c->bodyLen);
#undef COPY
  j->bodyLen = c->bodyLen;
  j->gzipOk = r->gzipOk;
  j->t0 = c->tHead;
  pthread_mutex_lock(&cacheMutex);
  j->cacheGen = cacheGen;
  pthread_mutex_unlock(&cacheMutex);
  return j;
}

/*
** route: answer C's complete request (head and body read): metrics, cache, static file, or a job
** for a worker (state ST_WAIT). Sets the state to ST_WRITE or ST_WAIT.
*/
static void route(Conn *c){
  HttpRequest *r = c->req;
  const char *t = c->in + r->target.off;
  size_t tl = r->target.len, pl;
  const char *q;
  char pathBuf[8192], *path = pathBuf;
  int m = r->methodId, dl;

  if( !hostAllowed(c) ){ errorPage(c, 421, 1, 0); return; }
  if( c->kind==K_HTTP && !cf.httpServe ){ redirectHttps(c); return; }
  /* absolute-form targets (RFC 9112 3.2.2) are reduced to their path */
  if( tl>8 && (strncasecmp(t, "http://", 7)==0 || strncasecmp(t, "https://", 8)==0) ){
    const char *s = memchr(t+8, '/', tl-8);
    if( !s ){ errorPage(c, 400, 1, 0); return; }
    tl -= s-t; t = s;
  }
  if( tl==1 && t[0]=='*' ){
    if( m==HTTP_OPTIONS ){ errorPage(c, 200, 0, "Allow: GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS\r\n"); return; }
    errorPage(c, 400, 1, 0); return;
  }
  q = memchr(t, '?', tl);
  pl = q ? (size_t)(q-t) : tl;
  if( pl+1>sizeof pathBuf ){ errorPage(c, 414, 1, 0); return; }
  dl = HttpPathDecode(t, pl, path);
  if( dl<0 ){ st.malformed++; errorPage(c, -dl, 1, 0); return; }

  /* /metrics is for this machine only (a local Prometheus); its route (scripts/web/health.tcl)
  ** answers with the jobs and HttpdMetrics, never cached */
  if( strcmp(path, "/metrics")==0 && !c->loopback ){ errorPage(c, 404, 0, 0); return; }
  if( (m==HTTP_GET || m==HTTP_HEAD) && c->kind!=K_CTRL ){
    CacheEntry *e = cacheFind(c->in + r->target.off, r->target.len);
    StaticFile *f;
    StaticTable *tab;
    if( e ){
      st.cacheHits++;
      sendEntity(c, e->head, e->headLen, e->body, e->len, e->gz, e->gzLen, e->etag, e->lastmod,
                 "Cache-Control: no-cache\r\n", X_CACHE, e);
      return;
    }
    pthread_mutex_lock(&staticMutex);
    tab = statics;
    if( tab ) __atomic_add_fetch(&tab->refs, 1, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&staticMutex);
    f = staticFind(tab, path);
    if( f ){
      char ct[160];
      int n = snprintf(ct, sizeof ct, "Content-Type: %s\r\n", f->mime);
      st.staticHits++;
      sendEntity(c, ct, n, f->data, f->len, f->gz, f->gzLen, f->etag, f->lastmod,
                 "Cache-Control: public, max-age=300\r\n", X_STATIC, tab);
      return;
    }
    staticUnref(tab);
  }else{
    StaticTable *tab;
    StaticFile *f;
    pthread_mutex_lock(&staticMutex);
    tab = statics;
    f = staticFind(tab, path);
    pthread_mutex_unlock(&staticMutex);
    if( f ){ errorPage(c, 405, 0, "Allow: GET, HEAD\r\n"); return; }
  }
  {
    YqJob *j = makeJob(c, path);
    if( !j ){ errorPage(c, 503, 1, 0); return; }
    st.dynamic++;
    st.waiting++;
    c->state = ST_WAIT;
    want(c, 0);
    YqWorkSubmit(j);
  }
}

/* beginRequest: C's head has been parsed (HEADLEN bytes): set up reading the body or route. */
static void beginRequest(Conn *c, int headLen){
  HttpRequest *r = c->req;
  c->headLen = headLen;
  clientAddress(c);
  c->tHead = nowMono();
  c->bodyLen = 0;
  if( !r->keepAlive ) c->closeAfter = 1;
  if( r->chunked || r->contentLength>0 ){
    memset(&c->chunk, 0, sizeof c->chunk);
    c->state = ST_BODY;
    if( r->expectContinue && r->minor==1 && c->inLen==(size_t)headLen ){
      outStr(c, "HTTP/1.1 100 Continue\r\n\r\n");
      c->cont = 1;
      c->state = ST_WRITE;
    }
    return;
  }
  route(c);
}

/*
** readBody: move body bytes from C's input buffer (after the head) into its body buffer.
** Returns 1 when the body is complete, 0 when more is needed, or -status on a framing error.
*/
static int readBody(Conn *c){
  HttpRequest *r = c->req;
  char *src = c->in + c->headLen;
  size_t avail = c->inLen - c->headLen, used = 0;
  int rc = 0;
  if( r->chunked ){
    for(;;){
      size_t produced = 0, u = 0;
      if( c->bodyCap - c->bodyLen < 4096 ){
        size_t nc = c->bodyCap ? c->bodyCap*2 : 8192;
        char *p;
        if( nc > HttpBodyLimit(&cf.lim, r) + 4096 ) nc = HttpBodyLimit(&cf.lim, r) + 4096;
        if( nc<=c->bodyCap ) return -413;
        p = realloc(c->body, nc);
        if( !p ) return -503;
        c->body = p; c->bodyCap = nc;
      }
      rc = HttpChunkedDecode(&c->chunk, src+used, avail-used, c->body + c->bodyLen,
                             c->bodyCap - c->bodyLen, HttpBodyLimit(&cf.lim, r), &u, &produced);
      used += u; c->bodyLen += produced;
      if( rc!=0 || used==avail ) break;
    }
  }else{
    size_t need = (size_t)r->contentLength - c->bodyLen, n = avail<need ? avail : need;
    /* the buffer may be left from an earlier request on this connection: make it big enough */
    if( c->bodyCap < (size_t)r->contentLength + 1 ){
      char *p = realloc(c->body, r->contentLength + 1);
      if( !p ) return -503;
      c->body = p;
      c->bodyCap = r->contentLength + 1;
    }
    memcpy(c->body + c->bodyLen, src, n);
    c->bodyLen += n; used = n;
    rc = c->bodyLen==(size_t)r->contentLength;
  }
  if( used ){
    memmove(src, src+used, avail-used);
    c->inLen -= used;
  }
  return rc;
}

/* finishRequest: the response to C's current request is written: drop the request's bytes and
** state, ready for the next request. */
static void finishRequest(Conn *c){
  if( c->headLen>0 ){
    accessAppend(c);
    memmove(c->in, c->in + c->headLen, c->inLen - c->headLen);
    c->inLen -= c->headLen;
  }
  c->headLen = 0;
  c->status = 0; c->sent = 0;
  c->outLen = c->outOff = 0;
  releaseExt(c);
  if( c->bodyCap>65536 ){ free(c->body); c->body = 0; c->bodyCap = 0; }
  c->bodyLen = 0;
  if( c->outCap>65536 ){ free(c->out); c->out = 0; c->outCap = 0; }
  c->state = ST_READ;
  c->tStart = c->tActive = nowMono();
}

/* connTrim: give back the buffers of a keep-alive connection that has been idle a while (the
** once-a-second sweep does it; freeing after every request would only churn the allocator). */
static void connTrim(Conn *c){
  free(c->in); c->in = 0; c->inCap = 0;
  free(c->req); c->req = 0;
  free(c->body); c->body = 0; c->bodyCap = 0;
  free(c->out); c->out = 0; c->outCap = 0;
}

/* ---- control connections (console attach, status) ---- */

/* ctlStep: parse the control frame "LENGTH\n" SCRIPT in C's buffer; submit it when complete.
** Returns 1 when submitted, 0 when more bytes are needed, -1 when malformed. */
static int ctlStep(Conn *c){
  if( !c->ctlHave ){
    char *nl = memchr(c->in, '\n', c->inLen);
    long long n = 0;
    char *p;
    if( !nl ) return c->inLen>20 ? -1 : 0;
    for(p=c->in; p<nl; p++){
      if( *p<'0' || *p>'9' || n>(16<<20) ) return -1;
      n = n*10 + (*p-'0');
    }
    c->ctlNeed = n;
    c->ctlHave = 1;
    c->headLen = nl+1-c->in;
  }
  if( c->inLen - c->headLen < (size_t)c->ctlNeed ){
    if( c->inCap < c->headLen + (size_t)c->ctlNeed + 1 ){
      char *p = realloc(c->in, c->headLen + c->ctlNeed + 1);
      if( !p ) return -1;
      c->in = p; c->inCap = c->headLen + c->ctlNeed + 1;
    }
    return 0;
  }
  {
    YqJob *j = calloc(1, sizeof *j);
    if( !j ) return -1;
    j->kind = YQJOB_CONTROL;
    j->fd = c->fd; j->serial = c->serial;
    j->data = malloc(c->ctlNeed + 1);
    if( !j->data ){ free(j); return -1; }
    memcpy(j->data, c->in + c->headLen, c->ctlNeed);
    j->data[c->ctlNeed] = 0;
    j->body = j->data; j->bodyLen = c->ctlNeed;
    c->state = ST_WAIT;
    st.waiting++;
    want(c, 0);
    YqControlSubmit(j);
  }
  return 1;
}

/* ---- the state machine ---- */

/*
** enterLinger: the last response is written and the connection is to close: say so (TLS
** close_notify, TCP FIN), then read and discard whatever the client still sends for up to two
** seconds, so that unread request bytes do not make the kernel reset the connection before the
** client has read the answer.
*/
static void enterLinger(Conn *c){
  if( c->ssl ) mbedtls_ssl_close_notify(c->ssl);
  shutdown(c->fd, SHUT_WR);
  releaseExt(c);
  free(c->in); c->in = 0; c->inLen = c->inCap = 0;
  free(c->out); c->out = 0; c->outLen = c->outOff = c->outCap = 0;
  free(c->body); c->body = 0; c->bodyLen = c->bodyCap = 0;
  c->headLen = 0;
  c->state = ST_LINGER;
  c->tActive = nowMono();
}

/* connRun: advance C as far as it can go without blocking; may close it. */
static void connRun(Conn *c){
  for(;;){
    switch( c->state ){
      case ST_HANDSHAKE: {
        int r = mbedtls_ssl_handshake(c->ssl);
        if( r==MBEDTLS_ERR_SSL_WANT_READ ){ want(c, EPOLLIN); return; }
        if( r==MBEDTLS_ERR_SSL_WANT_WRITE ){ want(c, EPOLLOUT); return; }
        if( r ){ st.handshakeFails++; connClose(c); return; }
        st.handshakes++;
        c->state = ST_READ;
        c->mayRead = 1;
        c->tStart = c->tActive = nowMono();
        break;
      }
      case ST_READ: {
        int r;
        if( c->kind==K_CTRL ){
          if( c->inLen ){
            r = ctlStep(c);
            if( r<0 ){ connClose(c); return; }
            if( r>0 ) return;
          }
        }else if( c->inLen ){
          if( !c->req ){
            c->req = malloc(sizeof *c->req);
            if( !c->req ){ connClose(c); return; }
          }
          r = HttpParseHead(c->in, c->inLen, &cf.lim, c->req);
          if( r<0 ){
            c->tHead = nowMono();
            st.malformed++;
            c->headLen = 0;
            memcpy(c->peer, c->sockPeer, sizeof c->peer);
            c->loopback = c->sockLoopback;
            errorPage(c, -r, 1, 0);
            break;
          }
          if( r>0 ){ beginRequest(c, r); break; }
        }else if( stopping ){
          connClose(c);
          return;
        }
        if( !c->mayRead ){ want(c, EPOLLIN); return; }
        {
          size_t before = c->inLen;
          r = connRecv(c);
          if( r==0 ){ connClose(c); return; }
          if( r<0 ){
            if( c->inLen>=c->inCap && c->inLen ){  /* buffer full without a head: over limit */
              c->tHead = nowMono(); errorPage(c, 431, 1, 0); break;
            }
            want(c, EPOLLIN); return;
          }
          if( before==0 ) c->tStart = nowMono();
        }
        break;
      }
      case ST_BODY: {
        int r = readBody(c);
        if( r<0 ){ st.malformed++; errorPage(c, -r, 1, 0); break; }
        if( r>0 ){ route(c); break; }
        if( !c->mayRead ){ want(c, EPOLLIN); return; }
        r = connRecv(c);
        if( r==0 ){ connClose(c); return; }
        if( r<0 ){ want(c, EPOLLIN); return; }
        break;
      }
      case ST_WAIT:
        want(c, 0);
        return;
      case ST_WRITE: {
        int r = connFlush(c);
        if( r<0 ){ connClose(c); return; }
        if( r==0 ){ want(c, EPOLLOUT); return; }
        if( c->cont ){                  /* "100 Continue" sent: now the body */
          c->cont = 0;
          c->outLen = c->outOff = 0;
          c->state = ST_BODY;
          break;
        }
        if( c->kind==K_CTRL ){ connClose(c); return; }
        if( c->closeAfter ){
          accessAppend(c);
          enterLinger(c);
          break;
        }
        finishRequest(c);
        break;
      }
      case ST_LINGER: {
        char buf[4096];
        for(;;){
          ssize_t r = recv(c->fd, buf, sizeof buf, 0);
          if( r>0 ) continue;
          if( r<0 && (errno==EAGAIN || errno==EWOULDBLOCK || errno==EINTR) ){ want(c, EPOLLIN); return; }
          connClose(c);
          return;
        }
      }
    }
  }
}

/* ---- accepting ---- */

/* acceptOn: accept every pending connection on listener LFD of KIND. */
static void acceptOn(int lfd, int kind){
  for(;;){
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int fd = accept4(lfd, (struct sockaddr*)&sa, &sl, SOCK_NONBLOCK|SOCK_CLOEXEC);
    Conn *c;
    struct epoll_event e;
    if( fd<0 ){
      if( errno==EINTR || errno==ECONNABORTED ) continue;
      if( errno==EMFILE || errno==ENFILE ) YqLog("error", "accept: %s", strerror(errno));
      return;
    }
    if( st.open>=cf.maxConns || fd>=nConnSlots ){
      st.rejected++;
      close(fd);
      continue;
    }
    c = calloc(1, sizeof *c);
    if( !c ){ close(fd); continue; }
    c->fd = fd;
    c->serial = ++serialCounter;
    c->kind = kind;
    c->loopback = isLoopback(&sa);
    c->tStart = c->tActive = nowMono();
    c->mayRead = 1;
    if( sa.ss_family==AF_INET ){
      inet_ntop(AF_INET, &((struct sockaddr_in*)&sa)->sin_addr, c->peer, sizeof c->peer);
    }else if( sa.ss_family==AF_INET6 ){
      inet_ntop(AF_INET6, &((struct sockaddr_in6*)&sa)->sin6_addr, c->peer, sizeof c->peer);
    }else{
      strcpy(c->peer, "local");
    }
    memcpy(c->sockPeer, c->peer, sizeof c->peer);
    c->sockLoopback = c->loopback;
    if( kind!=K_CTRL ){
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if( kind==K_HTTPS ){
      c->tls = TlsCurrent();
      c->ssl = malloc(sizeof *c->ssl);
      if( !c->tls || !c->ssl ){ TlsUnref(c->tls); free(c->ssl); free(c); close(fd); continue; }
      mbedtls_ssl_init(c->ssl);
      if( mbedtls_ssl_setup(c->ssl, TlsConfig(c->tls)) ){
        mbedtls_ssl_free(c->ssl); free(c->ssl); TlsUnref(c->tls); free(c); close(fd); continue;
      }
      mbedtls_ssl_set_bio(c->ssl, c, bioSend, bioRecv, NULL);
      c->state = ST_HANDSHAKE;
      st.openTls++;
    }else{
      c->state = ST_READ;
    }
    conns[fd] = c;
    st.open++;
    st.accepted++;
    e.events = EPOLLIN;
    e.data.u64 = (unsigned long long)fd | ((unsigned long long)c->serial<<32);
    c->events = EPOLLIN;
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
    connRun(c);
  }
}

/* ---- jobs coming back ---- */

/* HttpdJobDone: (any thread) hand a finished job back to the driver. */
void HttpdJobDone(YqJob *j){
  unsigned long long one = 1;
  j->next = 0;
  pthread_mutex_lock(&doneMutex);
  if( doneTail ) doneTail->next = j; else doneHead = j;
  doneTail = j;
  pthread_mutex_unlock(&doneMutex);
  if( write(wakefd, &one, sizeof one)<0 ){ /* the counter cannot overflow in practice */ }
}

/* hasSetCookie: whether header lines H (LEN bytes) set a cookie. */
static int hasSetCookie(const char *h, size_t len){
  return hasHeader(h, len, "set-cookie:");
}

/* hasHeader: whether header lines H (LEN bytes) contain a field NAME (lower case, with the
** colon). */
static int hasHeader(const char *h, size_t len, const char *name){
  size_t i, n = strlen(name);
  for(i=0; i+n<=len; i++){
    if( (i==0 || h[i-1]=='\n') && strncasecmp(h+i, name, n)==0 ) return 1;
  }
  return 0;
}

/* jobResponse: write the worker's response in J to connection C (J is consumed). */
static void jobResponse(Conn *c, YqJob *j){
  int head = c->req && c->req->methodId==HTTP_HEAD;
  c->tHead = j->t0;
  if( j->kind==YQJOB_CONTROL ){
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%d %zu\n", j->code, j->rbodyLen);
    outAdd(c, buf, n);
    outAdd(c, j->rbody ? j->rbody : "", j->rbodyLen);
    YqJobFree(j);
    c->state = ST_WRITE;
    return;
  }
  if( j->cacheName && j->status==200 && strcmp(j->method, "GET")==0
      && !hasSetCookie(j->rhead, j->rheadLen) ){
    CacheEntry *e = cacheStore(j);
    if( e ){
      YqJobFree(j);
      sendEntity(c, e->head, e->headLen, e->body, e->len, e->gz, e->gzLen, e->etag, e->lastmod,
                 "Cache-Control: no-cache\r\n", X_CACHE, e);
      return;
    }
  }
  {
    int useGz = j->rgzip && c->req->gzipOk;
    int noBody = head || j->status==204 || j->status==304;
    startResponse(c, j->status, (j->status==204 || j->status==304) ? -1 : (long long)(useGz ? j->rgzipLen : j->rbodyLen),
                  j->rhead, j->rheadLen);
    outAdd(c, j->rhead, j->rheadLen);
    if( j->rgzip ) outStr(c, "Vary: Accept-Encoding\r\n");
    if( useGz ) outStr(c, "Content-Encoding: gzip\r\n");
    outStr(c, "\r\n");
    if( noBody ){ c->sent = 0; YqJobFree(j); }
    else setBody(c, useGz ? j->rgzip : j->rbody, useGz ? j->rgzipLen : j->rbodyLen, X_JOB, j);
  }
  c->state = ST_WRITE;
}

/* takeDone: answer every finished job whose connection is still there. */
static void takeDone(void){
  YqJob *j, *next;
  unsigned long long cnt;
  if( read(wakefd, &cnt, sizeof cnt)<0 ){ /* EAGAIN: nothing new */ }
  pthread_mutex_lock(&doneMutex);
  j = doneHead;
  doneHead = doneTail = 0;
  pthread_mutex_unlock(&doneMutex);
  for(; j; j=next){
    Conn *c = (j->fd>=0 && j->fd<nConnSlots) ? conns[j->fd] : 0;
    next = j->next;
    if( !c || c->serial!=j->serial || c->state!=ST_WAIT ){ YqJobFree(j); continue; }
    st.waiting--;
    jobResponse(c, j);
    connRun(c);
  }
}

/* ---- timeouts ---- */

/* sweep: close connections that exceeded a timeout (408 to a half-sent request). */
static void sweep(double now){
  int fd;
  for(fd=0; fd<nConnSlots; fd++){
    Conn *c = conns[fd];
    if( !c ) continue;
    switch( c->state ){
      case ST_HANDSHAKE:
        if( now - c->tStart > cf.headerTimeout ){ st.timeouts++; connClose(c); }
        break;
      case ST_READ:
        if( c->inLen>0 && now - c->tStart > cf.headerTimeout ){
          st.timeouts++;
          if( c->kind==K_CTRL ){ connClose(c); break; }
          c->tHead = now;
          c->headLen = 0;
          errorPage(c, 408, 1, 0);
          connRun(c);
        }else if( c->inLen==0 && now - c->tActive > cf.idleTimeout ){
          st.timeouts++;
          connClose(c);
        }else if( c->inLen==0 && c->inCap && now - c->tActive > 1.0 ){
          connTrim(c);
        }
        break;
      case ST_BODY:
        if( now - c->tHead > cf.bodyTimeout ){
          st.timeouts++;
          errorPage(c, 408, 1, 0);
          connRun(c);
        }
        break;
      case ST_WRITE:
        if( now - c->tActive > cf.idleTimeout ){ st.timeouts++; connClose(c); }
        break;
      case ST_LINGER:
        if( now - c->tActive > 2.0 ) connClose(c);
        break;
    }
  }
}

/* ---- signals and shutdown ---- */

static void onSignal(int sig){
  unsigned char b = (unsigned char)sig;
  int saved = errno;
  if( write(sigpipe[1], &b, 1)<0 ){ /* pipe full: a signal is already pending */ }
  errno = saved;
}

/* beginStop: stop accepting; close idle connections, let the others finish. */
static void beginStop(void){
  int fd;
  if( stopping ) return;
  stopping = 1;
  stopDeadline = nowMono() + cf.shutdownTimeout;
  YqLog("info", "shutting down: %ld connection(s) open", st.open);
  if( lisHttps>=0 ){ close(lisHttps); lisHttps = -1; }
  if( lisHttp>=0 ){ close(lisHttp); lisHttp = -1; }
  if( lisCtl>=0 ){ close(lisCtl); lisCtl = -1; unlink(ctlPath); }
  for(fd=0; fd<nConnSlots; fd++){
    Conn *c = conns[fd];
    if( !c ) continue;
    if( (c->state==ST_READ && c->inLen==0) || c->state==ST_HANDSHAKE || c->kind==K_CTRL ) connClose(c);
    else c->closeAfter = 1;
  }
}

/* HttpdShutdown: (any thread) ask the driver to stop as on SIGTERM. */
void HttpdShutdown(void){
  onSignal(SIGTERM);
}

/* takeSignals: act on the signals noted by onSignal. */
static void takeSignals(void){
  unsigned char b[64];
  ssize_t n = read(sigpipe[0], b, sizeof b), i;
  for(i=0; i<n; i++){
    if( b[i]==SIGHUP ){
      char err[300];
      YqLog("info", "SIGHUP: reloading scripts, configuration and certificate");
      if( accessPath[0] && strcmp(accessPath, "-")!=0 && HttpdAccessLog(accessPath, err, sizeof err) ){
        YqLog("error", "%s", err);
      }
      YqReloadRequest();
    }else{
      beginStop();
    }
  }
}

/* ---- setup and the loop ---- */

/* listenOn: a non-blocking listening TCP socket on ADDR (HOST:PORT, [V6]:PORT); its port in *PORT.
** Returns the socket or -1 with ERR set. */
static int listenOn(const char *addr, int *port, char *err, size_t n){
  char host[300], *colon;
  struct addrinfo hints, *ai = 0;
  int fd, one = 1, rc;
  const char *p;
  snprintf(host, sizeof host, "%s", addr);
  colon = strrchr(host, ':');
  if( !colon ){ snprintf(err, n, "bad address %s (want HOST:PORT)", addr); return -1; }
  *colon = 0;
  p = colon+1;
  if( host[0]=='[' ){
    size_t l = strlen(host);
    if( l<2 || host[l-1]!=']' ){ snprintf(err, n, "bad address %s", addr); return -1; }
    host[l-1] = 0;
    memmove(host, host+1, l-1);
  }
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE|AI_NUMERICSERV;
  rc = getaddrinfo(host[0] ? host : NULL, p, &hints, &ai);
  if( rc ){ snprintf(err, n, "cannot resolve %s: %s", addr, gai_strerror(rc)); return -1; }
  fd = socket(ai->ai_family, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0);
  if( fd<0 ){ snprintf(err, n, "socket: %s", strerror(errno)); freeaddrinfo(ai); return -1; }
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if( bind(fd, ai->ai_addr, ai->ai_addrlen)!=0 || listen(fd, 4096)!=0 ){
    snprintf(err, n, "cannot listen on %s: %s", addr, strerror(errno));
    close(fd); freeaddrinfo(ai);
    return -1;
  }
  freeaddrinfo(ai);
  {
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    getsockname(fd, (struct sockaddr*)&sa, &sl);
    *port = ntohs(sa.ss_family==AF_INET6 ? ((struct sockaddr_in6*)&sa)->sin6_port
                                         : ((struct sockaddr_in*)&sa)->sin_port);
  }
  return fd;
}

/*
** HttpdListen: open the listeners: HTTPS on HTTPS (required), plain HTTP on HTTP (or none when
** empty), the control socket at CTL (mode 0600, a stale file is replaced). Also sets up epoll, the wake eventfd, the signal handlers and the
** connection table. Returns 0 or -1 with ERR set (everything opened is closed again).
*/
int HttpdListen(const char *https, const char *http, const char *ctl, char *err, size_t n){
  struct sockaddr_un un;
  struct rlimit rl;
  int port2 = 0;
  struct epoll_event e;
  struct sigaction sa;

  startTime = time(0);
  HttpdGetConf(&cf);
  lisHttps = listenOn(https, &httpsPort, err, n);
  if( lisHttps<0 ) return -1;
  if( http && *http ){
    lisHttp = listenOn(http, &port2, err, n);
    if( lisHttp<0 ){ close(lisHttps); lisHttps = -1; return -1; }
  }
  if( strlen(ctl)>=sizeof un.sun_path ){
    snprintf(err, n, "control socket path %s is too long", ctl);
    goto fail;
  }
  lisCtl = socket(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0);
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, ctl);
  snprintf(ctlPath, sizeof ctlPath, "%s", ctl);
  unlink(ctl);
  {
    mode_t old = umask(0077);
    int rc = bind(lisCtl, (struct sockaddr*)&un, sizeof un);
    umask(old);
    if( rc!=0 || chmod(ctl, 0600)!=0 || listen(lisCtl, 64)!=0 ){
      snprintf(err, n, "cannot listen on %s: %s", ctl, strerror(errno));
      goto fail;
    }
  }
  /* as many descriptors as the system allows (idle keep-alive connections are cheap) */
  if( getrlimit(RLIMIT_NOFILE, &rl)==0 ){
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  nConnSlots = rl.rlim_cur>1048576 ? 1048576 : (int)rl.rlim_cur;
  conns = calloc(nConnSlots, sizeof *conns);
  epfd = epoll_create1(EPOLL_CLOEXEC);
  wakefd = eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC);
  if( !conns || epfd<0 || wakefd<0 || pipe2(sigpipe, O_NONBLOCK|O_CLOEXEC)!=0 ){
    snprintf(err, n, "cannot set up the event loop: %s", strerror(errno));
    goto fail;
  }
  e.events = EPOLLIN;
  e.data.u64 = TAG_LISTEN_HTTPS; epoll_ctl(epfd, EPOLL_CTL_ADD, lisHttps, &e);
  if( lisHttp>=0 ){ e.data.u64 = TAG_LISTEN_HTTP; epoll_ctl(epfd, EPOLL_CTL_ADD, lisHttp, &e); }
  e.data.u64 = TAG_LISTEN_CTL; epoll_ctl(epfd, EPOLL_CTL_ADD, lisCtl, &e);
  e.data.u64 = TAG_WAKE; epoll_ctl(epfd, EPOLL_CTL_ADD, wakefd, &e);
  e.data.u64 = TAG_SIGNAL; epoll_ctl(epfd, EPOLL_CTL_ADD, sigpipe[0], &e);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = onSignal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, 0);
  sigaction(SIGINT, &sa, 0);
  sigaction(SIGHUP, &sa, 0);
  signal(SIGPIPE, SIG_IGN);
  httpPort = port2;
  return 0;
fail:
  if( lisHttps>=0 ) close(lisHttps);
  if( lisHttp>=0 ) close(lisHttp);
  if( lisCtl>=0 ){ close(lisCtl); unlink(ctl); }
  lisHttps = lisHttp = lisCtl = -1;
  return -1;
}

/* HttpdDescribe: write a description of the listeners (with the current settings) into WHERE. */
void HttpdDescribe(char *where, size_t wn){
  HttpdConf c;
  char h2[200] = "";
  HttpdGetConf(&c);
  if( httpPort ){
    snprintf(h2, sizeof h2, ", http port %d (%s)", httpPort, c.httpServe ? "serving" : "redirecting to https");
  }
  snprintf(where, wn, "https port %d%s, control socket %s", httpsPort, h2, ctlPath);
}

/* driverMain: the driver thread's loop; returns when the server has stopped. */
static void *driverMain(void *arg){
  struct epoll_event evs[256];
  (void)arg;
  for(;;){
    int n, i;
    double now;
    if( confChanged ){
      pthread_mutex_lock(&confMutex);
      cf = sharedConf;
      confChanged = 0;
      pthread_mutex_unlock(&confMutex);
    }
    n = epoll_wait(epfd, evs, 256, stopping ? 100 : 1000);
    for(i=0; i<n; i++){
      unsigned long long tag = evs[i].data.u64;
      if( tag==TAG_LISTEN_HTTPS ){ if( lisHttps>=0 ) acceptOn(lisHttps, K_HTTPS); }
      else if( tag==TAG_LISTEN_HTTP ){ if( lisHttp>=0 ) acceptOn(lisHttp, K_HTTP); }
      else if( tag==TAG_LISTEN_CTL ){ if( lisCtl>=0 ) acceptOn(lisCtl, K_CTRL); }
      else if( tag==TAG_WAKE ){ takeDone(); }
      else if( tag==TAG_SIGNAL ){ takeSignals(); }
      else{
        int fd = (int)(tag & 0xffffffff);
        Conn *c = fd<nConnSlots ? conns[fd] : 0;
        if( !c || c->serial!=(unsigned)(tag>>32) ) continue;
        if( (evs[i].events & EPOLLERR) || ((evs[i].events & EPOLLHUP) && c->state==ST_WAIT) ){
          connClose(c);            /* the client is gone; a late job result is dropped */
          continue;
        }
        if( evs[i].events & EPOLLIN ) c->mayRead = 1;
        connRun(c);
      }
    }
    now = nowMono();
    if( now - lastSweep >= 1.0 ){ lastSweep = now; sweep(now); }
    accessFlush();
    if( stopping ){
      if( st.open==0 ) break;
      if( now>stopDeadline ){
        int fd;
        YqLog("warning", "shutdown: closing %ld connection(s) still busy after %.0f s", st.open, cf.shutdownTimeout);
        for(fd=0; fd<nConnSlots; fd++) if( conns[fd] ) connClose(conns[fd]);
        break;
      }
    }
  }
  accessFlush();
  return 0;
}

/* HttpdStartThread: start the driver thread. Returns 0 or -1 with ERR set. */
int HttpdStartThread(char *err, size_t n){
  if( pthread_create(&driverThread, 0, driverMain, 0)!=0 ){
    snprintf(err, n, "cannot start the driver thread");
    return -1;
  }
  driverStarted = 1;
  return 0;
}

/* HttpdWait: wait for the driver thread to end (after a stop) and release the listeners. */
void HttpdWait(void){
  if( driverStarted ) pthread_join(driverThread, 0);
  driverStarted = 0;
  if( lisHttps>=0 ){ close(lisHttps); lisHttps = -1; }
  if( lisHttp>=0 ){ close(lisHttp); lisHttp = -1; }
  if( lisCtl>=0 ){ close(lisCtl); lisCtl = -1; unlink(ctlPath); }
}
