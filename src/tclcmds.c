/*
** tclcmds.c - creates yqbox's Tcl interpreters and registers every C-level Tcl command.
**
** Every interpreter (the command line's, each web worker's, the background one) is made by
** YqInterpCreate(): the embedded filesystem is mounted, Tcl's own library is taken from it (so the
** binary needs no Tcl installation), the system encoding is UTF-8 whatever the host's locale,
** SQLite's Tcl interface is loaded, the commands of the table below are registered and the bundled
** scripts/main.tcl is sourced. The one table lists every C command; a new C command is added there.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <mbedtls/version.h>
#include <libxml/xmlversion.h>
#include <zlib.h>
#include <qrencode.h>
#include <sqlite3.h>
#include "yqbox_deps.h"
#include "yqbox.h"

int Sqlite3_Init(Tcl_Interp *interp);
const char *curses_version(void);   /* ncurses; its header would bring its macros in */

static const char *devDir;   /* --dev DIR: scripts/ and webroot/ come from there */

/* YqDevDir: the developer checkout given with --dev, or NULL when running from embedded files. */
const char *YqDevDir(void){
  return devDir;
}

/*
** The Debian source package and revision (written by src/deps.sh into yqbox_deps.h) of each
** embedded library, by the component name "yqbox::versions" uses.
*/
static const char *const debianVersions[][3] = {
  { "tcl",     "tcl8.6",  YQ_DEBIAN_TCL8_6 },
  { "sqlite",  "sqlite3", YQ_DEBIAN_SQLITE3 },
  { "curl",    "curl",    YQ_DEBIAN_CURL },
  { "mbedtls", "mbedtls", YQ_DEBIAN_MBEDTLS },
  { "libxml2", "libxml2", YQ_DEBIAN_LIBXML2 },
  { "zlib",    "zlib",    YQ_DEBIAN_ZLIB },
  { "ncurses", "ncurses", YQ_DEBIAN_NCURSES },
  { "libedit", "libedit", YQ_DEBIAN_LIBEDIT },
  { "qrencode", "qrencode", YQ_DEBIAN_QRENCODE },
#ifdef YQ_MIMALLOC
  { "malloc",  "mimalloc", YQ_DEBIAN_MIMALLOC },
#endif
};

#ifdef YQ_MIMALLOC
int mi_version(void);   /* mimalloc (the musl build's allocator, src/deps.sh): 209 for 2.0.9 */
#endif

/*
** mallocVersion: the allocator of this build into BUF (size N): "mimalloc X.Y.Z" in the musl
** build (linked with mimalloc.o, Makefile.in), "sanitizer" under ASan, else "libc". Returns BUF.
*/
static const char *mallocVersion(char *buf, size_t n){
#if defined(YQ_MIMALLOC)
  int v = mi_version();
  snprintf(buf, n, "mimalloc %d.%d.%d", v/100, v/10%10, v%10);
#elif defined(__SANITIZE_ADDRESS__)
  snprintf(buf, n, "sanitizer");
#else
  snprintf(buf, n, "libc");
#endif
  return buf;
}

/*
** versionsCmd: "yqbox::versions" returns a dict component -> version for yqbox, every embedded
** library and the allocator (malloc); "yqbox::versions -debian" a dict component ->
** {Debian-package Debian-version} for the embedded libraries (the source package revision they
** were built from, its patch series applied). No side effects.
*/
static int versionsCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const opts[] = { "-debian", NULL };
  Tcl_Obj *d;
  char mbed[32], edit[64], alloc[32];
  const char *xml = LIBXML_DOTTED_VERSION, *curses = curses_version(), *dash;
  int idx;
  size_t i;
  (void)cd;
  if( objc>2 ){ Tcl_WrongNumArgs(interp, 1, objv, "?-debian?"); return TCL_ERROR; }
  if( objc==2 && Tcl_GetIndexFromObj(interp, objv[1], opts, "option", 0, &idx)!=TCL_OK ) return TCL_ERROR;
  d = Tcl_NewDictObj();
#define ADD(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), Tcl_NewStringObj(v, -1))
  if( objc==2 ){
    for(i=0; i<sizeof(debianVersions)/sizeof(debianVersions[0]); i++){
      Tcl_Obj *pair = Tcl_NewListObj(0, NULL);
      Tcl_ListObjAppendElement(NULL, pair, Tcl_NewStringObj(debianVersions[i][1], -1));
      Tcl_ListObjAppendElement(NULL, pair, Tcl_NewStringObj(debianVersions[i][2], -1));
      Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(debianVersions[i][0], -1), pair);
    }
    Tcl_SetObjResult(interp, d);
    return TCL_OK;
  }
  mbedtls_version_get_string(mbed);
  /* libedit's headers carry no release number: its Debian version without the revision */
  snprintf(edit, sizeof(edit), "%s", YQ_DEBIAN_LIBEDIT);
  dash = strrchr(edit, '-');
  if( dash ) edit[dash-edit] = 0;
  if( strncmp(curses, "ncurses ", 8)==0 ) curses += 8;
  ADD("yqbox", YQBOX_VERSION);
  ADD("tcl", Tcl_GetVar(interp, "tcl_patchLevel", TCL_GLOBAL_ONLY));
  ADD("sqlite", sqlite3_libversion());
  ADD("curl", curl_version_info(CURLVERSION_NOW)->version);
  ADD("mbedtls", mbed);
  ADD("libxml2", xml);
  ADD("zlib", zlibVersion());
  ADD("ncurses", curses);
  ADD("libedit", edit);
  ADD("qrencode", QRcode_APIVersionString());
  ADD("malloc", mallocVersion(alloc, sizeof alloc));
#undef ADD
  Tcl_SetObjResult(interp, d);
  return TCL_OK;
}

/*
** The clock offset of the process (seconds): yqbox::now adds it to the real or the fixed test
** clock, so every interpreter of a server (workers, background, console) sees one simulated time.
** Only scripts/main.tcl uses it, and only when YQBOX_TESTING is set.
*/
static long long clockOffset;

/*
** clockOffsetCmd: "yqbox::clockoffset ?SECONDS?" returns the process-wide clock offset; with
** SECONDS, first sets it (atomically: any thread may read it at the same time). Side effect: the
** offset every interpreter of this process sees.
*/
static int clockOffsetCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  Tcl_WideInt v;
  (void)cd;
  if( objc>2 ){ Tcl_WrongNumArgs(interp, 1, objv, "?seconds?"); return TCL_ERROR; }
  if( objc==2 ){
    if( Tcl_GetWideIntFromObj(interp, objv[1], &v)!=TCL_OK ) return TCL_ERROR;
    __atomic_store_n(&clockOffset, (long long)v, __ATOMIC_SEQ_CST);
  }
  Tcl_SetObjResult(interp, Tcl_NewWideIntObj(__atomic_load_n(&clockOffset, __ATOMIC_SEQ_CST)));
  return TCL_OK;
}

/* The table of every C-level Tcl command. */
static const struct {
  const char *name;
  Tcl_ObjCmdProc *proc;
} cmdTable[] = {
  { "yqbox::versions",  versionsCmd },
  { "yqbox::clockoffset", clockOffsetCmd },
  { "yqbox::repl",      YqConsoleCmd },
  { "charset",          CharsetCmd },
  { "json",             JsonCmd },
  { "markup",           YqMarkupCmd },
  { "fetch",            FetchCmd },
  { "crypto",           CryptoCmd },
  { "url",              UrlCmd },
  { "robots",           RobotsCmd },
  { "date",             DateCmd },
  { "cjk",              CjkCmd },
  { "html",             HtmlCmd },
  { "page",             PageCmd },
  { "feed",             FeedCmd },
  { "server",           YqServerCmd },
  { "cache",            YqCacheCmd },
  { "control",          YqControlCmd },
  { "http",             YqHttpCmd },
  { "yqbox::log",       YqLogCmd },
  { "matcher",          MatcherCmd },
  { "simhash",          SimhashCmd },
  { "sentiment",        SentimentCmd },
  { "mail",             MailCmd },
  { "qr",               QrCmd },
};

/* Tcl's own (tclInterp.c, internal): a script every Tcl_Init evaluates first */
const char *TclSetPreInitScript(const char *string);

/*
** YqInterpCreate: make a ready interpreter. DEVDIR (or NULL) is the checkout to read scripts/ and
** webroot/ from; ARGV (or NULL) becomes ::argv. Returns the interpreter, or NULL with *ERRMSG set
** (malloc'ed) when Tcl's library or the bundled scripts fail to load.
*/
Tcl_Interp *YqInterpCreate(const char *devdir, Tcl_Obj *argv, char **errmsg){
  Tcl_Interp *interp;
  Tcl_Obj *encPath;
  size_t i;

  devDir = devdir;
  VfsRegister();
  YqCjkRegister();      /* before the first SQLite connection */
  YqXmlQuiet();
  encPath = Tcl_NewStringObj(VFS_ROOT "/lib/tcl8.6/encoding", -1);
  Tcl_IncrRefCount(encPath);
  Tcl_SetEncodingSearchPath(Tcl_NewListObj(1, &encPath));
  Tcl_DecrRefCount(encPath);
  Tcl_SetSystemEncoding(NULL, "utf-8");

  /* every interpreter's Tcl_Init, child interpreters' too (`interp create`), finds Tcl's library
  ** in the embedded files: never in the directory the library was built in, which a county's
  ** machine does not have */
  TclSetPreInitScript("set tcl_library " VFS_ROOT "/lib/tcl8.6");
  interp = Tcl_CreateInterp();
  Tcl_SetVar(interp, "tcl_interactive", "0", TCL_GLOBAL_ONLY);
  if( Tcl_Init(interp)!=TCL_OK ) goto fail;
  if( Sqlite3_Init(interp)!=TCL_OK ) goto fail;
  Tcl_StaticPackage(NULL, "sqlite3", Sqlite3_Init, NULL);
  Tcl_CreateNamespace(interp, "yqbox", NULL, NULL);
  for(i=0; i<sizeof(cmdTable)/sizeof(cmdTable[0]); i++){
    Tcl_CreateObjCommand(interp, cmdTable[i].name, cmdTable[i].proc, NULL, NULL);
  }
  if( devdir ){
    Tcl_SetVar2Ex(interp, "yqbox::root", NULL, Tcl_NewStringObj(devdir, -1), TCL_GLOBAL_ONLY);
    Tcl_SetVar2Ex(interp, "yqbox::dev", NULL, Tcl_NewBooleanObj(1), TCL_GLOBAL_ONLY);
  }else{
    Tcl_SetVar2Ex(interp, "yqbox::root", NULL, Tcl_NewStringObj(VFS_ROOT, -1), TCL_GLOBAL_ONLY);
    Tcl_SetVar2Ex(interp, "yqbox::dev", NULL, Tcl_NewBooleanObj(0), TCL_GLOBAL_ONLY);
  }
  if( argv ) Tcl_SetVar2Ex(interp, "argv", NULL, argv, TCL_GLOBAL_ONLY);
#ifdef YQBOX_TEST_UNHEALTHY
  /* test hook, only in a build made with -DYQBOX_TEST_UNHEALTHY (tests/upgrade.test builds one):
  ** its health check fails, so `yqbox upgrade` must roll back. Never set in a real build. */
  Tcl_SetVar2Ex(interp, "yqbox::testUnhealthy", NULL, Tcl_NewBooleanObj(1), TCL_GLOBAL_ONLY);
#endif
  if( Tcl_EvalEx(interp, "source -encoding utf-8 [file join $::yqbox::root scripts main.tcl]",
                 -1, TCL_EVAL_GLOBAL)!=TCL_OK ) goto fail;
  return interp;

fail:
  {
    const char *info = Tcl_GetVar(interp, "errorInfo", TCL_GLOBAL_ONLY);
    *errmsg = strdup(info ? info : Tcl_GetStringResult(interp));
  }
  Tcl_DeleteInterp(interp);
  return NULL;
}
