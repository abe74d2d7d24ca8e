-- wrk script for figure 4 (bench/ingest.ts): POSTs plain-JSON recorder batches, every request a distinct
-- (session, window, seq), and keeps each 200 answer's body so the benchmark can check afterwards that every
-- acknowledged batch is in the database.
--   WRK_ACKS_FILE=<file> wrk ... -s bench/ingest.lua <url> -- <templates file> <run prefix> <sessions at a time>
-- Each line of the templates file is "<sentAt> <events JSON>": the batches of one recorded session, in order.
-- A thread records S sessions at a time, taking turns: request n is batch (n mod S·T) / S of session
-- (n / S·T)·S + n mod S, where T is the template count. Every session starts with its full snapshot and sends its
-- batches in order, S requests apart: with S above the connection count, one window never has two batches in
-- flight, as a recorder (one batch at a time per tab) never does.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  templates = {}
  for line in io.lines(args[1]) do
    local sentAt, events = line:match("^(%d+) (.*)$")
    table.insert(templates, { sentAt = sentAt, events = events })
  end
  prefix = args[2] .. "-" .. id
  sessions = tonumber(args[3])
  sent = 0
  acks = {}
end

function request()
  local perRound = sessions * #templates
  local within = sent % perRound
  local index = math.floor(within / sessions)
  local session = prefix .. "-" .. (math.floor(sent / perRound) * sessions + within % sessions)
  local template = templates[index + 1]
  sent = sent + 1
  local body = '{"v":1,"project":"demo","sessionId":"' .. session .. '","windowId":"' .. session .. '","seq":' ..
    index .. ',"sentAt":' .. template.sentAt .. ',"events":' .. template.events .. '}'
  -- X-Bench-Id lets the bare server answer with the batch's identity without parsing the body.
  local headers = { ["Content-Type"] = "text/plain", ["X-Bench-Id"] = session .. " " .. index }
  return wrk.format("POST", "/api/ingest", headers, body)
end

function response(status, headers, body)
  if status == 200 then table.insert(acks, body) end
end

function done(summary, latency, requests)
  -- done() runs in wrk's main Lua state, which init() never saw: the file comes from the environment.
  local out = assert(io.open(os.getenv("WRK_ACKS_FILE"), "w"))
  for _, thread in ipairs(threads) do
    for _, ack in ipairs(thread:get("acks")) do out:write(ack, "\n") end
  end
  out:close()
  local errors = summary.errors
  io.write(string.format(
    'WRK_SUMMARY {"requests":%d,"durationUs":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
