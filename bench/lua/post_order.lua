-- POST /api/v2/orders: a 3-item order with a new source_id on every request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local counter = 0
local headers = {
  ["ORDERDESK-STORE-ID"] = os.getenv("BENCH_STORE_ID"),
  ["ORDERDESK-API-KEY"] = os.getenv("BENCH_API_KEY"),
  ["Content-Type"] = "application/json",
}
local template = '{"source_id":"wrk-%s-%d-%d","source_name":"Bench","email":"b%d@example.com",' ..
  '"shipping_total":4.5,"shipping":{"first_name":"Bench","last_name":"Mark","address1":"1 Main St",' ..
  '"city":"Springfield","postal_code":"62701","country":"US"},"order_items":[' ..
  '{"name":"T-Shirt","code":"TS-1","price":19.99,"quantity":2,"weight":0.5},' ..
  '{"name":"Mug","code":"MUG-1","price":7.25,"quantity":1,"weight":1.25},' ..
  '{"name":"Sticker","code":"ST-1","price":1.5,"quantity":4,"weight":0.01}]}'
-- A fresh tag per wrk run (the warm-up and the measured run must not reuse source ids).
local run_tag = os.getenv("BENCH_RUN_TAG") .. "-" .. tostring(os.time())

function request()
  counter = counter + 1
  local body = string.format(template, run_tag, tid, counter, counter % 1000)
  return wrk.format("POST", "/api/v2/orders", headers, body)
end
