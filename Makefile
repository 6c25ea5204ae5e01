.PHONY: demo test setup bench build
# Each target installs what it needs first: demo and bench the npm packages and the Temporal CLI; test also the Java
# time-skipping test server, Docker Compose and Chromium, and the production topology's Temporal server, Web UI server
# and PostgreSQL (scripts/setup.sh).
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh test
bench:
	bash scripts/bench.sh
build:
	bash scripts/setup.sh demo && npm run build
