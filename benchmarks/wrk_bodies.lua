-- wrk script: cycles through request bodies read from a file (one JSON body per line) and
-- prints one JSON line of figures at the end.
-- Usage: wrk -s wrk_bodies.lua URL -- METHOD BODIES_FILE API_KEY
local bodies = {}
local method, headers

function init(args)
  method = args[1]
  for line in io.lines(args[2]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[3]}
  counter = math.random(#bodies)
end

function request()
  counter = counter % #bodies + 1
  return wrk.format(method, nil, headers, bodies[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non2xx": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
