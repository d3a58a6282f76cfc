-- luacheck configuration for nsrun recipes: `luacheck examples/ benchmarks/ Tests/NSRunTests/lua/`
-- (Debian's lua-check; scripts/test runs it before swift test).
-- Recipes run under nsrun, which embeds Lua 5.4.

std = "lua54"

-- nsrun's globals (README "Lua API"): the `ns` table, the mission's functions,
-- and every CLONE_* constant, also set as a global with the seed's value.
-- Read-only: a recipe that assigns to one of them is a mistake.
read_globals = {
  "ns",
  "clone", "raw_clone", "pidfd_signal", "getpid", "gettid",
  "CSIGNAL",
  "CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_PIDFD", "CLONE_PTRACE",
  "CLONE_VFORK", "CLONE_PARENT", "CLONE_THREAD", "CLONE_NEWNS", "CLONE_SYSVSEM", "CLONE_SETTLS",
  "CLONE_PARENT_SETTID", "CLONE_CHILD_CLEARTID", "CLONE_DETACHED", "CLONE_UNTRACED",
  "CLONE_CHILD_SETTID", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER",
  "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_IO", "CLONE_CLEAR_SIGHAND", "CLONE_INTO_CGROUP",
  "CLONE_NEWTIME",
  "CLONE_ARGS_SIZE_VER0", "CLONE_ARGS_SIZE_VER1", "CLONE_ARGS_SIZE_VER2",
}

-- The project writes long lines (a whole assertion, a spec entry or a check
-- and its message on one line, as the README's code does); no width is enforced.
max_line_length = false

-- types/ holds lua-language-server definition files: they assign nsrun's
-- globals and declare empty functions on purpose. .build/ is SwiftPM's.
exclude_files = { "types/**", ".build/**" }
