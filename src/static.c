/*
** static.c - the static files the HTTPS driver (httpd.c) serves straight from memory: webroot/,
** embedded in the binary, or the checkout's with --dev.
**
** HttpdStaticLoad() builds a table of every file at start and on reload, each with its MIME type,
** ETag (FNV-1a of the bytes), Last-Modified and, for text types, a gzip variant compressed once at
** level 9 (kept only when it saves at least 10%). The current table is reference counted: the
** driver takes a reference while a response still points into a file (StaticAcquire,
** StaticRelease), so a reload never frees bytes that are being written. YqGzip() compresses a
** worker's response the same way, at level 6.
*/
#include <errno.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <zlib.h>
#include "httpd.h"

static pthread_mutex_t staticMutex = PTHREAD_MUTEX_INITIALIZER;
static StaticTable *statics;    /* the current table (one reference held by this pointer) */

/* MIME type by file extension, and whether a gzip variant is worth making */
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

/* YqGzip: gzipOf at level 6, for the workers' responses (server.c). */
char *YqGzip(const char *data, size_t len, size_t *outLen){
  return gzipOf(data, len, 6, outLen);
}

/* staticCmp: qsort order of static files, by URL path. */
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
  snprintf(f->etag, sizeof f->etag, "\"%016llx\"", httpdFnv64(data, len));
  HttpDate(mtime, f->lastmod);
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

/* staticUnref: drop a reference to table T; the last one frees it with its files. */
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
      if( staticAdd(t, &cap, url, f->data, f->size, httpdStartTime ? httpdStartTime : time(0), 0) ){
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

/* StaticFind: the file for decoded URL path PATH in table T (may be NULL), or NULL. No side effects. */
StaticFile *StaticFind(StaticTable *t, const char *path){
  int lo = 0, hi = t ? t->n-1 : -1;
  while( lo<=hi ){
    int mid = (lo+hi)/2, c = strcmp(t->f[mid].path, path);
    if( c==0 ) return &t->f[mid];
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return 0;
}

/* StaticAcquire: the current static table with a reference taken for the caller (NULL before the
** first load). Release it with StaticRelease. */
StaticTable *StaticAcquire(void){
  StaticTable *t;
  pthread_mutex_lock(&staticMutex);
  t = statics;
  if( t ) __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&staticMutex);
  return t;
}

/* StaticRelease: give back a reference taken by StaticAcquire (T may be NULL). */
void StaticRelease(StaticTable *t){
  staticUnref(t);
}
