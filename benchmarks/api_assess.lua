-- wrk script for bench_api_load.py: a stateless POST /api/assess of one record, bearer token.
-- The body file and the token come from the environment; `done` prints one JSON line of figures.
local body_file = assert(os.getenv("TRDKIT_BENCH_BODY"), "TRDKIT_BENCH_BODY is not set")
local token = assert(os.getenv("TRDKIT_BENCH_TOKEN"), "TRDKIT_BENCH_TOKEN is not set")

local handle = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = handle:read("*a")
handle:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
