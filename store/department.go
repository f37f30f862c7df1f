package store

import (
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type departmentRow struct {
	ID         int64
	DingTalkID int64 `gorm:"column:dingtalk_id"`
	Name       string
	ParentID   *int64
	Managers   string
	Status     string
	SyncedAt   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (departmentRow) TableName() string { return "departments" }

func (r departmentRow) toDomain() domain.Department {
	m := []string{}
	if r.Managers != "" {
		m = strings.Split(r.Managers, ",")
	}
	return domain.Department{ID: r.ID, DingTalkID: r.DingTalkID, Name: r.Name, ParentID: r.ParentID, Managers: m,
		Status: r.Status, SyncedAt: r.SyncedAt.UTC(), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// Departments returns every mirrored department, by DingTalk id.
func Departments(q Q) (map[int64]domain.Department, error) {
	var rows []departmentRow
	if err := q.DB().Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]domain.Department, len(rows))
	for _, r := range rows {
		out[r.DingTalkID] = r.toDomain()
	}
	return out, nil
}

// ListDepartments pages through departments.
func ListDepartments(q Q, status, search string, p Page) ([]domain.Department, int64, error) {
	db := q.DB().Model(&departmentRow{})
	if status != "" {
		db = db.Where("status = ?", status)
	}
	if search != "" {
		db = db.Where("name LIKE ? ESCAPE '!'", like(search))
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []departmentRow
	if err := p.apply(db, "id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]domain.Department, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, total, nil
}

// DepartmentStatus returns the status of the department with local id, or
// domain.ErrNotFound.
func DepartmentStatus(q Q, id int64) (string, error) {
	var r departmentRow
	if err := q.DB().Select("id", "status").Where("id = ?", id).Take(&r).Error; err != nil {
		return "", translate(err)
	}
	return r.Status, nil
}

// SaveDepartment inserts or updates a mirrored department.
func (tx *Tx) SaveDepartment(d *domain.Department) error {
	r := departmentRow{ID: d.ID, DingTalkID: d.DingTalkID, Name: d.Name, ParentID: d.ParentID,
		Managers: strings.Join(d.Managers, ","), Status: d.Status, SyncedAt: tx.Now, CreatedAt: d.CreatedAt}
	var err error
	if r.ID == 0 {
		err = tx.DB().Create(&r).Error
	} else {
		err = tx.DB().Model(&departmentRow{}).Where("id = ?", r.ID).Select("*").Omit("id", "created_at").Updates(&r).Error
	}
	d.ID = r.ID
	return translate(err)
}

// CreateUsers inserts many users at once (an org sync).
func (s UserStore) CreateUsers(tx *Tx, users []*domain.User) error {
	if len(users) == 0 {
		return nil
	}
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i] = userToRow(u)
	}
	if err := tx.DB().CreateInBatches(&rows, 500).Error; err != nil {
		return translate(err)
	}
	for i := range rows {
		users[i].ID = rows[i].ID
	}
	return nil
}

// UsernamesLike returns the usernames starting with prefix, to pick free ones.
func (s UserStore) UsernamesLike(q Q, prefix string) (map[string]bool, error) {
	var names []string
	if err := q.DB().Model(&userRow{}).Where("username LIKE ? ESCAPE '!'", likeEscaper.Replace(prefix)+"%").
		Pluck("username", &names).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// DepartmentParents maps every department's id to its parent's.
func DepartmentParents(q Q) (map[int64]*int64, error) {
	var rows []departmentRow
	if err := q.DB().Select("id, parent_id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]*int64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.ParentID
	}
	return out, nil
}

// IDsInDepartments returns the ids of users in the departments.
func (s UserStore) IDsInDepartments(q Q, depts []int64) ([]int64, error) {
	if len(depts) == 0 {
		return nil, nil
	}
	var ids []int64
	err := q.DB().Model(&userRow{}).Where("department_id IN ?", depts).Pluck("id", &ids).Error
	return ids, translate(err)
}

type processedEvent struct {
	ID          string `gorm:"primaryKey"`
	Type        string
	ProcessedAt time.Time
}

func (processedEvent) TableName() string { return "processed_events" }

// FirstDelivery records an event id in tx and reports whether this is its
// first delivery; a redelivered or duplicated event returns false. The row
// commits or rolls back with the event's effects, so an event whose handling
// failed is applied when it comes again.
func (tx *Tx) FirstDelivery(id, typ string) (bool, error) {
	res := tx.DB().Clauses(clause.OnConflict{DoNothing: true}).Create(&processedEvent{ID: id, Type: typ, ProcessedAt: tx.Now})
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}
