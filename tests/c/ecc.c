/*
** ecc.c - C unit test of the elliptic-curve code yqbox's TLS server runs on, as built by
** src/deps.sh: X25519 through mbedTLS's two APIs (mbedtls_ecp_mul, which
** src/patches/mbedtls-x25519-hacl.patch routes to Project Everest's HACL* code, and PSA's key
** export and agreement, the path of a TLS 1.3 handshake) against the test vectors of RFC 7748
** sections 5.2 and 6.1, and the refusal of low-order peer keys. Prints "N passed, N failed".
*/
#include <string.h>
#include <mbedtls/ecp.h>
#include <psa/crypto.h>
#include "check.h"

/* unhex: the 32 bytes of the 64 hex digits H in OUT. */
static void unhex(const char *h, unsigned char out[32]){
  int i;
  for(i = 0; i < 32; i++){
    unsigned int b;
    sscanf(h + 2*i, "%2x", &b);
    out[i] = (unsigned char)b;
  }
}

/* rng: mbedtls_ecp_mul's random source (its ladder blinds with it): PSA's. Returns 0 or -1. */
static int rng(void *unused, unsigned char *buf, size_t n){
  (void)unused;
  return psa_generate_random(buf, n)==PSA_SUCCESS ? 0 : -1;
}

/* x25519: OUT = X25519(K, U) by mbedtls_ecp_mul, K clamped and U's top bit masked as RFC 7748
** section 5 says (mbedtls_ecp_point_read_binary masks it). Returns mbedTLS's result code. */
static int x25519(const unsigned char k[32], const unsigned char u[32], unsigned char out[32]){
  mbedtls_ecp_group grp;
  mbedtls_ecp_point P, R;
  mbedtls_mpi m;
  unsigned char kc[32];
  size_t n;
  int rc;
  memcpy(kc, k, 32);
  kc[0] &= 248; kc[31] &= 127; kc[31] |= 64;
  mbedtls_ecp_group_init(&grp); mbedtls_ecp_point_init(&P); mbedtls_ecp_point_init(&R);
  mbedtls_mpi_init(&m);
  rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519);
  if( rc==0 ) rc = mbedtls_mpi_read_binary_le(&m, kc, 32);
  if( rc==0 ) rc = mbedtls_ecp_point_read_binary(&grp, &P, u, 32);
  if( rc==0 ) rc = mbedtls_ecp_mul(&grp, &R, &m, &P, rng, NULL);
  if( rc==0 ) rc = mbedtls_ecp_point_write_binary(&grp, &R, MBEDTLS_ECP_PF_UNCOMPRESSED, &n, out, 32);
  mbedtls_ecp_group_free(&grp); mbedtls_ecp_point_free(&P); mbedtls_ecp_point_free(&R);
  mbedtls_mpi_free(&m);
  return rc;
}

/* importPrivate: a PSA X25519 key pair from the 32 bytes K (usage: derive, export).
** Returns the key id, 0 on failure. */
static psa_key_id_t importPrivate(const unsigned char k[32]){
  psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
  psa_key_id_t id = 0;
  psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY));
  psa_set_key_bits(&a, 255);
  psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT);
  psa_set_key_algorithm(&a, PSA_ALG_ECDH);
  if( psa_import_key(&a, k, 32, &id)!=PSA_SUCCESS ) return 0;
  return id;
}

int main(void){
  unsigned char k[32], u[32], want[32], out[32], tmp[32];
  int i;

  CHECK( psa_crypto_init()==PSA_SUCCESS );
  /* RFC 7748 5.2: the two single vectors (the second's u has its top bit set: masked) */
  unhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", k);
  unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", u);
  unhex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", want);
  CHECK( x25519(k, u, out)==0 && memcmp(out, want, 32)==0 );
  unhex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d", k);
  unhex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493", u);
  unhex("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957", want);
  CHECK( x25519(k, u, out)==0 && memcmp(out, want, 32)==0 );

  /* RFC 7748 5.2: k = u = 9, then k, u = X25519(k, u), k: after 1 and after 1,000 iterations */
  memset(k, 0, 32); k[0] = 9; memcpy(u, k, 32);
  for(i = 1; i <= 1000; i++){
    if( x25519(k, u, out)!=0 ) break;
    memcpy(u, k, 32); memcpy(k, out, 32);
    if( i==1 ){
      unhex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", want);
      CHECK( memcmp(k, want, 32)==0 );
    }
  }
  unhex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", want);
  CHECK( i==1001 && memcmp(k, want, 32)==0 );

  /* RFC 7748 6.1 through PSA, as a TLS 1.3 handshake does it: each side's public key exported
  ** from its private key, then the shared secret from each side */
  {
    static const char *priv[2] = {
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
      "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb" };
    static const char *pub[2] = {
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f" };
    static const char *bad[3] = {
      "0000000000000000000000000000000000000000000000000000000000000000",   /* u = 0 */
      "0100000000000000000000000000000000000000000000000000000000000000",   /* u = 1 */
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800" }; /* order 8 */
    psa_key_id_t id[2];
    size_t n;
    unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want);
    for(i = 0; i < 2; i++){
      unhex(priv[i], k);
      id[i] = importPrivate(k);
      CHECK( id[i]!=0 );
      unhex(pub[i], want);
      CHECK( psa_export_public_key(id[i], out, 32, &n)==PSA_SUCCESS && n==32
             && memcmp(out, want, 32)==0 );
    }
    for(i = 0; i < 2; i++){
      unhex(pub[1-i], u);
      unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want);
      CHECK( psa_raw_key_agreement(PSA_ALG_ECDH, id[i], u, 32, out, 32, &n)==PSA_SUCCESS
             && n==32 && memcmp(out, want, 32)==0 );
    }
    /* a peer key of low order gives no shared secret, by either API */
    for(i = 0; i < 3; i++){
      unhex(bad[i], u);
      CHECK( psa_raw_key_agreement(PSA_ALG_ECDH, id[0], u, 32, out, 32, &n)!=PSA_SUCCESS );
      unhex(priv[0], k);
      CHECK( x25519(k, u, tmp)!=0 );
    }
    psa_destroy_key(id[0]); psa_destroy_key(id[1]);
  }
  mbedtls_psa_crypto_free();
  return DONE();
}
