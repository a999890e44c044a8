/*
** match.c - the multi-pattern matcher: thousands of terms found in one pass over a text.
**
** A matcher is an Aho-Corasick automaton whose goto function is stored as a double array
** (base/check: the child of state S by character class C is T = base[S]+C when check[T]==S), so a
** step costs two array reads whatever the number of terms, and 5,000 Chinese terms need a few
** hundred KB. Characters are first mapped to a dense class number by one 64K table per matcher;
** every character that occurs in no term has class 0 and sends the automaton back to the root.
**
** Text is read as Tcl's characters (Tcl_GetUnicodeFromObj: 16-bit units, a character outside the
** BMP being two, exactly as `string length` and `string range` count), so every offset reported
** is a Tcl character index. A match is `term start end` with END EXCLUSIVE: `string range $text
** $start [expr {$end-1}]` is the matched text.
**
** Folding: text and terms are compared after the same one-to-one folding of each character:
** full-width ASCII forms (U+FF01-FF5E) become ASCII, the ideographic space U+3000 a space, and
** letters become lower case (Tcl_UniCharToLower). Folding never changes the length, so offsets
** refer to the original text.
**
** Terms: `matcher create NAME TERMS`, each item of TERMS either a term, or a dict with keys
**   term T   the term (required; a term containing white space must use this form)
**   id X     what `matcher find -ids` reports instead of the term (default: the term)
**   word 1   whole word: no match when the character before the match or after it continues a
**            Latin/digit word, i.e. is a letter or digit below U+2E80 and the term's own first
**            (or last) character is one too. So "app" does not match in "apple", "110" not in
**            "1100", while "APP投诉" matches in "APP投诉了" (the end is a CJK character).
**   not L    a list of longer terms that contain this one, inside which it does not count. This
**            is what "inside a longer word" means for Chinese, which has no word boundaries:
**            {term 县长 not {副县长 县长助理}} matches 县长 in 县长说 but not in 副县长说 or
**            县长助理说. Each item of L must contain the term.
** Identical items (same folded term, id and options) are kept once.
**
** Sharing: matchers live in one process-wide registry by name, so the web workers and the
** background interpreter use the same ones. A matcher is immutable once built and reference
** counted; `matcher find` takes a reference under the registry lock (held for a hash lookup only),
** scans without any lock and drops the reference. `matcher create` on an existing name builds the
** new automaton aside and swaps the pointer under the lock: a scan in progress finishes on the old
** one, which is freed by whoever drops the last reference. No scan ever waits for a build or sees
** half of one.
*/
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include "yqbox.h"

#define MAX_TERM 1000          /* longest term, in characters */
#define MAX_TERMS 2000000      /* most items in one matcher */

/* One item of the term list, folded. Items with equal folded terms are chained by next. */
typedef struct Pattern {
  char *term;                  /* the term as given (Tcl UTF-8) */
  char *id;                    /* NULL: same as term */
  Tcl_UniChar *fold;           /* folded characters */
  int len;
  int word;                    /* whole-word flag */
  int nNot;                    /* exclusions: longer folded terms containing this one */
  Tcl_UniChar **notText;
  int *notLen;
  int next;                    /* next pattern with the same folded term, -1 at the end */
} Pattern;

/* One cell of the double array. check: parent state, -1 free; the root (cell 0) has -2. base:
   twice the base, plus 1 when a match ends in this state (so the scan tests one cell only). */
typedef struct Cell { int base, check; } Cell;

/* Per-state data used off the hot path. */
typedef struct Aux {
  int fail;                    /* failure link */
  int out;                     /* first pattern ending here, -1 none */
  int dict;                    /* nearest state on the failure chain with out>=0, 0 none */
} Aux;

struct YqMatcher {
  int refs;                    /* atomic */
  int nPat;
  Pattern *pat;
  unsigned short *cls;         /* raw 16-bit character -> class; 0 = in no term */
  int nClass;                  /* classes 1..nClass */
  int size;                    /* cells in da/aux */
  int nState;
  Cell *da;
  Aux *aux;
  long buildUs;                /* build time in microseconds */
  size_t bytes;                /* memory held */
};

/* ---------------------------------------------------------------- folding */

static unsigned short foldTab[65536];
static pthread_once_t foldOnce = PTHREAD_ONCE_INIT;

/* initFold: fill foldTab (once per process). */
static void initFold(void){
  int u;
  for(u=0; u<65536; u++){
    int v = u;
    if( v>=0xFF01 && v<=0xFF5E ) v -= 0xFEE0;
    else if( v==0x3000 ) v = 0x20;
    if( v<0xD800 || v>0xDFFF ) v = Tcl_UniCharToLower(v);
    if( v<0 || v>0xFFFF ) v = u;
    foldTab[u] = (unsigned short)v;
  }
}

/* YqFold: the folded form of a 16-bit character (see the file comment). */
unsigned short YqFold(unsigned short u){
  return foldTab[u];
}

/* YqFoldInit: make sure the folding table is ready (cheap after the first call). */
void YqFoldInit(void){
  pthread_once(&foldOnce, initFold);
}

/* isWordChar: whether folded character U is a letter or digit that is not CJK (a Latin word). */
static int isWordChar(unsigned short u){
  return u<0x2E80 && Tcl_UniCharIsAlnum(u);
}

/* ---------------------------------------------------------------- building */

static void freePatterns(Pattern *pat, int n){
  int i, j;
  for(i=0; i<n; i++){
    ckfree(pat[i].term);
    if( pat[i].id ) ckfree(pat[i].id);
    ckfree(pat[i].fold);
    for(j=0; j<pat[i].nNot; j++) ckfree(pat[i].notText[j]);
    if( pat[i].notText ){ ckfree(pat[i].notText); ckfree(pat[i].notLen); }
  }
  ckfree(pat);
}

/* YqMatcherRelease: drop a reference; the last one frees the matcher. */
void YqMatcherRelease(YqMatcher *m){
  if( !m ) return;
  if( __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL)!=0 ) return;
  freePatterns(m->pat, m->nPat);
  ckfree(m->cls);
  ckfree(m->da);
  ckfree(m->aux);
  ckfree(m);
}

/* YqMatcherRetain: take one more reference to M; returns M. */
YqMatcher *YqMatcherRetain(YqMatcher *m){
  __atomic_add_fetch(&m->refs, 1, __ATOMIC_ACQ_REL);
  return m;
}

/* dupStr: a ckalloc'ed copy of S. */
static char *dupStr(const char *s, int len){
  char *d = ckalloc(len+1);
  memcpy(d, s, len);
  d[len] = 0;
  return d;
}

/* foldObj: the folded characters of OBJ (ckalloc'ed) and their number in *LEN. */
static Tcl_UniChar *foldObj(Tcl_Obj *obj, int *len){
  int n, i;
  Tcl_UniChar *u = Tcl_GetUnicodeFromObj(obj, &n);
  Tcl_UniChar *f = (Tcl_UniChar*)ckalloc(sizeof(Tcl_UniChar)*(n+1));
  for(i=0; i<n; i++) f[i] = foldTab[u[i]];
  f[n] = 0;
  *len = n;
  return f;
}

/* contains: whether N units at HAY contain the M units at NEEDLE. */
static int contains(const Tcl_UniChar *hay, int n, const Tcl_UniChar *needle, int m){
  int i;
  for(i=0; i+m<=n; i++){
    if( memcmp(hay+i, needle, sizeof(Tcl_UniChar)*m)==0 ) return 1;
  }
  return 0;
}

/*
** parseItem: fill *P from one item of the term list. Returns TCL_OK, or TCL_ERROR with a message
** naming item number IDX. On error nothing is left allocated in *P.
*/
static int parseItem(Tcl_Interp *interp, Tcl_Obj *item, int idx, Pattern *p){
  static const char *const keys[] = {"term", "id", "word", "not", NULL};
  enum ItemKey { KEY_TERM, KEY_ID, KEY_WORD, KEY_NOT };
  Tcl_Obj *termObj = item, *idObj = NULL, *notObj = NULL, **kv;
  int n, i, len;
  const char *s;
  memset(p, 0, sizeof(*p));
  p->next = -1;
  if( Tcl_ListObjGetElements(NULL, item, &n, &kv)==TCL_OK && n>1 ){
    if( n%2 ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: expected a term or a dict with key term, "
          "got \"%s\"", idx+1, Tcl_GetString(item)));
      return TCL_ERROR;
    }
    termObj = NULL;
    for(i=0; i<n; i+=2){
      int k;
      if( Tcl_GetIndexFromObj(interp, kv[i], keys, "key", 0, &k)!=TCL_OK ){
        Tcl_AppendObjToErrorInfo(interp, Tcl_ObjPrintf("\n    (item %d of the term list)", idx+1));
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: %s", idx+1, Tcl_GetStringResult(interp)));
        return TCL_ERROR;
      }
      switch( (enum ItemKey)k ){
        case KEY_TERM: termObj = kv[i+1]; break;
        case KEY_ID: idObj = kv[i+1]; break;
        case KEY_WORD:
          if( Tcl_GetBooleanFromObj(NULL, kv[i+1], &p->word)!=TCL_OK ){
            Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: word must be a boolean, got \"%s\"",
                idx+1, Tcl_GetString(kv[i+1])));
            return TCL_ERROR;
          }
          break;
        case KEY_NOT: notObj = kv[i+1]; break;
      }
    }
    if( !termObj ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: no term in \"%s\"", idx+1,
          Tcl_GetString(item)));
      return TCL_ERROR;
    }
  }
  s = Tcl_GetStringFromObj(termObj, &len);
  if( len==0 ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: empty term", idx+1));
    return TCL_ERROR;
  }
  if( Tcl_GetCharLength(termObj)>MAX_TERM ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: term longer than %d characters", idx+1,
        MAX_TERM));
    return TCL_ERROR;
  }
  if( notObj ){
    Tcl_Obj **nv;
    int nn;
    if( Tcl_ListObjGetElements(NULL, notObj, &nn, &nv)!=TCL_OK ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: not must be a list of terms", idx+1));
      return TCL_ERROR;
    }
    p->fold = foldObj(termObj, &p->len);
    if( nn ){
      p->notText = (Tcl_UniChar**)ckalloc(sizeof(Tcl_UniChar*)*nn);
      p->notLen = (int*)ckalloc(sizeof(int)*nn);
    }
    for(i=0; i<nn; i++){
      p->notText[i] = foldObj(nv[i], &p->notLen[i]);
      p->nNot = i+1;
      if( p->notLen[i]<=p->len || p->notLen[i]>MAX_TERM
       || !contains(p->notText[i], p->notLen[i], p->fold, p->len) ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("item %d: exclusion \"%s\" is not a longer term "
            "containing \"%s\"", idx+1, Tcl_GetString(nv[i]), s));
        goto fail;
      }
    }
  }else{
    p->fold = foldObj(termObj, &p->len);
  }
  p->term = dupStr(s, len);
  if( idObj ){
    int il;
    const char *is = Tcl_GetStringFromObj(idObj, &il);
    p->id = dupStr(is, il);
  }
  return TCL_OK;
fail:
  for(i=0; i<p->nNot; i++) ckfree(p->notText[i]);
  if( p->notText ){ ckfree(p->notText); ckfree(p->notLen); }
  ckfree(p->fold);
  memset(p, 0, sizeof(*p));
  return TCL_ERROR;
}

/* A pattern and its index, sorted by folded term to build the trie. */
typedef struct SortPat { const Pattern *p; int idx; } SortPat;

/* cmpFold: order by folded term, then by index (so equal terms keep their input order). */
static int cmpFold(const void *a, const void *b){
  const SortPat *sa = a, *sb = b;
  const Pattern *x = sa->p, *y = sb->p;
  int n = x->len<y->len ? x->len : y->len, i;
  for(i=0; i<n; i++){
    if( x->fold[i]!=y->fold[i] ) return x->fold[i]<y->fold[i] ? -1 : 1;
  }
  if( x->len!=y->len ) return x->len<y->len ? -1 : 1;
  return sa->idx - sb->idx;
}

/* samePattern: whether two patterns with equal folded terms are the same item. */
static int samePattern(const Pattern *x, const Pattern *y){
  int i;
  if( x->word!=y->word || x->nNot!=y->nNot ) return 0;
  if( (x->id==0)!=(y->id==0) || (x->id && strcmp(x->id, y->id)) ) return 0;
  if( strcmp(x->term, y->term) ) return 0;
  for(i=0; i<x->nNot; i++){
    if( x->notLen[i]!=y->notLen[i]
     || memcmp(x->notText[i], y->notText[i], sizeof(Tcl_UniChar)*x->notLen[i]) ) return 0;
  }
  return 1;
}

/* The temporary trie built from the sorted terms before it is laid out as a double array. */
typedef struct TNode {
  int first, last, sibling;    /* children list (in increasing class order) */
  int cls;                     /* class of the edge from the parent */
  int out;                     /* first pattern ending here */
  int cell;                    /* position in the double array */
} TNode;

/*
** YqMatcherBuild: build an unregistered matcher from the Tcl list TERMS. Returns it with one
** reference, or NULL with an error message in INTERP (bad list, bad item: nothing is built).
*/
YqMatcher *YqMatcherBuild(Tcl_Interp *interp, Tcl_Obj *terms){
  struct timespec t0, t1;
  Tcl_Obj **items;
  int nItem, i, j, nPat = 0, nNode, cap, tailFree;
  Pattern *pat;
  SortPat *order = NULL;
  int *queue = NULL, *freeNext = NULL, *freePrev = NULL;
  unsigned short *clsOfFold = NULL;
  TNode *node = NULL;
  YqMatcher *m;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  YqFoldInit();
  if( Tcl_ListObjGetElements(interp, terms, &nItem, &items)!=TCL_OK ) return NULL;
  if( nItem>MAX_TERMS ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("too many terms (%d; at most %d)", nItem, MAX_TERMS));
    return NULL;
  }
  pat = (Pattern*)ckalloc(sizeof(Pattern)*(nItem ? nItem : 1));
  for(i=0; i<nItem; i++){
    if( parseItem(interp, items[i], i, &pat[nPat])!=TCL_OK ){
      freePatterns(pat, nPat);
      return NULL;
    }
    nPat++;
  }

  m = (YqMatcher*)ckalloc(sizeof(YqMatcher));
  memset(m, 0, sizeof(*m));
  m->refs = 1;

  /* classes: each distinct folded character of the terms, numbered from 1 */
  clsOfFold = (unsigned short*)ckalloc(sizeof(unsigned short)*65536);
  memset(clsOfFold, 0, sizeof(unsigned short)*65536);
  for(i=0; i<nPat; i++){
    for(j=0; j<pat[i].len; j++){
      unsigned short f = pat[i].fold[j];
      if( !clsOfFold[f] ) clsOfFold[f] = (unsigned short)++m->nClass;
    }
  }
  m->cls = (unsigned short*)ckalloc(sizeof(unsigned short)*65536);
  for(i=0; i<65536; i++) m->cls[i] = clsOfFold[foldTab[i]];
  /* the patterns' folded text becomes class numbers from here on (exclusions stay folded
     characters: they are compared with the folded text directly) */
  for(i=0; i<nPat; i++){
    for(j=0; j<pat[i].len; j++) pat[i].fold[j] = clsOfFold[pat[i].fold[j]];
  }

  /* sort by term, drop repeated identical items, build the trie */
  order = (SortPat*)ckalloc(sizeof(SortPat)*(nPat ? nPat : 1));
  for(i=0; i<nPat; i++){ order[i].p = &pat[i]; order[i].idx = i; }
  qsort(order, nPat, sizeof(SortPat), cmpFold);
  nNode = 1;
  for(i=0; i<nPat; i++) nNode += pat[i].len;
  node = (TNode*)ckalloc(sizeof(TNode)*nNode);
  memset(&node[0], 0, sizeof(TNode));
  node[0].first = node[0].last = node[0].sibling = -1;
  node[0].out = -1;
  nNode = 1;
  {
    int prev = -1;
    for(i=0; i<nPat; i++){
      Pattern *p = &pat[order[i].idx];
      int s = 0;
      if( prev>=0 && pat[prev].len==p->len
       && memcmp(pat[prev].fold, p->fold, sizeof(Tcl_UniChar)*p->len)==0 ){
        /* same folded term as the previous one: chain it (or drop an identical item) */
        int q, dup = 0;
        for(q=prev; q>=0; q=pat[q].next){
          if( samePattern(&pat[q], p) ){ dup = 1; break; }
        }
        if( dup ){ p->len = -1; continue; }
      }
      for(j=0; j<p->len; j++){
        int c = p->fold[j];
        int t = node[s].last;
        if( t<0 || node[t].cls!=c ){
          t = nNode++;
          node[t].first = node[t].last = node[t].sibling = -1;
          node[t].cls = c;
          node[t].out = -1;
          if( node[s].last<0 ) node[s].first = t; else node[node[s].last].sibling = t;
          node[s].last = t;
        }
        s = t;
      }
      /* chain in input order: sorted order keeps equal terms by index, so append at the end */
      if( node[s].out<0 ){
        node[s].out = order[i].idx;
      }else{
        int q = node[s].out;
        while( pat[q].next>=0 ) q = pat[q].next;
        pat[q].next = order[i].idx;
      }
      prev = node[s].out;
    }
  }

  /* lay the trie out as a double array, breadth first, first fit over a doubly linked list of
     free cells; cell 0 is the root and also the list head (freeNext[0] = first free cell) */
  cap = nNode + m->nClass + 16;
  m->da = (Cell*)ckalloc(sizeof(Cell)*cap);
  freeNext = (int*)ckalloc(sizeof(int)*cap);
  freePrev = (int*)ckalloc(sizeof(int)*cap);
  for(i=0; i<cap; i++){ m->da[i].base = 0; m->da[i].check = -1; freeNext[i] = i+1; freePrev[i] = i-1; }
  m->da[0].check = -2;
  tailFree = cap-1;
  queue = (int*)ckalloc(sizeof(int)*nNode);
  node[0].cell = 0;
  {
    int head = 0, tail = 0, maxCell = 0, k;
    queue[tail++] = 0;
    while( head<tail ){
      int s = queue[head++], c1, cl, b = 0, pos, t;
      if( node[s].first<0 ) continue;
      c1 = node[node[s].first].cls;
      cl = node[node[s].last].cls;
      for(pos=freeNext[0]; ; pos=freeNext[pos]){
        int need = pos + cl + 1;
        if( need>cap ){
          /* grow: the new cells join the end of the free list */
          int ncap = need*2;
          m->da = (Cell*)ckrealloc((char*)m->da, sizeof(Cell)*ncap);
          freeNext = (int*)ckrealloc((char*)freeNext, sizeof(int)*ncap);
          freePrev = (int*)ckrealloc((char*)freePrev, sizeof(int)*ncap);
          for(k=cap; k<ncap; k++){
            m->da[k].base = 0; m->da[k].check = -1; freeNext[k] = k+1; freePrev[k] = k-1;
          }
          freePrev[cap] = tailFree;
          freeNext[tailFree] = cap;
          tailFree = ncap-1;
          cap = ncap;
        }
        b = pos - c1;
        if( b<0 ) continue;
        for(t=node[s].first; t>=0; t=node[t].sibling){
          if( m->da[b+node[t].cls].check!=-1 ) break;
        }
        if( t<0 ) break;
      }
      m->da[node[s].cell].base = b;
      for(t=node[s].first; t>=0; t=node[t].sibling){
        int cell = b + node[t].cls;
        m->da[cell].check = node[s].cell;
        node[t].cell = cell;
        if( cell>maxCell ) maxCell = cell;
        /* unlink the cell from the free list */
        freeNext[freePrev[cell]] = freeNext[cell];
        if( freeNext[cell]<cap ) freePrev[freeNext[cell]] = freePrev[cell];
        else tailFree = freePrev[cell];
        queue[tail++] = t;
      }
    }
    /* every base+class must index a cell: size covers the largest base plus the class count */
    {
      int need = maxCell+1;
      for(k=0; k<cap; k++){
        if( m->da[k].check!=-1 && m->da[k].base+m->nClass+1>need ) need = m->da[k].base+m->nClass+1;
      }
      if( need>cap ){
        m->da = (Cell*)ckrealloc((char*)m->da, sizeof(Cell)*need);
        for(k=cap; k<need; k++){ m->da[k].base = 0; m->da[k].check = -1; }
      }
      m->size = need;
    }
  }
  m->nState = nNode;

  /* failure and dictionary links, in breadth-first order (queue): a state's link is known
     before its children's. Children of the root fail to the root. */
  m->aux = (Aux*)ckalloc(sizeof(Aux)*m->size);
  for(i=0; i<m->size; i++){ m->aux[i].fail = 0; m->aux[i].out = -1; m->aux[i].dict = 0; }
  for(i=0; i<nNode; i++) m->aux[node[i].cell].out = node[i].out;
  for(i=0; i<nNode; i++){
    int s = queue[i], t;
    for(t=node[s].first; t>=0; t=node[t].sibling){
      int ct = node[t].cell, c = node[t].cls, f, nf = 0;
      if( s ){
        for(f=m->aux[node[s].cell].fail; ; f=m->aux[f].fail){
          int x = m->da[f].base + c;     /* bases are still plain here */
          if( m->da[x].check==f ){ nf = x; break; }
          if( !f ) break;
        }
      }
      m->aux[ct].fail = nf;
      m->aux[ct].dict = m->aux[nf].out>=0 ? nf : m->aux[nf].dict;
    }
  }

  /* final form of base: doubled, low bit set where some match ends */
  for(i=0; i<m->size; i++){
    m->da[i].base = m->da[i].base*2 + (m->aux[i].out>=0 || m->aux[i].dict ? 1 : 0);
  }
  m->pat = pat;
  m->nPat = nPat;
  ckfree(clsOfFold);
  ckfree(order);
  ckfree(node);
  ckfree(queue);
  ckfree(freeNext);
  ckfree(freePrev);
  m->bytes = sizeof(YqMatcher) + 65536*sizeof(unsigned short) + (size_t)m->size*(sizeof(Cell)+sizeof(Aux))
           + (size_t)nPat*sizeof(Pattern);
  for(i=0; i<nPat; i++) m->bytes += (size_t)(pat[i].len>0 ? pat[i].len : 0)*2 + strlen(pat[i].term) + 2;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  m->buildUs = (t1.tv_sec-t0.tv_sec)*1000000L + (t1.tv_nsec-t0.tv_nsec)/1000;
  return m;
}

/* ---------------------------------------------------------------- scanning */

/* excluded: whether the match of pattern P ending before END (exclusive) in TEXT (N units) lies
   inside one of P's exclusions. */
static int excluded(const Pattern *p, const Tcl_UniChar *text, int n, int start){
  int k, off, j;
  for(k=0; k<p->nNot; k++){
    const Tcl_UniChar *x = p->notText[k];
    int xl = p->notLen[k];
    for(off=0; off+p->len<=xl; off++){
      int xs = start - off;
      /* P's folded text is stored as classes, so find P inside X by comparing with the text */
      if( xs<0 || xs+xl>n ) continue;
      for(j=0; j<xl; j++){
        if( foldTab[text[xs+j]]!=x[j] ) break;
      }
      if( j==xl ) return 1;
    }
  }
  return 0;
}

/* emit: append match (P, START, END) to the growing array *OUT unless a flag rules it out. */
static void emit(const YqMatcher *m, int p, const Tcl_UniChar *text, int n, int end,
                 YqMatch **out, int *nOut, int *cap){
  for(; p>=0; p=m->pat[p].next){
    const Pattern *pp = &m->pat[p];
    int start = end - pp->len;
    if( pp->word ){
      if( start>0 && isWordChar(foldTab[text[start-1]]) && isWordChar(foldTab[text[start]]) ) continue;
      if( end<n && isWordChar(foldTab[text[end]]) && isWordChar(foldTab[text[end-1]]) ) continue;
    }
    if( pp->nNot && excluded(pp, text, n, start) ) continue;
    if( *nOut==*cap ){
      *cap = *cap ? *cap*2 : 64;
      *out = (YqMatch*)ckrealloc((char*)*out, sizeof(YqMatch)*(*cap));
    }
    (*out)[*nOut].pat = p;
    (*out)[*nOut].start = start;
    (*out)[*nOut].end = end;
    (*nOut)++;
  }
}

static int cmpMatch(const void *a, const void *b){
  const YqMatch *x = a, *y = b;
  if( x->start!=y->start ) return x->start<y->start ? -1 : 1;
  if( x->end!=y->end ) return x->end>y->end ? -1 : 1;     /* longer first */
  return x->pat - y->pat;
}

/*
** YqMatcherScan: find the terms of M in the N characters at TEXT. Returns the number of matches
** and sets *OUT to a ckalloc'ed array of them (caller frees; NULL when none), ordered by start,
** then longer first. With LONGEST, keeps only leftmost-longest matches that do not overlap.
*/
int YqMatcherScan(const YqMatcher *m, const Tcl_UniChar *text, int n, int longest, YqMatch **out){
  const Cell *da = m->da;
  const Aux *aux = m->aux;
  const unsigned short *cls = m->cls;
  int i, s = 0, nOut = 0, cap = 0;
  *out = NULL;
  for(i=0; i<n; i++){
    int c = cls[text[i]];
    if( !c ){ s = 0; continue; }
    for(;;){
      int t = (da[s].base>>1) + c;
      if( da[t].check==s ){ s = t; break; }
      if( !s ) break;
      s = aux[s].fail;
    }
    if( da[s].base & 1 ){
      int d;
      if( aux[s].out>=0 ) emit(m, aux[s].out, text, n, i+1, out, &nOut, &cap);
      for(d=aux[s].dict; d; d=aux[d].dict) emit(m, aux[d].out, text, n, i+1, out, &nOut, &cap);
    }
  }
  if( nOut>1 ){
    /* matches come out by end; sort unless already in (start, longer first) order */
    for(i=1; i<nOut; i++){
      if( cmpMatch(&(*out)[i-1], &(*out)[i])>0 ){
        qsort(*out, nOut, sizeof(YqMatch), cmpMatch);
        break;
      }
    }
  }
  if( longest && nOut>1 ){
    int k = 0, lastEnd = 0;
    for(i=0; i<nOut; i++){
      if( (*out)[i].start>=lastEnd ){
        (*out)[k++] = (*out)[i];
        lastEnd = (*out)[i].end;
      }
    }
    nOut = k;
  }
  return nOut;
}

/*
** YqUtf8ToUnits: decode N bytes of standard UTF-8 at S into 16-bit units as Tcl counts characters
** (a character above U+FFFF is two units, a surrogate pair; a byte that starts no valid sequence
** is one unit of that byte's value, as `encoding convertfrom utf-8` does). Returns a ckalloc'ed
** array (caller frees) and its length in *LEN.
*/
Tcl_UniChar *YqUtf8ToUnits(const unsigned char *s, int n, int *len){
  Tcl_UniChar *u = (Tcl_UniChar*)ckalloc(sizeof(Tcl_UniChar)*(n+1));
  int i = 0, k = 0;
  while( i<n ){
    unsigned c = s[i];
    if( c<0x80 ){ u[k++] = (Tcl_UniChar)c; i++; continue; }
    if( c>=0xE0 && c<0xF0 && i+2<n && (s[i+1]&0xC0)==0x80 && (s[i+2]&0xC0)==0x80 ){
      unsigned v = ((c&0x0F)<<12) | ((s[i+1]&0x3F)<<6) | (s[i+2]&0x3F);
      if( v>=0x800 ){ u[k++] = (Tcl_UniChar)v; i += 3; continue; }
    }else if( c>=0xC2 && c<0xE0 && i+1<n && (s[i+1]&0xC0)==0x80 ){
      u[k++] = (Tcl_UniChar)(((c&0x1F)<<6) | (s[i+1]&0x3F)); i += 2; continue;
    }else if( c>=0xF0 && c<0xF5 && i+3<n && (s[i+1]&0xC0)==0x80 && (s[i+2]&0xC0)==0x80
           && (s[i+3]&0xC0)==0x80 ){
      unsigned v = ((c&0x07)<<18) | ((s[i+1]&0x3F)<<12) | ((s[i+2]&0x3F)<<6) | (s[i+3]&0x3F);
      if( v>=0x10000 && v<0x110000 ){
        v -= 0x10000;
        u[k++] = (Tcl_UniChar)(0xD800 + (v>>10));
        u[k++] = (Tcl_UniChar)(0xDC00 + (v&0x3FF));
        i += 4;
        continue;
      }
    }
    u[k++] = (Tcl_UniChar)c; i++;
  }
  *len = k;
  return u;
}

/* YqMatcherTerm / YqMatcherId: pattern P's term as given, and its id (the term when none). */
const char *YqMatcherTerm(const YqMatcher *m, int p){
  return m->pat[p].term;
}
const char *YqMatcherId(const YqMatcher *m, int p){
  return m->pat[p].id ? m->pat[p].id : m->pat[p].term;
}
int YqMatcherCount(const YqMatcher *m){
  return m->nPat;
}

/* ---------------------------------------------------------------- the registry */

static pthread_mutex_t regLock = PTHREAD_MUTEX_INITIALIZER;
static Tcl_HashTable registry;          /* name -> YqMatcher* */
static int regInit;

/* YqMatcherAcquire: the matcher registered as NAME with a new reference, or NULL. */
YqMatcher *YqMatcherAcquire(const char *name){
  Tcl_HashEntry *e;
  YqMatcher *m = NULL;
  pthread_mutex_lock(&regLock);
  if( regInit && (e = Tcl_FindHashEntry(&registry, name))!=NULL ){
    m = YqMatcherRetain((YqMatcher*)Tcl_GetHashValue(e));
  }
  pthread_mutex_unlock(&regLock);
  return m;
}

/* YqMatcherRegister: make M (whose reference passes to the registry) the matcher named NAME,
   replacing and releasing any previous one. */
void YqMatcherRegister(const char *name, YqMatcher *m){
  Tcl_HashEntry *e;
  YqMatcher *old = NULL;
  int isNew;
  pthread_mutex_lock(&regLock);
  if( !regInit ){ Tcl_InitHashTable(&registry, TCL_STRING_KEYS); regInit = 1; }
  e = Tcl_CreateHashEntry(&registry, name, &isNew);
  if( !isNew ) old = (YqMatcher*)Tcl_GetHashValue(e);
  Tcl_SetHashValue(e, m);
  pthread_mutex_unlock(&regLock);
  YqMatcherRelease(old);
}

/* unregister: remove NAME from the registry. Returns 1 if it was there. */
static int unregister(const char *name){
  Tcl_HashEntry *e;
  YqMatcher *old = NULL;
  pthread_mutex_lock(&regLock);
  if( regInit && (e = Tcl_FindHashEntry(&registry, name))!=NULL ){
    old = (YqMatcher*)Tcl_GetHashValue(e);
    Tcl_DeleteHashEntry(e);
  }
  pthread_mutex_unlock(&regLock);
  YqMatcherRelease(old);
  return old!=NULL;
}

/* ---------------------------------------------------------------- the Tcl command */

/* noMatcher: the error for an unknown matcher name. */
static int noMatcher(Tcl_Interp *interp, Tcl_Obj *name){
  Tcl_SetObjResult(interp, Tcl_ObjPrintf("no matcher named \"%s\"", Tcl_GetString(name)));
  Tcl_SetErrorCode(interp, "YQBOX", "MATCHER", "UNKNOWN", NULL);
  return TCL_ERROR;
}

/*
** MatcherCmd: "matcher create NAME TERMS" (returns the number of distinct items), "matcher find
** NAME TEXT ?-ids? ?-longest? ?-bytes?" (flat list term start end ...; -ids: ids instead of
** terms; -longest: leftmost-longest matches without overlap; -bytes: TEXT is a byte array of UTF-8,
** e.g. a fetched body or a file read in binary, offsets still in characters), "matcher delete NAME", "matcher
** names", "matcher info NAME" (dict terms states classes cells bytes build_us). See the file
** comment for the term list and the offsets.
*/
int MatcherCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"create", "delete", "find", "info", "names", NULL};
  enum MatcherSub { M_CREATE, M_DELETE, M_FIND, M_INFO, M_NAMES };
  int idx;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  switch( (enum MatcherSub)idx ){
    case M_CREATE: {
      YqMatcher *m;
      int i, n = 0;
      if( objc!=4 ){ Tcl_WrongNumArgs(interp, 2, objv, "NAME TERMS"); return TCL_ERROR; }
      if( Tcl_GetCharLength(objv[2])==0 ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj("matcher name must not be empty", -1));
        return TCL_ERROR;
      }
      m = YqMatcherBuild(interp, objv[3]);
      if( !m ) return TCL_ERROR;
      for(i=0; i<m->nPat; i++) if( m->pat[i].len>=0 ) n++;
      YqMatcherRegister(Tcl_GetString(objv[2]), m);
      Tcl_SetObjResult(interp, Tcl_NewIntObj(n));
      return TCL_OK;
    }
    case M_DELETE:
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "NAME"); return TCL_ERROR; }
      if( !unregister(Tcl_GetString(objv[2])) ) return noMatcher(interp, objv[2]);
      return TCL_OK;
    case M_NAMES: {
      Tcl_Obj *list = Tcl_NewListObj(0, NULL);
      Tcl_HashSearch hs;
      Tcl_HashEntry *e;
      if( objc!=2 ){ Tcl_WrongNumArgs(interp, 2, objv, NULL); return TCL_ERROR; }
      pthread_mutex_lock(&regLock);
      if( regInit ){
        for(e=Tcl_FirstHashEntry(&registry, &hs); e; e=Tcl_NextHashEntry(&hs)){
          Tcl_ListObjAppendElement(NULL, list,
              Tcl_NewStringObj(Tcl_GetHashKey(&registry, e), -1));
        }
      }
      pthread_mutex_unlock(&regLock);
      Tcl_SetObjResult(interp, list);
      return TCL_OK;
    }
    case M_INFO: {
      YqMatcher *m;
      Tcl_Obj *d;
      int i, n = 0;
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "NAME"); return TCL_ERROR; }
      if( !(m = YqMatcherAcquire(Tcl_GetString(objv[2]))) ) return noMatcher(interp, objv[2]);
      for(i=0; i<m->nPat; i++) if( m->pat[i].len>=0 ) n++;
      d = Tcl_NewDictObj();
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), Tcl_NewWideIntObj(v))
      PUT("terms", n);
      PUT("states", m->nState);
      PUT("classes", m->nClass);
      PUT("cells", m->size);
      PUT("bytes", (Tcl_WideInt)m->bytes);
      PUT("build_us", m->buildUs);
#undef PUT
      YqMatcherRelease(m);
      Tcl_SetObjResult(interp, d);
      return TCL_OK;
    }
    case M_FIND: {
      static const char *const opts[] = {"-bytes", "-ids", "-longest", NULL};
      enum FindOpt { OPT_BYTES, OPT_IDS, OPT_LONGEST };
      YqMatcher *m;
      YqMatch *hits;
      Tcl_UniChar *text, *decoded = NULL;
      Tcl_Obj **objs, **elems, *list;
      int n, nHit, i, ids = 0, longest = 0, bytes = 0;
      if( objc<4 ){
        Tcl_WrongNumArgs(interp, 2, objv, "NAME TEXT ?-ids? ?-longest? ?-bytes?");
        return TCL_ERROR;
      }
      for(i=4; i<objc; i++){
        int o;
        if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &o)!=TCL_OK ) return TCL_ERROR;
        switch( (enum FindOpt)o ){
          case OPT_BYTES: bytes = 1; break;
          case OPT_IDS: ids = 1; break;
          case OPT_LONGEST: longest = 1; break;
        }
      }
      if( !(m = YqMatcherAcquire(Tcl_GetString(objv[2]))) ) return noMatcher(interp, objv[2]);
      if( bytes ){
        int nb;
        const unsigned char *b = Tcl_GetByteArrayFromObj(objv[3], &nb);
        text = decoded = YqUtf8ToUnits(b, nb, &n);
      }else{
        text = Tcl_GetUnicodeFromObj(objv[3], &n);
      }
      nHit = YqMatcherScan(m, text, n, longest, &hits);
      if( decoded ) ckfree(decoded);
      /* one Tcl_Obj per distinct pattern reported, shared by all its matches */
      objs = nHit ? (Tcl_Obj**)ckalloc(sizeof(Tcl_Obj*)*m->nPat) : NULL;
      if( objs ) memset(objs, 0, sizeof(Tcl_Obj*)*m->nPat);
      elems = nHit ? (Tcl_Obj**)ckalloc(sizeof(Tcl_Obj*)*3*nHit) : NULL;
      for(i=0; i<nHit; i++){
        int p = hits[i].pat;
        if( !objs[p] ){
          objs[p] = Tcl_NewStringObj(ids ? YqMatcherId(m, p) : m->pat[p].term, -1);
          Tcl_IncrRefCount(objs[p]);
        }
        elems[3*i] = objs[p];
        elems[3*i+1] = Tcl_NewIntObj(hits[i].start);
        elems[3*i+2] = Tcl_NewIntObj(hits[i].end);
      }
      list = Tcl_NewListObj(3*nHit, elems);
      if( elems ) ckfree(elems);
      if( objs ){
        for(i=0; i<m->nPat; i++) if( objs[i] ) Tcl_DecrRefCount(objs[i]);
        ckfree(objs);
      }
      if( hits ) ckfree(hits);
      YqMatcherRelease(m);
      Tcl_SetObjResult(interp, list);
      return TCL_OK;
    }
  }
  return TCL_OK;
}
