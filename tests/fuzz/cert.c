/*
** cert.c - libFuzzer harness of the certificate and signature checks a federation peer's bytes
** reach (src/crypto.c: `crypto certinfo CERTPEM`, `crypto verify CERTPEM DATA SIGNATURE`; a
** county's certificate arrives in its join request, signatures in every message header). The first
** byte's low bit says how the rest is the certificate: 0 = as PEM text as sent, 1 = DER bytes that
** the harness wraps in a PEM envelope (so mbedTLS's DER parser is reached by mutated bytes); its
** next bits pick a signature: none, a hex of the input's last 72 bytes, or text that is not hex.
** Every outcome must be a result or an error with a message, never a crash or a leak.
*/
#include "fuzz.h"

/* pemOf: DER bytes D (N bytes) as a PEM certificate text (refcount 1). */
static Tcl_Obj *pemOf(const uint8_t *d, size_t n){
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  Tcl_Obj *o = Tcl_NewStringObj("-----BEGIN CERTIFICATE-----\n", -1);
  size_t i;
  int col = 0;
  for(i=0; i<n; i+=3){
    unsigned v = (unsigned)d[i]<<16 | (i+1<n ? (unsigned)d[i+1]<<8 : 0) | (i+2<n ? d[i+2] : 0);
    char q[4] = { b64[v>>18&63], b64[v>>12&63], i+1<n ? b64[v>>6&63] : '=', i+2<n ? b64[v&63] : '=' };
    Tcl_AppendToObj(o, q, 4);
    if( (col += 4)==64 ){ Tcl_AppendToObj(o, "\n", 1); col = 0; }
  }
  Tcl_AppendToObj(o, "\n-----END CERTIFICATE-----\n", -1);
  Tcl_IncrRefCount(o);
  return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  Tcl_Obj *cert, *sig, *msg;
  char hex[2*72+1];
  size_t i, k;
  if( size<1 ) return 0;
  cert = (data[0] & 1) ? pemOf(data+1, size-1) : fuzzText(data+1, size-1);
  fuzzEval("crypto", "certinfo", FUZZ_OBJ, cert, NULL);
  switch( (data[0]>>1) & 3 ){
    case 0: break;
    case 1:
      k = size-1<72 ? size-1 : 72;
      for(i=0; i<k; i++) sprintf(hex+2*i, "%02x", data[size-k+i]);
      hex[2*k] = 0;
      sig = Tcl_NewStringObj(hex, -1);
      Tcl_IncrRefCount(sig);
      msg = fuzzBytes(data, size);
      fuzzEval("crypto", "verify", FUZZ_OBJ, cert, FUZZ_OBJ, msg, FUZZ_OBJ, sig, NULL);
      Tcl_DecrRefCount(sig);
      Tcl_DecrRefCount(msg);
      break;
    default:
      fuzzEval("crypto", "verify", FUZZ_OBJ, cert, "data", "not-hex", NULL);
      break;
  }
  Tcl_DecrRefCount(cert);
  return 0;
}
