.PHONY: run demo test bench build
# Serve a demo company on the embedded database.
demo:
	go run ./cmd/erpd --demo
run:
	go run ./cmd/erpd
test:
	scripts/test
bench:
	scripts/bench
build:
	CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o bin/erpd ./cmd/erpd
