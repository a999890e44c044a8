/*
** parse.c - C unit tests of the URL resolver (url.c) and the robots.txt matcher (robots.c), the C
** APIs the fetch engine calls directly.
*/
#include <stdlib.h>
#include <string.h>
#include "yqbox.h"
#include "check.h"

/* resolved: whether BASE + REF resolves to WANT (WANT NULL: must fail). */
static int resolved(const char *base, const char *ref, const char *want){
  Tcl_DString ds;
  const char *err = NULL;
  int rc, ok;
  Tcl_DStringInit(&ds);
  rc = YqUrlResolve(base, ref, &ds, &err);
  ok = want ? (rc==0 && strcmp(Tcl_DStringValue(&ds), want)==0) : (rc<0 && err!=NULL);
  if( !ok ) fprintf(stderr, "  %s + %s -> %s\n", base, ref, rc==0 ? Tcl_DStringValue(&ds) : err);
  Tcl_DStringFree(&ds);
  return ok;
}

int main(void){
  const char *r = "User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /*.php$\n";
  Tcl_DString ds;
  const char *err;
  Tcl_FindExecutable(NULL);

  CHECK(resolved("http://a/b/c/d;p?q", "../g", "http://a/b/g"));
  CHECK(resolved("http://a/b/c/d;p?q", "//g", "http://g/"));
  CHECK(resolved("http://h/x", "\\\\o\\p", "http://o/p"));
  CHECK(resolved("http://h/x", "http://0x7f.1:80/", "http://127.0.0.1/"));
  CHECK(resolved("http://h/x", "a b?c d#e f", "http://h/a%20b?c%20d#e%20f"));
  CHECK(resolved(NULL, "http://H.example/", "http://h.example/"));
  CHECK(resolved(NULL, "rel", NULL));
  CHECK(resolved("http://h/", "http://h:70000/", NULL));
  CHECK(resolved("http://h/", "http://[1::2::3]/", NULL));

  Tcl_DStringInit(&ds);
  CHECK(YqUrlCanonical("http://H:80/p?utm_x=1&a=2#f", &ds, &err)==0 && strcmp(Tcl_DStringValue(&ds), "http://h/p?a=2")==0);
  Tcl_DStringSetLength(&ds, 0);
  CHECK(YqUrlPathQuery("http://h/a%20b?x#y", &ds, &err)==0 && strcmp(Tcl_DStringValue(&ds), "/a%20b?x")==0);
  Tcl_DStringFree(&ds);

  CHECK(YqRobotsAllowed(r, strlen(r), "Bot", "/a/x")==0);
  CHECK(YqRobotsAllowed(r, strlen(r), "Bot", "/a/b/x")==1);
  CHECK(YqRobotsAllowed(r, strlen(r), "Bot", "/x.php")==0);
  CHECK(YqRobotsAllowed(r, strlen(r), "Bot", "/x.php?y")==1);
  CHECK(YqRobotsAllowed(r, strlen(r), "Bot", "/robots.txt")==1);
  CHECK(YqRobotsAllowed("", 0, "Bot", "/a")==1);
  /* the length given is honoured: nothing is read past it */
  CHECK(YqRobotsAllowed(r, 14, "Bot", "/a")==1);
  /* a last line "User-agent:" at the very end of the given bytes: its (empty) token is not read
  ** from the bytes after LEN ("Bot..."), so the * group still applies */
  {
    const char *t = "User-agent: *\nDisallow: /x\nUser-agent:Bot\nAllow: /x\n";
    size_t cut = strstr(t, "Bot\n")-t;
    char *heap = malloc(cut);                      /* exactly LEN bytes: ASan sees any overread */
    memcpy(heap, t, cut);
    CHECK(YqRobotsAllowed(t, cut, "Bot", "/x")==0);
    CHECK(YqRobotsAllowed(heap, cut, "Bot", "/x")==0);
    CHECK(YqRobotsAllowed(t, cut+3, "Bot", "/x")==1);   /* "User-agent:Bot", a group without rules */
    CHECK(YqRobotsAllowed(t, strlen(t), "Bot", "/x")==1);
    free(heap);
  }
  return DONE();
}
