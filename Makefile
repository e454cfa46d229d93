# Two commands matter: `make run` and `make test`. Everything else is what they stand on.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
export PORT HOST

.PHONY: run test fuzz fuzz-api setup setup-test translations extract check bench font clean static

run: setup
	$(PY) -m server.serve

# Two workers on a 2-core machine (TEST_WORKERS=0 runs in one process); a file stays on one worker,
# so its module fixtures (an app, a live server, a content copy) are built once.
TEST_WORKERS ?= auto
test: setup-test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# Hostile input against every route for much longer than `make test` does: FUZZ_EXAMPLES (50000)
# cases per property, 100,000 in all, about 15 minutes on 2 busy cores; prints how many it tried.
fuzz: setup-test
	$(PY) -m pytest tests/test_fuzz.py -q -p no:logging --hypothesis-profile=fuzz --hypothesis-show-statistics

setup: $(VENV)/.installed translations

setup-test: $(VENV)/.installed-test translations
	@$(PY) scripts/ensure_chromium.py
	@$(PY) scripts/ensure_servers.py

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Mitta needs Python 3.11 or newer (set PYTHON=python3.x)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Compiled catalogs (.mo) are build output: made from the .po files on every run.
translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel -q compile -d server/translations

# After changing a UI string: refresh the template and both catalogs, then translate in km.
extract: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -k _l -o server/translations/messages.pot .
	$(VENV)/bin/pybabel update -i server/translations/messages.pot -d server/translations --no-fuzzy-matching --ignore-obsolete

# The whole site as files for a static HTTPS host, with its header rules (docs/deployment.md).
static: setup
	$(VENV)/bin/flask --app server export build

check: setup
	$(VENV)/bin/flask --app server content check

# Schemathesis against /api/v1/openapi.json with many more cases than `make test` runs.
fuzz: fuzz-api
fuzz-api: setup-test
	MITTA_FUZZ_EXAMPLES=$${MITTA_FUZZ_EXAMPLES:-1000} $(PY) -m pytest -q tests/test_api_fuzz.py

bench: setup-test
	$(PY) scripts/bench.py
	$(PY) scripts/pack_sizes.py 1,10,100

# Remake the Khmer font subset from the upstream TTF (static/fonts/README.md says more).
font: $(VENV)/.installed
	test -x $(VENV)/bin/pyftsubset || $(PY) -m pip install --quiet -e '.[font]'
	$(PY) scripts/subset_font.py --bold

clean:
	rm -rf $(VENV) test-artifacts build
	find server/translations -name '*.mo' -delete
