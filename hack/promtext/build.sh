#!/usr/bin/env bash
# Builds hack/promtext (Prometheus' own text parser and client_golang's promlint), cached outside the repo; prints the
# binary's path (hack/go-tool.sh).
exec bash "$(dirname "$0")/../go-tool.sh" "$(dirname "$0")"
