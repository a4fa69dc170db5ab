# chancery - the two entry points of the README, and a few helpers.
#
#   make demo    install what is missing, build, run the Focus 2004 sample
#   make check   build, run the fast set: every test but those labelled slow
#                or fault (ctest -LE 'slow|fault'; labels in
#                tests/CMakeLists.txt), a few minutes on two cores
#   make test    install what is missing, build (-Werror), run every test
#                but those labelled fault (processes killed, writes and
#                memory failed: their place is the next build, where their
#                error paths are leak-checked too), then build with
#                ASan+UBSan and run every test but those labelled office
#                (LibreOffice's time, not ours) or bench (the benchmark
#                script's smoke run), then
#                build with ThreadSanitizer and run the threaded tests again
#                (ctest -L threads), then build with clang (-Werror) and run
#                each fuzz target briefly, then run the parsers' and
#                renderers' suites again under Valgrind (scripts/valgrind)
#   make fuzz    run each fuzz target for FUZZ_SECONDS (default 60)
#   make valgrind  every suite under Valgrind (scripts/valgrind --all; over
#                40 minutes on two cores, so not in make test)
#
# Builds go to build/ (normal), build-asan/ (sanitizers), build-tsan/
# (ThreadSanitizer: only the tool and the threaded tests) and build-fuzz/
# (clang, libFuzzer).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

FUZZ_SECONDS ?= 60

.PHONY: all deps build build-asan build-tsan demo check test test-fast test-asan test-tsan test-fuzz test-valgrind fuzz valgrind clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHANCERY_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

# -O1, as AddressSanitizer's documentation advises: 15% less time than -O0
# over unit.story and two iofail suites, stacks still whole
build-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1" \
		-DCHANCERY_WERROR=ON -DCHANCERY_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)

# ThreadSanitizer cannot share a build with ASan; gcc or clang, whichever CC is.
TSAN_FLAGS = -fsanitize=thread -fno-omit-frame-pointer
build-tsan: deps
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHANCERY_WERROR=ON \
		"-DCMAKE_C_FLAGS=$(TSAN_FLAGS)" -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
		-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
		-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=thread $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target chancery-cli test_threads

demo: build
	@scripts/demo build/chancery

check: build
	@cd build && ctest --output-on-failure -j $(JOBS) -LE 'slow|fault'

test-fast: build
	@cd build && ctest --output-on-failure -j $(JOBS) -LE fault

# ASan's fast unwinder (frame pointers) for every allocation: the slow one
# made the stage several times longer (tests/lsan.supp says what it costs
# in suppressions, and test_iofail asks for the slow one where it matters)
test-asan: build-asan
	@cd build-asan && \
		ASAN_OPTIONS=detect_leaks=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -LE 'office|bench'

# setarch -R: without address randomization, as ThreadSanitizer's fixed
# memory layout needs on kernels with more random mmap bits than it expects
test-tsan: build-tsan
	@cd build-tsan && \
		TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
		setarch "$$(uname -m)" -R ctest --output-on-failure -L threads

test-fuzz: deps
	@scripts/fuzz 10

fuzz: deps
	@scripts/fuzz $(FUZZ_SECONDS)

test-valgrind: build
	@scripts/valgrind

valgrind: build
	@scripts/valgrind --all

test: test-fast test-asan test-tsan test-fuzz test-valgrind

clean:
	rm -rf build build-asan build-tsan build-fuzz
