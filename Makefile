# xxgk-archive: `make demo` runs the main job offline (against the portal simulator),
# `make test` runs the tests. Both set up everything they need on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
DEMO_PORT ?= 8765
PYTEST_ARGS ?=
# Two test processes, whole files each (module fixtures stay in one process): crawls and
# index runs wait on child processes much of the time, so two keep both cores busy.
PYTEST_PARALLEL ?= -n 2 --dist loadfile
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-writer-nogui antiword tesseract-ocr \
	tesseract-ocr-chi-sim poppler-utils postgresql redis-server

.PHONY: help setup system-packages services pywb demo serve test clean

help:
	@echo "make demo    crawl-archive-parse demo against the offline portal simulator"
	@echo "make test    the test suite (starts PostgreSQL and Redis if needed)"
	@echo "make serve   run the portal simulator in the foreground on port $(DEMO_PORT)"
	@echo "make setup   system packages + .venv only"
	@echo "make pywb    pywb in its own venv (the replay peer of tests/test_pywb_interop.py)"

setup: system-packages $(STAMPS)/venv

system-packages:
	@deploy/install-system-packages.sh $(SYSTEM_PACKAGES)

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

services: setup
	@deploy/services.sh start

# pywb pins old dependencies: its own venv (~/.cache/xxgk-pywb-venv); the test calls this too.
pywb:
	@deploy/pywb-venv.sh >/dev/null

DEMO_HOME ?= xxgk-data

demo: setup
	$(PY) -m tests.portalsim demo --port $(DEMO_PORT) --home $(DEMO_HOME)

serve: setup
	$(PY) -m tests.portalsim serve --port $(DEMO_PORT)

test: setup services
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

clean:
	rm -rf $(STAMPS) build *.egg-info .pytest_cache
