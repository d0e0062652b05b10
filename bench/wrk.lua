-- Drives pre-built requests (BENCH_REQUESTS: "<length>\n<raw HTTP request>" repeated), cycling
-- through them; BENCH_TARGETS ("host:port,host:port") spreads wrk's threads over replicas.
-- done() prints one JSON line with the figures the benchmark keeps.

local function load(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  local items, pos = {}, 1
  while pos <= #data do
    local newline = string.find(data, "\n", pos, true)
    local length = tonumber(string.sub(data, pos, newline - 1))
    items[#items + 1] = string.sub(data, newline + 1, newline + length)
    pos = newline + length + 1
  end
  return items
end

local requests = load(os.getenv("BENCH_REQUESTS"))
local count = #requests
local targets = {}
for target in string.gmatch(os.getenv("BENCH_TARGETS") or "", "[^,]+") do
  targets[#targets + 1] = target
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  if #targets > 0 then
    local target = targets[(thread_count - 1) % #targets + 1]
    local host, port = string.match(target, "([^:]+):(%d+)")
    thread.addr = wrk.lookup(host, port)[1]
  end
  threads[#threads + 1] = thread
end

local index = 0
local stride = 1

function init(args)
  stride = tonumber(args[1] or "1")
  index = ((tid or 1) - 1) % count
end

function request()
  local raw = requests[index + 1]
  index = (index + stride) % count
  return raw
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.status, errors.connect,
    errors.read, errors.write, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
