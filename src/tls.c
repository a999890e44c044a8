/*
** tls.c - the server side of TLS on mbedTLS 3.6 for the HTTPS driver (httpd.c).
**
** One TlsConf holds an mbedTLS server configuration: TLS 1.3 and 1.2 only, AEAD cipher suites only
** (AES-GCM and ChaCha20-Poly1305), ECDHE over P-256 and X25519, session tickets for resumption
** (both versions), the certificate chain and key. The suites and groups, and their order, are
** chosen for speed in src/tlsprefs.h (with the figures behind the choice). TlsLoad() builds one from PEM files; when no
** certificate is configured it uses DATADIR/tls-cert.pem and DATADIR/tls-key.pem, generating a
** self-signed ECDSA P-256 pair there on first start (key file mode 0600) and logging the SHA-256
** fingerprint. A TlsConf is reference counted: every connection holds the one it started with, so
** TlsSetCurrent() can swap in a reloaded certificate (SIGHUP) without dropping connections. The
** random generator is one CTR_DRBG shared by all threads (mbedTLS is built with
** MBEDTLS_THREADING_PTHREAD, so it locks itself).
*/
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ecp.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>
#include "yqbox.h"
#include "tlsprefs.h"

struct TlsConf {
  int refs;                          /* atomic */
  mbedtls_ssl_config conf;
  mbedtls_x509_crt chain;
  mbedtls_pk_context key;
  mbedtls_ssl_ticket_context ticket;
  char fingerprint[100];             /* SHA-256 of the leaf certificate, AA:BB:... */
};

static pthread_mutex_t curMutex = PTHREAD_MUTEX_INITIALIZER;
static TlsConf *current;

/* mbedErr: write mbedTLS error RC with a prefix WHAT into ERR (N bytes). Returns -1. */
static int mbedErr(char *err, size_t n, const char *what, int rc){
  char buf[160];
  mbedtls_strerror(rc, buf, sizeof buf);
  snprintf(err, n, "%s: %s (-0x%04x)", what, buf, (unsigned)-rc);
  return -1;
}

/*
** TlsInit: initialise PSA crypto (once per process). Randomness comes from crypto.c's generator.
** Returns 0, or -1 with a message in ERR.
*/
int TlsInit(char *err, size_t n){
  static int done;
  if( done ) return 0;
  if( psa_crypto_init()!=PSA_SUCCESS ){ snprintf(err, n, "PSA crypto initialisation failed"); return -1; }
  done = 1;
  return 0;
}


/* writeFile: create PATH anew (via a temporary file and rename) with MODE holding LEN bytes of DATA.
** Returns 0 or -1 with a message in ERR. */
static int writeFile(const char *path, const unsigned char *data, size_t len, int mode, char *err, size_t n){
  char tmp[4200];
  int fd;
  snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
  fd = open(tmp, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, mode);
  if( fd<0 ){ snprintf(err, n, "cannot create %s: %s", tmp, strerror(errno)); return -1; }
  fchmod(fd, mode);
  if( write(fd, data, len)!=(ssize_t)len || fsync(fd)!=0 ){
    snprintf(err, n, "cannot write %s: %s", tmp, strerror(errno));
    close(fd); unlink(tmp);
    return -1;
  }
  close(fd);
  if( rename(tmp, path)!=0 ){
    snprintf(err, n, "cannot rename %s: %s", tmp, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/*
** generate: create a self-signed ECDSA P-256 certificate (CN=yqbox, SAN localhost, valid from a
** day ago for ten years) and its key into CERTFILE and KEYFILE (0600). Returns 0 or -1 with ERR.
*/
static int generate(const char *certFile, const char *keyFile, char *err, size_t n){
  mbedtls_pk_context key;
  mbedtls_x509write_cert crt;
  mbedtls_x509_san_list san;
  unsigned char serial[16], *pem = malloc(8192);
  char from[20], to[20];
  time_t now = time(0);
  struct tm tm;
  int rc = -1, r;

  if( !pem ){ snprintf(err, n, "out of memory"); return -1; }
  mbedtls_pk_init(&key);
  mbedtls_x509write_crt_init(&crt);
  if( (r = mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) ){
    mbedErr(err, n, "key setup", r); goto done;
  }
  if( (r = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key), YqRandomCb, NULL)) ){
    mbedErr(err, n, "generating an ECDSA P-256 key", r); goto done;
  }
  now -= 86400;
  gmtime_r(&now, &tm);
  strftime(from, sizeof from, "%Y%m%d%H%M%S", &tm);
  tm.tm_year += 10;
  strftime(to, sizeof to, "%Y%m%d%H%M%S", &tm);
  YqRandom(serial, sizeof serial);
  serial[0] &= 0x7f; serial[0] |= 0x01;
  memset(&san, 0, sizeof san);
  san.node.type = MBEDTLS_X509_SAN_DNS_NAME;
  san.node.san.unstructured_name.p = (unsigned char*)"localhost";
  san.node.san.unstructured_name.len = 9;
  mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
  mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(&crt, &key);
  mbedtls_x509write_crt_set_issuer_key(&crt, &key);
  if( (r = mbedtls_x509write_crt_set_subject_name(&crt, "CN=yqbox,O=yqbox"))
   || (r = mbedtls_x509write_crt_set_issuer_name(&crt, "CN=yqbox,O=yqbox"))
   || (r = mbedtls_x509write_crt_set_serial_raw(&crt, serial, sizeof serial))
   || (r = mbedtls_x509write_crt_set_validity(&crt, from, to))
   || (r = mbedtls_x509write_crt_set_basic_constraints(&crt, 1, 0))
   || (r = mbedtls_x509write_crt_set_subject_key_identifier(&crt))
   || (r = mbedtls_x509write_crt_set_subject_alternative_name(&crt, &san)) ){
    mbedErr(err, n, "building the certificate", r); goto done;
  }
  if( (r = mbedtls_pk_write_key_pem(&key, pem, 8192)) ){ mbedErr(err, n, "writing the key", r); goto done; }
  if( writeFile(keyFile, pem, strlen((char*)pem), 0600, err, n) ) goto done;
  if( (r = mbedtls_x509write_crt_pem(&crt, pem, 8192, YqRandomCb, NULL)) ){
    mbedErr(err, n, "signing the certificate", r); unlink(keyFile); goto done;
  }
  if( writeFile(certFile, pem, strlen((char*)pem), 0600, err, n) ){ unlink(keyFile); goto done; }
  rc = 0;
done:
  mbedtls_x509write_crt_free(&crt);
  mbedtls_pk_free(&key);
  free(pem);
  return rc;
}

/*
** TlsLoad: build a server configuration from CERTFILE (PEM chain, leaf first) and KEYFILE. When
** both are empty, DATADIR/tls-cert.pem and DATADIR/tls-key.pem are used and generated first if
** missing (*GENERATED set to 1). Returns the new TlsConf (one reference), or NULL with ERR set.
*/
TlsConf *TlsLoad(const char *certFile, const char *keyFile, const char *datadir, int *generated,
                 char *err, size_t n){
  char cpath[4096], kpath[4096];
  unsigned char hash[32];
  TlsConf *t;
  int r, i;

  *generated = 0;
  if( TlsInit(err, n) ) return 0;
  if( (!certFile || !*certFile) != (!keyFile || !*keyFile) ){
    snprintf(err, n, "tls_cert and tls_key must be given together");
    return 0;
  }
  if( !certFile || !*certFile ){
    snprintf(cpath, sizeof cpath, "%s/tls-cert.pem", datadir);
    snprintf(kpath, sizeof kpath, "%s/tls-key.pem", datadir);
    if( access(cpath, F_OK)!=0 || access(kpath, F_OK)!=0 ){
      if( generate(cpath, kpath, err, n) ) return 0;
      *generated = 1;
    }
  }else{
    snprintf(cpath, sizeof cpath, "%s", certFile);
    snprintf(kpath, sizeof kpath, "%s", keyFile);
  }
  t = calloc(1, sizeof *t);
  if( !t ){ snprintf(err, n, "out of memory"); return 0; }
  t->refs = 1;
  mbedtls_ssl_config_init(&t->conf);
  mbedtls_x509_crt_init(&t->chain);
  mbedtls_pk_init(&t->key);
  mbedtls_ssl_ticket_init(&t->ticket);
  if( (r = mbedtls_x509_crt_parse_file(&t->chain, cpath)) ){
    char what[4200]; snprintf(what, sizeof what, "certificate %s", cpath);
    mbedErr(err, n, what, r); goto fail;
  }
  if( (r = mbedtls_pk_parse_keyfile(&t->key, kpath, NULL, YqRandomCb, NULL)) ){
    char what[4200]; snprintf(what, sizeof what, "key %s", kpath);
    mbedErr(err, n, what, r); goto fail;
  }
  if( (r = mbedtls_pk_check_pair(&t->chain.pk, &t->key, YqRandomCb, NULL)) ){
    snprintf(err, n, "key %s does not belong to certificate %s", kpath, cpath); goto fail;
  }
  if( (r = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                       MBEDTLS_SSL_PRESET_DEFAULT)) ){
    mbedErr(err, n, "TLS defaults", r); goto fail;
  }
  mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
  mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_3);
  mbedtls_ssl_conf_rng(&t->conf, YqRandomCb, NULL);
  mbedtls_ssl_conf_ciphersuites(&t->conf, yqTlsSuites);
  mbedtls_ssl_conf_groups(&t->conf, yqTlsGroups);
  if( (r = mbedtls_ssl_conf_own_cert(&t->conf, &t->chain, &t->key)) ){
    mbedErr(err, n, "installing the certificate", r); goto fail;
  }
  if( (r = mbedtls_ssl_ticket_setup(&t->ticket, YqRandomCb, NULL,
                                    MBEDTLS_CIPHER_AES_256_GCM, 86400)) ){
    mbedErr(err, n, "session tickets", r); goto fail;
  }
  mbedtls_ssl_conf_session_tickets_cb(&t->conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &t->ticket);
  mbedtls_sha256(t->chain.raw.p, t->chain.raw.len, hash, 0);
  for(i=0; i<32; i++) sprintf(t->fingerprint+3*i, "%02X%s", hash[i], i<31 ? ":" : "");
  return t;
fail:
  TlsUnref(t);
  return 0;
}

/* TlsConfig: the mbedTLS configuration of T (for mbedtls_ssl_setup). */
const mbedtls_ssl_config *TlsConfig(TlsConf *t){ return &t->conf; }

/* TlsFingerprint: the SHA-256 fingerprint of T's certificate as AA:BB:... */
const char *TlsFingerprint(TlsConf *t){ return t->fingerprint; }

/* TlsDescribe: T's leaf certificate's validity as "YYYY-MM-DD HH:MM:SS" UTC into FROM and TO
** (N bytes each), its key's type (*KEYTYPE: "RSA", "EC", ...) and size in bits (*KEYBITS). */
void TlsDescribe(TlsConf *t, char *from, char *to, size_t n, const char **keyType, size_t *keyBits){
  const mbedtls_x509_time *f = &t->chain.valid_from, *e = &t->chain.valid_to;
  snprintf(from, n, "%04d-%02d-%02d %02d:%02d:%02d", f->year, f->mon, f->day, f->hour, f->min, f->sec);
  snprintf(to, n, "%04d-%02d-%02d %02d:%02d:%02d", e->year, e->mon, e->day, e->hour, e->min, e->sec);
  *keyType = mbedtls_pk_get_name(&t->chain.pk);
  *keyBits = mbedtls_pk_get_bitlen(&t->chain.pk);
}

/* TlsRef: take one more reference to T; returns T. */
TlsConf *TlsRef(TlsConf *t){
  if( t ) __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
  return t;
}

/* TlsUnref: drop a reference to T, freeing it with the last one. */
void TlsUnref(TlsConf *t){
  if( !t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL)>0 ) return;
  mbedtls_ssl_config_free(&t->conf);
  mbedtls_ssl_ticket_free(&t->ticket);
  mbedtls_x509_crt_free(&t->chain);
  mbedtls_pk_free(&t->key);
  free(t);
}

/* TlsCurrent: the configuration new connections use, with a reference taken (NULL if none). */
TlsConf *TlsCurrent(void){
  TlsConf *t;
  pthread_mutex_lock(&curMutex);
  t = TlsRef(current);
  pthread_mutex_unlock(&curMutex);
  return t;
}

/* TlsSetCurrent: make T (its reference is taken over) the configuration for new connections;
** the previous one is released once its last connection ends. */
void TlsSetCurrent(TlsConf *t){
  TlsConf *old;
  pthread_mutex_lock(&curMutex);
  old = current;
  current = t;
  pthread_mutex_unlock(&curMutex);
  TlsUnref(old);
}

/*
** TlsCertExpiry: the end of validity (valid_to) of the first certificate in the PEM file PATH,
** as "YYYY-MM-DD HH:MM:SS" UTC into OUT. Returns 0, or -1 with ERR set. Reads the file only.
*/
int TlsCertExpiry(const char *path, char *out, size_t outn, char *err, size_t n){
  mbedtls_x509_crt crt;
  int r;
  mbedtls_x509_crt_init(&crt);
  if( (r = mbedtls_x509_crt_parse_file(&crt, path)) ){
    char e[120];
    mbedtls_strerror(r, e, sizeof e);
    snprintf(err, n, "cannot read certificate %s: %s", path, e);
    mbedtls_x509_crt_free(&crt);
    return -1;
  }
  snprintf(out, outn, "%04d-%02d-%02d %02d:%02d:%02d", crt.valid_to.year, crt.valid_to.mon,
           crt.valid_to.day, crt.valid_to.hour, crt.valid_to.min, crt.valid_to.sec);
  mbedtls_x509_crt_free(&crt);
  return 0;
}
