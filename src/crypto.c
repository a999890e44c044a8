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
** DATA, KEY, PASSWORD and SALT are taken as bytes when they are byte arrays (e.g. from `crypto
** random` or a binary read), otherwise as the UTF-8 encoding of the string.
*/
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
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

/* CryptoCmd: the `crypto` command; see the file comment. */
int CryptoCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"sha256", "hmac", "pbkdf2", "random", "token", "equal", "sha256file", NULL};
  enum CryptoSub { CRYPTO_SHA256, CRYPTO_HMAC, CRYPTO_PBKDF2, CRYPTO_RANDOM, CRYPTO_TOKEN, CRYPTO_EQUAL,
                   CRYPTO_SHA256FILE };
  static const int nargs[][2] = {{3,3}, {4,5}, {5,6}, {3,3}, {2,3}, {4,4}, {3,3}};
  unsigned char out[64];
  int idx;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( objc<nargs[idx][0] || objc>nargs[idx][1] ){
    static const char *const usage[] = {"DATA", "KEY DATA ?sha256|sha1?", "PASSWORD SALT ITERATIONS ?LENGTH?", "N",
                                  "?N?", "A B", "PATH"};
    Tcl_WrongNumArgs(interp, 2, objv, usage[idx]);
    return TCL_ERROR;
  }
  switch( (enum CryptoSub)idx ){
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
