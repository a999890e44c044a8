/*
** console.c - the administrators' interactive Tcl console (read-eval-print loop).
**
** yqbox::repl reads commands with libedit (line editing, persistent history), keeps reading while
** braces, brackets or quotes are open so a multi-line command completes only when it balances, and
** evaluates each complete command either in this interpreter or through a command prefix given by
** the caller (the Tcl side uses that to send commands to a running server). Errors are printed as
** messages; the loop ends only on end-of-file or the `exit` command. Ctrl-C clears the line being
** typed, or interrupts a running command with an error.
*/
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <editline/readline.h>
#include "yqbox.h"

static volatile sig_atomic_t gotSigint;
static Tcl_AsyncHandler asyncInterrupt;
static Tcl_Interp *replInterp;

/* onSigint: signal handler; flags the interrupt and asks Tcl to cancel a running command. */
static void onSigint(int sig){
  (void)sig;
  gotSigint = 1;
  if( asyncInterrupt ) Tcl_AsyncMark(asyncInterrupt);
}

/* cancelProc: runs at a safe point after Ctrl-C; cancels the evaluation in progress, if any. */
static int cancelProc(ClientData cd, Tcl_Interp *interp, int code){
  (void)cd; (void)interp;
  if( replInterp ){
    Tcl_CancelEval(replInterp, Tcl_NewStringObj("interrupted", -1), NULL, 0);
  }
  return code;
}

/*
** readLine: one line from the terminal (with editing) or from a pipe. Returns a malloc'ed string
** without the newline, "" with *INTR set when Ctrl-C was pressed, or NULL at end of input.
*/
static char *readLine(int tty, const char *prompt, int *intr){
  char *line;
  *intr = 0;
  gotSigint = 0;
  if( tty ){
    line = readline(prompt);
    if( !line && gotSigint ){ *intr = 1; return strdup(""); }
    return line;
  }else{
    Tcl_DString ds;
    int c;
    Tcl_DStringInit(&ds);
    while( (c = getchar())!=EOF && c!='\n' ){
      char ch = (char)c;
      Tcl_DStringAppend(&ds, &ch, 1);
    }
    if( c==EOF && Tcl_DStringLength(&ds)==0 ){ Tcl_DStringFree(&ds); return NULL; }
    line = strdup(Tcl_DStringValue(&ds));
    Tcl_DStringFree(&ds);
    return line;
  }
}

/* isBlank: whether S holds only white space. */
static int isBlank(const char *s){
  for(; *s; s++) if( *s!=' ' && *s!='\t' && *s!='\n' && *s!='\r' ) return 0;
  return 1;
}

/*
** YqConsoleCmd: "yqbox::repl ?-history FILE? ?-prompt TEXT? ?-eval PREFIX?". Runs the loop until
** end of input; returns an empty result. With -eval, each command is appended as one word to
** PREFIX and that is evaluated instead of the command itself. History is loaded from and saved to
** FILE after every command.
*/
int YqConsoleCmd(void *cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]){
  static const char *const opts[] = {"-history", "-prompt", "-eval", NULL};
  enum ReplOpt { OPT_HISTORY, OPT_PROMPT, OPT_EVAL };
  const char *history = 0, *prompt = "yqbox> ";
  Tcl_Obj *prefix = 0;
  Tcl_DString buf;
  struct sigaction sa, oldsa;
  int tty = isatty(0) && isatty(1);
  int i;
  (void)cd;

  if( objc%2==0 ){
    Tcl_WrongNumArgs(interp, 1, objv, "?-history FILE? ?-prompt TEXT? ?-eval PREFIX?");
    return TCL_ERROR;
  }
  for(i=1; i<objc; i+=2){
    int idx;
    if( Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &idx)!=TCL_OK ) return TCL_ERROR;
    switch( (enum ReplOpt)idx ){
      case OPT_HISTORY: history = Tcl_GetString(objv[i+1]); break;
      case OPT_PROMPT: prompt = Tcl_GetString(objv[i+1]); break;
      case OPT_EVAL: prefix = objv[i+1]; break;
    }
  }
  if( !setlocale(LC_CTYPE, "C.UTF-8") ) setlocale(LC_CTYPE, "");
  if( tty ){
    using_history();
    stifle_history(2000);
    if( history ) read_history(history);
  }
  replInterp = interp;
  if( !asyncInterrupt ) asyncInterrupt = Tcl_AsyncCreate(cancelProc, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = onSigint;      /* no SA_RESTART: a read in progress returns on Ctrl-C */
  sigaction(SIGINT, &sa, &oldsa);

  Tcl_DStringInit(&buf);
  for(;;){
    int intr;
    char *line = readLine(tty, Tcl_DStringLength(&buf) ? "     > " : prompt, &intr);
    Tcl_Obj *script;
    int code;
    if( !line ){ if( tty ) fputc('\n', stdout); break; }
    if( intr ){
      free(line);
      Tcl_DStringSetLength(&buf, 0);
      fputs("^C\n", stdout);
      continue;
    }
    Tcl_DStringAppend(&buf, line, -1);
    Tcl_DStringAppend(&buf, "\n", 1);
    free(line);
    if( !Tcl_CommandComplete(Tcl_DStringValue(&buf)) ) continue;
    if( isBlank(Tcl_DStringValue(&buf)) ){ Tcl_DStringSetLength(&buf, 0); continue; }
    Tcl_DStringSetLength(&buf, Tcl_DStringLength(&buf)-1);
    if( tty ){
      add_history(Tcl_DStringValue(&buf));
      if( history ) write_history(history);
    }
    script = Tcl_NewStringObj(Tcl_DStringValue(&buf), Tcl_DStringLength(&buf));
    Tcl_DStringSetLength(&buf, 0);
    Tcl_IncrRefCount(script);
    if( prefix ){
      Tcl_Obj *cmd = Tcl_DuplicateObj(prefix);
      Tcl_IncrRefCount(cmd);
      Tcl_ListObjAppendElement(NULL, cmd, script);
      code = Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL);
      Tcl_DecrRefCount(cmd);
    }else{
      code = Tcl_EvalObjEx(interp, script, TCL_EVAL_GLOBAL);
    }
    Tcl_DecrRefCount(script);
    if( code==TCL_ERROR ){
      fprintf(stdout, "error: %s\n", Tcl_GetStringResult(interp));
    }else{
      const char *r = Tcl_GetStringResult(interp);
      if( *r ) fprintf(stdout, "%s\n", r);
    }
    fflush(stdout);
    Tcl_ResetResult(interp);
  }
  Tcl_DStringFree(&buf);
  sigaction(SIGINT, &oldsa, NULL);
  replInterp = 0;
  return TCL_OK;
}
