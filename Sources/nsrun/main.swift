// The nsrun command: all logic lives in NSRunLua (Command/Command.swift).
import CNSRunStart
import NSRunLua
#if canImport(Glibc)
import Glibc
#endif

nsrun_start_restore_environment()
let status = NSRunCommand.main(CommandLine.arguments)
fflush(nil)
exit(status)
