/*
** tlsref.c - the reference HTTPS server of bench/server.sh: the least a server on our mbedTLS build
** can do, so that the bench prints yqbox's HTTPS figures as a ratio to the design's own limit.
**
** N threads, each with its own epoll loop and its own SO_REUSEPORT listener on 127.0.0.1:PORT;
** every connection: TLS handshake, then read requests (up to the blank line; bodies are not
** supported) and answer each with the same fixed response (the bytes of FILE with a minimal head),
** keep-alive unless the request says "Connection: close". The same mbedTLS library as ./yqbox
** (the musl dependency build) set up the same way (src/crypto.c's YqCryptoInit: mbedTLS allocates
** through Tcl's allocator; its random generator YqRandomCb), the same certificate and key, the
** same cipher suites and groups in the same order (src/tlsprefs.h), session tickets as yqbox has
** them, TLS 1.2 and 1.3.
**
** Usage: tlsref CERT KEY PORT FILE THREADS ?-suites aes128,aes256,chacha? ?-groups x25519,p256?
**        ?-tls12?
** -suites / -groups offer only those (in that order; TLS 1.3 names, with the matching TLS 1.2
** ECDHE-ECDSA suites) to measure one against another; -tls12 caps the version at TLS 1.2, where
** the server's group order decides (in TLS 1.3 the client's key share does). Prints "ready" on
** stdout once listening; runs until killed. Built by `make build/tlsref`; not part of yqbox.
*/
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/net_sockets.h>
#include <psa/crypto.h>
#include "yqbox.h"
#include "tlsprefs.h"

static mbedtls_ssl_config conf;
static mbedtls_x509_crt chain;
static mbedtls_pk_context pkey;
static mbedtls_ssl_ticket_context ticket;
static char *resp; static size_t respLen;     /* the whole response, head and body */
static int port;

typedef struct Conn {
  int fd, hs, closeAfter;
  unsigned events;
  mbedtls_ssl_context ssl;
  char in[16384]; size_t inLen;
  size_t outOff; int writing;
} Conn;

/* die: print MSG (and mbedTLS code RC when nonzero) and exit 1. */
static void die(const char *msg, int rc){
  fprintf(stderr, "tlsref: %s (-0x%04x)\n", msg, (unsigned)-rc);
  exit(1);
}

/* bioSend / bioRecv: mbedTLS's I/O on a non-blocking socket (WANT_* when it would block). */
static int bioSend(void *ctx, const unsigned char *b, size_t n){
  ssize_t r = send(((Conn*)ctx)->fd, b, n, MSG_NOSIGNAL);
  if( r<0 ) return (errno==EAGAIN || errno==EINTR) ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
  return (int)r;
}
static int bioRecv(void *ctx, unsigned char *b, size_t n){
  ssize_t r = recv(((Conn*)ctx)->fd, b, n, 0);
  if( r<0 ) return (errno==EAGAIN || errno==EINTR) ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
  if( r==0 ) return MBEDTLS_ERR_SSL_CONN_EOF;
  return (int)r;
}

/* want: set C's epoll interest to EV on EPFD. */
static void want(int epfd, Conn *c, unsigned ev){
  struct epoll_event e;
  if( c->events==ev ) return;
  e.events = ev; e.data.ptr = c;
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e);
  c->events = ev;
}

/* drop: close C and free it. */
static void drop(Conn *c){
  mbedtls_ssl_free(&c->ssl);
  close(c->fd);
  free(c);
}

/* run: advance C as far as it goes without blocking (handshake, read, answer); may free it. */
static void run(int epfd, Conn *c){
  for(;;){
    int r;
    if( c->hs ){
      r = mbedtls_ssl_handshake(&c->ssl);
      if( r==MBEDTLS_ERR_SSL_WANT_READ ){ want(epfd, c, EPOLLIN); return; }
      if( r==MBEDTLS_ERR_SSL_WANT_WRITE ){ want(epfd, c, EPOLLOUT); return; }
      if( r ){ drop(c); return; }
      c->hs = 0;
    }
    if( c->writing ){
      r = mbedtls_ssl_write(&c->ssl, (const unsigned char*)resp + c->outOff, respLen - c->outOff);
      if( r==MBEDTLS_ERR_SSL_WANT_WRITE || r==MBEDTLS_ERR_SSL_WANT_READ ){ want(epfd, c, EPOLLOUT); return; }
      if( r<=0 ){ drop(c); return; }
      c->outOff += r;
      if( c->outOff<respLen ) continue;
      c->writing = 0;
      if( c->closeAfter ){ mbedtls_ssl_close_notify(&c->ssl); drop(c); return; }
    }
    {
      char *end = memmem(c->in, c->inLen, "\r\n\r\n", 4);
      if( end ){
        size_t used = end + 4 - c->in, i;
        for(i=0; i+17<=used; i++){
          if( strncasecmp(c->in+i, "connection: close", 17)==0 ){ c->closeAfter = 1; break; }
        }
        memmove(c->in, c->in + used, c->inLen - used);
        c->inLen -= used;
        c->writing = 1; c->outOff = 0;
        continue;
      }
    }
    if( c->inLen==sizeof c->in ){ drop(c); return; }
    r = mbedtls_ssl_read(&c->ssl, (unsigned char*)c->in + c->inLen, sizeof c->in - c->inLen);
    if( r==MBEDTLS_ERR_SSL_WANT_READ || r==MBEDTLS_ERR_SSL_WANT_WRITE ){ want(epfd, c, EPOLLIN); return; }
    if( r<=0 ){ drop(c); return; }
    c->inLen += r;
  }
}

/* listener: a listening SO_REUSEPORT socket on 127.0.0.1:PORT (exits on failure). */
static int listener(void){
  struct sockaddr_in sa;
  int one = 1, lfd = socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK, 0);
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET; sa.sin_port = htons(port); sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if( bind(lfd, (struct sockaddr*)&sa, sizeof sa) || listen(lfd, 4096) ){ perror("tlsref: listen"); exit(1); }
  return lfd;
}

/* thread: one server thread: the epoll loop over its listener ARG (a descriptor). Never returns. */
static void *thread(void *arg){
  struct epoll_event e, evs[256];
  int one = 1, lfd = (int)(intptr_t)arg, epfd;
  epfd = epoll_create1(0);
  e.events = EPOLLIN; e.data.ptr = 0;
  epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &e);
  for(;;){
    int n = epoll_wait(epfd, evs, 256, -1), i;
    for(i=0; i<n; i++){
      Conn *c = evs[i].data.ptr;
      if( !c ){
        int fd;
        while( (fd = accept4(lfd, 0, 0, SOCK_NONBLOCK))>=0 ){
          c = calloc(1, sizeof *c);
          c->fd = fd; c->hs = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          mbedtls_ssl_init(&c->ssl);
          if( mbedtls_ssl_setup(&c->ssl, &conf) ){ drop(c); continue; }
          mbedtls_ssl_set_bio(&c->ssl, c, bioSend, bioRecv, NULL);
          e.events = EPOLLIN; e.data.ptr = c; c->events = EPOLLIN;
          epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
          run(epfd, c);
        }
        continue;
      }
      run(epfd, c);
    }
  }
  return 0;
}

/* pickSuites: the suites named in the comma list LIST (aes128, aes256, chacha: each the TLS 1.3
** suite and the TLS 1.2 ECDHE-ECDSA one with that cipher) into OUT, in LIST's order, ending with 0. */
static void pickSuites(const char *list, int *out){
  int k = 0;
  char buf[200], *tok, *save;
  snprintf(buf, sizeof buf, "%s", list);
  for(tok=strtok_r(buf, ",", &save); tok; tok=strtok_r(0, ",", &save)){
    if( strcmp(tok, "aes128")==0 ){
      out[k++] = MBEDTLS_TLS1_3_AES_128_GCM_SHA256; out[k++] = MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    }else if( strcmp(tok, "aes256")==0 ){
      out[k++] = MBEDTLS_TLS1_3_AES_256_GCM_SHA384; out[k++] = MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;
    }else if( strcmp(tok, "chacha")==0 ){
      out[k++] = MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256; out[k++] = MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256;
    }else{ fprintf(stderr, "tlsref: unknown suite %s (aes128, aes256, chacha)\n", tok); exit(2); }
  }
  out[k] = 0;
}

/* pickGroups: the groups named in the comma list LIST (x25519, p256) into OUT, ending with NONE. */
static void pickGroups(const char *list, uint16_t *out){
  int k = 0;
  char buf[200], *tok, *save;
  snprintf(buf, sizeof buf, "%s", list);
  for(tok=strtok_r(buf, ",", &save); tok; tok=strtok_r(0, ",", &save)){
    if( strcmp(tok, "x25519")==0 ) out[k++] = MBEDTLS_SSL_IANA_TLS_GROUP_X25519;
    else if( strcmp(tok, "p256")==0 ) out[k++] = MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1;
    else { fprintf(stderr, "tlsref: unknown group %s (x25519, p256)\n", tok); exit(2); }
  }
  out[k] = MBEDTLS_SSL_IANA_TLS_GROUP_NONE;
}

int main(int argc, char **argv){
  static int suites[16];
  static uint16_t groups[8];
  const int *su = yqTlsSuites;
  const uint16_t *gr = yqTlsGroups;
  int nThreads, i, rc, tls12 = 0;
  FILE *f;
  long len;
  char *body;
  pthread_t t;
  if( argc<6 ){
    fprintf(stderr, "usage: tlsref CERT KEY PORT FILE THREADS ?-suites LIST? ?-groups LIST? ?-tls12?\n");
    return 2;
  }
  port = atoi(argv[3]);
  nThreads = atoi(argv[5]);
  for(i=6; i<argc; i++){
    if( strcmp(argv[i], "-suites")==0 && i+1<argc ){ pickSuites(argv[++i], suites); su = suites; }
    else if( strcmp(argv[i], "-groups")==0 && i+1<argc ){ pickGroups(argv[++i], groups); gr = groups; }
    else if( strcmp(argv[i], "-tls12")==0 ) tls12 = 1;
    else { fprintf(stderr, "tlsref: bad option %s\n", argv[i]); return 2; }
  }
  f = fopen(argv[4], "rb");
  if( !f ){ perror(argv[4]); return 1; }
  fseek(f, 0, SEEK_END); len = ftell(f); rewind(f);
  body = malloc(len);
  if( fread(body, 1, len, f)!=(size_t)len ){ perror(argv[4]); return 1; }
  fclose(f);
  resp = malloc(len + 200);
  respLen = sprintf(resp, "HTTP/1.1 200 OK\r\nServer: tlsref\r\nContent-Type: text/html; charset=utf-8\r\n"
                    "Content-Length: %ld\r\n\r\n", len);
  memcpy(resp + respLen, body, len); respLen += len;
  free(body);

  Tcl_FindExecutable(argv[0]);
  YqCryptoInit();
  if( psa_crypto_init()!=PSA_SUCCESS ) die("psa_crypto_init", 0);
  mbedtls_x509_crt_init(&chain);
  mbedtls_pk_init(&pkey);
  if( (rc = mbedtls_x509_crt_parse_file(&chain, argv[1])) ) die("certificate", rc);
  if( (rc = mbedtls_pk_parse_keyfile(&pkey, argv[2], NULL, YqRandomCb, NULL)) ) die("key", rc);
  mbedtls_ssl_config_init(&conf);
  if( (rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT)) ) die("defaults", rc);
  mbedtls_ssl_conf_min_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);
  mbedtls_ssl_conf_max_tls_version(&conf, tls12 ? MBEDTLS_SSL_VERSION_TLS1_2 : MBEDTLS_SSL_VERSION_TLS1_3);
  mbedtls_ssl_conf_rng(&conf, YqRandomCb, NULL);
  mbedtls_ssl_conf_ciphersuites(&conf, su);
  mbedtls_ssl_conf_groups(&conf, gr);
  if( (rc = mbedtls_ssl_conf_own_cert(&conf, &chain, &pkey)) ) die("own cert", rc);
  mbedtls_ssl_ticket_init(&ticket);
  if( (rc = mbedtls_ssl_ticket_setup(&ticket, YqRandomCb, NULL, MBEDTLS_CIPHER_AES_256_GCM, 86400)) ) die("tickets", rc);
  mbedtls_ssl_conf_session_tickets_cb(&conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &ticket);
  signal(SIGPIPE, SIG_IGN);
  {
    int lfds[256];
    if( nThreads<1 || nThreads>256 ){ fprintf(stderr, "tlsref: THREADS must be 1 to 256\n"); return 2; }
    for(i=0; i<nThreads; i++) lfds[i] = listener();
    for(i=1; i<nThreads; i++) pthread_create(&t, 0, thread, (void*)(intptr_t)lfds[i]);
    printf("ready\n");
    fflush(stdout);
    thread((void*)(intptr_t)lfds[0]);
  }
  return 0;
}
