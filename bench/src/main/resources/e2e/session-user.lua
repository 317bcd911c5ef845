-- The end-to-end comparison's users, for wrk 4 (see dev.satchel.bench.EndToEndLoad).
--
-- wrk keeps one Lua state per thread, not per connection, so it runs one connection per thread
-- (-tN -cN): each thread is one user with its own cookie jar. A user keeps the session cookie the
-- server sets and sends a fixed mix: 70 % GET /visit, 20 % GET /cart, 10 % POST /cart/add.
-- Every answer is checked against what this user did before: the visit count rises by exactly one,
-- the cart holds min(items added, cap) items, and the user is given one session cookie only.
-- done() prints one line, "E2E-RESULT {json}", with wrk's summary, its latency percentiles and
-- those checks summed over the users.
--
-- Argument: the cart's cap (the app keeps the last CAP items).

local threads = {}
local users = 0

function setup(thread)
   users = users + 1
   thread:set("id", users)
   table.insert(threads, thread)
end

-- Each thread's own state (globals of the thread's Lua state).
cap = 10
cookie = nil
pending = nil
visits = 0
adds = 0
sessions = 0
non200 = 0
visits_ok = 0
visits_bad = 0
cart_ok = 0
cart_bad = 0

function init(args)
   cap = tonumber(args[1]) or 10
   math.randomseed(7919 * (id or 1))
end

-- wrk calls this once before the run to check the request (its answer is never read), and then
-- once per request: all bookkeeping is therefore done in response().
function request()
   local headers = { ["Host"] = wrk.headers["Host"] }
   if cookie then
      headers["Cookie"] = cookie
   end
   local r = math.random(100)
   if r <= 70 then
      pending = "visit"
      return wrk.format("GET", "/visit", headers)
   elseif r <= 90 then
      pending = "cart"
      return wrk.format("GET", "/cart", headers)
   end
   pending = "add"
   headers["Content-Type"] = "application/x-www-form-urlencoded"
   return wrk.format("POST", "/cart/add", headers, "item=item-" .. (adds + 1))
end

function response(status, headers, body)
   local set = headers["Set-Cookie"] or headers["set-cookie"]
   if set then
      local value = string.match(set, "^([^;]*)")
      if value ~= cookie then
         sessions = sessions + 1
         cookie = value
      end
   end
   if status ~= 200 then
      non200 = non200 + 1
      return
   end
   if pending == "visit" then
      local n = tonumber(string.match(body, "visits=(%d+)"))
      if n ~= nil and n == visits + 1 then
         visits_ok = visits_ok + 1
      else
         visits_bad = visits_bad + 1
      end
      visits = n or 0
   else
      if pending == "add" then
         adds = adds + 1
      end
      local n = tonumber(string.match(body, "items=(%d+)"))
      if n ~= nil and n == math.min(adds, cap) then
         cart_ok = cart_ok + 1
      else
         cart_bad = cart_bad + 1
      end
   end
end

function done(summary, latency, requests)
   local names = { "sessions", "non200", "visits_ok", "visits_bad", "cart_ok", "cart_bad" }
   local sums = {}
   for _, name in ipairs(names) do
      sums[name] = 0
   end
   local max_visits = 0
   for _, thread in ipairs(threads) do
      for _, name in ipairs(names) do
         sums[name] = sums[name] + (thread:get(name) or 0)
      end
      local v = thread:get("visits") or 0
      if v > max_visits then
         max_visits = v
      end
   end
   local e = summary.errors
   io.write(string.format(
      'E2E-RESULT {"requests":%.0f,"durationMicros":%.0f,"bytes":%.0f,'
         .. '"connectErrors":%.0f,"readErrors":%.0f,"writeErrors":%.0f,"statusErrors":%.0f,"timeouts":%.0f,'
         .. '"latencyMicros":{"mean":%.1f,"p50":%.0f,"p90":%.0f,"p99":%.0f,"p99.9":%.0f,"max":%.0f},'
         .. '"users":%d,"sessions":%.0f,"non200":%.0f,"visitsOk":%.0f,"visitsBad":%.0f,'
         .. '"cartOk":%.0f,"cartBad":%.0f,"maxVisits":%.0f}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max,
      #threads, sums.sessions, sums.non200, sums.visits_ok, sums.visits_bad,
      sums.cart_ok, sums.cart_bad, max_visits))
end
