package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
)

type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// TOTPCode is the authenticator's code, for users with two-step sign-in.
	TOTPCode string `json:"totp_code"`
}

func (s *Server) login(c *gin.Context) {
	var in loginBody
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	sess, err := s.app.Login(c.Request.Context(), in.Username, in.Password, in.TOTPCode, c.ClientIP())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toSessionBody(sess))
}

type dingTalkLoginBody struct {
	AuthCode string `json:"auth_code"`
}

// loginDingTalk is 免登: the mini-app or H5 page sends the code it got from
// dd.runtime.permission.requestAuthCode.
func (s *Server) loginDingTalk(c *gin.Context) {
	var in dingTalkLoginBody
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	sess, err := s.app.LoginDingTalk(c.Request.Context(), in.AuthCode, c.ClientIP())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toSessionBody(sess))
}

type webLoginBody struct {
	AuthCode string `json:"auth_code"`
	State    string `json:"state"`
	// TOTPTicket and TOTPCode are the second request of a QR sign-in that
	// answered totp_required: the ticket from its details and the code.
	TOTPTicket string `json:"totp_ticket"`
	TOTPCode   string `json:"totp_code"`
}

// startWebLogin answers where to send the browser for DingTalk's QR
// sign-in; DingTalk brings it back to the console with a code.
func (s *Server) startWebLogin(c *gin.Context) {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	respond(c, http.StatusOK)(s.app.StartWebLogin(c.Request.Context(), scheme+"://"+c.Request.Host, c.ClientIP()))
}

// loginWeb finishes the QR sign-in with the code and state DingTalk sent
// back.
func (s *Server) loginWeb(c *gin.Context) {
	var in webLoginBody
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	var sess *app.Session
	var err error
	if in.TOTPTicket != "" {
		sess, err = s.app.SecondStepQR(c.Request.Context(), in.TOTPTicket, in.TOTPCode, c.ClientIP())
	} else {
		sess, err = s.app.LoginWebDingTalk(c.Request.Context(), in.AuthCode, in.State, c.ClientIP())
	}
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toSessionBody(sess))
}

func (s *Server) logout(c *gin.Context) {
	if err := s.app.Logout(c.Request.Context()); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// meView is the signed-in user with what they may do, for the UI.
func meView(u *domain.User) meBody {
	return meBody{ID: u.ID, Username: u.Username, Name: u.Name, Roles: u.Roles, Permissions: u.Permissions(),
		DataScope: u.DataScope, DepartmentID: u.DepartmentID, DingTalkUserID: u.DingTalkUserID,
		Mobile: u.Mobile, Email: u.Email, Status: u.Status, LastLoginAt: u.LastLoginAt, TOTPEnabled: u.TOTPEnabled}
}

// meBody is GET /me: the user and what they may do.
type meBody struct {
	ID             int64               `json:"id"`
	Username       string              `json:"username"`
	Name           string              `json:"name"`
	Roles          []domain.Role       `json:"roles"`
	Permissions    []domain.Permission `json:"permissions"`
	DataScope      string              `json:"data_scope"`
	DepartmentID   *int64              `json:"department_id"`
	DingTalkUserID string              `json:"dingtalk_user_id"`
	Mobile         string              `json:"mobile"`
	Email          string              `json:"email"`
	Status         string              `json:"status"`
	LastLoginAt    *time.Time          `json:"last_login_at"`
	TOTPEnabled    bool                `json:"totp_enabled"`
}

// sessionBody answers a login.
type sessionBody struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      meBody    `json:"user"`
	// TOTPEnrolmentRequired: the token only serves enrolling in two-step
	// sign-in (GET /me, POST /me/totp/setup and /me/totp/enable, logout),
	// which the user's role requires; enabling answers a full session.
	TOTPEnrolmentRequired bool `json:"totp_enrolment_required,omitempty"`
}

func toSessionBody(s *app.Session) sessionBody {
	return sessionBody{Token: s.Token, ExpiresAt: s.ExpiresAt, User: meView(s.User), TOTPEnrolmentRequired: s.TOTPEnrolmentRequired}
}

func (s *Server) me(c *gin.Context) { c.JSON(http.StatusOK, meView(app.Actor(c.Request.Context()))) }

type passwordBody struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (s *Server) changePassword(c *gin.Context) {
	var in passwordBody
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	if err := s.app.ChangePassword(c.Request.Context(), in.OldPassword, in.NewPassword); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listUsers(c *gin.Context) {
	lp, err := listParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.ListUsers(c.Request.Context(), lp, c.Query("status")))
}

func (s *Server) createUser(c *gin.Context) {
	var in app.UserInput
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusCreated)(s.app.CreateUser(c.Request.Context(), in))
}

func (s *Server) getUser(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.GetUser(c.Request.Context(), id))
}

func (s *Server) updateUser(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		writeError(c, err)
		return
	}
	var in app.UserInput
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.UpdateUser(c.Request.Context(), id, in))
}

func (s *Server) auditLog(c *gin.Context) {
	lp, err := listParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	f := app.AuditFilter{Entity: c.Query("entity"), Action: c.Query("action")}
	if f.EntityID, err = queryID(c, "entity_id"); err == nil {
		if f.ActorID, err = queryID(c, "actor_id"); err == nil {
			f.From, f.To, err = queryRange(c)
		}
	}
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.AuditLog(c.Request.Context(), f, lp))
}

func (s *Server) auditLogNames(c *gin.Context) {
	respond(c, http.StatusOK)(s.app.AuditLogNames(c.Request.Context()))
}

func (s *Server) listDict(c *gin.Context) {
	lp, err := listParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.ListDict(c.Request.Context(), c.Param("type"), lp))
}

func (s *Server) createDict(c *gin.Context) {
	var in app.DictEntryInput
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusCreated)(s.app.CreateDictEntry(c.Request.Context(), c.Param("type"), in))
}

func (s *Server) getDict(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.DictEntry(c.Request.Context(), c.Param("type"), id))
}

func (s *Server) updateDict(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		writeError(c, err)
		return
	}
	var in app.DictEntryInput
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.UpdateDictEntry(c.Request.Context(), c.Param("type"), id, in))
}

func (s *Server) deleteDict(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.app.DeleteDictEntry(c.Request.Context(), c.Param("type"), id); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) stock(c *gin.Context) {
	lp, err := listParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	f := app.StockFilter{SKU: strings.TrimSpace(c.Query("sku")), Search: lp.Q, NonZero: c.Query("non_zero") == "true"}
	if b, ok := c.GetQuery("batch"); ok {
		f.Batch = &b
	}
	if f.ProductID, err = queryID(c, "product_id"); err == nil {
		if f.WarehouseID, err = queryID(c, "warehouse_id"); err == nil {
			f.CategoryID, err = queryID(c, "category_id")
		}
	}
	if err != nil {
		writeError(c, err)
		return
	}
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		writeError(c, err)
		return
	}
	if asOf != nil {
		end := app.EndOfDay(*asOf)
		f.AsOf = &end
	}
	respond(c, http.StatusOK)(s.app.Stock(c.Request.Context(), f, lp))
}

func (s *Server) moves(c *gin.Context) {
	lp, err := listParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	f := app.MoveFilter{DocType: c.Query("doc_type")}
	if f.ProductID, err = queryID(c, "product_id"); err == nil {
		if f.WarehouseID, err = queryID(c, "warehouse_id"); err == nil {
			if f.DocID, err = queryID(c, "doc_id"); err == nil {
				f.From, f.To, err = queryRange(c)
			}
		}
	}
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.Moves(c.Request.Context(), f, lp))
}

func (s *Server) postOpening(c *gin.Context) {
	var in app.OpeningInput
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusCreated)(s.app.PostOpening(c.Request.Context(), in))
}

func (s *Server) getOpening(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.GetOpening(c.Request.Context(), id))
}

// totpCodeBody confirms a new authenticator key with one of its codes.
type totpCodeBody struct {
	Code string `json:"code"`
}

// passwordOnlyBody proves it is the user (turning two-step sign-in off).
type passwordOnlyBody struct {
	Password string `json:"password"`
}

// noContent answers 204, or the error.
func noContent(c *gin.Context, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// addressIDs reads a partner id and, with aid, one of its address ids.
func addressIDs(c *gin.Context, aid bool) (int64, int64, error) {
	id, err := pathID(c)
	if err != nil || !aid {
		return id, 0, err
	}
	n, err := strconv.ParseInt(c.Param("aid"), 10, 64)
	if err != nil || n <= 0 {
		return 0, 0, &domain.Error{Kind: domain.KindNotFound, Code: domain.CodeNotFound, Message: "收货地址 " + c.Param("aid") + " 不存在"}
	}
	return id, n, nil
}

func (s *Server) listAddresses(c *gin.Context) {
	id, _, err := addressIDs(c, false)
	if err != nil {
		writeError(c, err)
		return
	}
	respond(c, http.StatusOK)(s.app.PartnerAddresses(c.Request.Context(), id))
}

func (s *Server) createAddress(c *gin.Context) {
	s.saveAddress(c, false, http.StatusCreated)
}

func (s *Server) updateAddress(c *gin.Context) {
	s.saveAddress(c, true, http.StatusOK)
}

func (s *Server) saveAddress(c *gin.Context, existing bool, status int) {
	id, aid, err := addressIDs(c, existing)
	if err != nil {
		writeError(c, err)
		return
	}
	var in app.AddressInput
	if err := bind(c, &in); err != nil {
		writeError(c, err)
		return
	}
	respond(c, status)(s.app.SavePartnerAddress(c.Request.Context(), id, aid, in))
}

func (s *Server) deleteAddress(c *gin.Context) {
	id, aid, err := addressIDs(c, true)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.app.DeletePartnerAddress(c.Request.Context(), id, aid); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
