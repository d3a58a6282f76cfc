// The Swift half of the nsrun Lua module: luaopen_nsrun (CNSRunLuaModule,
// C) calls this to build the ns table on the host interpreter's state.
import NSRunLua

@_cdecl("nsrun_library_open")
public func nsrunLibraryOpen(_ L: OpaquePointer) -> Int32 {
    NSRunLibrary.open(L)
}
