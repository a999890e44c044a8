/*
** tlsprefs.h - the cipher suites and key-exchange groups the HTTPS server offers, in order of
** preference: included by tls.c (the server) and by bench/tlsref.c (the reference server of
** bench/server.sh), so both offer exactly the same.
**
** How mbedTLS 3.6 chooses: in TLS 1.3 the client's order decides the suite and the group is that
** of the client's first key share the server offers (no HelloRetryRequest then), whatever our
** order; in TLS 1.2 our order decides both. So the only way to keep a TLS 1.3 client off a slow
** suite is not to offer it, and a group must stay offered as long as clients send their key share
** for it (browsers, curl and wrk send X25519): dropping X25519 to force P-256 costs every client a
** HelloRetryRequest round trip.
**
** Measured on the reference server (bench/server.sh, section 7: server CPU time per request, 2
** threads, 2-core x86-64 with AES-NI; the machine shared, so CPU time rather than rates):
**   20 KB response over keep-alive (AES-NI from intrinsics, issue 18): AES-128-GCM 66 us,
**                                    ChaCha20-Poly1305 72 us, AES-256-GCM 73 us (idle machine)
**   full handshake (ECDSA P-256), with X25519 by Everest's HACL* code (src/deps.sh, and
**   src/patches/mbedtls-x25519-hacl.patch for the public key): TLS 1.3 X25519 share 507-520 us,
**                                    TLS 1.2 X25519 818 us, TLS 1.2 P-256 1589 us, TLS 1.3 P-256
**                                    after a HelloRetryRequest 1269 us (before Everest: 1359,
**                                    1650, 1562 and 1252 us: P-256 was the faster group then)
** Hence: TLS 1.3 offers AES-128-GCM and ChaCha20-Poly1305 only (AES-128-GCM is the suite every
** TLS 1.3 client must implement; OpenSSL-based clients, which list AES-256-GCM first, then take
** ChaCha20, browsers with AES-NI take AES-128-GCM); TLS 1.2 prefers AES-128-GCM, then
** ChaCha20-Poly1305, and keeps AES-256-GCM last for clients with nothing else; X25519 before
** P-256 (TLS 1.2, and the group asked for in a HelloRetryRequest). bench/server.sh prints these
** figures on every run, so re-check the order when the build changes.
*/
#ifndef YQBOX_TLSPREFS_H
#define YQBOX_TLSPREFS_H
#include <stdint.h>
#include <mbedtls/ssl.h>

static const int yqTlsSuites[] = {
  MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
  MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
  0
};
static const uint16_t yqTlsGroups[] = {
  MBEDTLS_SSL_IANA_TLS_GROUP_X25519, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};
#endif
