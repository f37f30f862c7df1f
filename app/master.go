package app

import (
	"context"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// Master is the set of use cases every master-data record shares: list,
// get, create, update, delete, with permission checks, validation,
// optimistic locking, reference checks and the audit log in one place.
type Master[T any, I any] struct {
	app    *App
	table  store.Table[T]
	entity string // audit entity name: product, warehouse…
	write  domain.Permission
	// sortable maps API sort fields to columns.
	sortable map[string]string
	// id and version reach into T.
	id      func(*T) int64
	version func(*T) *int
	// code names the unique field and its value, for duplicate errors.
	code func(*T) (field, value string)
	// apply copies the fields present in the input onto the record.
	apply func(in I, v *T)
	// inVersion is the version the client edited (0: don't check).
	inVersion func(I) int
	// check validates the record against the rest of the data (the unit
	// exists, no cycle in the tree…) after its own Validate.
	check func(q store.Q, v *T) error
	// guard refuses an update that history forbids (a product's unit once
	// it has stock moves), seeing the record before and after.
	guard func(q store.Q, before, after *T) error
	// fields names the fields that need a permission of their own beyond
	// write (a partner's credit limit), seeing the record before and after
	// the change (before is the zero record on create).
	fields func(before, after *T) []domain.FieldGrant
	// beforeDelete refuses a delete for reasons of its own (stock on hand).
	beforeDelete func(q store.Q, v *T) error
	// refs are (table, column) pairs that point at this record: a
	// referenced record is hidden on delete instead of removed, or refused
	// when blocking is set (a category that still has children).
	refs     [][2]string
	blocking [][2]string
	// inUse is the message of a delete refused by blocking, when the
	// default (children or products) does not say why.
	inUse string
}

// List returns one page of records.
func (m *Master[T, I]) List(ctx context.Context, lp ListParams, exact map[string]any) (*List[T], error) {
	if _, err := require(ctx, domain.PermMasterRead); err != nil {
		return nil, err
	}
	p, err := lp.page(m.sortable)
	if err != nil {
		return nil, err
	}
	items, total, err := m.table.List(m.app.store.Read(ctx), p, "id", store.Match{Text: lp.Q, Exact: exact})
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// Get returns one record.
func (m *Master[T, I]) Get(ctx context.Context, id int64) (*T, error) {
	if _, err := require(ctx, domain.PermMasterRead); err != nil {
		return nil, err
	}
	return m.table.Get(m.app.store.Read(ctx), id)
}

// Create adds a record.
func (m *Master[T, I]) Create(ctx context.Context, in I) (*T, error) {
	actor, err := require(ctx, m.write)
	if err != nil {
		return nil, err
	}
	v := new(T)
	*m.version(v) = 1
	m.apply(in, v)
	if err := m.checkFields(actor, new(T), v); err != nil {
		return nil, err
	}
	err = m.app.store.InTx(ctx, func(tx *store.Tx) error {
		if err := m.validate(tx, v); err != nil {
			return err
		}
		field, value := m.code(v)
		if err := m.table.Create(tx, v, field, value); err != nil {
			return err
		}
		return audit(ctx, tx, "create", m.entity, m.id(v), nil, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// checkFields refuses a change to a field the actor's roles do not cover.
func (m *Master[T, I]) checkFields(actor *domain.User, before, after *T) error {
	if m.fields == nil {
		return nil
	}
	return domain.CheckFieldGrants(actor.Can, m.fields(before, after))
}

func (m *Master[T, I]) validate(q store.Q, v *T) error {
	if val, ok := any(v).(interface{ Validate() error }); ok {
		if err := val.Validate(); err != nil {
			return err
		}
	}
	if m.check != nil {
		return m.check(q, v)
	}
	return nil
}

// Update changes the fields present in the input.
func (m *Master[T, I]) Update(ctx context.Context, id int64, in I) (*T, error) {
	actor, err := require(ctx, m.write)
	if err != nil {
		return nil, err
	}
	var v *T
	err = m.app.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := m.table.Get(tx, id)
		if err != nil {
			return err
		}
		if err := domain.CheckVersion(*m.version(cur), m.inVersion(in)); err != nil {
			return err
		}
		before := *cur
		v = cur
		m.apply(in, v)
		if err := m.checkFields(actor, &before, v); err != nil {
			return err
		}
		if err := m.validate(tx, v); err != nil {
			return err
		}
		if m.guard != nil {
			if err := m.guard(tx, &before, v); err != nil {
				return err
			}
		}
		old := *m.version(v)
		*m.version(v) = old + 1
		field, value := m.code(v)
		if err := m.table.Update(tx, id, old, v, field, value); err != nil {
			return err
		}
		return audit(ctx, tx, "update", m.entity, id, before, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Delete removes a record that nothing refers to, and hides one that
// documents refer to, so history keeps its names.
func (m *Master[T, I]) Delete(ctx context.Context, id int64) error {
	if _, err := require(ctx, m.write); err != nil {
		return err
	}
	return m.app.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := m.table.Get(tx, id)
		if err != nil {
			return err
		}
		if m.beforeDelete != nil {
			if err := m.beforeDelete(tx, cur); err != nil {
				return err
			}
		}
		if blocked, err := store.Referenced(tx, id, m.blocking...); err != nil {
			return err
		} else if blocked {
			msg := m.table.What + "仍在使用中（有下级或被商品引用），不能删除"
			if m.inUse != "" {
				msg = m.inUse
			}
			return &domain.Error{Kind: domain.KindConflict, Code: domain.CodeReferenced, Message: msg}
		}
		used, err := store.Referenced(tx, id, m.refs...)
		if err != nil {
			return err
		}
		if err := m.table.Delete(tx, id, used && m.table.Soft); err != nil {
			return err
		}
		return audit(ctx, tx, "delete", m.entity, id, cur, nil)
	})
}
