# Dependencies of the browser tests (internal/browsertest): axe-core from npm,
# pinned by its lockfile, and Debian's Chromium. No tool downloads a browser.

NPM ?= npm
AXE_NPM_DIR := internal/browsertest/axe
# Not AXE_JS: that environment variable overrides the path in the tests, and
# make would pass its own value down to them.
AXE_MIN_JS := $(AXE_NPM_DIR)/node_modules/axe-core/axe.min.js

.PHONY: axe chromium

axe: $(AXE_MIN_JS)

$(AXE_MIN_JS): $(AXE_NPM_DIR)/package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || { echo "npm is missing: install Node.js and npm: apt-get install nodejs npm" >&2; exit 1; }
	$(NPM) ci --prefix $(AXE_NPM_DIR) --no-audit --no-fund
	@# npm keeps the file dates of the package, older than the lockfile;
	@# touch it so that the next make sees it as up to date.
	touch $@

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; \
		else \
			echo "Chromium is needed for the browser tests: sudo apt-get install chromium chromium-driver" >&2; exit 1; \
		fi; \
	fi
