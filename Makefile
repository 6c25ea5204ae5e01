.PHONY: demo test setup bench build
# Both targets install what they need first (npm packages, Temporal CLI, Java test server).
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh
bench:
	bash scripts/bench.sh
build:
	bash scripts/setup.sh && npm run build
