# bench: build, test, demo, perf, container images.  `make test` finds a JDK >= 21 by itself.
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

# Container images (docker/): `make docker` builds both, `make save` writes the engine image as a
# tarball for vllm.sbatch/nixl.sbatch --runtime docker --image FILE. Not run by `make test`.
DOCKER ?= docker
DOCKER_BUILD_FLAGS ?=
IMAGE_TAG ?= latest
ENGINE_IMAGE ?= nixl:$(IMAGE_TAG)
BENCH_IMAGE ?= bench:$(IMAGE_TAG)
ENGINE_TARBALL ?= nixl-$(IMAGE_TAG).tar.gz

.PHONY: build test golden demo perf perf-transport clean check-java shellcheck docker docker-engine docker-bench save

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

# issue 8: the NIO StreamClient against a Netty epoll client on one workload (bench.perf.TransportCompare);
# the mock on core 0, each run on core 1; results/perf/transport.jsonl and a Markdown table.
# Knobs: TRANSPORTS, POINTS (streams:requests), WARMUP, MAX_TOKENS, EXTRA_ARGS, OUT (see the script).
perf-transport: build
	src/main/sh/perf-transport.sh

clean:
	$(MVN) $(MVN_FLAGS) clean

docker: docker-bench docker-engine

# the engine image: CUDA, GDRCopy, EFA, UCX, NIXL + nixlbench, PyTorch, vLLM, vllm-router (long build)
docker-engine:
	$(DOCKER) build $(DOCKER_BUILD_FLAGS) -t $(ENGINE_IMAGE) docker/engine

# the bench client: a Java 21 runtime with target/bench.jar and the launcher
docker-bench: build
	$(DOCKER) build $(DOCKER_BUILD_FLAGS) -f docker/bench/Dockerfile -t $(BENCH_IMAGE) .

# the engine image as a compressed docker save tarball (pigz, else gzip), written whole or not at all
save:
	@$(DOCKER) image inspect $(ENGINE_IMAGE) >/dev/null 2>&1 || \
	  { echo "no image $(ENGINE_IMAGE): run make docker-engine first" >&2; exit 1; }
	@if command -v pigz >/dev/null 2>&1; then zip=pigz; else zip=gzip; fi; \
	  echo "$(DOCKER) save $(ENGINE_IMAGE) | $$zip > $(ENGINE_TARBALL)"; \
	  $(DOCKER) save $(ENGINE_IMAGE) | $$zip > $(ENGINE_TARBALL).part || \
	    { rm -f $(ENGINE_TARBALL).part; exit 1; }; \
	  mv $(ENGINE_TARBALL).part $(ENGINE_TARBALL)
