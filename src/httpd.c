/*
** httpd.c - the driver threads of `yqbox serve`: every socket, HTTP/1.1 and TLS, in C.
**
** Each driver thread (the drivers key: one per processor by default) runs an epoll loop over its
** own listening sockets (https and optional plain http, one SO_REUSEPORT socket per driver on the
** same port, so the kernel spreads new connections over the drivers), the connections it
** accepted, and an eventfd on which the Tcl threads (server.c) hand back its finished jobs;
** driver 1 also has the control socket DATADIR/control.sock and a self-pipe for signals. A TLS
** handshake (~2 ms of CPU) thus holds up only the connections of its own driver. What the
** drivers share and how it is protected is listed at struct Driver below. Each connection is a small
** state machine: TLS handshake -> read a request head (http.c parses it under the configured
** limits) -> read its body (Content-Length or chunked, "100 Continue" when asked) -> answer it
** from memory (the response cache, cache.c; static files of webroot/, static.c) or pass it as a
** job to the worker pool and wait (also /metrics, for loopback peers only: its Tcl route adds the
** background jobs to the driver's counters, HttpdMetrics in metrics.c) -> write the response ->
** next request (keep-alive; pipelined requests are answered one after another, in order).
** Malformed or over-limit requests get their exact 4xx status and the connection is closed; a
** once-a-second sweep enforces the header-read, body, idle and write timeouts, so slow clients
** cost a few hundred bytes each and never a worker.
**
** The driver never runs Tcl and the workers never touch a socket. Every response carries the
** security headers (HSTS, nosniff, CSP, Referrer-Policy, frame-ancestors), is counted and gets
** its access-log line (metrics.c). Errors go to stderr through YqLog(): TIME LEVEL message.
** src/httpd.h holds what the four files of the driver share.
*/
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
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
#include "httpd.h"

/* ---------------------------------------------------------------------------------------------
** Configuration, set from Tcl (server configure) in any thread; each driver copies it when the
** generation confGen has moved past the one it copied last.
*/
static pthread_mutex_t confMutex = PTHREAD_MUTEX_INITIALIZER;
static HttpdConf sharedConf = {
  {8192, 16384, 1048576, 100}, 20000, 10.0, 30.0, 60.0, 10.0, 0, 64<<20
};
static unsigned confGen = 1;  /* bumped under confMutex by every HttpdConfigure */

/* HttpdConfigure: replace the drivers' settings with *C (each takes them on its next loop turn). */
void HttpdConfigure(const HttpdConf *c){
  pthread_mutex_lock(&confMutex);
  sharedConf = *c;
  if( sharedConf.lim.maxHeaders>HTTP_MAX_HEADERS ) sharedConf.lim.maxHeaders = HTTP_MAX_HEADERS;
  __atomic_add_fetch(&confGen, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&confMutex);
}

/* HttpdGetConf: copy the current settings into *C. */
void HttpdGetConf(HttpdConf *c){
  pthread_mutex_lock(&confMutex);
  *c = sharedConf;
  pthread_mutex_unlock(&confMutex);
}

/* ---------------------------------------------------------------------------------------------
** Time
*/
time_t httpdStartTime;

/* nowMono: seconds on the monotonic clock (timeouts, latencies). No side effects. */
static double nowMono(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec/1e9;
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

/*
** The drivers. Each driver thread owns one epoll loop, its own SO_REUSEPORT listeners for https
** and http (the kernel spreads new connections over them), its connections (a table by file
** descriptor that only it reads or writes), its copy of the settings, its counters and the queue
** of finished jobs the Tcl threads hand back to it (each job names its driver). Driver 0 (shown
** as driver 1 in `server stats`) also owns the control socket and the signal pipe. What the
** drivers share, and how:
**   - the settings (sharedConf): confMutex; each driver copies them when confGen moves;
**   - the number of open connections (openAll, for max_connections): an atomic counter; the
**     control socket's connections count in it but are never refused;
**   - stopping: an atomic flag set by driver 0 (SIGTERM/SIGINT, `server stop`), after which it
**     wakes the others through their eventfds; each then stops by itself (beginStop);
**   - the response cache, static files, TLS configuration, access log: their own mutexes and
**     atomic reference counts (cache.c, static.c, tls.c, metrics.c); mbedTLS's RNG and PSA key
**     store lock themselves (MBEDTLS_THREADING_PTHREAD);
**   - counters: per driver, written by its thread only (relaxed atomic stores); readers copy or
**     sum them with relaxed atomic loads (HttpdCountersSum), a little stale, never torn;
**   - drivers[] itself: made before any thread starts, freed (HttpdRelease) after all have ended.
** Checked with ThreadSanitizer (a glibc build with the driver's files instrumented) over
** tests/server.test: no report in this code.
*/
typedef struct Driver {
  int id;
  pthread_t thread;
  int started;
  int epfd, wakefd;
  int lisHttps, lisHttp;       /* this driver's listeners (SO_REUSEPORT), -1 when closed */
  Conn **conns;                /* by file descriptor; only this driver's connections */
  int maxFd;                   /* highest descriptor ever in conns (bounds the sweeps) */
  unsigned serialCounter;
  HttpdConf cf;                /* this driver's copy of the settings */
  unsigned confSeen;           /* the confGen it was copied at */
  int stopped;                 /* beginStop has run in this driver */
  double stopDeadline, lastSweep;
  char dateStr[40];            /* "Date" value for the current second */
  time_t dateSec;
  pthread_mutex_t doneMutex;   /* guards doneHead/doneTail: finished jobs from the Tcl threads */
  YqJob *doneHead, *doneTail;
  HttpdCounters ctr;
} Driver;

static Driver *drivers;
static int nDrivers;
static __thread Driver *D;     /* the driver this thread runs (set by driverMain) */
static int nConnSlots;
static long openAll;           /* connections open in all drivers (atomic) */
static int sigpipe[2] = {-1, -1};
static int lisCtl = -1;        /* the control socket (driver 0) */
static int httpsPort, httpPort;
static char ctlPath[4096];
static int stopping;           /* atomic: the server is stopping */

/* isStopping: whether the server is stopping (any thread). No side effects. */
static int isStopping(void){ return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE); }

/* updateDate: bring this driver's "Date" value (D->dateStr) up to the current second. */
static void updateDate(void){
  time_t t = time(0);
  if( t!=D->dateSec ){ D->dateSec = t; HttpDate(t, D->dateStr); }
}

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
  epoll_ctl(D->epfd, EPOLL_CTL_MOD, c->fd, &e);
  c->events = ev;
}

/* releaseExt: let go of the body reference of C's last response. */
static void releaseExt(Conn *c){
  switch( c->extKind ){
    case X_STATIC: StaticRelease(c->extRef); break;
    case X_CACHE: CacheRelease(c->extRef); break;
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
    CTR_ADD(D->ctr.openTls, -1);
  }
  TlsUnref(c->tls);
  if( c->state==ST_WAIT ) CTR_ADD(D->ctr.waiting, -1);
  releaseExt(c);
  D->conns[c->fd] = 0;
  close(c->fd);
  free(c->in); free(c->req); free(c->body); free(c->out);
  free(c);
  CTR_ADD(D->ctr.open, -1);
  __atomic_sub_fetch(&openAll, 1, __ATOMIC_RELAXED);
}

/* ---- sending and receiving (plain or TLS) ---- */

/* bioSend: mbedTLS's send callback on C's socket; WANT_WRITE when the socket is full. */
static int bioSend(void *ctx, const unsigned char *buf, size_t len){
  Conn *c = ctx;
  ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
  if( n<0 ){
    if( errno==EAGAIN || errno==EWOULDBLOCK || errno==EINTR ) return MBEDTLS_ERR_SSL_WANT_WRITE;
    return MBEDTLS_ERR_NET_SEND_FAILED;
  }
  return (int)n;
}

/* bioRecv: mbedTLS's receive callback on C's socket; WANT_READ when nothing is there yet. */
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
  size_t want_ = D->cf.lim.maxHead + 1024;
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
/* outStr: append the NUL-terminated S to C's output. */
static void outStr(Conn *c, const char *s){ outAdd(c, s, strlen(s)); }

/* ---- responses ---- */

/* noteResponse: count a response with STATUS in the metrics (C's latency clock is tHead) and
** keep STATUS for the access log. */
static void noteResponse(Conn *c, int status){
  c->status = status;
  MetricsNoteResponse(&D->ctr, status, nowMono() - c->tHead);
}

/* accessNote: the access-log line of C's finished response (metrics.c writes it). */
static void accessNote(Conn *c){
  AccessAppend(c->in, c->inLen, c->req && c->headLen>0 ? c->req : 0, c->peer, c->status, c->sent,
               (nowMono() - c->tHead)*1000.0, c->kind==K_HTTPS ? "https" : "http");
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
               HttpStatusText(status), D->dateStr);
  outAdd(c, buf, n);
  if( len>=0 ){
    n = snprintf(buf, sizeof buf, "Content-Length: %lld\r\n", len);
    outAdd(c, buf, n);
  }
  if( c->closeAfter || isStopping() ){
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
  CTR_ADD(D->ctr.bytesOut, len);
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
    time_t since = HttpDateParse(c->in + r->ifModifiedSince.off, r->ifModifiedSince.len);
    time_t lm = HttpDateParse(lastmod, strlen(lastmod));
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
  for(i=0; i<D->cf.nTrusted; i++){
    if( D->cf.trusted[i].family==family && memcmp(D->cf.trusted[i].addr, addr, family==AF_INET ? 4 : 16)==0 ) return 1;
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
  if( !D->cf.nTrusted || !r || !parseAddr(c->sockPeer, strlen(c->sockPeer), &fam, sock) ) return;
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
  const char *h = c->in + r->host.off, *p = D->cf.publicHost;
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
  j->fd = c->fd; j->serial = c->serial; j->driver = D->id;
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
  j->cacheGen = CacheGeneration();
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
  if( c->kind==K_HTTP && !D->cf.httpServe ){ redirectHttps(c); return; }
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
  if( dl<0 ){ CTR_ADD(D->ctr.malformed, 1); errorPage(c, -dl, 1, 0); return; }

  /* /metrics is for this machine only (a local Prometheus); its route (scripts/web/health.tcl)
  ** answers with the jobs and HttpdMetrics, never cached */
  if( strcmp(path, "/metrics")==0 && !c->loopback ){ errorPage(c, 404, 0, 0); return; }
  if( (m==HTTP_GET || m==HTTP_HEAD) && c->kind!=K_CTRL ){
    CacheEntry *e = CacheFind(c->in + r->target.off, r->target.len);
    StaticFile *f;
    StaticTable *tab;
    if( e ){
      CTR_ADD(D->ctr.cacheHits, 1);
      sendEntity(c, e->head, e->headLen, e->body, e->len, e->gz, e->gzLen, e->etag, e->lastmod,
                 "Cache-Control: no-cache\r\n", X_CACHE, e);
      return;
    }
    tab = StaticAcquire();
    f = StaticFind(tab, path);
    if( f ){
      char ct[160];
      int n = snprintf(ct, sizeof ct, "Content-Type: %s\r\n", f->mime);
      CTR_ADD(D->ctr.staticHits, 1);
      sendEntity(c, ct, n, f->data, f->len, f->gz, f->gzLen, f->etag, f->lastmod,
                 "Cache-Control: public, max-age=300\r\n", X_STATIC, tab);
      return;
    }
    StaticRelease(tab);
  }else{
    StaticTable *tab = StaticAcquire();
    StaticFile *f = StaticFind(tab, path);
    StaticRelease(tab);
    if( f ){ errorPage(c, 405, 0, "Allow: GET, HEAD\r\n"); return; }
  }
  {
    YqJob *j = makeJob(c, path);
    if( !j ){ errorPage(c, 503, 1, 0); return; }
    CTR_ADD(D->ctr.dynamic, 1);
    CTR_ADD(D->ctr.waiting, 1);
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
        if( nc > HttpBodyLimit(&D->cf.lim, r) + 4096 ) nc = HttpBodyLimit(&D->cf.lim, r) + 4096;
        if( nc<=c->bodyCap ) return -413;
        p = realloc(c->body, nc);
        if( !p ) return -503;
        c->body = p; c->bodyCap = nc;
      }
      rc = HttpChunkedDecode(&c->chunk, src+used, avail-used, c->body + c->bodyLen,
                             c->bodyCap - c->bodyLen, HttpBodyLimit(&D->cf.lim, r), &u, &produced);
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
    accessNote(c);
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
    j->fd = c->fd; j->serial = c->serial; j->driver = D->id;
    j->data = malloc(c->ctlNeed + 1);
    if( !j->data ){ free(j); return -1; }
    memcpy(j->data, c->in + c->headLen, c->ctlNeed);
    j->data[c->ctlNeed] = 0;
    j->body = j->data; j->bodyLen = c->ctlNeed;
    c->state = ST_WAIT;
    CTR_ADD(D->ctr.waiting, 1);
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
        if( r ){ CTR_ADD(D->ctr.handshakeFails, 1); connClose(c); return; }
        CTR_ADD(D->ctr.handshakes, 1);
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
          r = HttpParseHead(c->in, c->inLen, &D->cf.lim, c->req);
          if( r<0 ){
            c->tHead = nowMono();
            CTR_ADD(D->ctr.malformed, 1);
            c->headLen = 0;
            memcpy(c->peer, c->sockPeer, sizeof c->peer);
            c->loopback = c->sockLoopback;
            errorPage(c, -r, 1, 0);
            break;
          }
          if( r>0 ){ beginRequest(c, r); break; }
        }else if( isStopping() ){
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
        if( r<0 ){ CTR_ADD(D->ctr.malformed, 1); errorPage(c, -r, 1, 0); break; }
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
          accessNote(c);
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
    /* max_connections counts every driver's connections: reserve a place first. The control
    ** socket (mode 0600, the service user's console) is counted but never refused, so an admin
    ** can still attach to a server that a flood of clients has filled. */
    if( fd>=nConnSlots ){
      CTR_ADD(D->ctr.rejected, 1);
      close(fd);
      continue;
    }
    if( __atomic_add_fetch(&openAll, 1, __ATOMIC_RELAXED)>D->cf.maxConns && kind!=K_CTRL ){
      __atomic_sub_fetch(&openAll, 1, __ATOMIC_RELAXED);
      CTR_ADD(D->ctr.rejected, 1);
      close(fd);
      continue;
    }
    c = calloc(1, sizeof *c);
    if( !c ){ __atomic_sub_fetch(&openAll, 1, __ATOMIC_RELAXED); close(fd); continue; }
    c->fd = fd;
    c->serial = ++D->serialCounter;
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
      if( !c->tls || !c->ssl ){
        TlsUnref(c->tls); free(c->ssl); free(c); close(fd);
        __atomic_sub_fetch(&openAll, 1, __ATOMIC_RELAXED);
        continue;
      }
      mbedtls_ssl_init(c->ssl);
      if( mbedtls_ssl_setup(c->ssl, TlsConfig(c->tls)) ){
        mbedtls_ssl_free(c->ssl); free(c->ssl); TlsUnref(c->tls); free(c); close(fd);
        __atomic_sub_fetch(&openAll, 1, __ATOMIC_RELAXED);
        continue;
      }
      mbedtls_ssl_set_bio(c->ssl, c, bioSend, bioRecv, NULL);
      c->state = ST_HANDSHAKE;
      CTR_ADD(D->ctr.openTls, 1);
    }else{
      c->state = ST_READ;
    }
    D->conns[fd] = c;
    if( fd>D->maxFd ) D->maxFd = fd;
    CTR_ADD(D->ctr.open, 1);
    CTR_ADD(D->ctr.accepted, 1);
    e.events = EPOLLIN;
    e.data.u64 = (unsigned long long)fd | ((unsigned long long)c->serial<<32);
    c->events = EPOLLIN;
    epoll_ctl(D->epfd, EPOLL_CTL_ADD, fd, &e);
    connRun(c);
  }
}

/* ---- jobs coming back ---- */

/* HttpdJobDone: (any thread) hand a finished job back to the driver of its connection. */
void HttpdJobDone(YqJob *j){
  unsigned long long one = 1;
  Driver *d = &drivers[j->driver];
  j->next = 0;
  pthread_mutex_lock(&d->doneMutex);
  if( d->doneTail ) d->doneTail->next = j; else d->doneHead = j;
  d->doneTail = j;
  pthread_mutex_unlock(&d->doneMutex);
  if( write(d->wakefd, &one, sizeof one)<0 ){ /* the counter cannot overflow in practice */ }
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
    CacheEntry *e = CacheStore(j, D->cf.cacheMaxBytes);
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
  if( read(D->wakefd, &cnt, sizeof cnt)<0 ){ /* EAGAIN: nothing new */ }
  pthread_mutex_lock(&D->doneMutex);
  j = D->doneHead;
  D->doneHead = D->doneTail = 0;
  pthread_mutex_unlock(&D->doneMutex);
  for(; j; j=next){
    Conn *c = (j->fd>=0 && j->fd<nConnSlots) ? D->conns[j->fd] : 0;
    next = j->next;
    if( !c || c->serial!=j->serial || c->state!=ST_WAIT ){ YqJobFree(j); continue; }
    CTR_ADD(D->ctr.waiting, -1);
    jobResponse(c, j);
    connRun(c);
  }
}

/* ---- timeouts ---- */

/* sweep: close connections that exceeded a timeout (408 to a half-sent request). */
static void sweep(double now){
  int fd;
  for(fd=0; fd<=D->maxFd; fd++){
    Conn *c = D->conns[fd];
    if( !c ) continue;
    switch( c->state ){
      case ST_HANDSHAKE:
        if( now - c->tStart > D->cf.headerTimeout ){ CTR_ADD(D->ctr.timeouts, 1); connClose(c); }
        break;
      case ST_READ:
        if( c->inLen>0 && now - c->tStart > D->cf.headerTimeout ){
          CTR_ADD(D->ctr.timeouts, 1);
          if( c->kind==K_CTRL ){ connClose(c); break; }
          c->tHead = now;
          c->headLen = 0;
          errorPage(c, 408, 1, 0);
          connRun(c);
        }else if( c->inLen==0 && now - c->tActive > D->cf.idleTimeout ){
          CTR_ADD(D->ctr.timeouts, 1);
          connClose(c);
        }else if( c->inLen==0 && c->inCap && now - c->tActive > 1.0 ){
          connTrim(c);
        }
        break;
      case ST_BODY:
        if( now - c->tHead > D->cf.bodyTimeout ){
          CTR_ADD(D->ctr.timeouts, 1);
          errorPage(c, 408, 1, 0);
          connRun(c);
        }
        break;
      case ST_WRITE:
        if( now - c->tActive > D->cf.idleTimeout ){ CTR_ADD(D->ctr.timeouts, 1); connClose(c); }
        break;
      case ST_LINGER:
        if( now - c->tActive > 2.0 ) connClose(c);
        break;
    }
  }
}

/* ---- signals and shutdown ---- */

/* onSignal: the signal handler: note SIG on the self-pipe for the loop (takeSignals). */
static void onSignal(int sig){
  unsigned char b = (unsigned char)sig;
  int saved = errno;
  if( write(sigpipe[1], &b, 1)<0 ){ /* pipe full: a signal is already pending */ }
  errno = saved;
}

/* beginStop: (each driver, once) stop accepting; close idle connections, let the others finish.
** Driver 0 also closes the control socket and logs how many connections are open in all. */
static void beginStop(void){
  int fd;
  if( D->stopped ) return;
  D->stopped = 1;
  D->stopDeadline = nowMono() + D->cf.shutdownTimeout;
  if( D->id==0 ){
    YqLog("info", "shutting down: %ld connection(s) open", __atomic_load_n(&openAll, __ATOMIC_RELAXED));
  }
  if( D->lisHttps>=0 ){ close(D->lisHttps); D->lisHttps = -1; }
  if( D->lisHttp>=0 ){ close(D->lisHttp); D->lisHttp = -1; }
  if( D->id==0 && lisCtl>=0 ){ close(lisCtl); lisCtl = -1; unlink(ctlPath); }
  for(fd=0; fd<=D->maxFd; fd++){
    Conn *c = D->conns[fd];
    if( !c ) continue;
    if( (c->state==ST_READ && c->inLen==0) || c->state==ST_HANDSHAKE || c->kind==K_CTRL ) connClose(c);
    else c->closeAfter = 1;
  }
}

/* stopAll: (driver 0) mark the server stopping and wake every driver so that each stops. */
static void stopAll(void){
  unsigned long long one = 1;
  int i;
  __atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
  for(i=0; i<nDrivers; i++){
    if( write(drivers[i].wakefd, &one, sizeof one)<0 ){ /* already awake */ }
  }
}

/* HttpdShutdown: (any thread) ask the drivers to stop as on SIGTERM. */
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
      if( AccessReopen(err, sizeof err) ){
        YqLog("error", "%s", err);
      }
      YqReloadRequest();
    }else{
      stopAll();
    }
  }
}

/* ---- setup and the loop ---- */

/*
** listenOn: a non-blocking TCP socket bound to ADDR (HOST:PORT, [V6]:PORT), or to PORT on ADDR's
** host when PORT > 0; with REUSE it has SO_REUSEPORT (one per driver on the same port), with
** LISTENING it listens. Its port goes to *BOUND. Returns the socket or -1 with ERR set.
*/
static int listenOn(const char *addr, int port, int reuse, int listening, int *bound, char *err, size_t n){
  char host[300], *colon, portStr[16];
  struct addrinfo hints, *ai = 0;
  int fd, one = 1, rc;
  const char *p;
  snprintf(host, sizeof host, "%s", addr);
  colon = strrchr(host, ':');
  if( !colon ){ snprintf(err, n, "bad address %s (want HOST:PORT)", addr); return -1; }
  *colon = 0;
  p = colon+1;
  if( port>0 ){ snprintf(portStr, sizeof portStr, "%d", port); p = portStr; }
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
  if( reuse ) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if( bind(fd, ai->ai_addr, ai->ai_addrlen)!=0 || (listening && listen(fd, 4096)!=0) ){
    snprintf(err, n, "cannot listen on %s: %s", addr, strerror(errno));
    close(fd); freeaddrinfo(ai);
    return -1;
  }
  freeaddrinfo(ai);
  {
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    getsockname(fd, (struct sockaddr*)&sa, &sl);
    *bound = ntohs(sa.ss_family==AF_INET6 ? ((struct sockaddr_in6*)&sa)->sin6_port
                                          : ((struct sockaddr_in*)&sa)->sin_port);
  }
  return fd;
}

/*
** listenAll: one SO_REUSEPORT listener on ADDR per driver, into the field at byte offset OFF of
** each Driver; the port in *PORT. A probe bound without SO_REUSEPORT first makes sure no other
** socket holds the port (SO_REUSEPORT alone would let a second server share it) and picks the
** port when ADDR's is 0. Returns 0, or -1 with ERR set (the listeners opened are closed).
*/
static int listenAll(const char *addr, size_t off, int *port, char *err, size_t n){
  int i, p, probe = listenOn(addr, 0, 0, 0, port, err, n);
  if( probe<0 ) return -1;
  close(probe);
  for(i=0; i<nDrivers; i++){
    int fd = listenOn(addr, *port, 1, 1, &p, err, n);
    if( fd<0 ){
      while( --i>=0 ){ int *q = (int*)((char*)&drivers[i] + off); close(*q); *q = -1; }
      return -1;
    }
    *(int*)((char*)&drivers[i] + off) = fd;
  }
  return 0;
}

/* HttpdRelease: free the drivers after HttpdWait and after the Tcl threads have ended (their last
** finished jobs are dropped): connection tables, event descriptors, the signal pipe. */
void HttpdRelease(void){
  int i;
  for(i=0; i<nDrivers; i++){
    Driver *d = &drivers[i];
    YqJob *j, *next;
    for(j=d->doneHead; j; j=next){ next = j->next; YqJobFree(j); }
    if( d->lisHttps>=0 ) close(d->lisHttps);
    if( d->lisHttp>=0 ) close(d->lisHttp);
    if( d->epfd>=0 ) close(d->epfd);
    if( d->wakefd>=0 ) close(d->wakefd);
    free(d->conns);
    pthread_mutex_destroy(&d->doneMutex);
  }
  free(drivers); drivers = 0; nDrivers = 0;
  if( sigpipe[0]>=0 ){
    int r = sigpipe[0], w = sigpipe[1];
    sigpipe[0] = sigpipe[1] = -1;        /* the handler writes to -1 from now on */
    close(r); close(w);
  }
}

/*
** HttpdListen: set up NDRIVERS drivers (1 to 64) and open the listeners: HTTPS on HTTPS
** (required) and plain HTTP on HTTP (or none when empty), one SO_REUSEPORT socket per driver
** each; the control socket at CTL (mode 0600, a stale file is replaced). Also sets up each
** driver's epoll and wake eventfd, the signal handlers and the connection tables. Returns 0 or
** -1 with ERR set (everything opened is closed again).
*/
int HttpdListen(const char *https, const char *http, const char *ctl, int ndrivers, char *err, size_t n){
  struct sockaddr_un un;
  struct rlimit rl;
  int port2 = 0, i;
  struct epoll_event e;
  struct sigaction sa;

  if( ndrivers<1 || ndrivers>64 ){ snprintf(err, n, "the number of drivers must be 1 to 64"); return -1; }
  if( !ctl || !*ctl ){ snprintf(err, n, "no control socket path"); return -1; }
  httpdStartTime = time(0);
  __atomic_store_n(&stopping, 0, __ATOMIC_RELAXED);
  openAll = 0;
  drivers = calloc(ndrivers, sizeof *drivers);
  if( !drivers ){ snprintf(err, n, "out of memory"); return -1; }
  nDrivers = ndrivers;
  for(i=0; i<nDrivers; i++){
    Driver *d = &drivers[i];
    d->id = i;
    d->epfd = d->wakefd = d->lisHttps = d->lisHttp = -1;
    d->dateSec = -1;
    pthread_mutex_init(&d->doneMutex, 0);
    HttpdGetConf(&d->cf);
    d->confSeen = 0;
  }
  if( listenAll(https, offsetof(Driver, lisHttps), &httpsPort, err, n) ) goto fail;
  if( http && *http && listenAll(http, offsetof(Driver, lisHttp), &port2, err, n) ) goto fail;
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
      close(lisCtl); lisCtl = -1; unlink(ctl);
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
  if( pipe2(sigpipe, O_NONBLOCK|O_CLOEXEC)!=0 ){
    sigpipe[0] = sigpipe[1] = -1;
    snprintf(err, n, "cannot set up the event loop: %s", strerror(errno));
    goto failCtl;
  }
  for(i=0; i<nDrivers; i++){
    Driver *d = &drivers[i];
    d->conns = calloc(nConnSlots, sizeof *d->conns);
    d->epfd = epoll_create1(EPOLL_CLOEXEC);
    d->wakefd = eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC);
    if( !d->conns || d->epfd<0 || d->wakefd<0 ){
      snprintf(err, n, "cannot set up the event loop: %s", strerror(errno));
      goto failCtl;
    }
    e.events = EPOLLIN;
    e.data.u64 = TAG_LISTEN_HTTPS; epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->lisHttps, &e);
    if( d->lisHttp>=0 ){ e.data.u64 = TAG_LISTEN_HTTP; epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->lisHttp, &e); }
    e.data.u64 = TAG_WAKE; epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->wakefd, &e);
    if( i==0 ){
      e.data.u64 = TAG_LISTEN_CTL; epoll_ctl(d->epfd, EPOLL_CTL_ADD, lisCtl, &e);
      e.data.u64 = TAG_SIGNAL; epoll_ctl(d->epfd, EPOLL_CTL_ADD, sigpipe[0], &e);
    }
  }
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = onSignal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, 0);
  sigaction(SIGINT, &sa, 0);
  sigaction(SIGHUP, &sa, 0);
  signal(SIGPIPE, SIG_IGN);
  httpPort = port2;
  return 0;
failCtl:
  close(lisCtl); lisCtl = -1; unlink(ctl);
fail:
  HttpdRelease();
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

/* HttpdCountersSum: the sum of every driver's counters into *OUT (any thread; a little stale). */
void HttpdCountersSum(HttpdCounters *out){
  unsigned long long *o = (unsigned long long*)out;
  size_t k, n = sizeof *out / sizeof *o;
  int i;
  memset(out, 0, sizeof *out);
  for(i=0; i<nDrivers; i++){
    const unsigned long long *w = (const unsigned long long*)&drivers[i].ctr;
    for(k=0; k<n; k++) o[k] += __atomic_load_n(&w[k], __ATOMIC_RELAXED);
  }
}

/* HttpdDriverCounters: copy driver I's counters into *OUT (any thread; a little stale). Returns 0,
** or -1 when there is no driver I. */
int HttpdDriverCounters(int i, HttpdCounters *out){
  const unsigned long long *w;
  unsigned long long *o = (unsigned long long*)out;
  size_t k;
  if( i<0 || i>=nDrivers ) return -1;
  w = (const unsigned long long*)&drivers[i].ctr;
  for(k=0; k<sizeof *out / sizeof *o; k++) o[k] = __atomic_load_n(&w[k], __ATOMIC_RELAXED);
  return 0;
}

/* driverMain: one driver thread's loop (ARG its Driver); returns when it has stopped. */
static void *driverMain(void *arg){
  struct epoll_event evs[256];
  D = arg;
  for(;;){
    int n, i;
    double now;
    unsigned g = __atomic_load_n(&confGen, __ATOMIC_ACQUIRE);
    if( g!=D->confSeen ){
      pthread_mutex_lock(&confMutex);
      D->cf = sharedConf;
      D->confSeen = confGen;
      pthread_mutex_unlock(&confMutex);
    }
    n = epoll_wait(D->epfd, evs, 256, D->stopped ? 100 : 1000);
    for(i=0; i<n; i++){
      unsigned long long tag = evs[i].data.u64;
      if( tag==TAG_LISTEN_HTTPS ){ if( D->lisHttps>=0 ) acceptOn(D->lisHttps, K_HTTPS); }
      else if( tag==TAG_LISTEN_HTTP ){ if( D->lisHttp>=0 ) acceptOn(D->lisHttp, K_HTTP); }
      else if( tag==TAG_LISTEN_CTL ){ if( lisCtl>=0 ) acceptOn(lisCtl, K_CTRL); }
      else if( tag==TAG_WAKE ){ takeDone(); }
      else if( tag==TAG_SIGNAL ){ takeSignals(); }
      else{
        int fd = (int)(tag & 0xffffffff);
        Conn *c = fd<nConnSlots ? D->conns[fd] : 0;
        if( !c || c->serial!=(unsigned)(tag>>32) ) continue;
        if( (evs[i].events & EPOLLERR) || ((evs[i].events & EPOLLHUP) && c->state==ST_WAIT) ){
          connClose(c);            /* the client is gone; a late job result is dropped */
          continue;
        }
        if( evs[i].events & EPOLLIN ) c->mayRead = 1;
        connRun(c);
      }
    }
    if( isStopping() && !D->stopped ) beginStop();
    now = nowMono();
    if( now - D->lastSweep >= 1.0 ){ D->lastSweep = now; sweep(now); }
    AccessFlush();
    if( D->stopped ){
      if( D->ctr.open==0 ) break;
      if( now>D->stopDeadline ){
        int fd;
        YqLog("warning", "shutdown: closing %lld connection(s) still busy after %.0f s", D->ctr.open, D->cf.shutdownTimeout);
        for(fd=0; fd<=D->maxFd; fd++) if( D->conns[fd] ) connClose(D->conns[fd]);
        break;
      }
    }
  }
  AccessFlush();
  return 0;
}

/* HttpdStartThread: start the driver threads. Returns 0 or -1 with ERR set (those started are
** told to stop and joined). */
int HttpdStartThread(char *err, size_t n){
  int i;
  for(i=0; i<nDrivers; i++){
    if( pthread_create(&drivers[i].thread, 0, driverMain, &drivers[i])!=0 ){
      snprintf(err, n, "cannot start the driver threads");
      stopAll();
      HttpdWait();
      return -1;
    }
    drivers[i].started = 1;
  }
  return 0;
}

/* HttpdWait: wait for the driver threads to end (after a stop) and close the listeners. */
void HttpdWait(void){
  int i;
  for(i=0; i<nDrivers; i++){
    Driver *d = &drivers[i];
    if( d->started ) pthread_join(d->thread, 0);
    d->started = 0;
    if( d->lisHttps>=0 ){ close(d->lisHttps); d->lisHttps = -1; }
    if( d->lisHttp>=0 ){ close(d->lisHttp); d->lisHttp = -1; }
  }
  if( lisCtl>=0 ){ close(lisCtl); lisCtl = -1; unlink(ctlPath); }
}
