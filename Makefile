# Two commands: `make run` and `make test`.  Both install what is missing
# (scripts/deps.sh), configure and build; everything else is meson and ninja.

BUILD      ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
IDREG_DATA ?= $(if $(wildcard ../shared/data/rir),../shared/data/rir,)
DB         ?= var/idreg.db

.PHONY: all deps build run test fuzz bench clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Build, create a registry with the RIR files found under IDREG_DATA, show it,
# and serve it with idregd (RDAP on 127.0.0.1:8080, WHOIS on 127.0.0.1:4343).
run: build
	@IDREG=$(BUILD)/cli/idreg IDREGD=$(BUILD)/daemon/idregd GEN_DOMAINS=$(BUILD)/bench/gen_domains \
		DB=$(DB) IDREG_DATA=$(IDREG_DATA) bash scripts/run.sh

# Sanitizer build (ASan + UBSan, no recovery), every test, fuzz targets briefly.
test: deps
	@BUILD=$(TEST_BUILD) RUN_BUILD=$(BUILD) FUZZ_BUILD=$(FUZZ_BUILD) bash scripts/test.sh

fuzz: deps
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$${FUZZ_SECONDS:-300} bash scripts/fuzz.sh

bench: deps
	@bash bench/run.sh

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD)
