/*
** feed.c - syndication feeds into items: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 (and 0.3's
** issued/modified), JSON Feed 1.x. RSSHub output is RSS 2.0 and needs nothing special.
**
** Bytes are decoded by charset.c (BOM, Content-Type, XML declaration, detection) and parsed with
** libxml2's XML parser with recovery, no network, no DTD loading and no entity substitution; a
** document type that declares entities is refused outright (entity-expansion attacks): the
** parser's own entity declaration callback stops it, so no entity is ever defined. JSON Feeds
** (first byte "{") go through json.c.
**
** Each item becomes a dict: id (guid / atom:id / rdf:about / JSON id, else the link), title (plain
** text), link (absolute: resolved against xml:base, else the channel's or feed's own link, else
** -url), author (author, dc:creator, atom author/name, JSON authors; the feed's author for Atom
** and JSON Feed when the entry has none), published (pubDate, dc:date, published, updated,
** date_published... as ISO 8601 +08:00, or "" when absent or unreadable) and summary (description /
** summary / content as plain text: HTML stripped, entities decoded, paragraphs on their own line).
** RSS items without title/description/author take dc:title/dc:description/dc:creator. Atom text
** constructs follow their type: "text" is literal, html stripped, xhtml/XML (0.3 mode="xml") the
** elements' text without script, base64 (0.3 mode="base64", 1.0 non-text media types) decoded.
** C1 controls from windows-1252 references ("&#146;") become the characters meant (’).
**
** Tcl: `feed parse BYTES ?-contenttype CT? ?-url URL?`.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "yqbox.h"

#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

typedef struct Feed {
  Tcl_Interp *interp;
  Tcl_Obj *items;
  const char *url;          /* -url, or "" */
  char *chanLink;           /* the channel's / feed's own link, absolute, or NULL */
  long long now;
} Feed;

/* is: whether N is an element with local name NAME in namespace NS (NULL: not DC/content). */
static int is(xmlNodePtr n, const char *name, const char *ns){
  const char *href;
  if( !n || n->type!=XML_ELEMENT_NODE || strcmp((const char*)n->name, name) ) return 0;
  href = n->ns && n->ns->href ? (const char*)n->ns->href : "";
  if( ns ) return !strcmp(href, ns);
  return strcmp(href, NS_DC) && strcmp(href, NS_CONTENT);
}

/* child: the first child element of N matching NAME/NS, or NULL. */
static xmlNodePtr child(xmlNodePtr n, const char *name, const char *ns){
  xmlNodePtr c;
  for(c = n ? n->children : NULL; c; c=c->next) if( is(c, name, ns) ) return c;
  return NULL;
}

/* textOf: the trimmed text content of N into DS (empty for NULL). */
static void textOf(xmlNodePtr n, Tcl_DString *ds){
  xmlChar *v;
  const char *s;
  int a = 0, len;
  Tcl_DStringSetLength(ds, 0);
  if( !n ) return;
  v = xmlNodeGetContent(n);
  if( !v ) return;
  s = (const char*)v;
  len = (int)strlen(s);
  while( a<len && (s[a]==' ' || s[a]=='\n' || s[a]=='\r' || s[a]=='\t') ) a++;
  while( len>a && (s[len-1]==' ' || s[len-1]=='\n' || s[len-1]=='\r' || s[len-1]=='\t') ) len--;
  Tcl_DStringAppend(ds, s+a, len-a);
  xmlFree(v);
}

/* plainText: the text in T, without leading and trailing spaces and newlines, appended to OUT. */
static void plainText(Tcl_DString *t, Tcl_DString *out){
  const char *p = Tcl_DStringValue(t);
  int a = 0, len = Tcl_DStringLength(t);
  while( a<len && (p[a]==' ' || p[a]=='\n' || p[a]=='\r' || p[a]=='\t') ) a++;
  while( len>a && (p[len-1]==' ' || p[len-1]=='\n' || p[len-1]=='\r' || p[len-1]=='\t') ) len--;
  Tcl_DStringAppend(out, p+a, len-a);
}

/* plain: text S (maybe HTML) as plain text into OUT; BLOCKS keeps paragraph breaks. */
static void plain(const char *s, int n, int blocks, Tcl_DString *out){
  Tcl_DString t;
  Tcl_DStringInit(&t);
  YqHtmlText(s, n, &t, blocks);
  plainText(&t, out);
  Tcl_DStringFree(&t);
}

/* xmlBaseOf: the xml:base in effect at N resolved against FALLBACK into OUT; 1 if any was found. */
static int xmlBaseOf(xmlNodePtr n, const char *fallback, Tcl_DString *out){
  xmlNodePtr chain[64], a;
  int k = 0, i;
  Tcl_DString cur, next;
  const char *err;
  for(a=n; a && a->type==XML_ELEMENT_NODE && k<64; a=a->parent){
    if( xmlHasNsProp(a, (const xmlChar*)"base", XML_XML_NAMESPACE) ) chain[k++] = a;
  }
  if( k==0 ) return 0;
  Tcl_DStringInit(&cur);
  Tcl_DStringAppend(&cur, fallback ? fallback : "", -1);
  for(i=k-1; i>=0; i--){
    xmlChar *b = xmlGetNsProp(chain[i], (const xmlChar*)"base", XML_XML_NAMESPACE);
    Tcl_DStringInit(&next);
    if( b && YqUrlResolve(Tcl_DStringValue(&cur), (const char*)b, &next, &err)==0 ){
      Tcl_DStringSetLength(&cur, 0);
      Tcl_DStringAppend(&cur, Tcl_DStringValue(&next), Tcl_DStringLength(&next));
    }
    Tcl_DStringFree(&next);
    if( b ) xmlFree(b);
  }
  Tcl_DStringAppend(out, Tcl_DStringValue(&cur), -1);
  Tcl_DStringFree(&cur);
  return 1;
}

/* resolveLink: HREF (found at node AT, or NULL) made absolute into OUT; itself if impossible. */
static void resolveLink(Feed *f, xmlNodePtr at, const char *href, Tcl_DString *out){
  Tcl_DString base;
  const char *err, *b;
  Tcl_DStringInit(&base);
  if( at && xmlBaseOf(at, f->url, &base) ) b = Tcl_DStringValue(&base);
  else b = f->chanLink ? f->chanLink : f->url;
  if( !*href || YqUrlResolve(b, href, out, &err)<0 ){
    if( YqUrlResolve(f->url, href, out, &err)<0 ) Tcl_DStringAppend(out, href, -1);
  }
  Tcl_DStringFree(&base);
}

/* addItem: append an item dict built from the UTF-8 strings given. */
static void addItem(Feed *f, const char *id, const char *title, const char *link, const char *author,
                    const char *date, const char *summary){
  Tcl_Obj *d = Tcl_NewDictObj();
  char iso[32] = "";
  long long t;
  Tcl_DString fix;
  if( date && *date && YqDateParse(date, -1, f->now, 1, &t)==0 ) YqDateFormat(t, iso);
  Tcl_DStringInit(&fix);
  /* text fields: C1 controls from "&#146;" in XML are the windows-1252 characters meant (’) */
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), YqUtf8Obj(v, -1))
#define PUTFIX(k, v) (Tcl_DStringSetLength(&fix, 0), YqFixC1(v, -1, &fix), \
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), YqUtf8Obj(Tcl_DStringValue(&fix), Tcl_DStringLength(&fix))))
  PUT("id", *id ? id : link);
  PUTFIX("title", title);
  PUT("link", link);
  PUTFIX("author", author);
  PUT("published", iso);
  PUTFIX("summary", summary);
#undef PUT
#undef PUTFIX
  Tcl_DStringFree(&fix);
  Tcl_ListObjAppendElement(NULL, f->items, d);
}

/* titleText: title element N as plain text (HTML-typed or escaped markup stripped). */
static void titleText(xmlNodePtr n, Tcl_DString *out){
  Tcl_DString t;
  Tcl_DStringInit(&t);
  textOf(n, &t);
  if( strchr(Tcl_DStringValue(&t), '<') || strchr(Tcl_DStringValue(&t), '&') ){
    plain(Tcl_DStringValue(&t), Tcl_DStringLength(&t), 0, out);
  }else{
    Tcl_DStringAppend(out, Tcl_DStringValue(&t), Tcl_DStringLength(&t));
  }
  Tcl_DStringFree(&t);
}

/* rssItem: one RSS 0.9x/1.0/2.0 item; dc:title, dc:creator, dc:date and dc:description stand in
** for missing plain elements. */
static void rssItem(Feed *f, xmlNodePtr it){
  Tcl_DString id, title, link, author, date, summary, t;
  xmlNodePtr n;
  Tcl_DStringInit(&id); Tcl_DStringInit(&title); Tcl_DStringInit(&link); Tcl_DStringInit(&author);
  Tcl_DStringInit(&date); Tcl_DStringInit(&summary); Tcl_DStringInit(&t);
  titleText(child(it, "title", NULL) ? child(it, "title", NULL) : child(it, "title", NS_DC), &title);
  textOf(child(it, "link", NULL), &t);
  if( Tcl_DStringLength(&t)==0 && (n = child(it, "guid", NULL)) ){
    xmlChar *pl = xmlGetProp(n, (const xmlChar*)"isPermaLink");
    if( !pl || strcmp((const char*)pl, "false") ) textOf(n, &t);
    if( pl ) xmlFree(pl);
  }
  if( Tcl_DStringLength(&t)==0 ){
    xmlChar *about = xmlGetNsProp(it, (const xmlChar*)"about", (const xmlChar*)NS_RDF);
    if( about ){ Tcl_DStringAppend(&t, (const char*)about, -1); xmlFree(about); }
  }
  if( Tcl_DStringLength(&t) ) resolveLink(f, child(it, "link", NULL) ? child(it, "link", NULL) : it, Tcl_DStringValue(&t), &link);
  textOf(child(it, "guid", NULL), &id);
  if( Tcl_DStringLength(&id)==0 ){
    xmlChar *about = xmlGetNsProp(it, (const xmlChar*)"about", (const xmlChar*)NS_RDF);
    if( about ){ Tcl_DStringAppend(&id, (const char*)about, -1); xmlFree(about); }
  }
  textOf(child(it, "author", NULL), &author);
  if( Tcl_DStringLength(&author)==0 ) textOf(child(it, "creator", NS_DC), &author);
  textOf(child(it, "pubDate", NULL), &date);
  if( Tcl_DStringLength(&date)==0 ) textOf(child(it, "date", NS_DC), &date);
  if( Tcl_DStringLength(&date)==0 ) textOf(child(it, "published", NULL), &date);
  if( Tcl_DStringLength(&date)==0 ) textOf(child(it, "updated", NULL), &date);
  n = child(it, "description", NULL);
  if( !n ) n = child(it, "encoded", NS_CONTENT);
  if( !n ) n = child(it, "description", NS_DC);
  textOf(n, &t);
  plain(Tcl_DStringValue(&t), Tcl_DStringLength(&t), 1, &summary);
  addItem(f, Tcl_DStringValue(&id), Tcl_DStringValue(&title), Tcl_DStringValue(&link),
          Tcl_DStringValue(&author), Tcl_DStringValue(&date), Tcl_DStringValue(&summary));
  Tcl_DStringFree(&id); Tcl_DStringFree(&title); Tcl_DStringFree(&link); Tcl_DStringFree(&author);
  Tcl_DStringFree(&date); Tcl_DStringFree(&summary); Tcl_DStringFree(&t);
}

/* unbase64: decode the base64 text S (N bytes; whitespace ignored) into OUT. Returns 0, or -1
** (OUT as far as decoded) when S holds anything else. */
static int unbase64(const char *s, int n, Tcl_DString *out){
  unsigned acc = 0;
  int bits = 0, i;
  for(i=0; i<n; i++){
    int c = (unsigned char)s[i], v;
    if( c==' ' || c=='\n' || c=='\r' || c=='\t' ) continue;
    if( c=='=' ) break;
    if( c>='A' && c<='Z' ) v = c-'A';
    else if( c>='a' && c<='z' ) v = c-'a'+26;
    else if( c>='0' && c<='9' ) v = c-'0'+52;
    else if( c=='+' || c=='-' ) v = 62;
    else if( c=='/' || c=='_' ) v = 63;
    else return -1;
    acc = (acc<<6) | (unsigned)v;
    bits += 6;
    if( bits>=8 ){
      char b = (char)((acc>>(bits-8)) & 0xFF);
      bits -= 8;
      Tcl_DStringAppend(out, &b, 1);
    }
  }
  return 0;
}

/*
** atomText: an Atom text construct as plain text into OUT (BLOCKS: paragraphs on their own line).
** type "text" (or text/plain) is literal; "html" (or a type naming html, or no type and markup in
** it) is stripped; "xhtml", an XML type or Atom 0.3's mode="xml" is the elements' text without
** script or style; Atom 0.3's mode="base64" and Atom 1.0's other media types (application/
** octet-stream ...) are base64, decoded, then HTML when the type names html, else text.
*/
static void atomText(xmlNodePtr n, int blocks, Tcl_DString *out){
  xmlChar *type, *mode;
  const char *ty;
  Tcl_DString t;
  int isText, isHtml, isXml, isB64;
  if( !n ) return;
  type = xmlGetProp(n, (const xmlChar*)"type");
  mode = xmlGetProp(n, (const xmlChar*)"mode");
  ty = type ? (const char*)type : "";
  isHtml = strstr(ty, "html")!=NULL && strcmp(ty, "xhtml") && strcmp(ty, "application/xhtml+xml");
  isText = !strcmp(ty, "text") || !strcmp(ty, "text/plain");
  isXml = !strcmp(ty, "xhtml") || (mode && !strcmp((const char*)mode, "xml") && !isText && !isHtml)
          || (strstr(ty, "xml") && !isHtml);
  isB64 = (mode && !strcmp((const char*)mode, "base64"))
          || (strchr(ty, '/') && strncmp(ty, "text/", 5) && !strstr(ty, "xml") && !isHtml);
  Tcl_DStringInit(&t);
  if( isB64 ){
    Tcl_DString raw;
    Tcl_DStringInit(&raw);
    textOf(n, &t);
    if( unbase64(Tcl_DStringValue(&t), Tcl_DStringLength(&t), &raw)==0 ){
      Tcl_DStringSetLength(&t, 0);
      /* the decoded bytes are text in the feed's encoding, UTF-8 here; invalid bytes are replaced
      ** when the item is made into Tcl strings (YqUtf8Obj) */
      if( isHtml ) plain(Tcl_DStringValue(&raw), Tcl_DStringLength(&raw), blocks, out);
      else {
        Tcl_DStringAppend(&t, Tcl_DStringValue(&raw), Tcl_DStringLength(&raw));
        plainText(&t, out);
      }
    }
    Tcl_DStringFree(&raw);
  }else if( isXml ){
    YqNodeText(n, &t, blocks, NULL, NULL);
    plainText(&t, out);
  }else{
    textOf(n, &t);
    if( !isText && (isHtml || strchr(Tcl_DStringValue(&t), '<')) ){
      plain(Tcl_DStringValue(&t), Tcl_DStringLength(&t), blocks, out);
    }else{
      Tcl_DStringAppend(out, Tcl_DStringValue(&t), Tcl_DStringLength(&t));
    }
  }
  Tcl_DStringFree(&t);
  if( type ) xmlFree(type);
  if( mode ) xmlFree(mode);
}

/* atomLink: the href of N's alternate link (rel absent or "alternate"), or NULL; *AT gets the node. */
static xmlChar *atomLink(xmlNodePtr n, xmlNodePtr *at){
  xmlNodePtr c;
  for(c = n->children; c; c=c->next){
    if( is(c, "link", NULL) ){
      xmlChar *rel = xmlGetProp(c, (const xmlChar*)"rel");
      int alt = !rel || !strcmp((const char*)rel, "alternate");
      if( rel ) xmlFree(rel);
      if( alt ){
        xmlChar *h = xmlGetProp(c, (const xmlChar*)"href");
        if( h ){ *at = c; return h; }
      }
    }
  }
  return NULL;
}

/* atomEntry: one Atom entry; FEEDAUTHOR is the feed-level author name. */
static void atomEntry(Feed *f, xmlNodePtr e, const char *feedAuthor){
  Tcl_DString id, title, link, author, date, summary;
  xmlNodePtr n, at = NULL;
  xmlChar *href;
  Tcl_DStringInit(&id); Tcl_DStringInit(&title); Tcl_DStringInit(&link); Tcl_DStringInit(&author);
  Tcl_DStringInit(&date); Tcl_DStringInit(&summary);
  textOf(child(e, "id", NULL), &id);
  atomText(child(e, "title", NULL), 0, &title);
  if( (href = atomLink(e, &at))!=NULL ){
    Tcl_DString b;
    const char *err;
    Tcl_DStringInit(&b);
    if( xmlBaseOf(at, f->url, &b) ){
      if( YqUrlResolve(Tcl_DStringValue(&b), (const char*)href, &link, &err)<0 ) Tcl_DStringAppend(&link, (const char*)href, -1);
    }else{
      resolveLink(f, NULL, (const char*)href, &link);
    }
    Tcl_DStringFree(&b);
    xmlFree(href);
  }
  if( (n = child(e, "author", NULL)) ) textOf(child(n, "name", NULL), &author);
  if( Tcl_DStringLength(&author)==0 ) Tcl_DStringAppend(&author, feedAuthor, -1);
  textOf(child(e, "published", NULL), &date);
  if( !Tcl_DStringLength(&date) ) textOf(child(e, "issued", NULL), &date);
  if( !Tcl_DStringLength(&date) ) textOf(child(e, "updated", NULL), &date);
  if( !Tcl_DStringLength(&date) ) textOf(child(e, "modified", NULL), &date);
  n = child(e, "summary", NULL);
  if( !n ) n = child(e, "content", NULL);
  atomText(n, 1, &summary);
  addItem(f, Tcl_DStringValue(&id), Tcl_DStringValue(&title), Tcl_DStringValue(&link),
          Tcl_DStringValue(&author), Tcl_DStringValue(&date), Tcl_DStringValue(&summary));
  Tcl_DStringFree(&id); Tcl_DStringFree(&title); Tcl_DStringFree(&link); Tcl_DStringFree(&author);
  Tcl_DStringFree(&date); Tcl_DStringFree(&summary);
}

/* setChanLink: remember HREF (resolved against -url) as the feed's own link. */
static void setChanLink(Feed *f, const char *href){
  Tcl_DString ds;
  const char *err;
  if( !href || !*href ) return;
  Tcl_DStringInit(&ds);
  if( YqUrlResolve(f->url, href, &ds, &err)==0 ){
    free(f->chanLink);
    f->chanLink = strdup(Tcl_DStringValue(&ds));
  }
  Tcl_DStringFree(&ds);
}

/* set by refuseEntity/refuseUnparsed while this thread parses a feed */
static __thread int entityDeclared;

/* refuseEntity / refuseUnparsed: the parser's entity declaration callbacks. Instead of declaring
** the entity they note that one was declared and stop the parser: no entity is ever defined, so
** none can be expanded. */
static void refuseEntity(void *ctx, const xmlChar *name, int type, const xmlChar *publicId,
                         const xmlChar *systemId, xmlChar *content){
  (void)name; (void)type; (void)publicId; (void)systemId; (void)content;
  entityDeclared = 1;
  xmlStopParser((xmlParserCtxtPtr)ctx);
}
static void refuseUnparsed(void *ctx, const xmlChar *name, const xmlChar *publicId,
                           const xmlChar *systemId, const xmlChar *notationName){
  (void)name; (void)publicId; (void)systemId; (void)notationName;
  entityDeclared = 1;
  xmlStopParser((xmlParserCtxtPtr)ctx);
}

/*
** readXml: parse S (LEN bytes of UTF-8) with libxml2's XML parser: recovery, no network, no DTD
** loading, no entity substitution, and any entity declaration (general, parameter or unparsed; in
** the internal subset, wherever the parser finds it) refused by the parser itself. Returns the
** document (free with xmlFreeDoc) or NULL; *REFUSED is 1 when an entity declaration was the reason.
*/
static xmlDocPtr readXml(const char *s, int len, int *refused){
  xmlParserCtxtPtr ctxt;
  xmlDocPtr doc;
  *refused = 0;
  YqXmlQuiet();
  ctxt = xmlNewParserCtxt();
  if( !ctxt ) return NULL;
  ctxt->sax->entityDecl = refuseEntity;
  ctxt->sax->unparsedEntityDecl = refuseUnparsed;
  entityDeclared = 0;
  doc = xmlCtxtReadMemory(ctxt, s, len, NULL, "UTF-8", XML_PARSE_RECOVER | XML_PARSE_NONET
                          | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA
                          | XML_PARSE_COMPACT | XML_PARSE_IGNORE_ENC);
  xmlFreeParserCtxt(ctxt);
  if( entityDeclared || (doc && doc->intSubset
                         && (doc->intSubset->entities || doc->intSubset->pentities)) ){
    if( doc ) xmlFreeDoc(doc);
    *refused = 1;
    return NULL;
  }
  return doc;
}

/* parseXmlFeed: the items of the XML feed S (LEN bytes of UTF-8). TCL_OK or an error. */
static int parseXmlFeed(Feed *f, const char *s, int len){
  xmlDocPtr doc;
  xmlNodePtr root, n, ch;
  int refused;
  doc = readXml(s, len, &refused);
  if( refused ){
    Tcl_SetObjResult(f->interp, Tcl_NewStringObj("feed refused: its document type declares entities", -1));
    return TCL_ERROR;
  }
  root = doc ? xmlDocGetRootElement(doc) : NULL;
  if( !root ){
    if( doc ) xmlFreeDoc(doc);
    Tcl_SetObjResult(f->interp, Tcl_ObjPrintf("not a feed: the XML could not be parsed%s%s",
                     YqXmlLastError()[0] ? ": " : "", YqXmlLastError()));
    return TCL_ERROR;
  }
  if( !strcmp((const char*)root->name, "rss") || !strcmp((const char*)root->name, "RDF")
      || !strcmp((const char*)root->name, "channel") ){
    Tcl_DString t;
    Tcl_DStringInit(&t);
    ch = !strcmp((const char*)root->name, "channel") ? root : child(root, "channel", NULL);
    textOf(child(ch, "link", NULL), &t);
    setChanLink(f, Tcl_DStringValue(&t));
    Tcl_DStringFree(&t);
    for(n = ch ? ch->children : NULL; n; n=n->next) if( is(n, "item", NULL) ) rssItem(f, n);
    for(n = root->children; n; n=n->next) if( is(n, "item", NULL) ) rssItem(f, n);   /* RSS 1.0 */
  }else if( !strcmp((const char*)root->name, "feed") ){
    Tcl_DString author;
    xmlNodePtr at = NULL, a;
    xmlChar *href = atomLink(root, &at);
    if( href ){ setChanLink(f, (const char*)href); xmlFree(href); }
    Tcl_DStringInit(&author);
    if( (a = child(root, "author", NULL)) ) textOf(child(a, "name", NULL), &author);
    for(n = root->children; n; n=n->next) if( is(n, "entry", NULL) ) atomEntry(f, n, Tcl_DStringValue(&author));
    Tcl_DStringFree(&author);
  }else{
    Tcl_SetObjResult(f->interp, Tcl_ObjPrintf("not a feed: the root element is <%s>", (const char*)root->name));
    xmlFreeDoc(doc);
    return TCL_ERROR;
  }
  xmlFreeDoc(doc);
  return TCL_OK;
}

/* jget: the string of key K in Tcl dict D as standard UTF-8 into DS ("" when absent). */
static void jget(Tcl_Obj *d, const char *k, Tcl_DString *ds){
  Tcl_Obj *v = NULL, *key = Tcl_NewStringObj(k, -1);
  Tcl_DStringSetLength(ds, 0);
  Tcl_IncrRefCount(key);
  if( d && Tcl_DictObjGet(NULL, d, key, &v)==TCL_OK && v ){
    Tcl_DString t;
    int n;
    const char *s = Tcl_GetStringFromObj(v, &n);
    Tcl_UtfToExternalDString(YqUtf8Encoding(), s, n, &t);
    Tcl_DStringAppend(ds, Tcl_DStringValue(&t), Tcl_DStringLength(&t));
    Tcl_DStringFree(&t);
  }
  Tcl_DecrRefCount(key);
}

static Tcl_Obj *jobj(Tcl_Obj *d, const char *k){
  Tcl_Obj *v = NULL, *key = Tcl_NewStringObj(k, -1);
  Tcl_IncrRefCount(key);
  if( !d || Tcl_DictObjGet(NULL, d, key, &v)!=TCL_OK ) v = NULL;
  Tcl_DecrRefCount(key);
  return v;
}

/* jauthor: the author name of JSON Feed object O (authors[0].name or author.name) into DS. */
static void jauthor(Tcl_Obj *o, Tcl_DString *ds){
  Tcl_Obj *a = jobj(o, "authors"), *first;
  Tcl_DStringSetLength(ds, 0);
  if( a && Tcl_ListObjIndex(NULL, a, 0, &first)==TCL_OK && first ) jget(first, "name", ds);
  if( !Tcl_DStringLength(ds) && (a = jobj(o, "author")) ) jget(a, "name", ds);
}

/* parseJsonFeed: the items of JSON Feed S (LEN bytes of UTF-8). */
static int parseJsonFeed(Feed *f, const char *s, int len){
  Tcl_Obj *root, *items, **iv;
  Tcl_DString id, title, link, author, fauthor, date, summary, t;
  int n, i;
  {
    Tcl_Obj *null = Tcl_NewObj();
    Tcl_IncrRefCount(null);
    root = YqJsonParse(f->interp, s, len, null);
    Tcl_DecrRefCount(null);
  }
  if( !root ) return TCL_ERROR;
  Tcl_IncrRefCount(root);
  items = jobj(root, "items");
  if( !jobj(root, "version") || !items || Tcl_ListObjGetElements(NULL, items, &n, &iv)!=TCL_OK ){
    Tcl_DecrRefCount(root);
    Tcl_SetObjResult(f->interp, Tcl_NewStringObj("not a feed: JSON without \"version\" and \"items\"", -1));
    return TCL_ERROR;
  }
  Tcl_DStringInit(&id); Tcl_DStringInit(&title); Tcl_DStringInit(&link); Tcl_DStringInit(&author);
  Tcl_DStringInit(&fauthor); Tcl_DStringInit(&date); Tcl_DStringInit(&summary); Tcl_DStringInit(&t);
  jget(root, "home_page_url", &t);
  if( !Tcl_DStringLength(&t) ) jget(root, "feed_url", &t);
  setChanLink(f, Tcl_DStringValue(&t));
  jauthor(root, &fauthor);
  for(i=0; i<n; i++){
    jget(iv[i], "id", &id);
    jget(iv[i], "title", &t);
    Tcl_DStringSetLength(&title, 0);
    plain(Tcl_DStringValue(&t), Tcl_DStringLength(&t), 0, &title);
    jget(iv[i], "url", &t);
    if( !Tcl_DStringLength(&t) ) jget(iv[i], "external_url", &t);
    Tcl_DStringSetLength(&link, 0);
    if( Tcl_DStringLength(&t) ) resolveLink(f, NULL, Tcl_DStringValue(&t), &link);
    jauthor(iv[i], &author);
    if( !Tcl_DStringLength(&author) ) Tcl_DStringAppend(&author, Tcl_DStringValue(&fauthor), -1);
    jget(iv[i], "date_published", &date);
    if( !Tcl_DStringLength(&date) ) jget(iv[i], "date_modified", &date);
    jget(iv[i], "summary", &t);
    if( !Tcl_DStringLength(&t) ) jget(iv[i], "content_text", &t);
    if( !Tcl_DStringLength(&t) ) jget(iv[i], "content_html", &t);
    Tcl_DStringSetLength(&summary, 0);
    plain(Tcl_DStringValue(&t), Tcl_DStringLength(&t), 1, &summary);
    addItem(f, Tcl_DStringValue(&id), Tcl_DStringValue(&title), Tcl_DStringValue(&link),
            Tcl_DStringValue(&author), Tcl_DStringValue(&date), Tcl_DStringValue(&summary));
  }
  Tcl_DStringFree(&id); Tcl_DStringFree(&title); Tcl_DStringFree(&link); Tcl_DStringFree(&author);
  Tcl_DStringFree(&fauthor); Tcl_DStringFree(&date); Tcl_DStringFree(&summary); Tcl_DStringFree(&t);
  Tcl_DecrRefCount(root);
  return TCL_OK;
}

/* FeedCmd: "feed parse BYTES ?-contenttype CT? ?-url URL?" -> list of item dicts. */
int FeedCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"parse", NULL};
  enum FeedSub { FEED_PARSE };
  static const char *const opts[] = {"-contenttype", "-url", NULL};
  enum FeedOpt { OPT_CONTENTTYPE, OPT_URL };
  int idx, i, oi, len, rc;
  const char *ct = NULL, *p;
  const unsigned char *bytes;
  Tcl_DString text;
  Feed f;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx!=FEED_PARSE || objc<3 || objc%2==0 ){
    Tcl_WrongNumArgs(interp, 2, objv, "BYTES ?-contenttype CT? ?-url URL?");
    return TCL_ERROR;
  }
  memset(&f, 0, sizeof f);
  f.url = "";
  for(i=3; i<objc; i+=2){
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &oi)!=TCL_OK ) return TCL_ERROR;
    if( oi==OPT_CONTENTTYPE ) ct = Tcl_GetString(objv[i+1]); else f.url = Tcl_GetString(objv[i+1]);
  }
  bytes = Tcl_GetByteArrayFromObj(objv[2], &len);
  if( len>32*1024*1024 ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj("feed larger than 32 MiB", -1));
    return TCL_ERROR;
  }
  Tcl_DStringInit(&text);
  YqDecodeAuto((const char*)bytes, len, ct, &text);
  f.interp = interp;
  f.items = Tcl_NewListObj(0, NULL);
  Tcl_IncrRefCount(f.items);
  f.now = (long long)time(NULL);
  for(p = Tcl_DStringValue(&text); *p==' ' || *p=='\n' || *p=='\r' || *p=='\t'; p++){}
  if( *p=='{' ) rc = parseJsonFeed(&f, Tcl_DStringValue(&text), Tcl_DStringLength(&text));
  else if( *p=='<' ) rc = parseXmlFeed(&f, Tcl_DStringValue(&text), Tcl_DStringLength(&text));
  else { Tcl_SetObjResult(interp, Tcl_NewStringObj("not a feed: neither XML nor JSON", -1)); rc = TCL_ERROR; }
  if( rc==TCL_OK ) Tcl_SetObjResult(interp, f.items);
  if( rc!=TCL_OK ) Tcl_SetErrorCode(interp, "YQBOX", "FEED", NULL);
  Tcl_DecrRefCount(f.items);
  free(f.chanLink);
  Tcl_DStringFree(&text);
  return rc;
}
