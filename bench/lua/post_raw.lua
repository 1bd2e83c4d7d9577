-- POST of a fixed, pre-signed body (BENCH_BODY_FILE) to BENCH_PATH with BENCH_CONTENT_TYPE.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
