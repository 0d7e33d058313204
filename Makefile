# make check is the one command that runs every test; .ci/run calls exactly it.
# It installs what it needs on a fresh Debian machine with Go (scripts/deps.sh).

GO        ?= go
GOFILES    = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')
BENCHTIME ?= 1s

.PHONY: check deps fmt-check tidy-check vet staticcheck test bench bench-load fuzz build run crash

check: deps fmt-check tidy-check vet staticcheck test

deps:
	@./scripts/deps.sh

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# go.mod and go.sum say exactly what the code imports, nothing marked
# indirect that is imported directly.
tidy-check:
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod is not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1; }

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

# Every package under the race detector but cmd/rmadesk, whose browser
# lives run beside them without it (scripts/test.sh says why).
test:
	@GO=$(GO) ./scripts/test.sh

build:
	$(GO) build -o bin/rmadesk ./cmd/rmadesk

run:
	$(GO) run ./cmd/rmadesk serve --demo

# Benchmarks for docs/BENCHMARKS.md (not part of check: timings are measured, never asserted).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./internal/policy/ ./internal/calendar/

# The load figures (rmadesk bench, import-csv) on SQLite and PostgreSQL:
# about 20 minutes, most of it seeding 1,000,000 RMAs into each database.
# BACKEND=sqlite or postgres runs one; see the script for more knobs.
BACKEND ?= all
bench-load:
	scripts/bench-load.sh $(BACKEND)

# A longer fuzzing session of every fuzz target (the seed corpora run in check).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./internal/policy/
	$(GO) test -run '^$$' -fuzz '^FuzzParseClaim$$' -fuzztime $(FUZZTIME) ./internal/policy/
	$(GO) test -run '^$$' -fuzz '^FuzzParseDate$$' -fuzztime $(FUZZTIME) ./internal/calendar/
	for t in FuzzSubmitBody FuzzReceiveBody FuzzEvaluateBody FuzzResolveBody FuzzProvideInfoBody FuzzMoney; do \
		$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) ./internal/api/ || exit 1; done
	# Each new input FuzzUpload finds is worth a request to a real desk: shrinking
	# it for the default 60 s would leave little time for fuzzing.
	$(GO) test -run '^$$' -fuzz '^FuzzUpload$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./internal/api/
	$(GO) test -run '^$$' -fuzz '^FuzzCSV$$' -fuzztime $(FUZZTIME) ./internal/bulk/

# The full crash test: 50 SIGKILLs under load (make check runs 6).
CRASH_CYCLES ?= 50
crash:
	RMADESK_CRASH_CYCLES=$(CRASH_CYCLES) $(GO) test -count=1 -run '^TestCrashUnderLoad$$' -v -timeout 30m ./cmd/rmadesk/
