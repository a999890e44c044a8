/*
** robots.c - the Robots Exclusion Protocol (RFC 9309): may a crawler fetch a URL?
**
** The file is read line by line (CR, LF or CRLF; `#` comments; a UTF-8 BOM skipped; only the first
** 500 KiB, the minimum RFC 9309 asks crawlers to parse). A group is one or more consecutive
** user-agent lines followed by rules. The crawler's product token (the leading [A-Za-z_-] run of its
** User-Agent) is compared case-insensitively with each user-agent line's token; every matching group
** is merged; when none matches, the `*` groups are merged; when there are none, everything is
** allowed. Within the merged rules the longest matching pattern wins and Allow wins a tie. Patterns
** match from the start of the path (with query); `*` matches any run of characters and a final `$`
** anchors the end. Both sides are normalised before comparison: percent-escapes of unreserved
** characters are decoded, other escapes uppercased, non-ASCII and control bytes percent-encoded.
** /robots.txt itself is always allowed.
**
** Tcl: `robots allowed ROBOTSTXT USERAGENT URL` -> 1 or 0; `robots delay ROBOTSTXT USERAGENT` ->
** the Crawl-delay (seconds) of the group that applies, or ""; `robots sitemaps ROBOTSTXT` -> the
** Sitemap URLs.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "yqbox.h"

#define ROBOTS_MAX (500*1024)

typedef struct Rule {
  int allow;
  char *pat;          /* normalised pattern, NUL-terminated */
  int len;
} Rule;

typedef struct Rules {
  Rule *r;
  int n, cap;
  int matched;        /* some group named the agent (or *) even if it had no rules */
  double delay;       /* crawl-delay of the applying group, -1 if none */
} Rules;

static int hexv(int c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

/*
** normalise: percent-encoding normalisation of S (N bytes) into a new malloc'ed string (RFC 9309
** 2.2.2): %XX of unreserved characters decoded, other %xx uppercased, bytes >= 0x7F and controls
** and spaces encoded. Returns the string; *LEN gets its length.
*/
static char *normalise(const char *s, int n, int *len){
  static const char hx[] = "0123456789ABCDEF";
  char *o = malloc(3*(size_t)n+1);
  int i, k = 0;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)s[i];
    if( c=='%' && i+2<n && hexv((unsigned char)s[i+1])>=0 && hexv((unsigned char)s[i+2])>=0 ){
      int v = hexv((unsigned char)s[i+1])*16 + hexv((unsigned char)s[i+2]);
      if( (v>='A' && v<='Z') || (v>='a' && v<='z') || (v>='0' && v<='9') || v=='-' || v=='.' || v=='_' || v=='~' ){
        o[k++] = (char)v;
      }else{
        o[k++] = '%'; o[k++] = hx[v>>4]; o[k++] = hx[v&15];
      }
      i += 2;
    }else if( c<=0x20 || c>=0x7F ){
      o[k++] = '%'; o[k++] = hx[c>>4]; o[k++] = hx[c&15];
    }else{
      o[k++] = (char)c;
    }
  }
  o[k] = 0;
  *len = k;
  return o;
}

/*
** patMatch: whether pattern P (with * wildcards and an optional final $) matches a prefix of path
** S (or all of it when anchored). Iterative with backtracking to the last star: O(|P|*|S|) worst.
*/
static int patMatch(const char *p, const char *s){
  const char *star = NULL, *ss = NULL;
  for(;;){
    if( *p=='$' && p[1]==0 ){
      if( *s==0 ) return 1;
    }else if( *p==0 ){
      return 1;
    }else if( *p=='*' ){
      star = ++p; ss = s;
      continue;
    }else if( *s && *p==*s ){
      p++; s++;
      continue;
    }
    if( !star || *ss==0 ) return 0;
    p = star; s = ++ss;
  }
}

/* agentToken: the length of the product token ([A-Za-z_-]*) at S, reading no further than END
** (NULL: S is NUL-terminated). No side effects. */
static int agentToken(const char *s, const char *end){
  int n = 0;
  while( (!end || s+n<end)
         && ((s[n]>='a' && s[n]<='z') || (s[n]>='A' && s[n]<='Z') || s[n]=='_' || s[n]=='-') ) n++;
  return n;
}

static void addRule(Rules *rs, int allow, const char *v, int vn){
  if( rs->n==rs->cap ){
    rs->cap = rs->cap ? 2*rs->cap : 16;
    rs->r = realloc(rs->r, sizeof(Rule)*rs->cap);
  }
  rs->r[rs->n].allow = allow;
  rs->r[rs->n].pat = normalise(v, vn, &rs->r[rs->n].len);
  rs->n++;
}

static void freeRules(Rules *rs){
  int i;
  for(i=0; i<rs->n; i++) free(rs->r[i].pat);
  free(rs->r);
}

/*
** parseRobots: read TXT (LEN bytes) for agent UA into MINE (groups naming the agent) and STAR (the *
** groups); SITEMAPS (or NULL) gets each Sitemap URL appended as a Tcl list element.
*/
static void parseRobots(const char *txt, size_t len, const char *ua, Rules *mine, Rules *star,
                        Tcl_Obj *sitemaps){
  const char *p = txt, *end;
  int uan = agentToken(ua, NULL);
  int inAgents = 0, gMine = 0, gStar = 0;
  if( len>ROBOTS_MAX ) len = ROBOTS_MAX;
  end = txt + len;
  if( len>=3 && memcmp(p, "\xEF\xBB\xBF", 3)==0 ) p += 3;
  while( p<end ){
    const char *ls = p, *le, *colon, *k, *ke, *v, *ve;
    while( p<end && *p!='\n' && *p!='\r' ) p++;
    le = p;
    while( p<end && (*p=='\n' || *p=='\r') ) p++;
    { const char *h = memchr(ls, '#', le-ls); if( h ) le = h; }
    colon = memchr(ls, ':', le-ls);
    if( !colon ) continue;
    k = ls; ke = colon;
    while( k<ke && (*k==' ' || *k=='\t') ) k++;
    while( ke>k && (ke[-1]==' ' || ke[-1]=='\t') ) ke--;
    v = colon+1; ve = le;
    while( v<ve && (*v==' ' || *v=='\t') ) v++;
    while( ve>v && (ve[-1]==' ' || ve[-1]=='\t') ) ve--;
#define KEY(name) (ke-k==(int)strlen(name) && strncasecmp(k, name, ke-k)==0)
    if( KEY("user-agent") ){
      int tn;
      if( !inAgents ){ gMine = gStar = 0; inAgents = 1; }
      tn = agentToken(v, ve);
      if( ve>v && *v=='*' ) gStar = 1;
      else if( uan>0 && tn==uan && strncasecmp(v, ua, uan)==0 ) gMine = 1;
      if( gMine ) mine->matched = 1;
      if( gStar ) star->matched = 1;
    }else if( KEY("allow") || KEY("disallow") ){
      int allow = KEY("allow");
      inAgents = 0;
      if( ve==v ) continue;                       /* empty pattern: no rule */
      if( gMine ) addRule(mine, allow, v, (int)(ve-v));
      if( gStar ) addRule(star, allow, v, (int)(ve-v));
    }else if( KEY("crawl-delay") ){
      char num[32];
      double d;
      inAgents = 0;
      if( ve-v>0 && ve-v<(int)sizeof num ){
        memcpy(num, v, ve-v); num[ve-v] = 0;
        d = strtod(num, NULL);
        if( d>=0 ){
          if( gMine && mine->delay<0 ) mine->delay = d;
          if( gStar && star->delay<0 ) star->delay = d;
        }
      }
    }else if( KEY("sitemap") ){
      if( sitemaps && ve>v ) Tcl_ListObjAppendElement(NULL, sitemaps, YqUtf8Obj(v, (int)(ve-v)));
    }
#undef KEY
  }
}

/*
** YqRobotsAllowed: whether agent UA may fetch PATHQ (the URL's path and query, starting with "/")
** under robots.txt TXT (LEN bytes). Returns 1 or 0. No side effects.
*/
int YqRobotsAllowed(const char *txt, size_t len, const char *ua, const char *pathq){
  Rules mine = {0}, star = {0}, *rs;
  char *path;
  int plen, i, bestAllow = -1, bestDisallow = -1, result;
  mine.delay = star.delay = -1;
  {
    size_t n = strcspn(pathq, "?#");
    if( n==11 && strncmp(pathq, "/robots.txt", 11)==0 ) return 1;
  }
  parseRobots(txt, len, ua, &mine, &star, NULL);
  rs = mine.matched ? &mine : &star;
  path = normalise(pathq, (int)strcspn(pathq, "#"), &plen);
  for(i=0; i<rs->n; i++){
    Rule *r = &rs->r[i];
    if( patMatch(r->pat, path) ){
      if( r->allow ){ if( r->len>bestAllow ) bestAllow = r->len; }
      else if( r->len>bestDisallow ) bestDisallow = r->len;
    }
  }
  result = bestDisallow<0 || bestAllow>=bestDisallow;
  free(path);
  freeRules(&mine);
  freeRules(&star);
  return result;
}

/*
** RobotsCmd: "robots allowed ROBOTSTXT USERAGENT URL", "robots delay ROBOTSTXT USERAGENT",
** "robots sitemaps ROBOTSTXT". URL may be absolute or a path; an invalid URL is an error.
*/
int RobotsCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"allowed", "delay", "sitemaps", NULL};
  enum RobotsSub { ALLOWED, DELAY, SITEMAPS };
  static const int nargs[] = {5, 4, 3};
  static const char *const usage[] = {"ROBOTSTXT USERAGENT URL", "ROBOTSTXT USERAGENT", "ROBOTSTXT"};
  int idx, tlen;
  Tcl_DString txt, ua, url, pq;
  const char *s;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( objc!=nargs[idx] ){ Tcl_WrongNumArgs(interp, 2, objv, usage[idx]); return TCL_ERROR; }
  s = Tcl_GetStringFromObj(objv[2], &tlen);
  Tcl_UtfToExternalDString(YqUtf8Encoding(), s, tlen, &txt);
  Tcl_DStringInit(&ua);
  if( objc>3 ) Tcl_UtfToExternalDString(YqUtf8Encoding(), Tcl_GetString(objv[3]), -1, &ua);
  if( idx==SITEMAPS ){
    Rules a = {0}, b = {0};
    Tcl_Obj *l = Tcl_NewListObj(0, NULL);
    parseRobots(Tcl_DStringValue(&txt), Tcl_DStringLength(&txt), "", &a, &b, l);
    freeRules(&a); freeRules(&b);
    Tcl_SetObjResult(interp, l);
  }else if( idx==DELAY ){
    Rules a = {0}, b = {0}, *rs;
    a.delay = b.delay = -1;
    parseRobots(Tcl_DStringValue(&txt), Tcl_DStringLength(&txt), Tcl_DStringValue(&ua), &a, &b, NULL);
    rs = a.matched ? &a : &b;
    Tcl_SetObjResult(interp, rs->delay>=0 ? Tcl_NewDoubleObj(rs->delay) : Tcl_NewObj());
    freeRules(&a); freeRules(&b);
  }else{
    const char *err = NULL;
    Tcl_UtfToExternalDString(YqUtf8Encoding(), Tcl_GetString(objv[4]), -1, &url);
    Tcl_DStringInit(&pq);
    if( Tcl_DStringValue(&url)[0]=='/' && Tcl_DStringValue(&url)[1]!='/' ){
      Tcl_DStringAppend(&pq, Tcl_DStringValue(&url), -1);
    }else if( YqUrlPathQuery(Tcl_DStringValue(&url), &pq, &err)<0 ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("invalid URL \"%s\": %s", Tcl_GetString(objv[4]), err));
      Tcl_DStringFree(&txt); Tcl_DStringFree(&ua); Tcl_DStringFree(&url); Tcl_DStringFree(&pq);
      return TCL_ERROR;
    }
    if( Tcl_DStringLength(&pq)==0 ) Tcl_DStringAppend(&pq, "/", 1);
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(YqRobotsAllowed(Tcl_DStringValue(&txt),
                     Tcl_DStringLength(&txt), Tcl_DStringValue(&ua), Tcl_DStringValue(&pq))));
    Tcl_DStringFree(&url); Tcl_DStringFree(&pq);
  }
  Tcl_DStringFree(&txt);
  Tcl_DStringFree(&ua);
  return TCL_OK;
}
