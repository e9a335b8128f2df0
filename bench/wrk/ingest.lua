-- wrk script: POSTs 1,000-event batches (BATCH_DIR/b000.json .. b299.json, JSON arrays) in turn; each connection
-- waits DELAY ms (default 500) after each answer: wrk paces a connection closed-loop, not by a schedule.
local bodies = {}
local n = 0
local dir = os.getenv("BATCH_DIR") or "batches"
local delay_ms = tonumber(os.getenv("DELAY") or "500")
function init(args)
  for i = 0, 299 do
    local f = io.open(string.format("%s/b%03d.json", dir, i), "r")
    bodies[i] = f:read("*a"); f:close()
  end
end
function request()
  local body = bodies[n % 300]
  n = n + 1
  return wrk.format("POST", "/v1/events", { ["Content-Type"] = "application/json" }, body)
end
function delay() return delay_ms end
