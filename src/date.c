/*
** date.c - publish times as crawled pages and feeds write them, turned into ISO 8601 in
** Asia/Shanghai (fixed UTC+08:00: China has kept no daylight saving time since 1991).
**
** Understood (after folding full-width digits, colons, slashes, dashes, dots and spaces):
**   absolute   2024-05-01 10:23[:45]  2024/5/1  2024.05.01  2024年5月1日 [下午]10:23  2024年5月1日10时23分
**   month      2019-07  2019/07  2019.7  2019年7月 (list pages): the day is unknown, the result is the
**              1st of the month at 00:00 -- callers that need a day must not take it for one
**              20240501  2024-05-01T10:23:00Z / +08:00 (RFC 3339)  Wed, 01 May 2024 10:23:00 GMT
**              (RFC 822/1123; two-digit years; zones Z UT GMT ±HHMM EST..PDT; CST means China
**              Standard Time here, +08:00, as Chinese feeds use it)
**   no year    05-01 10:23  5月1日  -> the current year, or last year when that would be in the future
**   relative   刚刚  5秒前  5分钟前  半小时前  3小时前  2天前  1周前  2个月前  1年前
**              今天 08:00  昨天 10:23  前天 (no time: 00:00)  10:23 (today)
**   epoch      Unix time in seconds (9-10 digits) or milliseconds (12-13 digits)
** Times without a zone are Asia/Shanghai. "Now" comes from -now or the clock.
**
** Tcl: `date parse TEXT ?-now ISO?` -> "2024-05-01T10:23:00+08:00", or an error.
** C: YqDateParse() for the feed parser and the article extractor.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "yqbox.h"

#define TZ_OFFSET (8*3600)

/* daysFromCivil: days since 1970-01-01 of the proleptic Gregorian date Y-M-D. */
static long long daysFromCivil(long long y, int m, int d){
  long long era, yoe, doy, doe;
  y -= m<=2;
  era = (y>=0 ? y : y-399)/400;
  yoe = y - era*400;
  doy = (153*(m + (m>2 ? -3 : 9)) + 2)/5 + d-1;
  doe = yoe*365 + yoe/4 - yoe/100 + doy;
  return era*146097 + doe - 719468;
}

/* civilFromDays: the date of day Z since 1970-01-01. */
static void civilFromDays(long long z, int *y, int *m, int *d){
  long long era, doe, yoe, doy, mp;
  z += 719468;
  era = (z>=0 ? z : z-146096)/146097;
  doe = z - era*146097;
  yoe = (doe - doe/1460 + doe/36524 - doe/146096)/365;
  doy = doe - (365*yoe + yoe/4 - yoe/100);
  mp = (5*doy + 2)/153;
  *d = (int)(doy - (153*mp+2)/5 + 1);
  *m = (int)(mp<10 ? mp+3 : mp-9);
  *y = (int)(yoe + era*400 + (*m<=2));
}

static int daysInMonth(int y, int m){
  static const int dim[] = {31,28,31,30,31,30,31,31,30,31,30,31};
  if( m==2 && ((y%4==0 && y%100!=0) || y%400==0) ) return 29;
  return dim[m-1];
}

/* YqDateFormat: write epoch seconds T as ISO 8601 in +08:00 into OUT (size >= 32). */
void YqDateFormat(long long t, char *out){
  long long lt = t + TZ_OFFSET, days = lt>=0 ? lt/86400 : (lt-86399)/86400;
  int secs = (int)(lt - days*86400), y, m, d;
  civilFromDays(days, &y, &m, &d);
  char b[64];
  snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, secs/3600, secs/60%60, secs%60);
  memcpy(out, b, 26);
  out[25] = 0;
}

/*
** fold: copy S (N bytes of UTF-8) into OUT (size OSIZE) with full-width ASCII (U+FF01..FF5E)
** and the ideographic space folded to ASCII. Returns the length written.
*/
static int fold(const char *s, int n, char *out, int osize){
  const unsigned char *p = (const unsigned char*)s, *e = p+n;
  int k = 0;
  while( p<e && k<osize-4 ){
    if( p[0]==0xEF && e-p>=3 && (p[1]==0xBC || p[1]==0xBD) ){
      unsigned cp = ((p[0]&0x0F)<<12) | ((p[1]&0x3F)<<6) | (p[2]&0x3F);
      if( cp>=0xFF01 && cp<=0xFF5E ){ out[k++] = (char)(cp-0xFEE0); p += 3; continue; }
    }
    if( p[0]==0xE3 && e-p>=3 && p[1]==0x80 && p[2]==0x80 ){ out[k++] = ' '; p += 3; continue; }
    if( p[0]==0xC2 && e-p>=2 && p[1]==0xA0 ){ out[k++] = ' '; p += 2; continue; }
    out[k++] = (char)*p++;
  }
  out[k] = 0;
  return k;
}

typedef struct Cur { const char *p; } Cur;

static void skipSp(Cur *c){ while( *c->p==' ' || *c->p=='\t' || *c->p=='\n' || *c->p=='\r' ) c->p++; }
static int lit(Cur *c, const char *s){
  size_t n = strlen(s);
  if( strncmp(c->p, s, n)==0 ){ c->p += n; return 1; }
  return 0;
}
/* num: read up to MAX digits; returns the value and *ND digits, or -1 when none. */
static long long num(Cur *c, int max, int *nd){
  long long v = 0;
  int k = 0;
  while( k<max && *c->p>='0' && *c->p<='9' ){ v = v*10 + (*c->p-'0'); c->p++; k++; }
  if( nd ) *nd = k;
  return k ? v : -1;
}

/* zone: parse an optional zone designator; returns its offset in seconds in *OFF and 1, else 0. */
static int zone(Cur *c, int *off){
  static const struct { const char *name; int hours; } names[] = {
    {"UTC", 0}, {"GMT", 0}, {"UT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4}, {"CST", 8},
    {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}, {"CCT", 8}, {"HKT", 8},
    {"JST", 9}, {"KST", 9}, {"BJT", 8},
  };
  Cur s = *c;
  size_t i;
  skipSp(&s);
  if( *s.p=='+' || *s.p=='-' ){
    int sign = *s.p=='-' ? -1 : 1, nd, mm = 0;
    long long hh;
    s.p++;
    hh = num(&s, 2, &nd);
    if( hh<0 || nd!=2 ) return 0;
    if( *s.p==':' ) s.p++;
    if( *s.p>='0' && *s.p<='9' ){ mm = (int)num(&s, 2, &nd); if( nd!=2 ) return 0; }
    if( hh>14 || mm>59 ) return 0;
    *off = sign*(int)(hh*3600 + mm*60);
    *c = s;
    return 1;
  }
  for(i=0; i<sizeof(names)/sizeof(names[0]); i++){
    size_t n = strlen(names[i].name);
    if( strncmp(s.p, names[i].name, n)==0 && !((s.p[n]|32)>='a' && (s.p[n]|32)<='z') ){
      s.p += n;
      *off = names[i].hours*3600;
      /* "GMT+8", "UTC+08:00" */
      if( names[i].hours==0 && (*s.p=='+' || *s.p=='-') ){
        int sign = *s.p=='-' ? -1 : 1, nd;
        long long hh;
        Cur t = s;
        t.p++;
        hh = num(&t, 2, &nd);
        if( hh>=0 && hh<=14 ){
          int mm = 0;
          if( *t.p==':' ){ t.p++; mm = (int)num(&t, 2, &nd); if( mm<0 ) mm = 0; }
          *off = sign*(int)(hh*3600+mm*60);
          s = t;
        }
      }
      *c = s;
      return 1;
    }
  }
  return 0;
}

/*
** timeOfDay: parse an optional time "[T| ][上午|下午|晚上]HH:MM[:SS[.fff]]" or "HH时MM分[SS秒]" (or
** "HH点MM分"). Returns 1 with *SECS, 0 when there is none, -1 when invalid.
*/
static int timeOfDay(Cur *c, int *secs){
  Cur s = *c;
  long long h, m, sec = 0;
  int pm = 0, am = 0, nd;
  if( *s.p=='T' ) s.p++;
  skipSp(&s);
  if( lit(&s, "下午") || lit(&s, "晚上") || lit(&s, "傍晚") ) pm = 1;
  else if( lit(&s, "上午") || lit(&s, "凌晨") || lit(&s, "早上") || lit(&s, "中午") ) am = 1;
  skipSp(&s);
  h = num(&s, 2, &nd);
  if( h<0 ) return (pm||am) ? -1 : 0;
  if( *s.p==':' ){
    s.p++;
    m = num(&s, 2, &nd);
    if( m<0 || nd!=2 ) return -1;
    if( *s.p==':' ){
      s.p++;
      sec = num(&s, 2, &nd);
      if( sec<0 ) return -1;
      if( *s.p=='.' || *s.p==',' ){ s.p++; while( *s.p>='0' && *s.p<='9' ) s.p++; }
    }
  }else if( lit(&s, "时") || lit(&s, "点") ){
    m = 0;
    if( *s.p>='0' && *s.p<='9' ){
      m = num(&s, 2, &nd);
      if( !lit(&s, "分") ) return -1;
      if( *s.p>='0' && *s.p<='9' ){ sec = num(&s, 2, &nd); if( !lit(&s, "秒") ) return -1; }
    }
  }else{
    return 0;   /* a lone number is not a time */
  }
  if( pm && h<12 ) h += 12;
  if( h>23 || m>59 || sec>60 ) return -1;
  if( sec==60 ) sec = 59;
  *secs = (int)(h*3600 + m*60 + sec);
  *c = s;
  return 1;
}

static int monthName(Cur *c){
  static const char *mn[] = {"jan","feb","mar","apr","may","jun","jul","aug","sep","oct","nov","dec"};
  int i;
  for(i=0; i<12; i++){
    if( strncasecmp(c->p, mn[i], 3)==0 ){
      c->p += 3;
      while( (*c->p|32)>='a' && (*c->p|32)<='z' ) c->p++;     /* "May", "September" */
      if( *c->p=='.' ) c->p++;
      return i+1;
    }
  }
  return 0;
}

/* localEpoch: epoch seconds of a local date-time given a zone offset. -1 on an invalid date. */
static int makeTime(long long y, long long mo, long long d, int secs, int off, long long *t){
  if( y<1970 || y>2200 || mo<1 || mo>12 || d<1 || d>daysInMonth((int)y, (int)mo) ) return -1;
  *t = daysFromCivil(y, (int)mo, (int)d)*86400 + secs - off;
  return 0;
}

/* localDate: the local (UTC+8) date of epoch T. */
static void localDate(long long t, int *y, int *m, int *d){
  long long lt = t + TZ_OFFSET;
  civilFromDays(lt>=0 ? lt/86400 : (lt-86399)/86400, y, m, d);
}

/*
** relative: *T = NOW - N*UNIT ("N units ago"). Returns 0, or -1 when that lies before 1970 (as for
** absolute dates) or N is absurd; the product is only formed when it cannot overflow.
*/
static int relative(long long now, long long n, long long unit, long long *t){
  if( n<0 || now<0 || n>now/unit ) return -1;
  *t = now - n*unit;
  return 0;
}

/*
** parseAt: parse the folded text at C. Returns 0 with *T (epoch seconds), or -1.
*/
static int parseAt(Cur *c, long long now, long long *t){
  int secs = 0, off = TZ_OFFSET, nd, r, y, m, d;
  long long a, b, dd;
  Cur s;
  skipSp(c);

  /* relative forms */
  if( lit(c, "刚刚") || lit(c, "刚才") ){ *t = now; return 0; }
  {
    int which = lit(c, "今天") ? 0 : lit(c, "昨天") ? 1 : lit(c, "前天") ? 2 : -1;
    if( which>=0 ){
      skipSp(c);
      r = timeOfDay(c, &secs);
      if( r<0 ) return -1;
      localDate(now - which*86400LL, &y, &m, &d);
      return makeTime(y, m, d, r ? secs : 0, TZ_OFFSET, t);
    }
  }
  s = *c;
  if( lit(&s, "半小时前") || lit(&s, "半个小时前") ){ *c = s; *t = now - 1800; return 0; }
  a = num(&s, 13, &nd);
  if( a>=0 ){
    Cur u = s;
    long long unit = 0;
    skipSp(&u);
    if( lit(&u, "秒钟") || lit(&u, "秒") ) unit = 1;
    else if( lit(&u, "分钟") || lit(&u, "分") ) unit = 60;
    else if( lit(&u, "个小时") || lit(&u, "小时") || lit(&u, "钟头") ) unit = 3600;
    else if( lit(&u, "天") || lit(&u, "日") ) unit = 86400;
    else if( lit(&u, "周") || lit(&u, "星期") || lit(&u, "个星期") ) unit = 7*86400;
    else if( lit(&u, "个月") ) unit = 30*86400;
    else if( lit(&u, "年") && (skipSp(&u), lit(&u, "前")) ){ *c = u; return relative(now, a, 365*86400LL, t); }
    if( unit ){
      skipSp(&u);
      if( lit(&u, "前") || lit(&u, "之前") ){
        *c = u;
        return relative(now, a, unit, t);
      }
    }
  }

  /* RFC 822: [Day,] DD Mon YYYY HH:MM[:SS] ZONE */
  s = *c;
  if( (*s.p|32)>='a' && (*s.p|32)<='z' ){
    while( (*s.p|32)>='a' && (*s.p|32)<='z' ) s.p++;      /* weekday */
    if( *s.p==',' ) s.p++;
    skipSp(&s);
  }
  dd = num(&s, 2, &nd);
  if( dd>0 ){
    skipSp(&s);
    if( *s.p=='-' ) s.p++;
    if( (m = monthName(&s))>0 ){
      skipSp(&s);
      if( *s.p=='-' ) s.p++;
      a = num(&s, 4, &nd);
      if( a<0 ) return -1;
      if( nd==2 ) a += a<50 ? 2000 : 1900;
      skipSp(&s);
      r = timeOfDay(&s, &secs);
      if( r<0 ) return -1;
      if( !zone(&s, &off) ) off = TZ_OFFSET;
      *c = s;
      return makeTime(a, m, dd, secs, off, t);
    }
  }

  /* numeric forms */
  s = *c;
  a = num(&s, 14, &nd);
  if( a<0 ) return -1;
  if( (nd>=9 && nd<=10) || (nd>=12 && nd<=13) ){
    Cur e = s;
    skipSp(&e);
    if( *e.p==0 ){
      *c = e;
      *t = nd>=12 ? a/1000 : a;
      return 0;
    }
  }
  if( nd==8 || nd==14 ){
    long long v = nd==14 ? a/1000000 : a;
    if( nd==14 ) secs = (int)((a/10000%100)*3600 + (a/100%100)*60 + a%100);
    if( nd==14 && (a/10000%100>23 || a/100%100>59 || a%100>59) ) return -1;
    *c = s;
    return makeTime(v/10000, v/100%100, v%100, secs, TZ_OFFSET, t);
  }
  if( nd==4 ){
    /* year first */
    int sep = *s.p;
    if( lit(&s, "年") ) sep = 'Y';
    else if( sep=='-' || sep=='/' || sep=='.' ) s.p++;
    else return -1;
    skipSp(&s);
    b = num(&s, 2, &nd);
    if( b<0 ) return -1;
    skipSp(&s);
    if( sep=='Y' ){ if( !lit(&s, "月") ) return -1; }
    else if( *s.p==sep ) s.p++;
    else if( !(*s.p>='0' && *s.p<='9') && *s.p!='-' && *s.p!='/' && *s.p!='.' && *s.p!=':' ){
      /* year and month alone (2019-07): the day is not known, the 1st stands for it */
      *c = s;
      return makeTime(a, b, 1, 0, TZ_OFFSET, t);
    }
    else return -1;
    if( sep=='Y' ){
      Cur k = s;
      skipSp(&k);
      if( !(*k.p>='0' && *k.p<='9') ){
        *c = s;                                  /* 2019年7月: the 1st, as above */
        return makeTime(a, b, 1, 0, TZ_OFFSET, t);
      }
    }
    skipSp(&s);
    dd = num(&s, 2, &nd);
    if( dd<0 ) return -1;
    if( !lit(&s, "日") ) lit(&s, "号");
    r = timeOfDay(&s, &secs);
    if( r<0 ) return -1;
    if( r>0 ) zone(&s, &off);
    *c = s;
    return makeTime(a, b, dd, secs, off, t);
  }
  if( nd<=2 ){
    /* month-day without a year, or a lone time of day */
    Cur h = *c;
    r = timeOfDay(&h, &secs);
    if( r>0 ){
      localDate(now, &y, &m, &d);
      *c = h;
      return makeTime(y, m, d, secs, TZ_OFFSET, t);
    }
    if( *s.p=='-' || *s.p=='/' ){
      int sep = *s.p++;
      dd = num(&s, 2, &nd);
      if( dd<0 ) return -1;
      if( *s.p==sep ) return -1;
      (void)sep;
    }else if( lit(&s, "月") ){
      skipSp(&s);
      dd = num(&s, 2, &nd);
      if( dd<0 || !(lit(&s, "日") || lit(&s, "号")) ) return -1;
    }else{
      return -1;
    }
    skipSp(&s);
    r = timeOfDay(&s, &secs);
    if( r<0 ) return -1;
    localDate(now, &y, &m, &d);
    if( makeTime(y, a, dd, secs, TZ_OFFSET, t)<0 ){
      if( makeTime(y-1, a, dd, secs, TZ_OFFSET, t)<0 ) return -1;   /* Feb 29 */
    }else if( *t>now ){
      if( makeTime(y-1, a, dd, secs, TZ_OFFSET, t)<0 ) return -1;
    }
    *c = s;
    return 0;
  }
  return -1;
}

/*
** YqDateParse: parse TEXT (LEN bytes of UTF-8) relative to NOW (epoch seconds). With STRICT the
** whole text must be a date (surrounding space allowed); otherwise a date at its start is enough.
** Returns 0 with *T set, or -1. No side effects.
*/
int YqDateParse(const char *text, int len, long long now, int strict, long long *t){
  char buf[256];
  Cur c;
  if( len<0 ) len = (int)strlen(text);
  if( strict && len>200 ) return -1;
  fold(text, len, buf, sizeof buf);
  c.p = buf;
  if( parseAt(&c, now, t)<0 ) return -1;
  if( strict ){
    skipSp(&c);
    if( *c.p ) return -1;
  }
  return 0;
}

/*
** YqNowOption: the value OBJ of a -now option (any absolute or relative form, strict) as epoch
** seconds into *NOW (relative forms count from the clock). TCL_OK, or TCL_ERROR with a message in
** INTERP and *NOW unchanged. Shared by `date parse`, `page extract` and `DOC extract`.
*/
int YqNowOption(Tcl_Interp *interp, Tcl_Obj *obj, long long *now){
  int len;
  long long t;
  const char *n = Tcl_GetStringFromObj(obj, &len);
  if( YqDateParse(n, len, (long long)time(NULL), 1, &t)<0 ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("invalid -now time \"%s\"", n));
    return TCL_ERROR;
  }
  *now = t;
  return TCL_OK;
}

/* DateCmd: "date parse TEXT ?-now ISO?". Errors for text that is not a date. */
int DateCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"parse", NULL};
  enum DateSub { DATE_PARSE };
  static const char *const opts[] = {"-now", NULL};
  enum DateOpt { OPT_NOW };
  int idx, opt, len;
  long long now = (long long)time(NULL), t;
  Tcl_DString ds;
  char out[32];
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx!=DATE_PARSE || (objc!=3 && objc!=5) ){
    Tcl_WrongNumArgs(interp, 2, objv, "TEXT ?-now ISO?");
    return TCL_ERROR;
  }
  if( objc==5 ){
    if( Tcl_GetIndexFromObj(interp, objv[3], opts, "option", 0, &opt)!=TCL_OK ) return TCL_ERROR;
    if( opt==OPT_NOW && YqNowOption(interp, objv[4], &now)!=TCL_OK ) return TCL_ERROR;
  }
  {
    const char *s = Tcl_GetStringFromObj(objv[2], &len);
    Tcl_UtfToExternalDString(YqUtf8Encoding(), s, len, &ds);
  }
  if( YqDateParse(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds), now, 1, &t)<0 ){
    Tcl_DStringFree(&ds);
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("not a date: \"%s\"", Tcl_GetString(objv[2])));
    Tcl_SetErrorCode(interp, "YQBOX", "DATE", NULL);
    return TCL_ERROR;
  }
  Tcl_DStringFree(&ds);
  YqDateFormat(t, out);
  Tcl_SetObjResult(interp, Tcl_NewStringObj(out, -1));
  return TCL_OK;
}
