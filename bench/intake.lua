-- wrk script of bench/intake_bench.py: each wrk thread sends its own pre-generated requests,
-- once each, and says when all are answered. A request file has one request a line:
-- "token<TAB>path<TAB>body". Statuses are counted per thread and printed by done() as
-- one JSON line, so the bench can check that every request got the answer it expects.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1] .. "/requests-" .. id .. ".txt") do
    local token, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
    }
    table.insert(requests, wrk.format("POST", path, headers, body))
  end
  reserved = 0
  sent = 0
  answered = 0
  statuses = {}
end

function delay()
  -- called before each request a connection sends: a request is reserved here, and a
  -- connection that finds nothing left waits instead of sending anything more
  if reserved >= #requests then
    return 600000
  end
  reserved = reserved + 1
  return 0
end

function request()
  -- wrk also calls this once at start without sending it: only reserved requests count
  if sent >= reserved then
    return requests[1]
  end
  sent = sent + 1
  return requests[sent]
end

function response(status, headers, body)
  answered = answered + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if answered == #requests then
    -- the bench stops wrk (SIGINT) once every thread said so: thread:stop() does not
    io.write("ANSWERED " .. id .. "\n")
    io.flush()
  end
end

function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      table.insert(parts, string.format('"%d:%s": %d', thread:get("id"), status, n))
    end
  end
  io.write("STATUSES {" .. table.concat(parts, ", ") .. "}\n")
end
