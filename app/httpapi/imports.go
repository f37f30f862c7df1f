package httpapi

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *Server) importTemplate(c *gin.Context) {
	format := c.DefaultQuery("format", "xlsx")
	if format != "xlsx" && format != "csv" {
		writeError(c, domain.Invalid("format", "模板格式只能是 xlsx 或 csv"))
		return
	}
	data, name, err := app.ImportTemplate(c.Param("kind"), format)
	if err != nil {
		writeError(c, err)
		return
	}
	ctype := xlsxType
	if format == "csv" {
		ctype = "text/csv; charset=utf-8"
	}
	c.Header("Content-Disposition", "attachment; filename=\"template."+format+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Data(http.StatusOK, ctype, data)
}

// importFile takes the file as multipart form field "file" (what a browser
// sends) or as the raw body (scripts: Content-Type text/csv or xlsx).
func (s *Server) importFile(c *gin.Context) {
	var r io.Reader = c.Request.Body
	format := ""
	ctype := c.ContentType()
	switch {
	case strings.HasPrefix(ctype, "multipart/"):
		fh, err := c.FormFile("file")
		if err != nil {
			writeError(c, domain.Invalid("file", "请上传文件 (表单字段 file)"))
			return
		}
		f, err := fh.Open()
		if err != nil {
			writeError(c, bodyError(err))
			return
		}
		defer f.Close()
		r = f
		switch {
		case strings.HasSuffix(strings.ToLower(fh.Filename), ".csv"):
			format = "csv"
		case strings.HasSuffix(strings.ToLower(fh.Filename), ".xlsx"):
			format = "xlsx"
		}
	case ctype == xlsxType:
		format = "xlsx"
	case ctype == "text/csv":
		format = "csv"
	}
	res, err := s.app.Import(c.Request.Context(), c.Param("kind"), r, format, c.Query("dry_run") == "true")
	if err != nil {
		writeError(c, err)
		return
	}
	status := http.StatusCreated
	if res.DryRun {
		status = http.StatusOK
	}
	c.JSON(status, res)
}
