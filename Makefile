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

LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# `make lock` resolves with uv (fast, one universal resolution for every platform the Docker
# image or a server may use) and writes plain pip requirements with hashes: installing needs
# nothing but pip, on a fresh machine, in CI and in the Dockerfile.
UV_COMPILE := $(VENV)/bin/uv pip compile --universal --python-version 3.11 --generate-hashes \
	--upgrade --quiet --custom-compile-command "make lock"

.PHONY: help setup system-packages services pywb demo serve test lock clean

help:
	@echo "make demo    crawl-archive-parse demo against the offline portal simulator"
	@echo "make test    the test suite (starts PostgreSQL and Redis if needed)"
	@echo "make serve   run the portal simulator in the foreground on port $(DEMO_PORT)"
	@echo "make setup   system packages + .venv only"
	@echo "make pywb    pywb in its own venv (the replay peer of tests/test_pywb_interop.py)"
	@echo "make lock    resolve the newest allowed versions into the lock files (then make test)"

setup: system-packages $(STAMPS)/venv

system-packages:
	@deploy/install-system-packages.sh $(SYSTEM_PACKAGES)

# Exactly the locked versions (hashes checked), then the project itself without resolving
# anything; `pip check` fails the set-up if the lock misses a dependency.
$(STAMPS)/venv: pyproject.toml $(DEV_LOCK)
	@mkdir -p $(STAMPS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(DEV_LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
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
	$(PY) -m pytest $(PYTEST_PARALLEL) --durations=15 $(PYTEST_ARGS)

# $(LOCK): what the product runs (the Docker image); $(DEV_LOCK): the same versions plus the
# test tools (every extra); deploy/pywb.lock: pywb's own venv.
lock: $(STAMPS)/venv
	$(UV_COMPILE) pyproject.toml --extra datasette -o $(LOCK)
	$(UV_COMPILE) pyproject.toml --all-extras -c $(LOCK) -o $(DEV_LOCK)
	echo "pywb==2.10.0" | $(UV_COMPILE) - -o deploy/pywb.lock
	@echo "updated $(LOCK), $(DEV_LOCK), deploy/pywb.lock: run make test, then commit them"

clean:
	rm -rf $(STAMPS) build *.egg-info .pytest_cache
