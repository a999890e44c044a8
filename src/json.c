/*
** json.c - JSON (RFC 8259) for Tcl: parsing into Tcl values and quoting strings for output.
**
** `json parse TEXT ?-null VALUE?` turns objects into dicts, arrays into lists, strings into
** strings (all escapes, surrogate pairs included), numbers into their literal text, true/false into
** 1/0 and null into VALUE (default empty). Malformed input is an error naming line and column;
** nesting deeper than 512 levels is refused. Used for holiday calendars, JSON feeds and APIs.
**
** JSON output is built here, never by concatenation in Tcl: `json object ?KEY TYPE VALUE ...?`
** and `json array TYPE LIST`, TYPE one of string, number, bool, null, json (JSON built already,
** e.g. a nested object). Each value is checked against its type - a number that is not a JSON
** number, a boolean that is not one, a null with a value, JSON that does not parse: an error and
** nothing built. Strings are escaped for embedding in HTML and JavaScript (see quote()).
** `json quote STRING` returns one string literal.
*/
#include <string.h>
#include "yqbox.h"

#define MAXDEPTH 512

typedef struct Parser {
  const unsigned char *s, *p, *end;
  Tcl_Obj *null;
  const char *err;        /* static message, set on the first error */
  const unsigned char *errAt;
} Parser;

static Tcl_Obj *parseValue(Parser *ps, int depth);

/* fail: record the first error at the current position; returns NULL for convenience. */
static Tcl_Obj *fail(Parser *ps, const char *msg){
  if( !ps->err ){ ps->err = msg; ps->errAt = ps->p; }
  return NULL;
}

static void skipWs(Parser *ps){
  while( ps->p<ps->end && (*ps->p==' ' || *ps->p=='\t' || *ps->p=='\n' || *ps->p=='\r') ) ps->p++;
}

/* hex4: the value of 4 hex digits at P, or -1. */
static int hex4(const unsigned char *p){
  int v = 0, i;
  for(i=0; i<4; i++){
    int c = p[i];
    v <<= 4;
    if( c>='0' && c<='9' ) v |= c-'0';
    else if( c>='a' && c<='f' ) v |= c-'a'+10;
    else if( c>='A' && c<='F' ) v |= c-'A'+10;
    else return -1;
  }
  return v;
}

/* putUtf8: append code point CP to DS as UTF-8 (standard UTF-8; converted to Tcl form later). */
static void putUtf8(Tcl_DString *ds, int cp){
  char b[4];
  int n;
  if( cp<0x80 ){ b[0] = (char)cp; n = 1; }
  else if( cp<0x800 ){ b[0] = (char)(0xC0|(cp>>6)); b[1] = (char)(0x80|(cp&0x3F)); n = 2; }
  else if( cp<0x10000 ){
    b[0] = (char)(0xE0|(cp>>12)); b[1] = (char)(0x80|((cp>>6)&0x3F)); b[2] = (char)(0x80|(cp&0x3F)); n = 3;
  }else{
    b[0] = (char)(0xF0|(cp>>18)); b[1] = (char)(0x80|((cp>>12)&0x3F));
    b[2] = (char)(0x80|((cp>>6)&0x3F)); b[3] = (char)(0x80|(cp&0x3F)); n = 4;
  }
  Tcl_DStringAppend(ds, b, n);
}

/* utf8Obj: a Tcl string from standard UTF-8 bytes (handles NUL and non-BMP characters). */
static Tcl_Obj *utf8Obj(const char *s, int len){
  static Tcl_Encoding utf8;
  Tcl_DString ds;
  Tcl_Obj *o;
  if( !utf8 ) utf8 = Tcl_GetEncoding(NULL, "utf-8");
  Tcl_ExternalToUtfDString(utf8, s, len, &ds);
  o = Tcl_NewStringObj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds));
  Tcl_DStringFree(&ds);
  return o;
}

/* parseString: the string literal at ps->p (which is at the opening quote). */
static Tcl_Obj *parseString(Parser *ps){
  Tcl_DString ds;
  Tcl_Obj *o;
  ps->p++;
  Tcl_DStringInit(&ds);
  while( ps->p<ps->end && *ps->p!='"' ){
    const unsigned char *run = ps->p;
    while( ps->p<ps->end && *ps->p!='"' && *ps->p!='\\' && *ps->p>=0x20 ) ps->p++;
    Tcl_DStringAppend(&ds, (const char*)run, ps->p-run);
    if( ps->p>=ps->end || *ps->p=='"' ) break;
    if( *ps->p<0x20 ){ Tcl_DStringFree(&ds); return fail(ps, "control character in string"); }
    /* backslash escape */
    ps->p++;
    if( ps->p>=ps->end ) break;
    switch( *ps->p ){
      case '"': Tcl_DStringAppend(&ds, "\"", 1); break;
      case '\\': Tcl_DStringAppend(&ds, "\\", 1); break;
      case '/': Tcl_DStringAppend(&ds, "/", 1); break;
      case 'b': Tcl_DStringAppend(&ds, "\b", 1); break;
      case 'f': Tcl_DStringAppend(&ds, "\f", 1); break;
      case 'n': Tcl_DStringAppend(&ds, "\n", 1); break;
      case 'r': Tcl_DStringAppend(&ds, "\r", 1); break;
      case 't': Tcl_DStringAppend(&ds, "\t", 1); break;
      case 'u': {
        int cp;
        if( ps->end-ps->p<5 || (cp = hex4(ps->p+1))<0 ){
          Tcl_DStringFree(&ds);
          return fail(ps, "bad \\u escape");
        }
        ps->p += 4;
        if( cp>=0xD800 && cp<0xDC00 && ps->end-ps->p>=7 && ps->p[1]=='\\' && ps->p[2]=='u' ){
          int lo = hex4(ps->p+3);
          if( lo>=0xDC00 && lo<0xE000 ){
            cp = 0x10000 + ((cp-0xD800)<<10) + (lo-0xDC00);
            ps->p += 6;
          }
        }
        if( cp>=0xD800 && cp<0xE000 ) cp = 0xFFFD;    /* lone surrogate */
        putUtf8(&ds, cp);
        break;
      }
      default:
        Tcl_DStringFree(&ds);
        return fail(ps, "bad escape in string");
    }
    ps->p++;
  }
  if( ps->p>=ps->end ){ Tcl_DStringFree(&ds); return fail(ps, "unterminated string"); }
  ps->p++;
  o = utf8Obj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds));
  Tcl_DStringFree(&ds);
  return o;
}

/* parseNumber: a JSON number literal, returned as its text. */
static Tcl_Obj *parseNumber(Parser *ps){
  const unsigned char *start = ps->p;
  if( *ps->p=='-' ) ps->p++;
  if( ps->p<ps->end && *ps->p=='0' ){
    ps->p++;
  }else if( ps->p<ps->end && *ps->p>='1' && *ps->p<='9' ){
    while( ps->p<ps->end && *ps->p>='0' && *ps->p<='9' ) ps->p++;
  }else{
    return fail(ps, "bad number");
  }
  if( ps->p<ps->end && *ps->p=='.' ){
    ps->p++;
    if( ps->p>=ps->end || *ps->p<'0' || *ps->p>'9' ) return fail(ps, "bad number");
    while( ps->p<ps->end && *ps->p>='0' && *ps->p<='9' ) ps->p++;
  }
  if( ps->p<ps->end && (*ps->p=='e' || *ps->p=='E') ){
    ps->p++;
    if( ps->p<ps->end && (*ps->p=='+' || *ps->p=='-') ) ps->p++;
    if( ps->p>=ps->end || *ps->p<'0' || *ps->p>'9' ) return fail(ps, "bad number");
    while( ps->p<ps->end && *ps->p>='0' && *ps->p<='9' ) ps->p++;
  }
  return Tcl_NewStringObj((const char*)start, ps->p-start);
}

/* literal: match the keyword WORD at the current position. */
static int literal(Parser *ps, const char *word){
  size_t n = strlen(word);
  if( (size_t)(ps->end-ps->p)>=n && memcmp(ps->p, word, n)==0 ){ ps->p += n; return 1; }
  return 0;
}

/*
** parseContainer: the object (dict) or array (list) at ps->p, as a new object (refcount 0), or NULL
** after fail() with nothing left allocated. A repeated key keeps its last value.
*/
static Tcl_Obj *parseContainer(Parser *ps, int depth){
  int isObj = *ps->p=='{';
  char close = isObj ? '}' : ']';
  Tcl_Obj *o;
  if( depth>=MAXDEPTH ) return fail(ps, "nesting too deep");
  o = isObj ? Tcl_NewDictObj() : Tcl_NewListObj(0, NULL);
  ps->p++;
  skipWs(ps);
  if( ps->p<ps->end && *ps->p==close ){ ps->p++; return o; }
  for(;;){
    Tcl_Obj *key = 0, *val;
    skipWs(ps);
    if( isObj ){
      if( ps->p>=ps->end || *ps->p!='"' ){ Tcl_DecrRefCount(o); return fail(ps, "expected a string key"); }
      key = parseString(ps);
      if( !key ){ Tcl_DecrRefCount(o); return NULL; }
      skipWs(ps);
      if( ps->p>=ps->end || *ps->p!=':' ){
        Tcl_DecrRefCount(key); Tcl_DecrRefCount(o);
        return fail(ps, "expected ':'");
      }
      ps->p++;
    }
    val = parseValue(ps, depth+1);
    if( !val ){ if( key ) Tcl_DecrRefCount(key); Tcl_DecrRefCount(o); return NULL; }
    if( isObj ){
      /* the dict keeps its first key object when the key repeats: the new one must be freed */
      Tcl_IncrRefCount(key);
      Tcl_DictObjPut(NULL, o, key, val);
      Tcl_DecrRefCount(key);
    }else{
      Tcl_ListObjAppendElement(NULL, o, val);
    }
    skipWs(ps);
    if( ps->p<ps->end && *ps->p==',' ){ ps->p++; continue; }
    if( ps->p<ps->end && *ps->p==close ){ ps->p++; return o; }
    Tcl_DecrRefCount(o);
    return fail(ps, isObj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static Tcl_Obj *parseValue(Parser *ps, int depth){
  skipWs(ps);
  if( ps->p>=ps->end ) return fail(ps, "unexpected end of text");
  switch( *ps->p ){
    case '{': case '[': return parseContainer(ps, depth);
    case '"': return parseString(ps);
    case 't': if( literal(ps, "true") ) return Tcl_NewIntObj(1); break;
    case 'f': if( literal(ps, "false") ) return Tcl_NewIntObj(0); break;
    case 'n': if( literal(ps, "null") ) return Tcl_DuplicateObj(ps->null); break;
    default:
      if( *ps->p=='-' || (*ps->p>='0' && *ps->p<='9') ) return parseNumber(ps);
  }
  return fail(ps, "expected a value");
}

/*
** YqJsonParse: parse LEN bytes of UTF-8 JSON at TEXT; NULLOBJ stands for null. Returns a new
** object (refcount 0), or NULL with an error message "... at line L column C" left in INTERP.
*/
Tcl_Obj *YqJsonParse(Tcl_Interp *interp, const char *text, int len, Tcl_Obj *nullObj){
  Parser ps;
  Tcl_Obj *v;
  memset(&ps, 0, sizeof ps);
  ps.s = ps.p = (const unsigned char*)text;
  ps.end = ps.s + len;
  ps.null = nullObj;
  if( len>=3 && memcmp(text, "\xEF\xBB\xBF", 3)==0 ) ps.p += 3;   /* tolerate a BOM */
  v = parseValue(&ps, 0);
  if( v ){
    skipWs(&ps);
    if( ps.p<ps.end ){ Tcl_DecrRefCount(v); v = fail(&ps, "extra text after the value"); }
  }
  if( !v ){
    int line = 1, col = 1;
    const unsigned char *q;
    for(q = ps.s; q<ps.errAt; q++){
      if( *q=='\n' ){ line++; col = 1; } else if( (*q & 0xC0)!=0x80 ) col++;
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("invalid JSON: %s at line %d column %d", ps.err, line, col));
    Tcl_SetErrorCode(interp, "YQBOX", "JSON", NULL);
  }
  return v;
}

/*
** quote: append S (a Tcl string) to DS as a JSON string literal that is safe inside HTML <script>
** and in JavaScript: " \ and control characters escaped, < as \u003c, U+2028 and U+2029 escaped
** (line terminators in older JavaScript), Tcl's encoded NUL (C0 80) as \u0000. Whatever is not
** well-formed in S - a lone surrogate (Tcl 8.6 keeps "\ud800" as is), a stray byte - becomes
** \ufffd, so the output is always valid UTF-8 once Tcl writes it out (a surrogate pair, Tcl's form
** of a character beyond U+FFFF, is kept: it leaves Tcl as one 4-byte character).
*/
static void quote(Tcl_DString *ds, Tcl_Obj *s){
  int len, i;
  const unsigned char *p = (const unsigned char*)Tcl_GetStringFromObj(s, &len);
  Tcl_DStringAppend(ds, "\"", 1);
  for(i=0; i<len; i++){
    unsigned c = p[i];
    char esc[8];
    int n = 0;
    if( c<0x80 ){
      if( c=='"' ) Tcl_DStringAppend(ds, "\\\"", 2);
      else if( c=='\\' ) Tcl_DStringAppend(ds, "\\\\", 2);
      else if( c=='\n' ) Tcl_DStringAppend(ds, "\\n", 2);
      else if( c=='\r' ) Tcl_DStringAppend(ds, "\\r", 2);
      else if( c=='\t' ) Tcl_DStringAppend(ds, "\\t", 2);
      else if( c<0x20 || c==0x7f ){ snprintf(esc, sizeof esc, "\\u%04x", c); Tcl_DStringAppend(ds, esc, -1); }
      else if( c=='<' ) Tcl_DStringAppend(ds, "\\u003c", 6);   /* safe inside <script> */
      else Tcl_DStringAppend(ds, (const char*)&p[i], 1);
      continue;
    }
    if( c==0xC0 && i+1<len && p[i+1]==0x80 ){ Tcl_DStringAppend(ds, "\\u0000", 6); i++; continue; }
    if( c>=0xC2 && c<=0xDF ) n = 2;
    else if( c>=0xE0 && c<=0xEF ) n = 3;
    else if( c>=0xF0 && c<=0xF4 ) n = 4;
    if( n && i+n<=len ){
      int k, ok = 1;
      for(k=1; k<n; k++) if( (p[i+k]&0xC0)!=0x80 ) ok = 0;
      if( ok && n==3 ){
        unsigned cp = ((c&0x0F)<<12) | ((p[i+1]&0x3F)<<6) | (p[i+2]&0x3F);
        if( cp<0x800 ) ok = 0;                               /* overlong */
        else if( cp==0x2028 || cp==0x2029 ){
          snprintf(esc, sizeof esc, "\\u%04x", cp); Tcl_DStringAppend(ds, esc, -1); i += 2; continue;
        }else if( cp>=0xD800 && cp<=0xDBFF && i+6<=len && p[i+3]==0xED && p[i+4]>=0xB0 && p[i+4]<=0xBF
                  && (p[i+5]&0xC0)==0x80 ){
          Tcl_DStringAppend(ds, (const char*)&p[i], 6);        /* a surrogate pair */
          i += 5; continue;
        }else if( cp>=0xD800 && cp<=0xDFFF ) ok = 0;          /* a lone surrogate */
      }
      if( ok && n==4 ){
        unsigned cp = ((c&0x07)<<18) | ((p[i+1]&0x3F)<<12) | ((p[i+2]&0x3F)<<6) | (p[i+3]&0x3F);
        if( cp<0x10000 || cp>0x10FFFF ) ok = 0;
      }
      if( ok ){ Tcl_DStringAppend(ds, (const char*)&p[i], n); i += n-1; continue; }
      if( n==3 && (p[i+1]&0xC0)==0x80 && (p[i+2]&0xC0)==0x80 ) i += 2;   /* skip the whole bad sequence */
    }
    Tcl_DStringAppend(ds, "\\ufffd", 6);
  }
  Tcl_DStringAppend(ds, "\"", 1);
}

/* isNumber: whether the LEN bytes at S are exactly a JSON number (RFC 8259 section 6). */
static int isNumber(const char *s, int len){
  int i = 0;
  if( i<len && s[i]=='-' ) i++;
  if( i<len && s[i]=='0' ) i++;
  else if( i<len && s[i]>='1' && s[i]<='9' ){ while( i<len && s[i]>='0' && s[i]<='9' ) i++; }
  else return 0;
  if( i<len && s[i]=='.' ){
    i++;
    if( !(i<len && s[i]>='0' && s[i]<='9') ) return 0;
    while( i<len && s[i]>='0' && s[i]<='9' ) i++;
  }
  if( i<len && (s[i]=='e' || s[i]=='E') ){
    i++;
    if( i<len && (s[i]=='+' || s[i]=='-') ) i++;
    if( !(i<len && s[i]>='0' && s[i]<='9') ) return 0;
    while( i<len && s[i]>='0' && s[i]<='9' ) i++;
  }
  return i==len;
}

/* the value types of the builder (json object, json array) */
static const char *const valueTypes[] = {"string", "number", "bool", "null", "json", NULL};
enum JsonType { JT_STRING, JT_NUMBER, JT_BOOL, JT_NULL, JT_JSON };

/*
** emitValue: append VALUE as JSON of TYPE to DS: a string literal; a number exactly as written
** (it must be a JSON number: no "0x1F", "1.", "NaN" or blanks); true/false for any Tcl boolean;
** null for an empty VALUE; already-built JSON, which must parse. WHERE names the place for an
** error (key "k", element 3). Returns TCL_OK, or TCL_ERROR with a message (DS then holds a part).
*/
static int emitValue(Tcl_Interp *interp, Tcl_DString *ds, int type, Tcl_Obj *value, Tcl_Obj *where){
  int len, b;
  const char *v = Tcl_GetStringFromObj(value, &len);
  switch( (enum JsonType)type ){
    case JT_STRING:
      quote(ds, value);
      return TCL_OK;
    case JT_NUMBER:
      if( !isNumber(v, len) ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: not a JSON number: \"%s\"", Tcl_GetString(where), v));
        break;
      }
      Tcl_DStringAppend(ds, v, len);
      return TCL_OK;
    case JT_BOOL:
      if( Tcl_GetBooleanFromObj(NULL, value, &b)!=TCL_OK ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: not a boolean: \"%s\"", Tcl_GetString(where), v));
        break;
      }
      Tcl_DStringAppend(ds, b ? "true" : "false", -1);
      return TCL_OK;
    case JT_NULL:
      if( len ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: a null takes an empty value, got \"%s\"", Tcl_GetString(where), v));
        break;
      }
      Tcl_DStringAppend(ds, "null", 4);
      return TCL_OK;
    case JT_JSON: {
      Tcl_DString utf;
      Tcl_Obj *parsed, *nul = Tcl_NewObj();
      Tcl_Encoding utf8 = Tcl_GetEncoding(NULL, "utf-8");
      Tcl_IncrRefCount(nul);
      Tcl_UtfToExternalDString(utf8, v, len, &utf);
      Tcl_FreeEncoding(utf8);
      parsed = YqJsonParse(interp, Tcl_DStringValue(&utf), Tcl_DStringLength(&utf), nul);
      Tcl_DStringFree(&utf);
      Tcl_DecrRefCount(nul);
      if( !parsed ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: %s", Tcl_GetString(where), Tcl_GetStringResult(interp)));
        break;
      }
      Tcl_DecrRefCount(parsed);
      Tcl_DStringAppend(ds, v, len);
      return TCL_OK;
    }
  }
  Tcl_SetErrorCode(interp, "YQBOX", "JSON", NULL);
  return TCL_ERROR;
}

/*
** buildObject: "json object ?KEY TYPE VALUE ...?" -> {"KEY":VALUE,...} in the order given. A key
** given twice is an error. Returns TCL_OK with the JSON text as the result, or TCL_ERROR (nothing
** built).
*/
static int buildObject(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  Tcl_DString ds;
  Tcl_HashTable seen;
  int i, type, isNew, rc = TCL_OK;
  if( (objc-2)%3 ){ Tcl_WrongNumArgs(interp, 2, objv, "?KEY TYPE VALUE ...?"); return TCL_ERROR; }
  Tcl_DStringInit(&ds);
  Tcl_InitObjHashTable(&seen);
  Tcl_DStringAppend(&ds, "{", 1);
  for(i=2; i<objc && rc==TCL_OK; i+=3){
    Tcl_Obj *where;
    Tcl_CreateHashEntry(&seen, (char*)objv[i], &isNew);
    if( !isNew ){
      Tcl_SetObjResult(interp, Tcl_ObjPrintf("key \"%s\" given twice", Tcl_GetString(objv[i])));
      rc = TCL_ERROR;
      break;
    }
    if( Tcl_GetIndexFromObj(interp, objv[i+1], valueTypes, "type", 0, &type)!=TCL_OK ){ rc = TCL_ERROR; break; }
    if( i>2 ) Tcl_DStringAppend(&ds, ",", 1);
    quote(&ds, objv[i]);
    Tcl_DStringAppend(&ds, ":", 1);
    where = Tcl_ObjPrintf("key \"%s\"", Tcl_GetString(objv[i]));
    Tcl_IncrRefCount(where);
    rc = emitValue(interp, &ds, type, objv[i+2], where);
    Tcl_DecrRefCount(where);
  }
  Tcl_DeleteHashTable(&seen);
  if( rc!=TCL_OK ){ Tcl_DStringFree(&ds); return TCL_ERROR; }
  Tcl_DStringAppend(&ds, "}", 1);
  Tcl_DStringResult(interp, &ds);
  return TCL_OK;
}

/*
** buildArray: "json array TYPE LIST" -> [VALUE,...], every element of LIST as JSON of TYPE.
** Returns TCL_OK with the JSON text as the result, or TCL_ERROR (nothing built).
*/
static int buildArray(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  Tcl_DString ds;
  Tcl_Obj **ev;
  int n, i, type;
  if( objc!=4 ){ Tcl_WrongNumArgs(interp, 2, objv, "TYPE LIST"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[2], valueTypes, "type", 0, &type)!=TCL_OK ) return TCL_ERROR;
  if( Tcl_ListObjGetElements(interp, objv[3], &n, &ev)!=TCL_OK ) return TCL_ERROR;
  Tcl_DStringInit(&ds);
  Tcl_DStringAppend(&ds, "[", 1);
  for(i=0; i<n; i++){
    Tcl_Obj *where = Tcl_ObjPrintf("element %d", i);
    int rc;
    if( i ) Tcl_DStringAppend(&ds, ",", 1);
    Tcl_IncrRefCount(where);
    rc = emitValue(interp, &ds, type, ev[i], where);
    Tcl_DecrRefCount(where);
    if( rc!=TCL_OK ){ Tcl_DStringFree(&ds); return TCL_ERROR; }
  }
  Tcl_DStringAppend(&ds, "]", 1);
  Tcl_DStringResult(interp, &ds);
  return TCL_OK;
}

/*
** JsonCmd: "json parse TEXT ?-null VALUE?", "json quote STRING", "json object ?KEY TYPE VALUE
** ...?" and "json array TYPE LIST". See the file comment. No side effects.
*/
int JsonCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"parse", "quote", "object", "array", NULL};
  enum JsonSub { JSON_PARSE, JSON_QUOTE, JSON_OBJECT, JSON_ARRAY };
  static const char *const parseOpts[] = {"-null", NULL};
  int idx, opt;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  switch( (enum JsonSub)idx ){
    case JSON_PARSE: {
      Tcl_Obj *nullObj, *v;
      Tcl_DString ds;
      Tcl_Encoding utf8;
      if( objc!=3 && objc!=5 ){
        Tcl_WrongNumArgs(interp, 2, objv, "TEXT ?-null VALUE?");
        return TCL_ERROR;
      }
      if( objc==5 && Tcl_GetIndexFromObj(interp, objv[3], parseOpts, "option", 0, &opt)!=TCL_OK ){
        return TCL_ERROR;
      }
      nullObj = objc==5 ? objv[4] : Tcl_NewObj();
      Tcl_IncrRefCount(nullObj);
      /* Tcl's internal form -> standard UTF-8 bytes for the scanner */
      utf8 = Tcl_GetEncoding(NULL, "utf-8");
      Tcl_UtfToExternalDString(utf8, Tcl_GetString(objv[2]), -1, &ds);
      Tcl_FreeEncoding(utf8);
      v = YqJsonParse(interp, Tcl_DStringValue(&ds), Tcl_DStringLength(&ds), nullObj);
      Tcl_DStringFree(&ds);
      Tcl_DecrRefCount(nullObj);
      if( !v ) return TCL_ERROR;
      Tcl_SetObjResult(interp, v);
      return TCL_OK;
    }
    case JSON_QUOTE: {
      Tcl_DString ds;
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "STRING"); return TCL_ERROR; }
      Tcl_DStringInit(&ds);
      quote(&ds, objv[2]);
      Tcl_DStringResult(interp, &ds);
      return TCL_OK;
    }
    case JSON_OBJECT: return buildObject(interp, objc, objv);
    case JSON_ARRAY: return buildArray(interp, objc, objv);
  }
  return TCL_OK;
}
