/*
** metrics.c - what the HTTPS driver (httpd.c) counts and logs: its counters, their Prometheus
** text (/metrics, `server metrics`), the `server stats` dict, and the access log.
**
** The counters (HttpdCounters, one set per driver thread) are written by their driver only and
** read, summed over the drivers (HttpdCountersSum in httpd.c), by any thread. Every
** response is counted by status and by latency (time from a complete request head to the
** response, in a histogram of NBUCKET buckets). The access log gets one line per response,
** buffered and written once per loop turn of the driver (AccessFlush):
**   TIME PEER "METHOD TARGET HTTP/1.x" STATUS BYTES MILLISECONDS SCHEME
** e.g. 2025-01-02T03:04:05Z 127.0.0.1 "GET /healthz HTTP/1.1" 200 3 0.412 https (TIME in UTC;
** BYTES counts the body; "-" stands for a request whose line could not be parsed).
*/
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "httpd.h"


/* upper bounds (seconds) of the latency histogram's buckets; one more bucket holds the rest */
static const double bucketLe[NBUCKET] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
};

/* the access log: lines buffered by the driver, written by AccessFlush */
static char *accessBuf; static size_t accessLen, accessCap;
static FILE *accessLog;
static char accessPath[4096];
static pthread_mutex_t accessMutex = PTHREAD_MUTEX_INITIALIZER;

/* MetricsNoteResponse: count in K (the calling driver's counters) a response with STATUS that
** took LATENCY seconds. */
void MetricsNoteResponse(HttpdCounters *k, int status, double latency){
  int i;
  CTR_ADD(k->requests, 1);
  if( status>=100 && status<600 ) CTR_ADD(k->byStatus[status], 1);
  for(i=0; i<NBUCKET && latency>bucketLe[i]; i++){}
  CTR_ADD(k->hist[i], 1);
  CTR_ADD(k->latencyUs, (unsigned long long)(latency*1e6 + 0.5));
}

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

/* AccessAppend: add one access-log line to the buffer for a finished response: IN (INLEN bytes)
** holds the request as received and REQ its parsed head, or NULL when the head could not be
** parsed (then the method and target of its first line as sent are logged, escaped and bounded,
** so malformed requests can be told apart); PEER the client, STATUS, SENT body bytes, MS
** milliseconds since the head was complete, SCHEME "https" or "http". Nothing when no log is set. */
void AccessAppend(const char *in, size_t inLen, const HttpRequest *req, const char *peer,
                  int status, size_t sent, double ms, const char *scheme){
  char line[6000], ts[32], me[200], te[4100];
  const char *m = "-", *t = "-";
  size_t ml = 1, tl = 1;
  int minor = 1, n;
  time_t now = time(0);
  struct tm tm;
  if( !accessLog ) return;
  if( req ){
    m = in + req->method.off; ml = req->method.len;
    t = in + req->target.off; tl = req->target.len;
    minor = req->minor;
  }else if( inLen>0 ){
    /* the first line as sent: METHOD SP TARGET SP HTTP/1.x */
    const char *p = in, *e = in + inLen, *sp;
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
  n = snprintf(line, sizeof line, "%s %s \"%s %s HTTP/1.%d\" %d %zu %.3f %s\n", ts, peer,
               me, te, minor, status, sent, ms, scheme);
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

/* AccessFlush: write the buffered access-log lines (the driver, once per loop turn). */
void AccessFlush(void){
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

/* AccessReopen: reopen the access log file at its path (after a rotation, on SIGHUP); nothing
** when it goes to standard output or nowhere. Returns 0, or -1 with ERR set (the old log stays). */
int AccessReopen(char *err, size_t n){
  char path[sizeof accessPath];
  pthread_mutex_lock(&accessMutex);
  memcpy(path, accessPath, sizeof path);
  pthread_mutex_unlock(&accessMutex);
  if( !path[0] || strcmp(path, "-")==0 ) return 0;
  return HttpdAccessLog(path, err, n);
}

/* ---- counters ---- */

/* metricsText: the Prometheus text exposition of the counters (malloc'ed, length in *LEN). */
static char *metricsText(size_t *len){
  size_t cap = 16384, n = 0;
  char *b = malloc(cap);
  unsigned long long cum = 0;
  int i;
  HttpdCounters *k = malloc(sizeof *k);
#define P(...) do{ int k_ = snprintf(b+n, cap-n, __VA_ARGS__); if( k_>0 ) n += ((size_t)k_<cap-n ? (size_t)k_ : cap-n-1); }while(0)
  if( !b || !k ){ free(b); free(k); return 0; }
  HttpdCountersSum(k);
  P("# HELP yqbox_http_requests_total HTTP responses sent, by status code.\n"
    "# TYPE yqbox_http_requests_total counter\n");
  for(i=100; i<600; i++){
    if( k->byStatus[i] ) P("yqbox_http_requests_total{code=\"%d\"} %llu\n", i, k->byStatus[i]);
  }
  P("# HELP yqbox_http_request_duration_seconds Time from a complete request head to its response.\n"
    "# TYPE yqbox_http_request_duration_seconds histogram\n");
  for(i=0; i<NBUCKET; i++){
    cum += k->hist[i];
    P("yqbox_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucketLe[i], cum);
  }
  cum += k->hist[NBUCKET];
  P("yqbox_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
  P("yqbox_http_request_duration_seconds_sum %.6f\n", k->latencyUs/1e6);
  P("yqbox_http_request_duration_seconds_count %llu\n", cum);
  P("# HELP yqbox_http_connections_open Connections open now.\n# TYPE yqbox_http_connections_open gauge\n"
    "yqbox_http_connections_open %lld\n", k->open);
  P("# HELP yqbox_http_connections_total Connections accepted.\n# TYPE yqbox_http_connections_total counter\n"
    "yqbox_http_connections_total %llu\n", k->accepted);
  P("# HELP yqbox_http_connections_rejected_total Connections refused over max_connections.\n"
    "# TYPE yqbox_http_connections_rejected_total counter\nyqbox_http_connections_rejected_total %llu\n", k->rejected);
  P("# HELP yqbox_tls_handshakes_total TLS handshakes, by result.\n# TYPE yqbox_tls_handshakes_total counter\n"
    "yqbox_tls_handshakes_total{result=\"ok\"} %llu\nyqbox_tls_handshakes_total{result=\"failed\"} %llu\n",
    k->handshakes, k->handshakeFails);
  P("# HELP yqbox_cache_hits_total Responses served from the response cache.\n"
    "# TYPE yqbox_cache_hits_total counter\nyqbox_cache_hits_total %llu\n", k->cacheHits);
  P("# HELP yqbox_cache_entries Responses held in the response cache.\n# TYPE yqbox_cache_entries gauge\n"
    "yqbox_cache_entries %d\n", CacheCount());
  P("# HELP yqbox_static_hits_total Static files served.\n# TYPE yqbox_static_hits_total counter\n"
    "yqbox_static_hits_total %llu\n", k->staticHits);
  P("# HELP yqbox_dynamic_requests_total Requests passed to the Tcl workers.\n"
    "# TYPE yqbox_dynamic_requests_total counter\nyqbox_dynamic_requests_total %llu\n", k->dynamic);
  P("# HELP yqbox_http_timeouts_total Connections closed by a timeout.\n"
    "# TYPE yqbox_http_timeouts_total counter\nyqbox_http_timeouts_total %llu\n", k->timeouts);
  P("# HELP yqbox_http_body_bytes_total Response body bytes sent.\n# TYPE yqbox_http_body_bytes_total counter\n"
    "yqbox_http_body_bytes_total %llu\n", k->bytesOut);
#undef P
  free(k);
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
** connections, requests, cache and TLS counters summed over the driver threads, and "drivers", a
** list with one dict per driver (id connections accepted handshakes requests).
*/
Tcl_Obj *HttpdStats(void){
  Tcl_Obj *d = Tcl_NewDictObj();
  HttpdCounters *k = (HttpdCounters*)ckalloc(sizeof *k);
  HttpdCountersSum(k);
#define W(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), Tcl_NewWideIntObj((Tcl_WideInt)(v)))
  W("uptime", httpdStartTime ? time(0)-httpdStartTime : 0);
  W("connections", k->open);
  W("tls_connections", k->openTls);
  W("waiting", k->waiting);
  W("accepted", k->accepted);
  W("rejected", k->rejected);
  W("requests", k->requests);
  W("dynamic", k->dynamic);
  W("static_hits", k->staticHits);
  W("cache_hits", k->cacheHits);
  W("cache_entries", CacheCount());
  W("handshakes", k->handshakes);
  W("handshake_failures", k->handshakeFails);
  W("timeouts", k->timeouts);
  W("malformed", k->malformed);
  W("status_2xx", k->byStatus[200]+k->byStatus[201]+k->byStatus[204]);
  {
    unsigned long long e4 = 0, e5 = 0; int i;
    for(i=400; i<500; i++) e4 += k->byStatus[i];
    for(i=500; i<600; i++) e5 += k->byStatus[i];
    W("status_4xx", e4);
    W("status_5xx", e5);
  }
#undef W
  {
    /* one dict per driver thread: id (from 1), connections open, accepted, handshakes, requests */
    Tcl_Obj *l = Tcl_NewListObj(0, 0);
    int i;
    for(i=0; HttpdDriverCounters(i, k)==0; i++){
      Tcl_Obj *e = Tcl_NewDictObj();
#define E(n, v) Tcl_DictObjPut(NULL, e, Tcl_NewStringObj(n, -1), Tcl_NewWideIntObj((Tcl_WideInt)(v)))
      E("id", i+1);
      E("connections", k->open);
      E("accepted", k->accepted);
      E("handshakes", k->handshakes);
      E("requests", k->requests);
#undef E
      Tcl_ListObjAppendElement(NULL, l, e);
    }
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("drivers", -1), l);
  }
  ckfree(k);
  return d;
}