# Codify: every target installs what it needs first (setup is a stamp, redone when pyproject.toml changes).
#   make serve   the API on http://127.0.0.1:3000 (real coder, moto for AWS), dev token printed
#   make demo    code a sample note and print the JSON
#   make test    all tests: unit, functional, template, e2e, sam build + Lambda emulator integration
#   make soak    the long proofs against codify serve: >= 1,000 schemathesis cases, 200 concurrent calls
#   make eval    CodiEsp dev (en and es) scores;  make eval-real: the English development set of real-style notes
#   make eval-custom  a custom model trained on CodiEsp train (es + en), scored on CodiEsp dev
#   make eval-ml the 20 CodiEsp dev cases in Spanish, Catalan, Galician and Basque (language detected per note)
#   make bench   latency through the local API
#   make build   sam build (no container);  make invoke FUNCTION=… EVENT=events/….json
#   make lint    ruff over every package, mypy over the coder, the handlers and the build code, sam validate
#   make lock    resolve pyproject.toml again into requirements.lock and regenerate the layers' requirements
SHELL := /bin/bash
# Python 3.12 where available (a pyenv shim that is installed but not selected does not count), else python3.
PYTHON ?= $(shell for p in python3.12 $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null) python3; do \
	$$p -c 'import sys; print(sys.executable)' 2>/dev/null && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.codify-setup
ASSETS := layers/coder/codify_coder/assets
TERMINOLOGY := $(ASSETS)/terminology/manifest.json
MODEL := $(ASSETS)/models/default/manifest.json
DATA := ../shared/data/codiesp
PORT ?= 3000
PYTEST_ARGS ?=
export SAM_CLI_TELEMETRY := 0

.PHONY: setup assets assets-rebuild serve demo test test-fast soak lint lock layer-requirements eval eval-ml eval-real eval-custom bench build invoke clean

setup: $(STAMP) $(MODEL)

# The project installed editable (its four source roots are packages: see pyproject.toml) at the versions
# of requirements.lock, the one file with pins.
LOCK := requirements.lock
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	rm -f "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/codify-src.pth"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) -e '.[build,cli,dev]'
	touch $(STAMP)

# Resolve pyproject.toml again into the lock (pins kept where they still fit; `make lock LOCK_ARGS=--upgrade`
# for the newest versions that fit), then the layers' files.
LOCK_ARGS ?=
lock:
	test -x $(BIN)/pip-compile || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check pip-tools; }
	$(BIN)/pip-compile --quiet --strip-extras --all-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) \
	  --unsafe-package codify \
	  --output-file $(LOCK) pyproject.toml
	$(MAKE) layer-requirements

# The layers' requirements from the lock as it is (no resolution); the unit tests check they are in step.
layer-requirements: | $(STAMP)
	$(BIN)/python -m codify_build.lock

# Built when missing (CI always starts fresh) and rebuilt when what they are built from changes: the
# lexicons and terminology build for the terminology; it, the stages that make candidates and the
# training code for the model (the coder refuses assets built for another schema). `make assets-rebuild` forces both.
CODER := layers/coder/codify_coder
BUILD := tools/codify_build
$(TERMINOLOGY): $(wildcard $(CODER)/lexicons/*) $(wildcard $(CODER)/terminology/*.py) $(BUILD)/terminology.py | $(STAMP)
	$(BIN)/python -m codify_build.terminology

$(MODEL): $(TERMINOLOGY) $(wildcard $(CODER)/training/*.py) $(CODER)/score.py $(CODER)/candidates.py \
		$(wildcard $(CODER)/understand/*.py) $(BUILD)/default_model.py $(BUILD)/synthetic.py | $(STAMP)
	$(BIN)/python -m codify_build.default_model

assets: $(MODEL)

assets-rebuild: $(STAMP)
	$(BIN)/python -m codify_build.terminology
	$(BIN)/python -m codify_build.default_model

serve: setup
	$(BIN)/codify serve --port $(PORT)

demo: setup
	printf '%s\n' "Assessment: type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3." \
	  "Essential hypertension. No evidence of pneumonia. Family history of breast cancer." > .codify-demo-note.txt
	$(BIN)/codify code .codify-demo-note.txt; rc=$$?; rm -f .codify-demo-note.txt; exit $$rc

# pytest exit status 5 means "no tests collected": not a failure of the build.
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# The proofs of tests/e2e/test_proofs.py in their long form (make test runs them short).
soak: setup
	CODIFY_PROOF_EXAMPLES=250 CODIFY_PROOF_MIN_CASES=1000 CODIFY_PROOF_CONCURRENCY=200 \
	  $(BIN)/python -m pytest tests/e2e/test_proofs.py -s $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not e2e" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/sam validate --lint

eval: setup
	$(BIN)/codify eval --notes $(DATA)/dev/text_files_en --gold $(DATA)/dev/devD.tsv --language en
	$(BIN)/codify eval --notes $(DATA)/dev/text_files --gold $(DATA)/dev/devD.tsv --language es

# A custom model (issue 12): trained on CodiEsp train (Spanish texts with the coders' evidence spans, English
# translations with codes only; CIE-10-ES 2018 codes), measured on CodiEsp dev. The timed training run
# prints its wall time; CUSTOM_MODEL is kept for `codify eval --model`.
CUSTOM_MODEL ?= .codify/models/codiesp-train
eval-custom: setup
	time $(BIN)/codify train --data $(DATA)/train --out $(CUSTOM_MODEL) --id codiesp-train --workers 2 --format table
	$(BIN)/codify eval --notes $(DATA)/dev/text_files_en --gold $(DATA)/dev/devD.tsv --language en --model $(CUSTOM_MODEL) --format table --per-code 0
	$(BIN)/codify eval --notes $(DATA)/dev/text_files --gold $(DATA)/dev/devD.tsv --language es --model $(CUSTOM_MODEL) --format table --per-code 0

# The same 20 cases in each language of Spain's health services (../shared/data/codiesp-ml): MAP and F1 per
# language against the Spanish originals, and the language each note was detected as.
ML_DATA := ../shared/data/codiesp-ml/dev
eval-ml: setup
	@for lang in es ca gl eu; do \
	  $(BIN)/codify eval --notes $(ML_DATA)/$$lang --gold $(ML_DATA)/devD.tsv --language auto --per-code 0 \
	    --format table | head -3 | sed "s/^/$$lang  /" || exit 1; \
	done

# The realistic English development set (tests/fixtures/realdocs): precision, recall, must_not codes.
eval-real: setup
	$(BIN)/codify eval-real --dir tests/fixtures/realdocs --errors

bench: setup
	$(BIN)/python -m codify_cli.bench_coder --notes $(DATA)/dev/text_files_en --limit 100
	$(BIN)/python -m codify_cli.bench_coder --notes $(DATA)/dev/text_files --limit 100
	$(BIN)/python -m codify_cli.local.bench --notes $(DATA)/dev/text_files_en --limit 50

# sam's python3.12 builder looks for python3.12 on PATH: the venv's comes first.
build: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/sam build

# Docker-free `sam local invoke`: make invoke FUNCTION=CodifyFunction EVENT=events/codify_text.json
FUNCTION ?= HealthFunction
EVENT ?= events/health.json
invoke: setup
	$(BIN)/python -m codify_cli.local.invoke $(FUNCTION) $(EVENT)

clean:
	rm -rf .aws-sam .pytest_cache .codify
