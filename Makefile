# id06desk — `make run` and `make test` work alone on a fresh Debian 12
# machine (as root, or with sudo) from a clean clone.

SHELL       := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
TAGS      := desktop,production,webkit2_41
# A Debian version (build/version.sh): the binary and its package agree.
VERSION   := $(shell build/version.sh 2>/dev/null || echo 0.1.0~dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
BIN       := build/bin/id06desk
# The end-to-end specs' binary: the app plus its test camera (-tags e2e).
E2E_BIN   := build/bin/id06desk-e2e
ADDR      ?= 127.0.0.1:8080
APT_PKGS  := libgtk-3-dev libwebkit2gtk-4.1-dev xvfb xauth chromium gcc libc6-dev pkg-config dovecot-imapd zbar-tools libjpeg62-turbo-dev desktop-file-utils
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/public frontend/vite.config.ts frontend/svelte.config.js frontend/tsconfig.json -type f 2>/dev/null)
GO_SRC    := $(shell find . -name '*.go' -not -path './frontend/*' 2>/dev/null) $(shell find internal -name '*.sql' 2>/dev/null) go.mod go.sum build/appicon.png
# pigo's module directory, resolved by the shell when a recipe runs.
PIGO_DIR  := $$($(GO) list -m -f '{{.Dir}}' github.com/esimov/pigo)

.PHONY: help deps deps-apt deps-npm pigo-assets build package run test test-go test-frontend test-e2e test-smoke test-package lint bench bench-nexus fuzz clean FORCE

help:
	@echo "make run    install what is missing, build, start (window with a display, else serve on $(ADDR))"
	@echo "make test   install what is missing, build, run every test"
	@echo "make bench  run the benchmarks (make bench-nexus: the 300-order Nexus batch only)"
	@echo "make fuzz   fuzz the sync file parsers, $(FUZZTIME) each"
	@echo "make build  build $(BIN)"
	@echo "make package  build the Debian package $(DEB)"

## deps: install only what is missing; silent when everything is there.
deps: deps-apt deps-npm

deps-apt:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

deps-npm: frontend/node_modules/.package-lock.json

frontend/node_modules/.package-lock.json: frontend/package-lock.json frontend/package.json
	@echo "Installing frontend packages (npm ci)"
	@cd frontend && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

## pigo-assets: internal/photo embeds pigo's face cascade and tests with its
## sample photo. Third-party files are not committed: copy them from the module
## cache (git-ignored). Copies only what differs, so it is quiet and cheap.
pigo-assets:
	@$(GO) mod download github.com/esimov/pigo; \
	dir=$(PIGO_DIR); \
	[ -d "$$dir" ] || { echo "pigo-assets: github.com/esimov/pigo is not in the module cache"; exit 1; }; \
	for pair in cascade/facefinder:internal/photo/facefinder testdata/sample.jpg:internal/photo/testdata/pigo-sample.jpg; do \
	  src="$$dir/$${pair%%:*}"; dst="$${pair#*:}"; \
	  if ! cmp -s "$$src" "$$dst"; then \
	    mkdir -p "$$(dirname "$$dst")"; cp -f "$$src" "$$dst"; chmod 0644 "$$dst"; \
	  fi; \
	done

## build
build: deps $(BIN)

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	@echo "Building the frontend"
	@cd frontend && npm run --silent build >/dev/null

# Rewritten only when VERSION changes, so that a new commit relinks the
# binaries with their new version (the package's version is VERSION).
VERSION_STAMP := build/bin/.version
$(VERSION_STAMP): FORCE
	@mkdir -p build/bin
	@[ "$$(cat $@ 2>/dev/null)" = "$(VERSION)" ] || echo "$(VERSION)" >$@
FORCE:

$(BIN): frontend/dist/index.html $(GO_SRC) $(VERSION_STAMP) | pigo-assets
	@echo "Building $(BIN) ($(VERSION))"
	@mkdir -p build/bin
	@$(GO) build -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: the window where there is a display, otherwise the same UI over HTTP.
run: build
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  exec $(BIN) $(ARGS); \
	else \
	  echo "No display: serving the UI over HTTP instead of opening a window."; \
	  exec $(BIN) serve --addr $(ADDR) $(ARGS); \
	fi

## package: the Debian package (build/nfpm.yaml; nfpm is a Go tool pinned
## in go.mod): the binary, the menu entry, the icons in the hicolor sizes
## (made from build/appicon.png by internal/icons), changelog, copyright.
DEB := build/bin/id06desk_$(VERSION)_amd64.deb
package: deps $(DEB)

$(DEB): $(BIN) build/nfpm.yaml build/changelog.yml build/copyright build/id06desk.desktop build/appicon.svg internal/icons/icons.go
	@rm -rf build/bin/icons build/bin/id06desk_*.deb
	@$(GO) run ./internal/icons/cmd/icons -png build/appicon.png -svg build/appicon.svg -out build/bin/icons/hicolor
	@VERSION='$(VERSION)' $(GO) tool nfpm package --config build/nfpm.yaml --packager deb --target $@ >/dev/null
	@echo "Built $@"

## test: everything, in order of speed.
test: build lint test-go test-frontend test-e2e test-smoke test-package
	@echo "All tests passed."

lint: pigo-assets
	@unformatted=$$(gofmt -l main.go app internal); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	@$(GO) vet -tags $(TAGS) ./...

test-go: frontend/dist/index.html pigo-assets
	@$(GO) test -race -count=1 ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_TEST)

test-frontend: deps-npm
	@cd frontend && npx vitest run --reporter=dot

SINK := build/bin/smtpsink
$(SINK): $(GO_SRC)
	@mkdir -p build/bin
	@$(GO) build -o $(SINK) ./internal/smtpsink/cmd/smtpsink

BANKIDSTUB := build/bin/bankidstub
$(BANKIDSTUB): $(GO_SRC)
	@mkdir -p build/bin
	@$(GO) build -o $(BANKIDSTUB) ./internal/bankid/cmd/bankidstub

# Same packages as $(BIN) (the build cache makes it mostly a link) plus the
# test camera --test-camera plays, which the shipped binary does not carry.
$(E2E_BIN): frontend/dist/index.html $(GO_SRC) $(VERSION_STAMP) | pigo-assets
	@echo "Building $(E2E_BIN) (with the test camera)"
	@mkdir -p build/bin
	@$(GO) build -tags $(TAGS),e2e -trimpath -ldflags "$(LDFLAGS)" -o $(E2E_BIN) .

test-e2e: $(E2E_BIN) $(SINK) $(BANKIDSTUB)
	@cd frontend && ID06DESK_BIN=$(CURDIR)/$(E2E_BIN) ID06DESK_SMTPSINK_BIN=$(CURDIR)/$(SINK) ID06DESK_BANKIDSTUB_BIN=$(CURDIR)/$(BANKIDSTUB) npm run --silent e2e

# The real Wails window under Xvfb: exits 0 once the UI has called the API.
# The third run starts without --kiosk but with the "start in kiosk mode"
# setting: the window must open the kiosk. $(call smoke,BINARY)
define smoke
for mode in "" "--kiosk" "setting"; do \
	  d=$$(mktemp -d); flag=$$mode; \
	  if [ "$$mode" = setting ]; then $(1) --data-dir $$d settings set kiosk.start=on >/dev/null; flag=""; fi; \
	  timeout 90 xvfb-run -a -s "-screen 0 1280x800x24" $(1) --smoke $$flag --data-dir $$d >$$d.log 2>&1 \
	    || { echo "Window smoke test $$mode failed:"; cat $$d.log; rm -rf $$d $$d.log; exit 1; }; \
	  grep -q "smoke test passed" $$d.log || { cat $$d.log; exit 1; }; \
	  if [ -n "$$mode" ]; then grep -q 'route=#/kiosk' $$d.log || { echo "Window smoke test $$mode: not the kiosk"; cat $$d.log; exit 1; }; fi; \
	  echo "Window smoke test $${mode:-(admin)}: the UI loaded ($(1))"; \
	  rm -rf $$d $$d.log; \
	done
endef

test-smoke: $(BIN)
	@$(call smoke,$(BIN))

# The package as an admin installs it (root, as CI runs): apt-get installs
# it with its dependencies (--reinstall: also over an installed id06desk),
# `id06desk --version` from PATH prints the package's version, the menu
# entry passes desktop-file-validate, the icons are in the hicolor theme,
# every library the binary links comes from a declared dependency,
# `id06desk kiosk autostart on` names the installed program, the smoke
# test runs the installed binary; then apt-get removes
# it, files and all. As root, or with sudo. About a minute (apt-get and
# three window starts), each step bounded by a timeout.
test-package: deps-apt $(DEB)
	@trap '$(SUDO) timeout 120 env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq id06desk >/dev/null 2>&1 || true' EXIT; \
	log=$$(mktemp); \
	$(SUDO) timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall --allow-downgrades ./$(DEB) >$$log 2>&1 \
	  || { cat $$log; rm -f $$log; echo "apt-get install ./$(DEB) failed"; exit 1; }; \
	rm -f $$log; \
	want=$$(dpkg-query -W -f='$${Version}' id06desk); \
	[ "$$want" = "$(VERSION)" ] || { echo "installed id06desk $$want, built $(VERSION)"; exit 1; }; \
	hash -r; [ "$$(command -v id06desk)" = /usr/bin/id06desk ] || { echo "id06desk on PATH is $$(command -v id06desk)"; exit 1; }; \
	got=$$(timeout 10 id06desk --version); \
	[ "$$got" = "id06desk $$want" ] || { echo "id06desk --version: '$$got', the package is $$want"; exit 1; }; \
	desktop-file-validate /usr/share/applications/id06desk.desktop; \
	for s in 16 32 48 64 128 256 512; do \
	  [ -s /usr/share/icons/hicolor/$${s}x$${s}/apps/id06desk.png ] || { echo "no $${s}x$${s} icon"; exit 1; }; \
	done; \
	[ -s /usr/share/icons/hicolor/scalable/apps/id06desk.svg ] || { echo "no scalable icon"; exit 1; }; \
	[ -s /usr/share/doc/id06desk/copyright ] && [ -s /usr/share/doc/id06desk/changelog.Debian.gz ] || { echo "no copyright or changelog"; exit 1; }; \
	deps=$$(dpkg-query -W -f='$${Depends}' id06desk); \
	for lib in $$(objdump -p /usr/bin/id06desk | awk '/NEEDED/ {print $$2}'); do \
	  file=$$(ldd /usr/bin/id06desk | awk -v l=$$lib '$$1 == l {print $$3}'); \
	  real=$$(readlink -f "$$file"); \
	  pkg=$$({ dpkg -S "$$real" 2>/dev/null || dpkg -S "$${real#/usr}"; } | head -1 | cut -d: -f1); \
	  case ", $$deps," in *", $$pkg "*|*", $$pkg,"*) ;; *) echo "$$lib comes from $$pkg, which the package does not depend on ($$deps)"; exit 1 ;; esac; \
	done; \
	x=$$(mktemp -d); \
	XDG_CONFIG_HOME=$$x id06desk kiosk autostart on >/dev/null; \
	grep -qx 'Exec=id06desk --kiosk' $$x/autostart/id06desk-kiosk.desktop || { echo "kiosk autostart entry:"; cat $$x/autostart/id06desk-kiosk.desktop; exit 1; }; \
	desktop-file-validate $$x/autostart/id06desk-kiosk.desktop; rm -rf $$x; \
	$(call smoke,/usr/bin/id06desk); \
	$(SUDO) timeout 120 env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq id06desk >/dev/null 2>&1 || { echo "apt-get remove id06desk failed"; exit 1; }; \
	if dpkg-query -W -f='$${Status}' id06desk 2>/dev/null | grep -q ' installed'; then echo "id06desk is still installed"; exit 1; fi; \
	for f in /usr/bin/id06desk /usr/share/applications/id06desk.desktop /usr/share/icons/hicolor/48x48/apps/id06desk.png; do \
	  [ ! -e $$f ] || { echo "$$f is still there after apt-get remove"; exit 1; }; \
	done; \
	echo "Package test: $(DEB) installs, runs, validates and removes"

## bench: every benchmark once (each package's 1 s default), then the
## start-up harness (internal/startup, under its own Xvfb: 1 + 5 rounds that
## each start the hello-world app, the window and the kiosk in turn, ~2 min;
## then one 10 s idle of each for memory, ~1.5 min), then one table of the targets in
## internal/benchreport/targets.txt (a row a line): value, baseline, ratio,
## target, met. The raw output stays in build/bin/bench.txt. Expect ~10-15
## minutes on 2 cores; a benchmark that fails shows as "not run (failed)"
## and make bench then exits 1.
BENCH_OUT := build/bin/bench.txt
bench: frontend/dist/index.html pigo-assets
	@mkdir -p build/bin
	@{ $(GO) test -run '^$$' -bench . -benchmem -count 1 -timeout 30m $$($(GO) list ./... | grep -v '/internal/startup$$') || true; \
	   $(GO) test -run '^$$' -bench 'Startup' -benchtime 5x -count 1 -timeout 15m ./internal/startup/ || true; \
	   $(GO) test -run '^$$' -bench 'IdleMemory' -benchtime 1x -count 1 -timeout 15m ./internal/startup/ || true; \
	 } 2>&1 | tee $(BENCH_OUT)
	@echo
	@$(GO) run ./internal/benchreport/cmd/benchreport -targets internal/benchreport/targets.txt $(BENCH_OUT)
	@! grep -Eq '^(--- )?FAIL' $(BENCH_OUT) || { echo "Some benchmarks failed: see the table and $(BENCH_OUT)."; exit 1; }

## bench-nexus: only the 300-order Nexus batch (target < 3 s; peak-heap-MB
## far below photos-MB shows the photos stream into the zip). `make bench`
## runs it too.
bench-nexus:
	@$(GO) test -run '^$$' -bench 'Batch300' -benchmem -benchtime 3x -count 1 ./internal/batches/

## fuzz: each parser of the sync files and sync mails for FUZZTIME
## executions, one fuzzer per `go test` (Go fuzzes one target at a time).
## make test runs the same for FUZZTIME_TEST executions (a few seconds
## each, on top of the seed corpora its plain tests run). New failing
## inputs are kept in internal/<package>/testdata/fuzz/ and then run by make
## test. A count, not a duration: with -fuzztime 60s a run can end in
## "context deadline exceeded" with no crasher (golang/go#75804).
## Minimizing a new input is capped at 5 s: the default minute stalls a run.
FUZZTIME ?= 200000x
FUZZTIME_TEST ?= 300x
FUZZ_TARGETS := syncwire:FuzzOpenEnvelope syncwire:FuzzBundleReader syncwire:FuzzSitePack syncwire:FuzzPairing syncmail:FuzzFiles
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; f=$${t#*:}; \
	  echo "Fuzzing $$pkg $$f (-fuzztime $(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./internal/$$pkg/ || exit 1; \
	done

clean:
	rm -rf build/bin frontend/dist
