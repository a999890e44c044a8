/*
** simhash.c - 64-bit SimHash fingerprints of Chinese text and an index for near duplicates.
**
** `simhash TEXT` returns 16 lower-case hex digits. Features, chosen for Chinese, which has no
** spaces between words:
**   1. normalisation: each character is folded as the matcher folds it (full-width ASCII to ASCII,
**      lower case), and only letters and digits are kept (CJK ideographs are letters): punctuation,
**      white space, symbols and emoji are dropped, so re-punctuated or re-spaced copies coincide;
**   2. features: every character bigram of what is left, weight 2 (most Chinese words are two
**      characters), and every character trigram, weight 1 (word order); a text of one character
**      has that character as its only feature; an empty text has fingerprint 0000000000000000.
** Each feature is hashed to 64 bits (a fixed integer mixer over the characters' codes, the same on
** every machine); bit i of the fingerprint is 1 when the weights of the features with bit i set
** outweigh those without. Texts differing in a few phrases are a few bits apart.
** `simhash distance A B` is the Hamming distance of two fingerprints (0-64).
**
** The index: `simhash index create NAME`, `add NAME ID HEX` (replaces ID's earlier fingerprint),
** `remove NAME ID` (1 if it was there), `near NAME HEX ?MAXDIST?` (default 3) -> list of
** {id distance}, nearest first, `size NAME`, `delete NAME`, `names`. Lookup uses the pigeonhole
** principle: the 64 bits are cut into four 16-bit blocks, and two fingerprints at most 3 bits apart
** agree exactly on at least one block; each block has a table from its 65,536 values to the
** fingerprints holding it, so a lookup inspects four buckets (about 4n/65536 candidates) instead of
** n. For MAXDIST above 3 the guarantee does not hold and the lookup compares every fingerprint (a
** linear scan, about 1 ms per million). Indexes are shared by name across threads like matchers:
** reference counted, one read-write lock each (lookups share, changes exclude).
*/
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pthread.h>
#include "yqbox.h"

/* ---------------------------------------------------------------- fingerprints */

/* mix64: a 64-bit finaliser (xor-shift-multiply) spreading every input bit over the output. */
static inline uint64_t mix64(uint64_t x){
  x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27; x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/* keepTab: character U folded (YqFold) when the folded character takes part in the fingerprint
   (a letter or a digit), else 0 (NUL is neither). spread: byte V's eight bits as eight 8-bit lanes
   (lane j is bit j of V), for counting the bits of the feature hashes eight at a time. */
static unsigned short keepTab[65536];
static uint64_t spread[256];
static pthread_once_t keepOnce = PTHREAD_ONCE_INIT;
static void initKeep(void){
  int u, j;
  YqFoldInit();
  for(u=0; u<65536; u++){
    unsigned short f = YqFold((unsigned short)u);
    keepTab[u] = (f<0xD800 || f>0xDFFF) && Tcl_UniCharIsAlnum(f) ? f : 0;
  }
  for(u=0; u<256; u++){
    uint64_t x = 0;
    for(j=0; j<8; j++) if( u & (1<<j) ) x |= 1ULL << (8*j);
    spread[u] = x;
  }
}

/*
** YqSimhash: the fingerprint of N characters at TEXT (see the file comment). No side effects.
** The weight of the features with bit i set is counted for each of the 64 bits: a feature adds its
** weight to eight 64-bit words of eight 8-bit lanes each (one table lookup per byte of its hash,
** lane j of word k counting bit 8k+j), and the lanes are emptied into 32-bit sums before they can
** overflow (at most 3 per character, emptied every 250).
*/
unsigned long long YqSimhash(const Tcl_UniChar *text, int n){
  uint64_t lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  uint32_t on[64];
  uint64_t total = 0, fp = 0;
  unsigned short a = 0, b = 0;
  int i, k, j, seen = 0, pending = 0;
  pthread_once(&keepOnce, initKeep);
  memset(on, 0, sizeof(on));
#define FLUSH() do{ for(k=0; k<8; k++){ uint64_t l_ = lanes[k]; \
      for(j=0; j<8; j++){ on[8*k+j] += (uint32_t)((l_ >> (8*j)) & 255); } lanes[k] = 0; } \
    pending = 0; }while(0)
#define FEATURE(key, shift) do{ uint64_t h_ = mix64(key); \
    lanes[0] += spread[h_&255] << (shift);       lanes[1] += spread[(h_>>8)&255] << (shift); \
    lanes[2] += spread[(h_>>16)&255] << (shift); lanes[3] += spread[(h_>>24)&255] << (shift); \
    lanes[4] += spread[(h_>>32)&255] << (shift); lanes[5] += spread[(h_>>40)&255] << (shift); \
    lanes[6] += spread[(h_>>48)&255] << (shift); lanes[7] += spread[h_>>56] << (shift); \
    total += 1u << (shift); pending += 1 << (shift); }while(0)
  for(i=0; i<n; i++){
    unsigned short c = keepTab[text[i]];
    if( !c ) continue;
    if( seen>=1 ) FEATURE(((uint64_t)b<<16) | c, 1);                                    /* weight 2 */
    if( seen>=2 ) FEATURE((1ULL<<48) | ((uint64_t)a<<32) | ((uint64_t)b<<16) | c, 0);   /* weight 1 */
    if( pending>250 ) FLUSH();
    a = b; b = c;
    seen++;
  }
  if( seen==1 ) FEATURE((2ULL<<48) | b, 0);
  FLUSH();
#undef FEATURE
#undef FLUSH
  if( !total ) return 0;
  for(i=0; i<64; i++) if( 2*(uint64_t)on[i]>total ) fp |= 1ULL << i;
  return fp;
}

/* parseHex: the fingerprint written as 16 hex digits in OBJ into *FP. Returns TCL_OK or
   TCL_ERROR with a message. */
static int parseHex(Tcl_Interp *interp, Tcl_Obj *obj, uint64_t *fp){
  int len, i;
  const char *s = Tcl_GetStringFromObj(obj, &len);
  uint64_t v = 0;
  if( len!=16 ) goto bad;
  for(i=0; i<16; i++){
    int c = s[i], d;
    if( c>='0' && c<='9' ) d = c-'0';
    else if( c>='a' && c<='f' ) d = c-'a'+10;
    else if( c>='A' && c<='F' ) d = c-'A'+10;
    else goto bad;
    v = (v<<4) | (uint64_t)d;
  }
  *fp = v;
  return TCL_OK;
bad:
  Tcl_SetObjResult(interp, Tcl_ObjPrintf("expected a fingerprint of 16 hex digits, got \"%s\"", s));
  Tcl_SetErrorCode(interp, "YQBOX", "SIMHASH", "FINGERPRINT", NULL);
  return TCL_ERROR;
}

static Tcl_Obj *hexObj(uint64_t fp){
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", (unsigned long long)fp);
  return Tcl_NewStringObj(buf, 16);
}

/* ---------------------------------------------------------------- the index */

typedef struct Bucket { uint32_t *v; uint32_t n, cap; } Bucket;

typedef struct Index {
  int refs;                    /* atomic */
  pthread_rwlock_t lock;
  int n, cap;                  /* fingerprints held */
  uint64_t *fp;                /* entry -> fingerprint */
  Tcl_HashEntry **ent;         /* entry -> its entry in ids (the key is the ID) */
  Tcl_HashTable ids;           /* ID -> entry number */
  Bucket *table[4];            /* block -> 65536 buckets of entry numbers (allocated on first add) */
} Index;

static pthread_mutex_t regLock = PTHREAD_MUTEX_INITIALIZER;
static Tcl_HashTable registry;          /* name -> Index* */
static int regInit;

static void indexRelease(Index *x){
  int i, k;
  if( !x || __atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL)!=0 ) return;
  for(k=0; k<4; k++){
    if( !x->table[k] ) continue;
    for(i=0; i<65536; i++) if( x->table[k][i].v ) ckfree(x->table[k][i].v);
    ckfree(x->table[k]);
  }
  if( x->fp ){ ckfree(x->fp); ckfree(x->ent); }
  Tcl_DeleteHashTable(&x->ids);
  pthread_rwlock_destroy(&x->lock);
  ckfree(x);
}

/* indexAcquire: the index named NAME with a new reference, or NULL. */
static Index *indexAcquire(const char *name){
  Tcl_HashEntry *e;
  Index *x = NULL;
  pthread_mutex_lock(&regLock);
  if( regInit && (e = Tcl_FindHashEntry(&registry, name))!=NULL ){
    x = Tcl_GetHashValue(e);
    __atomic_add_fetch(&x->refs, 1, __ATOMIC_ACQ_REL);
  }
  pthread_mutex_unlock(&regLock);
  return x;
}

static inline unsigned blockOf(uint64_t fp, int k){ return (unsigned)(fp >> (16*k)) & 0xFFFF; }

static void bucketAdd(Bucket *b, uint32_t v){
  if( b->n==b->cap ){
    b->cap = b->cap ? b->cap*2 : 4;
    b->v = (uint32_t*)ckrealloc((char*)b->v, sizeof(uint32_t)*b->cap);
  }
  b->v[b->n++] = v;
}

/* bucketReplace: change entry number FROM to TO in B (TO == -1: remove it). */
static void bucketReplace(Bucket *b, uint32_t from, int64_t to){
  uint32_t i;
  for(i=0; i<b->n; i++){
    if( b->v[i]==from ){
      if( to<0 ) b->v[i] = b->v[--b->n]; else b->v[i] = (uint32_t)to;
      return;
    }
  }
}

/* indexRemoveEntry: remove entry I (the last entry moves into its place). Write lock held. */
static void indexRemoveEntry(Index *x, int i){
  int k, last = x->n-1;
  for(k=0; k<4; k++) bucketReplace(&x->table[k][blockOf(x->fp[i], k)], (uint32_t)i, -1);
  Tcl_DeleteHashEntry(x->ent[i]);
  if( i!=last ){
    for(k=0; k<4; k++) bucketReplace(&x->table[k][blockOf(x->fp[last], k)], (uint32_t)last, i);
    x->fp[i] = x->fp[last];
    x->ent[i] = x->ent[last];
    Tcl_SetHashValue(x->ent[i], (ClientData)(intptr_t)i);
  }
  x->n--;
}

/* indexAdd: set ID's fingerprint to FP. Write lock held. */
static void indexAdd(Index *x, const char *id, uint64_t fp){
  int isNew, k, i;
  Tcl_HashEntry *e = Tcl_CreateHashEntry(&x->ids, id, &isNew);
  if( !x->table[0] ){
    for(k=0; k<4; k++){
      x->table[k] = (Bucket*)ckalloc(sizeof(Bucket)*65536);
      memset(x->table[k], 0, sizeof(Bucket)*65536);
    }
  }
  if( !isNew ){
    i = (int)(intptr_t)Tcl_GetHashValue(e);
    if( x->fp[i]==fp ) return;
    for(k=0; k<4; k++) bucketReplace(&x->table[k][blockOf(x->fp[i], k)], (uint32_t)i, -1);
  }else{
    if( x->n==x->cap ){
      x->cap = x->cap ? x->cap*2 : 1024;
      x->fp = (uint64_t*)ckrealloc((char*)x->fp, sizeof(uint64_t)*x->cap);
      x->ent = (Tcl_HashEntry**)ckrealloc((char*)x->ent, sizeof(Tcl_HashEntry*)*x->cap);
    }
    i = x->n++;
    x->ent[i] = e;
    Tcl_SetHashValue(e, (ClientData)(intptr_t)i);
  }
  x->fp[i] = fp;
  for(k=0; k<4; k++) bucketAdd(&x->table[k][blockOf(fp, k)], (uint32_t)i);
}

typedef struct Near { int entry, dist; const char *id; } Near;

/* cmpNear: nearest first; equal distances by ID, numerically when both are integers. */
static int cmpNear(const void *a, const void *b){
  const Near *x = a, *y = b;
  char *ex, *ey;
  long long vx, vy;
  if( x->dist!=y->dist ) return x->dist - y->dist;
  vx = strtoll(x->id, &ex, 10);
  vy = strtoll(y->id, &ey, 10);
  if( *x->id && *y->id && !*ex && !*ey && vx!=vy ) return vx<vy ? -1 : 1;
  return strcmp(x->id, y->id);
}

/* indexNear: the entries within MAXD of FP into *OUT (ckalloc'ed); returns their number. Read
   lock held. */
static int indexNear(Index *x, uint64_t fp, int maxd, Near **out){
  int n = 0, cap = 16, k, j;
  uint32_t i;
  *out = (Near*)ckalloc(sizeof(Near)*cap);
#define ADD(e, d) do{ if( n==cap ){ cap *= 2; *out = (Near*)ckrealloc((char*)*out, sizeof(Near)*cap); } \
    (*out)[n].entry = (e); (*out)[n].dist = (d); \
    (*out)[n].id = Tcl_GetHashKey(&x->ids, x->ent[e]); n++; }while(0)
  if( !x->n ) return 0;
  if( maxd<=3 ){
    for(k=0; k<4; k++){
      Bucket *b = &x->table[k][blockOf(fp, k)];
      for(i=0; i<b->n; i++){
        uint64_t e = x->fp[b->v[i]];
        int d;
        /* seen in an earlier block already? */
        for(j=0; j<k; j++) if( blockOf(e, j)==blockOf(fp, j) ) break;
        if( j<k ) continue;
        d = __builtin_popcountll(e ^ fp);
        if( d<=maxd ) ADD((int)b->v[i], d);
      }
    }
  }else{
    int e;
    for(e=0; e<x->n; e++){
      int d = __builtin_popcountll(x->fp[e] ^ fp);
      if( d<=maxd ) ADD(e, d);
    }
  }
#undef ADD
  qsort(*out, n, sizeof(Near), cmpNear);
  return n;
}

/* noIndex: the error for an unknown index name. */
static int noIndex(Tcl_Interp *interp, Tcl_Obj *name){
  Tcl_SetObjResult(interp, Tcl_ObjPrintf("no simhash index named \"%s\"", Tcl_GetString(name)));
  Tcl_SetErrorCode(interp, "YQBOX", "SIMHASH", "UNKNOWN", NULL);
  return TCL_ERROR;
}

/* indexCmd: the "simhash index ..." subcommands (see the file comment). */
static int indexCmd(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"add", "create", "delete", "names", "near", "remove", "size", NULL};
  enum IndexSub { I_ADD, I_CREATE, I_DELETE, I_NAMES, I_NEAR, I_REMOVE, I_SIZE };
  static const int nargs[] = {3, 1, 1, 0, -1, 2, 1};
  int idx;
  Index *x;
  if( objc<3 ){ Tcl_WrongNumArgs(interp, 2, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[2], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( nargs[idx]>=0 && objc!=3+nargs[idx] ){
    static const char *const usage[] = {"NAME ID HEX", "NAME", "NAME", NULL, NULL, "NAME ID", "NAME"};
    Tcl_WrongNumArgs(interp, 3, objv, usage[idx]);
    return TCL_ERROR;
  }
  switch( (enum IndexSub)idx ){
    case I_CREATE: {
      Tcl_HashEntry *e;
      int isNew;
      if( Tcl_GetCharLength(objv[3])==0 ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj("index name must not be empty", -1));
        return TCL_ERROR;
      }
      x = (Index*)ckalloc(sizeof(Index));
      memset(x, 0, sizeof(*x));
      x->refs = 1;
      pthread_rwlock_init(&x->lock, NULL);
      Tcl_InitHashTable(&x->ids, TCL_STRING_KEYS);
      pthread_mutex_lock(&regLock);
      if( !regInit ){ Tcl_InitHashTable(&registry, TCL_STRING_KEYS); regInit = 1; }
      e = Tcl_CreateHashEntry(&registry, Tcl_GetString(objv[3]), &isNew);
      if( isNew ) Tcl_SetHashValue(e, x);
      pthread_mutex_unlock(&regLock);
      if( !isNew ){
        indexRelease(x);
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("simhash index \"%s\" already exists",
            Tcl_GetString(objv[3])));
        return TCL_ERROR;
      }
      return TCL_OK;
    }
    case I_DELETE: {
      Tcl_HashEntry *e;
      x = NULL;
      pthread_mutex_lock(&regLock);
      if( regInit && (e = Tcl_FindHashEntry(&registry, Tcl_GetString(objv[3])))!=NULL ){
        x = Tcl_GetHashValue(e);
        Tcl_DeleteHashEntry(e);
      }
      pthread_mutex_unlock(&regLock);
      if( !x ) return noIndex(interp, objv[3]);
      indexRelease(x);
      return TCL_OK;
    }
    case I_NAMES: {
      Tcl_Obj *list = Tcl_NewListObj(0, NULL);
      Tcl_HashSearch hs;
      Tcl_HashEntry *e;
      pthread_mutex_lock(&regLock);
      if( regInit ){
        for(e=Tcl_FirstHashEntry(&registry, &hs); e; e=Tcl_NextHashEntry(&hs)){
          Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj(Tcl_GetHashKey(&registry, e), -1));
        }
      }
      pthread_mutex_unlock(&regLock);
      Tcl_SetObjResult(interp, list);
      return TCL_OK;
    }
    case I_ADD: {
      uint64_t fp;
      if( parseHex(interp, objv[5], &fp)!=TCL_OK ) return TCL_ERROR;
      if( !(x = indexAcquire(Tcl_GetString(objv[3]))) ) return noIndex(interp, objv[3]);
      pthread_rwlock_wrlock(&x->lock);
      indexAdd(x, Tcl_GetString(objv[4]), fp);
      pthread_rwlock_unlock(&x->lock);
      indexRelease(x);
      return TCL_OK;
    }
    case I_REMOVE: {
      Tcl_HashEntry *e;
      int found = 0;
      if( !(x = indexAcquire(Tcl_GetString(objv[3]))) ) return noIndex(interp, objv[3]);
      pthread_rwlock_wrlock(&x->lock);
      if( (e = Tcl_FindHashEntry(&x->ids, Tcl_GetString(objv[4])))!=NULL ){
        indexRemoveEntry(x, (int)(intptr_t)Tcl_GetHashValue(e));
        found = 1;
      }
      pthread_rwlock_unlock(&x->lock);
      indexRelease(x);
      Tcl_SetObjResult(interp, Tcl_NewBooleanObj(found));
      return TCL_OK;
    }
    case I_SIZE: {
      int n;
      if( !(x = indexAcquire(Tcl_GetString(objv[3]))) ) return noIndex(interp, objv[3]);
      pthread_rwlock_rdlock(&x->lock);
      n = x->n;
      pthread_rwlock_unlock(&x->lock);
      indexRelease(x);
      Tcl_SetObjResult(interp, Tcl_NewIntObj(n));
      return TCL_OK;
    }
    case I_NEAR: {
      uint64_t fp;
      int maxd = 3, n, i;
      Near *hits;
      Tcl_Obj *list;
      if( objc!=5 && objc!=6 ){ Tcl_WrongNumArgs(interp, 3, objv, "NAME HEX ?MAXDIST?"); return TCL_ERROR; }
      if( parseHex(interp, objv[4], &fp)!=TCL_OK ) return TCL_ERROR;
      if( objc==6 && (Tcl_GetIntFromObj(NULL, objv[5], &maxd)!=TCL_OK || maxd<0 || maxd>64) ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("MAXDIST must be an integer from 0 to 64, got \"%s\"",
            Tcl_GetString(objv[5])));
        return TCL_ERROR;
      }
      if( !(x = indexAcquire(Tcl_GetString(objv[3]))) ) return noIndex(interp, objv[3]);
      pthread_rwlock_rdlock(&x->lock);
      n = indexNear(x, fp, maxd, &hits);
      list = Tcl_NewListObj(0, NULL);
      for(i=0; i<n; i++){
        Tcl_Obj *pair[2];
        pair[0] = Tcl_NewStringObj(hits[i].id, -1);
        pair[1] = Tcl_NewIntObj(hits[i].dist);
        Tcl_ListObjAppendElement(NULL, list, Tcl_NewListObj(2, pair));
      }
      pthread_rwlock_unlock(&x->lock);
      ckfree(hits);
      indexRelease(x);
      Tcl_SetObjResult(interp, list);
      return TCL_OK;
    }
  }
  return TCL_OK;
}

/*
** SimhashCmd: "simhash TEXT" -> 16 hex digits; "simhash distance A B" -> Hamming distance;
** "simhash index ..." (see the file comment). With one argument it is always a text.
*/
int SimhashCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"distance", "index", NULL};
  enum SimhashSub { SIMHASH_DISTANCE, SIMHASH_INDEX };
  int idx;
  (void)cd;
  if( objc==2 ){
    int n;
    Tcl_UniChar *u = Tcl_GetUnicodeFromObj(objv[1], &n);
    Tcl_SetObjResult(interp, hexObj(YqSimhash(u, n)));
    return TCL_OK;
  }
  if( objc<2 ){
    Tcl_WrongNumArgs(interp, 1, objv, "TEXT | distance A B | index subcommand ?arg ...?");
    return TCL_ERROR;
  }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx==SIMHASH_DISTANCE ){
    uint64_t a, b;
    if( objc!=4 ){ Tcl_WrongNumArgs(interp, 2, objv, "A B"); return TCL_ERROR; }
    if( parseHex(interp, objv[2], &a)!=TCL_OK || parseHex(interp, objv[3], &b)!=TCL_OK ){
      return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(__builtin_popcountll(a ^ b)));
    return TCL_OK;
  }
  return indexCmd(interp, objc, objv);
}
