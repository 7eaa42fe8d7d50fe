// Package swagger serves the api's generated OpenAPI document and the Swagger UI. It is
// its own package so that only the api binary carries the UI's assets: the worker serves
// no docs.
package swagger

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files/v2"
	ginSwagger "github.com/swaggo/gin-swagger"
	"golang.org/x/net/webdav"

	_ "github.com/naengbu/recipe-ai/adapters/httpapi/docs" // registers the generated document
)

// Register serves the Swagger UI at /docs/index.html and the document at /docs/doc.json;
// /docs and /docs/ lead to the UI.
func Register(r *gin.Engine) {
	ui := &webdav.Handler{FileSystem: readOnlyFS{swaggerFiles.FS}, LockSystem: webdav.NewMemLS()}
	r.GET("/docs/*any", docs(ginSwagger.WrapHandler(ui)))
}

// docs godoc
// @Summary     API documentation
// @Description The Swagger UI at /docs/index.html, this document at /docs/doc.json; /docs and /docs/ redirect to /docs/index.html.
// @Tags        operations
// @Produce     html
// @Param       any path string true "index.html, doc.json or a file of the UI"
// @Success     200 {string} string "the Swagger UI, or this document"
// @Success     302 {string} string "from /docs/ to /docs/index.html"
// @Failure     404 {string} string "no such file"
// @Router      /docs/{any} [get]
func docs(ui gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Param("any") == "/" {
			c.Redirect(http.StatusFound, "/docs/index.html")
			return
		}
		ui(c)
	}
}

// readOnlyFS serves the UI's files straight from the binary, where they are embedded.
// (swaggo/files v1 copied all 11 MiB of them into memory when the program started,
// whether anyone looked at the docs or not.) Every change is refused.
type readOnlyFS struct{ files fs.FS }

func (u readOnlyFS) OpenFile(_ context.Context, name string, flag int, _ os.FileMode) (webdav.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, os.ErrPermission
	}
	f, err := http.FS(u.files).Open(name)
	if err != nil {
		return nil, err
	}
	return readOnlyFile{f}, nil
}

func (u readOnlyFS) Stat(_ context.Context, name string) (os.FileInfo, error) {
	return fs.Stat(u.files, fsPath(name))
}

func (readOnlyFS) Mkdir(context.Context, string, os.FileMode) error { return os.ErrPermission }
func (readOnlyFS) RemoveAll(context.Context, string) error          { return os.ErrPermission }
func (readOnlyFS) Rename(context.Context, string, string) error     { return os.ErrPermission }

// fsPath turns a slash-rooted WebDAV name into an fs.FS path ("/" is ".").
func fsPath(name string) string {
	p := strings.TrimPrefix(path.Clean("/"+name), "/")
	if p == "" {
		return "."
	}
	return p
}

type readOnlyFile struct{ http.File }

func (readOnlyFile) Write([]byte) (int, error) { return 0, os.ErrPermission }
