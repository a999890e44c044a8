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
** threads, 2-core x86-64 with AES-NI, this mbedTLS build with its assembly AES-NI code; the machine
** shared, load 14-17, so CPU time rather than rates; two runs each):
**   20 KB response over keep-alive:  ChaCha20-Poly1305 71-73 us, AES-128-GCM 86-91 us,
**                                    AES-256-GCM 89-91 us (GHASH dominates GCM: see issue 18)
**   full handshake (ECDSA P-256):    TLS 1.2 P-256 1686-1722 us, TLS 1.2 X25519 1782-1801 us;
**                                    TLS 1.3 X25519 share 1498-1566 us, P-256 after a
**                                    HelloRetryRequest 1367-1386 us (cheaper for us, a round trip
**                                    more for the client: not forced)
** Hence: TLS 1.3 offers AES-128-GCM and ChaCha20-Poly1305 only (AES-128-GCM is the suite every
** TLS 1.3 client must implement; OpenSSL-based clients, which list AES-256-GCM first, then take
** ChaCha20, browsers with AES-NI take AES-128-GCM); TLS 1.2 prefers ChaCha20-Poly1305, then
** AES-128-GCM, and keeps AES-256-GCM last for clients with nothing else; P-256 before X25519
** (TLS 1.2, and the group asked for in a HelloRetryRequest). With AES-NI compiled from intrinsics
** (issue 18: +32 % on AES-GCM) AES-128-GCM comes close to ChaCha20; bench/server.sh prints these
** figures on every run, so re-check the order when the build changes.
*/
#ifndef YQBOX_TLSPREFS_H
#define YQBOX_TLSPREFS_H
#include <stdint.h>
#include <mbedtls/ssl.h>

static const int yqTlsSuites[] = {
  MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
  MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
  0
};
static const uint16_t yqTlsGroups[] = {
  MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_X25519, MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};
#endif
