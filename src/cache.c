/*
** cache.c - the response cache of the HTTPS driver (httpd.c): public pages served from memory
** without a Tcl call once rendered.
**
** A handler marks its response with `cacheable NAME`; the driver stores a 200 answer to a GET
** that sets no cookie under its request target (CacheStore), with an ETag and Last-Modified, and
** answers later requests for that target from here (CacheFind) until `cache invalidate NAME`
** (HttpdCacheInvalidate, e.g. when a reply is published) drops every entry of that name. A
** generation counter, bumped by every invalidation and copied into each job when it is dispatched
** (CacheGeneration), keeps a response rendered before an invalidation out of the cache. Entries
** are reference counted so that one can be dropped while a connection is still writing it. The
** cache is bounded by cache_max_bytes (a full cache stores nothing more).
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "httpd.h"

#define CACHE_BUCKETS 4096
static pthread_mutex_t cacheMutex = PTHREAD_MUTEX_INITIALIZER;
static CacheEntry *cacheTab[CACHE_BUCKETS];
static size_t cacheBytes;
static int cacheCount;
static unsigned cacheGen;     /* bumped by every invalidation */

/* cacheUnref: drop a reference to E (may be NULL); the last one frees it. */
static void cacheUnref(CacheEntry *e){
  if( !e || __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL)>0 ) return;
  free(e->key); free(e->name); free(e->head); free(e->body); free(e->gz); free(e);
}

/* CacheFind: the entry for target KEY (KLEN bytes) with a reference taken for the caller (give it
** back with CacheRelease), or NULL. */
CacheEntry *CacheFind(const char *key, size_t klen){
  CacheEntry *e;
  unsigned h = (unsigned)httpdFnv64(key, klen) % CACHE_BUCKETS;
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
** CacheStore: enter job J's response under its target unless an invalidation happened since it was
** dispatched or the cache would grow beyond MAXBYTES. Takes over J's head/body/gzip buffers on
** success. Returns the entry (one reference for the caller) or NULL.
*/
CacheEntry *CacheStore(YqJob *j, size_t maxBytes){
  CacheEntry *e, **pp;
  size_t klen = strlen(j->target), sz = j->rbodyLen + j->rgzipLen + j->rheadLen + klen + 200;
  unsigned h = (unsigned)httpdFnv64(j->target, klen) % CACHE_BUCKETS;
  e = calloc(1, sizeof *e);
  if( !e ) return 0;
  pthread_mutex_lock(&cacheMutex);
  if( j->cacheGen!=cacheGen || cacheBytes+sz>maxBytes ){
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
  snprintf(e->etag, sizeof e->etag, "\"%016llx\"", httpdFnv64(e->body ? e->body : "", e->len));
  HttpDate(time(0), e->lastmod);
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

/* CacheRelease: give back a reference taken by CacheFind or CacheStore (E may be NULL). */
void CacheRelease(CacheEntry *e){
  cacheUnref(e);
}

/* CacheGeneration: the current generation (bumped by every invalidation), for a job about to be
** dispatched. No side effects. */
unsigned CacheGeneration(void){
  unsigned g;
  pthread_mutex_lock(&cacheMutex);
  g = cacheGen;
  pthread_mutex_unlock(&cacheMutex);
  return g;
}

/* CacheCount: the number of cached responses (read without the lock: a gauge may be a little
** stale). No side effects. */
int CacheCount(void){
  return cacheCount;
}
