/*
** charset.c - byte-to-text conversion for crawled pages, with the C library's iconv.
**
** Tcl 8.6 has no GB18030 and its GBK table is incomplete, so pages in Chinese legacy encodings are
** converted here with iconv (musl's is built in and needs no gconv modules). Invalid or truncated
** sequences become U+FFFD and conversion goes on: a bad page never stops the crawler. The Tcl
** command is `charset decode BYTES -from CHARSET`; detection (BOM, headers, meta, guessing) builds
** on it.
*/
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>
#include "yqbox.h"

/* Aliases that web pages use and iconv may not know, mapped to names it does. */
static const char *canonical(const char *name){
  static const struct { const char *alias, *name; } map[] = {
    {"gb2312", "GB18030"}, {"gbk", "GB18030"}, {"cp936", "GB18030"}, {"x-gbk", "GB18030"},
    {"euc-cn", "GB18030"}, {"gb_2312-80", "GB18030"}, {"gb18030", "GB18030"},
    {"big5-hkscs", "BIG5"}, {"x-x-big5", "BIG5"}, {"cp950", "BIG5"},
    {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
    {"latin1", "ISO-8859-1"}, {"us-ascii", "UTF-8"}, {"ascii", "UTF-8"},
  };
  size_t i;
  for(i=0; i<sizeof(map)/sizeof(map[0]); i++){
    if( strcasecmp(name, map[i].alias)==0 ) return map[i].name;
  }
  return name;
}

/*
** YqDecode: convert the LEN bytes at IN from CHARSET to UTF-8, appended to DS. Invalid sequences
** become U+FFFD. Returns 0, or -1 when the charset is unknown (DS unchanged).
** GB2312 and GBK are decoded as GB18030, their superset, as browsers do.
*/
int YqDecode(const char *charset, const char *in, size_t len, Tcl_DString *ds){
  iconv_t cd = iconv_open("UTF-8", canonical(charset));
  char out[4096];
  char *ip = (char*)in;
  size_t il = len;
  if( cd==(iconv_t)-1 ) return -1;
  while( il>0 ){
    char *op = out;
    size_t ol = sizeof out;
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    Tcl_DStringAppend(ds, out, op-out);
    if( r==(size_t)-1 ){
      if( errno==E2BIG ) continue;
      Tcl_DStringAppend(ds, "\xEF\xBF\xBD", 3);
      if( errno==EINVAL ) break;          /* truncated sequence at the end */
      ip++; il--;                         /* EILSEQ: skip one byte and go on */
      iconv(cd, NULL, NULL, NULL, NULL);
    }
  }
  iconv_close(cd);
  return 0;
}

/*
** CharsetCmd: "charset decode BYTES -from CHARSET" returns the text; "charset supported NAME"
** returns 1 if NAME can be decoded. Errors for an unknown charset or bad usage.
*/
int CharsetCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *subs[] = {"decode", "supported", NULL};
  int idx;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx==1 ){
    iconv_t h;
    if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "CHARSET"); return TCL_ERROR; }
    h = iconv_open("UTF-8", canonical(Tcl_GetString(objv[2])));
    if( h!=(iconv_t)-1 ) iconv_close(h);
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(h!=(iconv_t)-1));
    return TCL_OK;
  }
  if( objc!=5 || strcmp(Tcl_GetString(objv[3]), "-from")!=0 ){
    Tcl_WrongNumArgs(interp, 2, objv, "BYTES -from CHARSET");
    return TCL_ERROR;
  }
  {
    int len;
    const unsigned char *bytes = Tcl_GetByteArrayFromObj(objv[2], &len);
    const char *charset = Tcl_GetString(objv[4]);
    Tcl_DString utf8, text;
    Tcl_Encoding enc;
    Tcl_DStringInit(&utf8);
    if( YqDecode(charset, (const char*)bytes, len, &utf8)<0 ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("unknown charset \"%s\"", charset));
      Tcl_SetErrorCode(interp, "YQBOX", "CHARSET", charset, NULL);
      return TCL_ERROR;
    }
    /* UTF-8 bytes -> Tcl's internal form (handles NUL and characters beyond the BMP) */
    enc = Tcl_GetEncoding(NULL, "utf-8");
    Tcl_ExternalToUtfDString(enc, Tcl_DStringValue(&utf8), Tcl_DStringLength(&utf8), &text);
    Tcl_FreeEncoding(enc);
    Tcl_DStringFree(&utf8);
    Tcl_DStringResult(interp, &text);
    return TCL_OK;
  }
}
