package app

// SetBooksOff turns the books (vouchers and open items of postings) off or
// on, so a benchmark can measure what they cost. Tests only.
func SetBooksOff(off bool) { booksOff.Store(off) }
