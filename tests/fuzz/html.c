/*
** html.c - libFuzzer harness of the HTML parser, XPath extraction and the article extractor
** (src/html.c, src/extract.c). The input is a page as `charset decode` hands it on (UTF-8 text).
** It runs what the crawler runs: `html doc TEXT -url URL`, the list-page rule `DOC items` with
** links, `DOC xpath` in every mode (-text, -raw, -attr, -link, -html, -nodes with -context),
** `DOC text`, `DOC extract`, `DOC delete`; and `page extract` and `html text` on the same text.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static const char *modes[][2] = {{"//title", "-text"}, {"//body//text()", "-raw"},
    {"//a/@href", "-link"}, {"//img", "-link"}, {"//@class", "-html"}, {"//p|//div/text()", "-html"},
    {"//*[@id]", "-html"}, {"count(//div)", "-text"}, {"string(//a/@href)", "-link"}, {"//*", "-text"}};
  Tcl_Interp *interp = fuzzInterp();
  Tcl_Obj *text = fuzzText(data, size), *doc, *nodes;
  size_t i;
  int n;
  if( fuzzEval("html", "doc", FUZZ_OBJ, text, "-url", "http://bbs.qingshan.test/forum-2-1.html", NULL)==TCL_OK ){
    doc = Tcl_GetObjResult(interp);
    Tcl_IncrRefCount(doc);
    fuzzEval(Tcl_GetString(doc), "items", "//tbody|//li|//div[@class]",
             "title {.//a[1]} link {.//a/@href} time {.//em|.//span[@class='time']}", "-links", "link", NULL);
    for(i=0; i<sizeof modes/sizeof modes[0]; i++) fuzzEval(Tcl_GetString(doc), "xpath", modes[i][0], modes[i][1], NULL);
    fuzzEval(Tcl_GetString(doc), "xpath", "//div", "-attr", "class", NULL);
    if( fuzzEval(Tcl_GetString(doc), "xpath", "//div|//table", "-nodes", NULL)==TCL_OK ){
      nodes = Tcl_GetObjResult(interp);
      Tcl_IncrRefCount(nodes);
      if( Tcl_ListObjLength(NULL, nodes, &n)==TCL_OK && n>0 ){
        Tcl_Obj *first;
        Tcl_ListObjIndex(NULL, nodes, 0, &first);
        fuzzEval(Tcl_GetString(doc), "xpath", ".//a", "-context", Tcl_GetString(first), "-link", NULL);
        fuzzEval(Tcl_GetString(doc), "text", Tcl_GetString(first), NULL);
      }
      Tcl_DecrRefCount(nodes);
    }
    fuzzEval(Tcl_GetString(doc), "text", NULL);
    fuzzEval(Tcl_GetString(doc), "base", NULL);
    fuzzEval(Tcl_GetString(doc), "extract", NULL);
    fuzzEval(Tcl_GetString(doc), "delete", NULL);
    Tcl_DecrRefCount(doc);
  }
  fuzzEval("page", "extract", FUZZ_OBJ, text, "-url", "http://news.qingshan.test/a/1.html",
           "-now", "2024-05-10T12:00:00+08:00", NULL);
  fuzzEval("html", "text", FUZZ_OBJ, text, NULL);
  Tcl_DecrRefCount(text);
  return 0;
}
