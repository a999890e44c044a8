/*
** replay.c - the main of the corpus replays `make test` runs (no clang, no libFuzzer needed): it is
** linked with one harness tests/fuzz/NAME.c and the sanitizer build of our code (gcc, ASan + UBSan)
** and feeds every file of the directories named on its command line (tests/fuzz/corpus/NAME and
** tests/fuzz/crashes/NAME) to LLVMFuzzerTestOneInput, as libFuzzer would. A file passes when the
** harness returns; a sanitizer finding aborts the run (no result line: the runner counts a failure).
** After the files, a leak check runs. Prints "N passed, N failed".
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/lsan_interface.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* readAll: the contents of PATH (malloc'ed, *N bytes), or NULL. */
static uint8_t *readAll(const char *path, size_t *n){
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  size_t cap = 0, len = 0, got;
  if( !f ) return NULL;
  do{
    if( len==cap ){ cap = cap ? 2*cap : 4096; buf = realloc(buf, cap); }
    got = fread(buf+len, 1, cap-len, f);
    len += got;
  }while( got>0 );
  fclose(f);
  *n = len;
  return buf;
}

static int byName(const struct dirent **a, const struct dirent **b){
  return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv){
  int pass = 0, fail = 0, i, k, n;
  LLVMFuzzerInitialize(&argc, &argv);
  for(i=1; i<argc; i++){
    struct dirent **ents;
    n = scandir(argv[i], &ents, NULL, byName);
    if( n<0 ) continue;               /* no crashes directory yet: nothing to replay */
    for(k=0; k<n; k++){
      char path[4096];
      uint8_t *data;
      size_t size = 0;
      if( ents[k]->d_name[0]!='.' ){
        snprintf(path, sizeof path, "%s/%s", argv[i], ents[k]->d_name);
        data = readAll(path, &size);
        if( data ){
          LLVMFuzzerTestOneInput(size ? data : (const uint8_t*)"", size);
          free(data);
          pass++;
        }else{
          fprintf(stderr, "%s: cannot read\n", path);
          fail++;
        }
      }
      free(ents[k]);
    }
    free(ents);
  }
  if( __lsan_do_recoverable_leak_check() ){ fprintf(stderr, "leaks found (see above)\n"); fail++; }
  printf("%d passed, %d failed\n", pass, fail);
  return fail ? 1 : 0;
}
