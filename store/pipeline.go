package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// pipeline is the connection of a MySQL transaction. On one host a round
// trip to the server costs more than most of the statements erpd sends
// (two context switches and the loopback stack each way), and
// database/sql spends one on BEGIN, one on COMMIT and one on every write.
// The pipeline sends fewer:
//
//   - START TRANSACTION goes in front of the transaction's first statement;
//   - writes whose outcome nothing reads (Tx.later: audit entries, balance
//     updates, stock moves, totals) are held and sent in front of the next
//     statement, in the same packet (the driver's multiStatements);
//   - COMMIT goes behind the last held writes.
//
// MariaDB runs the statements of a packet in order and stops at the first
// error, which the driver returns; any error rolls the whole transaction
// back, so a held write that fails fails the use case as it would have
// done on its own, only a statement later. The held statements' results are
// dropped; a statement sent with them returns its own result set, rows
// affected and insert id, since those are the packet's last.
//
// An insert whose ids the use case needs can be held too (laterInsert):
// its first id is kept in a session variable that later statements may
// name, and reaches the caller when its packet has run (see deliver).
type pipeline struct {
	ctx     context.Context // the transaction's, for a flush no statement asked for
	conn    *sql.Conn
	started bool // START TRANSACTION has been sent or is held
	held    strings.Builder
	args    []any
	n       int  // statements held
	writes  int  // of which writes (not START TRANSACTION)
	opening bool // START TRANSACTION is among them
	size    int  // about how many bytes they take once interpolated
	// ids are the held inserts waiting for their first id.
	ids []heldInsert
	// vars numbers the session variables of the transaction's inserts.
	vars int
	// err is the error of a packet that carried held writes. Which of its
	// statements failed is unknown, so the transaction can only end:
	// every later statement and the commit return err.
	err error
}

// heldInsert is a held insert whose first id set receives: stmt is its
// place in the packet, name the session variable that keeps the id.
type heldInsert struct {
	stmt int
	name string
	set  func(id int64)
}

func (p *pipeline) hold(query string, args []any) {
	if p.n > 0 {
		p.held.WriteString(";\n")
	}
	p.held.WriteString(query)
	p.args = append(p.args, args...)
	p.n++
	p.size += len(query)
	for _, a := range args {
		switch v := a.(type) {
		case string:
			p.size += len(v) + 2
		case []byte:
			p.size += 2*len(v) + 3
		default:
			p.size += 24 // a number, a decimal or a time, quoted
		}
	}
}

// begin holds START TRANSACTION in front of the first statement.
func (p *pipeline) begin() {
	if !p.started {
		p.started, p.opening = true, true
		p.hold("START TRANSACTION", nil)
	}
}

// maxHeld bounds what is held (a 5,000-line document holds a few MB),
// well under MariaDB's max_allowed_packet (16 MB by default).
const maxHeld = 1 << 20

// later holds a write until the next statement or the commit.
func (p *pipeline) later(query string, args []any) error {
	if p.err != nil {
		return p.err
	}
	p.begin()
	p.hold(query, args)
	p.writes++
	if p.size > maxHeld {
		return p.flush(p.ctx)
	}
	return nil
}

// laterInsert holds an INSERT of rows into a table with an AUTO_INCREMENT
// id. It returns the session variable (@erpd_idN) that holds the first
// row's id for statements held after it; set gets that id once the packet
// has run: with the transaction's next statement or its commit.
func (p *pipeline) laterInsert(query string, args []any, set func(id int64)) (string, error) {
	if p.err != nil {
		return "", p.err
	}
	p.begin()
	p.vars++
	h := heldInsert{stmt: p.n, name: fmt.Sprintf("@erpd_id%d", p.vars), set: set}
	p.hold(query, args)
	// LAST_INSERT_ID() is the statement's first id until the next insert:
	// the variable keeps it for statements that name it, and for reading
	// it back when a query ends the packet.
	p.hold("SET "+h.name+" = LAST_INSERT_ID()", nil)
	p.writes++
	p.ids = append(p.ids, h)
	if p.size > maxHeld {
		return h.name, p.flush(p.ctx)
	}
	return h.name, nil
}

func (p *pipeline) reset() {
	p.held.Reset()
	p.args, p.n, p.writes, p.size, p.opening, p.ids = nil, 0, 0, 0, false, nil
}

// packet is what one round trip sends: the statements, their arguments,
// whether it carries held writes (see carrying) and the held inserts whose
// ids it brings back.
type packet struct {
	query   string
	args    []any
	carried bool
	ids     []heldInsert
}

// take returns query with what is held in front. A query the driver cannot
// interpolate (a literal '?' in its text) it would prepare, and several
// statements cannot be prepared: what is held then goes first on its own.
// A packet that a query ends returns the held inserts' ids as its first
// result set (reads says so); one that a write ends, in the driver's
// per-statement results (see exec).
func (p *pipeline) take(ctx context.Context, query string, args []any, reads bool) (packet, error) {
	if p.err != nil {
		return packet{}, p.err
	}
	p.begin()
	if strings.Count(query, "?") != len(args) {
		if err := p.flush(ctx); err != nil {
			return packet{}, err
		}
		return packet{query: query, args: args}, nil
	}
	if p.n == 0 {
		return packet{query: query, args: args}, nil
	}
	pk := packet{carried: p.carrying(), ids: p.ids}
	if reads && len(p.ids) > 0 {
		names := make([]string, len(p.ids))
		for i, h := range p.ids {
			names[i] = h.name
		}
		p.hold("SELECT "+strings.Join(names, ", "), nil)
	}
	p.hold(query, args)
	pk.query, pk.args = p.held.String(), p.args
	p.reset()
	return pk, nil
}

// carrying reports whether what is held has writes or opens the
// transaction: an error in its packet then ends the transaction (a failed
// START TRANSACTION would leave what follows in autocommit).
func (p *pipeline) carrying() bool { return p.writes > 0 || p.opening }

// settle records the error of a packet that carried held writes.
func (p *pipeline) settle(err error, carried bool) error {
	if err != nil && carried {
		p.err = err
	}
	return err
}

func (p *pipeline) flush(ctx context.Context) error {
	if p.n == 0 {
		return nil
	}
	pk := packet{query: p.held.String(), args: p.args, carried: p.carrying(), ids: p.ids}
	p.reset()
	_, err := p.exec(ctx, pk)
	return err
}

// exec sends a packet that a write ends. With held inserts in it, it goes
// to the driver directly: only the driver's own result has every
// statement's insert id (database/sql keeps the last).
func (p *pipeline) exec(ctx context.Context, pk packet) (sql.Result, error) {
	if len(pk.ids) == 0 {
		res, err := p.conn.ExecContext(ctx, pk.query, pk.args...)
		return res, p.settle(err, pk.carried)
	}
	var res driver.Result
	err := p.conn.Raw(func(dc any) error {
		ex, ok := dc.(driver.ExecerContext)
		if !ok {
			return errors.New("store: pipeline: the driver cannot execute directly")
		}
		nv := make([]driver.NamedValue, len(pk.args))
		for i, a := range pk.args {
			nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
			if c, ok := dc.(driver.NamedValueChecker); ok {
				if err := c.CheckNamedValue(&nv[i]); err != nil {
					return err
				}
			}
		}
		var err error
		res, err = ex.ExecContext(ctx, pk.query, nv)
		return err
	})
	if err == nil {
		err = deliverResult(res, pk.ids)
	}
	return res, p.settle(err, pk.carried)
}

// deliverResult hands each held insert its first id from the driver's
// per-statement results.
func deliverResult(res driver.Result, ids []heldInsert) error {
	r, ok := res.(mysql.Result)
	if !ok {
		return errors.New("store: pipeline: the driver returned no per-statement ids")
	}
	all := r.AllLastInsertIds()
	for _, h := range ids {
		if h.stmt >= len(all) || all[h.stmt] <= 0 {
			return fmt.Errorf("store: pipeline: no id for held insert %s", h.name)
		}
		h.set(all[h.stmt])
	}
	return nil
}

// deliverRows hands each held insert its first id from the packet's first
// result set (take's SELECT of the variables) and moves rows on to the
// caller's result set.
func deliverRows(rows *sql.Rows, ids []heldInsert) error {
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("store: pipeline: the held inserts' ids did not come back")
	}
	vals := make([]sql.NullInt64, len(ids))
	dest := make([]any, len(ids))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	for i, h := range ids {
		if !vals[i].Valid || vals[i].Int64 <= 0 {
			return fmt.Errorf("store: pipeline: no id for held insert %s", h.name)
		}
		h.set(vals[i].Int64)
	}
	if !rows.NextResultSet() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("store: pipeline: the query returned no result set")
	}
	return nil
}

func (p *pipeline) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	if p.err != nil {
		return nil, p.err
	}
	p.begin()
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.PrepareContext(ctx, query)
}

func (p *pipeline) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	pk, err := p.take(ctx, query, args, false)
	if err != nil {
		return nil, err
	}
	return p.exec(ctx, pk)
}

func (p *pipeline) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	pk, err := p.take(ctx, query, args, true)
	if err != nil {
		return nil, err
	}
	rows, err := p.conn.QueryContext(ctx, pk.query, pk.args...)
	if err == nil && len(pk.ids) > 0 {
		if err = deliverRows(rows, pk.ids); err != nil {
			rows.Close()
			rows = nil
		}
	}
	return rows, p.settle(err, pk.carried)
}

// QueryRowContext sends what is held first, on its own: a *sql.Row cannot
// carry the pipeline's error.
func (p *pipeline) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if p.err == nil {
		p.begin()
		if err := p.flush(ctx); err != nil {
			p.err = err
		}
	}
	if p.err != nil {
		// An impossible query, so that Scan reports a failure and the use
		// case rolls back; p.err is what commit returns.
		return p.conn.QueryRowContext(ctx, "SELECT erpd_transaction_failed_earlier")
	}
	return p.conn.QueryRowContext(ctx, query, args...)
}

// commit sends what is held and COMMIT. On an error the transaction is
// rolled back (if the server has not done so already).
func (p *pipeline) commit(ctx context.Context) error {
	if p.err != nil {
		p.rollback()
		return p.err
	}
	if !p.started {
		return nil // not one statement was sent: nothing to commit
	}
	pk, _ := p.take(ctx, "COMMIT", nil, false)
	if _, err := p.exec(ctx, pk); err != nil {
		p.rollback()
		return err
	}
	return nil
}

// rollback ends the transaction after an error. A connection that cannot
// roll back is closed rather than returned to the pool mid-transaction.
func (p *pipeline) rollback() {
	p.reset()
	if !p.started {
		return
	}
	if _, err := p.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		_ = p.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}
