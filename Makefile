# Jingfen task runner. `make` alone prints the targets.
# Every target goes through uv; uv itself is bootstrapped with pip when the machine lacks it.

SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export JINGFEN_HOME ?= $(CURDIR)/jingfen-home

SAMPLE_USERS ?= 2000
SAMPLE_MONTHS ?= 6
SAMPLE_SEED ?= 7

.PHONY: help
help: ## show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: uv
uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

# Debian packages: a CJK font for the reports' PDF, Chromium for the dashboards' browser tests,
# Java for Spark (the tests build on Spark too).
JAVA_PACKAGE := openjdk-17-jre-headless
SYSTEM_PACKAGES := fonts-wqy-zenhei chromium $(JAVA_PACKAGE)

# Installs the Debian packages among $(1) that are missing (as root; otherwise prints them).
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "Please install these Debian packages: $$missing"; \
	fi
endef

.PHONY: system
system: ## install the Debian packages (as root; otherwise prints what to install)
	$(call apt_install,$(SYSTEM_PACKAGES))

# Spark (pyspark, dbt-spark: the lock file's optional group spark, and Java) when it is the
# engine, and for `make test`. Without it the sync is inexact: a `make lint` of an environment set
# up for Spark leaves Spark installed.
SPARK := $(if $(filter spark,$(JINGFEN_ENGINE))$(filter test,$(MAKECMDGOALS)),spark)

.PHONY: java
java:
	$(call apt_install,$(JAVA_PACKAGE))

.PHONY: setup
setup: uv $(if $(SPARK),java) ## create the Python environment from uv.lock (JINGFEN_ENGINE=spark: with Spark and Java)
	$(UV) sync --frozen $(if $(SPARK),--extra spark,--inexact)

.PHONY: sample
sample: setup ## generate the sample province into $JINGFEN_HOME/landing (once)
	@if [ -d "$(JINGFEN_HOME)/landing" ] && [ -n "$$(ls -A "$(JINGFEN_HOME)/landing")" ]; then \
		echo "landing/ already holds deliveries: keeping them"; \
	else \
		$(UV) run jingfen generate --users $(SAMPLE_USERS) --months $(SAMPLE_MONTHS) --seed $(SAMPLE_SEED); \
	fi

.PHONY: up
up: sample ## set up, generate the sample province, run the pipeline, start the UIs
	$(UV) run jingfen run
	$(UV) run jingfen serve

DBT := $(UV) run dbt --no-use-colors
DBT_DIRS := --project-dir warehouse --profiles-dir warehouse

# dbt's folders and variables are core/settings.py's (`python -m core.settings` prints them).
.PHONY: docs
docs: setup ## dbt docs (dictionary, lineage) on http://127.0.0.1:8080, after `make up` built the warehouse
	eval "$$($(UV) run python -m core.settings)" && \
		$(DBT) docs generate $(DBT_DIRS) && \
		$(DBT) docs serve $(DBT_DIRS) --host 127.0.0.1 --port 8080 --no-browser

.PHONY: suites
suites: setup ## write data_quality/gx/ (the GX suites) from core/contract.py and the specs
	$(UV) run python -m data_quality.suites

.PHONY: sources
sources: setup ## write the dbt sources of the lake and the interfaces seed from core/contract.py
	$(UV) run python -m core.warehouse_sources

.PHONY: bundle
bundle: setup ## regenerate dashboards/bundle/ and warehouse/models/exposures.yml from dashboards/spec/
	$(UV) run python -m dashboards.bundle

.PHONY: lint
lint: setup ## ruff, sqlfluff and the layer contract (lint-imports)
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run sqlfluff lint --processes 2 warehouse/models warehouse/tests
	$(UV) run lint-imports

.PHONY: format
format: setup ## apply ruff's formatting and fixes
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

.PHONY: test
test: system lint ## lint, then every test suite
	$(UV) run pytest

.PHONY: clean
clean: ## remove $JINGFEN_HOME (all generated data, lake, warehouse, published copy)
	rm -rf "$(JINGFEN_HOME)"

.PHONY: fingerprint
fingerprint: setup ## record what a seeded province publishes (tests/fixtures/published_fingerprint.json)
	$(UV) run python -m tests.fingerprint
