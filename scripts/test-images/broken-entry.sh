#!/bin/sh
# berth-test-broken: never becomes healthy, so tests can see how a failed deploy is reported.
echo "berth-test-broken: refusing to start (simulated crash)" >&2
exit 1
