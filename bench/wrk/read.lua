-- wrk script: GETs the profile of a random user u0..u49999; each connection waits DELAY ms (default 2) after each
-- answer. Prints the latency percentiles (from the write of each request, as wrk measures) at the end.
local delay_ms = tonumber(os.getenv("DELAY") or "2")
math.randomseed(7)
function request()
  return wrk.format("GET", "/v1/users/u" .. math.random(0, 49999) .. "/profile")
end
function delay() return delay_ms end
function done(summary, latency, requests)
  io.write(string.format("reads %d errors %d status %d p50 %.3f p90 %.3f p99 %.3f p999 %.3f max %.3f ms\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
