/*
** vfs.c - the read-only virtual filesystem holding the files compiled into the binary.
**
** mkembed turns scripts/, webroot/ and the needed part of Tcl's script library (init.tcl, clock,
** msgcat, tcltest, tzdata, encodings) into the sorted table yqEmbedded[]. This file mounts that
** table at VFS_ROOT through Tcl_FSRegister, so `source`, `glob`, `open`, `file exists`, `file
** isdirectory` and `package require` work on embedded paths exactly as on disk. Everything is
** read-only: opening for writing, deleting or creating fails with EROFS. C code (the HTTP driver)
** uses VfsLookup() to reach the same bytes without Tcl.
*/
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "yqbox.h"

#define ROOTLEN (sizeof(VFS_ROOT)-1)

/*
** VfsLookup: find the embedded file or directory whose path (relative to VFS_ROOT, no leading
** slash) equals the LEN bytes at PATH. Returns the entry or NULL. No side effects.
*/
const VfsFile *VfsLookup(const char *path, size_t len){
  int lo = 0, hi = yqEmbeddedCount-1;
  while( lo<=hi ){
    int mid = (lo+hi)/2;
    const char *p = yqEmbedded[mid].path;
    int c = strncmp(p, path, len);
    if( c==0 ) c = p[len] ? 1 : 0;
    if( c==0 ) return &yqEmbedded[mid];
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return 0;
}

/*
** relPath: the part of a normalized absolute path below VFS_ROOT ("" for the root itself), with
** its length in *lenPtr; NULL when the path is not under VFS_ROOT. No side effects.
*/
static const char *relPath(Tcl_Obj *pathPtr, size_t *lenPtr){
  Tcl_Obj *norm = Tcl_FSGetNormalizedPath(NULL, pathPtr);
  const char *s;
  int len;
  if( !norm ) return 0;
  s = Tcl_GetStringFromObj(norm, &len);
  if( (size_t)len<ROOTLEN || memcmp(s, VFS_ROOT, ROOTLEN)!=0 ) return 0;
  if( (size_t)len==ROOTLEN ){ *lenPtr = 0; return ""; }
  if( s[ROOTLEN]!='/' ) return 0;
  *lenPtr = len-ROOTLEN-1;
  return s+ROOTLEN+1;
}

/* lookupObj: the entry for a Tcl path, the root counting as a directory; NULL if absent. */
static const VfsFile *lookupObj(Tcl_Obj *pathPtr){
  static const VfsFile root = {"", 0, 0};
  size_t len;
  const char *rel = relPath(pathPtr, &len);
  if( !rel ) return 0;
  if( len==0 ) return &root;
  return VfsLookup(rel, len);
}

static int vfsPathIn(Tcl_Obj *pathPtr, ClientData *cdPtr){
  size_t len;
  (void)cdPtr;
  return relPath(pathPtr, &len) ? TCL_OK : -1;
}

/* vfsStat: fill BUF for an embedded path; returns 0, or -1 with errno ENOENT. */
static int vfsStat(Tcl_Obj *pathPtr, Tcl_StatBuf *buf){
  const VfsFile *f = lookupObj(pathPtr);
  if( !f ){ errno = ENOENT; return -1; }
  memset(buf, 0, sizeof(*buf));
  buf->st_mode = f->data ? (S_IFREG|0444) : (S_IFDIR|0555);
  buf->st_size = f->size;
  buf->st_nlink = 1;
  buf->st_ino = f->path[0] ? (f - yqEmbedded) + 2 : 1;
  buf->st_dev = 0x79710000;
  return 0;
}

/* vfsAccess: 0 if the path exists and MODE asks for no write access; -1 with errno otherwise. */
static int vfsAccess(Tcl_Obj *pathPtr, int mode){
  const VfsFile *f = lookupObj(pathPtr);
  if( !f ){ errno = ENOENT; return -1; }
  if( mode & W_OK ){ errno = EROFS; return -1; }
  if( (mode & X_OK) && f->data ){ errno = EACCES; return -1; }
  return 0;
}

/* A read channel over an embedded file's bytes. */
typedef struct MemChan { const VfsFile *f; Tcl_WideInt pos; } MemChan;

static int memClose(ClientData cd, Tcl_Interp *interp){
  (void)interp;
  ckfree(cd);
  return 0;
}

static int memInput(ClientData cd, char *buf, int toRead, int *errorCodePtr){
  MemChan *m = cd;
  Tcl_WideInt left = (Tcl_WideInt)m->f->size - m->pos;
  (void)errorCodePtr;
  if( toRead>left ) toRead = (int)left;
  if( toRead>0 ){ memcpy(buf, m->f->data + m->pos, toRead); m->pos += toRead; }
  return toRead;
}

static int memOutput(ClientData cd, const char *buf, int toWrite, int *errorCodePtr){
  (void)cd; (void)buf; (void)toWrite;
  *errorCodePtr = EROFS;
  return -1;
}

static Tcl_WideInt memWideSeek(ClientData cd, Tcl_WideInt offset, int mode, int *errorCodePtr){
  MemChan *m = cd;
  Tcl_WideInt to = mode==SEEK_SET ? offset : mode==SEEK_CUR ? m->pos+offset : (Tcl_WideInt)m->f->size+offset;
  if( to<0 ){ *errorCodePtr = EINVAL; return -1; }
  m->pos = to;
  return to;
}

static int memSeek(ClientData cd, long offset, int mode, int *errorCodePtr){
  return (int)memWideSeek(cd, offset, mode, errorCodePtr);
}

static void memWatch(ClientData cd, int mask){ (void)cd; (void)mask; }

static int memGetHandle(ClientData cd, int direction, ClientData *handlePtr){
  (void)cd; (void)direction; (void)handlePtr;
  return TCL_ERROR;
}

static const Tcl_ChannelType memChannelType = {
  "yqvfs", TCL_CHANNEL_VERSION_5, memClose, memInput, memOutput, memSeek,
  NULL, NULL, memWatch, memGetHandle, NULL, NULL, NULL, NULL, memWideSeek, NULL, NULL
};

/* vfsOpen: a readable channel on an embedded file; NULL with a message for anything else. */
static Tcl_Channel vfsOpen(Tcl_Interp *interp, Tcl_Obj *pathPtr, int mode, int perms){
  static int counter;
  const VfsFile *f = lookupObj(pathPtr);
  char name[40];
  MemChan *m;
  (void)perms;
  if( (mode & O_ACCMODE)!=O_RDONLY ){
    if( interp ) Tcl_SetObjResult(interp, Tcl_ObjPrintf(
        "couldn't open \"%s\": read-only file system", Tcl_GetString(pathPtr)));
    Tcl_SetErrno(EROFS);
    return NULL;
  }
  if( !f || !f->data ){
    if( interp ) Tcl_SetObjResult(interp, Tcl_ObjPrintf("couldn't open \"%s\": %s",
        Tcl_GetString(pathPtr), f ? "illegal operation on a directory" : "no such file or directory"));
    Tcl_SetErrno(f ? EISDIR : ENOENT);
    return NULL;
  }
  m = (MemChan*)ckalloc(sizeof(MemChan));
  m->f = f;
  m->pos = 0;
  snprintf(name, sizeof name, "yqvfs%d", ++counter);
  return Tcl_CreateChannel(&memChannelType, name, m, TCL_READABLE);
}

/* typeOk: whether entry F passes the glob type filter TYPES. */
static int typeOk(const VfsFile *f, Tcl_GlobTypeData *types){
  int t;
  if( !types ) return 1;
  if( types->perm & TCL_GLOB_PERM_W ) return 0;
  if( (types->perm & TCL_GLOB_PERM_X) && f->data ) return 0;
  t = types->type & (TCL_GLOB_TYPE_DIR|TCL_GLOB_TYPE_FILE|TCL_GLOB_TYPE_BLOCK|TCL_GLOB_TYPE_CHAR
                     |TCL_GLOB_TYPE_PIPE|TCL_GLOB_TYPE_LINK|TCL_GLOB_TYPE_SOCK);
  if( t==0 ) return 1;
  if( (t & TCL_GLOB_TYPE_DIR) && !f->data ) return 1;
  if( (t & TCL_GLOB_TYPE_FILE) && f->data ) return 1;
  return 0;
}

/*
** vfsMatch: append to RESULT the entries of directory PATH whose names match PATTERN and TYPES
** (or PATH itself when PATTERN is NULL). Returns TCL_OK.
*/
static int vfsMatch(Tcl_Interp *interp, Tcl_Obj *resultPtr, Tcl_Obj *pathPtr,
                    const char *pattern, Tcl_GlobTypeData *types){
  size_t dlen;
  const char *dir;
  int i;
  (void)interp;
  if( types && (types->type & TCL_GLOB_TYPE_MOUNT) ) return TCL_OK;
  dir = relPath(pathPtr, &dlen);
  if( !dir ) return TCL_OK;
  if( pattern==NULL ){
    const VfsFile *f = lookupObj(pathPtr);
    if( f && typeOk(f, types) ) Tcl_ListObjAppendElement(NULL, resultPtr, pathPtr);
    return TCL_OK;
  }
  for(i=0; i<yqEmbeddedCount; i++){
    const VfsFile *f = &yqEmbedded[i];
    const char *name;
    if( dlen ){
      if( strncmp(f->path, dir, dlen)!=0 || f->path[dlen]!='/' ) continue;
      name = f->path + dlen + 1;
    }else{
      name = f->path;
    }
    if( strchr(name, '/') ) continue;
    if( name[0]=='.' && pattern[0]!='.' ) continue;
    if( !Tcl_StringMatch(name, pattern) || !typeOk(f, types) ) continue;
    {
      Tcl_Obj *nameObj = Tcl_NewStringObj(name, -1);
      Tcl_Obj *full;
      Tcl_IncrRefCount(nameObj);
      full = Tcl_FSJoinToPath(pathPtr, 1, &nameObj);
      Tcl_DecrRefCount(nameObj);
      Tcl_ListObjAppendElement(NULL, resultPtr, full);
    }
  }
  return TCL_OK;
}

static int vfsNormalize(Tcl_Interp *interp, Tcl_Obj *pathPtr, int nextCheckpoint){
  int len;
  (void)interp; (void)nextCheckpoint;
  Tcl_GetStringFromObj(pathPtr, &len);
  return len;
}

static Tcl_Obj *vfsPathType(Tcl_Obj *pathPtr){
  (void)pathPtr;
  return Tcl_NewStringObj("yqbox", -1);
}

static int vfsChdir(Tcl_Obj *pathPtr){
  const VfsFile *f = lookupObj(pathPtr);
  if( !f ){ errno = ENOENT; return -1; }
  if( f->data ){ errno = ENOTDIR; return -1; }
  return 0;
}

/* Every change (delete, mkdir, rmdir, rename, copy into) fails: the files are read-only. */
static int vfsReadOnly1(Tcl_Obj *pathPtr){
  (void)pathPtr;
  errno = EROFS;
  return -1;
}
static int vfsReadOnly2(Tcl_Obj *srcPtr, Tcl_Obj *dstPtr){
  (void)srcPtr; (void)dstPtr;
  errno = EROFS;
  return -1;
}
static int vfsReadOnlyDir(Tcl_Obj *pathPtr, int recursive, Tcl_Obj **errorPtr){
  (void)recursive;
  *errorPtr = pathPtr;
  Tcl_IncrRefCount(pathPtr);
  errno = EROFS;
  return -1;
}
static int vfsReadOnlyCopyDir(Tcl_Obj *srcPtr, Tcl_Obj *dstPtr, Tcl_Obj **errorPtr){
  *errorPtr = dstPtr;
  Tcl_IncrRefCount(dstPtr);
  (void)srcPtr;
  errno = EROFS;
  return -1;
}

static const Tcl_Filesystem vfsFilesystem = {
  "yqbox", sizeof(Tcl_Filesystem), TCL_FILESYSTEM_VERSION_1,
  vfsPathIn, NULL, NULL, NULL, NULL, vfsNormalize, vfsPathType, NULL,
  vfsStat, vfsAccess, vfsOpen, vfsMatch, NULL, NULL, NULL, NULL, NULL, NULL,
  vfsReadOnly1, vfsReadOnlyDir, vfsReadOnly1, vfsReadOnly2, vfsReadOnly2, vfsReadOnlyCopyDir,
  vfsStat, NULL, NULL, vfsChdir
};

/*
** VfsRegister: mount the embedded files at VFS_ROOT (once per process; later calls do nothing).
** Returns TCL_OK or TCL_ERROR.
*/
int VfsRegister(void){
  static int done;
  if( done ) return TCL_OK;
  done = 1;
  return Tcl_FSRegister(NULL, &vfsFilesystem);
}
