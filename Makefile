# almaty-analytics. `make` lists the targets. Targets that need the environment
# create .venv first (Python 3.11+ and pip are all a fresh machine needs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCENARIO ?=
LANGUAGES ?= en ru kk
RUN_ARGS ?=
PYTEST_ARGS ?=
PORT ?= 8866
comma := ,
# With PYTHONDONTWRITEBYTECODE set (as on some CI images) Python keeps no compiled modules, so every kernel, runner
# worker and test process would compile the package again (0.7 s each) and pytest would rewrite the tests again
# (4 s per test process). The targets that start many processes write __pycache__/ (git-ignored) whatever it says.
WRITE_BYTECODE := PYTHONDONTWRITEBYTECODE=
space := $(subst ,, )# one space: LANGUAGES="en ru kk" becomes --language en,ru,kk

.DEFAULT_GOAL := help
.PHONY: help reports test lab explore kernel docs bench lint clean env

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "almaty-analytics needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -c 'from almaty_analytics.runner import ensure_kernel; ensure_kernel()'
	touch $(STAMP)

env: $(STAMP) ## create .venv and install the project (done by every target that needs it)

reports: $(STAMP) ## run every report for every scenario (or SCENARIO=name) in every language (or LANGUAGES="en ru"), in one run: reports/
	$(WRITE_BYTECODE) $(BIN)/almaty-analytics run $(if $(SCENARIO),--scenario $(SCENARIO),--all-scenarios) --language $(subst $(space),$(comma),$(strip $(LANGUAGES))) $(RUN_ARGS)

TEST_WORKERS ?= $(shell env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 1)  # one per core (nproc counts OMP_NUM_THREADS otherwise): each worker collects the suite and fills its own in-memory caches

# Each test worker computes on its core, so its BLAS (numpy's, scipy's) and OpenMP use one thread: with a thread per core
# in every worker the threads wait for each other (the computing tests took 137 s of CPU, 118 s with one thread each).
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(STAMP) ## run the whole test suite, its files in parallel, one worker per core (one end-to-end run, orchestration in process)
	$(WRITE_BYTECODE) $(ONE_THREAD) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lab: $(STAMP) ## open JupyterLab on notebooks/ with the registered kernel almaty-analytics
	$(BIN)/jupyter lab notebooks/

explore: $(STAMP) ## the what-if explorer (notebooks/explore.ipynb) as a code-free web page, offline: http://127.0.0.1:8866 (PORT=...)
	JUPYTER_PATH=$(CURDIR)/share/jupyter $(BIN)/voila notebooks/explore.ipynb --template=almaty --no-browser --port=$(PORT) --Voila.ip=127.0.0.1

kernel: $(STAMP) ## register the almaty-analytics kernel for your user, so a JupyterLab or JupyterHub outside .venv lists it
	$(BIN)/python -c 'from almaty_analytics.runner import kernel; print("registered:", kernel.register(user=True))'

docs: $(STAMP) ## the API reference, built offline from the docstrings: docs/api/index.html
	$(BIN)/pdoc almaty_analytics --output-directory docs/api --footer-text "almaty-analytics $$($(BIN)/python -c 'import almaty_analytics as a; print(a.__version__)')"
	@echo "open docs/api/index.html"

bench: $(STAMP) ## population Monte Carlo speed and memory; full run (default --jobs vs --jobs 1), unchanged re-run, floor; languages; start-up; test suite
	$(BIN)/python benchmarks/bench_population.py
	$(BIN)/python benchmarks/bench_memory.py
	$(BIN)/python benchmarks/bench_runner.py
	$(BIN)/python benchmarks/bench_languages.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_tests.py

lint: $(STAMP) ## ruff on the package, tests and benchmarks
	$(BIN)/ruff check src tests benchmarks

clean: ## remove reports, derived data and caches (never data/raw/, .venv, nor reports/run-log.jsonl and reports/status.json)
	find reports -mindepth 1 -maxdepth 1 ! -name .gitkeep ! -name run-log.jsonl ! -name status.json -exec rm -rf {} +
	find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -exec rm -rf {} +
