/*
** tlsprefs.h - the cipher suites and key-exchange groups the HTTPS server offers, in order of
** preference: included by tls.c (the server) and by bench/tlsref.c (the reference server of
** bench/server.sh), so both offer exactly the same. Why this order: see the figures in tls.c.
*/
#ifndef YQBOX_TLSPREFS_H
#define YQBOX_TLSPREFS_H
#include <stdint.h>
#include <mbedtls/ssl.h>

static const int yqTlsSuites[] = {
  MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
  MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
  MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
  MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
  0
};
static const uint16_t yqTlsGroups[] = {
  MBEDTLS_SSL_IANA_TLS_GROUP_X25519, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};
#endif
