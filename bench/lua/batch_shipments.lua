-- POST /api/v2/batch-shipments: 100 shipments (orders from BENCH_ORDER_IDS), new tracking
-- numbers on every request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local ids = {}
for id in string.gmatch(os.getenv("BENCH_ORDER_IDS"), "[^,]+") do table.insert(ids, id) end
local headers = {
  ["ORDERDESK-STORE-ID"] = os.getenv("BENCH_STORE_ID"),
  ["ORDERDESK-API-KEY"] = os.getenv("BENCH_API_KEY"),
  ["Content-Type"] = "application/json",
}
local counter = 0
function request()
  counter = counter + 1
  local parts = {}
  for i = 1, 100 do
    parts[i] = string.format('{"order_id":"%s","tracking_number":"B%d-%d-%d","carrier_code":"UPS"}',
      ids[(i - 1) % #ids + 1], tid, counter, i)
  end
  return wrk.format("POST", "/api/v2/batch-shipments", headers, "[" .. table.concat(parts, ",") .. "]")
end
