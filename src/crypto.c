/*
** crypto.c - hashes, HMAC, random bytes and password hashing for yqbox, on mbedTLS.
**
** `crypto sha256 DATA`, `crypto hmac KEY DATA ?sha256|sha1?` (HMAC-SHA256, or HMAC-SHA1 for
** TOTP, RFC 6238), `crypto pbkdf2 PASSWORD SALT
** ITERATIONS ?LENGTH?` (PBKDF2-HMAC-SHA256) return lower-case hex; `crypto random N` returns N
** random bytes and `crypto token ?N?` N random bytes (default 32) as URL-safe base64 without
** padding, both from one process-wide CTR_DRBG seeded from the system's entropy (thread-safe:
** mbedTLS is built with MBEDTLS_THREADING_PTHREAD). The same generator serves TLS (tls.c) and the
** server's tokens: there is one source of randomness in the process. `crypto equal A B` compares in constant time;
** `crypto sha256file PATH` is the SHA-256 of a file's bytes, read in pieces.
** `crypto sign KEYFILE DATA` signs DATA with the ECDSA P-256 private key in the PEM file KEYFILE
** (SHA-256; the box's own tls-key.pem) and returns the DER signature in hex; `crypto verify
** CERTPEM DATA SIGNATURE` returns 1 when SIGNATURE (hex) is a valid signature of DATA by the key of
** the certificate CERTPEM (PEM text, a peer's), 0 when it is not; `crypto certinfo CERTPEM`
** returns a dict {fingerprint AA:BB:… (SHA-256 of the DER) not_after "YYYY-MM-DD HH:MM:SS" (UTC)
** key_type key_bits}. Keys and certificates must be EC P-256; a key file, a certificate or a
** signature outside its bound (64 KiB, 16 KiB, 256 bytes) or malformed is an error saying which.
** DATA, KEY, PASSWORD and SALT are taken as bytes when they are byte arrays (e.g. from `crypto
** random` or a binary read), otherwise as the UTF-8 encoding of the string.
*/
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>
#include <sys/stat.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform.h>
#include <mbedtls/sha256.h>
#include "yqbox.h"

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static pthread_once_t drbgOnce = PTHREAD_ONCE_INIT;
static int drbgOk;

static void drbgInit(void){
  static const char pers[] = "yqbox crypto";
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  drbgOk = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                                 (const unsigned char*)pers, sizeof pers - 1)==0;
}

#if !defined(__SANITIZE_ADDRESS__)
/* The allocator mbedTLS uses (Tcl's per-thread pools; musl's malloc is slow under TLS churn). */
static void *cryptoCalloc(size_t n, size_t size){
  size_t total;
  void *p;
  if( size && n > ((size_t)-1 >> 1) / size ) return NULL;
  total = n*size;
  if( total > 0x7fffffff ) return NULL;
  p = Tcl_AttemptAlloc((unsigned)(total ? total : 1));
  if( p ) memset(p, 0, total);
  return p;
}
static void cryptoFree(void *p){
  if( p ) Tcl_Free(p);
}
#endif

/*
** YqCryptoInit: process-wide set-up of mbedTLS, before anything uses it (main.c calls it right
** after Tcl_FindExecutable): its allocations go to Tcl's allocator. The sanitizer build keeps the
** C library's allocator so that ASan sees every mbedTLS buffer.
*/
void YqCryptoInit(void){
#if !defined(__SANITIZE_ADDRESS__)
  mbedtls_platform_set_calloc_free(cryptoCalloc, cryptoFree);
#endif
}

/*
** YqRandomCb: YqRandom in the signature mbedTLS's f_rng callbacks have (CTX unused).
*/
int YqRandomCb(void *ctx, unsigned char *buf, size_t len){
  (void)ctx;
  return YqRandom(buf, len) ? MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG : 0;
}

/*
** YqRandom: fill BUF with LEN bytes from the process-wide DRBG. Returns 0, or -1 if the DRBG
** could not be seeded or fails.
*/
int YqRandom(unsigned char *buf, size_t len){
  pthread_once(&drbgOnce, drbgInit);
  if( !drbgOk ) return -1;
  while( len>0 ){
    size_t n = len > MBEDTLS_CTR_DRBG_MAX_REQUEST ? MBEDTLS_CTR_DRBG_MAX_REQUEST : len;
    if( mbedtls_ctr_drbg_random(&drbg, buf, n)!=0 ) return -1;
    buf += n;
    len -= n;
  }
  return 0;
}

/*
** bytesOf: the bytes of OBJ into DS (see the file comment for byte arrays vs strings).
** Returns a pointer to them and their length in *LEN.
*/
static const unsigned char *bytesOf(Tcl_Obj *obj, Tcl_DString *ds, int *len){
  static const Tcl_ObjType *byteArrayType;
  if( !byteArrayType ) byteArrayType = Tcl_GetObjType("bytearray");
  Tcl_DStringInit(ds);
  if( obj->typePtr==byteArrayType ){
    return Tcl_GetByteArrayFromObj(obj, len);
  }
  Tcl_UtfToExternalDString(NULL, Tcl_GetString(obj), -1, ds);   /* system encoding: UTF-8 */
  *len = Tcl_DStringLength(ds);
  return (const unsigned char*)Tcl_DStringValue(ds);
}

static Tcl_Obj *hexObj(const unsigned char *b, int n){
  static const char digits[] = "0123456789abcdef";
  Tcl_Obj *o = Tcl_NewObj();
  char *p;
  int i;
  Tcl_SetObjLength(o, 2*n);
  p = Tcl_GetString(o);
  for(i=0; i<n; i++){ p[2*i] = digits[b[i]>>4]; p[2*i+1] = digits[b[i]&15]; }
  return o;
}

/* b64url: URL-safe base64 of N bytes, no padding. */
static Tcl_Obj *b64url(const unsigned char *b, int n){
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  Tcl_Obj *o = Tcl_NewObj();
  int i;
  for(i=0; i+2<n; i+=3){
    char q[4] = { tab[b[i]>>2], tab[((b[i]&3)<<4)|(b[i+1]>>4)], tab[((b[i+1]&15)<<2)|(b[i+2]>>6)], tab[b[i+2]&63] };
    Tcl_AppendToObj(o, q, 4);
  }
  if( n-i==1 ){ char q[2] = { tab[b[i]>>2], tab[(b[i]&3)<<4] }; Tcl_AppendToObj(o, q, 2); }
  if( n-i==2 ){ char q[3] = { tab[b[i]>>2], tab[((b[i]&3)<<4)|(b[i+1]>>4)], tab[(b[i+1]&15)<<2] }; Tcl_AppendToObj(o, q, 3); }
  return o;
}

/* the bounds on what sign, verify and certinfo accept */
#define MAX_KEYFILE 65536
#define MAX_CERTPEM 16384
#define MAX_SIGNATURE 256

/*
** cryptoErr: set INTERP's result to "WHAT: mbedTLS's text for R". Returns TCL_ERROR.
*/
static int cryptoErr(Tcl_Interp *interp, const char *what, int r){
  char e[160];
  mbedtls_strerror(r, e, sizeof e);
  Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: %s", what, e));
  return TCL_ERROR;
}

/*
** isP256: whether PK holds an EC key on P-256 (the only kind the link between boxes accepts).
*/
static int isP256(const mbedtls_pk_context *pk){
  return mbedtls_pk_can_do(pk, MBEDTLS_PK_ECDSA) && mbedtls_pk_get_bitlen(pk)==256;
}

/*
** parseCert: the PEM certificate OBJ into CRT (initialised here; the caller frees it). Returns
** TCL_OK, or TCL_ERROR with a message when it is too long, not a certificate or not P-256.
*/
static int parseCert(Tcl_Interp *interp, Tcl_Obj *obj, mbedtls_x509_crt *crt){
  int n, r;
  const char *pem = Tcl_GetStringFromObj(obj, &n);
  mbedtls_x509_crt_init(crt);
  if( n>MAX_CERTPEM ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("certificate too long (%d bytes, at most %d)", n, MAX_CERTPEM));
    return TCL_ERROR;
  }
  /* mbedtls_x509_crt_parse wants the PEM's terminating NUL counted in the length */
  if( (r = mbedtls_x509_crt_parse(crt, (const unsigned char*)pem, (size_t)n+1)) ){
    return cryptoErr(interp, "not a PEM certificate", r);
  }
  if( !isP256(&crt->pk) ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj("the certificate's key is not ECDSA P-256", -1));
    return TCL_ERROR;
  }
  return TCL_OK;
}

/*
** unhex: the hex text OBJ into OUT (at most MAX bytes). Returns the byte count, or -1.
*/
static int unhex(Tcl_Obj *obj, unsigned char *out, int max){
  int n, i;
  const char *t = Tcl_GetStringFromObj(obj, &n);
  if( n%2 || n/2>max || n==0 ) return -1;
  for(i=0; i<n; i++){
    char c = t[i];
    int v = c>='0'&&c<='9' ? c-'0' : c>='a'&&c<='f' ? c-'a'+10 : c>='A'&&c<='F' ? c-'A'+10 : -1;
    if( v<0 ) return -1;
    if( i%2 ) out[i/2] |= (unsigned char)v; else out[i/2] = (unsigned char)(v<<4);
  }
  return n/2;
}

/*
** signData: `crypto sign KEYFILE DATA`: see the file comment. Reads KEYFILE; changes nothing.
*/
static int signData(Tcl_Interp *interp, Tcl_Obj *keyFile, Tcl_Obj *data){
  mbedtls_pk_context key;
  unsigned char hash[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
  size_t sigLen = 0;
  Tcl_DString native, ds;
  struct stat sb;
  const char *path;
  const unsigned char *d;
  int n, r;
  path = Tcl_UtfToExternalDString(NULL, Tcl_GetString(keyFile), -1, &native);
  if( stat(path, &sb)!=0 || !S_ISREG(sb.st_mode) ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot read key file %s", Tcl_GetString(keyFile)));
    Tcl_DStringFree(&native);
    return TCL_ERROR;
  }
  if( sb.st_size>MAX_KEYFILE ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("key file %s too long", Tcl_GetString(keyFile)));
    Tcl_DStringFree(&native);
    return TCL_ERROR;
  }
  psa_crypto_init();
  mbedtls_pk_init(&key);
  r = mbedtls_pk_parse_keyfile(&key, path, NULL, YqRandomCb, NULL);
  Tcl_DStringFree(&native);
  if( r ){ mbedtls_pk_free(&key); return cryptoErr(interp, "cannot read the private key", r); }
  if( !isP256(&key) ){
    mbedtls_pk_free(&key);
    Tcl_SetObjResult(interp, Tcl_NewStringObj("the private key is not ECDSA P-256", -1));
    return TCL_ERROR;
  }
  d = bytesOf(data, &ds, &n);
  mbedtls_sha256(d, n, hash, 0);
  Tcl_DStringFree(&ds);
  r = mbedtls_pk_sign(&key, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, sizeof sig, &sigLen, YqRandomCb, NULL);
  mbedtls_pk_free(&key);
  if( r ) return cryptoErr(interp, "signing failed", r);
  Tcl_SetObjResult(interp, hexObj(sig, (int)sigLen));
  return TCL_OK;
}

/*
** verifyData: `crypto verify CERTPEM DATA SIGNATURE`: see the file comment. Changes nothing.
*/
static int verifyData(Tcl_Interp *interp, Tcl_Obj *cert, Tcl_Obj *data, Tcl_Obj *sigObj){
  mbedtls_x509_crt crt;
  unsigned char hash[32], sig[MAX_SIGNATURE];
  Tcl_DString ds;
  const unsigned char *d;
  int n, sigLen, r;
  if( (sigLen = unhex(sigObj, sig, MAX_SIGNATURE))<0 ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj("the signature is not hex of at most 256 bytes", -1));
    return TCL_ERROR;
  }
  psa_crypto_init();
  if( parseCert(interp, cert, &crt)!=TCL_OK ){ mbedtls_x509_crt_free(&crt); return TCL_ERROR; }
  d = bytesOf(data, &ds, &n);
  mbedtls_sha256(d, n, hash, 0);
  Tcl_DStringFree(&ds);
  r = mbedtls_pk_verify(&crt.pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, (size_t)sigLen);
  mbedtls_x509_crt_free(&crt);
  Tcl_SetObjResult(interp, Tcl_NewBooleanObj(r==0));
  return TCL_OK;
}

/*
** certInfo: `crypto certinfo CERTPEM`: see the file comment. Changes nothing.
*/
static int certInfo(Tcl_Interp *interp, Tcl_Obj *cert){
  mbedtls_x509_crt crt;
  unsigned char sum[32];
  char fp[100];
  Tcl_Obj *d;
  int i;
  psa_crypto_init();
  if( parseCert(interp, cert, &crt)!=TCL_OK ){ mbedtls_x509_crt_free(&crt); return TCL_ERROR; }
  mbedtls_sha256(crt.raw.p, crt.raw.len, sum, 0);
  for(i=0; i<32; i++) sprintf(fp+3*i, "%02X%s", sum[i], i<31 ? ":" : "");
  d = Tcl_NewDictObj();
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("fingerprint", -1), Tcl_NewStringObj(fp, -1));
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("not_after", -1),
                 Tcl_ObjPrintf("%04d-%02d-%02d %02d:%02d:%02d", crt.valid_to.year, crt.valid_to.mon,
                               crt.valid_to.day, crt.valid_to.hour, crt.valid_to.min, crt.valid_to.sec));
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("key_type", -1), Tcl_NewStringObj(mbedtls_pk_get_name(&crt.pk), -1));
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("key_bits", -1), Tcl_NewIntObj((int)mbedtls_pk_get_bitlen(&crt.pk)));
  mbedtls_x509_crt_free(&crt);
  Tcl_SetObjResult(interp, d);
  return TCL_OK;
}

/* CryptoCmd: the `crypto` command; see the file comment. */
int CryptoCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"sha256", "hmac", "pbkdf2", "random", "token", "equal", "sha256file",
                                     "sign", "verify", "certinfo", NULL};
  enum CryptoSub { CRYPTO_SHA256, CRYPTO_HMAC, CRYPTO_PBKDF2, CRYPTO_RANDOM, CRYPTO_TOKEN, CRYPTO_EQUAL,
                   CRYPTO_SHA256FILE, CRYPTO_SIGN, CRYPTO_VERIFY, CRYPTO_CERTINFO };
  static const int nargs[][2] = {{3,3}, {4,5}, {5,6}, {3,3}, {2,3}, {4,4}, {3,3}, {4,4}, {5,5}, {3,3}};
  unsigned char out[64];
  int idx;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( objc<nargs[idx][0] || objc>nargs[idx][1] ){
    static const char *const usage[] = {"DATA", "KEY DATA ?sha256|sha1?", "PASSWORD SALT ITERATIONS ?LENGTH?", "N",
                                  "?N?", "A B", "PATH", "KEYFILE DATA", "CERTPEM DATA SIGNATURE", "CERTPEM"};
    Tcl_WrongNumArgs(interp, 2, objv, usage[idx]);
    return TCL_ERROR;
  }
  switch( (enum CryptoSub)idx ){
    case CRYPTO_SIGN: return signData(interp, objv[2], objv[3]);
    case CRYPTO_VERIFY: return verifyData(interp, objv[2], objv[3], objv[4]);
    case CRYPTO_CERTINFO: return certInfo(interp, objv[2]);
    case CRYPTO_SHA256: {
      Tcl_DString ds; int n;
      const unsigned char *d = bytesOf(objv[2], &ds, &n);
      mbedtls_sha256(d, n, out, 0);
      Tcl_DStringFree(&ds);
      Tcl_SetObjResult(interp, hexObj(out, 32));
      return TCL_OK;
    }
    case CRYPTO_SHA256FILE: {
      /* streamed: the file may be far larger than memory should hold */
      mbedtls_sha256_context ctx;
      Tcl_DString native;
      unsigned char buf[65536];
      size_t n;
      FILE *f = fopen(Tcl_UtfToExternalDString(NULL, Tcl_GetString(objv[2]), -1, &native), "rb");
      Tcl_DStringFree(&native);
      if( !f ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot read %s: %s", Tcl_GetString(objv[2]), strerror(errno)));
        return TCL_ERROR;
      }
      mbedtls_sha256_init(&ctx);
      mbedtls_sha256_starts(&ctx, 0);
      while( (n = fread(buf, 1, sizeof buf, f))>0 ) mbedtls_sha256_update(&ctx, buf, n);
      if( ferror(f) ){
        fclose(f); mbedtls_sha256_free(&ctx);
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot read %s", Tcl_GetString(objv[2])));
        return TCL_ERROR;
      }
      fclose(f);
      mbedtls_sha256_finish(&ctx, out);
      mbedtls_sha256_free(&ctx);
      Tcl_SetObjResult(interp, hexObj(out, 32));
      return TCL_OK;
    }
    case CRYPTO_HMAC: {
      static const char *const algs[] = {"sha256", "sha1", NULL};
      enum HmacAlg { ALG_SHA256, ALG_SHA1 };
      Tcl_DString dk, dd; int nk, nd, alg = 0, rc;
      const unsigned char *k, *d;
      if( objc==5 && Tcl_GetIndexFromObj(interp, objv[4], algs, "algorithm", 0, &alg)!=TCL_OK ){
        return TCL_ERROR;
      }
      k = bytesOf(objv[2], &dk, &nk);
      d = bytesOf(objv[3], &dd, &nd);
      rc = mbedtls_md_hmac(mbedtls_md_info_from_type(alg==ALG_SHA1 ? MBEDTLS_MD_SHA1 : MBEDTLS_MD_SHA256),
                           k, nk, d, nd, out);
      Tcl_DStringFree(&dk); Tcl_DStringFree(&dd);
      if( rc ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("HMAC failed", -1)); return TCL_ERROR; }
      Tcl_SetObjResult(interp, hexObj(out, alg==ALG_SHA1 ? 20 : 32));
      return TCL_OK;
    }
    case CRYPTO_PBKDF2: {
      Tcl_DString dp, dsalt; int np, ns, iter, len = 32, rc;
      const unsigned char *p, *s;
      if( Tcl_GetIntFromObj(interp, objv[4], &iter)!=TCL_OK ) return TCL_ERROR;
      if( objc==6 && Tcl_GetIntFromObj(interp, objv[5], &len)!=TCL_OK ) return TCL_ERROR;
      if( iter<1 || len<1 || len>64 ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj("ITERATIONS must be >= 1 and LENGTH 1..64", -1));
        return TCL_ERROR;
      }
      p = bytesOf(objv[2], &dp, &np);
      s = bytesOf(objv[3], &dsalt, &ns);
      rc = mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA256, p, np, s, ns, (unsigned)iter, len, out);
      Tcl_DStringFree(&dp); Tcl_DStringFree(&dsalt);
      if( rc ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("PBKDF2 failed", -1)); return TCL_ERROR; }
      Tcl_SetObjResult(interp, hexObj(out, len));
      return TCL_OK;
    }
    case CRYPTO_RANDOM: case CRYPTO_TOKEN: {
      int n = 32;
      Tcl_Obj *r;
      unsigned char *buf;
      if( objc==3 && Tcl_GetIntFromObj(interp, objv[2], &n)!=TCL_OK ) return TCL_ERROR;
      if( n<1 || n>65536 ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj("N must be 1..65536", -1));
        return TCL_ERROR;
      }
      r = Tcl_NewByteArrayObj(NULL, n);
      buf = Tcl_GetByteArrayFromObj(r, NULL);
      if( YqRandom(buf, n)!=0 ){
        Tcl_DecrRefCount(r);
        Tcl_SetObjResult(interp, Tcl_NewStringObj("random generator failed", -1));
        return TCL_ERROR;
      }
      if( idx==CRYPTO_TOKEN ){
        Tcl_Obj *t = b64url(buf, n);
        Tcl_DecrRefCount(r);
        r = t;
      }
      Tcl_SetObjResult(interp, r);
      return TCL_OK;
    }
    case CRYPTO_EQUAL: {
      Tcl_DString da, db; int na, nb, i;
      const unsigned char *a = bytesOf(objv[2], &da, &na);
      const unsigned char *b = bytesOf(objv[3], &db, &nb);
      unsigned diff = (unsigned)(na ^ nb);
      for(i=0; i<na && i<nb; i++) diff |= a[i] ^ b[i];
      Tcl_DStringFree(&da); Tcl_DStringFree(&db);
      Tcl_SetObjResult(interp, Tcl_NewBooleanObj(diff==0));
      return TCL_OK;
    }
  }
  return TCL_OK;
}
