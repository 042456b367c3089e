// Package e2e holds the browser tests that drive the real portal in Debian's Chromium.
package e2e
