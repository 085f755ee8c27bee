# kofu: `make run` starts the centre with demo data, `make test` runs the checks and the tests.
# Both set the machine up first; the second time they skip what is already done.

SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
KOFU := $(BIN)/kofu
KIOSK := $(BIN)/kofu-kiosk
DATA_DIR := $(or $(KOFU_DATA_DIR),var)
HOST ?= 127.0.0.1
PORT ?= 8000
TERMINAL_PORT ?= 8080
PORTAL_PORT ?= 8081

SYSTEM_STAMP := var/.setup-system.stamp
VENV_STAMP := $(VENV)/.kofu-installed.stamp

.PHONY: run test bench setup lint

setup: $(VENV_STAMP)

# Debian packages: checked again only when the script changes or var/ was removed.
$(SYSTEM_STAMP): scripts/setup-system.sh
	bash scripts/setup-system.sh
	@mkdir -p $(dir $@) && touch $@

# The virtualenv: pip runs again only when pyproject.toml changed.
$(VENV_STAMP): pyproject.toml $(SYSTEM_STAMP)
	@python=$$(command -v python3.11 || command -v python3) || { \
	    echo "setup: no python3.11 or python3 found" >&2; exit 1; }; \
	"$$python" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 12) else 1)' || { \
	    echo "setup: $$python is $$("$$python" -V 2>&1); kofu needs Python 3.11 (pyproject.toml)" >&2; \
	    exit 1; }; \
	[ -x $(BIN)/python ] || "$$python" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The last step execs `kofu demo run`, the one owner of the three servers, so make signals it
# directly: Ctrl-C, `kill` of make (SIGTERM) or a closed terminal (SIGHUP) leaves nothing behind.
run: setup
	$(KOFU) db upgrade
	$(KOFU) demo load
	$(KOFU) demo history
	@cards=$$($(KOFU) demo cards); \
	first=$$(printf '%s\n' "$$cards" | awk '/PIN/ {print $$1; exit}'); \
	pin=$$(printf '%s\n' "$$cards" | awk '/PIN/ {print $$3; exit}'); \
	echo; \
	echo "== Demo cards (virtual My Number cards; the first is the usual success path) =="; \
	printf '%s\n' "$$cards"; \
	echo; \
	echo "== Try, from another terminal in $(CURDIR) =="; \
	echo "  $(KIOSK) issue --card $${first:-$(DATA_DIR)/demo/cards/yamada-taro.json} --pin $${pin:-1234} --certificate juminhyo --members all --centre http://$(HOST):$(PORT) --out out.pdf"; \
	echo "  pdftotext out.pdf -"; \
	echo "  (the demo towns issue 06:30-23:00 JST, like the real service: outside those hours, and"; \
	echo "   from 29 December to 3 January, the kiosk is refused with OUT_OF_HOURS; now it is $$(TZ=Asia/Tokyo date '+%H:%M') JST)"; \
	echo "  curl -s http://$(HOST):$(PORT)/openapi.json"; \
	echo "  curl -s http://$(HOST):$(PORT)/metrics"; \
	echo; \
	echo "== Demo portal accounts (password, then the TOTP code; \`$(KOFU) demo staff\` prints fresh codes) =="; \
	$(KOFU) demo staff; \
	echo; \
	echo "== Demo kiosk terminal (virtual card $${first:-$(DATA_DIR)/demo/cards/yamada-taro.json}): http://127.0.0.1:$(TERMINAL_PORT) =="; \
	echo "== Staff portal: http://$(HOST):$(PORTAL_PORT) (plain HTTP on this machine: cookies without Secure) =="; \
	echo "== Serving on http://$(HOST):$(PORT) (Ctrl-C stops all three) =="; \
	exec $(KOFU) demo run --host $(HOST) --port $(PORT) --terminal-port $(TERMINAL_PORT) \
	    --portal-port $(PORTAL_PORT) --virtual-card $${first:-$(DATA_DIR)/demo/cards/yamada-taro.json}

test: setup
	$(BIN)/lint-imports
	@$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

bench: setup
	$(BIN)/python loadtests/bench.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy issuance rendering municipalities billing centre kiosk_api portal cli migrations demo municipal_server kiosk_terminal

.PHONY: bench-ledger
# The synthetic nation (LEDGER_BENCH_EVENTS, default 32M) on PostgreSQL: load rate, report time.
bench-ledger: setup
	$(BIN)/python loadtests/ledger_bench.py

.PHONY: chaos
# Fault campaign (issue 13) on private PostgreSQL and Redis: one table row per fault.
chaos: setup
	$(BIN)/python loadtests/chaos.py

.PHONY: deploy-local deploy-test bench-hosts
# The deployment of infra/deploy/ on this machine (root: network namespaces): two centre hosts,
# HAProxy, PostgreSQL and Redis, until Ctrl-C; nothing is left behind (MULTIHOST_KEEP=1 keeps
# the run's directory: data and per-host logs). It prints how to issue a certificate through it.
deploy-local: setup
	MULTIHOST_MODE=serve $(BIN)/python loadtests/multihost.py

# Host loss under load (issue 16): 50 kiosks through HAProxy, host 1 killed whole and brought
# back; the figures go to var/multihost/latest.json (tests/e2e/test_multihost.py: bounded).
deploy-test: setup
	MULTIHOST_MODE=campaign $(BIN)/python loadtests/multihost.py

# Issuances/s through HAProxy with one host, then two, in the same run (infra/README.md).
bench-hosts: setup
	MULTIHOST_MODE=bench $(BIN)/python loadtests/multihost.py
