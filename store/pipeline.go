package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
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
	// err is the error of a packet that carried held writes. Which of its
	// statements failed is unknown, so the transaction can only end:
	// every later statement and the commit return err.
	err error
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

func (p *pipeline) reset() {
	p.held.Reset()
	p.args, p.n, p.writes, p.size, p.opening = nil, 0, 0, 0, false
}

// take returns query with what is held in front, and whether anything was.
// A query the driver cannot interpolate (a literal '?' in its text) it
// would prepare, and several statements cannot be prepared: what is held
// then goes first on its own.
func (p *pipeline) take(ctx context.Context, query string, args []any) (string, []any, bool, error) {
	if p.err != nil {
		return "", nil, false, p.err
	}
	p.begin()
	if strings.Count(query, "?") != len(args) {
		if err := p.flush(ctx); err != nil {
			return "", nil, false, err
		}
		return query, args, false, nil
	}
	if p.n == 0 {
		return query, args, false, nil
	}
	carried := p.carrying()
	p.hold(query, args)
	q, a := p.held.String(), p.args
	p.reset()
	return q, a, carried, nil
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
	q, a, carried := p.held.String(), p.args, p.carrying()
	p.reset()
	_, err := p.conn.ExecContext(ctx, q, a...)
	return p.settle(err, carried)
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
	q, a, carried, err := p.take(ctx, query, args)
	if err != nil {
		return nil, err
	}
	res, err := p.conn.ExecContext(ctx, q, a...)
	return res, p.settle(err, carried)
}

func (p *pipeline) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q, a, carried, err := p.take(ctx, query, args)
	if err != nil {
		return nil, err
	}
	rows, err := p.conn.QueryContext(ctx, q, a...)
	return rows, p.settle(err, carried)
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
	q, a, _, _ := p.take(ctx, "COMMIT", nil)
	if _, err := p.conn.ExecContext(ctx, q, a...); err != nil {
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
