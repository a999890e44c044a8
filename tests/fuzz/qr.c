/*
** qr.c - libFuzzer harness of the QR code maker (src/qr.c, `qr svg`, libqrencode). The first byte
** picks the error correction level (L M Q H by its low two bits) and whether the rest is also given
** as the title; the rest is the text, taken as UTF-8 as the enrolment page hands the otpauth://
** URI over (NUL, empty and over-long texts must be refused with a message, never crash). A result
** must be an SVG that opens with <svg and ends with </svg>.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static const char *const levels[] = { "L", "M", "Q", "H" };
  Tcl_Obj *text;
  const char *lv;
  int rc, titled;
  if( size<1 ) return 0;
  lv = levels[data[0] & 3];
  titled = (data[0] & 4)!=0;
  text = fuzzText(data+1, size-1);
  if( titled ){
    rc = fuzzEval("qr", "svg", FUZZ_OBJ, text, "-ecc", lv, "-title", FUZZ_OBJ, text, NULL);
  }else{
    rc = fuzzEval("qr", "svg", FUZZ_OBJ, text, "-ecc", lv, NULL);
  }
  if( rc==TCL_OK ){
    int n;
    const char *svg = Tcl_GetStringFromObj(Tcl_GetObjResult(fuzzInterp()), &n);
    if( n<12 || strncmp(svg, "<svg ", 5)!=0 || strcmp(svg+n-6, "</svg>")!=0 ) abort();
  }
  Tcl_DecrRefCount(text);
  return 0;
}
