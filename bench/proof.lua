-- wrk script of bench/proof_bench.py: inclusion proofs of random entries, one connection,
-- so the latency is the server's per proof. Path prefix and tree size come from the
-- environment (PROOF_PATH, PROOF_SIZE); the seed is fixed so runs ask for the same entries.

local path = os.getenv("PROOF_PATH")
local size = tonumber(os.getenv("PROOF_SIZE"))

function init(args)
  math.randomseed(2023)
end

function request()
  local index = math.random(0, size - 1)
  return wrk.format("GET", path .. "?size=" .. size .. "&index=" .. index)
end
