-- GET of BENCH_PATH with the store's credentials (environment variables set by run.py).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["ORDERDESK-STORE-ID"] = os.getenv("BENCH_STORE_ID")
wrk.headers["ORDERDESK-API-KEY"] = os.getenv("BENCH_API_KEY")
