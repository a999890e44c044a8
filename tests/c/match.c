/*
** match.c (test) - unit tests of the matcher (src/match.c) through its C API, including the atomic
** swap: scanning threads run against a thread that rebuilds the same matcher name in a loop, and
** every scan must see either the old automaton or the new one, never a mixture or freed memory.
** Also SimHash (src/simhash.c) basics.
*/
#include <string.h>
#include <pthread.h>
#include "../../src/yqbox.h"
#include "check.h"

/* units: TEXT (UTF-8) as 16-bit units; caller frees with ckfree. */
static Tcl_UniChar *units(const char *text, int *n){
  return YqUtf8ToUnits((const unsigned char*)text, (int)strlen(text), n);
}

/* build: a matcher from a Tcl list given as a string, or NULL. */
static YqMatcher *build(Tcl_Interp *interp, const char *list){
  Tcl_Obj *o = Tcl_NewStringObj(list, -1);
  YqMatcher *m;
  Tcl_IncrRefCount(o);
  m = YqMatcherBuild(interp, o);
  Tcl_DecrRefCount(o);
  return m;
}

/* count: the number of matches of M in TEXT. */
static int count(const YqMatcher *m, const char *text, int longest){
  int n, k;
  YqMatch *out;
  Tcl_UniChar *u = units(text, &n);
  k = YqMatcherScan(m, u, n, longest, &out);
  if( out ) ckfree(out);
  ckfree(u);
  return k;
}

static volatile int stop;
static int badScans, scans;
static pthread_mutex_t tally = PTHREAD_MUTEX_INITIALIZER;

/* scanner: scan "ababab..." with whatever matcher "swap" is: 3 matches (old) or 5 (new). */
static void *scanner(void *arg){
  int n, bad = 0, done = 0;
  Tcl_UniChar *u = units("ababab", &n);
  (void)arg;
  while( !stop ){
    YqMatch *out;
    YqMatcher *m = YqMatcherAcquire("swap");
    int k;
    if( !m ) continue;
    k = YqMatcherScan(m, u, n, 0, &out);
    if( out ) ckfree(out);
    YqMatcherRelease(m);
    if( k!=3 && k!=5 ) bad++;
    done++;
  }
  ckfree(u);
  pthread_mutex_lock(&tally);
  badScans += bad; scans += done;
  pthread_mutex_unlock(&tally);
  return NULL;
}

/* rebuilder: replace "swap" 300 times, alternating the two term sets. */
static void *rebuilder(void *arg){
  Tcl_Interp *interp = Tcl_CreateInterp();
  int i;
  (void)arg;
  for(i=0; i<300; i++){
    YqMatcher *m = build(interp, i%2 ? "ab ba" : "ab");
    YqMatcherRegister("swap", m);
  }
  Tcl_DeleteInterp(interp);
  stop = 1;
  return NULL;
}

int main(int argc, char **argv){
  Tcl_Interp *interp;
  YqMatcher *m;
  pthread_t th[4];
  int i, n;
  (void)argc;
  Tcl_FindExecutable(argv[0]);
  interp = Tcl_CreateInterp();

  m = build(interp, "青山县 青山 山县 县长 {term app word 1} {term 县长 not 副县长}");
  CHECK( m!=NULL );
  CHECK( YqMatcherCount(m)==6 );
  CHECK( count(m, "在青山县长", 0)==5 );        /* 青山县 青山 山县 县长 县长(not) */
  CHECK( count(m, "在青山县长", 1)==1 );        /* 青山县 only */
  CHECK( count(m, "副县长", 0)==1 );            /* the plain 县长 only */
  CHECK( count(m, "apple APP", 0)==1 );         /* whole word, folded */
  CHECK( count(m, "ＡＰＰ", 0)==1 );
  CHECK( strcmp(YqMatcherTerm(m, 0), "青山县")==0 );
  YqMatcherRelease(m);

  /* errors leave nothing behind and say why */
  CHECK( build(interp, "{term {}}")==NULL );
  CHECK( strstr(Tcl_GetStringResult(interp), "empty term")!=NULL );

  /* decoding: non-BMP characters are two units, bad bytes one unit each */
  {
    Tcl_UniChar *u = units("a\xF0\x9F\x98\xA1\xFF" "b", &n);
    CHECK( n==5 && u[0]=='a' && u[1]==0xD83D && u[2]==0xDE21 && u[3]==0xFF && u[4]=='b' );
    ckfree(u);
  }

  /* the atomic swap under concurrent scans */
  YqMatcherRegister("swap", build(interp, "ab"));
  for(i=0; i<3; i++) pthread_create(&th[i], NULL, scanner, NULL);
  pthread_create(&th[3], NULL, rebuilder, NULL);
  for(i=0; i<4; i++) pthread_join(th[i], NULL);
  CHECK( badScans==0 );
  CHECK( scans>0 );

  /* simhash: stable, insensitive to punctuation, zero for no content */
  {
    Tcl_UniChar *a = units("青山县城关镇物业乱收费，业主投诉无门", &n);
    unsigned long long h1 = YqSimhash(a, n), h2;
    Tcl_UniChar *b;
    int nb;
    ckfree(a);
    b = units("青山县城关镇物业乱收费！！业主 投诉无门。", &nb);
    h2 = YqSimhash(b, nb);
    ckfree(b);
    CHECK( h1==h2 && h1!=0 );
    CHECK( YqSimhash(NULL, 0)==0 );
  }
  Tcl_DeleteInterp(interp);
  return DONE();
}
