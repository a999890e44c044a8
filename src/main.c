/*
** main.c - the yqbox executable's entry point.
**
** It takes the global option --dev DIR (or the YQBOX_DEV environment variable), creates the
** interpreter (tclcmds.c) and hands the command line to the bundled Tcl procedure yqbox::main,
** which parses the subcommand and its options and returns the exit status. Subcommand logic lives
** in scripts/ so administrators can read it; only what must be C is C.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "yqbox.h"

/* devDirOk: whether DIR looks like a yqbox checkout (has scripts/main.tcl). */
static int devDirOk(const char *dir){
  char path[4096];
  snprintf(path, sizeof path, "%s/scripts/main.tcl", dir);
  return access(path, R_OK)==0;
}

int main(int argc, char **argv){
  const char *dev = getenv("YQBOX_DEV");
  Tcl_Interp *interp;
  Tcl_Obj *args;
  char *err = 0;
  int i = 1, code = 0;

  Tcl_FindExecutable(argv[0]);
  YqCryptoInit();
  while( i<argc ){
    if( !strcmp(argv[i], "--dev") ){
      if( i+1>=argc ){ fprintf(stderr, "yqbox: --dev needs a directory\n"); return 2; }
      dev = argv[i+1];
      i += 2;
    }else if( !strncmp(argv[i], "--dev=", 6) ){
      dev = argv[i]+6;
      i++;
    }else{
      break;
    }
  }
  if( dev && *dev==0 ) dev = 0;
  if( dev && !devDirOk(dev) ){
    fprintf(stderr, "yqbox: --dev %s: %s/scripts/main.tcl is not readable\n", dev, dev);
    return 2;
  }
  if( dev ){
    /* absolute, so that changing directory (tests do) keeps the checkout */
    char *abs = realpath(dev, NULL);
    if( abs ) dev = abs;
  }
  args = Tcl_NewListObj(0, NULL);
  for(; i<argc; i++){
    Tcl_ListObjAppendElement(NULL, args, Tcl_NewStringObj(argv[i], -1));
  }
  interp = YqInterpCreate(dev, args, &err);
  if( !interp ){
    fprintf(stderr, "yqbox: cannot start: %s\n", err);
    return 70;
  }
  if( Tcl_EvalEx(interp, "yqbox::main $::argv", -1, TCL_EVAL_GLOBAL)!=TCL_OK ){
    const char *msg = Tcl_GetStringResult(interp);
    if( getenv("YQBOX_DEBUG") ) msg = Tcl_GetVar(interp, "errorInfo", TCL_GLOBAL_ONLY);
    fprintf(stderr, "yqbox: %s\n", msg);
    code = 1;
  }else if( Tcl_GetIntFromObj(NULL, Tcl_GetObjResult(interp), &code)!=TCL_OK ){
    code = 0;
  }
  /* deleting the interpreter closes the database (checkpointing its WAL) and channels */
  Tcl_DeleteInterp(interp);
  Tcl_Exit(code);
  return code;
}
