#!/usr/bin/env node
// The `repro` command. A committed file, so npm links it at install time, before any build
// has written dist/ (a bin pointing into dist/ is skipped when npm ci runs on a clean clone).
import '../dist/cli.js';
