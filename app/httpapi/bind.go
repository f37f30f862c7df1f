package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
)

// bind decodes the JSON body into dst, an input struct (never an entity, so
// ids, creators and roles cannot be mass-assigned). Malformed JSON and wrong
// types are 400 with the field when JSON names it; a body sent as another
// type is 415 (requireJSON).
func bind(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return bodyError(err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Message: "请求体不能为空"}
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(dst); err != nil {
		return withField(decodeError(err), body, dst)
	}
	if dec.More() {
		return &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Message: "请求体只能包含一个 JSON 对象"}
	}
	return checkTexts(reflect.ValueOf(dst), "")
}

// bindOptional is bind for bodies that may be empty (POST /{id}/post).
func bindOptional(c *gin.Context, dst any) error {
	if c.Request.ContentLength == 0 {
		return nil
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return bodyError(err)
	}
	if strings.TrimSpace(string(body)) == "" {
		return nil
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return withField(decodeError(err), body, dst)
	}
	return checkTexts(reflect.ValueOf(dst), "")
}

// checkTexts runs domain.CheckText on every string of a decoded input,
// naming it by its JSON path (lines[2].remark), so no text field of any
// input can store a control or bidi character, including those the
// domain checks no length of. Line breaks are allowed in the fields
// domain.MultilineField names; passwords are not text and are not checked.
func checkTexts(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkTexts(v.Elem(), path)
	case reflect.String:
		name := path[strings.LastIndex(path, ".")+1:]
		if strings.Contains(name, "password") {
			return nil
		}
		return domain.CheckText(path, v.String(), domain.MultilineField(name))
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := 0; i < v.Len(); i++ {
			if err := checkTexts(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil
		}
		for _, k := range v.MapKeys() {
			if err := domain.CheckText(path, k.String(), false); err != nil {
				return err
			}
			if err := checkTexts(v.MapIndex(k), join(path, k.String())); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			return nil // decimals and other values decode themselves
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "-" {
				continue
			}
			p := path
			if !f.Anonymous || name != "" {
				if name == "" {
					name = f.Name
				}
				p = join(path, name)
			}
			if err := checkTexts(v.Field(i), p); err != nil {
				return err
			}
		}
	}
	return nil
}

// requireJSON refuses a body that does not say it is JSON: a form, text or
// XML body is not read as JSON because it happens to parse as JSON (a form
// or text/plain POST is what a page of another site can send without
// asking). Multipart uploads (imports) read their own types and do not
// come here.
func requireJSON(c *gin.Context) error {
	ct := c.ContentType()
	if ct == "application/json" || (strings.HasPrefix(ct, "application/") && strings.HasSuffix(ct, "+json")) {
		return nil
	}
	if ct == "" {
		ct = "（未指定）"
	}
	return &domain.Error{Kind: domain.KindUnsupportedMedia, Code: domain.CodeUnsupportedMedia, Field: "Content-Type",
		Message: "请求体应为 JSON（Content-Type: application/json），收到 " + ct}
}

// withField names the field a value decoder refused (a decimal such as
// "" or "1,5"): encoding/json reports those without a path, so the body is
// walked again, value by value, to find the first one that will not decode.
func withField(err error, body []byte, dst any) error {
	de := domain.AsError(err)
	if de == nil || de.Field != "" || de.Kind != domain.KindMalformed {
		return err
	}
	if path := locate(body, reflect.TypeOf(dst), ""); path != "" {
		de.Field = path
		de.Message = "字段 " + path + " 的值无法识别: " + strings.TrimPrefix(de.Message, "请求体格式错误: ")
	}
	return err
}

// locate returns the JSON path (lines[2].qty) of the first value in raw
// that does not decode into t, or "" when it cannot tell.
func locate(raw json.RawMessage, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(unmarshalerType):
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return ""
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if f.Anonymous && name == "" {
				if p := locate(raw, f.Type, path); p != "" {
					return p
				}
				continue
			}
			if name == "" || name == "-" {
				name = f.Name
			}
			if v, ok := obj[name]; ok {
				if p := locate(v, f.Type, join(path, name)); p != "" {
					return p
				}
			}
		}
		return ""
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			return ""
		}
		for i, v := range arr {
			if p := locate(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
		return ""
	}
	if json.Unmarshal(raw, reflect.New(t).Interface()) != nil {
		return path
	}
	return ""
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Field: te.Field,
			Message: fmt.Sprintf("字段 %s 类型错误: 需要 %s，收到 %s", te.Field, jsonType(te.Type.String()), te.Value)}
	case errors.As(err, &se):
		return &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Message: fmt.Sprintf("JSON 格式错误 (第 %d 字节)", se.Offset)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Message: "JSON 不完整"}
	}
	if be := bodyError(err); domain.AsError(be).Kind == domain.KindTooLarge {
		return be
	}
	// Decimal and other value decoders: say what was wrong, not where it broke.
	return &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Message: "请求体格式错误: " + trimDecoderMessage(err.Error())}
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "整数"
	case strings.Contains(goType, "Decimal"), strings.Contains(goType, "float"):
		return "数字"
	case strings.Contains(goType, "bool"):
		return "true/false"
	case strings.Contains(goType, "string"):
		return "字符串"
	case strings.HasPrefix(goType, "[]"):
		return "数组"
	}
	return "对象"
}

func trimDecoderMessage(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// listParams reads page, page_size, sort and q.
func listParams(c *gin.Context) (app.ListParams, error) {
	var lp app.ListParams
	var err error
	if lp.Page, err = queryInt(c, "page", 1); err != nil {
		return lp, err
	}
	if lp.PageSize, err = queryInt(c, "page_size", 20); err != nil {
		return lp, err
	}
	lp.Sort = c.Query("sort")
	lp.Q = strings.TrimSpace(c.Query("q"))
	if len([]rune(lp.Q)) > 100 {
		return lp, domain.Invalid("q", "搜索词最长 100 字")
	}
	if err := domain.CheckText("q", lp.Q, false); err != nil {
		return lp, err
	}
	return lp, nil
}

func queryInt(c *gin.Context, name string, def int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Field: name, Message: name + " 应为非负整数"}
	}
	return n, nil
}

func queryID(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Field: name, Message: name + " 应为正整数"}
	}
	return n, nil
}

func pathID(c *gin.Context) (int64, error) {
	n, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, &domain.Error{Kind: domain.KindNotFound, Code: domain.CodeNotFound, Message: "记录 " + c.Param("id") + " 不存在"}
	}
	return n, nil
}

// queryDate reads a YYYY-MM-DD business date (Shanghai) as its start.
func queryDate(c *gin.Context, name string) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	t, err := domain.ParseLocalDate(name, v)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// queryRange reads from/to dates; to includes its whole day.
func queryRange(c *gin.Context) (from, to *time.Time, err error) {
	if from, err = queryDate(c, "from"); err != nil {
		return
	}
	if to, err = queryDate(c, "to"); err != nil {
		return
	}
	if to != nil {
		end := app.EndOfDay(*to)
		to = &end
	}
	if from != nil {
		f := from.UTC()
		from = &f
	}
	return
}

// itemsBody is a whole, unpaged list: {"items": [...]}.
type itemsBody[T any] struct {
	Items []T `json:"items"`
}

func itemsOf[T any](items []T) itemsBody[T] {
	if items == nil {
		items = []T{}
	}
	return itemsBody[T]{Items: items}
}
