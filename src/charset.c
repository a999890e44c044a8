/*
** charset.c - byte-to-text conversion for crawled pages: charset detection and decoding with the
** C library's iconv.
**
** Tcl 8.6 has no GB18030 and its GBK table is incomplete, so pages in Chinese legacy encodings are
** converted here with iconv (musl's is built in and needs no gconv modules). Invalid or truncated
** sequences become U+FFFD and conversion goes on: a bad page never stops the crawler.
**
** The charset of a page is chosen in this order (YqCharsetDetect):
**   1. a byte order mark (UTF-8, UTF-16LE/BE);
**   2. the charset parameter of the HTTP Content-Type header;
**   3. the XML declaration, or <meta charset=...> / <meta http-equiv content="...charset=..."> in
**      the first 4 KB;
**   4. detection: ASCII-only and valid UTF-8 are UTF-8; otherwise GB18030 and Big5 are scored by
**      decoding a sample with each and counting how much of the Han text falls in a table of
**      common characters (written here, simplified and traditional forms), minus invalid sequences.
** A declaration is checked against the bytes: a page declaring a legacy charset whose non-ASCII
** bytes are valid UTF-8 is UTF-8 (servers often lie with gb2312); a page declaring UTF-8 that is
** clearly not UTF-8, or declaring GBK/Big5 whose text scores far better as the other, is detected.
** GB2312 and GBK are decoded as GB18030 (their superset), ISO-8859-1/ASCII as windows-1252, as
** browsers do.
**
** Tcl: `charset decode BYTES ?-from CHARSET? ?-contenttype CT?`, `charset detect BYTES
** ?-contenttype CT?` (a dict: charset, source, reason), `charset supported NAME`.
*/
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "yqbox.h"

/* Labels that web pages use, mapped to the decoder used for them (NULL: UTF-8). */
static const char *canonical(const char *name){
  static const struct { const char *alias, *name; } map[] = {
    {"gb2312", "GB18030"}, {"gbk", "GB18030"}, {"cp936", "GB18030"}, {"x-gbk", "GB18030"},
    {"euc-cn", "GB18030"}, {"gb_2312-80", "GB18030"}, {"gb18030", "GB18030"}, {"ms936", "GB18030"},
    {"windows-936", "GB18030"}, {"csgb2312", "GB18030"}, {"chinese", "GB18030"},
    {"iso-ir-58", "GB18030"}, {"gb_2312", "GB18030"}, {"hz-gb-2312", "GB18030"},
    {"big5", "BIG5"}, {"big5-hkscs", "BIG5"}, {"x-x-big5", "BIG5"}, {"cp950", "BIG5"},
    {"cn-big5", "BIG5"}, {"csbig5", "BIG5"},
    {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"}, {"x-unicode20utf8", "UTF-8"},
    {"latin1", "WINDOWS-1252"}, {"iso-8859-1", "WINDOWS-1252"}, {"iso8859-1", "WINDOWS-1252"},
    {"us-ascii", "WINDOWS-1252"}, {"ascii", "WINDOWS-1252"}, {"windows-1252", "WINDOWS-1252"},
    {"cp1252", "WINDOWS-1252"}, {"l1", "WINDOWS-1252"},
    {"utf-16", "UTF-16LE"}, {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
  };
  size_t i;
  for(i=0; i<sizeof(map)/sizeof(map[0]); i++){
    if( strcasecmp(name, map[i].alias)==0 ) return map[i].name;
  }
  return name;
}

/* YqUtf8Encoding: Tcl's utf-8 encoding (looked up once, never freed). */
Tcl_Encoding YqUtf8Encoding(void){
  static Tcl_Encoding enc;
  if( !enc ) enc = Tcl_GetEncoding(NULL, "utf-8");
  return enc;
}

/* YqUtf8Obj: a new Tcl string object from LEN bytes of standard UTF-8 (NUL, non-BMP handled). */
Tcl_Obj *YqUtf8Obj(const char *s, int len){
  Tcl_DString ds;
  Tcl_Obj *o;
  Tcl_ExternalToUtfDString(YqUtf8Encoding(), s, len, &ds);
  o = Tcl_NewStringObj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds));
  Tcl_DStringFree(&ds);
  return o;
}

/*
** YqDecode: convert the LEN bytes at IN from CHARSET to UTF-8, appended to DS. Invalid sequences
** become U+FFFD. Returns the number of invalid sequences met, or -1 when the charset is unknown
** (DS unchanged).
*/
int YqDecode(const char *charset, const char *in, size_t len, Tcl_DString *ds){
  iconv_t cd = iconv_open("UTF-8", canonical(charset));
  char out[4096];
  char *ip = (char*)in;
  size_t il = len;
  int bad = 0;
  if( cd==(iconv_t)-1 ) return -1;
  while( il>0 ){
    char *op = out;
    size_t ol = sizeof out;
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    Tcl_DStringAppend(ds, out, op-out);
    if( r==(size_t)-1 ){
      if( errno==E2BIG ) continue;
      Tcl_DStringAppend(ds, "\xEF\xBF\xBD", 3);
      bad++;
      if( errno==EINVAL ) break;          /* truncated sequence at the end */
      ip++; il--;                         /* EILSEQ: skip one byte and go on */
      iconv(cd, NULL, NULL, NULL, NULL);
    }
  }
  iconv_close(cd);
  return bad;
}

/*
** utf8Check: scan LEN bytes as UTF-8. *NONASCII gets the number of multi-byte sequences, the
** return value the number of invalid bytes (a sequence truncated by the end of the buffer is not
** counted: pages are cut by size caps).
*/
static int utf8Check(const unsigned char *s, size_t len, int *nonAscii){
  size_t i = 0;
  int bad = 0, multi = 0;
  while( i<len ){
    unsigned char c = s[i];
    int n, k;
    unsigned cp;
    if( c<0x80 ){ i++; continue; }
    if( c>=0xC2 && c<=0xDF ){ n = 1; cp = c&0x1F; }
    else if( c>=0xE0 && c<=0xEF ){ n = 2; cp = c&0x0F; }
    else if( c>=0xF0 && c<=0xF4 ){ n = 3; cp = c&0x07; }
    else { bad++; i++; continue; }
    if( i+n>=len ){
      /* possibly truncated at the end: valid if every present byte is a continuation */
      for(k=1; i+k<len && (s[i+k]&0xC0)==0x80; k++){}
      if( i+k==len ){ break; }
    }
    for(k=1; k<=n; k++){
      if( i+k>=len || (s[i+k]&0xC0)!=0x80 ) break;
      cp = (cp<<6) | (s[i+k]&0x3F);
    }
    if( k<=n || (n==2 && (cp<0x800 || (cp>=0xD800 && cp<=0xDFFF))) || (n==3 && (cp<0x10000 || cp>0x10FFFF)) ){
      bad++; i++; continue;
    }
    multi++;
    i += n+1;
  }
  *nonAscii = multi;
  return bad;
}

/* The common-character table: frequent Han characters in simplified and traditional forms. */
static const char commonSimplified[] =
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子"
  "说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当"
  "使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你"
  "明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果"
  "料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农"
  "指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济"
  "阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示"
  "议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装"
  "影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克"
  "何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适"
  "属圆包火住调满县局照参红细引听该铁价严"
  "镇乡村街楼房屋拆迁补偿款项施污染噪垃圾网络校医交停区物投诉举留言咨询请希望谢友帖论坛闻记讯昨"
  "您吗呢吧啊们哪谁怎样请问题反映群众居民领导部门情况关于通知公告安全环境建设项目县城农民工资";
static const char commonTraditional[] =
  "這為個國時來們於發動經進現實點從業還學機後開體見長門問間頭電區樣應數員聲當與變書對會說產種"
  "過後裡兩總邊級圖統較將組計別論運農幾強決幹戰則據處隊給規熱領東導壓爭濟階極聯認權證轉單風帶場車"
  "務萬達積議報鬥類離華確張馬節話況溫傳許廣記需觀織裝眾須際驗連斷難礦週備辦習響約勞團歷稱準號維劃"
  "選標寫親養層卻專狀廠識屬圓調滿縣參紅細聽該鐵價嚴義質氣結麼無軍題黨員頭資條沒設長"
  "鎮鄉樓遷補償項汙污噪圾網絡醫區訴舉覆諮詢請謝論壇聞記訊錢問題反映群眾居民領導門情況關於通知公告"
  "環境設縣農資嗎呢吧啊誰怎麼樣";

static unsigned char commonBits[(0xA000-0x4E00)/8];
static pthread_once_t commonOnce = PTHREAD_ONCE_INIT;

/* addCommon: set the bits of the Han characters in UTF-8 string S. */
static void addCommon(const char *s){
  const unsigned char *p = (const unsigned char*)s;
  while( *p ){
    if( (p[0]&0xF0)==0xE0 && p[1] && p[2] ){
      unsigned cp = ((p[0]&0x0F)<<12) | ((p[1]&0x3F)<<6) | (p[2]&0x3F);
      if( cp>=0x4E00 && cp<0xA000 ) commonBits[(cp-0x4E00)>>3] |= 1<<((cp-0x4E00)&7);
      p += 3;
    }else{
      p++;
    }
  }
}
static void commonInit(void){
  addCommon(commonSimplified);
  addCommon(commonTraditional);
}

/*
** scoreAs: decode up to 64 KB of IN as CHARSET and return a score in [-2,1]: the share of Han
** characters that are common, less twice the share of invalid sequences. *HAN gets the Han count.
*/
static double scoreAs(const char *charset, const char *in, size_t len, int *han){
  Tcl_DString ds;
  const unsigned char *p, *end;
  int n = 0, hits = 0, bad;
  double score;
  if( len>65536 ) len = 65536;
  pthread_once(&commonOnce, commonInit);
  Tcl_DStringInit(&ds);
  bad = YqDecode(charset, in, len, &ds);
  p = (const unsigned char*)Tcl_DStringValue(&ds);
  end = p + Tcl_DStringLength(&ds);
  while( p<end ){
    if( (p[0]&0xF0)==0xE0 && end-p>=3 ){
      unsigned cp = ((p[0]&0x0F)<<12) | ((p[1]&0x3F)<<6) | (p[2]&0x3F);
      if( cp>=0x4E00 && cp<0xA000 ){
        n++;
        if( commonBits[(cp-0x4E00)>>3] & (1<<((cp-0x4E00)&7)) ) hits++;
      }
      p += 3;
    }else{
      p++;
    }
  }
  Tcl_DStringFree(&ds);
  *han = n;
  if( n+bad==0 ) return 0;
  score = ((double)hits - 2.0*bad) / (double)(n+bad);
  return score;
}

/* ciFind: the first case-insensitive occurrence of NEEDLE in S (N bytes), or NULL. */
static const char *ciFind(const char *s, size_t n, const char *needle){
  size_t k = strlen(needle), i;
  for(i=0; i+k<=n; i++) if( strncasecmp(s+i, needle, k)==0 ) return s+i;
  return NULL;
}

/* labelAt: copy the charset label at P (before END; quotes, spaces skipped) into OUT (size 40). */
static int labelAt(const char *p, const char *end, char *out){
  int k = 0;
  while( p<end && (*p==' ' || *p=='"' || *p=='\'' || *p=='=') ) p++;
  while( p<end && k<39 && ((*p>='a' && *p<='z') || (*p>='A' && *p<='Z') || (*p>='0' && *p<='9')
                           || *p=='-' || *p=='_' || *p==':' || *p=='.') ) out[k++] = *p++;
  out[k] = 0;
  return k;
}

/*
** sniffDeclared: the charset declared inside the first 4 KB of S: an XML declaration's encoding or
** a <meta> charset. Copies the label into OUT (size 40) and returns "xml" or "meta", else NULL.
*/
static const char *sniffDeclared(const char *s, size_t n, char *out){
  const char *end, *p;
  if( n>4096 ) n = 4096;
  end = s+n;
  p = s;
  while( p<end && (*p==' ' || *p=='\t' || *p=='\r' || *p=='\n') ) p++;
  if( end-p>5 && strncmp(p, "<?xml", 5)==0 ){
    const char *q = memchr(p, '>', end-p), *e;
    if( q && (e = ciFind(p, q-p, "encoding"))!=NULL && labelAt(e+8, q, out) ) return "xml";
  }
  for(p = s; p<end && (p = ciFind(p, end-p, "<meta"))!=NULL; p += 5){
    const char *q = memchr(p, '>', end-p), *c;
    if( !q ) break;
    if( (c = ciFind(p, q-p, "charset"))!=NULL ){
      const char *v = c+7;
      while( v<q && (*v==' ' || *v=='\t') ) v++;
      if( v<q && *v=='=' && labelAt(v, q, out) ) return "meta";
    }
  }
  return NULL;
}

/* ctCharset: the charset parameter of Content-Type value CT into OUT (size 40); 1 if found. */
static int ctCharset(const char *ct, char *out){
  const char *c;
  if( !ct || !(c = ciFind(ct, strlen(ct), "charset")) ) return 0;
  c += 7;
  while( *c==' ' ) c++;
  if( *c!='=' ) return 0;
  return labelAt(c, c+strlen(c), out)>0;
}

/* isLegacyCjk: whether decoder name D is one of the Chinese legacy charsets. */
static int isLegacyCjk(const char *d){
  return !strcmp(d, "GB18030") || !strcmp(d, "BIG5");
}

/*
** guessCjk: choose between GB18030 and Big5 for IN. Returns the name; REASON gets the scores.
*/
static const char *guessCjk(const char *in, size_t len, char *reason, size_t rsize){
  int hg, hb;
  double g = scoreAs("GB18030", in, len, &hg);
  double b = scoreAs("BIG5", in, len, &hb);
  snprintf(reason, rsize, "GB18030 scored %.2f, Big5 %.2f (share of common Han characters)", g, b);
  if( b>g ) return "BIG5";
  /* no Han text, or none of it common either way: a Latin page in windows-1252 */
  if( (hg==0 && hb==0) || (g<0.05 && b<0.05) ) return "WINDOWS-1252";
  return "GB18030";
}

/*
** YqCharsetDetect: choose the charset of the LEN bytes at IN given Content-Type CT (or NULL).
** NAME (size 40) gets the decoder name (UTF-8, GB18030, BIG5, UTF-16LE, ...), SOURCE (static) is
** bom, header, xml, meta, detect or default, REASON (size RSIZE) says why. Returns the number of
** bytes of byte order mark to skip.
*/
int YqCharsetDetect(const char *in, size_t len, const char *ct, char *name, const char **source,
                    char *reason, size_t rsize){
  const unsigned char *u = (const unsigned char*)in;
  char label[40], why[160];
  const char *src = NULL, *dec;
  int nonAscii, bad;

  if( len>=3 && u[0]==0xEF && u[1]==0xBB && u[2]==0xBF ){
    strcpy(name, "UTF-8"); *source = "bom"; snprintf(reason, rsize, "UTF-8 byte order mark");
    return 3;
  }
  if( len>=2 && ((u[0]==0xFF && u[1]==0xFE) || (u[0]==0xFE && u[1]==0xFF)) ){
    strcpy(name, u[0]==0xFF ? "UTF-16LE" : "UTF-16BE"); *source = "bom";
    snprintf(reason, rsize, "%s byte order mark", name);
    return 2;
  }
  if( ctCharset(ct, label) ) src = "header";
  else src = sniffDeclared(in, len, label);
  bad = utf8Check(u, len, &nonAscii);

  if( src ){
    dec = canonical(label);
    {
      iconv_t h = iconv_open("UTF-8", dec);
      if( h==(iconv_t)-1 ){ src = NULL; goto detect; }
      iconv_close(h);
    }
    if( !strcasecmp(dec, "UTF-8") ){
      if( bad==0 || bad*50<nonAscii || bad<4 ){
        strcpy(name, "UTF-8"); *source = src;
        snprintf(reason, rsize, "declared %s in the %s", label, src);
        return 0;
      }
      dec = guessCjk(in, len, why, sizeof why);
      strcpy(name, dec); *source = "detect";
      snprintf(reason, rsize, "declared %s in the %s but the bytes are not UTF-8 (%d invalid); %s",
               label, src, bad, why);
      return 0;
    }
    if( strncasecmp(dec, "UTF-16", 6)==0 ){
      /* a UTF-16 label without a byte order mark in an ASCII-compatible page means UTF-8 */
      strcpy(name, "UTF-8"); *source = src;
      snprintf(reason, rsize, "declared %s in the %s without a byte order mark: UTF-8", label, src);
      return 0;
    }
    if( nonAscii>0 && bad==0 ){
      strcpy(name, "UTF-8"); *source = "detect";
      snprintf(reason, rsize, "declared %s in the %s but the bytes are valid UTF-8", label, src);
      return 0;
    }
    if( isLegacyCjk(dec) ){
      int hg, hb;
      const char *other = !strcmp(dec, "GB18030") ? "BIG5" : "GB18030";
      double sd = scoreAs(dec, in, len, &hg), so = scoreAs(other, in, len, &hb);
      if( so>=0.2 && so>3*(sd>0 ? sd : 0) + 0.1 ){
        strcpy(name, other); *source = "detect";
        snprintf(reason, rsize, "declared %s in the %s but the text scores %.2f as %s against %.2f",
                 label, src, so, other, sd);
        return 0;
      }
    }
    snprintf(name, 40, "%s", dec); *source = src;
    if( strcasecmp(dec, label) ){
      snprintf(reason, rsize, "declared %s in the %s (decoded as %s)", label, src, dec);
    }else{
      snprintf(reason, rsize, "declared %s in the %s", label, src);
    }
    return 0;
  }

detect:
  if( nonAscii==0 && bad==0 ){
    strcpy(name, "UTF-8"); *source = "default";
    snprintf(reason, rsize, "no declaration and only ASCII bytes");
    return 0;
  }
  if( bad==0 ){
    strcpy(name, "UTF-8"); *source = "detect";
    snprintf(reason, rsize, "no declaration; the bytes are valid UTF-8");
    return 0;
  }
  dec = guessCjk(in, len, why, sizeof why);
  strcpy(name, dec); *source = "detect";
  snprintf(reason, rsize, "no declaration; not UTF-8 (%d invalid bytes); %s", bad, why);
  return 0;
}

/*
** YqDecodeAuto: detect the charset of IN (LEN bytes; Content-Type CT or NULL) and append the text
** as UTF-8 to DS (a byte order mark removed). Returns the number of invalid sequences replaced.
*/
int YqDecodeAuto(const char *in, size_t len, const char *ct, Tcl_DString *ds){
  char name[40], reason[320];
  const char *src;
  int skip = YqCharsetDetect(in, len, ct, name, &src, reason, sizeof reason), n;
  in += skip; len -= skip;
  if( !strcmp(name, "UTF-8") ){
    int nonAscii;
    if( utf8Check((const unsigned char*)in, len, &nonAscii)==0 ){
      Tcl_DStringAppend(ds, in, (int)len);
      return 0;
    }
  }
  n = YqDecode(name, in, len, ds);
  return n<0 ? 0 : n;
}

/*
** YqCp1252: the character a C1 control code point CP (U+0080..U+009F) stands for when it came
** from a numeric reference such as "&#146;" (pages and feeds written in windows-1252 mean ’ by
** it; HTML5 maps these references the same way); other code points, and the five that
** windows-1252 leaves undefined, are returned as they are.
*/
unsigned YqCp1252(unsigned cp){
  static const unsigned short map[32] = {
    0x20AC,0x0081,0x201A,0x0192,0x201E,0x2026,0x2020,0x2021,0x02C6,0x2030,0x0160,0x2039,0x0152,0x008D,0x017D,0x008F,
    0x0090,0x2018,0x2019,0x201C,0x201D,0x2022,0x2013,0x2014,0x02DC,0x2122,0x0161,0x203A,0x0153,0x009D,0x017E,0x0178 };
  return cp>=0x80 && cp<=0x9F ? map[cp-0x80] : cp;
}

/* YqFixC1: append the UTF-8 text S (N bytes, or -1: up to NUL) to OUT with every C1 control
** character replaced as YqCp1252 says ("don\xC2\x92t" -> "don’t"). */
void YqFixC1(const char *s, int n, Tcl_DString *out){
  const unsigned char *p = (const unsigned char*)s, *e;
  if( n<0 ) n = (int)strlen(s);
  e = p+n;
  while( p<e ){
    const unsigned char *q = p;
    while( q<e && !(q[0]==0xC2 && q+1<e && q[1]>=0x80 && q[1]<=0x9F) ) q++;
    Tcl_DStringAppend(out, (const char*)p, (int)(q-p));
    if( q<e ){
      unsigned cp = YqCp1252(q[1]);
      char u[4];
      if( cp<0x800 ){ u[0] = (char)(0xC0|(cp>>6)); u[1] = (char)(0x80|(cp&0x3F)); Tcl_DStringAppend(out, u, 2); }
      else{ u[0] = (char)(0xE0|(cp>>12)); u[1] = (char)(0x80|((cp>>6)&0x3F)); u[2] = (char)(0x80|(cp&0x3F)); Tcl_DStringAppend(out, u, 3); }
      q += 2;
    }
    p = q;
  }
}

/*
** CharsetCmd: "charset decode BYTES ?-from CHARSET? ?-contenttype CT?" returns the text;
** "charset detect BYTES ?-contenttype CT?" returns {charset NAME source SOURCE reason TEXT};
** "charset supported NAME" returns 1 if NAME can be decoded. Errors for an unknown -from charset or
** bad usage.
*/
int CharsetCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"decode", "detect", "supported", NULL};
  enum CharsetSub { DECODE, DETECT, SUPPORTED };
  static const char *const opts[] = {"-from", "-contenttype", NULL};
  enum CharsetOpt { OPT_FROM, OPT_CONTENTTYPE };
  int idx, i, len, oi;
  const char *from = NULL, *ct = NULL;
  const unsigned char *bytes;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx==SUPPORTED ){
    iconv_t h;
    if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "CHARSET"); return TCL_ERROR; }
    h = iconv_open("UTF-8", canonical(Tcl_GetString(objv[2])));
    if( h!=(iconv_t)-1 ) iconv_close(h);
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(h!=(iconv_t)-1));
    return TCL_OK;
  }
  if( objc<3 || objc%2==0 ) goto usage;
  for(i=3; i<objc; i+=2){
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &oi)!=TCL_OK ) return TCL_ERROR;
    if( oi==OPT_FROM && idx==DETECT ) goto usage;
    if( oi==OPT_FROM ) from = Tcl_GetString(objv[i+1]); else ct = Tcl_GetString(objv[i+1]);
  }
  bytes = Tcl_GetByteArrayFromObj(objv[2], &len);
  if( idx==DETECT ){
    char name[40], reason[320];
    const char *src;
    Tcl_Obj *d = Tcl_NewDictObj();
    YqCharsetDetect((const char*)bytes, len, ct, name, &src, reason, sizeof reason);
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("charset", -1), Tcl_NewStringObj(name, -1));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("source", -1), Tcl_NewStringObj(src, -1));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("reason", -1), Tcl_NewStringObj(reason, -1));
    Tcl_SetObjResult(interp, d);
    return TCL_OK;
  }
  {
    Tcl_DString utf8;
    Tcl_DStringInit(&utf8);
    if( from ){
      if( YqDecode(from, (const char*)bytes, len, &utf8)<0 ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("unknown charset \"%s\"", from));
        Tcl_SetErrorCode(interp, "YQBOX", "CHARSET", from, NULL);
        return TCL_ERROR;
      }
    }else{
      YqDecodeAuto((const char*)bytes, len, ct, &utf8);
    }
    Tcl_SetObjResult(interp, YqUtf8Obj(Tcl_DStringValue(&utf8), Tcl_DStringLength(&utf8)));
    Tcl_DStringFree(&utf8);
    return TCL_OK;
  }
usage:
  Tcl_WrongNumArgs(interp, 2, objv, idx==DECODE ? "BYTES ?-from CHARSET? ?-contenttype CT?"
                                                : "BYTES ?-contenttype CT?");
  return TCL_ERROR;
}
