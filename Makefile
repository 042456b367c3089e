# Comité — the two commands that matter: `make run` and `make test`.

GO ?= go
STATICCHECK_VERSION := v0.8.2
BIN := bin/comite

.PHONY: run run-instances build test check generate templ-check fmt-check vet staticcheck go-test postgres poppler nodejs clean bench-load weed

include mk/axe.mk

## run: the portal on the embedded PostgreSQL, with the demo committee.
run: postgres poppler build
	./$(BIN) dev

## run-instances: the same with three `comite serve` processes behind a round-robin proxy.
run-instances: postgres poppler build
	./$(BIN) dev --instances 3

build:
	$(GO) build -o $(BIN) ./cmd/comite

## bench-load: load benchmark of the key pages against a running portal (not part of test).
# Start a portal on a large committee first (`comite generate`, then
# `comite serve`), create a member and a secretariat account with
# `comite user add` (same password for both, read from the environment and
# never echoed), then for example:
#   COMITE_BENCH_PASSWORD='…' make bench-load BASE=http://127.0.0.1:8080 \
#     MEMBER=m@example.org SECRETARIAT=s@example.org DURATION=3s
# It prints a Markdown table for docs/benchmarks.md.
BASE ?= http://127.0.0.1:8080
DURATION ?= 3s
CLIENTS ?= 1,8,64
bench-load:
	$(GO) run ./cmd/loadbench -base $(BASE) \
		-member "$(MEMBER)" -secretariat "$(SECRETARIAT)" -d $(DURATION) -c $(CLIENTS)

## test: every check and test, as CI runs it.
test: check go-test

check: templ-check fmt-check vet staticcheck

## generate: regenerate the templ components after editing a .templ file.
generate:
	$(GO) tool templ generate -path web/view

# Generated files are committed; fail when they differ from what templ makes.
templ-check:
	@templ=$$($(GO) tool -n templ) && tmp=$$(mktemp -d) && mkdir -p "$$tmp/web" && cp -r web/view "$$tmp/web/view" && \
	(cd "$$tmp" && "$$templ" generate -path web/view >/dev/null 2>&1) && \
	if ! diff -r -q web/view "$$tmp/web/view" >/dev/null; then \
		diff -r web/view "$$tmp/web/view" | head -40; rm -rf "$$tmp"; \
		echo "templ files are stale: run 'make generate' and commit the result" >&2; exit 1; \
	fi; rm -rf "$$tmp"

fmt-check:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:" >&2; echo "$$out" >&2; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

go-test: postgres poppler chromium axe weed
	$(GO) test -race -count=1 -timeout 30m ./...

# PostgreSQL's server binaries (initdb, pg_ctl, postgres): the portal runs its
# own cluster from them. Installed with apt-get when missing and run as root.
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; \
	else \
		echo "PostgreSQL is needed: sudo apt-get install postgresql" >&2; exit 1; \
	fi

# poppler's pdftotext: the portal extracts the text of PDFs with it, for search.
poppler:
	@if command -v pdftotext >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils; \
	else \
		echo "pdftotext is needed: sudo apt-get install poppler-utils" >&2; exit 1; \
	fi

# SeaweedFS's weed, the S3 server of the tests (internal/weedtest): built once
# from the Go module proxy and cached outside the repository; when it cannot
# be built the S3 tests skip and say how to get it.
weed:
	@GO="$(GO)" sh mk/weed.sh

nodejs:
	@if command -v npm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; \
	else \
		echo "Node.js and npm are needed for the accessibility checks: sudo apt-get install nodejs npm" >&2; exit 1; \
	fi

$(AXE_MIN_JS): | nodejs

clean:
	rm -rf bin
