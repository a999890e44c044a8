/*
** mail.c - sending one mail message through libcurl's SMTP client (the notification queue's mail
** channel, scripts/workflow/notify.tcl).
**
** `mail send URL MESSAGE -from ADDR -to LIST ?-user U -password P? ?-starttls required|try|off?
** ?-verify BOOL? ?-cafile FILE? ?-timeout MS? ?-command CMD?` delivers MESSAGE (a complete RFC 5322
** message; line ends CRLF) to every address of LIST. URL is smtp://HOST:PORT (STARTTLS as
** -starttls says) or smtps://HOST:PORT (TLS from the first byte). With -command the transfer runs
** on a thread of its own and CMD is called later, in the calling thread's event loop, with a dict
** {ok 0|1 error TEXT code SMTP-REPLY-CODE}: the event loop never waits for a mail server. Without
** -command the call blocks and returns that dict (console use). Bad arguments are errors at once
** and send nothing.
*/
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "yqbox.h"

typedef struct MailJob {
  char *url, *from, *user, *password, *cafile, *msg;
  size_t len, off;
  struct curl_slist *rcpt;
  int starttls;               /* 0 off, 1 try, 2 required */
  int verify;
  long timeoutMs;
  Tcl_ThreadId owner;
  Tcl_Interp *interp;
  Tcl_Obj *command;
  int ok;
  long code;
  char err[CURL_ERROR_SIZE + 64];
} MailJob;

typedef struct MailEvent {
  Tcl_Event header;
  MailJob *job;
} MailEvent;

TCL_DECLARE_MUTEX(mailInitLock)
static int mailInitDone;

/* dup: a ckalloc'ed copy of S (NULL for NULL or empty). */
static char *dup(const char *s){
  char *d;
  if( !s || !*s ) return NULL;
  d = ckalloc(strlen(s)+1);
  strcpy(d, s);
  return d;
}

/* freeJob: release JOB and everything it owns (not the interp). */
static void freeJob(MailJob *j){
  ckfree(j->url); ckfree(j->msg);
  if( j->from ) ckfree(j->from);
  if( j->user ) ckfree(j->user);
  if( j->password ){ memset(j->password, 0, strlen(j->password)); ckfree(j->password); }
  if( j->cafile ) ckfree(j->cafile);
  if( j->rcpt ) curl_slist_free_all(j->rcpt);
  if( j->command ) Tcl_DecrRefCount(j->command);
  ckfree(j);
}

/* readCb: libcurl's upload callback: the next bytes of the message. Returns how many it copied. */
static size_t readCb(char *buf, size_t size, size_t n, void *p){
  MailJob *j = p;
  size_t want = size*n, left = j->len - j->off;
  if( want>left ) want = left;
  memcpy(buf, j->msg + j->off, want);
  j->off += want;
  return want;
}

/* perform: run the SMTP transaction of JOB (blocking). Sets j->ok, j->code and j->err. */
static void perform(MailJob *j){
  CURL *e = curl_easy_init();
  CURLcode rc;
  char fromBuf[600];
  if( !e ){ strcpy(j->err, "cannot create a curl handle"); return; }
  snprintf(fromBuf, sizeof fromBuf, "<%s>", j->from ? j->from : "");
  curl_easy_setopt(e, CURLOPT_URL, j->url);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, fromBuf);
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, j->rcpt);
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, readCb);
  curl_easy_setopt(e, CURLOPT_READDATA, j);
  curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)j->len);
  curl_easy_setopt(e, CURLOPT_USE_SSL, j->starttls==2 ? CURLUSESSL_ALL
                                       : j->starttls==1 ? CURLUSESSL_TRY : CURLUSESSL_NONE);
  if( j->user ) curl_easy_setopt(e, CURLOPT_USERNAME, j->user);
  if( j->password ) curl_easy_setopt(e, CURLOPT_PASSWORD, j->password);
  if( j->cafile ) curl_easy_setopt(e, CURLOPT_CAINFO, j->cafile);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, j->verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, j->verify ? 2L : 0L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, j->timeoutMs);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, j->timeoutMs < 10000 ? j->timeoutMs : 10000L);
  j->err[0] = 0;
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->err);
  rc = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &j->code);
  j->ok = rc==CURLE_OK;
  if( rc!=CURLE_OK && !j->err[0] ) snprintf(j->err, sizeof j->err, "%s", curl_easy_strerror(rc));
  if( rc!=CURLE_OK && j->code ){
    size_t n = strlen(j->err);
    snprintf(j->err+n, sizeof j->err - n, " (server replied %ld)", j->code);
  }
  curl_easy_cleanup(e);
}

/* resultObj: the outcome dict of JOB. */
static Tcl_Obj *resultObj(MailJob *j){
  Tcl_Obj *d = Tcl_NewDictObj();
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("ok", -1), Tcl_NewBooleanObj(j->ok));
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("error", -1), Tcl_NewStringObj(j->ok ? "" : j->err, -1));
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("code", -1), Tcl_NewLongObj(j->code));
  return d;
}

/* eventProc: runs in the owner thread's event loop: calls the job's command with its outcome,
** then frees the job. Returns 1 (the event is handled). */
static int eventProc(Tcl_Event *ev, int flags){
  MailJob *j = ((MailEvent*)ev)->job;
  Tcl_Interp *interp = j->interp;
  (void)flags;
  if( !Tcl_InterpDeleted(interp) ){
    Tcl_Obj *cmd = Tcl_DuplicateObj(j->command);
    Tcl_IncrRefCount(cmd);
    Tcl_ListObjAppendElement(NULL, cmd, resultObj(j));
    if( Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL)==TCL_ERROR ){
      Tcl_AddErrorInfo(interp, "\n    (mail send -command callback)");
      Tcl_BackgroundException(interp, TCL_ERROR);
    }
    Tcl_DecrRefCount(cmd);
  }
  Tcl_Release(interp);
  freeJob(j);
  return 1;
}

/* mailThread: the thread of one asynchronous delivery: send, then queue the outcome back. */
static Tcl_ThreadCreateType mailThread(ClientData cd){
  MailJob *j = cd;
  MailEvent *ev;
  perform(j);
  ev = (MailEvent*)ckalloc(sizeof *ev);
  ev->header.proc = eventProc;
  ev->job = j;
  Tcl_ThreadQueueEvent(j->owner, (Tcl_Event*)ev, TCL_QUEUE_TAIL);
  Tcl_ThreadAlert(j->owner);
  TCL_THREAD_CREATE_RETURN;
}

/* MailCmd: the `mail` command (see the file comment). */
int MailCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"send", NULL};
  enum MailSub { MAIL_SEND };
  static const char *const opts[] = {"-from", "-to", "-user", "-password", "-starttls", "-verify",
                                     "-cafile", "-timeout", "-command", NULL};
  enum MailOpt { OPT_FROM, OPT_TO, OPT_USER, OPT_PASSWORD, OPT_STARTTLS, OPT_VERIFY, OPT_CAFILE,
                 OPT_TIMEOUT, OPT_COMMAND };
  static const char *const tlsModes[] = {"off", "try", "required", NULL};   /* j->starttls 0, 1, 2 */
  MailJob *j;
  int idx, i, n;
  const char *url;
  Tcl_Obj **to;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "send URL MESSAGE ?-option value ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx!=MAIL_SEND || objc<4 || objc%2 ){ Tcl_WrongNumArgs(interp, 2, objv, "URL MESSAGE ?-option value ...?"); return TCL_ERROR; }
  url = Tcl_GetString(objv[2]);
  if( strncmp(url, "smtp://", 7) && strncmp(url, "smtps://", 8) ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("mail server URL must be smtp:// or smtps://, got \"%s\"", url));
    return TCL_ERROR;
  }
  j = (MailJob*)ckalloc(sizeof *j);
  memset(j, 0, sizeof *j);
  j->url = dup(url);
  {
    int len;
    const unsigned char *b = Tcl_GetByteArrayFromObj(objv[3], &len);
    j->msg = ckalloc(len+1);
    memcpy(j->msg, b, len);
    j->len = len;
  }
  j->starttls = 2;
  j->verify = 1;
  j->timeoutMs = 30000;
  for(i=4; i<objc; i+=2){
    const char *v = Tcl_GetString(objv[i+1]);
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &idx)!=TCL_OK ) goto bad;
    switch( (enum MailOpt)idx ){
      case OPT_FROM:
        if( strpbrk(v, "<>\r\n") || strlen(v)>500 ){
          Tcl_SetObjResult(interp, Tcl_ObjPrintf("bad sender address \"%s\"", v));
          goto bad;
        }
        j->from = dup(v);
        break;
      case OPT_TO:
        if( Tcl_ListObjGetElements(interp, objv[i+1], &n, &to)!=TCL_OK ) goto bad;
        for(int k=0; k<n; k++){
          const char *a = Tcl_GetString(to[k]);
          char buf[600];
          if( !*a || strpbrk(a, "<>\r\n ") || strlen(a)>500 || !strchr(a, '@') ){
            Tcl_SetObjResult(interp, Tcl_ObjPrintf("bad recipient address \"%s\"", a));
            goto bad;
          }
          snprintf(buf, sizeof buf, "<%s>", a);
          j->rcpt = curl_slist_append(j->rcpt, buf);
        }
        break;
      case OPT_USER: if( j->user ) ckfree(j->user); j->user = dup(v); break;
      case OPT_PASSWORD: if( j->password ) ckfree(j->password); j->password = dup(v); break;
      case OPT_STARTTLS:
        if( Tcl_GetIndexFromObj(interp, objv[i+1], tlsModes, "-starttls mode", 0, &j->starttls)!=TCL_OK ) goto bad;
        break;
      case OPT_VERIFY: if( Tcl_GetBooleanFromObj(interp, objv[i+1], &j->verify)!=TCL_OK ) goto bad; break;
      case OPT_CAFILE: if( j->cafile ) ckfree(j->cafile); j->cafile = dup(v); break;
      case OPT_TIMEOUT: {
        int ms;
        if( Tcl_GetIntFromObj(interp, objv[i+1], &ms)!=TCL_OK ) goto bad;
        if( ms<100 ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("-timeout must be at least 100 ms", -1)); goto bad; }
        j->timeoutMs = ms;
        break;
      }
      case OPT_COMMAND:
        if( j->command ) Tcl_DecrRefCount(j->command);
        j->command = objv[i+1];
        Tcl_IncrRefCount(j->command);
        break;
    }
  }
  if( !j->rcpt ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("mail send needs -to with at least one address", -1)); goto bad; }
  Tcl_MutexLock(&mailInitLock);
  if( !mailInitDone ){ curl_global_init(CURL_GLOBAL_DEFAULT); mailInitDone = 1; }
  Tcl_MutexUnlock(&mailInitLock);
  if( !j->command ){
    Tcl_Obj *r;
    perform(j);
    r = resultObj(j);
    freeJob(j);
    Tcl_SetObjResult(interp, r);
    return TCL_OK;
  }
  {
    Tcl_ThreadId tid;
    j->owner = Tcl_GetCurrentThread();
    j->interp = interp;
    Tcl_Preserve(interp);
    if( Tcl_CreateThread(&tid, mailThread, j, TCL_THREAD_STACK_DEFAULT, TCL_THREAD_NOFLAGS)!=TCL_OK ){
      Tcl_Release(interp);
      freeJob(j);
      Tcl_SetObjResult(interp, Tcl_NewStringObj("cannot start a mail thread", -1));
      return TCL_ERROR;
    }
  }
  return TCL_OK;

bad:
  freeJob(j);
  return TCL_ERROR;
}
