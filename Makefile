# A thin wrapper over CMake. `make run` and `make test` install what is
# missing first (scripts/install-deps.sh), so a fresh Debian machine needs
# nothing else.
BUILD_DIR ?= build
TEST_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 30
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
LISTEN ?= 127.0.0.1:7447
DATA ?= ./cascade-data

.PHONY: all build deps run test test-asan test-fuzz clean

all: build

deps:
	./scripts/install-deps.sh

build:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: deps build
	./$(BUILD_DIR)/bin/cascaded --listen $(LISTEN) --data $(DATA)

# The optimised build `make run` uses (its warnings differ from a debug
# build's) and the attack test on it (memory bounds mean something only
# there), then every test with AddressSanitizer and
# UndefinedBehaviorSanitizer, then each fuzz target for FUZZ_SECONDS.
test: deps
	$(MAKE) build
	cd $(BUILD_DIR) && ctest --output-on-failure -R '^integration\.attacks$$'
	$(MAKE) test-asan
	$(MAKE) test-fuzz

test-asan:
	cmake -S . -B $(TEST_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DCASCADE_SANITIZE=ON
	cmake --build $(TEST_BUILD_DIR) -j $(JOBS)
	cd $(TEST_BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-fuzz:
	cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
	      -DCASCADE_FUZZ=ON -DCASCADE_FUZZ_SECONDS=$(FUZZ_SECONDS)
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)
	cd $(FUZZ_BUILD_DIR) && ctest --output-on-failure

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR) $(FUZZ_BUILD_DIR)
