/*
** qr.c - QR codes as SVG, made with libqrencode (Debian's qrencode source package, src/deps.sh).
**
** `qr svg TEXT ?-ecc L|M|Q|H? ?-title TITLE?` returns an SVG document (a plain string) drawing the
** QR code of TEXT's UTF-8 bytes (libqrencode chooses the smallest version and splits the text into
** numeric, alphanumeric and 8-bit segments; Kanji mode is never used, so the bytes read back are
** exactly TEXT's): a white background, one <path> whose subpaths are the dark modules (each row's
** runs of dark modules as unit-high rectangles of unit squares), a quiet zone of 4 modules on every
** side, a viewBox in modules (0 0 W W, W = the symbol's width + 8), shape-rendering="crispEdges" so
** that no anti-aliasing blurs the edges between modules, and a <title> (TITLE, default 二维码; XML
** escaped) naming it for screen readers. The error correction level is M unless -ecc says. TEXT is
** bounded: empty, longer than QR_MAX_TEXT bytes or holding a NUL character is refused with a clear
** message. The enrolment page of the TOTP second factor shows the otpauth:// URI this way.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <qrencode.h>
#include "yqbox.h"

#define QR_MAX_TEXT 512   /* bytes of UTF-8: an otpauth:// URI is about 150 */
#define QR_QUIET    4     /* modules of white around the symbol (ISO/IEC 18004) */

/*
** appendEscaped: append TEXT (N bytes of UTF-8) to DS with XML's special characters & < > " '
** as character references. Returns nothing.
*/
static void appendEscaped(Tcl_DString *ds, const char *text, int n){
  YqHtmlEscape(ds, text, n);   /* markup.c's: the same five entities are XML's */
}

/*
** qrSvg: the SVG of the QR code of the N bytes at TEXT (UTF-8, no NUL) at error correction LEVEL
** with title TITLE (TLEN bytes of UTF-8), appended to DS (initialised by the caller). Returns 0,
** or -1 with *ERR set to a static message when libqrencode cannot encode it (too long for any
** version at this level, out of memory). No other side effects.
*/
static int qrSvg(const char *text, int n, QRecLevel level, const char *title, int tlen,
                 Tcl_DString *ds, const char **err){
  QRcode *qr;
  char buf[96];
  int x, y, w, size;
  char *copy = Tcl_Alloc(n+1);

  memcpy(copy, text, n);
  copy[n] = 0;
  errno = 0;
  qr = QRcode_encodeString(copy, 0, level, QR_MODE_8, 1);
  Tcl_Free(copy);
  if( !qr ){
    *err = errno==ERANGE ? "the text is too long for a QR code at this error correction level"
         : errno==ENOMEM ? "out of memory" : "the text cannot be encoded";
    return -1;
  }
  w = qr->width;
  size = w + 2*QR_QUIET;
  snprintf(buf, sizeof(buf), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" ", size, size);
  Tcl_DStringAppend(ds, buf, -1);
  Tcl_DStringAppend(ds, "shape-rendering=\"crispEdges\" role=\"img\" class=\"qr\"><title>", -1);
  appendEscaped(ds, title, tlen);
  snprintf(buf, sizeof(buf), "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
           size, size);
  Tcl_DStringAppend(ds, buf, -1);
  for(y=0; y<w; y++){
    const unsigned char *row = qr->data + (size_t)y*w;
    x = 0;
    while( x<w ){
      int run;
      if( !(row[x] & 1) ){ x++; continue; }
      for(run=1; x+run<w && (row[x+run] & 1); run++){}
      snprintf(buf, sizeof(buf), "M%d %dh%dv1h-%dz", x+QR_QUIET, y+QR_QUIET, run, run);
      Tcl_DStringAppend(ds, buf, -1);
      x += run;
    }
  }
  Tcl_DStringAppend(ds, "\"/></svg>", -1);
  QRcode_free(qr);
  return 0;
}

/*
** QrCmd: the `qr` command (see the file comment). Returns the SVG as the result, or an error
** naming what is wrong with the arguments or the text. No side effects.
*/
int QrCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = { "svg", NULL };
  enum { QR_SVG };
  static const char *const opts[] = { "-ecc", "-title", NULL };
  enum { OPT_ECC, OPT_TITLE };
  static const char *const levels[] = { "L", "M", "Q", "H", NULL };
  static const QRecLevel levelOf[] = { QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H };
  int sub, i, n, tlen, lv = 1, rc;
  const char *text, *title = "二维码", *err = NULL;
  Tcl_DString utf, tutf, out;

  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "svg TEXT ?-ecc L|M|Q|H? ?-title TITLE?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub)!=TCL_OK ) return TCL_ERROR;
  switch( sub ){
    case QR_SVG:
      if( objc<3 || objc%2==0 ){
        Tcl_WrongNumArgs(interp, 2, objv, "TEXT ?-ecc L|M|Q|H? ?-title TITLE?");
        return TCL_ERROR;
      }
      for(i=3; i<objc; i+=2){
        int opt;
        if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &opt)!=TCL_OK ) return TCL_ERROR;
        if( opt==OPT_ECC ){
          if( Tcl_GetIndexFromObj(interp, objv[i+1], levels, "error correction level", 0, &lv)!=TCL_OK ){
            return TCL_ERROR;
          }
        }else{
          title = Tcl_GetString(objv[i+1]);
        }
      }
      /* Tcl's internal UTF-8 writes NUL as C0 80: convert to real UTF-8 to count and encode */
      Tcl_UtfToExternalDString(YqUtf8Encoding(), Tcl_GetString(objv[2]), -1, &utf);
      text = Tcl_DStringValue(&utf);
      n = Tcl_DStringLength(&utf);
      if( n==0 || n>QR_MAX_TEXT || (int)strlen(text)!=n ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(n==0 ? "qr svg: the text is empty"
            : n>QR_MAX_TEXT ? "qr svg: the text is too long (%d bytes; at most %d)"
            : "qr svg: the text holds a NUL character", n, QR_MAX_TEXT));
        Tcl_DStringFree(&utf);
        return TCL_ERROR;
      }
      Tcl_UtfToExternalDString(YqUtf8Encoding(), title, -1, &tutf);
      tlen = Tcl_DStringLength(&tutf);
      if( tlen>QR_MAX_TEXT ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("qr svg: the title is too long (%d bytes; at most %d)",
                                               tlen, QR_MAX_TEXT));
        Tcl_DStringFree(&utf);
        Tcl_DStringFree(&tutf);
        return TCL_ERROR;
      }
      Tcl_DStringInit(&out);
      rc = qrSvg(text, n, levelOf[lv], Tcl_DStringValue(&tutf), tlen, &out, &err);
      Tcl_DStringFree(&utf);
      Tcl_DStringFree(&tutf);
      if( rc ){
        Tcl_DStringFree(&out);
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("qr svg: %s", err));
        return TCL_ERROR;
      }
      Tcl_SetObjResult(interp, YqUtf8Obj(Tcl_DStringValue(&out), Tcl_DStringLength(&out)));
      Tcl_DStringFree(&out);
      return TCL_OK;
  }
  return TCL_ERROR;
}
