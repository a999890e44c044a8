/*
** server.c - the Tcl side of `yqbox serve`: worker threads, the background interpreter, and the
** C commands that drive and inspect the server (server, cache, control, yqbox::log).
**
** `server run` (called by scripts/server.tcl) opens the listeners (httpd.c, one set per driver
** thread) and starts the first worker thread (it makes its own interpreter with YqInterpCreate()
** and runs the worker init script; a worker opens its own SQLite connection lazily). Meanwhile
** the interpreter that called `server run`, which has every module sourced already, becomes the
** background interpreter: it runs the start script (database check, configuration applied:
** limits, certificate, static files, access log) in the calling thread. Once both are done the
** driver threads start, then the other workers all at once (each joins the queue when ready;
** one that cannot start is logged and shown failed by `server stats`), and the calling thread
** runs the background interpreter's event loop until the drivers have stopped. Then the workers
** finish the jobs still queued, close their databases and end.
**
** Workers take jobs (one HTTP request each) from one queue, call `web::handle REQUEST` and hand
** the job back with the response (status, header lines, body, an optional gzip variant, the
** cacheable name). The background thread runs a Tcl event loop (timers of `every`/`at`); control
** jobs (console commands from DATADIR/control.sock) arrive there as Tcl events and are evaluated
** in its interpreter. On reload (SIGHUP or `server reload`) every worker and the background thread
** make a fresh interpreter from the current scripts and configuration and switch to it only if it
** loads; otherwise they keep the old one and log why. (The first background interpreter, the
** caller of `server run`, is not deleted then but made idle: see retireCaller.)
*/
#include <errno.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include "yqbox.h"

/* ---------------------------------------------------------------------------------------------
** Logging
*/

/* YqLog: write "TIME LEVEL message" to stderr in one write (safe from any thread). */
void YqLog(const char *level, const char *fmt, ...){
  char buf[4096], ts[32];
  time_t now = time(0);
  struct tm tm;
  va_list ap;
  int n;
  gmtime_r(&now, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  n = snprintf(buf, sizeof buf, "%s %s ", ts, level);
  va_start(ap, fmt);
  n += vsnprintf(buf+n, sizeof buf - n - 1, fmt, ap);
  va_end(ap);
  if( n>(int)sizeof buf - 2 ) n = sizeof buf - 2;
  buf[n++] = '\n';
  if( write(2, buf, n)<0 ){ /* nowhere to report it */ }
}

/* YqLogCmd: "yqbox::log LEVEL MESSAGE" writes one log line on stderr (see YqLog). */
int YqLogCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const levels[] = {"debug", "info", "warning", "error", NULL};
  int idx;
  (void)cd;
  if( objc!=3 ){ Tcl_WrongNumArgs(interp, 1, objv, "LEVEL MESSAGE"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], levels, "level", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  YqLog(levels[idx], "%s", Tcl_GetString(objv[2]));
  return TCL_OK;
}

/* ---------------------------------------------------------------------------------------------
** Jobs and interpreters
*/

/* YqJobFree: free job J and everything it owns. */
void YqJobFree(YqJob *j){
  if( !j ) return;
  free(j->data); free(j->rhead); free(j->rbody); free(j->rgzip); free(j->cacheName);
  free(j);
}

static pthread_mutex_t createMutex = PTHREAD_MUTEX_INITIALIZER;

/*
** makeInterp: a new interpreter for this thread (YqInterpCreate) with INIT evaluated in it.
** Returns it, or NULL with *ERR set (malloc'ed) when the scripts or INIT fail.
*/
static Tcl_Interp *makeInterp(const char *init, char **err){
  Tcl_Interp *interp;
  pthread_mutex_lock(&createMutex);
  interp = YqInterpCreate(YqDevDir(), NULL, err);
  pthread_mutex_unlock(&createMutex);
  if( !interp ) return 0;
  if( Tcl_EvalEx(interp, init, -1, TCL_EVAL_GLOBAL)!=TCL_OK ){
    const char *info = Tcl_GetVar(interp, "errorInfo", TCL_GLOBAL_ONLY);
    *err = strdup(info ? info : Tcl_GetStringResult(interp));
    Tcl_DeleteInterp(interp);
    return 0;
  }
  return interp;
}

/* dropInterp: close INTERP's database (db::shutdown) and delete it. */
static void dropInterp(Tcl_Interp *interp){
  if( !interp ) return;
  Tcl_EvalEx(interp, "catch {db::shutdown}", -1, TCL_EVAL_GLOBAL);
  Tcl_DeleteInterp(interp);
}

/* ---------------------------------------------------------------------------------------------
** Worker pool
*/
typedef struct Worker {
  pthread_t thread;
  int id;
  volatile int state;             /* 0 starting, 1 idle, 2 busy, 3 stopped, 4 failed */
  char current[256];              /* request being handled */
  double since;
  unsigned long long served, errors;
  unsigned reloadSeen;
  char *err;                      /* why it could not start (state 4), malloc'ed */
  int created;                    /* its thread was created (stopThreads joins it) */
} Worker;

static pthread_mutex_t qMutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qCond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t startCond = PTHREAD_COND_INITIALIZER;
static YqJob *qHead, *qTail;
static int qLen, qStop;
static unsigned reloadGen;
static Worker *workers;
static int nWorkers;
static char *workerInit, *bgInit, *bgStart;
static char *startErr;
static int serving;               /* 1 once the drivers run: a worker failing to start after that
                                  ** is logged (the server goes on with the others) */

/* YqWorkSubmit: (driver) queue J for the next free worker. */
void YqWorkSubmit(YqJob *j){
  j->next = 0;
  pthread_mutex_lock(&qMutex);
  if( qTail ) qTail->next = j; else qHead = j;
  qTail = j;
  qLen++;
  pthread_cond_signal(&qCond);
  pthread_mutex_unlock(&qMutex);
}

/* compressible: whether header lines H carry a Content-Type worth compressing. */
static int compressible(const char *h){
  const char *p = h;
  while( p && *p ){
    if( strncasecmp(p, "content-type:", 13)==0 ){
      p += 13;
      while( *p==' ' ) p++;
      return strncasecmp(p, "text/", 5)==0 || strncasecmp(p, "application/json", 16)==0
          || strncasecmp(p, "application/javascript", 22)==0 || strncasecmp(p, "image/svg", 9)==0
          || strncasecmp(p, "application/xml", 15)==0;
    }
    p = strchr(p, '\n');
    if( p ) p++;
  }
  return 0;
}

/* fail500: make J a plain 500 response (used when even web::handle cannot answer). */
static void fail500(YqJob *j){
  static const char page[] = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
    "<title>500 服务器内部错误</title></head><body><h1>500 服务器内部错误</h1></body></html>\n";
  free(j->rhead); free(j->rbody); free(j->rgzip); free(j->cacheName);
  j->rgzip = 0; j->cacheName = 0; j->rgzipLen = 0;
  j->status = 500;
  j->rhead = strdup("Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n");
  j->rheadLen = strlen(j->rhead);
  j->rbody = strdup(page);
  j->rbodyLen = strlen(page);
}

/* headerOk: whether NAME is a token and VALUE has no CR, LF or NUL (no header injection). */
static int headerOk(const char *name, int nl, const char *value, int vl){
  int i;
  if( nl==0 ) return 0;
  for(i=0; i<nl; i++){
    unsigned char c = name[i];
    if( c<=0x20 || c>=0x7f || strchr("\"(),/:;<=>?@[\\]{}", c) ) return 0;
  }
  for(i=0; i<vl; i++){
    if( value[i]=='\r' || value[i]=='\n' || value[i]==0 ) return 0;
  }
  return 1;
}

/*
** handleJob: run `web::handle REQUEST` for J in INTERP and store the response in J. The request
** is a dict: method target path query peer scheme headers (dict, names in lower case; repeated
** fields joined with ", ", cookies with "; ") body (bytes). The result must be a list
** {STATUS HEADERS BODY ?CACHENAME?}: HEADERS a flat name/value list, BODY bytes.
*/
static void handleJob(Tcl_Interp *interp, YqJob *j, Worker *w){
  Tcl_Obj *req = Tcl_NewDictObj(), *hdrs = Tcl_NewDictObj(), *cmd[2], *res, **elem, **hv;
  int i, n, nh, status;
#define PUT(d, k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), v)
  PUT(req, "method", Tcl_NewStringObj(j->method, -1));
  PUT(req, "target", Tcl_NewStringObj(j->target, -1));
  PUT(req, "path", Tcl_NewStringObj(j->path, -1));
  PUT(req, "query", Tcl_NewStringObj(j->query, -1));
  PUT(req, "peer", Tcl_NewStringObj(j->peer, -1));
  PUT(req, "scheme", Tcl_NewStringObj(j->scheme, -1));
  for(i=0; i<j->nHeader; i++){
    Tcl_Obj *k = Tcl_NewStringObj(j->hname[i], -1), *old = 0;
    Tcl_DictObjGet(NULL, hdrs, k, &old);
    if( old ){
      Tcl_Obj *v = Tcl_DuplicateObj(old);
      Tcl_AppendToObj(v, strcmp(j->hname[i], "cookie")==0 ? "; " : ", ", -1);
      Tcl_AppendToObj(v, j->hvalue[i], -1);
      Tcl_DictObjPut(NULL, hdrs, k, v);
    }else{
      Tcl_DictObjPut(NULL, hdrs, k, Tcl_NewStringObj(j->hvalue[i], -1));
    }
  }
  PUT(req, "headers", hdrs);
  PUT(req, "body", Tcl_NewByteArrayObj((const unsigned char*)j->body, (int)j->bodyLen));
#undef PUT
  cmd[0] = Tcl_NewStringObj("web::handle", -1);
  cmd[1] = req;
  Tcl_IncrRefCount(cmd[0]); Tcl_IncrRefCount(cmd[1]);
  if( Tcl_EvalObjv(interp, 2, cmd, TCL_EVAL_GLOBAL)!=TCL_OK ){
    YqLog("error", "web::handle %s %s: %s", j->method, j->target,
          Tcl_GetVar(interp, "errorInfo", TCL_GLOBAL_ONLY));
    w->errors++;
    fail500(j);
    goto done;
  }
  res = Tcl_GetObjResult(interp);
  if( Tcl_ListObjGetElements(interp, res, &n, &elem)!=TCL_OK || n<3 || n>4
      || Tcl_GetIntFromObj(NULL, elem[0], &status)!=TCL_OK || status<200 || status>599
      || Tcl_ListObjGetElements(NULL, elem[1], &nh, &hv)!=TCL_OK || nh%2 ){
    YqLog("error", "web::handle %s %s: bad result (want {STATUS HEADERS BODY ?CACHENAME?})",
          j->method, j->target);
    w->errors++;
    fail500(j);
    goto done;
  }
  {
    Tcl_DString ds;
    int blen;
    const unsigned char *b;
    Tcl_DStringInit(&ds);
    for(i=0; i<nh; i+=2){
      int nl, vl;
      const char *nm = Tcl_GetStringFromObj(hv[i], &nl), *v = Tcl_GetStringFromObj(hv[i+1], &vl);
      if( !headerOk(nm, nl, v, vl) ){
        YqLog("error", "%s %s: refused response header %s (bad name or CR/LF in value)",
              j->method, j->target, nm);
        Tcl_DStringFree(&ds);
        w->errors++;
        fail500(j);
        goto done;
      }
      Tcl_DStringAppend(&ds, nm, nl);
      Tcl_DStringAppend(&ds, ": ", 2);
      Tcl_DStringAppend(&ds, v, vl);
      Tcl_DStringAppend(&ds, "\r\n", 2);
    }
    j->status = status;
    j->rheadLen = Tcl_DStringLength(&ds);
    j->rhead = malloc(j->rheadLen + 1);
    memcpy(j->rhead, Tcl_DStringValue(&ds), j->rheadLen + 1);
    Tcl_DStringFree(&ds);
    b = Tcl_GetByteArrayFromObj(elem[2], &blen);
    j->rbody = malloc(blen + 1);
    memcpy(j->rbody, b, blen);
    j->rbodyLen = blen;
    if( n==4 && Tcl_GetCharLength(elem[3])>0 ) j->cacheName = strdup(Tcl_GetString(elem[3]));
    if( (j->gzipOk || j->cacheName) && blen>=1024 && compressible(j->rhead) ){
      j->rgzip = YqGzip(j->rbody, j->rbodyLen, &j->rgzipLen);
    }
  }
done:
  Tcl_DecrRefCount(cmd[0]); Tcl_DecrRefCount(cmd[1]);
  Tcl_ResetResult(interp);
}

/* workerMain: one worker thread: make the interpreter, then take jobs until told to stop. */
static void *workerMain(void *arg){
  Worker *w = arg;
  char *err = 0;
  Tcl_Interp *interp;
  char *init = malloc(strlen(workerInit) + 64);
  /* the worker's number, ::server::worker, is set before its init script runs */
  sprintf(init, "namespace eval ::server {variable worker %d}; %s", w->id, workerInit);
  interp = makeInterp(init, &err);
  pthread_mutex_lock(&qMutex);
  w->reloadSeen = reloadGen;
  if( !interp ){
    w->state = 4; w->err = err;
    /* never in silence: before the drivers start this is the error `server run` raises; after,
    ** the server serves with the other workers, and logs it and `server stats` says failed */
    if( serving ) YqLog("error", "worker %d could not start (serving with the other workers): %s", w->id, err);
  }
  else w->state = 1;
  pthread_cond_broadcast(&startCond);
  pthread_mutex_unlock(&qMutex);
  if( !interp ){ free(init); return 0; }
  for(;;){
    YqJob *j;
    pthread_mutex_lock(&qMutex);
    while( !qHead && !qStop && w->reloadSeen==reloadGen ) pthread_cond_wait(&qCond, &qMutex);
    if( w->reloadSeen!=reloadGen ){
      unsigned gen = reloadGen;
      Tcl_Interp *fresh;
      pthread_mutex_unlock(&qMutex);
      fresh = makeInterp(init, &err);
      if( fresh ){ dropInterp(interp); interp = fresh; }
      else { YqLog("error", "worker %d: reload failed, keeping the old scripts: %s", w->id, err); free(err); }
      w->reloadSeen = gen;
      continue;
    }
    if( !qHead ){ pthread_mutex_unlock(&qMutex); break; }
    j = qHead;
    qHead = j->next;
    if( !qHead ) qTail = 0;
    qLen--;
    w->state = 2;
    snprintf(w->current, sizeof w->current, "%s %s", j->method, j->target);
    pthread_mutex_unlock(&qMutex);
    {
      struct timespec ts;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      w->since = ts.tv_sec + ts.tv_nsec/1e9;
    }
    handleJob(interp, j, w);
    w->served++;
    w->state = 1;
    HttpdJobDone(j);
  }
  dropInterp(interp);
  free(init);
  w->state = 3;
  Tcl_FinalizeThread();
  return 0;
}

/* ---------------------------------------------------------------------------------------------
** Background interpreter
*/
static Tcl_ThreadId bgThreadId;          /* the thread that called `server run` */
static Tcl_Interp *bgInterp;
static Tcl_Interp *callerInterp;         /* the interpreter that called `server run`: the first
                                         ** background interpreter (never deleted here: it is
                                         ** still evaluating `server run`) */
static volatile int bgStop, bgState;     /* bgState: 0 starting, 1 running, 3 stopped */

typedef struct BgEvent {
  Tcl_Event header;
  int what;                              /* 0 control job, 1 reload, 2 stop */
  YqJob *job;
} BgEvent;

/*
** retireCaller: on the first reload, stop the interpreter that called `server run` from doing
** background work: it cannot be deleted while it evaluates `server run`, so its timers (`after`:
** the jobs, every, at) are cancelled, its transfers (fetch.c's state) ended and its database
** closed, as deleting it would. It stays idle until `server run` returns.
*/
static void retireCaller(void){
  if( Tcl_EvalEx(callerInterp, "foreach a [after info] {after cancel $a}; catch {db::shutdown}", -1,
                 TCL_EVAL_GLOBAL)!=TCL_OK ){
    YqLog("error", "reload: stopping the first background interpreter: %s", Tcl_GetStringResult(callerInterp));
  }
  Tcl_ResetResult(callerInterp);
  Tcl_DeleteAssocData(callerInterp, "yqbox-fetch");
}

/* bgEventProc: runs in the background thread: evaluate a console command, reload, or stop. */
static int bgEventProc(Tcl_Event *evPtr, int flags){
  BgEvent *ev = (BgEvent*)evPtr;
  (void)flags;
  if( ev->what==0 ){
    YqJob *j = ev->job;
    int len;
    const char *r;
    j->code = Tcl_EvalEx(bgInterp, j->body, (int)j->bodyLen, TCL_EVAL_GLOBAL);
    if( j->code!=TCL_OK && j->code!=TCL_ERROR ) j->code = TCL_OK;
    r = Tcl_GetStringFromObj(Tcl_GetObjResult(bgInterp), &len);
    j->rbody = malloc(len+1);
    memcpy(j->rbody, r, len+1);
    j->rbodyLen = len;
    Tcl_ResetResult(bgInterp);
    HttpdJobDone(j);
  }else if( ev->what==1 ){
    char *err = 0;
    Tcl_Interp *fresh = makeInterp(bgInit, &err);
    if( fresh ){
      if( bgInterp==callerInterp ) retireCaller();
      else dropInterp(bgInterp);
      bgInterp = fresh;
      YqLog("info", "reloaded: scripts, configuration, certificate and static files");
    }else{
      YqLog("error", "reload failed, keeping the old scripts and configuration: %s", err);
      free(err);
    }
  }else{
    bgStop = 1;
  }
  return 1;
}

/* bgPost: queue an event of kind WHAT (with job J) for the background thread. */
static void bgPost(int what, YqJob *j){
  BgEvent *ev = (BgEvent*)ckalloc(sizeof *ev);
  ev->header.proc = bgEventProc;
  ev->what = what;
  ev->job = j;
  Tcl_ThreadQueueEvent(bgThreadId, (Tcl_Event*)ev, TCL_QUEUE_TAIL);
  Tcl_ThreadAlert(bgThreadId);
}

/* YqControlSubmit: (driver) evaluate the console command in J in the background interpreter. */
void YqControlSubmit(YqJob *j){
  bgPost(0, j);
}

/* YqReloadRequest: (any thread) have every interpreter reload scripts and configuration. */
void YqReloadRequest(void){
  pthread_mutex_lock(&qMutex);
  reloadGen++;
  pthread_cond_broadcast(&qCond);
  pthread_mutex_unlock(&qMutex);
  if( bgState==1 ) bgPost(1, 0);
}

static void stopThreads(void);

/* waiterMain: waits for the driver threads to end (a stop), then stops the workers (they finish
** the jobs queued; a long database check in the background interpreter gives up once they have
** stopped, db::CheckGiveUp), then ends the background interpreter's event loop in the thread of
** `server run`. */
static void *waiterMain(void *arg){
  (void)arg;
  HttpdWait();
  stopThreads();
  bgPost(2, 0);
  return 0;
}

/* ---------------------------------------------------------------------------------------------
** server run
*/
static int running;

/*
** waitFirstWorker: wait until one of the N workers runs, or every one has failed. Returns 1 when
** one runs; 0 when none could start, with startErr set to the first worker's error.
*/
static int waitFirstWorker(int n){
  int i, ok = 0, failed;
  pthread_mutex_lock(&qMutex);
  for(;;){
    failed = 0;
    for(i=0; i<n; i++){
      if( workers[i].state==1 || workers[i].state==2 ) ok = 1;
      else if( workers[i].state==4 ) failed++;
    }
    if( ok || failed==n ) break;
    pthread_cond_wait(&startCond, &qMutex);
  }
  if( !ok ){
    for(i=0; i<n && !startErr; i++){
      if( workers[i].err ){ startErr = workers[i].err; workers[i].err = 0; }
    }
  }
  pthread_mutex_unlock(&qMutex);
  return ok;
}

/* freeWorkers: free the worker table (after their threads ended). */
static void freeWorkers(void){
  int i;
  for(i=0; i<nWorkers; i++) free(workers[i].err);
  free(workers); workers = 0; nWorkers = 0;
}

/* stopThreads: stop and join the workers whose threads were created. */
static void stopThreads(void){
  int i;
  pthread_mutex_lock(&qMutex);
  qStop = 1;
  pthread_cond_broadcast(&qCond);
  pthread_mutex_unlock(&qMutex);
  for(i=0; i<nWorkers; i++) if( workers[i].created ) pthread_join(workers[i].thread, 0);
}

/*
** serverRun: "server run -https ADDR -http ADDR -control PATH -workers N -drivers N -worker-init
** SCRIPT -background-init SCRIPT -background-start SCRIPT -ready SCRIPT" (-drivers: driver
** threads, default 1; -background-start: the background interpreter's init at the start, when it
** differs from the one of reloads, -background-init). INTERP, the caller, becomes the background
** interpreter: it evaluates that script while the first worker makes its interpreter; the
** drivers start once both are done, then the other workers (they join when ready). Evaluates
** READY with the description of the listeners appended, runs the background event loop in this
** thread and returns when the server has stopped (SIGTERM/SIGINT or `server stop`). Errors
** (nothing left running) if a listener cannot be opened, the start script fails or the first
** worker cannot start; a worker that fails after that is logged and shown failed.
*/
static int serverRun(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const opts[] = {"-https", "-http", "-control", "-workers", "-worker-init",
                                     "-background-init", "-ready", "-drivers", "-background-start", NULL};
  enum RunOpt { RUN_HTTPS, RUN_HTTP, RUN_CONTROL, RUN_WORKERS, RUN_WORKER_INIT, RUN_BACKGROUND_INIT,
                RUN_READY, RUN_DRIVERS, RUN_BACKGROUND_START };
  const char *https = "0.0.0.0:8443", *http = "", *ctl = 0, *ready = "";
  char err[600], where[600];
  int i, n = 2, nd = 1;
  if( (objc-2)%2 ){ Tcl_WrongNumArgs(interp, 2, objv, "?-option value ...?"); return TCL_ERROR; }
  if( running ){ Tcl_SetResult(interp, "the server is already running in this process", TCL_STATIC); return TCL_ERROR; }
  free(bgStart); bgStart = 0;
  for(i=2; i<objc; i+=2){
    int idx;
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &idx)!=TCL_OK ) return TCL_ERROR;
    switch( (enum RunOpt)idx ){
      case RUN_HTTPS: https = Tcl_GetString(objv[i+1]); break;
      case RUN_HTTP: http = Tcl_GetString(objv[i+1]); break;
      case RUN_CONTROL: ctl = Tcl_GetString(objv[i+1]); break;
      case RUN_WORKERS: if( Tcl_GetIntFromObj(interp, objv[i+1], &n)!=TCL_OK ) return TCL_ERROR; break;
      case RUN_WORKER_INIT: free(workerInit); workerInit = strdup(Tcl_GetString(objv[i+1])); break;
      case RUN_BACKGROUND_INIT: free(bgInit); bgInit = strdup(Tcl_GetString(objv[i+1])); break;
      case RUN_READY: ready = Tcl_GetString(objv[i+1]); break;
      case RUN_DRIVERS: if( Tcl_GetIntFromObj(interp, objv[i+1], &nd)!=TCL_OK ) return TCL_ERROR; break;
      case RUN_BACKGROUND_START:
        free(bgStart);
        bgStart = Tcl_GetCharLength(objv[i+1]) ? strdup(Tcl_GetString(objv[i+1])) : 0;
        break;
    }
  }
  if( !ctl || !workerInit || !bgInit ){
    Tcl_SetResult(interp, "server run needs -control, -worker-init and -background-init", TCL_STATIC);
    return TCL_ERROR;
  }
  if( n<1 || n>256 ){ Tcl_SetResult(interp, "-workers must be 1 to 256", TCL_STATIC); return TCL_ERROR; }
  if( nd<1 || nd>64 ){ Tcl_SetResult(interp, "-drivers must be 1 to 64", TCL_STATIC); return TCL_ERROR; }
  if( HttpdListen(https, http, ctl, nd, err, sizeof err) ){
    Tcl_SetObjResult(interp, Tcl_NewStringObj(err, -1));
    return TCL_ERROR;
  }
  running = 1;
  qStop = 0; bgStop = 0; bgState = 0; startErr = 0;
  /* the first worker makes its interpreter while this thread's interpreter, the one that called
  ** `server run` (every module already sourced), becomes the background one: it runs the start
  ** script (the database check, the configuration applied: limits, certificate, static files);
  ** the drivers start once that is done and the worker can answer. Only then are the other
  ** workers started, all at once: they make their interpreters while the first requests are
  ** served (not competing for the cores before), and join the queue when ready. */
  workers = calloc(n, sizeof *workers);
  nWorkers = n;
  for(i=0; i<n; i++) workers[i].id = i+1;
  if( pthread_create(&workers[0].thread, 0, workerMain, &workers[0])!=0 ){
    startErr = strdup("cannot start a worker thread");
    goto fail;
  }
  workers[0].created = 1;
  bgThreadId = Tcl_GetCurrentThread();
  callerInterp = interp;
  if( Tcl_EvalEx(interp, bgStart ? bgStart : bgInit, -1, TCL_EVAL_GLOBAL)!=TCL_OK ){
    const char *info = Tcl_GetVar(interp, "errorInfo", TCL_GLOBAL_ONLY);
    startErr = strdup(info ? info : Tcl_GetStringResult(interp));
    goto fail;
  }
  Tcl_ResetResult(interp);
  bgInterp = interp;
  bgState = 1;
  if( !waitFirstWorker(1) ) goto fail;
  if( HttpdStartThread(err, sizeof err) ){ startErr = strdup(err); goto fail; }
  serving = 1;
  for(i=1; i<n; i++){
    if( pthread_create(&workers[i].thread, 0, workerMain, &workers[i])!=0 ){
      pthread_mutex_lock(&qMutex);
      workers[i].state = 4;
      workers[i].err = strdup("cannot start its thread");
      pthread_mutex_unlock(&qMutex);
      YqLog("error", "worker %d could not start (serving with the other workers): cannot start its thread", i+1);
      continue;
    }
    workers[i].created = 1;
  }
  HttpdDescribe(where, sizeof where);
  if( *ready ){
    Tcl_Obj *cmd = Tcl_NewStringObj(ready, -1);
    Tcl_IncrRefCount(cmd);
    Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(where, -1));
    if( Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL)!=TCL_OK ){
      YqLog("error", "ready script: %s", Tcl_GetStringResult(interp));
    }
    Tcl_DecrRefCount(cmd);
  }
  /* the background interpreter's event loop (timers, console commands, reloads) runs here until
  ** the drivers have stopped */
  {
    pthread_t waiter;
    if( pthread_create(&waiter, 0, waiterMain, 0)!=0 ){
      YqLog("error", "cannot start the thread that waits for the drivers: stopping");
      HttpdShutdown();
      HttpdWait();
      stopThreads();
    }else{
      while( !bgStop ) Tcl_DoOneEvent(TCL_ALL_EVENTS);
      pthread_join(waiter, 0);
    }
  }
  if( bgInterp!=callerInterp ) dropInterp(bgInterp);
  bgInterp = 0; callerInterp = 0; bgState = 3;
  HttpdRelease();
  freeWorkers();
  serving = 0;
  running = 0;
  Tcl_ResetResult(interp);
  return TCL_OK;

fail:
  /* the driver never started: close the listeners through its shutdown path */
  stopThreads();
  freeWorkers();
  bgInterp = 0; callerInterp = 0; bgState = 0;
  running = 0;
  Tcl_SetObjResult(interp, Tcl_NewStringObj(startErr ? startErr : "start-up failed", -1));
  free(startErr); startErr = 0;
  HttpdWait();
  HttpdRelease();
  return TCL_ERROR;
}

/* statsObj: `server stats`: the driver's counters plus queue and worker states. */
static Tcl_Obj *statsObj(void){
  static const char *names[] = {"starting", "idle", "busy", "stopped", "failed"};
  Tcl_Obj *d = HttpdStats(), *ws = Tcl_NewListObj(0, 0);
  struct timespec ts;
  double now;
  int i;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  now = ts.tv_sec + ts.tv_nsec/1e9;
  pthread_mutex_lock(&qMutex);
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("queued", -1), Tcl_NewIntObj(qLen));
  for(i=0; i<nWorkers; i++){
    Worker *w = &workers[i];
    Tcl_Obj *wd = Tcl_NewDictObj();
    Tcl_DictObjPut(NULL, wd, Tcl_NewStringObj("id", -1), Tcl_NewIntObj(w->id));
    Tcl_DictObjPut(NULL, wd, Tcl_NewStringObj("state", -1), Tcl_NewStringObj(names[w->state], -1));
    Tcl_DictObjPut(NULL, wd, Tcl_NewStringObj("served", -1), Tcl_NewWideIntObj(w->served));
    Tcl_DictObjPut(NULL, wd, Tcl_NewStringObj("errors", -1), Tcl_NewWideIntObj(w->errors));
    if( w->state==2 ){
      Tcl_DictObjPut(NULL, wd, Tcl_NewStringObj("request", -1), Tcl_NewStringObj(w->current, -1));
      Tcl_DictObjPut(NULL, wd, Tcl_NewStringObj("seconds", -1), Tcl_NewDoubleObj(now - w->since));
    }
    Tcl_ListObjAppendElement(NULL, ws, wd);
  }
  pthread_mutex_unlock(&qMutex);
  Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("workers", -1), ws);
  return d;
}

/* serverConfigure: `server configure ?-option value ...?`: set the driver's limits and
** timeouts; with no options, return them as a dict. */
static int serverConfigure(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const opts[] = {"-max-request-line", "-max-header-size", "-max-headers",
    "-max-body", "-max-connections", "-header-timeout", "-body-timeout", "-idle-timeout",
    "-shutdown-timeout", "-http-serve", "-cache-bytes", "-public-host", "-max-upload", "-trusted-proxies", NULL};
  enum ConfOpt { CONF_MAX_REQUEST_LINE, CONF_MAX_HEADER_SIZE, CONF_MAX_HEADERS, CONF_MAX_BODY,
    CONF_MAX_CONNECTIONS, CONF_HEADER_TIMEOUT, CONF_BODY_TIMEOUT, CONF_IDLE_TIMEOUT,
    CONF_SHUTDOWN_TIMEOUT, CONF_HTTP_SERVE, CONF_CACHE_BYTES, CONF_PUBLIC_HOST, CONF_MAX_UPLOAD,
    CONF_TRUSTED_PROXIES };
  HttpdConf c;
  int i;
  HttpdGetConf(&c);
  if( objc==2 ){
    Tcl_Obj *d = Tcl_NewDictObj();
#define W(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), v)
    W("-max-request-line", Tcl_NewWideIntObj(c.lim.maxLine));
    W("-max-header-size", Tcl_NewWideIntObj(c.lim.maxHead));
    W("-max-headers", Tcl_NewIntObj(c.lim.maxHeaders));
    W("-max-body", Tcl_NewWideIntObj(c.lim.maxBody));
    W("-max-connections", Tcl_NewIntObj(c.maxConns));
    W("-header-timeout", Tcl_NewDoubleObj(c.headerTimeout));
    W("-body-timeout", Tcl_NewDoubleObj(c.bodyTimeout));
    W("-idle-timeout", Tcl_NewDoubleObj(c.idleTimeout));
    W("-shutdown-timeout", Tcl_NewDoubleObj(c.shutdownTimeout));
    W("-http-serve", Tcl_NewBooleanObj(c.httpServe));
    W("-cache-bytes", Tcl_NewWideIntObj(c.cacheMaxBytes));
    W("-public-host", Tcl_NewStringObj(c.publicHost, -1));
    W("-max-upload", Tcl_NewWideIntObj(c.lim.maxUpload));
    {
      Tcl_Obj *l = Tcl_NewListObj(0, 0);
      char a[64];
      int k;
      for(k=0; k<c.nTrusted; k++){
        inet_ntop(c.trusted[k].family, c.trusted[k].addr, a, sizeof a);
        Tcl_ListObjAppendElement(NULL, l, Tcl_NewStringObj(a, -1));
      }
      W("-trusted-proxies", l);
    }
#undef W
    Tcl_SetObjResult(interp, d);
    return TCL_OK;
  }
  if( objc%2 ){ Tcl_WrongNumArgs(interp, 2, objv, "?-option value ...?"); return TCL_ERROR; }
  for(i=2; i<objc; i+=2){
    int idx;
    Tcl_WideInt w = 0;
    double d = 0;
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &idx)!=TCL_OK ) return TCL_ERROR;
    if( idx==CONF_PUBLIC_HOST ){
      int len, k;
      const char *h = Tcl_GetStringFromObj(objv[i+1], &len);
      if( len>=(int)sizeof c.publicHost ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj("-public-host is too long", -1)); return TCL_ERROR;
      }
      for(k=0; k<len; k++){
        char ch = h[k];
        if( !((ch>='a'&&ch<='z') || (ch>='A'&&ch<='Z') || (ch>='0'&&ch<='9') || ch=='.' || ch=='-'
              || ch==':' || ch=='[' || ch==']') ){
          Tcl_SetObjResult(interp, Tcl_ObjPrintf("-public-host: bad host name \"%s\"", h)); return TCL_ERROR;
        }
        c.publicHost[k] = (ch>='A'&&ch<='Z') ? ch+32 : ch;
      }
      c.publicHost[len] = 0;
      continue;
    }
    if( idx==CONF_TRUSTED_PROXIES ){
      int nl, k;
      Tcl_Obj **el;
      if( Tcl_ListObjGetElements(interp, objv[i+1], &nl, &el)!=TCL_OK ) return TCL_ERROR;
      if( nl>(int)(sizeof c.trusted/sizeof c.trusted[0]) ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("-trusted-proxies: at most %d addresses", (int)(sizeof c.trusted/sizeof c.trusted[0])));
        return TCL_ERROR;
      }
      for(k=0; k<nl; k++){
        const char *a = Tcl_GetString(el[k]);
        memset(c.trusted[k].addr, 0, 16);
        if( inet_pton(AF_INET, a, c.trusted[k].addr)==1 ) c.trusted[k].family = AF_INET;
        else if( inet_pton(AF_INET6, a, c.trusted[k].addr)==1 ) c.trusted[k].family = AF_INET6;
        else { Tcl_SetObjResult(interp, Tcl_ObjPrintf("-trusted-proxies: \"%s\" is not an IP address", a)); return TCL_ERROR; }
      }
      c.nTrusted = (int)nl;
      continue;
    }
    if( idx>=CONF_HEADER_TIMEOUT && idx<=CONF_SHUTDOWN_TIMEOUT ){
      if( Tcl_GetDoubleFromObj(interp, objv[i+1], &d)!=TCL_OK ) return TCL_ERROR;
      if( d<=0 ){ Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s must be positive", opts[idx])); return TCL_ERROR; }
    }else if( idx==CONF_HTTP_SERVE ){
      int b;
      if( Tcl_GetBooleanFromObj(interp, objv[i+1], &b)!=TCL_OK ) return TCL_ERROR;
      w = b;
    }else{
      if( Tcl_GetWideIntFromObj(interp, objv[i+1], &w)!=TCL_OK ) return TCL_ERROR;
      if( w<1 ){ Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s must be positive", opts[idx])); return TCL_ERROR; }
    }
    switch( (enum ConfOpt)idx ){
      case CONF_MAX_REQUEST_LINE: c.lim.maxLine = w; break;
      case CONF_MAX_HEADER_SIZE: c.lim.maxHead = w; break;
      case CONF_MAX_HEADERS:
        if( w>HTTP_MAX_HEADERS ){ Tcl_SetObjResult(interp, Tcl_ObjPrintf("-max-headers must be at most %d", HTTP_MAX_HEADERS)); return TCL_ERROR; }
        c.lim.maxHeaders = (int)w; break;
      case CONF_MAX_BODY: c.lim.maxBody = w; break;
      case CONF_MAX_CONNECTIONS: c.maxConns = (int)w; break;
      case CONF_HEADER_TIMEOUT: c.headerTimeout = d; break;
      case CONF_BODY_TIMEOUT: c.bodyTimeout = d; break;
      case CONF_IDLE_TIMEOUT: c.idleTimeout = d; break;
      case CONF_SHUTDOWN_TIMEOUT: c.shutdownTimeout = d; break;
      case CONF_HTTP_SERVE: c.httpServe = (int)w; break;
      case CONF_CACHE_BYTES: c.cacheMaxBytes = w; break;
      case CONF_MAX_UPLOAD: c.lim.maxUpload = w; break;
      case CONF_PUBLIC_HOST: case CONF_TRUSTED_PROXIES: break;   /* handled above */
    }
  }
  HttpdConfigure(&c);
  return TCL_OK;
}

/* lockFd: the descriptor holding the data directory's PID lock (kept for the process's life). */
static int lockFd = -1;
static char lockPath[4096];

/*
** serverLock: `server lock PATH`: take an exclusive flock on PATH (created 0600) and write this
** process's PID into it. Errors naming the other process's PID when a running server holds it.
*/
static int serverLock(Tcl_Interp *interp, const char *path){
  char buf[32];
  int fd, n;
  if( lockFd>=0 ) return TCL_OK;
  fd = open(path, O_RDWR|O_CREAT|O_CLOEXEC, 0600);
  if( fd<0 ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot open %s: %s", path, strerror(errno)));
    return TCL_ERROR;
  }
  if( flock(fd, LOCK_EX|LOCK_NB)!=0 ){
    n = read(fd, buf, sizeof buf - 1);
    buf[n>0 ? n : 0] = 0;
    close(fd);
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("another yqbox server (pid %d) is using this data directory (%s is locked)",
                                           atoi(buf), path));
    return TCL_ERROR;
  }
  n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
  if( ftruncate(fd, 0)!=0 || pwrite(fd, buf, n, 0)!=n ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot write %s: %s", path, strerror(errno)));
    close(fd);
    return TCL_ERROR;
  }
  lockFd = fd;
  snprintf(lockPath, sizeof lockPath, "%s", path);
  return TCL_OK;
}

/*
** YqServerCmd: "server SUBCOMMAND ...": run, configure, stats, stop, reload, tls CERT KEY DATADIR
** (load and use; returns dict fingerprint generated valid_from valid_to key_type key_bits),
** static, accesslog PATH, lock PATH, unlock, cores (processors online), metrics (the driver's
** counters in the Prometheus text format), logfile PATH (send this process's stderr, hence every
** log line, to PATH, appending; reopening it after a rotation), diskfree PATH (dict free, total:
** bytes of the file system holding PATH available to an unprivileged user), certexpiry PEMFILE
** (the certificate's end of validity, UTC).
*/
int YqServerCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"run", "configure", "stats", "stop", "reload", "tls", "static",
                                     "accesslog", "lock", "unlock", "cores", "metrics", "logfile",
                                     "diskfree", "certexpiry", NULL};
  enum ServerSub { SRV_RUN, SRV_CONFIGURE, SRV_STATS, SRV_STOP, SRV_RELOAD, SRV_TLS, SRV_STATIC,
                   SRV_ACCESSLOG, SRV_LOCK, SRV_UNLOCK, SRV_CORES, SRV_METRICS, SRV_LOGFILE,
                   SRV_DISKFREE, SRV_CERTEXPIRY };
  int idx;
  char err[600];
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  switch( (enum ServerSub)idx ){
    case SRV_RUN: return serverRun(interp, objc, objv);
    case SRV_CONFIGURE: return serverConfigure(interp, objc, objv);
    case SRV_STATS: Tcl_SetObjResult(interp, statsObj()); return TCL_OK;
    case SRV_STOP: HttpdShutdown(); return TCL_OK;
    case SRV_RELOAD: YqReloadRequest(); return TCL_OK;
    case SRV_TLS: {
      TlsConf *t;
      int gen;
      Tcl_Obj *d;
      if( objc!=5 ){ Tcl_WrongNumArgs(interp, 2, objv, "CERTFILE KEYFILE DATADIR"); return TCL_ERROR; }
      t = TlsLoad(Tcl_GetString(objv[2]), Tcl_GetString(objv[3]), Tcl_GetString(objv[4]), &gen,
                  err, sizeof err);
      if( !t ){ Tcl_SetObjResult(interp, Tcl_NewStringObj(err, -1)); return TCL_ERROR; }
      d = Tcl_NewDictObj();
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("fingerprint", -1), Tcl_NewStringObj(TlsFingerprint(t), -1));
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("generated", -1), Tcl_NewBooleanObj(gen));
      {
        char from[32], to[32];
        const char *kt;
        size_t kb;
        TlsDescribe(t, from, to, sizeof from, &kt, &kb);
        Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("valid_from", -1), Tcl_NewStringObj(from, -1));
        Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("valid_to", -1), Tcl_NewStringObj(to, -1));
        Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("key_type", -1), Tcl_NewStringObj(kt, -1));
        Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("key_bits", -1), Tcl_NewWideIntObj((Tcl_WideInt)kb));
      }
      TlsSetCurrent(t);
      Tcl_SetObjResult(interp, d);
      return TCL_OK;
    }
    case SRV_STATIC: {
      int n;
      if( objc!=2 ){ Tcl_WrongNumArgs(interp, 2, objv, NULL); return TCL_ERROR; }
      n = HttpdStaticLoad(YqDevDir(), err, sizeof err);
      if( n<0 ){ Tcl_SetObjResult(interp, Tcl_NewStringObj(err, -1)); return TCL_ERROR; }
      Tcl_SetObjResult(interp, Tcl_NewIntObj(n));
      return TCL_OK;
    }
    case SRV_ACCESSLOG:
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "PATH"); return TCL_ERROR; }
      if( HttpdAccessLog(Tcl_GetString(objv[2]), err, sizeof err) ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj(err, -1));
        return TCL_ERROR;
      }
      return TCL_OK;
    case SRV_LOCK:
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "PATH"); return TCL_ERROR; }
      return serverLock(interp, Tcl_GetString(objv[2]));
    case SRV_UNLOCK:
      if( lockFd>=0 ){ unlink(lockPath); close(lockFd); lockFd = -1; }
      return TCL_OK;
    case SRV_CORES: {
      long n = sysconf(_SC_NPROCESSORS_ONLN);
      Tcl_SetObjResult(interp, Tcl_NewIntObj(n>0 ? (int)n : 1));
      return TCL_OK;
    }
    case SRV_METRICS: {
      Tcl_Obj *m;
      if( objc!=2 ){ Tcl_WrongNumArgs(interp, 2, objv, NULL); return TCL_ERROR; }
      m = HttpdMetrics();
      if( !m ){ Tcl_SetObjResult(interp, Tcl_NewStringObj("out of memory", -1)); return TCL_ERROR; }
      Tcl_SetObjResult(interp, m);
      return TCL_OK;
    }
    case SRV_LOGFILE: {
      /* a failed open leaves stderr as it was: logging never stops the server */
      const char *path = objc==3 ? Tcl_GetString(objv[2]) : 0;
      int fd;
      if( !path ){ Tcl_WrongNumArgs(interp, 2, objv, "PATH"); return TCL_ERROR; }
      fd = open(path, O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, 0600);
      if( fd<0 ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot open log file %s: %s", path, strerror(errno)));
        return TCL_ERROR;
      }
      if( dup2(fd, 2)<0 ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot redirect stderr to %s: %s", path, strerror(errno)));
        close(fd);
        return TCL_ERROR;
      }
      close(fd);
      return TCL_OK;
    }
    case SRV_DISKFREE: {
      struct statvfs sv;
      Tcl_Obj *d;
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "PATH"); return TCL_ERROR; }
      if( statvfs(Tcl_GetString(objv[2]), &sv)!=0 ){
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot stat the file system of %s: %s",
                                               Tcl_GetString(objv[2]), strerror(errno)));
        return TCL_ERROR;
      }
      d = Tcl_NewDictObj();
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("free", -1), Tcl_NewWideIntObj((Tcl_WideInt)sv.f_bavail*sv.f_frsize));
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("total", -1), Tcl_NewWideIntObj((Tcl_WideInt)sv.f_blocks*sv.f_frsize));
      Tcl_SetObjResult(interp, d);
      return TCL_OK;
    }
    case SRV_CERTEXPIRY: {
      char when[32];
      if( objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "PEMFILE"); return TCL_ERROR; }
      if( TlsCertExpiry(Tcl_GetString(objv[2]), when, sizeof when, err, sizeof err) ){
        Tcl_SetObjResult(interp, Tcl_NewStringObj(err, -1));
        return TCL_ERROR;
      }
      Tcl_SetObjResult(interp, Tcl_NewStringObj(when, -1));
      return TCL_OK;
    }
  }
  return TCL_OK;
}

/* YqCacheCmd: "cache invalidate NAME" drops the cached responses marked NAME ("*": all) and
** returns how many were dropped. */
int YqCacheCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"invalidate", NULL};
  enum CacheSub { CACHE_INVALIDATE };
  int idx, n;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( idx!=CACHE_INVALIDATE || objc!=3 ){ Tcl_WrongNumArgs(interp, 2, objv, "NAME"); return TCL_ERROR; }
  HttpdCacheInvalidate(Tcl_GetString(objv[2]), &n);
  Tcl_SetObjResult(interp, Tcl_NewIntObj(n));
  return TCL_OK;
}

/* ---------------------------------------------------------------------------------------------
** control: the client side of the control socket (console attach, status)
*/

/* ctlConnect: a connected unix socket to PATH, or -1 with errno set. */
static int ctlConnect(const char *path){
  struct sockaddr_un un;
  int fd;
  if( strlen(path)>=sizeof un.sun_path ){ errno = ENAMETOOLONG; return -1; }
  fd = socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0);
  if( fd<0 ) return -1;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, path);
  if( connect(fd, (struct sockaddr*)&un, sizeof un)!=0 ){ int e = errno; close(fd); errno = e; return -1; }
  return fd;
}

/* writeAll: write LEN bytes at P to FD. Returns 0 or -1. */
static int writeAll(int fd, const char *p, size_t len){
  while( len ){
    ssize_t n = write(fd, p, len);
    if( n<0 ){ if( errno==EINTR ) continue; return -1; }
    p += n; len -= n;
  }
  return 0;
}

/*
** YqControlCmd: "control ping PATH" (1 when a server answers on the control socket PATH, else 0)
** and "control eval PATH SCRIPT" (evaluate SCRIPT in that server's background interpreter;
** returns its result or raises its error).
*/
int YqControlCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const subs[] = {"ping", "eval", NULL};
  enum ControlSub { CTL_PING, CTL_EVAL };
  int idx, fd, len, code = 0;
  const char *script;
  char hdr[40];
  Tcl_DString ds;
  (void)cd;
  if( objc<2 ){ Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?"); return TCL_ERROR; }
  if( Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  if( (idx==CTL_PING && objc!=3) || (idx==CTL_EVAL && objc!=4) ){
    Tcl_WrongNumArgs(interp, 2, objv, idx==CTL_EVAL ? "PATH SCRIPT" : "PATH");
    return TCL_ERROR;
  }
  fd = ctlConnect(Tcl_GetString(objv[2]));
  if( idx==CTL_PING ){
    if( fd>=0 ) close(fd);
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(fd>=0));
    return TCL_OK;
  }
  if( fd<0 ){
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("no server answers on %s: %s", Tcl_GetString(objv[2]), strerror(errno)));
    return TCL_ERROR;
  }
  script = Tcl_GetStringFromObj(objv[3], &len);
  snprintf(hdr, sizeof hdr, "%d\n", len);
  if( writeAll(fd, hdr, strlen(hdr)) || writeAll(fd, script, len) ){
    close(fd);
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("control socket: %s", strerror(errno)));
    return TCL_ERROR;
  }
  Tcl_DStringInit(&ds);
  for(;;){
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf);
    if( n<0 && errno==EINTR ) continue;
    if( n<=0 ) break;
    Tcl_DStringAppend(&ds, buf, n);
  }
  close(fd);
  {
    const char *s = Tcl_DStringValue(&ds), *nl = strchr(s, '\n');
    size_t rlen = 0;
    if( !nl || sscanf(s, "%d %zu", &code, &rlen)!=2 || (size_t)(Tcl_DStringLength(&ds) - (nl+1-s))!=rlen ){
      Tcl_DStringFree(&ds);
      Tcl_SetResult(interp, "the server closed the control connection without an answer", TCL_STATIC);
      return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(nl+1, (int)rlen));
  }
  Tcl_DStringFree(&ds);
  return code==TCL_OK ? TCL_OK : TCL_ERROR;
}
