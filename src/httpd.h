/*
** httpd.h - what the four files of the HTTPS driver share, and nothing else includes: the driver
** (httpd.c: sockets, TLS, framing, routing, the hand-off to the workers), the static files
** (static.c), the response cache (cache.c) and the counters with the access log (metrics.c).
** The rest of yqbox sees the driver through yqbox.h only.
*/
#ifndef YQBOX_HTTPD_H
#define YQBOX_HTTPD_H

#include <pthread.h>
#include <time.h>
#include "yqbox.h"

/* httpd.c: when the server started (0 before HttpdListen); static.c dates embedded files by it */
extern time_t httpdStartTime;

/* httpdFnv64: the 64-bit FNV-1a hash of LEN bytes at P (ETags, cache buckets). No side effects. */
static inline unsigned long long httpdFnv64(const char *p, size_t len){
  unsigned long long h = 1469598103934665603ULL;
  size_t i;
  for(i=0; i<len; i++){ h ^= (unsigned char)p[i]; h *= 1099511628211ULL; }
  return h;
}

/* ---- static.c: the files of webroot/, loaded at start and on reload ---- */
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
StaticTable *StaticAcquire(void);
void StaticRelease(StaticTable *t);
StaticFile *StaticFind(StaticTable *t, const char *path);

/* ---- cache.c: responses a handler marked `cacheable NAME` ---- */
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
CacheEntry *CacheFind(const char *key, size_t klen);
CacheEntry *CacheStore(YqJob *j, size_t maxBytes);
void CacheRelease(CacheEntry *e);
unsigned CacheGeneration(void);
int CacheCount(void);

/* ---- metrics.c: the driver's counters and the access log ---- */
#define NBUCKET 14
/* Counters: one set per driver thread, written by that thread only, through CTR_ADD (a relaxed
** atomic store: on x86-64 a plain store, and whole values for readers); readers in other threads
** copy or sum them word by word with relaxed atomic loads (HttpdDriverCounters, HttpdCountersSum)
** and may see them a little stale, never torn. Every field is an 8-byte integer for that. */
typedef struct HttpdCounters {
  unsigned long long accepted, rejected, requests, byStatus[600], hist[NBUCKET+1];
  unsigned long long handshakes, handshakeFails, cacheHits, staticHits, dynamic, bytesOut;
  unsigned long long timeouts, malformed;
  unsigned long long latencyUs;           /* sum of the latencies, microseconds */
  long long open, openTls, waiting;
} HttpdCounters;
_Static_assert(sizeof(HttpdCounters) % sizeof(unsigned long long) == 0, "HttpdCounters: 8-byte words only");
/* CTR_ADD: add N to counter FIELD (an lvalue in the calling driver's own counters). */
#define CTR_ADD(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
void HttpdCountersSum(HttpdCounters *out);
int HttpdDriverCounters(int i, HttpdCounters *out);
void MetricsNoteResponse(HttpdCounters *k, int status, double latency);
void AccessAppend(const char *in, size_t inLen, const HttpRequest *req, const char *peer,
                  int status, size_t sent, double ms, const char *scheme);
void AccessFlush(void);
int AccessReopen(char *err, size_t n);

#endif
