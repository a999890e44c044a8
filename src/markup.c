/*
** markup.c - markup as a type: the Tcl values that hold HTML/XML/SVG the template layer made.
**
** A markup value is a Tcl_Obj of type "markup": its string is markup, ready to send. Only the
** template layer makes them (scripts/web.tcl: `tmpl`, and `unsafe` at the few audited places that
** trust a string); everything else is a plain string and is escaped wherever it goes into markup.
** Markup does not survive string operations: `append`, `string range`, `join`, a list conversion
** and the like give a plain string, which is then escaped (shown as text), never trusted. Pieces
** are combined with `markup append` and `markup join`, which escape every plain string they meet.
**
**   markup escape TEXT           TEXT with & < > " ' escaped, as markup
**   markup text VALUE            VALUE's markup as a plain string: a markup value as it is, anything
**                                else escaped (what a template substitution inserts)
**   markup is VALUE              1 when VALUE is markup, else 0
**   markup append VAR ?VALUE ...? appends each VALUE (escaped unless markup) to the markup in
**                                variable VAR (created when missing); returns the new value
**   markup join LIST ?SEP?       the elements of LIST (escaped unless markup) joined by SEP
**                                (escaped unless markup), as markup
**   markup trust STRING          STRING as markup, unchecked: the template layer's own constructor
**                                (scripts/web.tcl); `make lint` refuses it anywhere else
*/
#include <limits.h>
#include <string.h>
#include "yqbox.h"

/*
** The type. The string representation is the markup; internalRep.twoPtrValue.ptr1 holds the
** allocated size of the bytes when markup.c allocated them (so `markup append` can grow them in
** place), or 0 when they are Tcl's (exactly length+1 bytes, or the shared empty string).
*/
static void markupDup(Tcl_Obj *src, Tcl_Obj *dup);
static const Tcl_ObjType markupType = {
  "markup",
  NULL,          /* nothing to free: the bytes are freed by Tcl as every string representation */
  markupDup,
  NULL,          /* the string representation is never invalidated while the type is markup */
  NULL           /* nothing converts to markup: only markup.c makes it */
};

/* markupDup: DUP, a copy of markup SRC (Tcl copied the bytes exactly), is markup too. */
static void markupDup(Tcl_Obj *src, Tcl_Obj *dup){
  (void)src;
  dup->internalRep.twoPtrValue.ptr1 = NULL;
  dup->internalRep.twoPtrValue.ptr2 = NULL;
  dup->typePtr = &markupType;
}

/* YqIsMarkup: whether OBJ is a markup value. No side effects. */
int YqIsMarkup(Tcl_Obj *obj){
  return obj->typePtr==&markupType;
}

/*
** newMarkup: a new markup value (refcount 0) holding LEN bytes of TEXT, with room for at least
** CAP bytes of string (CAP <= LEN: exactly LEN).
*/
static Tcl_Obj *newMarkup(const char *text, int len, int cap){
  Tcl_Obj *obj = Tcl_NewObj();
  if( cap<len ) cap = len;
  Tcl_InvalidateStringRep(obj);
  obj->bytes = ckalloc(cap+1);
  memcpy(obj->bytes, text, len);
  obj->bytes[len] = 0;
  obj->length = len;
  obj->internalRep.twoPtrValue.ptr1 = (void*)(size_t)(cap+1);
  obj->internalRep.twoPtrValue.ptr2 = NULL;
  obj->typePtr = &markupType;
  return obj;
}

/*
** YqHtmlEscape: append TEXT (LEN bytes of UTF-8) to DS with & < > " ' replaced by their entities.
*/
void YqHtmlEscape(Tcl_DString *ds, const char *text, int len){
  int i, start = 0;
  for(i=0; i<len; i++){
    const char *rep;
    switch( text[i] ){
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      default: continue;
    }
    Tcl_DStringAppend(ds, text+start, i-start);
    Tcl_DStringAppend(ds, rep, -1);
    start = i+1;
  }
  Tcl_DStringAppend(ds, text+start, len-start);
}

/* appendValue: append VALUE's markup to DS (VALUE itself when markup, else VALUE escaped). */
static void appendValue(Tcl_DString *ds, Tcl_Obj *value){
  int len;
  const char *s = Tcl_GetStringFromObj(value, &len);
  if( YqIsMarkup(value) ) Tcl_DStringAppend(ds, s, len);
  else YqHtmlEscape(ds, s, len);
}

/* markupFromDString: a new markup value holding DS's bytes; DS is freed. */
static Tcl_Obj *markupFromDString(Tcl_DString *ds){
  Tcl_Obj *obj = newMarkup(Tcl_DStringValue(ds), Tcl_DStringLength(ds), 0);
  Tcl_DStringFree(ds);
  return obj;
}

/*
** markupAppend: "markup append VAR ?VALUE ...?" (see the file comment). The variable's own markup
** value grows in place when nothing else holds it (amortised doubling), so building a table row
** by row is linear. A plain string already in VAR is escaped first (it was text, not markup).
*/
static int markupAppend(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  Tcl_Obj *var = Tcl_ObjGetVar2(interp, objv[2], NULL, 0), *res;
  Tcl_DString ds;
  int i, len;
  size_t cap;
  Tcl_DStringInit(&ds);
  for(i=3; i<objc; i++) appendValue(&ds, objv[i]);
  if( var && YqIsMarkup(var) && !Tcl_IsShared(var)
      && (cap = (size_t)var->internalRep.twoPtrValue.ptr1)!=0 ){
    size_t need = (size_t)var->length + Tcl_DStringLength(&ds) + 1;
    if( need>cap ){
      size_t ncap = cap*2>need ? cap*2 : need;
      if( ncap>(size_t)INT_MAX ){
        Tcl_DStringFree(&ds);
        Tcl_SetObjResult(interp, Tcl_NewStringObj("markup too large", -1));
        return TCL_ERROR;
      }
      var->bytes = ckrealloc(var->bytes, ncap);
      var->internalRep.twoPtrValue.ptr1 = (void*)ncap;
    }
    memcpy(var->bytes+var->length, Tcl_DStringValue(&ds), Tcl_DStringLength(&ds)+1);
    var->length += Tcl_DStringLength(&ds);
    Tcl_DStringFree(&ds);
    Tcl_SetObjResult(interp, var);
    return TCL_OK;
  }
  if( var ){
    Tcl_DString all;
    const char *s = Tcl_GetStringFromObj(var, &len);
    Tcl_DStringInit(&all);
    if( YqIsMarkup(var) ) Tcl_DStringAppend(&all, s, len);
    else YqHtmlEscape(&all, s, len);
    Tcl_DStringAppend(&all, Tcl_DStringValue(&ds), Tcl_DStringLength(&ds));
    Tcl_DStringFree(&ds);
    res = newMarkup(Tcl_DStringValue(&all), Tcl_DStringLength(&all), 2*Tcl_DStringLength(&all));
    Tcl_DStringFree(&all);
  }else{
    res = newMarkup(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds), 2*Tcl_DStringLength(&ds));
    Tcl_DStringFree(&ds);
  }
  res = Tcl_ObjSetVar2(interp, objv[2], NULL, res, TCL_LEAVE_ERR_MSG);
  if( !res ) return TCL_ERROR;
  Tcl_SetObjResult(interp, res);
  return TCL_OK;
}

/*
** YqMarkupCmd: the "markup" command (see the file comment). Errors on a bad subcommand or
** argument count; only "append" changes anything (its variable).
*/
int YqMarkupCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = { "append", "escape", "is", "join", "text", "trust", NULL };
  enum MarkupSub { MU_APPEND, MU_ESCAPE, MU_IS, MU_JOIN, MU_TEXT, MU_TRUST };
  Tcl_DString ds;
  int idx, len;
  const char *s;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  switch( (enum MarkupSub)idx ){
    case MU_APPEND:
      if( objc<3 ){ Tcl_WrongNumArgs(interp, 2, objv, "varName ?value ...?"); return TCL_ERROR; }
      return markupAppend(interp, objc, objv);
    case MU_JOIN: {
      Tcl_Obj **elems;
      int n, i;
      if( objc!=3 && objc!=4 ){ Tcl_WrongNumArgs(interp, 2, objv, "list ?separator?"); return TCL_ERROR; }
      if( Tcl_ListObjGetElements(interp, objv[2], &n, &elems)!=TCL_OK ) return TCL_ERROR;
      Tcl_DStringInit(&ds);
      for(i=0; i<n; i++){
        if( i>0 && objc==4 ) appendValue(&ds, objv[3]);
        appendValue(&ds, elems[i]);
      }
      Tcl_SetObjResult(interp, markupFromDString(&ds));
      return TCL_OK;
    }
    default: break;
  }
  if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "value"); return TCL_ERROR; }
  switch( (enum MarkupSub)idx ){
    case MU_IS:
      Tcl_SetObjResult(interp, Tcl_NewBooleanObj(YqIsMarkup(objv[2])));
      return TCL_OK;
    case MU_TEXT:
      if( YqIsMarkup(objv[2]) ){
        s = Tcl_GetStringFromObj(objv[2], &len);
        Tcl_SetObjResult(interp, Tcl_NewStringObj(s, len));
        return TCL_OK;
      }
      s = Tcl_GetStringFromObj(objv[2], &len);
      Tcl_DStringInit(&ds);
      YqHtmlEscape(&ds, s, len);
      Tcl_DStringResult(interp, &ds);
      return TCL_OK;
    case MU_ESCAPE:
      Tcl_DStringInit(&ds);
      appendValue(&ds, objv[2]);
      Tcl_SetObjResult(interp, markupFromDString(&ds));
      return TCL_OK;
    case MU_TRUST:
      if( YqIsMarkup(objv[2]) ){ Tcl_SetObjResult(interp, objv[2]); return TCL_OK; }
      s = Tcl_GetStringFromObj(objv[2], &len);
      Tcl_SetObjResult(interp, newMarkup(s, len, 0));
      return TCL_OK;
    default:
      return TCL_ERROR;   /* not reached: append and join returned above */
  }
}
