.PHONY: build release test bench run clean

build:
	swift build

release:
	swift build -c release --static-swift-stdlib

test:
	./scripts/test.sh

run:
	./scripts/run-main.sh

bench:
	python3 bench/bench.py $(BENCH_ARGS)

clean:
	swift package clean
