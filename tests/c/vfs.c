/*
** vfs.c (test) - unit tests of the embedded file table and VfsLookup (src/vfs.c).
*/
#include <string.h>
#include "../../src/yqbox.h"
#include "check.h"

int main(void){
  const VfsFile *f;
  int i, sorted = 1;
  for(i=1; i<yqEmbeddedCount; i++){
    if( strcmp(yqEmbedded[i-1].path, yqEmbedded[i].path)>=0 ) sorted = 0;
  }
  CHECK( sorted );
  f = VfsLookup("scripts/main.tcl", 16);
  CHECK( f && f->data && f->size>0 && strstr(f->data, "namespace eval yqbox") );
  f = VfsLookup("scripts/main.tclXYZ", 16);          /* length bounds the name */
  CHECK( f && f->data );
  f = VfsLookup("scripts", 7);
  CHECK( f && f->data==0 );                          /* a directory */
  CHECK( VfsLookup("lib/tcl8.6/init.tcl", 19)!=0 );
  CHECK( VfsLookup("lib/tcl8.6/tzdata/Asia/Shanghai", 31)!=0 );
  CHECK( VfsLookup("lib/tcl8.6/encoding/cp936.enc", 29)!=0 );
  CHECK( VfsLookup("scripts/main.tc", 15)==0 );      /* a prefix is not a match */
  CHECK( VfsLookup("scripts/nope.tcl", 16)==0 );
  CHECK( VfsLookup("", 0)==0 );
  CHECK( VfsLookup("zzzz", 4)==0 );
  return DONE();
}
