# bench: build, test, demo, perf.  `make test` finds a JDK >= 21 by itself.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

JAVA_HOME_FOUND := $(shell src/main/sh/java-home.sh --jdk 2>/dev/null)
export JAVA_HOME := $(if $(JAVA_HOME_FOUND),$(JAVA_HOME_FOUND),$(JAVA_HOME))
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN ?= mvn
MVN_FLAGS ?= -B -q -Dstyle.color=never
SHELL_SOURCES := bench $(wildcard src/main/sh/*.sh) $(wildcard slurm/*.sh slurm/*.sbatch) \
	$(wildcard slurm/testing/*.sh slurm/testing/standins/*.sh) .ci/run

.PHONY: build test golden demo perf clean check-java shellcheck

check-java:
	@if [ -z "$(JAVA_HOME_FOUND)" ]; then src/main/sh/java-home.sh --jdk; fi

build: check-java
	$(MVN) $(MVN_FLAGS) -DskipTests package
	@echo "built target/bench.jar"

test: check-java shellcheck
	$(MVN) $(MVN_FLAGS) verify

# rewrite golden files (help texts, result schema, generated scripts) after an intended change
golden: check-java
	$(MVN) $(MVN_FLAGS) verify -Dbench.golden.update=true

shellcheck:
	@if command -v shellcheck >/dev/null 2>&1; then \
	  shellcheck $(SHELL_SOURCES) && echo "shellcheck: ok"; \
	else \
	  echo "shellcheck not installed: skipped (.ci/run installs it)"; \
	fi

demo: build
	src/main/sh/demo.sh

perf: build
	src/main/sh/perf.sh

clean:
	$(MVN) $(MVN_FLAGS) clean
