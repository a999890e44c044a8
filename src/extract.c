/*
** extract.c - the general article extractor: title, main text, author and publish time of a
** detail page (forum thread, news article, government notice, message-board entry) with no
** per-site rule.
**
** Main text: every element gets its visible text length, link text length and count of sentence
** punctuation. Elements that are page chrome are left out: nav/footer/aside/header/form controls
** and elements whose class or id names a role such as nav, menu, footer, sidebar, comment,
** related, share, breadcrumb, copyright, pager, ad -- as a word of the class ("post_header" has
** "header", "thread_body" has no "ad"); a layout word (header, nav, ...) is waived for the element
** that holds most of the page's text. Each paragraph-like element with at least 20
** characters of its own inline text scores 1 + punctuation + length/100 (at most 3 for length) for
** itself, its parent, half for the grandparent and a third for the next. A candidate's final score is
** its score times (1 - link density), plus 25 for class/id hints of content (article, content,
** post, message, detail, zoom, t_f, ...) and minus 25 for weak negative hints. Forum threads: when the best
** candidate repeats a structure (same tag, class and digit-less id, e.g. one per post), the first
** such element that scores at least a quarter as well wins (the first post); when the best candidate
** is a container of repeated posts, the search continues inside its first post. The body is the
** candidate's text with paragraph breaks ("\n"), without chrome, link-dense blocks, "相关阅读"-type
** blocks, and short lines that are page furniture (打印, 关闭窗口, 字号, 上一篇, 发布时间 ...).
**
** Title: og:title or <title>, cut at site-name separators (" - ", "_", " | ", "——"), a trailing
** 【...】 removed, a trailing site name after any separator ("-新华网", og:site_name, a name the
** page shows alone in its logo or footer) removed; an h1/h2 that matches it is preferred, being
** cleaner: one the title starts with, or one that continues a truncated og:title.
** Author: labels 作者/发布人/留言人/发帖人/提问人/执笔人 with a colon, bylines (（记者 张倩）, 记者 张倩
** 王敏, 文：眉间尺, 眉间尺/文, a closing （张倩）; editors are no authors) -- a visible byline wins; meta author
** unless it is a site name or a number; elements whose class or id says author (authi, username,
** poster); labels 楼主/网友; finally 来源 (the issuing unit).
** Published: meta article:published_time/PubDate/publishdate/date, <time datetime>, an element
** whose class/id word says date or time (publish_time, pubtime ...), labels 发布时间/发表于/留言时间/
** 发布日期/时间/日期 ..., then the first full date near the title (a date split across elements
** joined), then the first full date after the title. Comments are not read; prose yields only
** plausible full dates (no year out of "1000年前" or "2020-10-1234").
**
** Tcl: `page extract HTML ?-url URL? ?-now ISO?` -> dict title, body, author, published (ISO 8601
** +08:00 or ""). Also `DOC extract ?-now ISO?` on a parsed document (html.c).
** `page async BYTES ?-contenttype CT? ?-now ISO? -command CMD` decodes the page's bytes (as
** `charset decode`) and extracts on the extraction thread, the second core, and later calls CMD
** with the same dict plus error ("" or why the page could not be parsed) from the event loop of
** the thread that asked.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include "yqbox.h"

typedef struct Stat {
  double score;
  int text, link, punct;
  int chrome;            /* this element or an ancestor is page chrome */
  int self;              /* chrome kind of this element by itself (CHROME_...) */
  int comment;           /* its class/id says comments or related articles (isCommentEl) */
  int order;             /* document order */
} Stat;

typedef struct Ex {
  Stat *stats;
  int n, cap;
  long long now;
  const char *title;     /* cleaned title, for line filtering */
} Ex;

#define ST(node) ((Stat*)(node)->_private)

/* attrLower: the lowercased class + " " + id of element N into BUF (size SZ). */
static void classId(xmlNodePtr n, char *buf, size_t sz){
  xmlChar *c = xmlGetProp(n, (const xmlChar*)"class"), *i = xmlGetProp(n, (const xmlChar*)"id");
  size_t k;
  snprintf(buf, sz, "%s %s", c ? (char*)c : "", i ? (char*)i : "");
  for(k=0; buf[k]; k++) if( buf[k]>='A' && buf[k]<='Z' ) buf[k] += 32;
  if( c ) xmlFree(c);
  if( i ) xmlFree(i);
}

/* hasWord: whether W occurs in S at a word start ([^a-z] before it). */
static int hasWord(const char *s, const char *w){
  const char *p = s;
  size_t n = strlen(w);
  while( (p = strstr(p, w))!=NULL ){
    if( p==s || !(p[-1]>='a' && p[-1]<='z') ) return 1;
    p += n;
  }
  return 0;
}

/* inSet: whether the N bytes at S are one of the strings of SET. */
static int inSet(const char *s, size_t n, const char *const *set){
  int i;
  for(i=0; set[i]; i++) if( strlen(set[i])==n && !memcmp(s, set[i], n) ) return 1;
  return 0;
}

/*
** classWord: whether the lowercased class/id string S (see classId) names W as a word. S is cut into
** parts at every character that is not a letter or digit ("post_header" is "post" and "header");
** a part names W when it is W, W followed by digits ("footer2"), W with a usual suffix ("navbar",
** "tagslist") or W after a usual prefix ("topnav", "sitefooter"). "thread" holds no "ad", "signboard"
** no "sign", "authorized" no "author". No side effects.
*/
static int classWord(const char *s, const char *w){
  static const char *suffixes[] = {"bar","box","wrap","list","area","s","con","nav","bg","main","name",
                                         NULL};
  static const char *prefixes[] = {"top","main","sub","site","page","left","right","bottom", NULL};
  size_t wl = strlen(w);
  while( *s ){
    const char *e;
    size_t n;
    while( *s && !((*s>='a' && *s<='z') || (*s>='0' && *s<='9')) ) s++;
    for(e=s; (*e>='a' && *e<='z') || (*e>='0' && *e<='9'); e++){}
    n = (size_t)(e-s);
    if( n>=wl ){
      if( !memcmp(s, w, wl) ){
        const char *r = s+wl;
        while( r<e && *r>='0' && *r<='9' ) r++;
        if( r==e || inSet(s+wl, n-wl, suffixes) ) return 1;
      }
      if( !memcmp(e-wl, w, wl) && inSet(s, n-wl, prefixes) ) return 1;
    }
    s = e;
  }
  return 0;
}

/* Chrome kinds of an element by itself (Stat.self): by tag, by a layout word of its class/id
** (waived when the element holds most of the page's text), by a word of text-rich furniture. */
enum { CHROME_NONE, CHROME_TAG, CHROME_LAYOUT, CHROME_TEXTRICH };

/* isCommentEl: whether element N's class/id words say comments or related articles: their dates
** and bylines are not the article's. (A thread's floors are not comments: the first is the post.) */
static int isCommentEl(xmlNodePtr n){
  static const char *words[] = {"comment","comments","cmt","related","recommend","xgxw","xglj",
                                NULL};
  char buf[256];
  int i;
  classId(n, buf, sizeof buf);
  if( buf[0]==' ' && buf[1]==0 ) return 0;
  for(i=0; words[i]; i++) if( classWord(buf, words[i]) ) return 1;
  return 0;
}

/* chromeKind: the chrome kind of element N by its tag or class/id words (see the enum). */
static int chromeKind(xmlNodePtr n){
  static const char *tags[] = {"nav","footer","aside","header","menu","input","label","select",
                               "textarea","button", NULL};
  static const char *layout[] = {"nav","menu","footer","foot","sidebar","side","share","breadcrumb",
    "crumb","copyright","pagination","pager","pages","login","toolbar","advert","ads","ad",
    "banner","topbar","header","friendlink","links","tags","position","location","sidenav","widget",
    "rank","gotop","backtop", NULL};
  static const char *textRich[] = {"comment","comments","related","recommend","hotnews","hot",
    "xglj","xgxw","fastpost","signature","sign","reply","lzl", NULL};
  char buf[256];
  const char *name = (const char*)n->name;
  int i;
  for(i=0; tags[i]; i++) if( !strcmp(name, tags[i]) ) return CHROME_TAG;
  classId(n, buf, sizeof buf);
  if( buf[0]==' ' && buf[1]==0 ) return CHROME_NONE;
  for(i=0; textRich[i]; i++) if( classWord(buf, textRich[i]) ) return CHROME_TEXTRICH;
  for(i=0; layout[i]; i++) if( classWord(buf, layout[i]) ) return CHROME_LAYOUT;
  return CHROME_NONE;
}

/* classWeight: +25 for content hints in class/id, -25 for weak negative ones, else 0. */
static int classWeight(xmlNodePtr n){
  static const char *pos[] = {"article","content","post","message","detail","zoom","t_f","entry",
    "main","text","body","story","news_con","newscon","con_","arti","wz","cont","txt","d_post", NULL};
  static const char *neg[] = {"reply","meta","info","author","date","time","title","list", NULL};
  char buf[256];
  int i, w = 0;
  classId(n, buf, sizeof buf);
  for(i=0; pos[i]; i++) if( strstr(buf, pos[i]) ){ w += 25; break; }
  for(i=0; neg[i]; i++) if( hasWord(buf, neg[i]) ){ w -= 25; break; }
  return w;
}

/* utf8 helpers: count characters (non-space) and sentence punctuation in S. */
static void countText(const char *s, int *chars, int *punct){
  const unsigned char *p = (const unsigned char*)s;
  while( *p ){
    if( *p<0x80 ){
      if( *p>' ' ) (*chars)++;
      if( *p==',' || *p=='.' || *p==';' || *p=='!' || *p=='?' ) (*punct)++;
      p++;
    }else{
      int n = (*p>=0xF0) ? 4 : (*p>=0xE0) ? 3 : 2;
      if( n==3 && p[1] && p[2] ){
        unsigned cp = ((p[0]&0x0F)<<12)|((p[1]&0x3F)<<6)|(p[2]&0x3F);
        if( cp==0xFF0C || cp==0x3002 || cp==0xFF01 || cp==0xFF1F || cp==0xFF1B || cp==0x3001 ) (*punct)++;
        if( cp!=0x3000 ) (*chars)++;
      }else if( !(n==2 && p[0]==0xC2 && p[1]==0xA0) ){
        (*chars)++;
      }
      while( n-- && *p ) p++;
    }
  }
}

/* measure: fill the Stat of every element under N (pre-order numbering) but its chrome flag. */
static void measure(Ex *ex, xmlNodePtr n, int inLink){
  xmlNodePtr c;
  Stat *st;
  if( ex->n==ex->cap ){
    /* stats never move: the array is sized beforehand (see countElements) */
    return;
  }
  st = &ex->stats[ex->n];
  memset(st, 0, sizeof *st);
  st->order = ex->n++;
  n->_private = st;
  st->self = chromeKind(n);
  st->comment = isCommentEl(n);
  inLink = inLink || !strcmp((const char*)n->name, "a");
  for(c=n->children; c; c=c->next){
    if( c->type==XML_TEXT_NODE && c->content ){
      int chars = 0, punct = 0;
      countText((const char*)c->content, &chars, &punct);
      st->text += chars; st->punct += punct;
      if( inLink ) st->link += chars;
    }else if( c->type==XML_ELEMENT_NODE && !YqIsInvisible((const char*)c->name) ){
      measure(ex, c, inLink);
      if( c->_private ){
        st->text += ST(c)->text; st->link += ST(c)->link; st->punct += ST(c)->punct;
      }
    }
  }
}

/*
** markChrome: set the chrome flag of N and the elements under it: chrome when an ancestor is
** (ABOVE), by tag, by text-rich furniture words, or by layout words unless the element holds at
** least 60% of the page's unlinked text (PAGETEXT) and is not link-dense: the block that holds the
** article is never dropped for a class such as "post_header".
*/
static void markChrome(xmlNodePtr n, int above, int pageText){
  xmlNodePtr c;
  Stat *st = ST(n);
  if( !st ) return;
  st->chrome = above || st->self==CHROME_TAG || st->self==CHROME_TEXTRICH;
  if( !st->chrome && st->self==CHROME_LAYOUT ){
    int own = st->text - st->link;
    st->chrome = !(pageText>0 && own*10>=pageText*6 && st->link*2<st->text);
  }
  for(c=n->children; c; c=c->next) if( c->type==XML_ELEMENT_NODE ) markChrome(c, st->chrome, pageText);
}

static int countElements(xmlNodePtr n){
  int k = 1;
  xmlNodePtr c;
  for(c=n->children; c; c=c->next) if( c->type==XML_ELEMENT_NODE ) k += countElements(c);
  return k;
}

static void clearPrivate(xmlNodePtr n){
  xmlNodePtr c;
  n->_private = NULL;
  for(c=n->children; c; c=c->next) if( c->type==XML_ELEMENT_NODE ) clearPrivate(c);
}

/* inlineLen: characters and punctuation of N's own inline text (not inside block children). */
static void inlineLen(xmlNodePtr n, int *chars, int *punct){
  xmlNodePtr c;
  for(c=n->children; c; c=c->next){
    if( c->type==XML_TEXT_NODE && c->content ) countText((const char*)c->content, chars, punct);
    else if( c->type==XML_ELEMENT_NODE && !YqIsInvisible((const char*)c->name)
             && !(YqIsBlock((const char*)c->name) && strcmp((const char*)c->name, "br")) ){
      if( strcmp((const char*)c->name, "a") ) inlineLen(c, chars, punct);
    }
  }
}

/* score: give every paragraph-like element's score to itself and its ancestors. */
static void scoreTree(xmlNodePtr n){
  static const char *paras[] = {"p","td","pre","blockquote","div","section","article","li","font",
                                "span","dd","center","th","font", NULL};
  xmlNodePtr c;
  int i;
  if( !n->_private || ST(n)->chrome ) return;
  for(i=0; paras[i]; i++) if( !strcmp((const char*)n->name, paras[i]) ) break;
  if( paras[i] ){
    int chars = 0, punct = 0;
    inlineLen(n, &chars, &punct);
    if( chars>=20 ){
      double s = 1 + punct + (chars/100.0 > 3 ? 3 : chars/100.0), div[] = {1, 1, 2, 3};
      xmlNodePtr a = n;
      int k;
      for(k=0; k<4 && a && a->type==XML_ELEMENT_NODE && a->_private; k++, a=a->parent){
        ST(a)->score += s/div[k];
      }
    }
  }
  for(c=n->children; c; c=c->next) if( c->type==XML_ELEMENT_NODE ) scoreTree(c);
}

/* final: the final score of candidate N. */
static double finalScore(xmlNodePtr n){
  Stat *s = ST(n);
  double ld = s->text ? (double)s->link/s->text : 1;
  return s->score*(1-ld) + (s->score>0 ? classWeight(n) : 0);
}

/* signature: tag|class|id-without-digits of N into BUF. */
static void signature(xmlNodePtr n, char *buf, size_t sz){
  xmlChar *c = xmlGetProp(n, (const xmlChar*)"class"), *i = xmlGetProp(n, (const xmlChar*)"id");
  size_t k = 0;
  const char *p;
  k = snprintf(buf, sz, "%s|%s|", (const char*)n->name, c ? (char*)c : "");
  if( k>=sz ) k = sz-1;
  for(p = i ? (const char*)i : ""; *p && k+1<sz; p++) if( !(*p>='0' && *p<='9') ) buf[k++] = *p;
  buf[k] = 0;
  if( c ) xmlFree(c);
  if( i ) xmlFree(i);
}

/* best: the best-scoring candidate under N (N included), or NULL. */
static xmlNodePtr bestUnder(xmlNodePtr n, double *bs){
  xmlNodePtr c, b = NULL;
  if( !n->_private || ST(n)->chrome ) return NULL;
  if( ST(n)->score>0 ){
    double f = finalScore(n);
    if( f>*bs ){ *bs = f; b = n; }
  }
  for(c=n->children; c; c=c->next){
    if( c->type==XML_ELEMENT_NODE ){
      xmlNodePtr x = bestUnder(c, bs);
      if( x ) b = x;
    }
  }
  return b;
}

/* firstSame: the first element under N with signature SIG scoring at least MIN, or NULL. */
static xmlNodePtr firstSame(xmlNodePtr n, const char *sig, double min){
  xmlNodePtr c;
  char buf[300];
  if( !n->_private || ST(n)->chrome ) return NULL;
  if( ST(n)->score>0 ){
    signature(n, buf, sizeof buf);
    if( !strcmp(buf, sig) && finalScore(n)>=min ) return n;
  }
  for(c=n->children; c; c=c->next){
    if( c->type==XML_ELEMENT_NODE ){
      xmlNodePtr x = firstSame(c, sig, min);
      if( x ) return x;
    }
  }
  return NULL;
}

/* A signature's tally over a run of siblings: how many have text, and how much text. */
typedef struct Tally { int count, text; } Tally;

/*
** repeatedChild: if N's children repeat one signature (>= 2 with text) holding most of N's text,
** the first of them with text; else NULL. For each candidate child C the count and text are those of
** the siblings from C on with C's signature. Linear in the number of children: each child's
** signature is computed twice and tallied in a hash table (a page of thousands of sibling blocks
** must not stall the patrol). No side effects.
*/
static xmlNodePtr repeatedChild(xmlNodePtr n){
  xmlNodePtr c, found = NULL;
  char a[300];
  Tcl_HashTable sigs;
  Tcl_HashEntry *e;
  Tally *tallies;
  int nChild = 0, nSig = 0, isNew;
  for(c=n->children; c; c=c->next) if( c->type==XML_ELEMENT_NODE && c->_private ) nChild++;
  if( nChild<2 ) return NULL;
  tallies = (Tally*)ckalloc(sizeof(Tally)*nChild);
  Tcl_InitHashTable(&sigs, TCL_STRING_KEYS);
  /* pass 1: the tally of every signature over all the children */
  for(c=n->children; c; c=c->next){
    if( c->type!=XML_ELEMENT_NODE || !c->_private ) continue;
    signature(c, a, sizeof a);
    e = Tcl_CreateHashEntry(&sigs, a, &isNew);
    if( isNew ){
      tallies[nSig].count = tallies[nSig].text = 0;
      Tcl_SetHashValue(e, &tallies[nSig++]);
    }
    if( ST(c)->text>=10 ){
      Tally *t = (Tally*)Tcl_GetHashValue(e);
      t->count++; t->text += ST(c)->text;
    }
  }
  /* pass 2: in document order, each child is a candidate with the tally of its signature from
  ** itself on, then leaves that tally */
  for(c=n->children; c && !found; c=c->next){
    Tally *t;
    if( c->type!=XML_ELEMENT_NODE || !c->_private ) continue;
    signature(c, a, sizeof a);
    t = (Tally*)Tcl_GetHashValue(Tcl_FindHashEntry(&sigs, a));
    if( ST(c)->text>=20 && strstr(" div table li article section tbody dl ", (const char*)c->name)
        && !(a[strlen((const char*)c->name)+1]=='|' && a[strlen(a)-1]=='|')      /* class or id */
        && t->count>=2 && t->text*10>=ST(n)->text*6 ){
      found = c;
    }
    if( ST(c)->text>=10 ){ t->count--; t->text -= ST(c)->text; }
  }
  Tcl_DeleteHashTable(&sigs);
  ckfree((char*)tallies);
  return found;
}

/* skipForBody: textWalk filter: chrome, link-dense blocks and 相关阅读-type blocks. */
static int skipForBody(xmlNodePtr n, void *arg){
  Stat *s = ST(n);
  (void)arg;
  if( !s ) return 0;
  if( s->chrome ) return 1;
  if( s->text>0 && s->link*10>s->text*5 && YqIsBlock((const char*)n->name) && s->text<400 ){
    return 1;
  }
  return 0;
}

/* furniture: whether a body line (LINE, N bytes) is page furniture rather than article text: the
** title itself, or a line of at most 90 bytes holding one of the words below. Only positions of the
** line where a 3-byte character starts are compared, each with the words starting with its byte (a
** page may have thousands of lines). No side effects. */
static int furniture(const char *line, int n, const char *title){
  static const char *words[] = {"打印","关闭窗口","分享到","收藏","字号","上一篇","下一篇","返回顶部",
    "浏览次数","点击数","阅读数","发布时间","发表于","扫一扫","相关阅读","相关新闻","相关链接",
    "推荐阅读","来源：","来源:","责任编辑","【大","【中","【小","电梯直达","只看该作者","回复 ",
    "举报","本帖最后由","楼主","沙发","板凳","积分","帖子","查看:","回复:","浏览：","访问量", NULL};
  int i, k;
  if( title && (int)strlen(title)==n && !strncmp(line, title, n) ) return 1;
  if( n>90 ) return 0;
  for(k=0; k<n; k++){
    if( ((unsigned char)line[k] & 0xF0)!=0xE0 ) continue;   /* every word starts with a CJK character */
    for(i=0; words[i]; i++){
      size_t wl;
      if( words[i][0]!=line[k] ) continue;
      wl = strlen(words[i]);
      if( (size_t)(n-k)>=wl && !memcmp(line+k, words[i], wl) ) return 1;
    }
  }
  return 0;
}

/* cleanBody: keep the lines of TEXT that are not furniture, joined by "\n", into OUT. */
static void cleanBody(const char *text, const char *title, Tcl_DString *out){
  const char *p = text;
  while( *p ){
    const char *e = strchr(p, '\n');
    int n = e ? (int)(e-p) : (int)strlen(p);
    int a = 0;
    while( a<n && p[a]==' ' ) a++;
    if( n-a>0 && !furniture(p+a, n-a, title) ){
      if( Tcl_DStringLength(out) ) Tcl_DStringAppend(out, "\n", 1);
      Tcl_DStringAppend(out, p+a, n-a);
    }
    p += n + (e ? 1 : 0);
  }
}

/* ---- title -------------------------------------------------------------------------------------- */

/* firstSegment: cut S at the first site-name separator (keeping a long enough first part). */
static void cleanTitle(const char *s, Tcl_DString *out){
  static const char *seps[] = {" - ", " — ", " – ", " | ", "_", "|", "——", "--", " :: ", "－", NULL};
  int n = (int)strlen(s), best = n, i;
  for(i=0; seps[i]; i++){
    const char *p = strstr(s, seps[i]);
    if( p && p-s<best && p-s>=6 ) best = (int)(p-s);
  }
  while( best>0 && s[best-1]==' ' ) best--;
  /* a trailing 【...】 (board or site name) */
  if( best>6 && !strncmp(s+best-3, "】", 3) ){
    int k = best-3;
    while( k>0 && strncmp(s+k, "【", 3) ) k--;
    if( k>3 ) best = k;
  }
  Tcl_DStringAppend(out, s, best);
}

static char *metaContent(xmlDocPtr doc, const char *const *names){
  xmlNodePtr stack[64];
  int sp = 0, i;
  xmlNodePtr n = xmlDocGetRootElement(doc);
  /* walk head and body for <meta> (documents may misplace them) */
  while( n ){
    if( n->type==XML_ELEMENT_NODE && !strcmp((const char*)n->name, "meta") ){
      xmlChar *key = xmlGetProp(n, (const xmlChar*)"property");
      if( !key ) key = xmlGetProp(n, (const xmlChar*)"name");
      if( !key ) key = xmlGetProp(n, (const xmlChar*)"itemprop");
      if( key ){
        for(i=0; names[i]; i++){
          if( !strcasecmp((const char*)key, names[i]) ){
            xmlChar *v = xmlGetProp(n, (const xmlChar*)"content");
            xmlFree(key);
            if( v && v[0] ){ char *r = strdup((const char*)v); xmlFree(v); return r; }
            if( v ) xmlFree(v);
            key = NULL;
            break;
          }
        }
        if( key ) xmlFree(key);
      }
    }
    if( n->type==XML_ELEMENT_NODE && n->children && sp<63 ){ stack[sp++] = n->next; n = n->children; continue; }
    n = n->next;
    while( !n && sp>0 ) n = stack[--sp];
  }
  return NULL;
}

/* firstText: the text of the first element named TAG (outside chrome where measured), into DS. */
static int firstTag(xmlNodePtr n, const char *tag, Tcl_DString *ds){
  xmlNodePtr c;
  if( n->type!=XML_ELEMENT_NODE ) return 0;
  if( YqIsInvisible((const char*)n->name) && strcmp((const char*)n->name, "head") ) return 0;
  if( !strcmp((const char*)n->name, tag) ){
    Tcl_DStringSetLength(ds, 0);
    YqNodeText(n, ds, 0, NULL, NULL);
    if( Tcl_DStringLength(ds)>0 ) return 1;
  }
  for(c=n->children; c; c=c->next) if( firstTag(c, tag, ds) ) return 1;
  return 0;
}

/* collectTag: append the texts of all elements named TAG to list L. */
static void collectTag(xmlNodePtr n, const char *tag, Tcl_Obj *l){
  xmlNodePtr c;
  if( n->type!=XML_ELEMENT_NODE || YqIsInvisible((const char*)n->name) ) return;
  if( !strcmp((const char*)n->name, tag) ){
    Tcl_DString ds;
    Tcl_DStringInit(&ds);
    YqNodeText(n, &ds, 0, NULL, NULL);
    Tcl_ListObjAppendElement(NULL, l, Tcl_NewStringObj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds)));
    Tcl_DStringFree(&ds);
    return;
  }
  for(c=n->children; c; c=c->next) collectTag(c, tag, l);
}

static void trimDs(Tcl_DString *ds){
  char *s = Tcl_DStringValue(ds);
  int n = Tcl_DStringLength(ds), a = 0;
  while( a<n && (s[a]==' ' || s[a]=='\n') ) a++;
  while( n>a && (s[n-1]==' ' || s[n-1]=='\n') ) n--;
  memmove(s, s+a, n-a);
  Tcl_DStringSetLength(ds, n-a);
}

/* isMediaName: whether the N bytes at S end like the name of a medium or site (…网, …报, …在线,
** …频道, …客户端). No side effects. */
static int isMediaName(const char *s, int n){
  static const char *media[] = {"网","网站","报","报社","频道","客户端","新闻","在线","电视台","广播",
                                "APP","app","之窗","门户", NULL};
  int i;
  for(i=0; media[i]; i++){
    int wl = (int)strlen(media[i]);
    if( n>=wl && !memcmp(s+n-wl, media[i], wl) ) return 1;
  }
  return 0;
}

/* shownAlone: whether some text node or image alt under N is, trimmed, exactly the N bytes at S
** (a logo or footer naming the site). No side effects. */
static int shownAlone(xmlNodePtr n, const char *s, int len){
  xmlNodePtr c;
  for(c=n->children; c; c=c->next){
    const char *t = NULL;
    xmlChar *alt = NULL;
    int ok = 0;
    if( c->type==XML_TEXT_NODE ) t = (const char*)c->content;
    else if( c->type==XML_ELEMENT_NODE && !strcmp((const char*)c->name, "img") ){
      alt = xmlGetProp(c, (const xmlChar*)"alt");
      t = (const char*)alt;
    }
    if( t ){
      const char *e;
      while( *t==' ' || *t=='\n' || *t=='\r' || *t=='\t' ) t++;
      e = t+strlen(t);
      while( e>t && (e[-1]==' ' || e[-1]=='\n' || e[-1]=='\r' || e[-1]=='\t') ) e--;
      ok = e-t==len && !memcmp(t, s, len);
    }
    if( alt ) xmlFree(alt);
    if( ok ) return 1;
    if( c->type==XML_ELEMENT_NODE && strcmp((const char*)c->name, "title")
        && !YqIsInvisible((const char*)c->name) && shownAlone(c, s, len) ) return 1;
  }
  return 0;
}

/*
** stripSite: cut from the title in DS a trailing site name after a separator (-, _, |, —, ·, a
** space ...): one that is SITE (og:site_name, or NULL), is named like a medium (isMediaName) or
** stands alone elsewhere on the page (shownAlone under ROOT). At most three times ("…-国内-新华网");
** at least 4 characters of title stay. Changes DS.
*/
static void stripSite(Tcl_DString *ds, const char *site, xmlNodePtr root){
  static const char *seps[] = {"-","_","|","－","—","–","·","丨"," ","　", NULL};
  int round;
  for(round=0; round<3; round++){
    const char *s = Tcl_DStringValue(ds);
    int n = Tcl_DStringLength(ds), k, i, cut = -1, seg = 0;
    for(k=n-1; k>=12 && cut<0; k--){
      for(i=0; seps[i]; i++){
        int sl = (int)strlen(seps[i]);
        if( k+sl<=n && !memcmp(s+k, seps[i], sl) ){ cut = k; seg = k+sl; break; }
      }
    }
    if( cut<0 ) return;
    while( seg<n && s[seg]==' ' ) seg++;
    if( n-seg<2 || n-seg>45 ) return;
    if( !((site && (int)strlen(site)==n-seg && !memcmp(site, s+seg, n-seg))
          || isMediaName(s+seg, n-seg) || (root && shownAlone(root, s+seg, n-seg))) ) return;
    while( cut>0 && (s[cut-1]==' ' || s[cut-1]=='-' || s[cut-1]=='_' || s[cut-1]=='|') ) cut--;
    if( cut<12 ) return;
    Tcl_DStringSetLength(ds, cut);
  }
}

/*
** findTitle: the page title into OUT: og:title or <title>, cut at site-name separators (cleanTitle,
** stripSite); then a heading (h1, then h2) is preferred when it continues the title (a truncated
** og:title "…年内惠及…"), when the title starts with it (the h1 that the <title> starts with), or
** when the title holds it and it is two thirds as long.
*/
static void findTitle(xmlDocPtr doc, Tcl_DString *out){
  static const char *og[] = {"og:title", "twitter:title", NULL};
  static const char *sites[] = {"og:site_name", "application-name", NULL};
  static const char *ellipses[] = {"……", "…", "...", NULL};
  xmlNodePtr root = xmlDocGetRootElement(doc);
  Tcl_DString raw, main;
  char *m = metaContent(doc, og), *site = metaContent(doc, sites);
  const char *tags[] = {"h1", "h2", NULL}, *ms;
  int i, k, nl, ml, stem;
  Tcl_DStringInit(&raw);
  Tcl_DStringInit(&main);
  if( m ){ Tcl_DStringAppend(&raw, m, -1); free(m); }
  else if( root ) firstTag(root, "title", &raw);
  trimDs(&raw);
  cleanTitle(Tcl_DStringValue(&raw), &main);
  trimDs(&main);
  stripSite(&main, site, root);
  free(site);
  ms = Tcl_DStringValue(&main); ml = Tcl_DStringLength(&main);
  /* the title without a closing ellipsis: a heading that starts with it continues it */
  stem = ml;
  for(i=0; ellipses[i]; i++){
    int el = (int)strlen(ellipses[i]);
    if( ml>el && !memcmp(ms+ml-el, ellipses[i], el) ){ stem = ml-el; break; }
  }
  for(i=0; root && tags[i]; i++){
    Tcl_Obj *l = Tcl_NewListObj(0, NULL), **lv;
    Tcl_IncrRefCount(l);
    collectTag(root, tags[i], l);
    Tcl_ListObjGetElements(NULL, l, &nl, &lv);
    for(k=0; k<nl; k++){
      Tcl_DString h;
      const char *hs;
      int hn, take;
      Tcl_DStringInit(&h);
      Tcl_DStringAppend(&h, Tcl_GetString(lv[k]), -1);
      trimDs(&h);
      hs = Tcl_DStringValue(&h); hn = Tcl_DStringLength(&h);
      take = hn>=6 && ((ml==0 && i==0)
              || (stem>=12 && hn>stem && hn<=300 && !memcmp(hs, ms, stem))         /* continues it */
              || (ml>0 && hn>=12 && hn<=ml && !memcmp(ms, hs, hn) && hn*2>=ml)     /* starts it */
              || (ml>0 && strstr(ms, hs) && hn*3>=ml*2));
      if( take ){
        Tcl_DStringAppend(out, hs, hn);
        Tcl_DStringFree(&h);
        Tcl_DecrRefCount(l);
        Tcl_DStringFree(&raw); Tcl_DStringFree(&main);
        return;
      }
      if( ml>0 && strstr(hs, ms) ){
        Tcl_DStringFree(&h);                     /* the heading adds to the title: keep the title */
        break;
      }
      Tcl_DStringFree(&h);
    }
    Tcl_DecrRefCount(l);
  }
  Tcl_DStringAppend(out, ms, ml);
  Tcl_DStringFree(&raw); Tcl_DStringFree(&main);
}

/* ---- author and time ------------------------------------------------------------------------------ */

/* afterLabel: in TEXT find LABEL followed (after spaces) by a colon when NEEDCOLON; return the
** position of the value after it (spaces skipped), or NULL. Searches every occurrence. */
static const char *afterLabel(const char *text, const char *label, int needColon, const char *from){
  const char *p = from ? from : text;
  size_t n = strlen(label);
  while( (p = strstr(p, label))!=NULL ){
    const char *v = p+n;
    int colon = 0;
    while( *v==' ' ) v++;
    if( !strncmp(v, "：", 3) ){ v += 3; colon = 1; }
    else if( *v==':' ){ v++; colon = 1; }
    while( *v==' ' || (colon && *v=='\n') || !strncmp(v, "\xE3\x80\x80", 3) ) v += (*v==' ' || *v=='\n') ? 1 : 3;
    if( (colon || !needColon) && *v && *v!='\n' ) return v;
    p += n;
  }
  return NULL;
}

/* nameAt: copy a name at V (up to a space, newline or separator; 2..30 bytes) into OUT. */
static int nameAt(const char *v, Tcl_DString *out){
  static const char *stops[] = {" ","\n","|","，","。","（","(","【","[","　","发布","发表","时间",
                                "日期","来源","浏览","点击","编辑","：",":","／","/", NULL};
  const char *e = v;
  int i;
  while( *e ){
    for(i=0; stops[i]; i++) if( !strncmp(e, stops[i], strlen(stops[i])) ) break;
    if( stops[i] ) break;
    e++;
  }
  if( e-v<2 || e-v>45 ) return 0;
  Tcl_DStringAppend(out, v, (int)(e-v));
  return 1;
}

/* authorEl: the first element outside chrome whose class/id says author (as a class word, see
** classWord: "authorized" does not), with a short text; into OUT, returns 1 when found. */
static int authorEl(xmlNodePtr n, Tcl_DString *out){
  static const char *hints[] = {"author","authi","username","poster","louzhu","nickname","writer",
                                NULL};
  xmlNodePtr c;
  char buf[256];
  int i, hit;
  if( n->type!=XML_ELEMENT_NODE || YqIsInvisible((const char*)n->name) ) return 0;
  if( n->_private && ST(n)->chrome && strcmp((const char*)n->name, "header") ) return 0;
  classId(n, buf, sizeof buf);
  hit = strstr(buf, "user-name") || strstr(buf, "user_name");
  for(i=0; !hit && hints[i]; i++) hit = classWord(buf, hints[i]);
  if( hit ){
    Tcl_DString t;
    xmlNodePtr a;
    const char *s;
    int len, ok;
    Tcl_DStringInit(&t);
    for(a=n->children; a && !(a->type==XML_ELEMENT_NODE && !strcmp((const char*)a->name, "a")); a=a->next){}
    YqNodeText(a ? a : n, &t, 0, NULL, NULL);
    trimDs(&t);
    s = Tcl_DStringValue(&t);
    len = Tcl_DStringLength(&t);
    ok = len>=2 && len<=45 && !strchr(s, ':') && !strstr(s, "：") && !strstr(s, "发表")
         && !strstr(s, "作者") && !(s[0]>='0' && s[0]<='9');
    if( ok ) Tcl_DStringAppend(out, s, len);
    /* "作者：张三" inside an author element */
    else ok = (s = afterLabel(Tcl_DStringValue(&t), "作者", 1, NULL)) && nameAt(s, out);
    Tcl_DStringFree(&t);
    if( ok ) return 1;
  }
  for(c=n->children; c; c=c->next) if( authorEl(c, out) ) return 1;
  return 0;
}

/*
** notPerson: whether the N bytes at S cannot name a person or issuing unit: empty, a link, a number
** ("104363"), a domain, the page's og:site_name (SITE, or NULL), or a medium's name (isMediaName).
** No side effects.
*/
static int notPerson(const char *s, int n, const char *site){
  int i, digits = 0;
  if( n<=0 || !strncmp(s, "http", 4) || memmem(s, n, "www.", 4) || memmem(s, n, ".com", 4)
      || memmem(s, n, ".cn", 3) ) return 1;
  for(i=0; i<n; i++) if( (s[i]>='0' && s[i]<='9') || s[i]==' ' || s[i]=='-' ) digits++;
  if( digits==n ) return 1;
  if( site && (int)strlen(site)==n && !memcmp(s, site, n) ) return 1;
  return isMediaName(s, n);
}

/* hanAt: the byte length of the Han character (or middle dot of a transcribed name) at P, or 0. */
static int hanAt(const char *p){
  const unsigned char *u = (const unsigned char*)p;
  if( u[0]==0xC2 && u[1]==0xB7 ) return 2;                                   /* · */
  if( (u[0]&0xF0)==0xE0 && u[1] && u[2] ){
    unsigned cp = ((u[0]&0x0F)<<12)|((u[1]&0x3F)<<6)|(u[2]&0x3F);
    if( (cp>=0x4E00 && cp<=0x9FFF) || cp==0x30FB ) return 3;
  }
  return 0;
}

/*
** bylineNames: the names of a byline at V up to END (e.g. after "记者"): runs of 2..4 Han characters
** separated by spaces or 、, stopping at a role (通讯员, 编辑, 摄影 ...) or at anything else; a
** trailing 报道/摄 is dropped. Appends the names, space-separated, to OUT. Returns the number of
** names, or 0 (OUT unchanged) unless the names end the segment (END, or a closing parenthesis) or
** a role follows them: "记者了解到，" is prose, not a byline.
*/
static int bylineNames(const char *v, const char *end, Tcl_DString *out){
  static const char *roles[] = {"通讯员","责任编辑","编辑","摄影","实习生","报道","发自","综合","整理",
                                "摄","校对","审核","出品","监制", NULL};
  static const char *tails[] = {"报道","摄影","摄", NULL};
  int start = Tcl_DStringLength(out), count = 0, i, ok = 0;
  while( v<end ){
    const char *e = v;
    int chars = 0, k;
    while( v<end && (*v==' ' || !strncmp(v, "、", 3) || !strncmp(v, "\xE3\x80\x80", 3)) ) v += *v==' ' ? 1 : 3;
    if( v>=end || !strncmp(v, "）", 3) || *v==')' ){ ok = 1; break; }
    for(i=0; roles[i]; i++) if( !strncmp(v, roles[i], strlen(roles[i])) ) break;
    if( roles[i] ){ ok = count>0; break; }
    for(e=v; e<end && (k = hanAt(e))>0; e += k) chars++;
    if( e==v ) break;                                  /* punctuation or latin: not a byline */
    for(i=0; tails[i]; i++){
      int tl = (int)strlen(tails[i]);
      if( e-v>tl && !memcmp(e-tl, tails[i], tl) ){ e -= tl; chars -= tl/3; break; }
    }
    if( chars<2 || chars>4 ) break;
    if( count++ ) Tcl_DStringAppend(out, " ", 1);
    Tcl_DStringAppend(out, v, (int)(e-v));
    v = e;
    if( tails[i] ) v += strlen(tails[i]);
    if( v>=end ) ok = 1;
  }
  if( !ok || !count ){ Tcl_DStringSetLength(out, start); return 0; }
  return count;
}

/*
** findByline: a byline in TEXT (the page's text, one block a line) into OUT: a short line or a
** parenthesised part "（记者 张倩）", "本报记者 张倩 王敏", "文：眉间尺", "眉间尺/文"; else a last
** line of BODY that is only a parenthesised name "（张倩）". Returns 1 when found. Editors and
** other roles after the names end them.
*/
static int findByline(const char *text, const char *body, Tcl_DString *out){
  const char *p = text, *l, *e;
  while( *p ){
    const char *nl = strchr(p, '\n'), *seg, *r;
    int n = nl ? (int)(nl-p) : (int)strlen(p);
    l = p; e = p+n;
    p = nl ? nl+1 : e;
    while( l<e && *l==' ' ) l++;
    while( e>l && e[-1]==' ' ) e--;
    if( e-l>120 ) continue;
    /* the segment: the line, or its parenthesised part */
    for(seg=l; seg<e; seg++) if( !strncmp(seg, "（", 3) || *seg=='(' ){ seg += *seg=='(' ? 1 : 3; break; }
    if( seg>=e ) seg = l;
    {
      const char *se = seg;
      while( se<e && strncmp(se, "）", 3) && *se!=')' ) se++;
      /* 记者: after at most 6 Han characters (本报, 新华社, 青山日报 ...) */
      for(r=seg; r<se && r-seg<=18 && hanAt(r); r += hanAt(r)){
        if( !strncmp(r, "记者", 6) ){
          if( bylineNames(r+6, se, out) ) return 1;
          break;
        }
      }
      /* 文：NAME, 文/NAME */
      if( !strncmp(seg, "文", 3) ){
        r = seg+3;
        if( !strncmp(r, "：", 3) || !strncmp(r, "／", 3) ) r += 3;
        else if( *r==':' || *r=='/' ) r++;
        else r = NULL;
        if( r && bylineNames(r, se, out)==1 ) return 1;
      }
      /* NAME/文 */
      if( se-seg>4 && (!strncmp(se-4, "/文", 4) || (se-seg>6 && !strncmp(se-6, "／文", 6))) ){
        const char *ne = se[-4]=='/' ? se-4 : se-6;
        if( bylineNames(seg, ne, out)==1 ) return 1;
      }
    }
  }
  /* the body's last line: "（张倩）" */
  if( body && *body ){
    const char *last = strrchr(body, '\n');
    last = last ? last+1 : body;
    e = last+strlen(last);
    if( (!strncmp(last, "（", 3) && e-last>6 && !strncmp(e-3, "）", 3))
        || (*last=='(' && e[-1]==')') ){
      l = last + (*last=='(' ? 1 : 3);
      if( bylineNames(l, e, out)==1 ) return 1;
    }
  }
  return 0;
}

/*
** findAuthor: the author into OUT (empty when none is found). TEXT is the page's text, BODYTEXT
** the extracted body. A visible byline (作者：…, then 记者/文：/…/文/a closing "（张倩）", see
** findByline) comes first, then meta author when it names a person (see notPerson), then author elements, then the
** weaker labels (楼主, 网友) and finally 来源.
*/
static void findAuthor(xmlDocPtr doc, xmlNodePtr body, const char *text, const char *bodyText,
                       Tcl_DString *out){
  static const char *metas[] = {"author", "article:author", "og:article:author", "dc.creator", NULL};
  static const char *sites[] = {"og:site_name", "application-name", NULL};
  static const char *strong[] = {"作者","发布人","留言人","发帖人","提问人","发布者","投稿人","来信人",
                                 "执笔人","执笔","撰稿人","撰稿","撰文", NULL};
  static const char *weak[] = {"楼主","网友","用户", NULL};
  char *m, *site;
  const char *v;
  int i;
  for(i=0; strong[i]; i++){
    if( (v = afterLabel(text, strong[i], 1, NULL))!=NULL ){
      /* "作者：记者 王晓红", "作者：本网记者 赵磊" */
      const char *r = strstr(v, "记者");
      if( r && r-v<=9 && !memchr(v, '\n', r-v) ){ v = r+6; while( *v==' ' ) v++; }
      if( nameAt(v, out) ) return;
    }
  }
  if( findByline(text, bodyText, out) ) return;
  m = metaContent(doc, metas);
  site = metaContent(doc, sites);
  if( m ){
    Tcl_DStringAppend(out, m, -1);
    trimDs(out);
    if( notPerson(Tcl_DStringValue(out), Tcl_DStringLength(out), site) ) Tcl_DStringSetLength(out, 0);
  }
  free(m);
  free(site);
  if( Tcl_DStringLength(out) ) return;
  if( body && authorEl(body, out) ) return;
  for(i=0; weak[i]; i++) if( (v = afterLabel(text, weak[i], 1, NULL)) && nameAt(v, out) ) return;
  if( (v = afterLabel(text, "来源", 1, NULL)) && nameAt(v, out) ) return;
}

/* timeEl: the datetime attribute of the first <time> element, into OUT. */
static int timeEl(xmlNodePtr n, Tcl_DString *out){
  xmlNodePtr c;
  if( n->type!=XML_ELEMENT_NODE ) return 0;
  if( !strcmp((const char*)n->name, "time") ){
    xmlChar *v = xmlGetProp(n, (const xmlChar*)"datetime");
    if( v ){ Tcl_DStringAppend(out, (const char*)v, -1); xmlFree(v); return 1; }
  }
  for(c=n->children; c; c=c->next) if( timeEl(c, out) ) return 1;
  return 0;
}

/* notComment: textWalk filter leaving out comments and related-article blocks (isCommentEl). */
static int notComment(xmlNodePtr n, void *arg){
  (void)arg;
  return n->_private && ST(n)->comment;
}

/* isYear: whether the N bytes at S are a year alone: four digits, maybe with 年. */
static int isYear(const char *s, int n){
  int i;
  if( n!=4 && !(n==7 && !memcmp(s+4, "年", 3)) ) return 0;
  for(i=0; i<4; i++) if( s[i]<'0' || s[i]>'9' ) return 0;
  return 1;
}

/*
** pieces: the texts under N (outside comments and invisible elements) one after the other,
** whitespace-trimmed, separated by a space, into OUT; a piece that is a year alone ("2019") and is
** followed by one starting with a digit ("09/07") is joined to it with that piece's separator
** ("2019/09/07"): pages split dates across elements. *PREV is the start of the last piece in OUT,
** or -1. Bounded by LIMIT bytes of OUT.
*/
static void pieces(xmlNodePtr n, Tcl_DString *out, int *prev, int limit){
  xmlNodePtr c;
  for(c=n->children; c && Tcl_DStringLength(out)<limit; c=c->next){
    if( c->type==XML_TEXT_NODE && c->content ){
      const char *s = (const char*)c->content, *e;
      int start;
      while( *s==' ' || *s=='\n' || *s=='\r' || *s=='\t' ) s++;
      e = s+strlen(s);
      while( e>s && (e[-1]==' ' || e[-1]=='\n' || e[-1]=='\r' || e[-1]=='\t') ) e--;
      if( e==s ) continue;
      start = Tcl_DStringLength(out);
      if( *prev>=0 && isYear(Tcl_DStringValue(out)+*prev, start-*prev) && *s>='0' && *s<='9' ){
        const char *q = s;
        while( q<e && *q>='0' && *q<='9' ) q++;
        if( start-*prev==7 ){
          /* "2019年" + "9月7日": joined as they are */
        }else if( q<e && (*q=='-' || *q=='/' || *q=='.') ){
          Tcl_DStringAppend(out, q, 1);
        }else if( !strncmp(q, "月", 3) ){
          Tcl_DStringAppend(out, "年", 3);
        }else{
          Tcl_DStringAppend(out, " ", 1);
        }
        start = *prev;
      }else if( start>0 ){
        Tcl_DStringAppend(out, " ", 1);
        start++;
      }
      *prev = start;
      Tcl_DStringAppend(out, s, (int)(e-s));
    }else if( c->type==XML_ELEMENT_NODE && !YqIsInvisible((const char*)c->name)
              && !notComment(c, NULL) ){
      pieces(c, out, prev, limit);
    }
  }
}

/* plausible: whether T may be a publish time: from 1990 on and not after NOW (a day's grace). */
static int plausible(long long t, long long now){
  return t>=631123200LL-8*3600 && t<=now+86400;
}

/*
** fullDateAt: a full date (year, month and day: 2019-09-07, 2019/9/7, 2019.09.07, 2019年9月7日,
** with a time of day maybe) starting at P of TEXT and not inside a longer number; into *T when
** plausible. Returns 1 when found. "1000年前" and "2020-10-1234" are no dates.
*/
static int fullDateAt(const char *text, const char *p, long long now, long long *t){
  const char *q = p;
  int k, sep;
  if( p>text && p[-1]>='0' && p[-1]<='9' ) return 0;
  for(k=0; k<4; k++) if( q[k]<'0' || q[k]>'9' ) return 0;
  q += 4;
  if( !strncmp(q, "年", 3) ){ sep = 'Y'; q += 3; }
  else if( *q=='-' || *q=='/' || *q=='.' ){ sep = *q; q++; }
  else return 0;
  while( *q==' ' ) q++;
  for(k=0; k<2 && *q>='0' && *q<='9'; k++) q++;
  if( k==0 || (*q>='0' && *q<='9') ) return 0;
  while( *q==' ' ) q++;
  if( sep=='Y' ){ if( strncmp(q, "月", 3) ) return 0; q += 3; }
  else if( *q==sep ) q++;
  else return 0;
  while( *q==' ' ) q++;
  for(k=0; k<2 && *q>='0' && *q<='9'; k++) q++;
  if( k==0 || (*q>='0' && *q<='9') ) return 0;
  return YqDateParse(p, (int)strnlen(p, 40), now, 0, t)==0 && plausible(*t, now);
}

/* scanDates: the first full date in the N bytes at P (of TEXT) into *T; 1 when found. */
static int scanDates(const char *text, const char *p, int n, long long now, long long *t){
  const char *e = p+n;
  for(; p<e && *p; p++){
    if( (p[0]=='1' || p[0]=='2') && fullDateAt(text, p, now, t) ) return 1;
  }
  return 0;
}

/* dateEl: the publish time in the first element (outside comments, replies, related) whose class/id word names a
** date or time (date, time, pubtime, publish_time ...), read from its pieces, into *T. */
static int dateEl(xmlNodePtr n, long long now, long long *t){
  static const char *words[] = {"date","time","pubtime","pubdate","ptime","datetime","posttime",
                                "publishtime","pdate","rq", NULL};
  xmlNodePtr c;
  char buf[256];
  int i;
  if( n->type!=XML_ELEMENT_NODE || YqIsInvisible((const char*)n->name) || notComment(n, NULL)
      || (n->_private && ST(n)->self==CHROME_TEXTRICH) ) return 0;
  classId(n, buf, sizeof buf);
  for(i=0; words[i] && !classWord(buf, words[i]); i++){}
  if( words[i] ){
    Tcl_DString ds;
    int prev = -1, ok;
    const char *s;
    Tcl_DStringInit(&ds);
    pieces(n, &ds, &prev, 200);
    s = Tcl_DStringValue(&ds);
    /* a relative or full date first in the element, after a label maybe, or anywhere in it */
    if( (s = strstr(s, "：")) ) s += 3;
    else if( (s = strchr(Tcl_DStringValue(&ds), ':')) && s-Tcl_DStringValue(&ds)<=2 ) s = Tcl_DStringValue(&ds);
    else s = Tcl_DStringValue(&ds);
    ok = Tcl_DStringLength(&ds)<=200
         && ((YqDateParse(s, (int)strnlen(s, 60), now, 0, t)==0 && plausible(*t, now))
             || scanDates(Tcl_DStringValue(&ds), Tcl_DStringValue(&ds), Tcl_DStringLength(&ds), now, t));
    Tcl_DStringFree(&ds);
    if( ok ) return 1;
  }
  for(c=n->children; c; c=c->next) if( dateEl(c, now, t) ) return 1;
  return 0;
}

/*
** findPublished: the publish time as ISO 8601 into OUT (empty when none). TEXT is the page's
** text without comments, BODY its body element, TITLE the title. In order: meta, <time datetime>,
** an element whose class or id names a date (dateEl), labels (发布时间：...), a full date within
** 600 bytes after the title in the page's pieces (a date split across elements joined), a full
** date anywhere after the title. Only plausible full dates are read from prose (see fullDateAt);
** relative times count from NOW.
*/
static void findPublished(xmlDocPtr doc, xmlNodePtr body, const char *text, const char *title,
                          long long now, Tcl_DString *out){
  static const char *metas[] = {"article:published_time","og:published_time","pubdate","publishdate",
    "publish-date","PubDate","datePublished","dc.date","dc.date.issued","date","article:modified_time", NULL};
  static const char *labels[] = {"发布时间","发表于","发表时间","发帖时间","留言时间","提问时间","来信时间",
    "发布日期","发稿时间","时间","日期","更新时间", NULL};
  char *m = metaContent(doc, metas), iso[32];
  long long t;
  const char *v, *p;
  int i;
  if( m ){
    int ok = YqDateParse(m, -1, now, 0, &t)==0;
    free(m);
    if( ok ) goto found;
  }
  {
    Tcl_DString ds;
    int ok = 0;
    Tcl_DStringInit(&ds);
    if( xmlDocGetRootElement(doc) && timeEl(xmlDocGetRootElement(doc), &ds) ) ok = YqDateParse(Tcl_DStringValue(&ds), -1, now, 0, &t)==0;
    Tcl_DStringFree(&ds);
    if( ok ) goto found;
  }
  if( body && dateEl(body, now, &t) ) goto found;
  for(i=0; labels[i]; i++){
    const char *from = NULL;
    while( (v = afterLabel(text, labels[i], i>=9, from))!=NULL ){
      if( YqDateParse(v, (int)strnlen(v, 60), now, 0, &t)==0 && plausible(t, now) ) goto found;
      from = v;
    }
  }
  /* near the title: the first full date in the 600 bytes after it, pieces joined */
  if( body ){
    Tcl_DString ds;
    int prev = -1, ok = 0;
    Tcl_DStringInit(&ds);
    pieces(body, &ds, &prev, 1<<20);
    p = title && *title ? strstr(Tcl_DStringValue(&ds), title) : NULL;
    if( p ) ok = scanDates(Tcl_DStringValue(&ds), p, 600, now, &t);
    Tcl_DStringFree(&ds);
    if( ok ) goto found;
  }
  /* the first full date after the title */
  p = title && *title ? strstr(text, title) : NULL;
  if( scanDates(text, p ? p : text, (int)strlen(p ? p : text), now, &t) ) goto found;
  return;
found:
  YqDateFormat(t, iso);
  Tcl_DStringAppend(out, iso, -1);
}

/*
** extractFields: run the extractor on DOC; relative publish times ("昨天", "3分钟前") count from
** NOW (epoch seconds: the fetch time). Appends title, body, author and published (UTF-8) to
** OUT[0..3] (initialised by the caller). The document's _private fields are used during the call
** and cleared again. Touches no interpreter: the extraction thread (page async) runs it too.
*/
static void extractFields(xmlDocPtr doc, long long now, Tcl_DString out[4]){
  Ex ex;
  xmlNodePtr root = xmlDocGetRootElement(doc), body = NULL, best = NULL;
  Tcl_DString *title = &out[0], *clean = &out[1], *author = &out[2], *published = &out[3];
  Tcl_DString text, raw;
  double bs = 0;
  memset(&ex, 0, sizeof ex);
  ex.now = now;
  Tcl_DStringInit(&text); Tcl_DStringInit(&raw);
  if( root ){
    for(body=root->children; body && !(body->type==XML_ELEMENT_NODE && !strcmp((const char*)body->name, "body")); body=body->next){}
    if( !body ) body = root;
    ex.cap = countElements(body);
    ex.stats = (Stat*)ckalloc(sizeof(Stat)*ex.cap);
    measure(&ex, body, 0);
    markChrome(body, 0, ST(body) ? ST(body)->text-ST(body)->link : 0);
    scoreTree(body);
    best = bestUnder(body, &bs);
    if( best ){
      xmlNodePtr inner, first;
      char sig[300];
      int guard = 0;
      while( (inner = repeatedChild(best))!=NULL && guard++<4 ){
        double s2 = 0;
        xmlNodePtr b2 = bestUnder(inner, &s2);
        if( !b2 ) break;
        best = b2;
      }
      signature(best, sig, sizeof sig);
      if( strchr(sig, '|')[1]!='|' || strrchr(sig, '|')[1] ){
        first = firstSame(body, sig, finalScore(best)/4);
        if( first ) best = first;
      }
    }
    findTitle(doc, title);
    YqNodeText(body, &text, 1, notComment, NULL);
    if( best ){
      YqNodeText(best, &raw, 1, skipForBody, &ex);
      cleanBody(Tcl_DStringValue(&raw), Tcl_DStringValue(title), clean);
    }
    findAuthor(doc, body, Tcl_DStringValue(&text), Tcl_DStringValue(clean), author);
    findPublished(doc, body, Tcl_DStringValue(&text), Tcl_DStringValue(title), now, published);
    clearPrivate(body);
    ckfree((char*)ex.stats);
  }
  Tcl_DStringFree(&text); Tcl_DStringFree(&raw);
}

/* fieldsDict: a new dict title, body, author, published of the four UTF-8 strings OUT[0..3]. */
static Tcl_Obj *fieldsDict(Tcl_DString out[4]){
  static const char *const keys[] = {"title", "body", "author", "published"};
  Tcl_Obj *d = Tcl_NewDictObj();
  int k;
  for(k=0; k<4; k++){
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(keys[k], -1),
                   YqUtf8Obj(Tcl_DStringValue(&out[k]), Tcl_DStringLength(&out[k])));
  }
  return d;
}

/*
** YqExtractNow: run the extractor on DOC (base URL BASE, unused so far but kept for link handling);
** relative publish times count from NOW (epoch seconds). Returns a new dict title, body, author,
** published.
*/
Tcl_Obj *YqExtractNow(xmlDocPtr doc, const char *base, long long now){
  Tcl_DString out[4];
  Tcl_Obj *d;
  int k;
  (void)base;
  for(k=0; k<4; k++) Tcl_DStringInit(&out[k]);
  extractFields(doc, now, out);
  d = fieldsDict(out);
  for(k=0; k<4; k++) Tcl_DStringFree(&out[k]);
  return d;
}

/* ---- page async: decode and extract on the extraction thread --------------------------------------
** One thread per process, started by the first `page async`, takes jobs from a queue in order:
** it decodes the page's bytes (charset detection as `charset decode`), parses and extracts, and
** queues the result back to the thread that asked, whose event loop calls the job's command. The
** thread that stores posts keeps one core; decoding and extracting take the second. The queue has
** no bound of its own: callers keep a window of pages in flight (bench/crawl.tcl, crawl::extractDetail
** has one page per patrol). */

typedef struct AsyncJob {
  struct AsyncJob *next;
  char *bytes;                /* the page (ckalloc'ed), LEN bytes */
  int len;
  char ct[256];               /* its Content-Type ("" for none) */
  long long now;
  Tcl_DString out[4];         /* the result: title, body, author, published */
  char err[128];              /* "" or why the page could not be parsed */
  Tcl_ThreadId owner;
  Tcl_Interp *interp;
  Tcl_Obj *command;           /* touched by the owner thread only */
} AsyncJob;

typedef struct AsyncEvent {
  Tcl_Event header;
  AsyncJob *job;
} AsyncEvent;

/* pthreads, not Tcl_Mutex: this file is compiled without TCL_THREADS, where Tcl's are no-ops */
static pthread_mutex_t asyncLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t asyncCond = PTHREAD_COND_INITIALIZER;
static AsyncJob *asyncHead, *asyncTail;
static int asyncStarted;

/* asyncFree: release job J and everything it owns (in the owner thread: J's command). */
static void asyncFree(AsyncJob *j){
  int k;
  if( j->bytes ) ckfree(j->bytes);
  for(k=0; k<4; k++) Tcl_DStringFree(&j->out[k]);
  if( j->command ) Tcl_DecrRefCount(j->command);
  ckfree((char*)j);
}

/* asyncDone: the event in the owner thread: call the job's command with the result dict (plus
** "error" MSG or ""); an error in it is a background error. Returns 1 (the event is handled). */
static int asyncDone(Tcl_Event *ev, int flags){
  AsyncJob *j = ((AsyncEvent*)ev)->job;
  Tcl_Interp *interp = j->interp;
  (void)flags;
  if( !Tcl_InterpDeleted(interp) ){
    Tcl_Obj *cmd = Tcl_DuplicateObj(j->command), *d = fieldsDict(j->out);
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("error", -1), Tcl_NewStringObj(j->err, -1));
    Tcl_IncrRefCount(cmd);
    if( Tcl_ListObjAppendElement(interp, cmd, d)!=TCL_OK
        || Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL)==TCL_ERROR ){
      Tcl_AddErrorInfo(interp, "\n    (page async -command callback)");
      Tcl_BackgroundException(interp, TCL_ERROR);
    }
    Tcl_DecrRefCount(cmd);
  }
  Tcl_Release(interp);
  asyncFree(j);
  return 1;
}

/* asyncRun: the work of job J, on the extraction thread: decode, parse, extract into J->out. */
static void asyncRun(AsyncJob *j){
  Tcl_DString utf8;
  const char *err = NULL;
  xmlDocPtr doc;
  Tcl_DStringInit(&utf8);
  YqDecodeAuto(j->bytes, (size_t)j->len, j->ct[0] ? j->ct : NULL, &utf8);
  ckfree(j->bytes);
  j->bytes = NULL;
  doc = YqHtmlParse(Tcl_DStringValue(&utf8), Tcl_DStringLength(&utf8), &err);
  Tcl_DStringFree(&utf8);
  if( !doc ){
    snprintf(j->err, sizeof j->err, "cannot parse HTML: %s", err);
    return;
  }
  extractFields(doc, j->now, j->out);
  xmlFreeDoc(doc);
}

/* asyncThread: the extraction thread: run queued jobs in order, forever. */
static Tcl_ThreadCreateType asyncThread(ClientData cd){
  (void)cd;
  for(;;){
    AsyncJob *j;
    AsyncEvent *ev;
    pthread_mutex_lock(&asyncLock);
    while( !asyncHead ) pthread_cond_wait(&asyncCond, &asyncLock);
    j = asyncHead;
    asyncHead = j->next;
    if( !asyncHead ) asyncTail = NULL;
    pthread_mutex_unlock(&asyncLock);
    asyncRun(j);
    ev = (AsyncEvent*)ckalloc(sizeof *ev);
    ev->header.proc = asyncDone;
    ev->job = j;
    Tcl_ThreadQueueEvent(j->owner, (Tcl_Event*)ev, TCL_QUEUE_TAIL);
    Tcl_ThreadAlert(j->owner);
  }
  TCL_THREAD_CREATE_RETURN;
}

/*
** pageAsync: "page async BYTES ?-contenttype CT? ?-now ISO? -command CMD": queue BYTES for the
** extraction thread (started on first use). Returns TCL_OK with an empty result, or TCL_ERROR
** (bad options, no thread) with nothing queued.
*/
static int pageAsync(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const opts[] = {"-contenttype", "-now", "-command", NULL};
  enum AsyncOpt { OPT_CT, OPT_NOW, OPT_COMMAND };
  long long now = (long long)time(NULL);
  const char *ct = "";
  Tcl_Obj *command = NULL;
  const unsigned char *bytes;
  AsyncJob *j;
  int i, oi, len, k;
  if( objc<3 || objc%2==0 ){
    Tcl_WrongNumArgs(interp, 2, objv, "BYTES ?-contenttype CT? ?-now ISO? -command CMD");
    return TCL_ERROR;
  }
  for(i=3; i<objc; i+=2){
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &oi)!=TCL_OK ) return TCL_ERROR;
    if( oi==OPT_CT ) ct = Tcl_GetString(objv[i+1]);
    else if( oi==OPT_NOW ){ if( YqNowOption(interp, objv[i+1], &now)!=TCL_OK ) return TCL_ERROR; }
    else command = objv[i+1];
  }
  if( !command ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj("page async needs -command", -1));
    return TCL_ERROR;
  }
  if( strlen(ct)>=sizeof j->ct ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj("-contenttype is longer than 255 bytes", -1));
    return TCL_ERROR;
  }
  bytes = Tcl_GetByteArrayFromObj(objv[2], &len);
  YqUtf8Encoding();                  /* looked up here once, so the thread never races for it */
  YqXmlQuiet();                      /* libxml2 initialised by this thread */
  pthread_mutex_lock(&asyncLock);
  if( !asyncStarted ){
    Tcl_ThreadId tid;
    /* the main thread's 8 MiB: musl's default thread stack (128 KiB) is too small for deep pages */
    if( Tcl_CreateThread(&tid, asyncThread, NULL, 8<<20, TCL_THREAD_NOFLAGS)!=TCL_OK ){
      pthread_mutex_unlock(&asyncLock);
      Tcl_SetObjResult(interp, Tcl_NewStringObj("cannot start the extraction thread", -1));
      return TCL_ERROR;
    }
    asyncStarted = 1;
  }
  pthread_mutex_unlock(&asyncLock);
  j = (AsyncJob*)ckalloc(sizeof *j);
  memset(j, 0, sizeof *j);
  j->bytes = ckalloc(len>0 ? len : 1);
  memcpy(j->bytes, bytes, len);
  j->len = len;
  snprintf(j->ct, sizeof j->ct, "%s", ct);
  j->now = now;
  for(k=0; k<4; k++) Tcl_DStringInit(&j->out[k]);
  j->owner = Tcl_GetCurrentThread();
  j->interp = interp;
  Tcl_Preserve(interp);
  j->command = command;
  Tcl_IncrRefCount(command);
  pthread_mutex_lock(&asyncLock);
  if( asyncTail ) asyncTail->next = j; else asyncHead = j;
  asyncTail = j;
  pthread_cond_signal(&asyncCond);
  pthread_mutex_unlock(&asyncLock);
  return TCL_OK;
}

/* PageCmd: "page extract HTML ?-url URL? ?-now ISO?" (the dict now), "page async BYTES ..."
** (pageAsync: the dict later, from the extraction thread). */
int PageCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"extract", "async", NULL};
  enum PageSub { PAGE_EXTRACT, PAGE_ASYNC };
  static const char *const opts[] = {"-url", "-now", NULL};
  enum PageOpt { OPT_URL, OPT_NOW };
  int idx, i, oi, len;
  const char *url = NULL, *err = NULL, *s;
  long long now = (long long)time(NULL);
  Tcl_DString ds;
  xmlDocPtr doc;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx==PAGE_ASYNC ) return pageAsync(interp, objc, objv);
  if( objc<3 || objc%2==0 ){
    Tcl_WrongNumArgs(interp, 2, objv, "HTML ?-url URL? ?-now ISO?");
    return TCL_ERROR;
  }
  for(i=3; i<objc; i+=2){
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &oi)!=TCL_OK ) return TCL_ERROR;
    if( oi==OPT_URL ) url = Tcl_GetString(objv[i+1]);
    else if( YqNowOption(interp, objv[i+1], &now)!=TCL_OK ) return TCL_ERROR;
  }
  s = Tcl_GetStringFromObj(objv[2], &len);
  Tcl_UtfToExternalDString(YqUtf8Encoding(), s, len, &ds);
  doc = YqHtmlParse(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds), &err);
  Tcl_DStringFree(&ds);
  if( !doc ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot parse HTML: %s", err));
    return TCL_ERROR;
  }
  Tcl_SetObjResult(interp, YqExtractNow(doc, url, now));
  xmlFreeDoc(doc);
  return TCL_OK;
}
