-- wrk script of bench/bench_query.sh: GET each path listed in a file (one a
-- line, without the leading /), cycling through them.  Every thread reads the
-- same list and starts at a different place in it.
--   wrk -s bench/wrk-paths.lua http://127.0.0.1:PORT -- PATHS_FILE
local threads = 0

function setup(thread)
	thread:set("thread_index", threads)
	threads = threads + 1
end

function init(args)
	local file = args[1]
	if file == nil then
		error("wrk-paths.lua: no paths file (give it after --)")
	end
	requests = {}
	for line in io.lines(file) do
		if line ~= "" then
			requests[#requests + 1] = wrk.format("GET", "/" .. line)
		end
	end
	if #requests == 0 then
		error("wrk-paths.lua: no paths in " .. file)
	end
	-- Threads start 1000 paths apart (wrapping), so they do not ask in step.
	next_index = ((thread_index or 0) * 1000) % #requests
end

function request()
	next_index = next_index % #requests + 1
	return requests[next_index]
end
