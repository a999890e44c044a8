/*
** html.c - HTML parsing and XPath extraction for crawler source rules, on libxml2.
**
** Pages are parsed with libxml2's HTML parser (error recovery on, no network, the page's own
** charset hints ignored: text arrives as UTF-8 already decoded by charset.c; at most 32 MiB). The
** library is initialised once per process (xmlInitParser) and its error output is silenced per
** thread: errors are collected, never printed.
**
** Tcl:
**   html doc HTML ?-url URL?        -> a document command DOC (free it with `DOC delete`)
**   DOC xpath EXPR ?-context NODE? ?MODE?
**        MODE: -text (default: visible text, whitespace collapsed, one line), -raw (text content as
**        is), -attr NAME, -link (href/src or the value, resolved against the base URL), -html
**        (outer HTML), -nodes (node ids for -context; a node keeps its id for the document's life). A string/number/boolean XPath result is
**        one element. Returns a list.
**   DOC items ITEMEXPR FIELDS ?-links NAMES?
**        For every node ITEMEXPR selects, a dict of FIELDS (name -> XPath relative to the item):
**        the first value as -text, or as -link for the names in NAMES; "" when nothing matches.
**        This is the list-page rule: one call per page.
**   DOC text ?NODE?                 -> visible text with paragraph breaks ("\n")
**   DOC base                        -> the base URL (-url, then <base href>)
**   DOC extract ?-now ISO?          -> the article extractor (extract.c) on this document; relative
**                                      publish times count from -now (default: the clock)
**   DOC delete
**   html xpath HTML EXPR ?-url URL? ?MODE?   one-shot form of doc + xpath + delete
**   html text HTML                  -> the visible text of an HTML fragment or page
*/
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include "yqbox.h"

#define MAX_DOC (32*1024*1024)

/* ---- libxml2 set-up ---------------------------------------------------------------------------- */

static pthread_once_t xmlOnce = PTHREAD_ONCE_INIT;
static __thread char lastError[200];

/* libxml2's allocations go through Tcl's allocator: musl's malloc is slow for the many small
** blocks of a DOM, Tcl's threaded allocator caches them per thread. */
static void xmlFreeTcl(void *p){ if( p ) Tcl_Free((char*)p); }
static void *xmlMallocTcl(size_t n){ return Tcl_AttemptAlloc((unsigned)(n ? n : 1)); }
static void *xmlReallocTcl(void *p, size_t n){ return Tcl_AttemptRealloc((char*)p, (unsigned)(n ? n : 1)); }
static char *xmlStrdupTcl(const char *s){
  size_t n = strlen(s)+1;
  char *d = Tcl_AttemptAlloc((unsigned)n);
  if( d ) memcpy(d, s, n);
  return d;
}
static void initXml(void){
  xmlMemSetup(xmlFreeTcl, xmlMallocTcl, xmlReallocTcl, xmlStrdupTcl);
  xmlInitParser();
}

/* collectError / silentGeneric: keep the last libxml2 error of this thread; print nothing. */
static void collectError(void *ctx, xmlErrorPtr e){
  (void)ctx;
  if( e && e->message ){
    size_t n;
    snprintf(lastError, sizeof lastError, "%s", e->message);
    n = strlen(lastError);
    while( n>0 && lastError[n-1]=='\n' ) lastError[--n] = 0;
  }
}
static void silentGeneric(void *ctx, const char *msg, ...){ (void)ctx; (void)msg; }

/*
** YqXmlQuiet: initialise libxml2 (once per process) and route this thread's libxml2 errors to the
** collector. Call before any libxml2 work. Clears the last error.
*/
void YqXmlQuiet(void){
  pthread_once(&xmlOnce, initXml);
  xmlSetStructuredErrorFunc(NULL, collectError);
  xmlSetGenericErrorFunc(NULL, silentGeneric);
  lastError[0] = 0;
}

/* YqXmlLastError: the last libxml2 error message of this thread ("" if none). */
const char *YqXmlLastError(void){
  return lastError;
}

/* hoist: move the children of element N from FROM on (in order) to follow N in its parent. */
static void hoist(xmlNodePtr n, xmlNodePtr from){
  xmlNodePtr after = n, c, next;
  for(c=from; c; c=next){
    next = c->next;
    xmlUnlinkNode(c);
    xmlAddNextSibling(after, c);
    after = c;
  }
}

/*
** repairVoid: undo libxml2 2.9's nesting of content under elements HTML5 closes at once or whose
** end tag the page forgot. Void elements (embed, source, param, ...) lose all their children, which
** move to follow them. Embedded-media elements (object, iframe, video, audio, canvas), whose content
** is fallback text the page never shows, keep leading inline fallback, but from their first element
** child that is a block (or, for iframe, any element: its content is never markup) on, the children
** follow them: that is the page's content swallowed by a missing end tag. Changes the tree under
** N; iterative, so deep documents cost no stack.
*/
static void repairVoid(xmlNodePtr n){
  static const char *voids[] = {"embed","source","param","track","wbr","keygen","img","br","hr",
                                "area","col","input","link","meta","base", NULL};
  static const char *media[] = {"object","iframe","video","audio","canvas", NULL};
  while( n ){
    if( n->type==XML_ELEMENT_NODE && n->children ){
      const char *name = (const char*)n->name;
      int i;
      for(i=0; voids[i] && strcmp(name, voids[i]); i++){}
      if( voids[i] ){
        hoist(n, n->children);
      }else{
        for(i=0; media[i] && strcmp(name, media[i]); i++){}
        if( media[i] ){
          xmlNodePtr c;
          for(c=n->children; c; c=c->next){
            if( c->type==XML_ELEMENT_NODE && (i==1 || YqIsBlock((const char*)c->name)
                                              || !strcmp((const char*)c->name, "img")) ) break;
          }
          if( c ) hoist(n, c);
        }
      }
    }
    /* pre-order: children first (what stayed inside), then siblings (hoisted ones included) */
    if( n->type==XML_ELEMENT_NODE && n->children ){ n = n->children; continue; }
    while( n && !n->next ){
      n = n->parent;
      if( n && n->type!=XML_ELEMENT_NODE ){ n = NULL; break; }
    }
    if( n ) n = n->next;
  }
}

/*
** YqHtmlParse: parse LEN bytes of UTF-8 HTML. Returns a new document (free with xmlFreeDoc), or
** NULL with *ERR set when it is too large. Content nested under void and media elements by the
** parser is put back where a browser shows it (repairVoid).
*/
xmlDocPtr YqHtmlParse(const char *html, int len, const char **err){
  xmlDocPtr doc;
  if( len>MAX_DOC ){ *err = "document larger than 32 MiB"; return NULL; }
  YqXmlQuiet();
  if( len==0 ){ html = "<html></html>"; len = 13; }
  doc = htmlReadMemory(html, len, NULL, "UTF-8", HTML_PARSE_RECOVER | HTML_PARSE_NOERROR
                       | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT
                       | HTML_PARSE_IGNORE_ENC);
  if( !doc ) *err = "the document could not be parsed";
  else repairVoid(xmlDocGetRootElement(doc));
  return doc;
}

/* ---- visible text ------------------------------------------------------------------------------ */

typedef struct TextBuf {
  Tcl_DString *ds;
  int blocks;          /* keep paragraph breaks ("\n"); else breaks are spaces */
  int pendSpace, pendNl, pendBreak, lastCjk;
} TextBuf;

/* isCjk: Han, kana, hangul, CJK punctuation and full-width forms. */
static int isCjk(unsigned cp){
  return (cp>=0x2E80 && cp<=0x9FFF) || (cp>=0xAC00 && cp<=0xD7AF) || (cp>=0xF900 && cp<=0xFAFF)
      || (cp>=0xFF00 && cp<=0xFFEF) || cp>=0x20000;
}

/* tbText: append the text S to TB, collapsing whitespace (see TextBuf); C1 controls become the
** windows-1252 characters they stand for (YqCp1252). */
static void tbText(TextBuf *tb, const char *s){
  const unsigned char *p = (const unsigned char*)s;
  while( *p ){
    unsigned cp;
    int n, bl;
    const char *bytes;
    char u[4];
    if( *p>' ' && *p<0x80 && !tb->pendBreak && !tb->pendSpace ){
      const unsigned char *q = p;
      while( *q>' ' && *q<0x80 ) q++;
      Tcl_DStringAppend(tb->ds, (const char*)p, (int)(q-p));
      tb->lastCjk = 0;
      p = q;
      continue;
    }
    if( *p<0x80 ){ cp = *p; n = 1; }
    else if( (*p&0xE0)==0xC0 && p[1] ){ cp = ((p[0]&0x1F)<<6)|(p[1]&0x3F); n = 2; }
    else if( (*p&0xF0)==0xE0 && p[1] && p[2] ){ cp = ((p[0]&0x0F)<<12)|((p[1]&0x3F)<<6)|(p[2]&0x3F); n = 3; }
    else if( (*p&0xF8)==0xF0 && p[1] && p[2] && p[3] ){
      cp = ((p[0]&0x07)<<18)|((p[1]&0x3F)<<12)|((p[2]&0x3F)<<6)|(p[3]&0x3F); n = 4;
    }else{ cp = 0xFFFD; n = 1; }
    bytes = (const char*)p; bl = n;
    if( cp>=0x80 && cp<=0x9F && YqCp1252(cp)!=cp ){
      /* "&#146;" in a page or feed written in windows-1252 means ’ (U+2019), not U+0092 */
      cp = YqCp1252(cp);
      if( cp<0x800 ){ u[0] = (char)(0xC0|(cp>>6)); u[1] = (char)(0x80|(cp&0x3F)); bl = 2; }
      else{ u[0] = (char)(0xE0|(cp>>12)); u[1] = (char)(0x80|((cp>>6)&0x3F)); u[2] = (char)(0x80|(cp&0x3F)); bl = 3; }
      bytes = u;
    }
    if( cp==' ' || cp=='\t' || cp=='\n' || cp=='\r' || cp=='\f' || cp==0xA0 || cp==0x3000 ){
      tb->pendSpace = 1;
      if( cp=='\n' || cp=='\r' ) tb->pendNl = 1;
    }else{
      int len = Tcl_DStringLength(tb->ds);
      if( tb->pendBreak && len>0 ){
        Tcl_DStringAppend(tb->ds, tb->blocks ? "\n" : " ", 1);
      }else if( tb->pendSpace && len>0 && Tcl_DStringValue(tb->ds)[len-1]!='\n'
                && !(tb->pendNl && tb->lastCjk && isCjk(cp)) ){
        Tcl_DStringAppend(tb->ds, " ", 1);
      }
      tb->pendBreak = tb->pendSpace = tb->pendNl = 0;
      Tcl_DStringAppend(tb->ds, bytes, bl);
      tb->lastCjk = isCjk(cp);
    }
    p += n;
  }
}

/* YqIsBlock: whether element NAME starts a new line of text. */
int YqIsBlock(const char *name){
  static const char *blocks[] = {
    "address","article","aside","blockquote","br","dd","div","dl","dt","fieldset","figcaption",
    "figure","footer","form","h1","h2","h3","h4","h5","h6","header","hr","li","main","nav","ol",
    "p","pre","section","table","tbody","thead","tfoot","tr","td","th","ul","center","caption",
    "details","summary","title","option", NULL };
  int i;
  for(i=0; blocks[i]; i++) if( name[0]==blocks[i][0] && !strcmp(name, blocks[i]) ) return 1;
  return 0;
}

/* YqIsInvisible: whether element NAME holds no visible text (script, style, ...). */
int YqIsInvisible(const char *name){
  static const char *skip[] = { "script","style","noscript","template","head","iframe","object",
    "embed","select","textarea","svg","math","canvas","audio","video","button", NULL };
  int i;
  for(i=0; skip[i]; i++) if( name[0]==skip[i][0] && !strcmp(name, skip[i]) ) return 1;
  return 0;
}

/*
** textWalk: append the visible text under NODE to TB. SKIP (or NULL) is asked for every element
** below the root and returns 1 to leave it out (used by the extractor for page chrome).
*/
static void textWalk(xmlNodePtr node, TextBuf *tb, int root, int (*skip)(xmlNodePtr, void*), void *arg){
  xmlNodePtr c;
  if( node->type==XML_TEXT_NODE || node->type==XML_CDATA_SECTION_NODE ){
    if( node->content ) tbText(tb, (const char*)node->content);
    return;
  }
  if( node->type==XML_ATTRIBUTE_NODE ){
    xmlChar *v = xmlNodeGetContent(node);
    if( v ){ tbText(tb, (const char*)v); xmlFree(v); }
    return;
  }
  if( node->type!=XML_ELEMENT_NODE && node->type!=XML_DOCUMENT_NODE
      && node->type!=XML_HTML_DOCUMENT_NODE && node->type!=XML_DOCUMENT_FRAG_NODE ) return;
  if( node->type==XML_ELEMENT_NODE && !root ){
    const char *name = (const char*)node->name;
    if( YqIsInvisible(name) ) return;
    if( skip && skip(node, arg) ) return;
  }
  if( node->type==XML_ELEMENT_NODE && YqIsBlock((const char*)node->name) ) tb->pendBreak = 1;
  for(c=node->children; c; c=c->next) textWalk(c, tb, 0, skip, arg);
  if( node->type==XML_ELEMENT_NODE && YqIsBlock((const char*)node->name) ) tb->pendBreak = 1;
}

/*
** YqNodeText: append the visible text of NODE to DS (standard UTF-8): whitespace collapsed, script
** and style left out; with BLOCKS, block elements separate lines ("\n"), else a space. SKIP/ARG as
** for textWalk.
*/
void YqNodeText(xmlNodePtr node, Tcl_DString *ds, int blocks, int (*skip)(xmlNodePtr, void*), void *arg){
  TextBuf tb;
  memset(&tb, 0, sizeof tb);
  tb.ds = ds;
  tb.blocks = blocks;
  textWalk(node, &tb, 1, skip, arg);
}

/* YqHtmlText: parse the HTML fragment or page HTML (LEN bytes) and append its text to DS. */
void YqHtmlText(const char *html, int len, Tcl_DString *ds, int blocks){
  const char *err;
  xmlDocPtr doc;
  xmlNodePtr root;
  if( !memchr(html, '<', len) && !memchr(html, '&', len) ){
    Tcl_DString t;
    Tcl_DStringInit(&t);
    Tcl_DStringAppend(&t, html, len);
    {
      TextBuf tb;
      memset(&tb, 0, sizeof tb);
      tb.ds = ds; tb.blocks = blocks;
      tbText(&tb, Tcl_DStringValue(&t));
    }
    Tcl_DStringFree(&t);
    return;
  }
  doc = YqHtmlParse(html, len, &err);
  if( !doc ) return;
  root = xmlDocGetRootElement(doc);
  if( root ){
    xmlNodePtr body = root;
    for(body=root->children; body && !(body->type==XML_ELEMENT_NODE && !strcmp((char*)body->name, "body")); body=body->next){}
    YqNodeText(body ? body : root, ds, blocks, NULL, NULL);
  }
  xmlFreeDoc(doc);
}

/* ---- documents as Tcl commands ------------------------------------------------------------------- */

typedef struct Doc {
  xmlDocPtr doc;
  xmlXPathContextPtr xc;    /* reused for every evaluation on this document */
  char *base;               /* base URL (malloc'ed) or NULL */
  xmlNodePtr *nodes;        /* node ids handed out with -nodes */
  int nNodes, capNodes;
  Tcl_HashTable ids;        /* node pointer -> its id: a node keeps one id for the document's life */
  Tcl_Interp *interp;
} Doc;

typedef struct HtmlState {
  int counter;
  Tcl_HashTable xpaths;     /* expression -> xmlXPathCompExprPtr */
} HtmlState;

static void stateFree(ClientData cd, Tcl_Interp *interp){
  HtmlState *st = (HtmlState*)cd;
  Tcl_HashSearch s;
  Tcl_HashEntry *e;
  (void)interp;
  for(e=Tcl_FirstHashEntry(&st->xpaths, &s); e; e=Tcl_NextHashEntry(&s)){
    xmlXPathFreeCompExpr((xmlXPathCompExprPtr)Tcl_GetHashValue(e));
  }
  Tcl_DeleteHashTable(&st->xpaths);
  ckfree((char*)st);
}

static HtmlState *getState(Tcl_Interp *interp){
  HtmlState *st = (HtmlState*)Tcl_GetAssocData(interp, "yqbox-html", NULL);
  if( !st ){
    st = (HtmlState*)ckalloc(sizeof *st);
    st->counter = 0;
    Tcl_InitHashTable(&st->xpaths, TCL_STRING_KEYS);
    Tcl_SetAssocData(interp, "yqbox-html", stateFree, st);
  }
  return st;
}

/* compileXPath: the compiled form of EXPR (cached per interpreter), or NULL with an error set. */
static xmlXPathCompExprPtr compileXPath(Tcl_Interp *interp, const char *expr){
  HtmlState *st = getState(interp);
  Tcl_HashEntry *e = Tcl_FindHashEntry(&st->xpaths, expr);
  xmlXPathCompExprPtr c;
  int isNew;
  if( e ) return (xmlXPathCompExprPtr)Tcl_GetHashValue(e);
  YqXmlQuiet();
  c = xmlXPathCompile((const xmlChar*)expr);
  if( !c ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("invalid XPath \"%s\"%s%s", expr,
                     lastError[0] ? ": " : "", lastError));
    Tcl_SetErrorCode(interp, "YQBOX", "XPATH", NULL);
    return NULL;
  }
  if( st->xpaths.numEntries>=512 ){
    int counter = st->counter;
    Tcl_DeleteAssocData(interp, "yqbox-html");    /* frees every cached expression and st */
    st = getState(interp);
    st->counter = counter;
  }
  e = Tcl_CreateHashEntry(&st->xpaths, expr, &isNew);
  Tcl_SetHashValue(e, c);
  return c;
}

/* evalXPath: evaluate EXPR with context node CTX. Returns the result (free it) or NULL + error. */
static xmlXPathObjectPtr evalXPath(Tcl_Interp *interp, Doc *d, xmlNodePtr ctx, const char *expr){
  xmlXPathCompExprPtr comp = compileXPath(interp, expr);
  xmlXPathObjectPtr r;
  if( !comp ) return NULL;
  YqXmlQuiet();
  if( !d->xc ) d->xc = xmlXPathNewContext(d->doc);
  d->xc->node = ctx ? ctx : (xmlNodePtr)d->doc;
  d->xc->contextSize = d->xc->proximityPosition = -1;
  r = xmlXPathCompiledEval(comp, d->xc);
  if( !r ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("XPath \"%s\" failed%s%s", expr,
                     lastError[0] ? ": " : "", lastError));
    Tcl_SetErrorCode(interp, "YQBOX", "XPATH", NULL);
  }
  return r;
}

/* dsObj: a Tcl string from DS (standard UTF-8), trimmed of spaces at both ends. */
static Tcl_Obj *dsObj(Tcl_DString *ds){
  const char *s = Tcl_DStringValue(ds);
  int n = Tcl_DStringLength(ds), a = 0;
  while( a<n && (s[a]==' ' || s[a]=='\n') ) a++;
  while( n>a && (s[n-1]==' ' || s[n-1]=='\n') ) n--;
  return YqUtf8Obj(s+a, n-a);
}

/* what an XPath query returns of each result (its option names are in xpathOpts) */
enum XpathMode { M_TEXT, M_RAW, M_ATTR, M_LINK, M_HTML, M_NODES };

/* resolveInto: append VALUE resolved against BASE to DS (VALUE itself when it cannot be). */
static void resolveInto(const char *base, const char *value, Tcl_DString *ds){
  const char *err;
  while( *value==' ' || *value=='\n' || *value=='\t' || *value=='\r' ) value++;
  if( YqUrlResolve(base, value, ds, &err)<0 ) Tcl_DStringAppend(ds, value, -1);
}

/* nodeValue: append the value of node N in MODE to DS. Returns 0 if it has none (-attr). */
static int nodeValue(Doc *d, xmlNodePtr n, int mode, const char *attr, Tcl_DString *ds){
  xmlChar *v = NULL;
  switch( mode ){
  case M_TEXT:
    YqNodeText(n, ds, 0, NULL, NULL);
    return 1;
  case M_RAW:
    v = xmlNodeGetContent(n);
    break;
  case M_ATTR:
    if( n->type!=XML_ELEMENT_NODE ) return 0;
    v = xmlGetProp(n, (const xmlChar*)attr);
    if( !v ) return 0;
    break;
  case M_LINK:
    if( n->type==XML_ELEMENT_NODE ){
      v = xmlGetProp(n, (const xmlChar*)"href");
      if( !v ) v = xmlGetProp(n, (const xmlChar*)"src");
      if( !v ) return 0;
    }else{
      v = xmlNodeGetContent(n);
    }
    if( v ){ resolveInto(d->base, (const char*)v, ds); xmlFree(v); }
    return 1;
  case M_HTML: {
    xmlOutputBufferPtr out;
    if( n->type==XML_ATTRIBUTE_NODE || n->type==XML_TEXT_NODE ){
      v = xmlNodeGetContent(n);
      break;
    }
    out = xmlAllocOutputBuffer(NULL);   /* no encoder: raw UTF-8 */
    if( !out ) return 0;
    htmlNodeDumpFormatOutput(out, d->doc, n, "UTF-8", 0);
    xmlOutputBufferFlush(out);
    Tcl_DStringAppend(ds, (const char*)xmlOutputBufferGetContent(out), (int)xmlOutputBufferGetSize(out));
    xmlOutputBufferClose(out);
    return 1;
  }
  }
  if( v ){ Tcl_DStringAppend(ds, (const char*)v, -1); xmlFree(v); }
  return 1;
}

/* nodeId: the id of node N in D, registering it on first sight: the same node always gets the same
** id, so ids compare as nodes do. */
static int nodeId(Doc *d, xmlNodePtr n){
  int isNew;
  Tcl_HashEntry *e = Tcl_CreateHashEntry(&d->ids, (const char*)n, &isNew);
  if( !isNew ) return (int)(intptr_t)Tcl_GetHashValue(e);
  Tcl_SetHashValue(e, (ClientData)(intptr_t)d->nNodes);
  if( d->nNodes==d->capNodes ){
    d->capNodes = d->capNodes ? 2*d->capNodes : 64;
    d->nodes = (xmlNodePtr*)ckrealloc((char*)d->nodes, sizeof(xmlNodePtr)*d->capNodes);
  }
  d->nodes[d->nNodes] = n;
  return d->nNodes++;
}

/* resultList: the Tcl list of result R in MODE. */
static Tcl_Obj *resultList(Doc *d, xmlXPathObjectPtr r, int mode, const char *attr){
  Tcl_Obj *l = Tcl_NewListObj(0, NULL);
  Tcl_DString ds;
  int i;
  Tcl_DStringInit(&ds);
  if( r->type==XPATH_NODESET ){
    for(i=0; r->nodesetval && i<r->nodesetval->nodeNr; i++){
      xmlNodePtr n = r->nodesetval->nodeTab[i];
      if( mode==M_NODES ){
        Tcl_ListObjAppendElement(NULL, l, Tcl_NewIntObj(nodeId(d, n)));
        continue;
      }
      Tcl_DStringSetLength(&ds, 0);
      if( nodeValue(d, n, mode, attr, &ds) ){
        Tcl_ListObjAppendElement(NULL, l, mode==M_HTML || mode==M_RAW
                                 ? YqUtf8Obj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds)) : dsObj(&ds));
      }
    }
  }else if( mode!=M_NODES ){
    xmlChar *s = xmlXPathCastToString(r);
    if( mode==M_LINK ) resolveInto(d->base, (const char*)s, &ds);
    else Tcl_DStringAppend(&ds, (const char*)s, -1);
    xmlFree(s);
    Tcl_ListObjAppendElement(NULL, l, dsObj(&ds));
  }
  Tcl_DStringFree(&ds);
  return l;
}

/* firstValue: the first value of R as text (or link) into DS; empty when there is none. */
static void firstValue(Doc *d, xmlXPathObjectPtr r, int mode, Tcl_DString *ds){
  if( r->type==XPATH_NODESET ){
    int i;
    for(i=0; r->nodesetval && i<r->nodesetval->nodeNr; i++){
      if( nodeValue(d, r->nodesetval->nodeTab[i], mode, NULL, ds) ) return;
    }
  }else{
    xmlChar *s = xmlXPathCastToString(r);
    if( mode==M_LINK && *s ) resolveInto(d->base, (const char*)s, ds);
    else Tcl_DStringAppend(ds, (const char*)s, -1);
    xmlFree(s);
  }
}

/* The options of the two xpath commands: the modes, then -context (a document's xpath method:
** a node id; it alone offers -nodes, node ids being a document's) or -url (html xpath). */
typedef struct XpathOpt { const char *name; int id; } XpathOpt;
enum XpathOptId { XO_CONTEXT = M_NODES+1, XO_URL };
static const XpathOpt docXpathOpts[] = {
  {"-text", M_TEXT}, {"-raw", M_RAW}, {"-attr", M_ATTR}, {"-link", M_LINK}, {"-html", M_HTML},
  {"-nodes", M_NODES}, {"-context", XO_CONTEXT}, {NULL, 0}
};
static const XpathOpt htmlXpathOpts[] = {
  {"-text", M_TEXT}, {"-raw", M_RAW}, {"-attr", M_ATTR}, {"-link", M_LINK}, {"-html", M_HTML},
  {"-url", XO_URL}, {NULL, 0}
};

/*
** xpathOptions: parse OBJV[FIRST..OBJC) against the option table OPTS: a mode into *MODE (with
** -attr's NAME into *ATTR), -context's NODE into *CTX, -url's URL into *URL (a later option wins).
** Returns TCL_OK, or TCL_ERROR with the standard message: an unknown option names the choices, an
** option without its value gets the usage USAGE (after the command's first two words).
*/
static int xpathOptions(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[], int first,
                        const XpathOpt *opts, const char *usage, int *mode, const char **attr,
                        Tcl_Obj **ctx, const char **url){
  int i, k;
  for(i=first; i<objc; i++){
    if( Tcl_GetIndexFromObjStruct(interp, objv[i], opts, sizeof *opts, "option", 0, &k)!=TCL_OK ){
      return TCL_ERROR;
    }
    if( opts[k].id==M_ATTR || opts[k].id==XO_CONTEXT || opts[k].id==XO_URL ){
      if( i+1>=objc ){ Tcl_WrongNumArgs(interp, 2, objv, usage); return TCL_ERROR; }
      i++;
      if( opts[k].id==M_ATTR ){ *mode = M_ATTR; *attr = Tcl_GetString(objv[i]); }
      else if( opts[k].id==XO_CONTEXT ) *ctx = objv[i];
      else *url = Tcl_GetString(objv[i]);
    }else{
      *mode = opts[k].id;
    }
  }
  return TCL_OK;
}

/* docBase: the base URL of D from URL and the document's <base href>. Returns malloc'ed or NULL. */
static char *docBase(xmlDocPtr doc, const char *url){
  char *out = url && *url ? strdup(url) : NULL;
  xmlNodePtr root = xmlDocGetRootElement(doc), head, b;
  xmlChar *href = NULL;
  for(head = root ? root->children : NULL; head; head=head->next){
    if( head->type==XML_ELEMENT_NODE && !strcmp((const char*)head->name, "head") ) break;
  }
  for(b = head ? head->children : NULL; b && !href; b=b->next){
    if( b->type==XML_ELEMENT_NODE && !strcmp((const char*)b->name, "base") ){
      href = xmlGetProp(b, (const xmlChar*)"href");
    }
  }
  if( href && href[0] ){
    Tcl_DString ds;
    const char *err;
    Tcl_DStringInit(&ds);
    if( YqUrlResolve(out, (const char*)href, &ds, &err)==0 ){
      free(out);
      out = strdup(Tcl_DStringValue(&ds));
    }
    Tcl_DStringFree(&ds);
  }
  if( href ) xmlFree(href);
  return out;
}

static void docFree(ClientData cd){
  Doc *d = (Doc*)cd;
  if( d->xc ) xmlXPathFreeContext(d->xc);
  xmlFreeDoc(d->doc);
  free(d->base);
  ckfree((char*)d->nodes);
  Tcl_DeleteHashTable(&d->ids);
  ckfree((char*)d);
}

/* DocCmd: the methods of a document command (see the file comment). */
static int DocCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"xpath", "items", "text", "base", "extract", "delete", NULL};
  enum DocMethod { XPATH, ITEMS, TEXT, BASE, EXTRACT, DELETE };
  static const char *const linksOpt[] = {"-links", NULL};
  static const char *const nowOpt[] = {"-now", NULL};
  Doc *d = (Doc*)cd;
  int idx, i;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "method ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "method", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  switch( (enum DocMethod)idx ){
  case XPATH: {
    static const char *const usage = "EXPR ?-context NODE? ?-text|-raw|-attr NAME|-link|-html|-nodes?";
    int mode = M_TEXT, ctxId = -1;
    const char *attr = NULL, *url = NULL;
    Tcl_Obj *ctx = NULL;
    xmlXPathObjectPtr r;
    if( objc<3 ){ Tcl_WrongNumArgs(interp, 2, objv, usage); return TCL_ERROR; }
    if( xpathOptions(interp, objc, objv, 3, docXpathOpts, usage, &mode, &attr, &ctx, &url)!=TCL_OK ){
      return TCL_ERROR;
    }
    if( ctx ){
      if( Tcl_GetIntFromObj(interp, ctx, &ctxId)!=TCL_OK ) return TCL_ERROR;
      if( ctxId<0 || ctxId>=d->nNodes ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("no node %d in this document", ctxId));
        return TCL_ERROR;
      }
    }
    r = evalXPath(interp, d, ctxId>=0 ? d->nodes[ctxId] : NULL, Tcl_GetString(objv[2]));
    if( !r ) return TCL_ERROR;
    Tcl_SetObjResult(interp, resultList(d, r, mode, attr));
    xmlXPathFreeObject(r);
    return TCL_OK;
  }
  case ITEMS: {
    xmlXPathObjectPtr items;
    Tcl_Obj *fields, **fv, *links = NULL, *out;
    int nf, k, j, opt;
    Tcl_DString ds;
    if( objc!=4 && objc!=6 ){
      Tcl_WrongNumArgs(interp, 2, objv, "ITEMEXPR FIELDS ?-links NAMES?");
      return TCL_ERROR;
    }
    if( objc==6 && Tcl_GetIndexFromObj(interp, objv[4], linksOpt, "option", 0, &opt)!=TCL_OK ){
      return TCL_ERROR;
    }
    fields = objv[3];
    if( Tcl_ListObjGetElements(interp, fields, &nf, &fv)!=TCL_OK ) return TCL_ERROR;
    if( nf%2 ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("FIELDS must be a dict name -> XPath", -1)); return TCL_ERROR; }
    if( objc==6 ) links = objv[5];
    for(k=1; k<nf; k+=2) if( !compileXPath(interp, Tcl_GetString(fv[k])) ) return TCL_ERROR;
    items = evalXPath(interp, d, NULL, Tcl_GetString(objv[2]));
    if( !items ) return TCL_ERROR;
    out = Tcl_NewListObj(0, NULL);
    Tcl_DStringInit(&ds);
    for(i=0; items->type==XPATH_NODESET && items->nodesetval && i<items->nodesetval->nodeNr; i++){
      Tcl_Obj *dict = Tcl_NewDictObj();
      for(k=0; k<nf; k+=2){
        int mode = M_TEXT, nl = 0;
        Tcl_Obj **lv;
        xmlXPathObjectPtr r;
        if( links && Tcl_ListObjGetElements(NULL, links, &nl, &lv)==TCL_OK ){
          for(j=0; j<nl; j++) if( !strcmp(Tcl_GetString(lv[j]), Tcl_GetString(fv[k])) ) mode = M_LINK;
        }
        r = evalXPath(interp, d, items->nodesetval->nodeTab[i], Tcl_GetString(fv[k+1]));
        if( !r ){ xmlXPathFreeObject(items); Tcl_DStringFree(&ds); Tcl_DecrRefCount(dict); Tcl_DecrRefCount(out); return TCL_ERROR; }
        Tcl_DStringSetLength(&ds, 0);
        firstValue(d, r, mode, &ds);
        xmlXPathFreeObject(r);
        Tcl_DictObjPut(NULL, dict, fv[k], dsObj(&ds));
      }
      Tcl_ListObjAppendElement(NULL, out, dict);
    }
    Tcl_DStringFree(&ds);
    xmlXPathFreeObject(items);
    Tcl_SetObjResult(interp, out);
    return TCL_OK;
  }
  case TEXT: {
    Tcl_DString ds;
    xmlNodePtr n = (xmlNodePtr)d->doc;
    int id;
    if( objc>3 ){ Tcl_WrongNumArgs(interp, 2, objv, "?NODE?"); return TCL_ERROR; }
    if( objc==3 ){
      if( Tcl_GetIntFromObj(interp, objv[2], &id)!=TCL_OK ) return TCL_ERROR;
      if( id<0 || id>=d->nNodes ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("no node %d in this document", id));
        return TCL_ERROR;
      }
      n = d->nodes[id];
    }
    Tcl_DStringInit(&ds);
    YqNodeText(n, &ds, 1, NULL, NULL);
    Tcl_SetObjResult(interp, dsObj(&ds));
    Tcl_DStringFree(&ds);
    return TCL_OK;
  }
  case BASE:
    if( objc!=2 ){ Tcl_WrongNumArgs(interp, 2, objv, NULL); return TCL_ERROR; }
    Tcl_SetObjResult(interp, YqUtf8Obj(d->base ? d->base : "", -1));
    return TCL_OK;
  case EXTRACT: {
    /* relative publish times ("昨天", "3分钟前") count from -now: the crawler passes the fetch time */
    long long now = (long long)time(NULL);
    int opt;
    if( objc!=2 && objc!=4 ){
      Tcl_WrongNumArgs(interp, 2, objv, "?-now ISO?");
      return TCL_ERROR;
    }
    if( objc==4 && (Tcl_GetIndexFromObj(interp, objv[2], nowOpt, "option", 0, &opt)!=TCL_OK
                    || YqNowOption(interp, objv[3], &now)!=TCL_OK) ) return TCL_ERROR;
    Tcl_SetObjResult(interp, YqExtractNow(d->doc, d->base, now));
    return TCL_OK;
  }
  case DELETE:
    if( objc!=2 ){ Tcl_WrongNumArgs(interp, 2, objv, NULL); return TCL_ERROR; }
    Tcl_DeleteCommandFromToken(interp, Tcl_GetCommandFromObj(interp, objv[0]));
    return TCL_OK;
  }
  return TCL_OK;
}

/*
** YqHtmlDocFromObj: parse Tcl string HTMLOBJ into a new Doc with base URL URL (or NULL). Returns
** it, or NULL with an error in INTERP.
*/
static Doc *newDoc(Tcl_Interp *interp, Tcl_Obj *htmlObj, const char *url){
  Tcl_DString ds;
  int len;
  const char *s = Tcl_GetStringFromObj(htmlObj, &len), *err = NULL;
  xmlDocPtr doc;
  Doc *d;
  Tcl_UtfToExternalDString(YqUtf8Encoding(), s, len, &ds);
  doc = YqHtmlParse(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds), &err);
  Tcl_DStringFree(&ds);
  if( !doc ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot parse HTML: %s", err));
    Tcl_SetErrorCode(interp, "YQBOX", "HTML", NULL);
    return NULL;
  }
  d = (Doc*)ckalloc(sizeof *d);
  memset(d, 0, sizeof *d);
  Tcl_InitHashTable(&d->ids, TCL_ONE_WORD_KEYS);
  d->doc = doc;
  d->base = docBase(doc, url);
  d->interp = interp;
  return d;
}

/*
** HtmlCmd: "html doc HTML ?-url URL?", "html xpath HTML EXPR ?-url URL? ?MODE?", "html text HTML".
*/
int HtmlCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"doc", "xpath", "text", NULL};
  enum HtmlSub { HTML_DOC, HTML_XPATH, HTML_TEXT };
  static const char *const urlOpt[] = {"-url", NULL};
  int idx, opt;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  switch( (enum HtmlSub)idx ){
  case HTML_DOC: {
    Doc *d;
    Tcl_Obj *name;
    HtmlState *st;
    if( objc!=3 && objc!=5 ){
      Tcl_WrongNumArgs(interp, 2, objv, "HTML ?-url URL?");
      return TCL_ERROR;
    }
    if( objc==5 && Tcl_GetIndexFromObj(interp, objv[3], urlOpt, "option", 0, &opt)!=TCL_OK ){
      return TCL_ERROR;
    }
    d = newDoc(interp, objv[2], objc==5 ? Tcl_GetString(objv[4]) : NULL);
    if( !d ) return TCL_ERROR;
    st = getState(interp);
    name = Tcl_ObjPrintf("::yqbox::htmldoc%d", ++st->counter);
    Tcl_CreateObjCommand(interp, Tcl_GetString(name), DocCmd, d, docFree);
    Tcl_SetObjResult(interp, name);
    return TCL_OK;
  }
  case HTML_TEXT: {
    Tcl_DString in, out;
    int len;
    const char *s;
    if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "HTML"); return TCL_ERROR; }
    s = Tcl_GetStringFromObj(objv[2], &len);
    Tcl_UtfToExternalDString(YqUtf8Encoding(), s, len, &in);
    Tcl_DStringInit(&out);
    YqHtmlText(Tcl_DStringValue(&in), Tcl_DStringLength(&in), &out, 1);
    Tcl_SetObjResult(interp, dsObj(&out));
    Tcl_DStringFree(&in);
    Tcl_DStringFree(&out);
    return TCL_OK;
  }
  case HTML_XPATH: {
    static const char *const usage = "HTML EXPR ?-url URL? ?-text|-raw|-attr NAME|-link|-html?";
    int mode = M_TEXT;
    const char *attr = NULL, *url = NULL;
    Tcl_Obj *ctx = NULL;
    Doc *d;
    xmlXPathObjectPtr r;
    if( objc<4 ){ Tcl_WrongNumArgs(interp, 2, objv, usage); return TCL_ERROR; }
    if( xpathOptions(interp, objc, objv, 4, htmlXpathOpts, usage, &mode, &attr, &ctx, &url)!=TCL_OK ){
      return TCL_ERROR;
    }
    d = newDoc(interp, objv[2], url);
    if( !d ) return TCL_ERROR;
    r = evalXPath(interp, d, NULL, Tcl_GetString(objv[3]));
    if( r ){
      Tcl_SetObjResult(interp, resultList(d, r, mode, attr));
      xmlXPathFreeObject(r);
    }
    docFree(d);
    return r ? TCL_OK : TCL_ERROR;
  }
  }
  return TCL_OK;
}
