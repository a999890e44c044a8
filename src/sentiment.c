/*
** sentiment.c - the lexicon-based sentiment scorer: `sentiment TEXT` -> a number in [-1, 1],
** negative for negative text.
**
** The lexicon (the files scripts/analyse/lexicon/NAME.txt, loaded by scripts/analyse/sentiment.tcl with
** `sentiment lexicon ITEMS ?OPTIONS?`) has words of five kinds: `word` (a signed strength: -3 very
** negative .. +3 very positive; emoji and Weibo tags like [怒] are words too), `negation` (不, 没有,
** 并非 ...), `degree` (a factor: 非常 2, 有点 0.6 ...), `contrast` (但是, 却 ...) and `neutral`
** (phrases that only shield the words inside them: 低保 is not 低, 好的 is not praise). It is compiled into
** one matcher (match.c) and swapped atomically when reloaded, like the registry's matchers.
**
** Scoring a text:
**   1. the lexicon words are found leftmost-longest without overlap, so a longer entry wins over
**      the words inside it (不满意 is one negative word, not 不 + 满意; 投诉无门 not 投诉);
**   2. the text is cut into sentences at 。！？!?；;… and line ends, and sentences into clauses at
**      ，,、：: ; a word's modifiers are the negation and degree words that end at most `window`
**      (4) characters before it in the same clause;
**   3. word score = strength x product of degree factors (at most `degree_max`, 3); an odd number
**      of negations multiplies it by `negate_positive` (-1: 不及时 is as bad as 及时 is good) for
**      a positive word, by `negate_negative` (-0.5: 不臭 is only mildly good) for a negative one;
**   4. in a sentence with a contrast word, words before the last one weigh `contrast_before` (0.5)
**      and words after it `contrast_after` (1.5) ("虽然态度好，但是问题没解决" is negative);
**   5. sentence score = sum of its word scores; a sentence ending in ! weighs `exclaim` (1.5); one
**      ending in ? is a demand or a rhetorical question in citizens' posts: a positive sum is
**      multiplied by `question_positive` (-0.5: "能不能及时处理？"), a negative one by
**      `question_negative` (1.2);
**   6. text score = S / sqrt(S^2 + alpha) for the sum S of the sentence scores (alpha 4), so one
**      mildly negative word gives about -0.45 and several strong ones approach -1; no lexicon word
**      at all gives 0.
** `sentiment explain TEXT` returns the working: a dict with score, raw (S) and sentences, each
** {start end raw words}, each word {term start end value} (value after modifiers and weights).
*/
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include "yqbox.h"

enum LexKind { K_WORD, K_NEGATION, K_DEGREE, K_CONTRAST, K_NEUTRAL };   /* in the order of kinds[] */

typedef struct Options {
  int window;
  double negatePositive, negateNegative, degreeMax;
  double exclaim, questionPositive, questionNegative;
  double contrastBefore, contrastAfter, alpha;
} Options;

typedef struct Lexicon {
  int refs;                    /* atomic */
  YqMatcher *m;                /* pattern i is lexicon item i */
  unsigned char *kind;
  double *value;
  Options opt;
} Lexicon;

static pthread_mutex_t lexLock = PTHREAD_MUTEX_INITIALIZER;
static Lexicon *current;

static void lexRelease(Lexicon *x){
  if( !x || __atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL)!=0 ) return;
  YqMatcherRelease(x->m);
  ckfree(x->kind);
  ckfree(x->value);
  ckfree(x);
}

/* lexAcquire: the current lexicon with a new reference, or NULL when none is loaded. */
static Lexicon *lexAcquire(void){
  Lexicon *x;
  pthread_mutex_lock(&lexLock);
  x = current;
  if( x ) __atomic_add_fetch(&x->refs, 1, __ATOMIC_ACQ_REL);
  pthread_mutex_unlock(&lexLock);
  return x;
}

static int isSentenceEnd(Tcl_UniChar c){
  return c==0x3002 || c==0xFF01 || c==0xFF1F || c=='!' || c=='?' || c==0xFF1B || c==';'
      || c==0x2026 || c=='\n' || c=='\r';
}
static int isClauseEnd(Tcl_UniChar c){
  return c==0xFF0C || c==',' || c==0x3001 || c==0xFF1A || c==':';
}

/* Per-sentence result, for explain. */
typedef struct Sent { int start, end, w0, w1; double raw; } Sent;

/*
** score: score the N characters at TEXT with lexicon X. Returns the raw sum S and sets *SCORE.
** When EXPLAIN is not NULL it receives the explanation dict (see the file comment).
*/
static double score(Lexicon *x, const Tcl_UniChar *text, int n, double *scoreOut, Tcl_Obj **explain){
  const Options *o = &x->opt;
  YqMatch *tok;
  int nTok = YqMatcherScan(x->m, text, n, 1, &tok);
  double total = 0, *wv = NULL;
  int i, t = 0, pos = 0;
  Tcl_Obj *sentList = explain ? Tcl_NewListObj(0, NULL) : NULL;
  if( explain && nTok ) wv = (double*)ckalloc(sizeof(double)*nTok);

  while( pos<n ){
    /* the sentence: from pos to just past its run of end marks */
    int s0 = pos, s1, e, lastContrast = -1, t0 = t, t1, nExcl = 0, nQues = 0;
    double raw = 0;
    while( pos<n && !isSentenceEnd(text[pos]) ) pos++;
    e = pos;
    while( pos<n && (isSentenceEnd(text[pos]) || text[pos]==' ' || text[pos]==0x3000) ){
      if( text[pos]=='!' || text[pos]==0xFF01 ) nExcl++;
      if( text[pos]=='?' || text[pos]==0xFF1F ) nQues++;
      pos++;
    }
    s1 = pos;
    while( t<nTok && tok[t].start<e ) t++;
    t1 = t;
    for(i=t0; i<t1; i++){
      if( x->kind[tok[i].pat]==K_CONTRAST ) lastContrast = tok[i].start;
    }
    for(i=t0; i<t1; i++){
      int p = tok[i].pat, j, nNeg = 0;
      double v, deg = 1;
      if( x->kind[p]!=K_WORD ){ if( wv ) wv[i] = 0; continue; }
      /* modifiers: negation and degree words ending within the window, in the same clause */
      for(j=i-1; j>=t0 && tok[j].end>=tok[i].start-o->window; j--){
        int k, clauseBreak = 0;
        for(k=tok[j].end; k<tok[i].start; k++) if( isClauseEnd(text[k]) ){ clauseBreak = 1; break; }
        if( clauseBreak ) break;
        if( x->kind[tok[j].pat]==K_NEGATION ) nNeg++;
        else if( x->kind[tok[j].pat]==K_DEGREE ) deg *= x->value[tok[j].pat];
        else if( x->kind[tok[j].pat]==K_WORD ) break;   /* another sentiment word ends the scope */
      }
      if( deg>o->degreeMax ) deg = o->degreeMax;
      v = x->value[p] * deg;
      if( nNeg%2 ) v *= x->value[p]>0 ? o->negatePositive : o->negateNegative;
      if( lastContrast>=0 ) v *= tok[i].start<lastContrast ? o->contrastBefore : o->contrastAfter;
      if( wv ) wv[i] = v;
      raw += v;
    }
    if( nExcl ) raw *= o->exclaim;
    if( nQues ) raw *= raw>0 ? o->questionPositive : o->questionNegative;
    total += raw;
    if( sentList && t1>t0 ){
      Tcl_Obj *words = Tcl_NewListObj(0, NULL), *d = Tcl_NewDictObj();
      for(i=t0; i<t1; i++){
        Tcl_Obj *w[4];
        if( x->kind[tok[i].pat]!=K_WORD ) continue;
        w[0] = Tcl_NewStringObj(YqMatcherTerm(x->m, tok[i].pat), -1);
        w[1] = Tcl_NewIntObj(tok[i].start);
        w[2] = Tcl_NewIntObj(tok[i].end);
        w[3] = Tcl_NewDoubleObj(floor(wv[i]*1000+0.5)/1000);
        Tcl_ListObjAppendElement(NULL, words, Tcl_NewListObj(4, w));
      }
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("start", -1), Tcl_NewIntObj(s0));
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("end", -1), Tcl_NewIntObj(s1));
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("raw", -1), Tcl_NewDoubleObj(floor(raw*1000+0.5)/1000));
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("words", -1), words);
      Tcl_ListObjAppendElement(NULL, sentList, d);
    }
    if( pos==s0 ) pos++;        /* not reached: a sentence always advances */
  }
  if( tok ) ckfree(tok);
  if( wv ) ckfree(wv);
  {
    double sc = total/sqrt(total*total + o->alpha);
    if( sc>1 ) sc = 1;
    if( sc<-1 ) sc = -1;
    *scoreOut = floor(sc*1000+0.5)/1000;
    if( *scoreOut==0 ) *scoreOut = 0;      /* no "-0.0" */
  }
  if( explain ){
    Tcl_Obj *d = Tcl_NewDictObj();
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("score", -1), Tcl_NewDoubleObj(*scoreOut));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("raw", -1), Tcl_NewDoubleObj(floor(total*1000+0.5)/1000));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("sentences", -1), sentList);
    *explain = d;
  }
  return total;
}

/*
** loadLexicon: "sentiment lexicon ITEMS ?OPTIONS?": ITEMS is a flat list word kind value ...;
** OPTIONS a dict overriding the defaults of the file comment. Builds the new lexicon aside and
** swaps it in. Returns the number of words, or an error naming the bad item (nothing changes).
*/
static int loadLexicon(Tcl_Interp *interp, Tcl_Obj *items, Tcl_Obj *options){
  static const char *const kinds[] = {"word", "negation", "degree", "contrast", "neutral", NULL};
  static const char *const optNames[] = {"window", "negate_positive", "negate_negative", "degree_max",
    "exclaim", "question_positive", "question_negative", "contrast_before", "contrast_after",
    "alpha", NULL};
  enum LexOpt { OPT_WINDOW, OPT_NEGATE_POSITIVE, OPT_NEGATE_NEGATIVE, OPT_DEGREE_MAX, OPT_EXCLAIM,
                OPT_QUESTION_POSITIVE, OPT_QUESTION_NEGATIVE, OPT_CONTRAST_BEFORE, OPT_CONTRAST_AFTER,
                OPT_ALPHA };
  Options opt = {4, -1.0, -0.5, 3.0, 1.5, -0.5, 1.2, 0.5, 1.5, 4.0};
  Tcl_Obj **iv, **ov, *terms;
  int n, i, no = 0;
  Lexicon *x, *old;
  if( Tcl_ListObjGetElements(interp, items, &n, &iv)!=TCL_OK ) return TCL_ERROR;
  if( n%3 ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj("lexicon must be a list of word kind value triples", -1));
    return TCL_ERROR;
  }
  if( options && Tcl_ListObjGetElements(interp, options, &no, &ov)!=TCL_OK ) return TCL_ERROR;
  if( no%2 ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj("options must be a dict", -1));
    return TCL_ERROR;
  }
  for(i=0; i<no; i+=2){
    int k;
    double v;
    if( Tcl_GetIndexFromObj(interp, ov[i], optNames, "option", 0, &k)!=TCL_OK ) return TCL_ERROR;
    if( Tcl_GetDoubleFromObj(NULL, ov[i+1], &v)!=TCL_OK || v<-10 || v>100 ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("option %s: expected a number from -10 to 100, got \"%s\"",
          optNames[k], Tcl_GetString(ov[i+1])));
      return TCL_ERROR;
    }
    switch( (enum LexOpt)k ){
      case OPT_WINDOW: opt.window = (int)v; break;
      case OPT_NEGATE_POSITIVE: opt.negatePositive = v; break;
      case OPT_NEGATE_NEGATIVE: opt.negateNegative = v; break;
      case OPT_DEGREE_MAX: opt.degreeMax = v; break;
      case OPT_EXCLAIM: opt.exclaim = v; break;
      case OPT_QUESTION_POSITIVE: opt.questionPositive = v; break;
      case OPT_QUESTION_NEGATIVE: opt.questionNegative = v; break;
      case OPT_CONTRAST_BEFORE: opt.contrastBefore = v; break;
      case OPT_CONTRAST_AFTER: opt.contrastAfter = v; break;
      case OPT_ALPHA: opt.alpha = v>0.01 ? v : 0.01; break;
    }
  }
  x = (Lexicon*)ckalloc(sizeof(Lexicon));
  memset(x, 0, sizeof(*x));
  x->refs = 1;
  x->opt = opt;
  x->kind = (unsigned char*)ckalloc(n/3+1);
  x->value = (double*)ckalloc(sizeof(double)*(n/3+1));
  terms = Tcl_NewListObj(0, NULL);
  Tcl_IncrRefCount(terms);
  for(i=0; i<n; i+=3){
    int k;
    double v;
    if( Tcl_GetIndexFromObj(interp, iv[i+1], kinds, "kind", 0, &k)!=TCL_OK
     || Tcl_GetDoubleFromObj(interp, iv[i+2], &v)!=TCL_OK ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("lexicon item \"%s\": %s", Tcl_GetString(iv[i]),
          Tcl_GetStringResult(interp)));
      goto fail;
    }
    if( k==K_WORD && (v==0 || v<-5 || v>5) ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("lexicon item \"%s\": a word's strength must be "
          "non-zero, from -5 to 5", Tcl_GetString(iv[i])));
      goto fail;
    }
    if( k==K_DEGREE && (v<=0 || v>5) ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("lexicon item \"%s\": a degree factor must be above 0 "
          "and at most 5", Tcl_GetString(iv[i])));
      goto fail;
    }
    x->kind[i/3] = (unsigned char)k;
    x->value[i/3] = v;
    {
      /* the dict form keeps terms with spaces whole; the id keeps equal words of two kinds apart */
      Tcl_Obj *it[4];
      it[0] = Tcl_NewStringObj("term", 4); it[1] = iv[i];
      it[2] = Tcl_NewStringObj("id", 2); it[3] = Tcl_NewIntObj(i/3);
      Tcl_ListObjAppendElement(NULL, terms, Tcl_NewListObj(4, it));
    }
  }
  x->m = YqMatcherBuild(interp, terms);
  if( !x->m ) goto fail;
  Tcl_DecrRefCount(terms);
  pthread_mutex_lock(&lexLock);
  old = current;
  current = x;
  pthread_mutex_unlock(&lexLock);
  lexRelease(old);
  Tcl_SetObjResult(interp, Tcl_NewIntObj(n/3));
  return TCL_OK;
fail:
  Tcl_DecrRefCount(terms);
  x->m = NULL;
  lexRelease(x);
  return TCL_ERROR;
}

/*
** SentimentCmd: "sentiment TEXT" -> score; "sentiment explain TEXT" -> dict; "sentiment lexicon
** ITEMS ?OPTIONS?" -> number of words loaded. The first use without a lexicon calls the Tcl
** procedure ::analyse::sentiment::load, which loads the bundled one.
*/
int SentimentCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"explain", "lexicon", NULL};
  enum SentimentSub { SENT_EXPLAIN, SENT_LEXICON };
  Tcl_Obj *textObj, *explain = NULL;
  Lexicon *x;
  Tcl_UniChar *u;
  int n, idx = -1;
  double sc;
  (void)cd;
  if( objc==2 ){
    textObj = objv[1];
  }else{
    if( objc<3 ){
      Tcl_WrongNumArgs(interp, 1, objv, "TEXT | explain TEXT | lexicon ITEMS ?OPTIONS?");
      return TCL_ERROR;
    }
    if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
    if( idx==SENT_LEXICON ){
      if( objc>4 ){ Tcl_WrongNumArgs(interp, 2, objv, "ITEMS ?OPTIONS?"); return TCL_ERROR; }
      return loadLexicon(interp, objv[2], objc==4 ? objv[3] : NULL);
    }
    if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "TEXT"); return TCL_ERROR; }
    textObj = objv[2];
  }
  Tcl_IncrRefCount(textObj);
  x = lexAcquire();
  if( !x ){
    if( Tcl_EvalEx(interp, "::analyse::sentiment::load", -1, TCL_EVAL_GLOBAL)!=TCL_OK ){
      Tcl_DecrRefCount(textObj);
      return TCL_ERROR;
    }
    x = lexAcquire();
    if( !x ){
      Tcl_DecrRefCount(textObj);
      Tcl_SetObjResult(interp, Tcl_NewStringObj("no sentiment lexicon loaded", -1));
      return TCL_ERROR;
    }
  }
  u = Tcl_GetUnicodeFromObj(textObj, &n);
  score(x, u, n, &sc, idx==SENT_EXPLAIN ? &explain : NULL);
  lexRelease(x);
  Tcl_DecrRefCount(textObj);
  Tcl_SetObjResult(interp, explain ? explain : Tcl_NewDoubleObj(sc));
  return TCL_OK;
}
