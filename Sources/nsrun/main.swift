// The nsrun command: all logic lives in NSRunLua (Command/Command.swift).
import NSRunLua
#if canImport(Glibc)
import Glibc
#endif

let status = NSRunCommand.main(CommandLine.arguments)
fflush(nil)
exit(status)
