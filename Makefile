# One word for each job a newcomer needs. Every target sets itself up first.
.PHONY: demo test lint types serve bench clean

VENV := .venv/bin

demo:            ## build the demo region (兰州新区 and its peers) and serve it at http://127.0.0.1:8000
	scripts/bootstrap.sh
	$(VENV)/kechuang demo
	$(VENV)/kechuang serve

test:            ## everything CI runs: lint, types, layer contracts, the suite on SQLite and PostgreSQL
	scripts/bootstrap.sh --dev
	scripts/test.sh

lint:
	$(VENV)/ruff check src tests benchmarks
	$(VENV)/ruff format --check src tests benchmarks

types:
	$(VENV)/mypy
	$(VENV)/lint-imports

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache build *.egg-info
