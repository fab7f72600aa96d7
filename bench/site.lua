-- wrk script of bench/site_bench.py: readers as browsers and CDNs ask for a page. Every
-- request accepts gzip; one in SITE_CONDITIONAL_EVERY (default 3) carries If-None-Match with
-- the entity tag of the last full answer this thread got, as a reader polling the page does.
-- Statuses and bytes are counted per thread and printed by done() as one JSON line.

local every = tonumber(os.getenv("SITE_CONDITIONAL_EVERY") or "3")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  tag = nil
  statuses = {}
  tags = 0
  base = {
    ["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    ["Accept-Encoding"] = "gzip, deflate, br",
    ["Accept-Language"] = "kk,ru;q=0.8,en;q=0.5",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) site-bench",
  }
  plain = wrk.format("GET", nil, base)
end

function request()
  sent = sent + 1
  if tag ~= nil and every > 0 and sent % every == 0 then
    local headers = {}
    for name, value in pairs(base) do
      headers[name] = value
    end
    headers["If-None-Match"] = tag
    return wrk.format("GET", nil, headers)
  end
  return plain
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status == 200 then
    local seen = headers["etag"] or headers["ETag"] or headers["Etag"]
    if seen ~= nil and seen ~= tag then
      tag = seen
      tags = tags + 1
    end
  end
end

function done(summary, latency, requests)
  local counts = {}
  local changes = 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
    changes = changes + thread:get("tags")
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  io.write("STATUSES {" .. table.concat(parts, ", ") .. "}\n")
  io.write("TAGS " .. changes .. "\n")
end
