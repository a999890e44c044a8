/*
** cjk.c - the FTS5 tokenizer "cjk" for full-text search over Chinese posts, registered on every
** SQLite connection of the process.
**
** Tokens:
**   - runs of Han (and kana/hangul) characters become overlapping bigrams: 青山县拆迁 -> 青山 山县
**     县拆 拆迁; a lone character between non-Han text is a unigram. Because FTS5 turns the tokens
**     of one query word into a phrase, MATCH '拆迁' finds posts containing 拆迁 and not posts where
**     拆 and 迁 stand apart, and longer words match as consecutive bigrams. A one-character query
**     needs a prefix query ('拆*') since single characters inside runs are not indexed.
**   - runs of ASCII/Latin letters and digits become one lowercased word (iPhone15 -> iphone15);
**   - full-width ASCII (ＡＢＣ１２３) is folded to half-width first, the ideographic space is a space;
**   - everything else (punctuation, spaces, symbols) separates tokens.
** Byte offsets refer to the original text, so highlight() and snippet() work.
**
** Registration: YqCjkRegister() installs an SQLite auto-extension once per process, so every
** connection (those made by Tcl's sqlite3 command included) gets the tokenizer: CREATE VIRTUAL
** TABLE t USING fts5(title, body, tokenize='cjk'). Tcl: `cjk tokens TEXT` lists the tokens.
*/
#include <pthread.h>
#include <string.h>
#include <sqlite3.h>
#include "yqbox.h"

#define MAXTOKEN 128

typedef int (*TokenFn)(void*, int, const char*, int, int, int);

/* decode: one code point at S[*I] (N bytes); invalid bytes decode as themselves (Latin-1). */
static int decode(const unsigned char *s, int n, int *i){
  int c = s[*i], k, len, cp;
  if( c<0x80 ){ (*i)++; return c; }
  if( c>=0xC2 && c<=0xDF ){ len = 1; cp = c&0x1F; }
  else if( c>=0xE0 && c<=0xEF ){ len = 2; cp = c&0x0F; }
  else if( c>=0xF0 && c<=0xF4 ){ len = 3; cp = c&0x07; }
  else { (*i)++; return 0xFFFD; }
  if( *i+len>=n ){ (*i)++; return 0xFFFD; }
  for(k=1; k<=len; k++){
    if( (s[*i+k]&0xC0)!=0x80 ){ (*i)++; return 0xFFFD; }
    cp = (cp<<6) | (s[*i+k]&0x3F);
  }
  *i += len+1;
  return cp;
}

static int encode(int cp, char *o){
  if( cp<0x80 ){ o[0] = (char)cp; return 1; }
  if( cp<0x800 ){ o[0] = (char)(0xC0|(cp>>6)); o[1] = (char)(0x80|(cp&0x3F)); return 2; }
  if( cp<0x10000 ){
    o[0] = (char)(0xE0|(cp>>12)); o[1] = (char)(0x80|((cp>>6)&0x3F)); o[2] = (char)(0x80|(cp&0x3F));
    return 3;
  }
  o[0] = (char)(0xF0|(cp>>18)); o[1] = (char)(0x80|((cp>>12)&0x3F));
  o[2] = (char)(0x80|((cp>>6)&0x3F)); o[3] = (char)(0x80|(cp&0x3F));
  return 4;
}

/* classify: 1 word character (after folding into *CP), 2 Han/kana/hangul, 0 separator. */
static int classify(int *cp){
  int c = *cp;
  if( c>=0xFF01 && c<=0xFF5E ) c -= 0xFEE0;
  if( c<0x80 ){
    if( c>='A' && c<='Z' ){ *cp = c+32; return 1; }
    *cp = c;
    return ((c>='a' && c<='z') || (c>='0' && c<='9')) ? 1 : 0;
  }
  if( (c>=0x4E00 && c<=0x9FFF) || (c>=0x3400 && c<=0x4DBF) || (c>=0xF900 && c<=0xFAFF)
      || (c>=0x20000 && c<=0x2FA1F) || (c>=0x3040 && c<=0x30FF) || (c>=0xAC00 && c<=0xD7AF) ){
    return 2;
  }
  if( c>=0xC0 && c<=0x24F && c!=0xD7 && c!=0xF7 ){
    if( c<=0xDE ) c += 32;
    else if( c>=0x100 && c<=0x17F && (c&1)==0 ) c += 1;
    *cp = c;
    return 1;
  }
  return 0;
}

/*
** cjkTokenize: call XTOKEN(CTX, 0, token, len, start, end) for every token of TEXT (N bytes).
** Returns the first non-OK code XTOKEN returns, else SQLITE_OK.
*/
static int cjkTokenize(void *ctx, const char *text, int n, TokenFn xToken){
  const unsigned char *s = (const unsigned char*)text;
  char word[MAXTOKEN+4];
  int wlen = 0, wstart = 0, wend = 0;          /* current word */
  int prevCp = 0, prevStart = 0, prevEnd = 0, run = 0;   /* current Han run */
  int i = 0, rc = SQLITE_OK;
  while( rc==SQLITE_OK ){
    int start = i, cp = 0, cls = 0;
    if( i<n ){ cp = decode(s, n, &i); cls = classify(&cp); }
    if( cls!=1 && wlen>0 ){
      rc = xToken(ctx, 0, word, wlen, wstart, wend);
      wlen = 0;
      if( rc!=SQLITE_OK ) break;
    }
    if( cls!=2 && run>0 ){
      if( run==1 ){
        char b[4];
        rc = xToken(ctx, 0, b, encode(prevCp, b), prevStart, prevEnd);
        if( rc!=SQLITE_OK ) break;
      }
      run = 0;
    }
    if( start>=n ) break;
    if( cls==1 ){
      if( wlen==0 ) wstart = start;
      if( wlen<=MAXTOKEN ) wlen += encode(cp, word+wlen);
      wend = i;
    }else if( cls==2 ){
      if( run>0 ){
        char b[8];
        int k = encode(prevCp, b);
        k += encode(cp, b+k);
        rc = xToken(ctx, 0, b, k, prevStart, i);
      }
      prevCp = cp; prevStart = start; prevEnd = i;
      run++;
    }
  }
  return rc;
}

/* The fts5_tokenizer methods: no per-table state. */
static int tokCreate(void *ctx, const char **azArg, int nArg, Fts5Tokenizer **pp){
  (void)ctx; (void)azArg; (void)nArg;
  *pp = (Fts5Tokenizer*)1;
  return SQLITE_OK;
}
static void tokDelete(Fts5Tokenizer *p){ (void)p; }
static int tokTokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n, TokenFn xToken){
  (void)p; (void)flags;
  return cjkTokenize(ctx, text, n, xToken);
}

/* cjkInit: the auto-extension: register the tokenizer on connection DB. Always returns OK. */
static int cjkInit(sqlite3 *db, char **pzErr, const void *api){
  static fts5_tokenizer tok = { tokCreate, tokDelete, tokTokenize };
  fts5_api *fts = NULL;
  sqlite3_stmt *st;
  (void)pzErr; (void)api;
  if( sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL)==SQLITE_OK ){
    sqlite3_bind_pointer(st, 1, (void*)&fts, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
  }
  if( fts ) fts->xCreateTokenizer(fts, "cjk", NULL, &tok, NULL);
  return SQLITE_OK;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void registerOnce(void){
  sqlite3_auto_extension((void(*)(void))cjkInit);
}

/* YqCjkRegister: make every SQLite connection opened from now on have the cjk tokenizer. */
void YqCjkRegister(void){
  pthread_once(&once, registerOnce);
}

/* collect: xToken callback appending the token to the Tcl list CTX. */
static int collect(void *ctx, int flags, const char *tok, int n, int start, int end){
  (void)flags; (void)start; (void)end;
  Tcl_ListObjAppendElement(NULL, (Tcl_Obj*)ctx, YqUtf8Obj(tok, n));
  return SQLITE_OK;
}

/* CjkCmd: "cjk tokens TEXT" returns the tokens the FTS5 tokenizer makes of TEXT. */
int CjkCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"tokens", NULL};
  enum CjkSub { CJK_TOKENS };
  int idx, len;
  const char *s;
  Tcl_DString ds;
  Tcl_Obj *l;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx!=CJK_TOKENS || objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "TEXT"); return TCL_ERROR; }
  s = Tcl_GetStringFromObj(objv[2], &len);
  Tcl_UtfToExternalDString(YqUtf8Encoding(), s, len, &ds);
  l = Tcl_NewListObj(0, NULL);
  cjkTokenize(l, Tcl_DStringValue(&ds), Tcl_DStringLength(&ds), collect);
  Tcl_DStringFree(&ds);
  Tcl_SetObjResult(interp, l);
  return TCL_OK;
}
