#!/usr/bin/env bash
# Builds hack/apifloor (a real API server's floor for a claim, docs/pools.md), cached outside the repo; prints the
# binary's path (hack/go-tool.sh).
exec bash "$(dirname "$0")/../go-tool.sh" "$(dirname "$0")"
